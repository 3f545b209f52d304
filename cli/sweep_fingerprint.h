#pragma once
// Why: a sweep's identity, stored in every part and in the output, is what lets --resume
// reuse parts of the same sweep and refuse those of another.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "cli/sha256.h"
#include "models/precision.h"
#include "models/sweep.h"
#include "sim/config.h"

namespace goodsim::cli {

// The content of the files the points read beyond the scenario's YAML (whose extends targets
// are merged into it): each point's failure trace (cluster.failure.file) as parsed, one line
// per point with a trace. Editing a trace changes it; moving or reformatting the file does not.
std::string input_files_digest(std::span<const models::SweepPoint> points);

// Identity of a sweep's results: SHA-256 of the goodsim version, the resolved base scenario
// (after extends and --set, without its sweep block, as YAML), the sweep spec (keys and values
// in order), the replications, the seed, whether recovery times are recorded, and
// `input_files` (input_files_digest). Independent of file names, comments, formatting and
// --threads. With a precision target (sweep --precision) the target, its bounds and estimator
// take the place of the replication count: every point then stops on its own rule.
std::string sweep_fingerprint(const sim::ConfigNode& root, const models::SweepSpec& spec,
                              std::int64_t replications, std::uint64_t seed,
                              bool recovery_times = false, std::string_view input_files = {},
                              const std::optional<models::PrecisionTarget>& precision = {});

}  // namespace goodsim::cli
