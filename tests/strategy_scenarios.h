#pragma once
// Small scenarios shared by the recovery-strategy tests (checkpointless, async_checkpoint,
// strategies): a cluster whose spare pool never runs dry, checkpointless on top of it.

#include <cstdint>
#include <string>

#include "models/recovery/shard_map.h"
#include "models/recovery/strategy.h"
#include "models/repair/repair_distribution.h"
#include "models/scenario.h"
#include "sim/config.h"

namespace goodsim::models {

inline constexpr double kSecond = 1.0 / 3600.0;

// A repair (or queue) distribution read from its YAML map, e.g. "{model: fixed, mean: 2h}".
inline RepairDistributionPtr distribution(const std::string& yaml) {
  return read_repair_distribution(sim::parse_config(yaml, "t.yaml"));
}

// `nodes` slots with a system MTBF of `system_mtbf_h`, a spare pool that never runs dry and
// hot-spare recovery with no phase durations.
inline Scenario cluster(std::int64_t nodes, double system_mtbf_h, double work_h) {
  Scenario s;
  s.cluster.nodes = nodes;
  s.cluster.spares = 1'000'000;
  s.cluster.failure.node_mtbf_h = system_mtbf_h * static_cast<double>(nodes);
  s.cluster.repair.distribution = exponential_repair(1.0);
  s.job.work_h = work_h;
  s.job.step_h = 10 * kSecond;
  return s;
}

// Checkpointless with `replicas` copies of the state; recovery restarts at once and the peer
// transfer takes `transfer_h`.
inline Scenario checkpointless(Scenario s, std::int64_t replicas, Placement placement,
                               double transfer_h) {
  s.recovery.strategy = "checkpointless";
  s.recovery.checkpointless.replicas = replicas;
  s.recovery.checkpointless.placement = placement;
  s.recovery.checkpointless.transfer_h = transfer_h;
  return s;
}

}  // namespace goodsim::models
