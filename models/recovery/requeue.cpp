// Requeue (no paid spares, docs/model.md): on a failure the job gives every node back to the
// scheduler; after detection a full healthy node set comes back after a queue time drawn
// from `recovery.queue`, then the job restarts and loads its checkpoint. Broken nodes are the
// scheduler's business: no pool of the job's, no repairs paid, no swap.

#include "models/recovery/strategy.h"
#include "models/repair/repair_distribution.h"

namespace goodsim::models {

namespace {

class Requeue final : public RecoveryStrategy {
 public:
  explicit Requeue(const Scenario& s) : RecoveryStrategy(s) {}
  double queue_hours(sim::RandomStream& rng) const override {
    return s_.recovery.queue->sample(rng);
  }
  double mean_queue_hours() const override { return s_.recovery.queue->mean_h(); }
};

void read(sim::MapReader& recovery, RecoverySpec& rec, const ClusterSpec&) {
  if (const sim::ConfigNode* q = recovery.optional("queue"))
    rec.queue = read_repair_distribution(*q);
}

void check(const sim::ConfigNode& where, const Scenario& s) {
  if (!s.recovery.queue) {
    throw where.error(
        "strategy 'requeue' needs recovery.queue, the time until the scheduler "
        "hands back a healthy node set, e.g. {model: lognormal, median: 20min, "
        "p90: 2h}");
  }
}

std::string describe(const Scenario& s) {
  return "queue " + s.recovery.queue->describe() + "; no hot spares held (" +
         std::to_string(s.cluster.spares) + " in cluster.spares ignored)";
}

}  // namespace

extern const StrategyEntry kRequeueStrategy = {
    .name = "requeue",
    .summary = "no spares: give the nodes back, wait in the scheduler's queue for a fresh set",
    .tracks_slots = false,
    .from_scheduler = true,
    .peer_restores = false,
    .plain = false,
    .read = read,
    .check = check,
    .make = instantiate<Requeue>,
    .describe = describe,
};

}  // namespace goodsim::models
