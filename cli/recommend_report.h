#pragma once
// recommend's report: the candidates, the recommendation and its evidence, what spares buy.

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "cli/recommend_search.h"
#include "models/scenario.h"

namespace goodsim::cli::recommend {

inline constexpr int kExitNoCandidateMeetsDeadline = 4;

// How the candidates were simulated: the report's "runs" line.
struct RunFacts {
  std::int64_t replications = 0;  // per candidate
  std::uint64_t seed = 0;
  unsigned threads = 0;  // per rank
  int ranks = 1;
  double seconds = 0.0;
};

// "vary       KEY: 3 candidates (8, 12, 16)".
void print_vary(std::ostream& out, const std::string& key, const std::vector<Evaluated>& ev);

// The whole report of simulated and ranked candidates; returns the exit code: 0, or
// kExitNoCandidateMeetsDeadline when no candidate can be recommended.
int print_recommendation(std::ostream& out, const models::Scenario& base, const std::string& key,
                         const std::vector<Evaluated>& ev, const Ranking& ranking,
                         std::optional<double> deadline_h, const RunFacts& run);

}  // namespace goodsim::cli::recommend
