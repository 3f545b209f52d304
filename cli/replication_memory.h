#pragma once
// What a run holds in memory per replication, so that a huge --reps is refused before anything
// is simulated, with the estimate and the limit, instead of ending in std::bad_alloc after
// minutes of simulation (issue 11 item 7).
//
// `run` streams its replications to the file in blocks (models::stream_replications) and
// keeps only the summary's per-replication figures: goodput, wall time, interruptions and
// cost, 8 bytes each, which its standard errors and percentiles need. `sweep` still holds
// every result of a point until the point is stored.

#include <cstdint>
#include <string>

#include "models/scenario.h"

namespace goodsim::cli {

enum class Holding {
  kSummaryFigures,  // run: the figures of models::SummaryAccumulator
  kWholeResults,    // sweep: every ReplicationResult of a point, and the datasets made of them
};

// About how many bytes `replications` replications of `s` hold. kSummaryFigures: goodput,
// wall_h, interruptions, cost (priced) and the sorted copy of one of them the percentiles
// take; the block in hand and the file add a constant. kWholeResults: the results, their
// per-cause counts, and the datasets and statistics made from them when writing.
double replication_results_bytes(const models::Scenario& s, std::int64_t replications,
                                 Holding holding);

// Throws UsageError(command, ...) if replication_results_bytes is more than `memory_bytes`
// (default: this machine's physical memory), naming the estimate, the limit and what to do.
void check_replications_fit(const std::string& command, const models::Scenario& s,
                            std::int64_t replications, Holding holding, double memory_bytes = 0.0);

}  // namespace goodsim::cli
