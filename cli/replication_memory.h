#pragma once
// What a run holds in memory per replication, so that a huge --reps is refused before anything
// is simulated, with the estimate and the limit, instead of ending in std::bad_alloc after
// minutes of simulation (issue 11 item 7).
//
// `run`, each point of `sweep` and each candidate of `recommend` stream their replications in
// blocks (models::stream_replications) and keep only the summary's per-replication figures:
// goodput, wall time, interruptions and cost, 8 bytes each, which its standard errors and
// percentiles need. `recommend` also keeps each candidate's cost and wall time per replication
// for the paired differences between candidates.

#include <cstddef>
#include <cstdint>
#include <string>

#include "models/scenario.h"

namespace goodsim::cli {

// About how many bytes the summary of `replications` replications of `s` holds: goodput,
// wall_h, interruptions, cost (priced) and the sorted copy of one of them the percentiles
// take; the block in hand and the file add a constant.
double replication_results_bytes(const models::Scenario& s, std::int64_t replications);

// The same for `recommend`: one candidate's summary at a time, and the cost and wall time of
// every replication of every candidate (16 bytes each).
double candidate_results_bytes(const models::Scenario& s, std::int64_t replications,
                               std::size_t candidates);

// Throws UsageError(command, ...) if replication_results_bytes is more than `memory_bytes`
// (default: this machine's physical memory), naming the estimate, the limit and what to do.
void check_replications_fit(const std::string& command, const models::Scenario& s,
                            std::int64_t replications, double memory_bytes = 0.0);

// check_replications_fit for `recommend`'s candidates (candidate_results_bytes).
void check_candidates_fit(const models::Scenario& s, std::int64_t replications,
                          std::size_t candidates, double memory_bytes = 0.0);

}  // namespace goodsim::cli
