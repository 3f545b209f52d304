// Asynchronous checkpoints: the single-level cycle arithmetic (async.h), and the policy's
// registration.

#include "models/checkpoint/async.h"

#include <algorithm>
#include <string>

#include "sim/format.h"

namespace goodsim::models {

AsyncCheckpoints::AsyncCheckpoints(double work_h, const CheckpointSpec& spec)
    : CheckpointPolicy(work_h, spec.interval_h, 0),
      write_h_(spec.write_h),
      persist_h_(spec.persist_h),
      overlap_(spec.overlap) {}

std::int64_t AsyncCheckpoints::stride(double speed) const {
  if (overlap_ != PersistOverlap::kSkip || persist_h_ * speed <= interval_h()) return 1;
  return ceil_tolerant(persist_h_ * speed / interval_h());
}

double AsyncCheckpoints::stall_h(double speed, std::int64_t stride) const {
  if (overlap_ != PersistOverlap::kStall) return 0.0;
  return std::max(0.0, persist_h_ - static_cast<double>(stride) * interval_h() / speed);
}

std::int64_t AsyncCheckpoints::writes(const Stretch& s, std::int64_t stride) const {
  const std::int64_t last = segments() - 1;
  return s.first > last ? 0 : (last - s.first) / stride + 1;
}

double AsyncCheckpoints::checkpoint_time(const Stretch& s) const {
  const std::int64_t k = stride(s.speed);
  const std::int64_t n = writes(s, k);
  if (n == 0) return 0.0;
  return static_cast<double>(n) * write_h_ + static_cast<double>(n - 1) * stall_h(s.speed, k);
}

AsyncCheckpoints::Cut AsyncCheckpoints::cut(const Stretch& s, double elapsed_h) const {
  const double v = s.speed;
  const std::int64_t k = stride(v);
  const std::int64_t n = writes(s, k);
  const double first_pos = position(s.first);
  const double lead_h = n > 0 ? (first_pos - s.from) / v : kNoWrites;
  if (elapsed_h < lead_h) return computing(s, elapsed_h);
  const double into = elapsed_h - lead_h;
  if (into < write_h_) return {first_pos, first_pos, -1, -1, 0.0, into};  // first write

  // After write 1 the stretch repeats: compute k intervals, stall, write.
  const double compute_h = static_cast<double>(k) * interval_h() / v;
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
    const double next = j == n ? work_h() : position(written + k);
    c.reached = std::min(next, written_pos + since_write * v);
    c.boundary = written_pos;
  } else {  // stalling for the previous persist, or writing the next boundary
    c.reached = position(written + k);
    c.boundary = c.reached;
    c.partial_h = since_write - compute_h;
  }
  return c;
}

namespace {

void read(sim::MapReader& checkpoint, CheckpointSpec& spec, std::int64_t) {
  const sim::ConfigNode* o = checkpoint.optional("overlap");
  if (!o) return;
  const std::string v = o->as_string();
  if (v == "stall") {
    spec.overlap = PersistOverlap::kStall;
  } else if (v == "skip") {
    spec.overlap = PersistOverlap::kSkip;
  } else {
    throw o->error("unknown overlap " + o->describe() +
                   "; supported: stall (block until the persist is done), skip (skip the "
                   "checkpoint that falls due)");
  }
}

bool implied(const CheckpointSpec& spec) {
  return spec.persist_h > 0.0;
}

// `persist: 0` is allowed: it is exactly the blocking policy (a sweep over persist may start
// there).
void adopt(const sim::ConfigNode&, CheckpointSpec& spec) {
  spec.memory.reset();
}

std::unique_ptr<const CheckpointPolicy> make(double work_h, const CheckpointSpec& spec) {
  return std::make_unique<AsyncCheckpoints>(work_h, spec);
}

std::string describe(const CheckpointSpec& spec) {
  if (!(spec.persist_h > 0.0)) return " (blocking: async with no persist)\n";
  return " blocking + persist " + sim::human_duration(spec.persist_h) + " in the background (" +
         (spec.overlap == PersistOverlap::kStall ? "stall" : "skip") +
         " when the next is due first)\n";
}

}  // namespace

extern const CheckpointPolicyEntry kAsyncCheckpoints = {
    .name = "async",
    .summary = "a short blocking write, then a persist in the background (checkpoint.persist)",
    .read = read,
    .implied = implied,
    .adopt = adopt,
    .make = make,
    .describe = describe,
};

}  // namespace goodsim::models
