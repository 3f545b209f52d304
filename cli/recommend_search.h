#pragma once
// recommend's search: every candidate simulated on the same luck (common random numbers), ranked.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cli/recommend_candidates.h"
#include "models/monte_carlo.h"
#include "models/scenario.h"
#include "models/spare_pool_ctmc.h"
#include "sim/process_group.h"
#include "sim/statistics.h"

namespace goodsim::cli::recommend {

// A candidate, its scenario and, once simulated, its figures.
struct Evaluated {
  Candidate candidate;
  models::Scenario scenario;
  models::RunSummary summary;
  std::vector<double> cost;  // per replication
  std::vector<double> wall;  // per replication
  double spare_waits = 0.0, repairs = 0.0, wait_spares_h = 0.0, wall_h = 0.0;
  std::optional<models::SparePoolFigures> chain;
  std::string chain_missing;
};

// Simulates every candidate's scenario with the same seed (common random numbers), filling in
// its figures; progress on stderr unless `quiet`. Returns the seconds it took. The replications
// are streamed: each candidate keeps its summary and its per-replication cost and wall time,
// not every result. Under MPI only the root's figures are filled in (it ranks and prints).
double simulate_candidates(std::vector<Evaluated>& ev, std::int64_t replications,
                           std::uint64_t seed, unsigned threads, const sim::ProcessGroup& group,
                           bool quiet);

// a[i] - b[i] summarized: a paired difference and its standard error.
sim::SampleSummary paired(const std::vector<double>& a, const std::vector<double>& b);

// A candidate whose replications hit montecarlo.max_wall_factor has censored (too low)
// costs: it is shown, marked, and never recommended.
bool finished(const Evaluated& e);
// Whether its P95 wall time meets the deadline (always, without one).
bool meets_deadline(const Evaluated& e, std::optional<double> deadline_h);

// (Plain indices rather than std::optional: GCC 12 reports a false -Wmaybe-uninitialized.)
inline constexpr std::size_t kNone = static_cast<std::size_t>(-1);

struct Ranking {
  std::vector<std::size_t> eligible;  // finished and meeting the deadline, cheapest first
  std::size_t recommended = kNone;    // the cheapest eligible candidate
  // The comparison for the paired difference: the runner-up among the eligible candidates,
  // else (deadline mode, one eligible) the cheapest candidate that misses the deadline.
  std::size_t compared = kNone;
};

Ranking rank_candidates(const std::vector<Evaluated>& ev, std::optional<double> deadline_h);

}  // namespace goodsim::cli::recommend
