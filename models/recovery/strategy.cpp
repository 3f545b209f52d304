#include "models/recovery/strategy.h"

#include <array>
#include <string>

#include "models/config_values.h"
#include "models/repair/repair_distribution.h"

namespace goodsim::models {

namespace {

struct Entry {
  const char* name;
  Strategy strategy;
  // Checks what the strategy needs; `where` is the `strategy:` value for error messages.
  void (*check)(const sim::ConfigNode& where, const RecoverySpec&, const ClusterSpec&,
                const JobSpec&);
};

void exponential_only(const sim::ConfigNode& where, const ClusterSpec& c, const char* why) {
  if (c.failure.model != "exponential") {
    throw where.error(std::string("strategy ") + where.describe() +
                      " needs the exponential "
                      "failure model in this version (" +
                      why + ")");
  }
}

void check_hot_spare(const sim::ConfigNode&, const RecoverySpec&, const ClusterSpec&,
                     const JobSpec&) {}

void check_checkpointless(const sim::ConfigNode& where, const RecoverySpec& r, const ClusterSpec& c,
                          const JobSpec& j) {
  if (!(j.step_h > 0.0)) {
    throw where.error(
        "strategy 'checkpointless' needs job.step (one training step, e.g. 10s): "
        "a peer recovery loses the step in progress");
  }
  if (c.nodes % r.checkpointless.replicas != 0) {
    throw where.error("strategy 'checkpointless' needs cluster.nodes (" + std::to_string(c.nodes) +
                      ") divisible by recovery.checkpointless.replicas (" +
                      std::to_string(r.checkpointless.replicas) + ")");
  }
  exponential_only(where, c, "shards are tracked per slot");
}

void check_requeue(const sim::ConfigNode& where, const RecoverySpec& r, const ClusterSpec& c,
                   const JobSpec&) {
  if (!r.queue) {
    throw where.error(
        "strategy 'requeue' needs recovery.queue, the time until the scheduler "
        "hands back a healthy node set, e.g. {model: lognormal, median: 20min, "
        "p90: 2h}");
  }
  exponential_only(where, c, "a requeued job gets a fresh node set");
}

void check_elastic(const sim::ConfigNode& where, const RecoverySpec& r, const ClusterSpec& c,
                   const JobSpec&) {
  const std::int64_t g = r.elastic.dp_group_nodes;
  if (c.nodes % g != 0 || c.nodes / g < 2) {
    throw where.error("strategy 'elastic' needs cluster.nodes (" + std::to_string(c.nodes) +
                      ") to be at least two data-parallel groups of "
                      "recovery.elastic.dp_group_nodes (" +
                      std::to_string(g) + ") nodes");
  }
}

constexpr std::array<Entry, 4> kStrategies = {{
    {"hot_spare", Strategy::kHotSpare, check_hot_spare},
    {"checkpointless", Strategy::kCheckpointless, check_checkpointless},
    {"requeue", Strategy::kRequeue, check_requeue},
    {"elastic", Strategy::kElastic, check_elastic},
}};

}  // namespace

const char* to_string(Strategy s) {
  switch (s) {
    case Strategy::kHotSpare:
      return "hot_spare";
    case Strategy::kCheckpointless:
      return "checkpointless";
    case Strategy::kRequeue:
      return "requeue";
    case Strategy::kElastic:
      return "elastic";
  }
  return "?";
}

double transfer_hours(double gigabytes, double gbit_per_s) {
  return gigabytes * 8.0 / gbit_per_s / 3600.0;
}

RecoverySpec read_recovery(const sim::ConfigNode* node, const ClusterSpec& cluster,
                           const JobSpec& job) {
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
  if (const sim::ConfigNode* c = r.optional("checkpointless")) {
    rec.checkpointless = read_checkpointless(*c, cluster);
  }
  if (const sim::ConfigNode* q = r.optional("queue")) rec.queue = read_repair_distribution(*q);
  if (const sim::ConfigNode* e = r.optional("elastic")) rec.elastic = read_elastic(*e, cluster);
  r.finish();
  if (!strategy) return rec;

  const std::string name = strategy->as_string();
  for (const Entry& e : kStrategies) {
    if (name != e.name) continue;
    rec.strategy = e.strategy;
    e.check(*strategy, rec, cluster, job);
    return rec;
  }
  std::string names;
  for (const Entry& e : kStrategies) names += (names.empty() ? "" : ", ") + std::string(e.name);
  throw strategy->error("unknown recovery strategy " + strategy->describe() +
                        "; supported: " + names);
}

}  // namespace goodsim::models
