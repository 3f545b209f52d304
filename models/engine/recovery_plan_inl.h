#pragma once
// The replication engine's recovery plan: acquiring nodes, restoring, computing. Every failure
// runs it: inline, as failure_path_inl.h.

#include <numeric>

#include "models/engine/replication_engine.h"

#include <algorithm>

namespace goodsim::models::engine {

// All empty slots are filled at `fill` in one go; then swap (only if a slot was filled),
// restore (restart + load, or the peer transfer), compute. The spares are taken when time
// passes `fill` (see settle): until then a further failure may restart recovery and need
// more of them.
template <bool kFull>
inline void Replication<kFull>::plan_fill(double fill) {
  fill_pending_ = empty_slots_ > 0;
  plan_.fill = fill;
  const bool swaps = empty_slots_ > 0 && !(kFull && entry_.from_scheduler);
  plan_.swap_end = fill + (swaps ? s_.recovery.swap_h : 0.0);
  plan_compute(plan_.swap_end, restore_phase(), 1.0);
}

// Restores state from `from` (`restore` says how long and in which bucket), then computes
// at `speed`.
template <bool kFull>
inline void Replication<kFull>::plan_compute(double from, RestorePhase restore, double speed) {
  plan_.restore = restore.bucket;
  plan_.compute_start = from + restore.hours;
  // Multi-level: the boundary restored from is written, whichever level held it.
  stretch_ = ledger_.stretch(speed);
  const double whole = checkpoints_->time_to_finish(stretch_);
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

template <bool kFull>
inline void Replication<kFull>::take_fill() {
  if (!kFull || !entry_.from_scheduler) pool_.take(empty_slots_);  // else the scheduler's
  empty_slots_ = 0;
  if (kFull) released_ = false;
  for (const std::int64_t slot : empty_list_) occupied_[static_cast<std::size_t>(slot)] = 1;
  empty_list_.clear();
  fill_pending_ = false;
}

// Books the plan's phases in [plan_.start, t) into their buckets.
template <bool kFull>
inline void Replication<kFull>::book_phases(double t) {
  const auto span = [t](double from, double to) { return std::max(0.0, std::min(t, to) - from); };
  result_.bucket(plan_.hold) += span(plan_.start, plan_.detect_end);
  result_.bucket(plan_.acquire) += span(plan_.detect_end, plan_.fill);
  result_.bucket(Bucket::kSwap) += span(plan_.fill, plan_.swap_end);
  result_.bucket(plan_.restore) += span(plan_.swap_end, plan_.compute_start);
}

// Recovery starts over from detection (which takes `detect_h`).
template <bool kFull>
inline void Replication<kFull>::begin_recovery(double t, double detect_h) {
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

// Requeue: the job gives up every node at once; the scheduler hands back a full set.
template <bool kFull>
void Replication<kFull>::release_all_slots() {
  clock_->all_left();
  if (slow_) {
    slow_->clear();
    schedule_slow_timer();
  }
  schedule_failure();
  if (sdc_pending_) corruption_.node_gone = true;  // the corrupting node went back too
  empty_slots_ = s_.cluster.nodes;
  if (!slot_aware_) return;
  // In O(slots emptied so far), not O(nodes): while released_ every slot reads as empty, and
  // occupied_ already says how they stand once the fresh node set fills them all.
  for (const std::int64_t slot : empty_list_) occupied_[static_cast<std::size_t>(slot)] = 1;
  empty_list_.clear();
  released_ = true;
}

template <bool kFull>
inline void Replication<kFull>::on_spares_check(double t) {
  if (!degraded_) return try_fill(t);
  pool_.refresh(t);
  if (pool_.size() >= empty_slots_) return regrow(t);
  spares_event_ = queue_.schedule_at(*pool_.next_completion(), EventKind::kSparesCheck);
}

// Fills at `t` if the pool suffices; otherwise waits for the next repair completion (an
// elastic job runs on its surviving data-parallel groups meanwhile).
template <bool kFull>
inline void Replication<kFull>::try_fill(double t) {
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
template <bool kFull>
void Replication<kFull>::wait_for_spares(double t) {
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
template <bool kFull>
inline void Replication<kFull>::regrow(double t) {
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
template <bool kFull>
inline void Replication<kFull>::commit_fill_if_certain() {
  if (clock_ignores_entries_ || fill_committed_ || !fill_pending_) return;
  if (clock_->next_failure() < plan_.fill) return;
  enter_clocks(plan_.fill, filling_slots(), empty_slots_);
  fill_committed_ = true;
  schedule_failure();
}

// The slots the fill fills: the emptied ones, or every slot after a release.
template <bool kFull>
std::span<const std::int64_t> Replication<kFull>::filling_slots() {
  if (!(kFull && released_)) return empty_list_;
  if (all_slots_.empty()) {
    all_slots_.resize(static_cast<std::size_t>(s_.cluster.nodes));
    std::iota(all_slots_.begin(), all_slots_.end(), std::int64_t{0});
  }
  return all_slots_;
}

}  // namespace goodsim::models::engine
