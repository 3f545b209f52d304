#include "models/checkpoint/periodic.h"

#include <cmath>

namespace goodsim::models {

namespace {
// ceil(work / interval), but a ratio within rounding noise of an integer is that integer:
// 10 h in 0.1 h steps is 100 segments, not 101 with a vanishing last one.
std::int64_t count_segments(double work_h, double interval_h) {
  if (interval_h <= 0.0 || interval_h >= work_h) return 1;
  const double ratio = work_h / interval_h;
  const double nearest = std::round(ratio);
  if (std::abs(ratio - nearest) <= 1e-9 * nearest) return static_cast<std::int64_t>(nearest);
  return static_cast<std::int64_t>(std::ceil(ratio));
}
}  // namespace

PeriodicCheckpoints::PeriodicCheckpoints(double work_h, double interval_h, double write_h)
    : work_h_(work_h),
      interval_h_(interval_h > 0.0 && interval_h < work_h ? interval_h : work_h),
      write_h_(write_h),
      segments_(count_segments(work_h, interval_h)) {}

double PeriodicCheckpoints::remaining_write_h(std::int64_t completed) const {
  return static_cast<double>(segments_ - 1 - completed) * write_h_;
}

double PeriodicCheckpoints::time_to_finish(std::int64_t completed) const {
  const double remaining_work = work_h_ - static_cast<double>(completed) * interval_h_;
  return remaining_work + remaining_write_h(completed);
}

PeriodicCheckpoints::Interrupted PeriodicCheckpoints::interrupt_after(std::int64_t completed,
                                                                      double elapsed_h) const {
  const double cycle = interval_h_ + write_h_;
  const std::int64_t ahead = segments_ - 1 - completed;  // checkpoints still to write
  auto cycles = static_cast<std::int64_t>(std::floor(elapsed_h / cycle));
  if (cycles > ahead) cycles = ahead;
  // Division can round up onto the next boundary; the failure must lie inside the cycle.
  while (cycles > 0 && static_cast<double>(cycles) * cycle > elapsed_h) --cycles;
  const double done_h = static_cast<double>(cycles) * cycle;
  return {cycles, static_cast<double>(cycles) * write_h_, elapsed_h - done_h};
}

}  // namespace goodsim::models
