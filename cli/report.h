#pragma once
// The stdout summary of `goodsim run`.

#include <ostream>

#include "models/monte_carlo.h"
#include "models/scenario.h"

namespace goodsim::cli {

struct RunInfo {
  std::int64_t replications = 0;
  std::uint64_t seed = 0;
  unsigned threads = 0;
  double seconds = 0.0;
  double interval_search_seconds = 0.0;  // resolving `checkpoint.interval: auto`
};

void print_scenario(std::ostream& out, const models::Scenario& s);
void print_run_report(std::ostream& out, const models::Scenario& s, const models::RunSummary& sum,
                      const RunInfo& info);

}  // namespace goodsim::cli
