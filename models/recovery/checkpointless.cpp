// Checkpointless peer-to-peer recovery (AWS HyperPod style, docs/model.md): model and
// optimizer state replicated over `replicas` groups of nodes. While every state shard keeps a
// live copy, a failure loses at most the step in progress and the replacements pull their
// state from peers (`state_gb / p2p_gbps`), with no restart and no load from storage; once a
// shard has lost every copy, the recovery falls back to the checkpoint policy's restore.

#include <optional>

#include "models/config_values.h"
#include "models/recovery/shard_map.h"
#include "models/recovery/strategy.h"
#include "sim/format.h"

namespace goodsim::models {

namespace {

class Checkpointless final : public RecoveryStrategy {
 public:
  explicit Checkpointless(const Scenario& s)
      : RecoveryStrategy(s),
        shards_(s.cluster.nodes, s.recovery.checkpointless.replicas,
                s.recovery.checkpointless.placement) {}

  // A second fault finds exactly one *other* copy gone. The failing slot's own copy may be
  // the one already gone (its replacement fails while pulling its state, or a restarted
  // process fails again): that is not a second fault, and counting it made the ratio
  // second_fault_fallbacks / second_faults fall below Gemini's 1/(N-1) for two replicas.
  void failure_begins(std::int64_t slot) override {
    second_fault_ = shards_.copies_down() == 1 && !shards_.down(slot);
    shard_lost_ = false;
  }
  void state_lost(std::int64_t slot) override { shard_lost_ |= shards_.lose(slot); }

  Keep keep_after_failure(Handling, ReplicationResult& result) override {
    if (second_fault_) {
      ++result.second_faults;
      if (shard_lost_) ++result.second_fault_fallbacks;
    }
    if (shard_lost_) fallen_back_ = true;
    return fallen_back_ ? Keep::kPolicy : Keep::kStep;
  }

  RestorePhase restore(Keep kept, bool from_memory) const override {
    if (kept == Keep::kStep) return {s_.recovery.checkpointless.transfer_h, Bucket::kP2pTransfer};
    return RecoveryStrategy::restore(kept, from_memory);
  }

  // The evicted node is alive: its replacement pulls the state from the peers.
  Keep keep_after_eviction() const override { return Keep::kStep; }

  // The replacements hold their shards; or a checkpoint restore rebuilt every copy.
  void resumed() override {
    shards_.restore_all();
    fallen_back_ = false;
  }

 private:
  ShardMap shards_;
  bool second_fault_ = false;
  bool shard_lost_ = false;
  bool fallen_back_ = false;  // this recovery lost a shard: it restores the checkpoint
};

void read(sim::MapReader& recovery, RecoverySpec& rec, const ClusterSpec& cluster) {
  const sim::ConfigNode* node = recovery.optional("checkpointless");
  if (!node) return;
  sim::MapReader r(*node);
  CheckpointlessSpec& c = rec.checkpointless;
  if (const sim::ConfigNode* n = r.optional("replicas")) {
    c.replicas = config::int_at_least(*n, 2);
    if (c.replicas > cluster.nodes) {
      throw n->error("expected at most cluster.nodes (" + std::to_string(cluster.nodes) +
                     ") replicas, got " + n->describe());
    }
  }
  const double gb = config::positive_number(r.required("state_gb"));
  const double gbps = config::positive_number(r.required("p2p_gbps"));
  c.transfer_h = transfer_hours(gb, gbps);
  if (const sim::ConfigNode* p = r.optional("placement")) {
    const std::string v = p->as_string();
    if (v == "spread") {
      c.placement = Placement::kSpread;
    } else if (v == "packed") {
      c.placement = Placement::kPacked;
    } else {
      throw p->error("unknown placement " + p->describe() +
                     "; supported: spread (a shard's holders in different failure domains), "
                     "packed (a shard's holders side by side)");
    }
  }
  r.finish();
}

void check(const sim::ConfigNode& where, const Scenario& s) {
  if (!(s.job.step_h > 0.0)) {
    throw where.error(
        "strategy 'checkpointless' needs job.step (one training step, e.g. 10s): "
        "a peer recovery loses the step in progress");
  }
  const std::int64_t replicas = s.recovery.checkpointless.replicas;
  if (s.cluster.nodes % replicas != 0) {
    throw where.error(
        "strategy 'checkpointless' needs cluster.nodes (" + std::to_string(s.cluster.nodes) +
        ") divisible by recovery.checkpointless.replicas (" + std::to_string(replicas) + ")");
  }
}

std::string describe(const Scenario& s) {
  const CheckpointlessSpec& c = s.recovery.checkpointless;
  return std::to_string(c.replicas) + " replicas (" +
         (c.placement == Placement::kSpread ? "spread" : "packed") + "), peer transfer " +
         sim::human_duration(c.transfer_h) + ", step " + sim::human_duration(s.job.step_h) +
         "; checkpoint restart when a shard loses every copy";
}

}  // namespace

extern const StrategyEntry kCheckpointlessStrategy = {
    .name = "checkpointless",
    .summary = "peers hold replicated state: keep the step, replacements pull it from peers",
    .tracks_slots = true,
    .from_scheduler = false,
    .peer_restores = true,
    .plain = false,
    .read = read,
    .check = check,
    .make = instantiate<Checkpointless>,
    .describe = describe,
};

}  // namespace goodsim::models
