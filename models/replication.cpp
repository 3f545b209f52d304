#include "models/replication.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <optional>
#include <stdexcept>

#include "models/checkpoint/schedule.h"
#include "models/cluster/spare_pool.h"
#include "models/config_values.h"
#include "models/failure/failure_clock.h"
#include "models/recovery/shard_map.h"
#include "models/recovery/strategy.h"
#include "models/repair/repair_distribution.h"
#include "models/slow/slow_nodes.h"
#include "sim/error.h"
#include "sim/event_queue.h"
#include "sim/random.h"

namespace goodsim::models {

namespace {

constexpr double kNever = std::numeric_limits<double>::infinity();

enum class EventKind : std::uint8_t {
  kFailure,      // the failure clock's next event (for exponential: a proposal, maybe void)
  kSparesCheck,  // while waiting for spares (or running degraded): a repair completes
  kMaintenance,  // a planned maintenance stop is due
  kSdc,          // a silent data corruption arrives (void unless the job is computing)
  kSdcDetected,  // the earliest pending corruption is detected
  kSlowOnset,    // a node may turn slow (void if its slot is empty or it is slow already)
  kSlowTimer,    // a slowdown ends, is acted on, or a repeat offender turns slow again
};

// Where an interruption rolls the job back to: a strategy's Keep (models/recovery/strategy.h),
// resolved against the checkpoint policy, or one of the engine's own.
enum class Rollback {
  kCheckpoint,  // the last durable checkpoint
  kStep,        // the last completed training step (the peers hold the live state)
  kMemory,      // multi-level: the last in-memory checkpoint if its copies survive
  kWritten,     // the newest checkpoint written, of either level (the job's own host memory)
  kAll,         // keep everything (a planned stop, elastic regrowth: no failure)
  kClean,       // SDC detected: the last durable checkpoint before the corruption
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
  Replication(const Scenario& s, std::uint64_t seed, std::uint64_t index, ReplicationOptions o)
      : s_(s),
        options_(o),
        entry_(find_strategy(s.recovery.strategy)),
        strategy_(entry_.make(s)),
        checkpoints_(s.job.work_h, s.checkpoint),
        failures_(seed, index, sim::StreamPurpose::kFailures),
        recovery_(seed, index, sim::StreamPurpose::kRecovery),
        repair_time_(*s.cluster.repair.distribution),
        member_picks_(seed, index, sim::StreamPurpose::kMembers),
        failure_(replication_failure_spec(s.cluster.failure, seed, index)),
        clock_(make_failure_clock(failure_, s.cluster.nodes, failures_,
                                  needs_slots(s) ? &member_picks_ : nullptr)),
        clock_ignores_entries_(clock_->ignores_entries()),
        clock_proposes_(clock_->proposes()),
        clock_pins_slots_(clock_->pins_slots()),
        picks_(seed, index, sim::StreamPurpose::kCauses),
        slot_aware_(needs_slots(s) || clock_pins_slots_),
        nodes_d_(static_cast<double>(s.cluster.nodes)),
        pool_(s.cluster.spares, repair_time_, s.cluster.pool_failures ? failure_.node_mtbf_h : 0.0,
              seed, index) {
    if (s.cluster.sdc) {
      sdc_stream_.emplace(seed, index, sim::StreamPurpose::kSdc);
      sdc_gap_h_ = s.cluster.sdc->node_mtbf_h / nodes_d_;
    }
    if (slot_aware_) occupied_.assign(static_cast<std::size_t>(s.cluster.nodes), 1);
    if (s.checkpoint.memory) {
      // Gemini's group placement: neighbouring slots hold each other's copies.
      memory_copies_.emplace(s.cluster.nodes, s.checkpoint.memory->copies, Placement::kPacked);
    }
    if (s.cluster.slow) {
      slow_.emplace(*s.cluster.slow, s.cluster.nodes, eviction_price(), seed, index);
    }
    if (!s.cluster.causes.empty()) {
      double total = 0.0;
      for (const CauseSpec& c : s.cluster.causes) total += c.share;
      double running = 0.0;
      for (const CauseSpec& c : s.cluster.causes)
        cause_cdf_.push_back((running += c.share) / total);
      result_.interruptions_by_cause.assign(s.cluster.causes.size(), 0);
    }
  }

  // Whether slots must be tracked one by one: failure domains, a strategy's or the in-memory
  // level's state placed on slots, or per-node clocks that must drop the clock of a node
  // leaving its slot without failing (SDC swaps, domains).
  static bool needs_slots(const Scenario& s) {
    return s.cluster.domain_size > 0 || find_strategy(s.recovery.strategy).tracks_slots ||
           s.checkpoint.memory ||
           ((s.cluster.sdc || s.cluster.slow) && has_node_clocks(s.cluster.failure));
  }

  ReplicationResult run() {
    stretch_ = checkpoints_.stretch(0.0, 0);  // computing from t = 0: nothing to restore
    plan_.done = stretch_h_ = checkpoints_.time_to_finish(stretch_);
    schedule_failure();
    if (s_.cluster.maintenance.every_h > 0.0) {
      queue_.schedule_at(s_.cluster.maintenance.every_h, EventKind::kMaintenance);
    }
    if (sdc_stream_) queue_.schedule_at(sdc_stream_->exponential(sdc_gap_h_), EventKind::kSdc);
    if (slow_) queue_.schedule_at(slow_->next_onset(0.0), EventKind::kSlowOnset);
    const double wall_cap = s_.job.work_h * s_.montecarlo.max_wall_factor;
    while (const auto ev = queue_.pop_before(plan_.done)) {
      if (ev->time > wall_cap) {
        censor(wall_cap);
        return result_;
      }
      // The hard event budget (models/config_values.h): past it, stop where the job is.
      if (result_.events == options_.max_events) [[unlikely]] {
        censor(ev->time);
        return result_;
      }
      ++result_.events;
      dispatch(ev->time, ev->payload);
    }
    if (plan_.done == kNever) throw std::logic_error("replication stalled waiting for spares");
    finish(plan_.done);
    return result_;
  }

 private:
  void dispatch(double t, EventKind kind) {
    switch (kind) {
      case EventKind::kFailure:
        return on_failure(t);
      case EventKind::kSparesCheck:
        return on_spares_check(t);
      case EventKind::kMaintenance:
        return on_maintenance(t);
      case EventKind::kSdc:
        return on_corruption(t);
      case EventKind::kSdcDetected:
        return on_sdc_detected(t);
      case EventKind::kSlowOnset:
        return on_slow_onset(t);
      case EventKind::kSlowTimer:
        return on_slow_timer(t);
    }
  }

  // One kernel event for the failure clock's next event, moved only when that time changes
  // (a fill usually leaves it where it was).
  void schedule_failure() {
    const double t = clock_->next_failure();
    if (queue_.pending(failure_event_)) {
      if (t == failure_time_) return;
      queue_.cancel(failure_event_);
    }
    failure_time_ = t;
    if (t != kNever) failure_event_ = queue_.schedule_at(t, EventKind::kFailure);
  }

  // All empty slots are filled at `fill` in one go; then swap (only if a slot was filled),
  // restore (restart + load, or the peer transfer), compute. The spares are taken when time
  // passes `fill` (see settle): until then a further failure may restart recovery and need
  // more of them.
  void plan_fill(double fill) {
    fill_pending_ = empty_slots_ > 0;
    plan_.fill = fill;
    const bool swaps = empty_slots_ > 0 && !(kFull && entry_.from_scheduler);
    plan_.swap_end = fill + (swaps ? s_.recovery.swap_h : 0.0);
    plan_compute(plan_.swap_end, restore_phase(), 1.0);
  }

  // How the current recovery restores the job's state (the strategy's answer).
  RestorePhase restore_phase() const {
    if (!kFull) return {s_.recovery.restart_h + s_.recovery.load_h, Bucket::kRestartLoad};
    return strategy_->restore(kept_, memory_restore_);
  }

  // Restores state from `from` (`restore` says how long and in which bucket), then computes
  // at `speed`.
  void plan_compute(double from, RestorePhase restore, double speed) {
    plan_.restore = restore.bucket;
    plan_.compute_start = from + restore.hours;
    // Multi-level: the boundary restored from is written, whichever level held it.
    stretch_ = checkpoints_.stretch(pos_, kFull && memory_copies_ ? held_ : durable_, speed);
    const double whole = checkpoints_.time_to_finish(stretch_);
    if (!kFull) {
      plan_.done = plan_.compute_start + whole;
      return;
    }
    // Slow nodes: the stretch's own time runs at the slowest node's pace (see stretch_time).
    stretch_h_ = whole;
    warp_t_ = plan_.compute_start;
    warp_tau_ = 0.0;
    slow_speed_ = 1.0;
    if (slow_) {
      slow_speed_ = slow_->speed();
      slow_->resume_decisions(plan_.compute_start);
      schedule_slow_timer();
    }
    plan_.done = plan_.compute_start + whole / slow_speed_;
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

  // Applies a planned fill once the clock has reached it.
  void settle(double now) {
    if (fill_pending_ && plan_.fill <= now) take_fill();
  }

  void take_fill() {
    if (!kFull || !entry_.from_scheduler) pool_.take(empty_slots_);  // else the scheduler's
    empty_slots_ = 0;
    for (const std::int64_t slot : empty_list_) occupied_[static_cast<std::size_t>(slot)] = 1;
    empty_list_.clear();
    fill_pending_ = false;
  }

  // Books the plan's phases in [plan_.start, t) into their buckets.
  void book_phases(double t) {
    const auto span = [t](double from, double to) { return std::max(0.0, std::min(t, to) - from); };
    result_.bucket(plan_.hold) += span(plan_.start, plan_.detect_end);
    result_.bucket(plan_.acquire) += span(plan_.detect_end, plan_.fill);
    result_.bucket(Bucket::kSwap) += span(plan_.fill, plan_.swap_end);
    result_.bucket(plan_.restore) += span(plan_.swap_end, plan_.compute_start);
  }

  // Where the job stands at t: its stretch's cut, or nothing computed yet.
  CheckpointSchedule::Cut cut_at(double t) const {
    if (t > plan_.compute_start) return checkpoints_.cut(stretch_, stretch_time(t));
    return {pos_, pos_, -1, -1, 0.0, 0.0};
  }

  // Books the plan up to an interruption at t and moves the job's position to what `keep`
  // keeps of the progress reached; the rest, and any write cut short, is lost.
  void interrupt(double t, const CheckpointSchedule::Cut& cut, Rollback keep) {
    book_phases(t);
    if (kFull && t < save_.end) abandon_save(t);
    double reached = pos_, boundary = pos_, partial = 0.0;
    if (t > plan_.compute_start) {
      book_slow(t);
      reached = cut.reached;
      boundary = cut.boundary;
      partial = cut.partial_h;
      durable_ = std::max(durable_, cut.durable);
      written_ = std::max(written_, cut.written);
      // A clean checkpoint still persisting at the corruption is durable by now, or abandoned.
      if (kFull && sdc_pending_) corruption_.clean = std::min(corruption_.clean, durable_);
      result_.bucket(Bucket::kCheckpoint) += cut.checkpoint_h;
      book_degraded(reached - stretch_.from);
    }
    double target = reached;
    if (keep == Rollback::kCheckpoint) {
      target = rollback_position();
    } else if (keep == Rollback::kMemory) {
      memory_restore_ = !memory_lost_;
      if (!memory_restore_) held_ = durable_;  // the newer in-memory state is gone
      target = std::max(checkpoints_.position(held_), planned_checkpoint_);
    } else if (keep == Rollback::kStep) {
      const double step = s_.job.step_h;
      target = std::max(boundary, std::floor(reached / step) * step);
    } else if (keep == Rollback::kWritten) {
      target = std::max(checkpoints_.position(std::max(written_, held_)), planned_checkpoint_);
    } else if (keep == Rollback::kClean) {
      target = roll_back_before_corruption();
    }
    // A restore from storage leaves no newer checkpoint in the hosts' memory.
    if (kFull && keep != Rollback::kAll && keep != Rollback::kWritten && keep != Rollback::kStep &&
        !memory_restore_) {
      written_ = durable_;
    }
    result_.bucket(Bucket::kLost) += reached - target + partial;
    pos_ = target;
    // A rollback to the corrupted progress or before it wipes the corruption.
    if (kFull && sdc_pending_ && target <= corruption_.progress) cancel_corruption();
  }

  // SDC detected: the job restores the last durable checkpoint before the corruption. Those
  // written after it hold corrupted state and are dropped (their boundaries are written
  // again); so are the in-memory copies, all newer than that checkpoint.
  double roll_back_before_corruption() {
    durable_ = corruption_.clean;
    planned_checkpoint_ = corruption_.planned;
    if (kFull && memory_copies_) {
      held_ = durable_;
      memory_lost_ = true;
      memory_restore_ = false;
    }
    return rollback_position();
  }

  // Progress of the last durable checkpoint: a periodic one, or the one a planned stop wrote.
  double rollback_position() const {
    return kFull ? std::max(checkpoints_.position(durable_), planned_checkpoint_)
                 : checkpoints_.position(durable_);
  }

  // Computing `progress` at speed v < 1 took progress / v of wall time; the capacity missing
  // from it is degraded time, so that progress itself is counted in full-size hours.
  void book_degraded(double progress) {
    if (kFull && stretch_.speed < 1.0) {
      result_.bucket(Bucket::kDegraded) += progress * (1.0 / stretch_.speed - 1.0);
    }
  }

  // A recovery ends when the job computes again (possibly degraded).
  void close_recovery_if_resumed(double t) {
    if (!recovering_ || t < plan_.compute_start) return;
    recovering_ = false;
    ++result_.recoveries;
    if (kFull) {
      // Every recovery restores the state from memory (the peers', or the job's own hosts')
      // or from storage: recoveries = peer_recoveries + fallbacks when either is possible.
      if (peer_capable_) ++(restored_from_memory() ? result_.peer_recoveries : result_.fallbacks);
      policy_restore_ = false;
      strategy_->resumed();
    }
    if (options_.record_recoveries) result_.recovery_h.push_back(plan_.compute_start - episode_);
  }

  // An unplanned interruption (a failure, or an SDC detection) at t: the recovery in progress,
  // if any, goes on; otherwise a new one begins.
  void open_recovery(double t) {
    close_recovery_if_resumed(t);
    if (kFull && t >= plan_.compute_start) planned_restart_ = false;  // computed since the stop
    if (!recovering_) {
      recovering_ = true;
      episode_ = t;
    }
  }

  void on_failure(double t) {
    settle(t);
    if (kFull && t < maintenance_end_) return void_during_maintenance();
    std::int64_t slot = kFull && clock_pins_slots_ ? clock_->next_slot() : -1;  // a trace names it
    const int traced_cause = kFull && clock_pins_slots_ ? clock_->next_cause() : -1;
    clock_->take_failure();
    schedule_failure();
    // Thinning: a proposal lands on a uniformly chosen slot and is void if the slot is empty.
    bool hit = true;
    if (slot_aware_) {
      if (slot < 0) {
        slot =
            std::min(static_cast<std::int64_t>(picks_.uniform() * nodes_d_), s_.cluster.nodes - 1);
      }
      hit = occupied_[static_cast<std::size_t>(slot)] != 0;
    } else if (clock_proposes_ && empty_slots_ > 0) {
      hit = picks_.uniform() * nodes_d_ >= static_cast<double>(empty_slots_);
    }
    if (!hit) {
      commit_fill_if_certain();  // a void proposal cannot pre-empt the fill
      return;
    }
    open_recovery(t);
    ++result_.interruptions;
    const CheckpointSchedule::Cut cut = cut_at(t);
    renew_memory_copies(cut.written);
    const CauseSpec* cause = draw_cause(traced_cause);
    // A second fault finds exactly one *other* copy gone. The failing slot's own copy may be
    // the one already gone (its replacement fails while pulling its state, or a restarted
    // process fails again): that is not a second fault, and counting it made the ratio
    // second_fault_fallbacks / second_faults fall below Gemini's 1/(N-1) for two replicas.
    const Handling handling = cause ? cause->handling : Handling::kSwap;
    if (kFull) strategy_->failure_begins(slot);
    switch (handling) {
      case Handling::kRestart:  // the node stays in its slot and is not repaired
        lose_state(slot);
        if (!clock_proposes_) restart_clock(t, slot);
        break;
      case Handling::kSwap:
        lose_state(slot);
        vacate(slot, t, repair_for(cause));
        break;
      case Handling::kDomain:
        vacate_domain(slot, t, repair_for(cause));
        break;
    }
    interrupt(t, cut, rollback_after_failure(handling));
    begin_recovery(t, s_.recovery.detect_h);
  }

  // Silent data corruption (docs/model.md). Corruptions arrive at the constant rate
  // nodes / sdc.node_mtbf from a stream of their own; one matters only while the job
  // computes, and only the earliest pending one does: a later one is later in progress, and
  // the rollback the earlier one's detection causes wipes it.
  void on_corruption(double t) {
    queue_.schedule_at(t + sdc_stream_->exponential(sdc_gap_h_), EventKind::kSdc);
    if (sdc_pending_ || degraded_ || t < plan_.compute_start) return;
    const CheckpointSchedule::Cut cut = cut_at(t);
    if (cut.partial_h > 0.0) return;  // writing a checkpoint or stalling: not computing
    sdc_pending_ = true;
    corruption_.progress = cut.reached;
    // Clean state: the checkpoints durable so far, and the boundary written last if its persist
    // is still running (interrupt() drops it if an interruption abandons that persist).
    // Multi-level: only the persistent level survives a corruption.
    corruption_.clean = std::max(durable_, checkpoints_.multilevel() ? cut.durable : cut.written);
    corruption_.planned = planned_checkpoint_;
    corruption_.node_gone = false;
    corruption_.slot = slot_aware_
                           ? std::min(static_cast<std::int64_t>(sdc_stream_->uniform() * nodes_d_),
                                      s_.cluster.nodes - 1)
                           : -1;
    corruption_.detection =
        queue_.schedule_at(t + s_.cluster.sdc->detect_h, EventKind::kSdcDetected);
  }

  [[gnu::noinline]] void cancel_corruption() {
    sdc_pending_ = false;
    queue_.cancel(corruption_.detection);
  }

  // Whether a node leaving its slot is the one behind the pending corruption: with slots
  // tracked, the corrupting slot's; otherwise each occupied slot is as likely (failures pick
  // them uniformly).
  [[gnu::noinline]] void note_departure(std::int64_t slot) {
    if (slot_aware_) {
      corruption_.node_gone = slot == corruption_.slot;
      return;
    }
    const double occupied = nodes_d_ - static_cast<double>(empty_slots_);
    corruption_.node_gone = sdc_stream_->uniform() * occupied < 1.0;
  }

  // A detection interrupts the job like a failure, but is not one: the job rolls back to the
  // last durable checkpoint before the corruption, the faulty node is swapped out (unless it
  // has failed since), and recovery skips detection, which this event is.
  void on_sdc_detected(double t) {
    settle(t);
    if (t < maintenance_end_) {  // the cluster is down: the check runs once it is back
      corruption_.detection = queue_.schedule_at(maintenance_end_, EventKind::kSdcDetected);
      return;
    }
    open_recovery(t);
    ++result_.sdc_detections;
    const bool swap = !corruption_.node_gone;
    const std::int64_t slot = corruption_.slot;
    kept_ = Keep::kPolicy;  // the clean state is in storage only
    policy_restore_ = true;
    interrupt(t, cut_at(t), Rollback::kClean);  // wipes the corruption
    if (swap) {
      if (slot >= 0) {
        lose_state(slot);
        clock_->node_left(t, slot);
        schedule_failure();
      }
      vacate(slot, t, repair_time_);
    }
    begin_recovery(t, 0.0);
  }

  // A domain failure: every occupied slot of the failing node's domain empties. (Out of line,
  // as the rare paths below: the common failure path stays small.)
  [[gnu::noinline]] void vacate_domain(std::int64_t slot, double t,
                                       const RepairDistribution& repair) {
    const std::int64_t first = slot / s_.cluster.domain_size * s_.cluster.domain_size;
    const std::int64_t last = std::min(first + s_.cluster.domain_size, s_.cluster.nodes);
    for (std::int64_t i = first; i < last; ++i) {
      if (!occupied_[static_cast<std::size_t>(i)]) continue;
      lose_state(i);
      if (i != slot) clock_->node_left(t, i);  // the failing node's clock has fired
      vacate(i, t, repair);
    }
    if (!clock_ignores_entries_) schedule_failure();  // per-node clocks were dropped
  }

  // What a failure handled as `handling` keeps: the strategy's answer, unless this recovery
  // already restores from storage (or follows a planned stop): the processes restart then,
  // and so the checkpoint policy decides, for this failure and the rest of the recovery.
  Rollback rollback_after_failure(Handling handling) {
    if (!kFull) return Rollback::kCheckpoint;
    const Keep keep = strategy_->keep_after_failure(handling, result_);
    kept_ = policy_restore_ || planned_restart_ ? Keep::kPolicy : keep;
    switch (kept_) {
      case Keep::kStep:
        return Rollback::kStep;
      case Keep::kWritten:
        return Rollback::kWritten;
      case Keep::kPolicy:
        break;
    }
    policy_restore_ = true;
    return memory_copies_ ? Rollback::kMemory : Rollback::kCheckpoint;
  }

  // This recovery restores the state from memory: a strategy's own (peers, host memory), or
  // the in-memory level's copies.
  bool restored_from_memory() const { return kept_ != Keep::kPolicy || memory_restore_; }

  // Multi-level: a write completed since the last interruption put fresh copies of the newest
  // checkpoint on every node, the replacements included.
  void renew_memory_copies(std::int64_t written) {
    if (!kFull || !memory_copies_ || written <= held_) return;
    held_ = written;
    memory_copies_->restore_all();
    memory_lost_ = false;
  }

  // The node in `slot` loses the state it holds (its process is gone): its in-memory
  // checkpoint copies, and whatever the strategy keeps there.
  void lose_state(std::int64_t slot) {
    if (!kFull) return;
    if (memory_copies_ && memory_copies_->lose(slot)) memory_lost_ = true;
    strategy_->state_lost(slot);
  }

  // Nodes do not fail during a planned stop. A per-node clock's failure is found and fixed by
  // the maintenance instead: that node's clock restarts, as new, when the window ends.
  [[gnu::noinline]] void void_during_maintenance() {
    const std::int64_t slot = clock_pins_slots_ ? clock_->next_slot() : -1;
    clock_->take_failure();
    if (!clock_proposes_)
      enter_clocks(maintenance_end_, slot >= 0 ? std::span(&slot, 1) : none_, 1);
    schedule_failure();
  }

  // A per-node clock that fired for a failure the node stays through (a restart cause) starts
  // again, as new: the same rule as for a failure found by maintenance (docs/model.md).
  [[gnu::noinline]] void restart_clock(double t, std::int64_t slot) {
    enter_clocks(t, slot >= 0 ? std::span(&slot, 1) : none_, 1);
    schedule_failure();
  }

  // Fresh nodes entered `count` slots at t (named by `slots` when the clock names slots).
  void enter_clocks(double t, std::span<const std::int64_t> slots, std::int64_t count) {
    if (clock_pins_slots_) {
      clock_->nodes_entered(t, slots);
    } else {
      clock_->nodes_entered(t, count);
    }
  }

  // Planned maintenance (docs/model.md): whatever its phase, the job stops; if it holds
  // progress beyond its last durable checkpoint it writes (and persists) a checkpoint of it,
  // the cluster is down for the maintenance duration, then recovery resumes without
  // detection: fill any empty slot, swap, restart + load the checkpoint.
  void on_maintenance(double t) {
    settle(t);
    ++result_.planned_interruptions;
    const MaintenanceSpec& m = s_.cluster.maintenance;
    queue_.schedule_at(t + m.every_h, EventKind::kMaintenance);
    close_recovery_if_resumed(t);
    interrupt(t, cut_at(t), Rollback::kAll);
    kept_ = Keep::kPolicy;  // the peers' state went down with the cluster
    const double write_h = save_progress();
    result_.bucket(Bucket::kCheckpoint) += write_h;
    maintenance_end_ = t + write_h + m.duration_h;
    planned_restart_ = true;
    queue_.cancel(spares_event_);
    degraded_ = false;
    const bool fill_pending = fill_pending_;
    const double pending_at = plan_.fill;
    plan_ = Timeline{};
    plan_.start = t + write_h;
    plan_.detect_end = maintenance_end_;
    plan_.hold = Bucket::kMaintenance;
    if (fill_pending) {  // nodes already secured (spares, or the scheduler's): keep them
      plan_.acquire = entry_.from_scheduler ? Bucket::kQueue : Bucket::kDetect;
      plan_fill(std::max(maintenance_end_, pending_at));
      commit_fill_if_certain();
      return;
    }
    fill_committed_ = false;
    try_fill(maintenance_end_);
  }

  // A planned stop saves the progress the job holds beyond its last durable checkpoint (write
  // and persist); returns how long that takes, 0 when there is nothing to save. The save counts
  // from now on; abandon_save() takes it back if an interruption cuts it short.
  double save_progress() {
    if (!(pos_ > rollback_position())) return 0.0;
    save_.planned = planned_checkpoint_;
    save_.durable = durable_;
    planned_checkpoint_ = pos_;
    // A stop during a periodic write saves that boundary: it need not be written again.
    const auto k = static_cast<std::int64_t>(std::llround(pos_ / checkpoints_.interval_h()));
    if (checkpoints_.position(k) == pos_) durable_ = std::max(durable_, k);
    return s_.checkpoint.write_h + s_.checkpoint.persist_h;
  }

  // An eviction's save (booked as the plan's hold phase) was cut short at t: the checkpoint is
  // not there, and the time spent writing it is lost like any partial write.
  [[gnu::noinline]] void abandon_save(double t) {
    planned_checkpoint_ = save_.planned;
    durable_ = save_.durable;
    const double spent = std::max(0.0, t - plan_.start);
    result_.bucket(Bucket::kCheckpoint) -= spent;
    result_.bucket(Bucket::kLost) += spent;
    save_.end = -kNever;
  }

  // Slow nodes (docs/model.md): a proposal lands on a uniformly drawn slot; it is void if the
  // slot is empty or its node is slow already.
  [[gnu::noinline]] void on_slow_onset(double t) {
    settle(t);
    queue_.schedule_at(slow_->next_onset(t), EventKind::kSlowOnset);
    const std::int64_t slot = slow_->pick_slot();
    const bool empty = slot_aware_ ? occupied_[static_cast<std::size_t>(slot)] == 0
                                   : slow_->lands_on_empty(empty_slots_);
    if (empty || slow_->holds(slot)) return;
    slow_->begin(t, slot);
    ++result_.slow_episodes;
    schedule_slow_timer();
    apply_speed(t);
  }

  // A slowdown ends, a repeat offender relapses, or the mitigation evicts a slow node. An
  // eviction waits until the job computes (it is restarting, or waiting for spares).
  [[gnu::noinline]] void on_slow_timer(double t) {
    settle(t);
    const SlowNodes::Due due = slow_->advance(t);
    if (due.action == SlowNodes::Action::kRelapsed) ++result_.slow_episodes;
    if (due.action == SlowNodes::Action::kEvict) {
      if (t < plan_.compute_start) {
        slow_->postpone(due.slot, plan_.compute_start);  // kNever: once a plan computes again
      } else {
        evict(t, due.slot);
      }
    }
    schedule_slow_timer();
    apply_speed(t);
  }

  void schedule_slow_timer() {
    const double t = slow_->next_time();
    if (queue_.pending(slow_timer_)) {
      if (t == slow_timer_at_) return;
      queue_.cancel(slow_timer_);
    }
    slow_timer_at_ = t;
    if (t != kNever) slow_timer_ = queue_.schedule_at(t, EventKind::kSlowTimer);
  }

  // The slowest node's pace changed at t: the stretch goes on at the new pace from where it
  // stands (nothing is interrupted), and so does the plan not yet computing.
  void apply_speed(double t) {
    const double v = slow_->speed();
    if (v == slow_speed_) return;
    if (t > plan_.compute_start) {
      book_slow(t);
      warp_tau_ = stretch_time(t);
      warp_t_ = t;
    } else {
      warp_t_ = plan_.compute_start;
      warp_tau_ = 0.0;
    }
    slow_speed_ = v;
    plan_.done = warp_t_ + (stretch_h_ - warp_tau_) / v;
  }

  // The mitigation evicts the slow node in `slot` while the job computes: the job stops, keeps
  // what the strategy says (by default it saves its progress first, as before a planned stop),
  // the node goes to repair and a spare takes its slot as after a failure, without detection.
  // Not a failure: no recovery is counted.
  [[gnu::noinline]] void evict(double t, std::int64_t slot) {
    close_recovery_if_resumed(t);
    ++result_.evictions;
    const Keep keep = strategy_->keep_after_eviction();
    const CheckpointSchedule::Cut cut = cut_at(t);
    renew_memory_copies(cut.written);
    interrupt(t, cut, keep == Keep::kStep ? Rollback::kStep : Rollback::kAll);
    kept_ = keep;
    double save_h = 0.0;
    if (keep != Keep::kStep) {
      save_h = save_progress();
      planned_restart_ = true;
    }
    lose_state(slot);
    if (slot_aware_) clock_->node_left(t, slot);
    const RepairSpec& repair = s_.cluster.slow->repair;
    vacate(slot, t, repair.distribution ? *repair.distribution : repair_time_);
    schedule_failure();
    begin_recovery(t, save_h);
    plan_.hold = Bucket::kCheckpoint;
    save_.end = save_h > 0.0 ? t + save_h : -kNever;
  }

  // What an eviction costs the job, in hours: the ski-rental bound's price (docs/model.md).
  double eviction_price() const {
    const Keep keep = strategy_->keep_after_eviction();
    double h = strategy_->restore(keep, false).hours + strategy_->mean_queue_hours();
    if (!entry_.from_scheduler) h += s_.recovery.swap_h;
    h +=
        keep == Keep::kStep ? 0.5 * s_.job.step_h : s_.checkpoint.write_h + s_.checkpoint.persist_h;
    return h;
  }

  // The failure's cause: the traced one, or one picked by share; nullptr when the scenario
  // has no taxonomy.
  const CauseSpec* draw_cause(int traced) {
    if (cause_cdf_.empty()) return nullptr;
    std::size_t i = 0;
    if (traced >= 0) {
      i = static_cast<std::size_t>(traced);
    } else {
      const double u = picks_.uniform();
      while (i + 1 < cause_cdf_.size() && u >= cause_cdf_[i]) ++i;
    }
    ++result_.interruptions_by_cause[i];
    return &s_.cluster.causes[i];
  }

  const RepairDistribution& repair_for(const CauseSpec* cause) const {
    return cause && cause->repair.distribution ? *cause->repair.distribution : repair_time_;
  }

  // The node in `slot` (-1 when slots are not tracked) leaves it for repair. Under requeue
  // the scheduler takes the broken node: it never joins this job's pool.
  void vacate(std::int64_t slot, double t, const RepairDistribution& repair) {
    if (kFull && sdc_pending_ && !corruption_.node_gone) note_departure(slot);
    if (kFull && slow_) slow_node_left(slot);
    if (slot_aware_) {
      occupied_[static_cast<std::size_t>(slot)] = 0;
      empty_list_.push_back(slot);
    }
    ++empty_slots_;
    if (kFull && entry_.from_scheduler) return;
    pool_.send_to_repair(t, repair);
  }

  // Recovery starts over from detection (which takes `detect_h`).
  void begin_recovery(double t, double detect_h) {
    queue_.cancel(spares_event_);
    fill_committed_ = false;
    recovery_waited_ = false;
    degraded_ = false;
    plan_ = Timeline{};
    plan_.start = t;
    plan_.detect_end = t + detect_h;
    if (kFull && entry_.from_scheduler) {
      release_all_slots();
      plan_.acquire = Bucket::kQueue;
      plan_fill(plan_.detect_end + strategy_->queue_hours(recovery_));
      commit_fill_if_certain();
      return;
    }
    try_fill(plan_.detect_end);
  }

  // A node leaves its slot: a slow one takes its slowdown along. Without tracked slots a
  // failure names no slot (-1): it is any occupied one.
  [[gnu::noinline]] void slow_node_left(std::int64_t slot) {
    if (slot >= 0) {
      slow_->left(slot);
    } else {
      slow_->left_somewhere(nodes_d_ - static_cast<double>(empty_slots_));
    }
    schedule_slow_timer();
  }

  // Requeue: the job gives up every node at once; the scheduler hands back a full set.
  [[gnu::noinline]] void release_all_slots() {
    clock_->all_left();
    if (slow_) {
      slow_->clear();
      schedule_slow_timer();
    }
    schedule_failure();
    if (sdc_pending_) corruption_.node_gone = true;  // the corrupting node went back too
    empty_slots_ = s_.cluster.nodes;
    if (!slot_aware_) return;
    empty_list_.clear();
    for (std::int64_t i = 0; i < s_.cluster.nodes; ++i) {
      occupied_[static_cast<std::size_t>(i)] = 0;
      empty_list_.push_back(i);
    }
  }

  void on_spares_check(double t) {
    if (!degraded_) return try_fill(t);
    pool_.refresh(t);
    if (pool_.size() >= empty_slots_) return regrow(t);
    spares_event_ = queue_.schedule_at(*pool_.next_completion(), EventKind::kSparesCheck);
  }

  // Fills at `t` if the pool suffices; otherwise waits for the next repair completion (an
  // elastic job runs on its surviving data-parallel groups meanwhile).
  void try_fill(double t) {
    pool_.refresh(t);
    if (pool_.size() >= empty_slots_) {
      plan_fill(t);
      commit_fill_if_certain();
      return;
    }
    wait_for_spares(t);
  }

  // The pool is short at t: wait for the next repair completion (an elastic job computes on
  // its surviving groups meanwhile). Out of line: try_fill's common path is the hot one.
  [[gnu::noinline]] void wait_for_spares(double t) {
    if (!recovery_waited_) ++result_.spare_waits;
    recovery_waited_ = true;
    // Nodes are in repair (the empty slots' own nodes at least), so a completion is coming.
    spares_event_ = queue_.schedule_at(*pool_.next_completion(), EventKind::kSparesCheck);
    if (kFull) {
      const double speed = strategy_->degraded_speed(empty_list_);
      if (speed > 0.0) {
        degraded_ = true;
        fill_pending_ = false;
        plan_.fill = plan_.swap_end = t;
        plan_compute(t, restore_phase(), speed);
        return;
      }
    }
    fill_pending_ = false;
    plan_.fill = kNever;
    plan_.swap_end = plan_.compute_start = plan_.done = kNever;
  }

  // Enough spares have come back to a job computing degraded: it regrows to full size,
  // keeping its progress, swaps the nodes in and reconfigures (the strategy's regrow phase).
  void regrow(double t) {
    if (t < plan_.compute_start) {
      // The shrunken job is still restarting and loading its checkpoint: it has no progress in
      // memory to keep, and the returning nodes need the checkpoint too. Regrowing here used
      // to skip the rest of the restart + load (the job computed without ever loading its
      // state); instead the spares fill the slots as they would for a hot-spare job.
      degraded_ = false;
      plan_fill(t);
      commit_fill_if_certain();
      return;
    }
    close_recovery_if_resumed(t);
    interrupt(t, cut_at(t), Rollback::kAll);
    const std::int64_t entering = empty_slots_;
    if (!clock_ignores_entries_) {
      enter_clocks(t, empty_list_, entering);
      schedule_failure();
    }
    take_fill();
    degraded_ = false;
    plan_ = Timeline{};
    plan_.start = plan_.detect_end = plan_.fill = t;
    plan_.swap_end = t + s_.recovery.swap_h;
    plan_compute(plan_.swap_end, strategy_->regrow(), 1.0);
  }

  // The new nodes' clocks start at the fill. The fill is certain once no failure can come
  // before it; only then do the nodes enter (a failure first would restart recovery).
  void commit_fill_if_certain() {
    if (clock_ignores_entries_ || fill_committed_ || !fill_pending_) return;
    if (clock_->next_failure() < plan_.fill) return;
    enter_clocks(plan_.fill, empty_list_, empty_slots_);
    fill_committed_ = true;
    schedule_failure();
  }

  void finish(double t) {
    settle(t);
    if (kFull && pool_.idle_spares_fail()) pool_.refresh(t);  // repaired (and paid) as well
    result_.repairs = pool_.repairs();
    result_.pool_failures = pool_.failures();
    close_recovery_if_resumed(t);
    book_phases(plan_.compute_start);
    book_slow(t);
    result_.bucket(Bucket::kCheckpoint) += checkpoints_.checkpoint_time(stretch_);
    book_degraded(s_.job.work_h - stretch_.from);
    result_.bucket(Bucket::kProductive) = s_.job.work_h;
    result_.wall_h = t;
    result_.goodput = s_.job.work_h / t;
  }

  // The job has not finished by t, the wall cap (montecarlo.max_wall_factor) or where the
  // event budget ran out: the replication stops there as did-not-finish, its time booked up
  // to t. Its wall time is a lower bound and its goodput (work / t) an upper bound of what a
  // longer run would give.
  void censor(double t) {
    settle(t);
    if (kFull && pool_.idle_spares_fail()) pool_.refresh(t);
    result_.repairs = pool_.repairs();
    result_.pool_failures = pool_.failures();
    close_recovery_if_resumed(t);
    interrupt(t, cut_at(t), Rollback::kAll);  // books [.., t) and keeps all progress
    result_.bucket(Bucket::kProductive) = pos_;
    result_.wall_h = t;
    result_.goodput = s_.job.work_h / t;
    result_.unfinished = true;
  }

  const Scenario& s_;
  const ReplicationOptions options_;
  const StrategyEntry& entry_;
  const std::unique_ptr<RecoveryStrategy> strategy_;
  const bool peer_capable_ = s_.restores_from_peers();  // recoveries count peer or fallback
  const CheckpointSchedule checkpoints_;
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
  std::vector<std::uint8_t> occupied_;    // per slot, only when slot_aware_
  std::vector<std::int64_t> empty_list_;  // emptied slots awaiting the fill
  static constexpr std::span<const std::int64_t> none_{};
  std::vector<double> cause_cdf_;
  std::optional<ShardMap> memory_copies_;  // multi-level only: copies of checkpoint held_
  std::int64_t held_ = 0;                  // multi-level: newest boundary written (either level)
  bool memory_lost_ = false;               // ... and some group has lost every copy of it
  bool memory_restore_ = false;            // this recovery restores from the peers' memory
  sim::EventHandle failure_event_;
  double failure_time_ = kNever;
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
  CheckpointSchedule::Stretch stretch_;
  double pos_ = 0.0;                 // progress the current stretch starts from
  std::int64_t durable_ = 0;         // last durable checkpoint boundary (0 = start of job)
  std::int64_t written_ = 0;         // newest boundary written since the last storage restore
  double planned_checkpoint_ = 0.0;  // progress saved by the last planned stop's checkpoint
  struct Save {                      // the last planned stop's save, until it completes
    double end = -kNever;            // an eviction's save completes then
    double planned = 0.0;            // planned_checkpoint_ before it
    std::int64_t durable = 0;        // durable_ before it
  } save_;
  double stretch_h_ = 0.0;         // the stretch's fault-free duration at full pace
  double warp_t_ = 0.0;            // slow nodes: the stretch's pace last changed at this wall time,
  double warp_tau_ = 0.0;          // ... when the stretch had run this long in its own time
  double slow_speed_ = 1.0;        // ... and runs at this pace since: 1 / the slowest node's factor
  std::optional<SlowNodes> slow_;  // only with cluster.slow
  sim::EventHandle slow_timer_;
  double slow_timer_at_ = kNever;
  std::int64_t empty_slots_ = 0;
  SparePool pool_;
  std::optional<sim::RandomStream> sdc_stream_;  // only with cluster.sdc
  double sdc_gap_h_ = 0.0;                       // mean time between corruptions
  bool sdc_pending_ = false;                     // a corruption awaits detection
  struct Corruption {
    double progress = 0.0;   // the state is corrupted since this progress
    std::int64_t clean = 0;  // last boundary that may hold clean state
    double planned = 0.0;    // the planned checkpoint then (clean: before the corruption)
    std::int64_t slot = -1;  // the corrupting node's slot, when slots are tracked
    bool node_gone = false;  // that node has left its slot (failed) since
    sim::EventHandle detection;
  } corruption_;
  ReplicationResult result_;
};

}  // namespace

namespace {
// Whether a scenario needs Replication<true> (see the class comment).
bool full_features(const Scenario& s) {
  return !find_strategy(s.recovery.strategy).plain || s.checkpoint.memory ||
         (s.cluster.domain_size > 0 && has_node_clocks(s.cluster.failure)) ||
         s.cluster.maintenance.every_h > 0.0 || s.cluster.sdc || s.cluster.pool_failures ||
         s.cluster.slow || s.cluster.failure.model == "trace";
}
}  // namespace

ReplicationResult simulate_replication(const Scenario& scenario, std::uint64_t seed,
                                       std::uint64_t index, ReplicationOptions options) {
  if (full_features(scenario)) return Replication<true>(scenario, seed, index, options).run();
  return Replication<false>(scenario, seed, index, options).run();
}

}  // namespace goodsim::models
