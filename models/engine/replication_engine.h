#pragma once
// The replication engine: one replication (docs/model.md) as a state machine over the kernel's
// stochastic events. Its member functions live in this folder by concern:
//   failure_path_inl.h   the run loop, failures and what an interruption keeps
//   recovery_plan_inl.h  a recovery's plan: acquiring nodes, restoring, computing
//   planned_stops.cpp    planned maintenance stops and slow-node evictions (saves)
//   corruption.cpp       silent data corruption
//   slow_pace.cpp        slow nodes and the pace they set
// The first two run on every failure: they are inline, in headers, so that the compiler sees
// the failure path whole, as it would in the class body. The rare events' handlers are
// compiled once, in their own files, which instantiate them for both kFull.
// A strategy's own semantics stay in models/recovery/ (strategy.h): the engine names none.

#include <algorithm>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "models/checkpoint/ledger.h"
#include "models/checkpoint/policy.h"
#include "models/cluster/spare_pool.h"
#include "models/config_values.h"
#include "models/failure/failure_clock.h"
#include "models/recovery/shard_map.h"
#include "models/recovery/strategy.h"
#include "models/repair/repair_distribution.h"
#include "models/replication.h"
#include "models/slow/slow_nodes.h"
#include "sim/event_queue.h"
#include "sim/random.h"

namespace goodsim::models::engine {

inline constexpr double kNever = std::numeric_limits<double>::infinity();

enum class EventKind : std::uint8_t {
  kFailure,      // the failure clock's next event (for exponential: a proposal, maybe void)
  kSparesCheck,  // while waiting for spares (or running degraded): a repair completes
  kMaintenance,  // a planned maintenance stop is due
  kSdc,          // a silent data corruption arrives (void unless the job is computing)
  kSdcDetected,  // the earliest pending corruption is detected
  kSlowOnset,    // a node may turn slow (void if its slot is empty or it is slow already)
  kSlowTimer,    // a slowdown ends, is acted on, or a repeat offender turns slow again
};

// The job's deterministic plan since the last interruption: detecting, acquiring nodes
// (waiting for spares, or in the scheduler's queue), swapping, restoring state, computing
// (with its checkpoints), done. Between two stochastic events nothing random happens to the
// job, so the plan needs no events of its own; an interruption books the elapsed part of it
// into buckets in closed form.
struct Timeline {
  double start = 0.0;       // recovery began (the failure time; after a planned checkpoint)
  double detect_end = 0.0;  // detection (or the maintenance window) finished
  double fill = 0.0;        // empty slots filled (kNever while waiting for spares)
  double swap_end = 0.0;    // replacement nodes swapped in
  double compute_start = 0.0;
  double done = 0.0;                      // progress reaches the work, unless a failure comes first
  Bucket hold = Bucket::kDetect;          // start .. detect_end
  Bucket acquire = Bucket::kWaitSpares;   // detect_end .. fill
  Bucket restore = Bucket::kRestartLoad;  // swap_end .. compute_start
};

// One replication (docs/model.md). Kernel events are only the stochastic ones: failure
// proposals and, while the job waits for spares or runs degraded, the next repair completion.
//
// kFull = false is the plain instantiation: hot spares, no in-memory level, maintenance, SDC,
// trace or pool failures (domains, causes, Weibull and async checkpoints are in). It knows at
// compile time that the extensions' state is absent, so the common failure path carries none
// of their checks; full_features() says which one a scenario needs.
template <bool kFull>
class Replication {
 public:
  Replication(const Scenario& s, std::uint64_t seed, std::uint64_t index, ReplicationOptions o);

  // Whether slots must be tracked one by one: failure domains, a strategy's or the in-memory
  // level's state placed on slots, or per-node clocks that must drop the clock of a node
  // leaving its slot without failing (SDC swaps, domains).
  static bool needs_slots(const Scenario& s) {
    return s.cluster.domain_size > 0 || find_strategy(s.recovery.strategy).tracks_slots ||
           s.checkpoint.memory ||
           ((s.cluster.sdc || s.cluster.slow) && has_node_clocks(s.cluster.failure));
  }

  ReplicationResult run();

 private:
  // The run loop, failures and what an interruption keeps (failure_path_inl.h).
  void dispatch(double t, EventKind kind);
  void schedule_failure();
  void on_failure(double t);
  const CauseSpec* draw_cause(int traced);
  const RepairDistribution& repair_for(const CauseSpec* cause) const {
    return cause && cause->repair.distribution ? *cause->repair.distribution : repair_time_;
  }
  void vacate(std::int64_t slot, double t, const RepairDistribution& repair);
  [[gnu::noinline]] void vacate_domain(std::int64_t slot, double t,
                                       const RepairDistribution& repair);
  void lose_state(std::int64_t slot);
  [[gnu::noinline]] void restart_clock(double t, std::int64_t slot);
  [[gnu::noinline]] void void_during_maintenance();
  // Fresh nodes entered `count` slots at t (named by `slots` when the clock names slots).
  void enter_clocks(double t, std::span<const std::int64_t> slots, std::int64_t count) {
    if (clock_pins_slots_) {
      clock_->nodes_entered(t, slots);
    } else {
      clock_->nodes_entered(t, count);
    }
  }
  void open_recovery(double t);
  void close_recovery_if_resumed(double t);
  // This recovery restores the state from memory: a strategy's own (peers, host memory), or
  // the in-memory level's copies.
  bool restored_from_memory() const { return kept_ != Keep::kPolicy || memory_restore(); }
  Rollback rollback_after_failure(Handling handling);
  // Multi-level: a write completed since the last interruption renews the copies.
  void renew_memory_copies(std::int64_t written) {
    if (kFull) ledger_.renew(written);
  }
  bool memory_restore() const { return kFull && ledger_.memory_restore(); }
  CheckpointPolicy::Cut cut_at(double t) const;
  void interrupt(double t, const CheckpointPolicy::Cut& cut, Rollback keep);
  // Computing `progress` at speed v < 1 took progress / v of wall time; the capacity missing
  // from it is degraded time, so that progress itself is counted in full-size hours.
  void book_degraded(double progress) {
    if (kFull && stretch_.speed < 1.0) {
      result_.bucket(Bucket::kDegraded) += progress * (1.0 / stretch_.speed - 1.0);
    }
  }
  // How far the stretch has got at wall time t > compute_start. While a node is slow the whole
  // stretch runs slower, its checkpoint writes included (the job waits for its slowest rank at
  // every collective): its own time advances at slow_speed_ per wall hour since the last change
  // of pace.
  double stretch_time(double t) const {
    if (!kFull) return t - plan_.compute_start;
    return warp_tau_ + (t - warp_t_) * slow_speed_;
  }
  // The wall time since the last change of pace that the slow pace added, up to t.
  void book_slow(double t) {
    if (kFull && slow_speed_ < 1.0) {
      result_.bucket(Bucket::kSlow) += (t - warp_t_) * (1.0 - slow_speed_);
    }
  }
  void finish(double t);
  void censor(double t);

  // A recovery's plan: acquiring nodes, restoring, computing (recovery_plan_inl.h).
  void begin_recovery(double t, double detect_h);
  [[gnu::noinline]] void release_all_slots();
  void try_fill(double t);
  [[gnu::noinline]] void wait_for_spares(double t);
  void on_spares_check(double t);
  void regrow(double t);
  void commit_fill_if_certain();
  // Applies a planned fill once the clock has reached it.
  void settle(double now) {
    if (fill_pending_ && plan_.fill <= now) take_fill();
  }
  void take_fill();
  // Whether a tracked slot has no node (its node failed, or the job gave all back).
  bool slot_empty(std::int64_t slot) const {
    return (kFull && released_) || occupied_[static_cast<std::size_t>(slot)] == 0;
  }
  std::span<const std::int64_t> filling_slots();
  void plan_fill(double fill);
  // How the current recovery restores the job's state (the strategy's answer).
  RestorePhase restore_phase() const {
    if (!kFull) return {s_.recovery.restart_h + s_.recovery.load_h, Bucket::kRestartLoad};
    return strategy_->restore(kept_, memory_restore());
  }
  void plan_compute(double from, RestorePhase restore, double speed);
  void book_phases(double t);

  // Planned stops and evictions: the saves before them (planned_stops.cpp).
  void on_maintenance(double t);
  void abandon_save(double t);
  void evict(double t, std::int64_t slot);
  double eviction_price() const;

  // Silent data corruption (corruption.cpp).
  void on_corruption(double t);
  void cancel_corruption();
  void note_departure(std::int64_t slot);
  void on_sdc_detected(double t);

  // Slow nodes and their pace (slow_pace.cpp).
  void on_slow_onset(double t);
  void on_slow_timer(double t);
  void schedule_slow_timer();
  void apply_speed(double t);
  void slow_node_left(std::int64_t slot);

  const Scenario& s_;
  const ReplicationOptions options_;
  const StrategyEntry& entry_;
  const std::unique_ptr<RecoveryStrategy> strategy_;
  const bool peer_capable_ = s_.restores_from_peers();  // recoveries count peer or fallback
  const std::unique_ptr<const CheckpointPolicy> checkpoints_;
  sim::RandomStream failures_;
  sim::RandomStream recovery_;  // requeue times
  const RepairDistribution& repair_time_;
  sim::EventQueue<EventKind> queue_;
  sim::PickStream member_picks_;  // which node of a cohort fails (per-node clocks, slots tracked)
  FailureSpec failure_;           // with this replication's node MTBF when it is uncertain
  std::unique_ptr<FailureClock> clock_;
  const bool clock_ignores_entries_;
  const bool clock_proposes_;
  const bool clock_pins_slots_;  // a trace: each failure names its slot (and maybe its cause)
  sim::PickStream picks_;        // slot and cause picks, apart from the failure times
  const bool slot_aware_;        // slots tracked one by one (failure domains, shards need it)
  const double nodes_d_;
  std::vector<std::uint8_t> occupied_;    // per slot, only when slot_aware_ (see released_)
  std::vector<std::int64_t> empty_list_;  // emptied slots awaiting the fill
  bool released_ = false;                 // requeue: every slot given back, awaiting the fill
  std::vector<std::int64_t> all_slots_;   // 0 .. nodes-1, made for the first such fill
  static constexpr std::span<const std::int64_t> none_{};
  std::vector<double> cause_cdf_;
  sim::EventQueue<EventKind>::Moving failure_event_;
  sim::EventHandle spares_event_;
  bool fill_pending_ = false;         // plan_.fill will take nodes for the empty slots
  bool fill_committed_ = false;       // ... and their clocks have been started
  bool recovery_waited_ = false;      // this recovery already counted in spare_waits
  bool degraded_ = false;             // elastic: computing on fewer groups, awaiting spares
  bool recovering_ = false;           // between an interruption and computing again
  Keep kept_ = Keep::kPolicy;         // what the current recovery restores (the last failure's)
  bool policy_restore_ = false;       // ... and it restores by the checkpoint policy from now on
  bool planned_restart_ = false;      // restarting after maintenance: state from the checkpoint
  double episode_ = 0.0;              // when the current recovery began
  double maintenance_end_ = -kNever;  // end of the last planned stop

  Timeline plan_;
  CheckpointPolicy::Stretch stretch_;
  CheckpointLedger ledger_;        // where an interruption rolls back to
  double save_end_ = -kNever;      // an eviction's save, booked as the plan's hold, completes then
  double stretch_h_ = 0.0;         // the stretch's fault-free duration at full pace
  double warp_t_ = 0.0;            // slow nodes: the stretch's pace last changed at this wall time,
  double warp_tau_ = 0.0;          // ... when the stretch had run this long in its own time
  double slow_speed_ = 1.0;        // ... and runs at this pace since: 1 / the slowest node's factor
  std::optional<SlowNodes> slow_;  // only with cluster.slow
  sim::EventQueue<EventKind>::Moving slow_timer_;
  std::int64_t empty_slots_ = 0;
  SparePool pool_;
  std::optional<sim::RandomStream> sdc_stream_;  // only with cluster.sdc
  double sdc_gap_h_ = 0.0;                       // mean time between corruptions
  bool sdc_pending_ = false;                     // a corruption awaits detection
  struct Corruption {
    double progress = 0.0;          // the state is corrupted since this progress
    CheckpointLedger::Clean clean;  // the last checkpoints that may hold clean state
    std::int64_t slot = -1;         // the corrupting node's slot, when slots are tracked
    bool node_gone = false;         // that node has left its slot (failed) since
    sim::EventHandle detection;
  } corruption_;
  ReplicationResult result_;
};

}  // namespace goodsim::models::engine
