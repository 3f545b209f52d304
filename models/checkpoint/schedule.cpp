#include "models/checkpoint/schedule.h"

#include <algorithm>
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

// ceil(x), but x within rounding noise above an integer is that integer.
std::int64_t ceil_tolerant(double x) {
  return static_cast<std::int64_t>(std::ceil(x - 1e-9 * std::max(1.0, std::abs(x))));
}
}  // namespace

CheckpointSchedule::CheckpointSchedule(double work_h, const CheckpointSpec& spec)
    : work_h_(work_h),
      interval_h_(spec.interval_h > 0.0 && spec.interval_h < work_h ? spec.interval_h : work_h),
      write_h_(spec.write_h),
      persist_h_(spec.persist_h),
      overlap_(spec.overlap),
      segments_(count_segments(work_h, spec.interval_h)) {}

CheckpointSchedule::Stretch CheckpointSchedule::stretch(double from, std::int64_t durable,
                                                        double speed) const {
  std::int64_t first = ceil_tolerant(from / interval_h_);
  if (first <= durable) first = durable + 1;
  return {from, first, speed};
}

std::int64_t CheckpointSchedule::stride(double speed) const {
  if (overlap_ != PersistOverlap::kSkip || persist_h_ * speed <= interval_h_) return 1;
  return ceil_tolerant(persist_h_ * speed / interval_h_);
}

double CheckpointSchedule::stall_h(double speed, std::int64_t stride) const {
  if (overlap_ != PersistOverlap::kStall) return 0.0;
  return std::max(0.0, persist_h_ - static_cast<double>(stride) * interval_h_ / speed);
}

std::int64_t CheckpointSchedule::writes(const Stretch& s, std::int64_t stride) const {
  const std::int64_t last = segments_ - 1;
  return s.first > last ? 0 : (last - s.first) / stride + 1;
}

double CheckpointSchedule::checkpoint_time(const Stretch& s) const {
  const std::int64_t k = stride(s.speed);
  const std::int64_t n = writes(s, k);
  if (n == 0) return 0.0;
  return static_cast<double>(n) * write_h_ + static_cast<double>(n - 1) * stall_h(s.speed, k);
}

double CheckpointSchedule::time_to_finish(const Stretch& s) const {
  return (work_h_ - s.from) / s.speed + checkpoint_time(s);
}

CheckpointSchedule::Cut CheckpointSchedule::cut(const Stretch& s, double elapsed_h) const {
  const double v = s.speed;
  const std::int64_t k = stride(v);
  const std::int64_t n = writes(s, k);
  const double first_pos = position(s.first);
  const double lead_h = n > 0 ? (first_pos - s.from) / v : kNoWrites;
  if (elapsed_h < lead_h) {  // computing towards the first boundary (or the end)
    return {std::min(work_h_, s.from + elapsed_h * v), s.from, -1, -1, 0.0, 0.0};
  }
  const double into = elapsed_h - lead_h;
  if (into < write_h_) return {first_pos, first_pos, -1, -1, 0.0, into};  // first write

  // After write 1 the stretch repeats: compute k intervals, stall, write.
  const double compute_h = static_cast<double>(k) * interval_h_ / v;
  const double stall = stall_h(v, k);
  const double cycle = compute_h + stall + write_h_;
  const double after_first = into - write_h_;
  auto j = std::min(n, 1 + static_cast<std::int64_t>(std::floor(after_first / cycle)));
  // Division can round up onto the next boundary; the cut must lie inside the cycle.
  while (j > 1 && static_cast<double>(j - 1) * cycle > after_first) --j;
  const double since_write = after_first - static_cast<double>(j - 1) * cycle;
  const std::int64_t written = s.first + (j - 1) * k;
  const double written_pos = position(written);

  Cut c{};
  c.written = written;
  // A persist takes less than a cycle (stalls and skips see to it), so write j-1 is durable.
  c.durable = since_write >= persist_h_ ? written : (j > 1 ? written - k : -1);
  c.checkpoint_h = static_cast<double>(j) * write_h_ + static_cast<double>(j - 1) * stall;
  if (j == n || since_write < compute_h) {
    const double next = j == n ? work_h_ : position(written + k);
    c.reached = std::min(next, written_pos + since_write * v);
    c.boundary = written_pos;
  } else {  // stalling for the previous persist, or writing the next boundary
    c.reached = position(written + k);
    c.boundary = c.reached;
    c.partial_h = since_write - compute_h;
  }
  return c;
}

}  // namespace goodsim::models
