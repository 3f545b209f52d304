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

// The grid the boundaries sit on: the in-memory interval when multi-level.
double grid_interval(const CheckpointSpec& spec) {
  return spec.memory ? spec.memory->interval_h : spec.interval_h;
}

// Boundaries per persistent checkpoint (the loader checks that the intervals divide).
std::int64_t persistent_ratio(const CheckpointSpec& spec) {
  if (!spec.memory) return 0;
  return std::max<std::int64_t>(1, std::llround(spec.interval_h / spec.memory->interval_h));
}
}  // namespace

CheckpointSchedule::CheckpointSchedule(double work_h, const CheckpointSpec& spec)
    : work_h_(work_h),
      interval_h_(grid_interval(spec) > 0.0 && grid_interval(spec) < work_h ? grid_interval(spec)
                                                                            : work_h),
      write_h_(spec.write_h),
      persist_h_(spec.memory ? 0.0 : spec.persist_h),
      memory_persist_h_(spec.memory ? spec.persist_h : 0.0),
      overlap_(spec.overlap),
      ratio_(persistent_ratio(spec)),
      memory_write_h_(spec.memory ? spec.memory->write_h : spec.write_h),
      blocking_(!spec.memory && !(spec.persist_h > 0.0)),
      segments_(count_segments(work_h, grid_interval(spec))) {}

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

double CheckpointSchedule::writes_h(std::int64_t first, std::int64_t end) const {
  if (end <= first) return 0.0;
  // Multiples of the ratio in [first, end), first >= 1.
  const std::int64_t persistent = (end - 1) / ratio_ - (first - 1) / ratio_;
  return static_cast<double>(end - first - persistent) * memory_write_h_ +
         static_cast<double>(persistent) * write_h_;
}

double CheckpointSchedule::checkpoint_time_general(const Stretch& s) const {
  if (multilevel()) return writes_h(s.first, segments_);
  const std::int64_t k = stride(s.speed);
  const std::int64_t n = writes(s, k);
  if (n == 0) return 0.0;
  return static_cast<double>(n) * write_h_ + static_cast<double>(n - 1) * stall_h(s.speed, k);
}

CheckpointSchedule::Cut CheckpointSchedule::cut_multilevel(const Stretch& s,
                                                           double elapsed_h) const {
  const double v = s.speed;
  const std::int64_t last = segments_ - 1;
  const auto write_start = [&](std::int64_t m) {
    return (position(m) - s.from) / v + writes_h(s.first, m);
  };
  if (s.first > last || elapsed_h < write_start(s.first)) {
    return {std::min(work_h_, s.from + elapsed_h * v), s.from, -1, -1, 0.0, 0.0};
  }
  // The last boundary whose write began by elapsed_h. Write starts grow by an interval plus
  // an average write per boundary, give or take one persistent write: guess from the average,
  // then step to the exact boundary (a step or two).
  const double per_boundary =
      interval_h_ / v +
      (write_h_ + static_cast<double>(ratio_ - 1) * memory_write_h_) / static_cast<double>(ratio_);
  const double guess = std::floor((elapsed_h - write_start(s.first)) / per_boundary);
  std::int64_t m = s.first + static_cast<std::int64_t>(
                                 std::clamp(guess, 0.0, static_cast<double>(last - s.first)));
  while (m < last && write_start(m + 1) <= elapsed_h) ++m;
  while (m > s.first && write_start(m) > elapsed_h) --m;
  const double into = elapsed_h - write_start(m);
  const double write = persistent(m) ? write_h_ : memory_write_h_;
  Cut c{};
  c.boundary = position(m);
  if (into < write) {  // writing boundary m
    c.written = m > s.first ? m - 1 : -1;
    c.reached = position(m);
    c.checkpoint_h = writes_h(s.first, m);
    c.partial_h = into;
  } else {
    c.written = m;
    c.reached = std::min(m == last ? work_h_ : position(m + 1), position(m) + (into - write) * v);
    c.checkpoint_h = writes_h(s.first, m + 1);
  }
  const std::int64_t persistent_m = c.written < 0 ? -1 : c.written / ratio_ * ratio_;
  c.durable = persistent_m >= s.first ? persistent_m : -1;
  // An asynchronous persist makes the newest persistent checkpoint durable `persist` after its
  // write; the one before it is durable by then (the loader keeps persist below the interval).
  if (c.durable >= 0 && elapsed_h < write_start(persistent_m) + write_h_ + memory_persist_h_) {
    c.durable = persistent_m - ratio_ >= s.first ? persistent_m - ratio_ : -1;
  }
  return c;
}

CheckpointSchedule::Cut CheckpointSchedule::cut_blocking(const Stretch& s, double elapsed_h) const {
  const std::int64_t last = segments_ - 1;
  const double lead_h = position(s.first) - s.from;
  if (s.first > last || elapsed_h < lead_h) {
    return {std::min(work_h_, s.from + elapsed_h), s.from, -1, -1, 0.0, 0.0};
  }
  // Cycles of write + interval from the first write on; cycle j begins with boundary first+j.
  const double into = elapsed_h - lead_h;
  const double cycle = interval_h_ + write_h_;
  std::int64_t j = std::min(last - s.first, static_cast<std::int64_t>(into / cycle));
  while (j > 0 && static_cast<double>(j) * cycle > into) --j;  // division may round up
  const double in_cycle = into - static_cast<double>(j) * cycle;
  const std::int64_t m = s.first + j;
  Cut c{};
  c.boundary = position(m);
  if (in_cycle < write_h_) {  // writing boundary m
    c.written = c.durable = m > s.first ? m - 1 : -1;
    c.reached = c.boundary;
    c.checkpoint_h = static_cast<double>(j) * write_h_;
    c.partial_h = in_cycle;
  } else {
    c.written = c.durable = m;
    c.reached = std::min(m == last ? work_h_ : position(m + 1), c.boundary + in_cycle - write_h_);
    c.checkpoint_h = static_cast<double>(j + 1) * write_h_;
  }
  return c;
}

CheckpointSchedule::Cut CheckpointSchedule::cut_general(const Stretch& s, double elapsed_h) const {
  if (multilevel()) return cut_multilevel(s, elapsed_h);
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
  auto j = std::min(n, 1 + static_cast<std::int64_t>(after_first / cycle));  // >= 0: floor
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
