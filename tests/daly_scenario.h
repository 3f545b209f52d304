#pragma once
// Daly's model as a goodsim scenario, for the tests that hold the simulator to his closed forms.

#include <cstdint>

#include "models/repair/repair_distribution.h"
#include "models/scenario.h"

namespace goodsim::models {

// Daly's model is goodsim's v1 with unlimited spares, no detection or swap time and instant
// repair: system MTBF M = node_mtbf / nodes, R = restart + load (7 + 3 min), 5-min writes.
inline Scenario daly_scenario(std::int64_t nodes, double system_mtbf_h, double work_h,
                              double interval_h) {
  constexpr double kMinute = 1.0 / 60.0;
  Scenario s;
  s.cluster.nodes = nodes;
  s.cluster.spares = std::int64_t{1} << 40;
  s.cluster.failure.node_mtbf_h = system_mtbf_h * static_cast<double>(nodes);
  s.cluster.repair.distribution = exponential_repair(1e-9);
  s.job.work_h = work_h;
  s.checkpoint.interval_h = interval_h;
  s.checkpoint.write_h = 5 * kMinute;
  s.recovery.restart_h = 7 * kMinute;
  s.recovery.load_h = 3 * kMinute;
  return s;
}

}  // namespace goodsim::models
