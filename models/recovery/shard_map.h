#pragma once
// Which state shards still have a live holder, for checkpointless recovery.
//
// The job's nodes form `replicas` groups; node i of every group holds shard i. A copy is gone
// from the moment its node fails (or its process restarts) until the job computes again:
// by then the replacement has pulled the shard from a peer, or a checkpoint restore has
// rebuilt every copy. A shard whose every copy is gone defeats peer recovery.

#include <cstdint>
#include <vector>

#include "models/scenario.h"

namespace goodsim::models {

class ShardMap {
 public:
  ShardMap(std::int64_t nodes, std::int64_t replicas, Placement placement);

  // The copy held by `slot` is gone; returns true if its shard has no live copy left.
  bool lose(std::int64_t slot);
  // Every copy is live again.
  void restore_all();
  std::int64_t copies_down() const { return static_cast<std::int64_t>(down_slots_.size()); }
  // True while the copy held by `slot` is gone.
  bool down(std::int64_t slot) const { return slot_down_[static_cast<std::size_t>(slot)] != 0; }

 private:
  std::int64_t shard_of(std::int64_t slot) const {
    return placement_ == Placement::kSpread ? slot % shards_ : slot / replicas_;
  }

  std::int64_t replicas_;
  std::int64_t shards_;
  Placement placement_;
  std::vector<std::uint32_t> down_per_shard_;
  std::vector<std::uint8_t> slot_down_;
  std::vector<std::int64_t> down_slots_;
};

// Gemini's group placement (Wang et al., SOSP '23): the probability that k simultaneous node
// failures, uniform over N nodes in floor(N/m) groups of m, take every node of some group:
// floor(N/m)·C(N-m, k-m)/C(N, k). Exact for k < 2m (two groups cannot both be lost).
double group_loss_probability(std::int64_t nodes, std::int64_t group, std::int64_t failures);

}  // namespace goodsim::models
