#include "models/recovery/shard_map.h"

#include <cmath>

namespace goodsim::models {

ShardMap::ShardMap(std::int64_t nodes, std::int64_t replicas, Placement placement)
    : replicas_(replicas),
      shards_(nodes / replicas),
      placement_(placement),
      down_per_shard_(static_cast<std::size_t>(shards_), 0),
      slot_down_(static_cast<std::size_t>(nodes), 0) {}

bool ShardMap::lose(std::int64_t slot) {
  auto& down = slot_down_[static_cast<std::size_t>(slot)];
  const auto shard = static_cast<std::size_t>(shard_of(slot));
  if (!down) {
    down = 1;
    down_slots_.push_back(slot);
    ++down_per_shard_[shard];
  }
  return down_per_shard_[shard] >= static_cast<std::uint32_t>(replicas_);
}

void ShardMap::restore_all() {
  for (const std::int64_t slot : down_slots_) {
    slot_down_[static_cast<std::size_t>(slot)] = 0;
    down_per_shard_[static_cast<std::size_t>(shard_of(slot))] = 0;
  }
  down_slots_.clear();
}

double group_loss_probability(std::int64_t nodes, std::int64_t group, std::int64_t failures) {
  if (failures < group) return 0.0;
  const auto log_choose = [](double n, double k) {
    return std::lgamma(n + 1) - std::lgamma(k + 1) - std::lgamma(n - k + 1);
  };
  const auto n = static_cast<double>(nodes), m = static_cast<double>(group),
             k = static_cast<double>(failures);
  return std::floor(n / m) * std::exp(log_choose(n - m, k - m) - log_choose(n, k));
}

}  // namespace goodsim::models
