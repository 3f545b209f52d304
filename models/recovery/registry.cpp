// The registered recovery strategies. Adding one: a file in this folder defining its
// StrategyEntry, and one line in the table below (docs/adding-a-strategy.md).

#include <array>
#include <stdexcept>
#include <string>

#include "models/config_values.h"
#include "models/recovery/strategy.h"
#include "models/repair/repair_distribution.h"

namespace goodsim::models {

extern const StrategyEntry kHotSpareStrategy;        // hot_spare.cpp
extern const StrategyEntry kCheckpointlessStrategy;  // checkpointless.cpp
extern const StrategyEntry kRequeueStrategy;         // requeue.cpp
extern const StrategyEntry kElasticStrategy;         // elastic.cpp
extern const StrategyEntry kInProcessStrategy;       // in_process.cpp

namespace {

const std::array<const StrategyEntry*, 5> kStrategies = {
    &kHotSpareStrategy, &kCheckpointlessStrategy, &kRequeueStrategy,
    &kElasticStrategy,  &kInProcessStrategy,
};

std::string names() {
  std::string out;
  for (const StrategyEntry* e : kStrategies)
    out += (out.empty() ? "" : ", ") + std::string(e->name);
  return out;
}

const StrategyEntry* lookup(const std::string& name) {
  for (const StrategyEntry* e : kStrategies) {
    if (name == e->name) return e;
  }
  return nullptr;
}

}  // namespace

RestorePhase RecoveryStrategy::restore(Keep, bool from_memory) const {
  const double load = from_memory ? s_.checkpoint.memory->load_h : s_.recovery.load_h;
  return {s_.recovery.restart_h + load, Bucket::kRestartLoad};
}

const StrategyEntry& find_strategy(const std::string& name) {
  if (const StrategyEntry* e = lookup(name)) return *e;
  throw std::logic_error("unregistered recovery strategy '" + name + "'");
}

bool Scenario::restores_from_peers() const {
  return find_strategy(recovery.strategy).peer_restores || checkpoint.memory.has_value();
}

bool Scenario::holds_spare_pool() const {
  return !find_strategy(recovery.strategy).from_scheduler;
}

std::int64_t Scenario::held_spares() const {
  return holds_spare_pool() ? cluster.spares : 0;
}

double transfer_hours(double gigabytes, double gbit_per_s) {
  return gigabytes * 8.0 / gbit_per_s / 3600.0;
}

RecoverySpec read_recovery(const sim::ConfigNode* node, const ClusterSpec& cluster,
                           const JobSpec&) {
  RecoverySpec rec;
  if (!node) return rec;
  sim::MapReader r(*node);
  const sim::ConfigNode* strategy = r.optional("strategy");
  rec.detect_h = config::optional_hours(r, "detect", 0.0);
  rec.swap_h = config::optional_hours(r, "swap", 0.0);
  rec.restart_h = config::optional_hours(r, "restart", 0.0);
  rec.load_h = config::optional_hours(r, "load", 0.0);
  // Every strategy's section may be present (a sweep over recovery.strategy needs them all);
  // only the chosen strategy's is used.
  for (const StrategyEntry* e : kStrategies) {
    if (e->read) e->read(r, rec, cluster);
  }
  r.finish();
  if (!strategy) return rec;
  const std::string name = strategy->as_string();
  if (!lookup(name)) {
    throw strategy->error("unknown recovery strategy " + strategy->describe() +
                          "; supported: " + names());
  }
  rec.strategy = name;
  return rec;
}

void check_recovery(const sim::ConfigNode& root, const Scenario& s) {
  const StrategyEntry& e = find_strategy(s.recovery.strategy);
  if (!e.check) return;
  const sim::ConfigNode* where = sim::find_path(root, "recovery.strategy");
  if (!where) where = &root;
  e.check(*where, s);
}

}  // namespace goodsim::models
