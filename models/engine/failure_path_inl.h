#pragma once
// The replication engine's run loop, failures and interruptions: the member functions every
// failure runs, with recovery_plan_inl.h. Defined inline in headers, as if in the class body,
// so that the compiler inlines the failure path as one piece; each engine file includes them
// (models/engine/replication_engine.h lists the files).

#include "models/engine/replication_engine.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace goodsim::models::engine {

template <bool kFull>
inline Replication<kFull>::Replication(const Scenario& s, std::uint64_t seed, std::uint64_t index,
                                       ReplicationOptions o)
    : s_(s),
      options_(o),
      entry_(find_strategy(s.recovery.strategy)),
      strategy_(entry_.make(s)),
      checkpoints_(make_checkpoint_policy(s.job.work_h, s.checkpoint)),
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
      ledger_(*checkpoints_, s.checkpoint, s.cluster.nodes),
      pool_(s.cluster.spares, repair_time_, s.cluster.pool_failures ? failure_.node_mtbf_h : 0.0,
            seed, index) {
  if (s.cluster.sdc) {
    sdc_stream_.emplace(seed, index, sim::StreamPurpose::kSdc);
    sdc_gap_h_ = s.cluster.sdc->node_mtbf_h / nodes_d_;
  }
  if (slot_aware_) occupied_.assign(static_cast<std::size_t>(s.cluster.nodes), 1);
  if (s.cluster.slow) {
    slow_.emplace(*s.cluster.slow, s.cluster.nodes, eviction_price(), seed, index);
  }
  if (!s.cluster.causes.empty()) {
    double total = 0.0;
    for (const CauseSpec& c : s.cluster.causes) total += c.share;
    double running = 0.0;
    for (const CauseSpec& c : s.cluster.causes) cause_cdf_.push_back((running += c.share) / total);
    result_.interruptions_by_cause.assign(s.cluster.causes.size(), 0);
  }
}

template <bool kFull>
inline ReplicationResult Replication<kFull>::run() {
  stretch_ = checkpoints_->stretch(0.0, 0);  // computing from t = 0: nothing to restore
  plan_.done = stretch_h_ = checkpoints_->time_to_finish(stretch_);
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

template <bool kFull>
inline void Replication<kFull>::dispatch(double t, EventKind kind) {
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
template <bool kFull>
inline void Replication<kFull>::schedule_failure() {
  queue_.move(failure_event_, clock_->next_failure(), EventKind::kFailure);
}

// Where the job stands at t: its stretch's cut, or nothing computed yet.
template <bool kFull>
inline CheckpointPolicy::Cut Replication<kFull>::cut_at(double t) const {
  if (t > plan_.compute_start) return checkpoints_->cut(stretch_, stretch_time(t));
  const double at = ledger_.position();
  return {at, at, -1, -1, 0.0, 0.0};
}

// Books the plan up to an interruption at t and moves the job's position to what `keep`
// keeps of the progress reached; the rest, and any write cut short, is lost.
template <bool kFull>
inline void Replication<kFull>::interrupt(double t, const CheckpointPolicy::Cut& cut,
                                          Rollback keep) {
  book_phases(t);
  if (kFull && t < save_end_) abandon_save(t);
  double reached = ledger_.position(), boundary = reached, partial = 0.0;
  if (t > plan_.compute_start) {
    book_slow(t);
    reached = cut.reached;
    boundary = cut.boundary;
    partial = cut.partial_h;
    ledger_.record(cut);
    // A clean checkpoint still persisting at the corruption is durable by now, or abandoned.
    if (kFull && sdc_pending_) {
      corruption_.clean.durable = std::min(corruption_.clean.durable, ledger_.durable());
    }
    result_.bucket(Bucket::kCheckpoint) += cut.checkpoint_h;
    book_degraded(reached - stretch_.from);
  }
  const double target = kFull && keep == Rollback::kClean
                            ? ledger_.roll_back_to_clean(corruption_.clean)
                            : ledger_.roll_back(keep, reached, boundary, s_.job.step_h);
  result_.bucket(Bucket::kLost) += reached - target + partial;
  // A rollback to the corrupted progress or before it wipes the corruption.
  if (kFull && sdc_pending_ && target <= corruption_.progress) cancel_corruption();
}

// A recovery ends when the job computes again (possibly degraded).
template <bool kFull>
inline void Replication<kFull>::close_recovery_if_resumed(double t) {
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
template <bool kFull>
inline void Replication<kFull>::open_recovery(double t) {
  close_recovery_if_resumed(t);
  if (kFull && t >= plan_.compute_start) planned_restart_ = false;  // computed since the stop
  if (!recovering_) {
    recovering_ = true;
    episode_ = t;
  }
}

template <bool kFull>
inline void Replication<kFull>::on_failure(double t) {
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
      slot = std::min(static_cast<std::int64_t>(picks_.uniform() * nodes_d_), s_.cluster.nodes - 1);
    }
    hit = !slot_empty(slot);
  } else if (clock_proposes_ && empty_slots_ > 0) {
    hit = picks_.uniform() * nodes_d_ >= static_cast<double>(empty_slots_);
  }
  if (!hit) {
    commit_fill_if_certain();  // a void proposal cannot pre-empt the fill
    return;
  }
  open_recovery(t);
  ++result_.interruptions;
  const CheckpointPolicy::Cut cut = cut_at(t);
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

// A domain failure: every occupied slot of the failing node's domain empties. (Out of line,
// as the rare paths below: the common failure path stays small.)
template <bool kFull>
void Replication<kFull>::vacate_domain(std::int64_t slot, double t,
                                       const RepairDistribution& repair) {
  const std::int64_t first = slot / s_.cluster.domain_size * s_.cluster.domain_size;
  const std::int64_t last = std::min(first + s_.cluster.domain_size, s_.cluster.nodes);
  for (std::int64_t i = first; i < last; ++i) {
    if (slot_empty(i)) continue;
    lose_state(i);
    if (i != slot) clock_->node_left(t, i);  // the failing node's clock has fired
    vacate(i, t, repair);
  }
  if (!clock_ignores_entries_) schedule_failure();  // per-node clocks were dropped
}

// What a failure handled as `handling` keeps: the strategy's answer, unless this recovery
// already restores from storage (or follows a planned stop): the processes restart then,
// and so the checkpoint policy decides, for this failure and the rest of the recovery.
template <bool kFull>
inline Rollback Replication<kFull>::rollback_after_failure(Handling handling) {
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
  return ledger_.has_memory() ? Rollback::kMemory : Rollback::kCheckpoint;
}

// The node in `slot` loses the state it holds (its process is gone): its in-memory
// checkpoint copies, and whatever the strategy keeps there.
template <bool kFull>
inline void Replication<kFull>::lose_state(std::int64_t slot) {
  if (!kFull) return;
  ledger_.lose(slot);
  strategy_->state_lost(slot);
}

// A per-node clock that fired for a failure the node stays through (a restart cause) starts
// again, as new: the same rule as for a failure found by maintenance (docs/model.md).
template <bool kFull>
void Replication<kFull>::restart_clock(double t, std::int64_t slot) {
  enter_clocks(t, slot >= 0 ? std::span(&slot, 1) : none_, 1);
  schedule_failure();
}

// The failure's cause: the traced one, or one picked by share; nullptr when the scenario
// has no taxonomy.
template <bool kFull>
inline const CauseSpec* Replication<kFull>::draw_cause(int traced) {
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

// The node in `slot` (-1 when slots are not tracked) leaves it for repair. Under requeue
// the scheduler takes the broken node: it never joins this job's pool.
template <bool kFull>
inline void Replication<kFull>::vacate(std::int64_t slot, double t,
                                       const RepairDistribution& repair) {
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

template <bool kFull>
inline void Replication<kFull>::finish(double t) {
  settle(t);
  if (kFull && pool_.idle_spares_fail()) pool_.refresh(t);  // repaired (and paid) as well
  result_.repairs = pool_.repairs();
  result_.pool_failures = pool_.failures();
  close_recovery_if_resumed(t);
  book_phases(plan_.compute_start);
  book_slow(t);
  result_.bucket(Bucket::kCheckpoint) += checkpoints_->checkpoint_time(stretch_);
  book_degraded(s_.job.work_h - stretch_.from);
  result_.bucket(Bucket::kProductive) = s_.job.work_h;
  result_.wall_h = t;
  result_.goodput = s_.job.work_h / t;
}

// The job has not finished by t, the wall cap (montecarlo.max_wall_factor) or where the
// event budget ran out: the replication stops there as did-not-finish, its time booked up
// to t. Its wall time is a lower bound and its goodput (work / t) an upper bound of what a
// longer run would give.
template <bool kFull>
inline void Replication<kFull>::censor(double t) {
  settle(t);
  if (kFull && pool_.idle_spares_fail()) pool_.refresh(t);
  result_.repairs = pool_.repairs();
  result_.pool_failures = pool_.failures();
  close_recovery_if_resumed(t);
  interrupt(t, cut_at(t), Rollback::kAll);  // books [.., t) and keeps all progress
  result_.bucket(Bucket::kProductive) = ledger_.position();
  result_.wall_h = t;
  result_.goodput = s_.job.work_h / t;
  result_.unfinished = true;
}

}  // namespace goodsim::models::engine
