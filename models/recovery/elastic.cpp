// Elastic (docs/model.md): while the pool cannot fill every empty slot, the job computes on
// its data-parallel groups that have no empty slot, at speed alive groups / groups; when
// repairs bring the pool up, it regrows (swap + reconfigure) and keeps its progress. With
// spares at hand it is hot_spare.

#include <algorithm>
#include <vector>

#include "models/config_values.h"
#include "models/recovery/strategy.h"
#include "sim/format.h"

namespace goodsim::models {

namespace {

class Elastic final : public RecoveryStrategy {
 public:
  explicit Elastic(const Scenario& s)
      : RecoveryStrategy(s),
        group_nodes_(s.recovery.elastic.dp_group_nodes),
        groups_(s.cluster.nodes / group_nodes_) {}

  double degraded_speed(std::span<const std::int64_t> empty) override {
    const std::int64_t alive = groups_ - groups_with_empty_slots(empty);
    return alive > 0 ? static_cast<double>(alive) / static_cast<double>(groups_) : 0.0;
  }

  RestorePhase regrow() const override {
    return {s_.recovery.elastic.reconfigure_h, Bucket::kReconfigure};
  }

 private:
  // A data-parallel group with an empty slot cannot compute. A domain failure can empty
  // several slots of one group, so the groups are counted, not the slots.
  std::int64_t groups_with_empty_slots(std::span<const std::int64_t> empty) {
    scratch_.clear();
    for (const std::int64_t slot : empty) scratch_.push_back(slot / group_nodes_);
    std::sort(scratch_.begin(), scratch_.end());
    return std::unique(scratch_.begin(), scratch_.end()) - scratch_.begin();
  }

  std::int64_t group_nodes_;
  std::int64_t groups_;
  std::vector<std::int64_t> scratch_;
};

void read(sim::MapReader& recovery, RecoverySpec& rec, const ClusterSpec& cluster) {
  const sim::ConfigNode* node = recovery.optional("elastic");
  if (!node) return;
  sim::MapReader r(*node);
  ElasticSpec& e = rec.elastic;
  const sim::ConfigNode& g = r.required("dp_group_nodes");
  e.dp_group_nodes = config::int_at_least(g, 1);
  if (e.dp_group_nodes > cluster.nodes) {
    throw g.error("expected at most cluster.nodes (" + std::to_string(cluster.nodes) +
                  ") nodes per group, got " + g.describe());
  }
  e.reconfigure_h = config::optional_hours(r, "reconfigure", 0.0);
  r.finish();
}

void check(const sim::ConfigNode& where, const Scenario& s) {
  const std::int64_t g = s.recovery.elastic.dp_group_nodes;
  if (s.cluster.nodes % g != 0 || s.cluster.nodes / g < 2) {
    throw where.error("strategy 'elastic' needs cluster.nodes (" + std::to_string(s.cluster.nodes) +
                      ") to be at least two data-parallel groups of "
                      "recovery.elastic.dp_group_nodes (" +
                      std::to_string(g) + ") nodes");
  }
}

std::string describe(const Scenario& s) {
  const ElasticSpec& e = s.recovery.elastic;
  return "data-parallel groups of " + std::to_string(e.dp_group_nodes) + " nodes (" +
         std::to_string(s.cluster.nodes / e.dp_group_nodes) + " groups), reconfigure " +
         sim::human_duration(e.reconfigure_h);
}

}  // namespace

extern const StrategyEntry kElasticStrategy = {
    .name = "elastic",
    .summary = "compute on the surviving data-parallel groups until spares arrive",
    .tracks_slots = true,
    .from_scheduler = false,
    .peer_restores = false,
    .plain = false,
    .read = read,
    .check = check,
    .make = instantiate<Elastic>,
    .describe = describe,
};

}  // namespace goodsim::models
