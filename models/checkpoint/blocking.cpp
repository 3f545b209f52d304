// Blocking checkpoints (`checkpoint.policy: blocking`, model v1, docs/model.md): after each
// interval of progress the job is blocked for `write`; a checkpoint is durable when its write
// ends, and a failure during the write loses it. The asynchronous policy with no persist
// (async.h), with model v1's hot path at full speed in plain cycle arithmetic.

#include <algorithm>
#include <string>

#include "models/checkpoint/async.h"

namespace goodsim::models {

namespace {

CheckpointSpec without_persist(CheckpointSpec spec) {
  spec.persist_h = 0.0;
  return spec;
}

class BlockingCheckpoints final : public AsyncCheckpoints {
 public:
  BlockingCheckpoints(double work_h, const CheckpointSpec& spec)
      : AsyncCheckpoints(work_h, without_persist(spec)) {}

  double checkpoint_time(const Stretch& s) const override {
    return s.first < segments() ? static_cast<double>(segments() - s.first) * write_h() : 0.0;
  }

  Cut cut(const Stretch& s, double elapsed_h) const override {
    if (s.speed != 1.0) return AsyncCheckpoints::cut(s, elapsed_h);
    const std::int64_t last = segments() - 1;
    const double lead_h = position(s.first) - s.from;
    if (s.first > last || elapsed_h < lead_h) return computing(s, elapsed_h);
    // Cycles of write + interval from the first write on; cycle j begins with boundary first+j.
    const double into = elapsed_h - lead_h;
    const double cycle = interval_h() + write_h();
    std::int64_t j = std::min(last - s.first, static_cast<std::int64_t>(into / cycle));
    while (j > 0 && static_cast<double>(j) * cycle > into) --j;  // division may round up
    const double in_cycle = into - static_cast<double>(j) * cycle;
    const std::int64_t m = s.first + j;
    Cut c{};
    c.boundary = position(m);
    if (in_cycle < write_h()) {  // writing boundary m
      c.written = c.durable = m > s.first ? m - 1 : -1;
      c.reached = c.boundary;
      c.checkpoint_h = static_cast<double>(j) * write_h();
      c.partial_h = in_cycle;
    } else {
      c.written = c.durable = m;
      c.reached =
          std::min(m == last ? work_h() : position(m + 1), c.boundary + in_cycle - write_h());
      c.checkpoint_h = static_cast<double>(j + 1) * write_h();
    }
    return c;
  }
};

bool implied(const CheckpointSpec&) {
  return true;
}  // the default: the others need keys

// `persist` and `memory` may be present for a sweep over checkpoint.policy: a blocking
// checkpoint is durable when its write ends, and there is no in-memory level.
void adopt(const sim::ConfigNode&, CheckpointSpec& spec) {
  spec.persist_h = 0.0;
  spec.memory.reset();
}

std::unique_ptr<const CheckpointPolicy> make(double work_h, const CheckpointSpec& spec) {
  return std::make_unique<BlockingCheckpoints>(work_h, spec);
}

std::string describe(const CheckpointSpec&) {
  return " (blocking)\n";
}

}  // namespace

extern const CheckpointPolicyEntry kBlockingCheckpoints = {
    .name = "blocking",
    .summary = "the job waits for each write; durable when the write ends",
    .read = nullptr,
    .implied = implied,
    .adopt = adopt,
    .make = make,
    .describe = describe,
};

}  // namespace goodsim::models
