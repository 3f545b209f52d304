#pragma once
// Reading `checkpoint.memory`, the in-memory level of multi-level checkpointing
// (docs/model.md, "Multi-level checkpoints").

#include <cstdint>

#include "models/recovery/shard_map.h"
#include "models/scenario.h"
#include "sim/config.h"

namespace goodsim::models {

// Checks the level against the cluster (groups of `copies` slots must tile it) and against
// the persistent level in `persistent` (its interval a multiple of the in-memory one).
MemoryLevelSpec read_memory_level(const sim::ConfigNode& node, const CheckpointSpec& persistent,
                                  std::int64_t nodes);

// One replication's in-memory level: the newest checkpoint the hosts' memory holds, and
// whether every group still has a copy of it. Checkpoints are boundaries of the policy's grid
// (models/checkpoint/policy.h).
class MemoryLevel {
 public:
  // Gemini's group placement: neighbouring slots hold each other's copies.
  MemoryLevel(std::int64_t nodes, const MemoryLevelSpec& spec)
      : copies_(nodes, spec.copies, Placement::kPacked) {}

  // The newest checkpoint of either level written (0: the start of the job).
  std::int64_t held() const { return held_; }
  // The current recovery restores from the peers' memory (see restore()).
  bool restoring() const { return restoring_; }

  // A write completed since the last interruption put fresh copies of checkpoint `written` on
  // every node, the replacements included.
  void renew(std::int64_t written) {
    if (written <= held_) return;
    held_ = written;
    copies_.restore_all();
    lost_ = false;
  }
  // The node in `slot` lost the copies it held.
  void lose(std::int64_t slot) {
    if (copies_.lose(slot)) lost_ = true;
  }
  // An interruption restores the held checkpoint if every group kept a copy of it, otherwise
  // the last durable one, `durable`; returns the checkpoint restored.
  std::int64_t restore(std::int64_t durable) {
    restoring_ = !lost_;
    if (!restoring_) held_ = durable;
    return held_;
  }
  // Silent data corruption: every copy is newer than the clean checkpoint `clean`.
  void corrupted(std::int64_t clean) {
    held_ = clean;
    lost_ = true;
    restoring_ = false;
  }

 private:
  ShardMap copies_;
  std::int64_t held_ = 0;
  bool lost_ = false;  // some group has lost every copy of checkpoint held_
  bool restoring_ = false;
};

}  // namespace goodsim::models
