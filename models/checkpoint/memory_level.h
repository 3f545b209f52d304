#pragma once
// Reading `checkpoint.memory`, the in-memory level of multi-level checkpointing
// (docs/model.md, "Multi-level checkpoints").

#include <cstdint>

#include "models/scenario.h"
#include "sim/config.h"

namespace goodsim::models {

// Checks the level against the cluster (groups of `copies` slots must tile it) and against
// the persistent level in `persistent` (its interval a multiple of the in-memory one; blocking).
MemoryLevelSpec read_memory_level(const sim::ConfigNode& node, const CheckpointSpec& persistent,
                                  std::int64_t nodes);

}  // namespace goodsim::models
