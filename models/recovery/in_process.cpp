// In-process restart (NVIDIA resiliency-ext style, docs/model.md). A failure that leaves the
// node healthy (a `restart` cause: software fault, NCCL timeout) does not tear the job down:
// the surviving ranks stay up, only the communicators are rebuilt (`in_process.rebuild`),
// and the state comes back from the newest checkpoint in the job's own host memory, of
// either level (`in_process.load`). A failure that takes the node (a `swap` or `domain`
// cause), or a silent data corruption, falls back to hot-spare recovery.

#include "models/config_values.h"
#include "models/recovery/strategy.h"
#include "sim/format.h"

namespace goodsim::models {

namespace {

class InProcess final : public RecoveryStrategy {
 public:
  explicit InProcess(const Scenario& s) : RecoveryStrategy(s) {}

  Keep keep_after_failure(Handling handling, ReplicationResult&) override {
    return handling == Handling::kRestart ? Keep::kWritten : Keep::kPolicy;
  }

  RestorePhase restore(Keep kept, bool from_memory) const override {
    if (kept != Keep::kWritten) return RecoveryStrategy::restore(kept, from_memory);
    const InProcessSpec& p = s_.recovery.in_process;
    return {p.rebuild_h + p.load_h, Bucket::kRestartLoad};
  }
};

void read(sim::MapReader& recovery, RecoverySpec& rec, const ClusterSpec&) {
  const sim::ConfigNode* node = recovery.optional("in_process");
  if (!node) return;
  sim::MapReader r(*node);
  rec.in_process.rebuild_h = config::non_negative_hours(r.required("rebuild"));
  rec.in_process.load_h = config::non_negative_hours(r.required("load"));
  rec.in_process.given = true;
  r.finish();
}

void check(const sim::ConfigNode& where, const Scenario& s) {
  if (!s.recovery.in_process.given) {
    throw where.error(
        "strategy 'in_process' needs recovery.in_process: {rebuild, load}, the time to "
        "rebuild the communicators and to reload the state from host memory after a "
        "failure that leaves the node healthy, e.g. {rebuild: 30s, load: 1min}");
  }
}

std::string describe(const Scenario& s) {
  const InProcessSpec& p = s.recovery.in_process;
  std::string line = "failures that leave the node healthy: rebuild " +
                     sim::human_duration(p.rebuild_h) + ", load from host memory " +
                     sim::human_duration(p.load_h) + "; others as hot_spare";
  if (s.cluster.causes.empty()) {
    line += " (no cluster.causes: every failure takes its node, so this is hot_spare)";
  }
  return line;
}

}  // namespace

extern const StrategyEntry kInProcessStrategy = {
    .name = "in_process",
    .summary = "software faults: rebuild communicators in place, reload from host memory",
    .tracks_slots = false,
    .from_scheduler = false,
    .peer_restores = true,
    .plain = false,
    .read = read,
    .check = check,
    .make = instantiate<InProcess>,
    .describe = describe,
};

}  // namespace goodsim::models
