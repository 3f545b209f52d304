#pragma once
// Periodic checkpoints in progress space, blocking or asynchronous (docs/model.md).
//
// Checkpoints fall due at multiples of the interval in progress (boundary m sits at m·interval,
// the last one before the work ends). A write blocks the job for `write`; an asynchronous
// checkpoint then persists in the background for `persist` and is durable only after that.
// A failure, or any interruption, abandons a persist still running.
//
// Multi-level (`checkpoint.memory`): boundaries sit on the in-memory grid; every k-th one,
// k = interval / memory.interval, is persistent and costs `write`, the others `memory.write`.
// A persistent checkpoint may persist in the background for `persist` after its write (shorter
// than the interval: no overlap). `written` reports the last boundary of either level,
// `durable` the last persistent one whose persist completed.
//
// Between two interruptions the job computes one *stretch*: from a progress position, at a
// speed (1 = full size; elastic jobs run slower), writing every boundary it passes. Nothing
// random happens inside a stretch, so where it stands after any elapsed time is arithmetic:
// no event per checkpoint is needed.

#include <cstdint>

#include "models/scenario.h"

namespace goodsim::models {

class CheckpointSchedule {
 public:
  CheckpointSchedule(double work_h, const CheckpointSpec& spec);

  // Number of segments the work splits into; boundaries 1 .. segments-1 get checkpoints.
  std::int64_t segments() const { return segments_; }
  // Progress between two boundaries (the in-memory interval when multi-level).
  double interval_h() const { return interval_h_; }
  bool multilevel() const { return ratio_ > 0; }
  // Boundary m holds a persistent checkpoint (every boundary when single-level).
  bool persistent(std::int64_t m) const { return ratio_ == 0 || m % ratio_ == 0; }
  // Progress at boundary m (0 = the start of the job).
  double position(std::int64_t m) const { return static_cast<double>(m) * interval_h_; }

  struct Stretch {
    double from = 0.0;       // progress when computing starts
    std::int64_t first = 1;  // first boundary to write (see stretch())
    double speed = 1.0;      // progress per wall hour, 0 < speed <= 1
  };
  // The stretch that resumes at `from` with boundary `durable` the last durable checkpoint:
  // it writes every boundary at or after `from` that is not yet durable.
  Stretch stretch(double from, std::int64_t durable, double speed = 1.0) const {
    // Most stretches resume from the durable checkpoint itself: no division needed.
    if (from == position(durable)) return {from, durable + 1, speed};
    std::int64_t first = ceil_tolerant(from / interval_h_);
    if (first <= durable) first = durable + 1;
    return {from, first, speed};
  }

  // Fault-free wall time of the whole stretch, to the end of the job.
  double time_to_finish(const Stretch& s) const {
    const double compute_h = s.speed == 1.0 ? work_h_ - s.from : (work_h_ - s.from) / s.speed;
    return compute_h + checkpoint_time(s);
  }
  // Wall time the whole stretch spends writing and stalling for persists.
  double checkpoint_time(const Stretch& s) const {
    if (!blocking_) return checkpoint_time_general(s);
    return s.first < segments_ ? static_cast<double>(segments_ - s.first) * write_h_ : 0.0;
  }

  // Where a stretch stands after `elapsed_h` of wall time.
  struct Cut {
    double reached;        // progress held in memory (a boundary while writing or stalling)
    double boundary;       // progress of the last boundary written or being written, or from
    std::int64_t written;  // last boundary whose write completed, or -1
    std::int64_t durable;  // last boundary durable by then, or -1
    double checkpoint_h;   // completed writes and the persist stalls before them
    double partial_h;      // the write or stall in progress (lost on a rollback)
  };
  Cut cut(const Stretch& s, double elapsed_h) const {
    return blocking_ && s.speed == 1.0 ? cut_blocking(s, elapsed_h) : cut_general(s, elapsed_h);
  }

 private:
  // ceil(x) for x >= 0, but x within rounding noise above an integer is that integer. The cast
  // truncates (floor for x >= 0): no libm call on the per-failure path.
  static std::int64_t ceil_tolerant(double x) {
    const double y = x - 1e-9 * (x > 1.0 ? x : 1.0);
    const auto t = static_cast<std::int64_t>(y);
    return static_cast<double>(t) < y ? t + 1 : t;
  }
  double checkpoint_time_general(const Stretch& s) const;
  Cut cut_general(const Stretch& s, double elapsed_h) const;
  // Boundaries between two writes and the stall before each write but the stretch's first.
  std::int64_t stride(double speed) const;
  double stall_h(double speed, std::int64_t stride) const;
  std::int64_t writes(const Stretch& s, std::int64_t stride) const;
  static constexpr double kNoWrites = 1e300;  // lead time of a stretch with nothing to write

  // Multi-level: write time of boundaries first .. end-1, and the cut (write times differ
  // between boundaries, so the single-level cycle arithmetic does not apply).
  double writes_h(std::int64_t first, std::int64_t end) const;
  Cut cut_multilevel(const Stretch& s, double elapsed_h) const;
  // Model v1's blocking checkpoints at full speed: the hot path, in plain cycle arithmetic.
  Cut cut_blocking(const Stretch& s, double elapsed_h) const;

  double work_h_;
  double interval_h_;
  double write_h_;
  double persist_h_;         // single-level
  double memory_persist_h_;  // multi-level: the persistent checkpoints' background persist
  PersistOverlap overlap_;
  std::int64_t ratio_ = 0;  // multi-level: boundaries per persistent checkpoint; 0 = single
  double memory_write_h_ = 0.0;
  bool blocking_ = true;  // single-level, persist 0: model v1's checkpoints (the common case)
  std::int64_t segments_;
};

}  // namespace goodsim::models
