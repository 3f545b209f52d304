#pragma once
// What a run holds in memory per replication, so that a huge --reps is refused before anything
// is simulated, with the estimate and the limit, instead of ending in std::bad_alloc after
// minutes of simulation (issue 11 item 7).
//
// `run` and each point of `sweep` stream their replications to the file in blocks
// (models::stream_replications, cli/sweep.cpp) and keep only the summary's per-replication
// figures: goodput, wall time, interruptions and cost, 8 bytes each, which its standard errors
// and percentiles need.

#include <cstdint>
#include <string>

#include "models/scenario.h"

namespace goodsim::cli {

enum class Holding {
  kSummaryFigures,  // run, and a sweep's point: the figures of models::SummaryAccumulator
};

// About how many bytes `replications` replications of `s` hold. kSummaryFigures: goodput,
// wall_h, interruptions, cost (priced) and the sorted copy of one of them the percentiles
// take; the block in hand and the file add a constant.
double replication_results_bytes(const models::Scenario& s, std::int64_t replications,
                                 Holding holding);

// Throws UsageError(command, ...) if replication_results_bytes is more than `memory_bytes`
// (default: this machine's physical memory), naming the estimate, the limit and what to do.
void check_replications_fit(const std::string& command, const models::Scenario& s,
                            std::int64_t replications, Holding holding, double memory_bytes = 0.0);

}  // namespace goodsim::cli
