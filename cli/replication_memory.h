#pragma once
// Every per-replication result of a run (of a sweep point) is held in memory until the results
// file is written, so a huge --reps would end in std::bad_alloc after minutes of simulation
// (issue 11 item 7). Until results are streamed to the file in blocks, such a count is refused
// before anything is simulated, with the estimate and the limit.

#include <cstdint>
#include <string>

#include "models/scenario.h"

namespace goodsim::cli {

// About how many bytes `replications` results of `s` take while held: the results themselves,
// their per-cause counts, and the datasets and statistics made from them when writing.
double replication_results_bytes(const models::Scenario& s, std::int64_t replications);

// Throws UsageError(command, ...) if replication_results_bytes is more than `memory_bytes`
// (default: this machine's physical memory), naming the estimate, the limit and what to do.
void check_replications_fit(const std::string& command, const models::Scenario& s,
                            std::int64_t replications, double memory_bytes = 0.0);

}  // namespace goodsim::cli
