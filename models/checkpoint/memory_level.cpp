#include "models/checkpoint/memory_level.h"

#include <cmath>
#include <string>

#include "models/config_values.h"
#include "sim/format.h"

namespace goodsim::models {

MemoryLevelSpec read_memory_level(const sim::ConfigNode& node, const CheckpointSpec& persistent,
                                  std::int64_t nodes) {
  sim::MapReader r(node);
  MemoryLevelSpec m;
  const sim::ConfigNode& interval = r.required("interval");
  m.interval_h = config::positive_hours(interval);
  if (m.interval_h < config::kMinIntervalH) {  // as checkpoint.interval: the count fits int64
    throw interval.error("expected a duration of at least 1 s, got " + interval.describe());
  }
  m.write_h = config::optional_hours(r, "write", 0.0);
  m.load_h = config::optional_hours(r, "load", 0.0);
  if (const sim::ConfigNode* c = r.optional("copies")) {
    m.copies = config::int_at_least(*c, 1);
    if (nodes % m.copies != 0) {
      throw c->error("expected a group size that divides cluster.nodes (" + std::to_string(nodes) +
                     "), got " + c->describe());
    }
  }
  r.finish();

  // The persistent level must sit on the in-memory grid: the grid arithmetic of
  // models/checkpoint/multilevel.cpp assumes it. `interval: auto` searches its multiples
  // (models/checkpoint/auto_interval.h), so it sits there by construction.
  if (persistent.interval_auto) return m;
  const double ratio = persistent.interval_h / m.interval_h;
  if (!(persistent.interval_h > 0.0) || std::abs(ratio - std::round(ratio)) > 1e-9 * ratio ||
      std::round(ratio) < 1.0) {
    throw interval.error(
        "expected an interval that divides checkpoint.interval (the persistent "
        "one), got " +
        interval.describe());
  }
  return m;
}

}  // namespace goodsim::models
