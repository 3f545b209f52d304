#pragma once
// Blocking periodic checkpoints (model v1): after every `interval` of progress since the last
// completed checkpoint the job writes one, blocking for `write`; none after the last segment.
//
// Because every rollback returns to a checkpoint and checkpoints sit at multiples of the
// interval, the job's position is fully described by the index of the last completed checkpoint.
// That makes a stretch of uninterrupted compute a closed-form computation: no event per
// checkpoint is needed, only one at the next failure or at the end of the job.

#include <cstdint>

namespace goodsim::models {

class PeriodicCheckpoints {
 public:
  // interval_h == 0 (or >= work) means a single segment: no checkpoints at all.
  PeriodicCheckpoints(double work_h, double interval_h, double write_h);

  std::int64_t segments() const { return segments_; }
  double interval_h() const { return interval_h_; }
  double write_h() const { return write_h_; }

  // Fault-free time from resuming at checkpoint `completed` to the end of the job.
  double time_to_finish(std::int64_t completed) const;

  // Outcome of computing for `elapsed_h` from checkpoint `completed` and then being interrupted.
  struct Interrupted {
    std::int64_t new_checkpoints;  // checkpoints completed during the stretch
    double checkpoint_h;           // time spent in those completed writes
    double lost_h;                 // compute and partial write rolled back
  };
  Interrupted interrupt_after(std::int64_t completed, double elapsed_h) const;

  // Total time of the checkpoint writes still ahead when resuming from `completed`.
  double remaining_write_h(std::int64_t completed) const;

 private:
  double work_h_;
  double interval_h_;
  double write_h_;
  std::int64_t segments_;
};

}  // namespace goodsim::models
