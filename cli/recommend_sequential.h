#pragma once
// recommend --confidence: the sequential selection (models/selection.h) and its own report.

#include <cstdint>
#include <string>
#include <vector>

#include "cli/recommend_search.h"
#include "models/scenario.h"
#include "sim/process_group.h"

namespace goodsim::cli::recommend {

struct Sequential {
  double confidence = 0.95;
  double indifference_usd = 0.0;
  std::int64_t max_replications = 100'000;
};

// Runs the candidates in blocks of paired replications, dropping the clearly costlier ones after
// each, until one is left (or --max-reps); prints the report and returns the exit code.
int recommend_sequentially(const models::Scenario& base, const std::string& key,
                           const std::vector<Evaluated>& ev, const Sequential& q,
                           std::uint64_t seed, unsigned threads, const sim::ProcessGroup& group);

}  // namespace goodsim::cli::recommend
