#include "models/engine/failure_path_inl.h"
#include "models/engine/recovery_plan_inl.h"
#include "models/engine/replication_engine.h"

#include <algorithm>
#include <cmath>

namespace goodsim::models::engine {

// Nodes do not fail during a planned stop. A per-node clock's failure is found and fixed by
// the maintenance instead: that node's clock restarts, as new, when the window ends.
template <bool kFull>
void Replication<kFull>::void_during_maintenance() {
  const std::int64_t slot = clock_pins_slots_ ? clock_->next_slot() : -1;
  clock_->take_failure();
  if (!clock_proposes_) enter_clocks(maintenance_end_, slot >= 0 ? std::span(&slot, 1) : none_, 1);
  schedule_failure();
}

// Planned maintenance (docs/model.md): whatever its phase, the job stops; if it holds
// progress beyond its last durable checkpoint it writes (and persists) a checkpoint of it,
// the cluster is down for the maintenance duration, then recovery resumes without
// detection: fill any empty slot, swap, restart + load the checkpoint.
template <bool kFull>
void Replication<kFull>::on_maintenance(double t) {
  settle(t);
  ++result_.planned_interruptions;
  const MaintenanceSpec& m = s_.cluster.maintenance;
  queue_.schedule_at(t + m.every_h, EventKind::kMaintenance);
  close_recovery_if_resumed(t);
  interrupt(t, cut_at(t), Rollback::kAll);
  kept_ = Keep::kPolicy;                  // the peers' state went down with the cluster
  const double write_h = ledger_.save();  // 0 when nothing is newer than the durable one
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

// An eviction's save (booked as the plan's hold phase) was cut short at t: the checkpoint is
// not there, and the time spent writing it is lost like any partial write.
template <bool kFull>
void Replication<kFull>::abandon_save(double t) {
  ledger_.undo_save();
  const double spent = std::max(0.0, t - plan_.start);
  result_.bucket(Bucket::kCheckpoint) -= spent;
  result_.bucket(Bucket::kLost) += spent;
  save_end_ = -kNever;
}

// The mitigation evicts the slow node in `slot` while the job computes: the job stops, keeps
// what the strategy says (by default it saves its progress first, as before a planned stop),
// the node goes to repair and a spare takes its slot as after a failure, without detection.
// Not a failure: no recovery is counted.
template <bool kFull>
void Replication<kFull>::evict(double t, std::int64_t slot) {
  close_recovery_if_resumed(t);
  ++result_.evictions;
  const Keep keep = strategy_->keep_after_eviction();
  const CheckpointPolicy::Cut cut = cut_at(t);
  renew_memory_copies(cut.written);
  interrupt(t, cut, keep == Keep::kStep ? Rollback::kStep : Rollback::kAll);
  kept_ = keep;
  double save_h = 0.0;
  if (keep != Keep::kStep) {
    save_h = ledger_.save();
    planned_restart_ = true;
  }
  lose_state(slot);
  if (slot_aware_) clock_->node_left(t, slot);
  const RepairSpec& repair = s_.cluster.slow->repair;
  vacate(slot, t, repair.distribution ? *repair.distribution : repair_time_);
  schedule_failure();
  begin_recovery(t, save_h);
  plan_.hold = Bucket::kCheckpoint;
  save_end_ = save_h > 0.0 ? t + save_h : -kNever;
}

// What an eviction costs the job, in hours: the ski-rental bound's price (docs/model.md).
template <bool kFull>
double Replication<kFull>::eviction_price() const {
  const Keep keep = strategy_->keep_after_eviction();
  double h = strategy_->restore(keep, false).hours + strategy_->mean_queue_hours();
  if (!entry_.from_scheduler) h += s_.recovery.swap_h;
  h += keep == Keep::kStep ? 0.5 * s_.job.step_h : s_.checkpoint.write_h + s_.checkpoint.persist_h;
  return h;
}

template void Replication<true>::void_during_maintenance();
template void Replication<true>::on_maintenance(double t);
template void Replication<true>::abandon_save(double t);
template void Replication<true>::evict(double t, std::int64_t slot);
template double Replication<true>::eviction_price() const;
template void Replication<false>::void_during_maintenance();
template void Replication<false>::on_maintenance(double t);
template void Replication<false>::abandon_save(double t);
template void Replication<false>::evict(double t, std::int64_t slot);
template double Replication<false>::eviction_price() const;

}  // namespace goodsim::models::engine
