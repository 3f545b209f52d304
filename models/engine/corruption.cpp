#include "models/engine/failure_path_inl.h"
#include "models/engine/recovery_plan_inl.h"
#include "models/engine/replication_engine.h"

#include <algorithm>

namespace goodsim::models::engine {

// Silent data corruption (docs/model.md). Corruptions arrive at the constant rate
// nodes / sdc.node_mtbf from a stream of their own; one matters only while the job
// computes, and only the earliest pending one does: a later one is later in progress, and
// the rollback the earlier one's detection causes wipes it.
template <bool kFull>
void Replication<kFull>::on_corruption(double t) {
  queue_.schedule_at(t + sdc_stream_->exponential(sdc_gap_h_), EventKind::kSdc);
  if (sdc_pending_ || degraded_ || t < plan_.compute_start) return;
  const CheckpointPolicy::Cut cut = cut_at(t);
  if (cut.partial_h > 0.0) return;  // writing a checkpoint or stalling: not computing
  sdc_pending_ = true;
  corruption_.progress = cut.reached;
  corruption_.clean = ledger_.clean_at(cut);
  corruption_.node_gone = false;
  corruption_.slot = slot_aware_
                         ? std::min(static_cast<std::int64_t>(sdc_stream_->uniform() * nodes_d_),
                                    s_.cluster.nodes - 1)
                         : -1;
  corruption_.detection = queue_.schedule_at(t + s_.cluster.sdc->detect_h, EventKind::kSdcDetected);
}

template <bool kFull>
void Replication<kFull>::cancel_corruption() {
  sdc_pending_ = false;
  queue_.cancel(corruption_.detection);
}

// Whether a node leaving its slot is the one behind the pending corruption: with slots
// tracked, the corrupting slot's; otherwise each occupied slot is as likely (failures pick
// them uniformly).
template <bool kFull>
void Replication<kFull>::note_departure(std::int64_t slot) {
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
template <bool kFull>
void Replication<kFull>::on_sdc_detected(double t) {
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

template void Replication<true>::on_corruption(double t);
template void Replication<true>::cancel_corruption();
template void Replication<true>::note_departure(std::int64_t slot);
template void Replication<true>::on_sdc_detected(double t);
template void Replication<false>::on_corruption(double t);
template void Replication<false>::cancel_corruption();
template void Replication<false>::note_departure(std::int64_t slot);
template void Replication<false>::on_sdc_detected(double t);

}  // namespace goodsim::models::engine
