#pragma once
// Why: the finished output is built from the parts in one go, under a temporary name, so it
// either is complete or is not there.

#include <filesystem>
#include <vector>

#include "cli/sweep.h"

namespace goodsim::cli::detail {

// Builds <o.output> from the parts in `dir` and returns its /summary table; with --precision
// each point's outcome goes to `precision`, in point order.
sim::h5::Table assemble(const std::filesystem::path& dir, const SweepRun& run,
                        const SweepOptions& o, std::vector<PointPrecision>& precision);

}  // namespace goodsim::cli::detail
