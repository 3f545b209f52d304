#pragma once
// `checkpoint.interval: auto` (docs/model.md): the checkpoint interval that minimises the
// simulated mean wall time of the scenario as written (its failure model, causes, maintenance,
// recovery strategy, ...), found by a short deterministic search on common random numbers.
// Young's and Daly's closed forms, which assume exponential failures, are kept beside it.

#include <cstdint>

#include "models/scenario.h"

namespace goodsim::models {

// Replications per candidate interval (the search simulates about 9 candidates). On
// llama3-16k they pin the optimum to 0.5 % (one standard error) in 0.13 s of CPU, the time of
// about 1,800 replications. Fewer would do for the wall time, whose bottom is flat (an
// interval 5 % off the optimum costs 0.02 % of it), but rare rollbacks (checkpointless
// fallbacks, about one run in 50 on strategies-16k) must still show up among the replications
// for the search to weigh them.
inline constexpr std::int64_t kIntervalSearchReplications = 200;

struct AutoInterval {
  double interval_h = 0.0;    // minimises the simulated mean wall time
  IntervalSearch search;      // its standard error, and what the search simulated
  double young_h = 0.0;       // Young (1974): sqrt(2 delta M), M = system MTBF
  double daly_h = 0.0;        // Daly first order: sqrt(2 delta (M + R)), R = restart + load
  double daly_exact_h = 0.0;  // exact minimiser of Daly's T_w: where the search starts
  // Simulated mean wall time at interval_h and at daly_exact_h on the search's replications,
  // and the standard error of their paired difference.
  double mean_wall_h = 0.0;
  double daly_exact_mean_wall_h = 0.0;
  double wall_difference_se_h = 0.0;
};

struct IntervalSearchOptions {
  std::int64_t replications = kIntervalSearchReplications;
  unsigned threads = 0;  // 0 = all cores; the result is the same for any thread count
};

// Searches the interval of `base` (its checkpoint.interval is ignored) that minimises the mean
// wall time over the search's replications. A pure function of the scenario and
// options.replications: it draws from random streams of its own, not from montecarlo.seed.
AutoInterval optimise_interval(const Scenario& base, const IntervalSearchOptions& options = {});

// A scenario whose interval is `auto` and not yet resolved gets optimise_interval's interval
// and the record of its search (checkpoint.interval_search); any other is left as it is.
void resolve_auto_interval(Scenario& scenario, unsigned threads = 0);

}  // namespace goodsim::models
