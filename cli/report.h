#pragma once
// The stdout summary of `goodsim run`.

#include <optional>
#include <ostream>
#include <span>
#include <string>

#include "models/monte_carlo.h"
#include "models/precision.h"
#include "models/scenario.h"

namespace goodsim::cli {

// `run --precision`: what was asked and what the blocks reached (models/precision.h).
struct PrecisionInfo {
  models::PrecisionTarget target;
  double achieved = 0.0;  // the estimator's 95 % CI half-width after the last block
  bool reached = false;
  double mean = 0.0;            // the estimator's mean of the metric
  double std_error = 0.0;       // and its standard error
  double variance_ratio = 1.0;  // control variate: plain variance / residual variance
};

// Who ran the replications: "2 threads", or under MPI "3 ranks x 1 thread".
std::string workers_text(unsigned threads, int ranks);

// "plain mean" or "control variate (failure proposals in [0, 1..2 x work])".
std::string estimator_name(models::Estimator e);

struct RunInfo {
  std::int64_t replications = 0;
  std::uint64_t seed = 0;
  unsigned threads = 0;  // per rank
  int ranks = 1;         // MPI ranks (sim/process_group.h)
  double seconds = 0.0;
  double interval_search_seconds = 0.0;  // resolving `checkpoint.interval: auto`
  std::optional<PrecisionInfo> precision;
};

void print_scenario(std::ostream& out, const models::Scenario& s);
// "3 of 20 replications did not finish within 1000 x the work (27,000 h, ...)".
std::string unfinished_text(const models::Scenario& s, std::int64_t unfinished,
                            std::int64_t replications);
// The report's did-not-finish lines: the count and what censoring does to the figures.
void print_unfinished(std::ostream& out, const models::Scenario& s, std::int64_t unfinished,
                      std::int64_t replications);
void print_run_report(std::ostream& out, const models::Scenario& s, const models::RunSummary& sum,
                      const RunInfo& info);

}  // namespace goodsim::cli
