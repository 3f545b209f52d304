#pragma once
// Why: before a sweep simulates anything, the root checks the output and whatever an earlier
// run left in the parts directory, so a refused start or resume changes nothing on disk.

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "cli/sweep.h"
#include "cli/sweep_parts.h"

namespace goodsim::cli::detail {

// Every check of the output and the parts directory (throws sim::InputError or UsageError
// before anything is written), the damaged parts removed (each one `note`d) and the directory
// prepared and locked (`lock`). Returns which points are stored already; an empty list (and
// outcome.already_complete) when the finished output is there.
std::vector<bool> prepare_parts(const SweepRun& run, const SweepOptions& o,
                                const std::function<void(const std::string&)>& note,
                                SweepOutcome& outcome, std::optional<PartsLock>& lock);

}  // namespace goodsim::cli::detail
