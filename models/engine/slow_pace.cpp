#include "models/engine/failure_path_inl.h"
#include "models/engine/recovery_plan_inl.h"
#include "models/engine/replication_engine.h"

namespace goodsim::models::engine {

// Slow nodes (docs/model.md): a proposal lands on a uniformly drawn slot; it is void if the
// slot is empty or its node is slow already.
template <bool kFull>
void Replication<kFull>::on_slow_onset(double t) {
  settle(t);
  queue_.schedule_at(slow_->next_onset(t), EventKind::kSlowOnset);
  const std::int64_t slot = slow_->pick_slot();
  const bool empty = slot_aware_ ? slot_empty(slot) : slow_->lands_on_empty(empty_slots_);
  if (empty || slow_->holds(slot)) return;
  slow_->begin(t, slot);
  ++result_.slow_episodes;
  schedule_slow_timer();
  apply_speed(t);
}

// A slowdown ends, a repeat offender relapses, or the mitigation evicts a slow node. An
// eviction waits until the job computes (it is restarting, or waiting for spares).
template <bool kFull>
void Replication<kFull>::on_slow_timer(double t) {
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

template <bool kFull>
void Replication<kFull>::schedule_slow_timer() {
  queue_.move(slow_timer_, slow_->next_time(), EventKind::kSlowTimer);
}

// The slowest node's pace changed at t: the stretch goes on at the new pace from where it
// stands (nothing is interrupted), and so does the plan not yet computing.
template <bool kFull>
void Replication<kFull>::apply_speed(double t) {
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

// A node leaves its slot: a slow one takes its slowdown along. Without tracked slots a
// failure names no slot (-1): it is any occupied one.
template <bool kFull>
void Replication<kFull>::slow_node_left(std::int64_t slot) {
  if (slot >= 0) {
    slow_->left(slot);
  } else {
    slow_->left_somewhere(nodes_d_ - static_cast<double>(empty_slots_));
  }
  schedule_slow_timer();
}

template void Replication<true>::on_slow_onset(double t);
template void Replication<true>::on_slow_timer(double t);
template void Replication<true>::schedule_slow_timer();
template void Replication<true>::apply_speed(double t);
template void Replication<true>::slow_node_left(std::int64_t slot);
template void Replication<false>::on_slow_onset(double t);
template void Replication<false>::on_slow_timer(double t);
template void Replication<false>::schedule_slow_timer();
template void Replication<false>::apply_speed(double t);
template void Replication<false>::slow_node_left(std::int64_t slot);

}  // namespace goodsim::models::engine
