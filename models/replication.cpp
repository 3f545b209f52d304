#include "models/replication.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <optional>
#include <stdexcept>

#include "models/checkpoint/schedule.h"
#include "models/cluster/repair_pipeline.h"
#include "models/failure/failure_clock.h"
#include "models/recovery/shard_map.h"
#include "models/repair/repair_distribution.h"
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
};

// What an interruption keeps of the progress reached.
enum class Keep {
  kCheckpoint,  // roll back to the last durable checkpoint
  kStep,        // keep the last completed training step (checkpointless peer recovery)
  kMemory,      // multi-level: the last in-memory checkpoint if its copies survive
  kAll,         // keep everything (elastic regrowth: no failure)
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
        index_(index),
        options_(o),
        strategy_(s.recovery.strategy),
        checkpoints_(s.job.work_h, s.checkpoint),
        failures_(seed, index, sim::StreamPurpose::kFailures),
        repairs_(seed, index, sim::StreamPurpose::kRepairs),
        recovery_(seed, index, sim::StreamPurpose::kRecovery),
        repair_time_(*s.cluster.repair.distribution),
        clock_(make_failure_clock(s.cluster.failure, s.cluster.nodes, failures_)),
        clock_ignores_entries_(clock_->ignores_entries()),
        clock_proposes_(clock_->proposes()),
        clock_pins_slots_(clock_->pins_slots()),
        picks_(seed, index, sim::StreamPurpose::kCauses),
        slot_aware_(s.cluster.domain_size > 0 || strategy_ == Strategy::kCheckpointless ||
                    strategy_ == Strategy::kElastic || s.checkpoint.memory || clock_pins_slots_),
        nodes_d_(static_cast<double>(s.cluster.nodes)),
        pool_(s.cluster.spares) {
    if (s.cluster.sdc) {
      sdc_stream_.emplace(seed, index, sim::StreamPurpose::kSdc);
      sdc_gap_h_ = s.cluster.sdc->node_mtbf_h / nodes_d_;
    }
    if (s.cluster.pool_failures) {
      pool_failures_.emplace(seed, index, sim::StreamPurpose::kPoolFailures);
      pool_mtbf_h_ = s.cluster.failure.node_mtbf_h;
    }
    if (slot_aware_) occupied_.assign(static_cast<std::size_t>(s.cluster.nodes), 1);
    if (strategy_ == Strategy::kCheckpointless) {
      const CheckpointlessSpec& c = s.recovery.checkpointless;
      shards_.emplace(s.cluster.nodes, c.replicas, c.placement);
    }
    if (s.checkpoint.memory) {
      // Gemini's group placement: neighbouring slots hold each other's copies.
      memory_copies_.emplace(s.cluster.nodes, s.checkpoint.memory->copies, Placement::kPacked);
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

  ReplicationResult run() {
    stretch_ = checkpoints_.stretch(0.0, 0);  // computing from t = 0: nothing to restore
    plan_.done = checkpoints_.time_to_finish(stretch_);
    schedule_failure();
    if (s_.cluster.maintenance.every_h > 0.0) {
      queue_.schedule_at(s_.cluster.maintenance.every_h, EventKind::kMaintenance);
    }
    if (sdc_stream_) queue_.schedule_at(sdc_stream_->exponential(sdc_gap_h_), EventKind::kSdc);
    const double wall_cap = s_.job.work_h * s_.montecarlo.max_wall_factor;
    while (const auto ev = queue_.pop_before(plan_.done)) {
      if (ev->time > wall_cap) throw_cannot_finish(wall_cap);
      ++result_.events;
      dispatch(ev->time, ev->payload);
    }
    if (plan_.done == kNever) throw std::logic_error("replication stalled waiting for spares");
    finish(plan_.done);
    return result_;
  }

 private:
  [[noreturn]] void throw_cannot_finish(double wall_cap) const {
    char msg[400];
    std::snprintf(msg, sizeof msg,
                  "replication %llu simulated %.0f h, more than %g x the work, without finishing "
                  "(%lld interruptions so far): with these failure, spare and checkpoint settings "
                  "the job can hardly finish; raise montecarlo.max_wall_factor to simulate it "
                  "anyway",
                  static_cast<unsigned long long>(index_), wall_cap, s_.montecarlo.max_wall_factor,
                  static_cast<long long>(result_.interruptions));
    throw sim::InputError(sim::SourceLocation{s_.source_file, 0, 0}, "montecarlo.max_wall_factor",
                          msg);
  }

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
    const bool swaps = empty_slots_ > 0 && !(kFull && strategy_ == Strategy::kRequeue);
    plan_.swap_end = fill + (swaps ? s_.recovery.swap_h : 0.0);
    plan_compute(plan_.swap_end, restore_in_memory() ? Bucket::kP2pTransfer : Bucket::kRestartLoad,
                 1.0);
  }

  // Restores state from `from` (its bucket says how), then computes at `speed`.
  void plan_compute(double from, Bucket restore, double speed) {
    plan_.restore = restore;
    double restore_h = 0.0;
    switch (restore) {
      case Bucket::kP2pTransfer:
        restore_h = s_.recovery.checkpointless.transfer_h;
        break;
      case Bucket::kReconfigure:
        restore_h = s_.recovery.elastic.reconfigure_h;
        break;
      default:
        restore_h = s_.recovery.restart_h +
                    (kFull && memory_restore_ ? s_.checkpoint.memory->load_h : s_.recovery.load_h);
    }
    plan_.compute_start = from + restore_h;
    // Multi-level: the boundary restored from is written, whichever level held it.
    stretch_ = checkpoints_.stretch(pos_, kFull && memory_copies_ ? held_ : durable_, speed);
    plan_.done = plan_.compute_start + checkpoints_.time_to_finish(stretch_);
  }

  bool restore_in_memory() const {
    return kFull && strategy_ == Strategy::kCheckpointless && !from_checkpoint_ &&
           !planned_restart_;
  }

  // Applies a planned fill once the clock has reached it.
  void settle(double now) {
    if (fill_pending_ && plan_.fill <= now) take_fill();
  }

  void take_fill() {
    if (!kFull || strategy_ != Strategy::kRequeue)
      pool_ -= empty_slots_;  // requeue: the scheduler's nodes
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
    if (t > plan_.compute_start) return checkpoints_.cut(stretch_, t - plan_.compute_start);
    return {pos_, pos_, -1, -1, 0.0, 0.0};
  }

  // Books the plan up to an interruption at t and moves the job's position to what `keep`
  // keeps of the progress reached; the rest, and any write cut short, is lost.
  void interrupt(double t, const CheckpointSchedule::Cut& cut, Keep keep) {
    book_phases(t);
    double reached = pos_, boundary = pos_, partial = 0.0;
    if (t > plan_.compute_start) {
      reached = cut.reached;
      boundary = cut.boundary;
      partial = cut.partial_h;
      durable_ = std::max(durable_, cut.durable);
      // A clean checkpoint still persisting at the corruption is durable by now, or abandoned.
      if (kFull && sdc_pending_) corruption_.clean = std::min(corruption_.clean, durable_);
      result_.bucket(Bucket::kCheckpoint) += cut.checkpoint_h;
      book_degraded(reached - stretch_.from);
    }
    double target = reached;
    if (keep == Keep::kCheckpoint) {
      target = rollback_position();
    } else if (keep == Keep::kMemory) {
      memory_restore_ = !memory_lost_;
      if (!memory_restore_) held_ = durable_;  // the newer in-memory state is gone
      target = std::max(checkpoints_.position(held_), planned_checkpoint_);
    } else if (keep == Keep::kStep) {
      const double step = s_.job.step_h;
      target = std::max(boundary, std::floor(reached / step) * step);
    } else if (keep == Keep::kClean) {
      target = roll_back_before_corruption();
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
    if (kFull && strategy_ == Strategy::kCheckpointless) {
      if (!from_checkpoint_ && !planned_restart_) ++result_.peer_recoveries;
      from_checkpoint_ = false;
      shards_->restore_all();  // replacements hold their shards; or a checkpoint rebuilt all
    }
    if (kFull && memory_copies_) ++(memory_restore_ ? result_.peer_recoveries : result_.fallbacks);
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
    const bool second_fault =
        kFull && shards_ && shards_->copies_down() == 1 && !shards_->down(slot);
    bool shard_lost = false;
    switch (cause ? cause->handling : Handling::kSwap) {
      case Handling::kRestart:  // the node stays in its slot and is not repaired
        shard_lost = lose_copies(slot);
        break;
      case Handling::kSwap:
        shard_lost = lose_copies(slot);
        vacate(slot, t, repair_for(cause));
        break;
      case Handling::kDomain:
        shard_lost = vacate_domain(slot, t, repair_for(cause));
        break;
    }
    Keep keep = kFull && memory_copies_ ? Keep::kMemory : Keep::kCheckpoint;
    if (kFull && shards_) keep = count_shard_losses(second_fault, shard_lost);
    interrupt(t, cut, keep);
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
    interrupt(t, cut_at(t), Keep::kClean);  // wipes the corruption
    if (swap) {
      if (slot >= 0) lose_copies(slot);
      vacate(slot, t, repair_time_);
    }
    begin_recovery(t, 0.0);
  }

  // A domain failure: every occupied slot of the failing node's domain empties. Returns true if
  // that took a checkpointless shard's last copy. (Out of line, as the rare paths below: the
  // common failure path stays small.)
  [[gnu::noinline]] bool vacate_domain(std::int64_t slot, double t,
                                       const RepairDistribution& repair) {
    const std::int64_t first = slot / s_.cluster.domain_size * s_.cluster.domain_size;
    const std::int64_t last = std::min(first + s_.cluster.domain_size, s_.cluster.nodes);
    bool shard_lost = false;
    for (std::int64_t i = first; i < last; ++i) {
      if (!occupied_[static_cast<std::size_t>(i)]) continue;
      shard_lost |= lose_copies(i);
      vacate(i, t, repair);
    }
    return shard_lost;
  }

  // Checkpointless: counts second faults and fallbacks; a recovery keeps the step in progress
  // unless it has fallen back to the checkpoint.
  [[gnu::noinline]] Keep count_shard_losses(bool second_fault, bool shard_lost) {
    if (second_fault) {
      ++result_.second_faults;
      if (shard_lost) ++result_.second_fault_fallbacks;
    }
    if (shard_lost && !from_checkpoint_) {
      from_checkpoint_ = true;
      ++result_.fallbacks;
    }
    return from_checkpoint_ ? Keep::kCheckpoint : Keep::kStep;
  }

  // Multi-level: a write completed since the last interruption put fresh copies of the newest
  // checkpoint on every node, the replacements included.
  void renew_memory_copies(std::int64_t written) {
    if (!kFull || !memory_copies_ || written <= held_) return;
    held_ = written;
    memory_copies_->restore_all();
    memory_lost_ = false;
  }

  // The node in `slot` loses the state copies it holds (its process is gone). Returns true if
  // that took a checkpointless shard's last copy.
  bool lose_copies(std::int64_t slot) {
    if (!kFull) return false;
    if (memory_copies_ && memory_copies_->lose(slot)) memory_lost_ = true;
    return shards_ && shards_->lose(slot);
  }

  // Nodes do not fail during a planned stop. A per-node clock's failure is found and fixed by
  // the maintenance instead: that node's clock restarts, as new, when the window ends.
  [[gnu::noinline]] void void_during_maintenance() {
    clock_->take_failure();
    if (!clock_proposes_) clock_->nodes_entered(maintenance_end_, 1);
    schedule_failure();
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
    interrupt(t, cut_at(t), Keep::kAll);
    double write_h = 0.0;
    if (pos_ > rollback_position()) {
      write_h = s_.checkpoint.write_h + s_.checkpoint.persist_h;
      result_.bucket(Bucket::kCheckpoint) += write_h;
      planned_checkpoint_ = pos_;
      // A stop during a periodic write saves that boundary: it need not be written again.
      const auto k = static_cast<std::int64_t>(std::llround(pos_ / checkpoints_.interval_h()));
      if (checkpoints_.position(k) == pos_) durable_ = std::max(durable_, k);
    }
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
      plan_.acquire = strategy_ == Strategy::kRequeue ? Bucket::kQueue : Bucket::kDetect;
      plan_fill(std::max(maintenance_end_, pending_at));
      commit_fill_if_certain();
      return;
    }
    fill_committed_ = false;
    try_fill(maintenance_end_);
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
    if (slot_aware_) {
      occupied_[static_cast<std::size_t>(slot)] = 0;
      empty_list_.push_back(slot);
    }
    ++empty_slots_;
    if (kFull && strategy_ == Strategy::kRequeue) return;
    in_repair_.add(t + repair.sample(repairs_));
    ++result_.repairs;
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
    if (kFull && strategy_ == Strategy::kRequeue) {
      release_all_slots();
      plan_.acquire = Bucket::kQueue;
      plan_fill(plan_.detect_end + s_.recovery.queue->sample(recovery_));
      commit_fill_if_certain();
      return;
    }
    try_fill(plan_.detect_end);
  }

  // Requeue: the job gives up every node at once; the scheduler hands back a full set.
  [[gnu::noinline]] void release_all_slots() {
    empty_slots_ = s_.cluster.nodes;
    if (!slot_aware_) return;
    empty_list_.clear();
    for (std::int64_t i = 0; i < s_.cluster.nodes; ++i) {
      occupied_[static_cast<std::size_t>(i)] = 0;
      empty_list_.push_back(i);
    }
  }

  // Brings the pool up to time t: repairs completed by then join it; with pool failures, idle
  // spares also fail meanwhile and go to repair. Lifetimes are exponential, so the pool can
  // be advanced lazily, from one decision time to the next, redrawing the next failure of
  // the pool whenever its size changes.
  void refresh_pool(double t) {
    if (!kFull || !pool_failures_) {
      pool_ += in_repair_.collect_until(t);
      return;
    }
    play_pool_forward(t);
  }

  // Pool failures: repairs and failures of idle spares interleaved up to t (memoryless, so
  // the pool can be played forward lazily). Kept out of line: the common path above is hot.
  [[gnu::noinline]] void play_pool_forward(double t) {
    while (pool_clock_ < t) {
      const double repaired = in_repair_.next_completion().value_or(kNever);
      const double failure =
          pool_ > 0
              ? pool_clock_ + pool_failures_->exponential(pool_mtbf_h_ / static_cast<double>(pool_))
              : kNever;
      if (failure < std::min(repaired, t)) {
        pool_clock_ = failure;
        --pool_;
        ++result_.pool_failures;
        ++result_.repairs;
        in_repair_.add(failure + repair_time_.sample(repairs_));
      } else if (repaired <= t) {
        pool_clock_ = repaired;
        pool_ += in_repair_.collect_until(repaired);
      } else {
        pool_clock_ = t;
      }
    }
  }

  void on_spares_check(double t) {
    if (!degraded_) return try_fill(t);
    refresh_pool(t);
    if (pool_ >= empty_slots_) return regrow(t);
    spares_event_ = queue_.schedule_at(*in_repair_.next_completion(), EventKind::kSparesCheck);
  }

  // Fills at `t` if the pool suffices; otherwise waits for the next repair completion (an
  // elastic job runs on its surviving data-parallel groups meanwhile).
  void try_fill(double t) {
    refresh_pool(t);
    if (pool_ >= empty_slots_) {
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
    spares_event_ = queue_.schedule_at(*in_repair_.next_completion(), EventKind::kSparesCheck);
    if (kFull && strategy_ == Strategy::kElastic) {
      const std::int64_t groups = s_.cluster.nodes / s_.recovery.elastic.dp_group_nodes;
      const std::int64_t alive = groups - groups_with_empty_slots();
      if (alive > 0) {
        degraded_ = true;
        fill_pending_ = false;
        plan_.fill = plan_.swap_end = t;
        plan_compute(t, Bucket::kRestartLoad,
                     static_cast<double>(alive) / static_cast<double>(groups));
        return;
      }
    }
    fill_pending_ = false;
    plan_.fill = kNever;
    plan_.swap_end = plan_.compute_start = plan_.done = kNever;
  }

  // Elastic: a data-parallel group with an empty slot cannot compute. A domain failure can
  // empty several slots of one group, so the groups are counted, not the slots.
  std::int64_t groups_with_empty_slots() {
    group_scratch_.clear();
    for (const std::int64_t slot : empty_list_) {
      group_scratch_.push_back(slot / s_.recovery.elastic.dp_group_nodes);
    }
    std::sort(group_scratch_.begin(), group_scratch_.end());
    return std::unique(group_scratch_.begin(), group_scratch_.end()) - group_scratch_.begin();
  }

  // Elastic: enough spares have come back; the job regrows to full size, keeping its
  // progress, and pays the reconfiguration.
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
    interrupt(t, cut_at(t), Keep::kAll);
    const std::int64_t entering = empty_slots_;
    take_fill();
    degraded_ = false;
    plan_ = Timeline{};
    plan_.start = plan_.detect_end = plan_.fill = t;
    plan_.swap_end = t + s_.recovery.swap_h;
    plan_compute(plan_.swap_end, Bucket::kReconfigure, 1.0);
    if (!clock_ignores_entries_) {
      clock_->nodes_entered(t, entering);
      schedule_failure();
    }
  }

  // The new nodes' clocks start at the fill. The fill is certain once no failure can come
  // before it; only then do the nodes enter (a failure first would restart recovery).
  void commit_fill_if_certain() {
    if (clock_ignores_entries_ || fill_committed_ || !fill_pending_) return;
    if (clock_->next_failure() < plan_.fill) return;
    clock_->nodes_entered(plan_.fill, empty_slots_);
    fill_committed_ = true;
    schedule_failure();
  }

  void finish(double t) {
    settle(t);
    if (kFull && pool_failures_)
      refresh_pool(t);  // spares failing until the end are repaired (and paid)
    close_recovery_if_resumed(t);
    book_phases(plan_.compute_start);
    result_.bucket(Bucket::kCheckpoint) += checkpoints_.checkpoint_time(stretch_);
    book_degraded(s_.job.work_h - stretch_.from);
    result_.bucket(Bucket::kProductive) = s_.job.work_h;
    result_.wall_h = t;
    result_.goodput = s_.job.work_h / t;
  }

  const Scenario& s_;
  const std::uint64_t index_;
  const ReplicationOptions options_;
  const Strategy strategy_;
  const CheckpointSchedule checkpoints_;
  sim::RandomStream failures_;
  sim::RandomStream repairs_;
  sim::RandomStream recovery_;  // requeue times
  const RepairDistribution& repair_time_;
  sim::EventQueue<EventKind> queue_;
  std::unique_ptr<FailureClock> clock_;
  const bool clock_ignores_entries_;
  const bool clock_proposes_;
  const bool clock_pins_slots_;  // a trace: each failure names its slot (and maybe its cause)
  sim::PickStream picks_;        // slot and cause picks, apart from the failure times
  const bool slot_aware_;        // slots tracked one by one (failure domains, shards need it)
  const double nodes_d_;
  std::vector<std::uint8_t> occupied_;       // per slot, only when slot_aware_
  std::vector<std::int64_t> empty_list_;     // emptied slots awaiting the fill
  std::vector<std::int64_t> group_scratch_;  // elastic: groups of the empty slots
  std::vector<double> cause_cdf_;
  std::optional<ShardMap> shards_;         // checkpointless only
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
  bool from_checkpoint_ = false;      // checkpointless: this recovery fell back to a checkpoint
  bool planned_restart_ = false;      // restarting after maintenance: state from the checkpoint
  double episode_ = 0.0;              // when the current recovery began
  double maintenance_end_ = -kNever;  // end of the last planned stop
  RepairPipeline in_repair_;

  Timeline plan_;
  CheckpointSchedule::Stretch stretch_;
  double pos_ = 0.0;                 // progress the current stretch starts from
  std::int64_t durable_ = 0;         // last durable checkpoint boundary (0 = start of job)
  double planned_checkpoint_ = 0.0;  // progress saved by the last planned stop's checkpoint
  std::int64_t empty_slots_ = 0;
  std::int64_t pool_;
  std::optional<sim::RandomStream> pool_failures_;  // only with cluster.pool_failures
  double pool_mtbf_h_ = 0.0;
  double pool_clock_ = 0.0;                      // the pool is known up to this time
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
  return s.recovery.strategy != Strategy::kHotSpare || s.checkpoint.memory ||
         s.cluster.maintenance.every_h > 0.0 || s.cluster.sdc || s.cluster.pool_failures ||
         s.cluster.failure.model == "trace";
}
}  // namespace

ReplicationResult simulate_replication(const Scenario& scenario, std::uint64_t seed,
                                       std::uint64_t index, ReplicationOptions options) {
  if (full_features(scenario)) return Replication<true>(scenario, seed, index, options).run();
  return Replication<false>(scenario, seed, index, options).run();
}

}  // namespace goodsim::models
