// Multi-level checkpoints (`checkpoint.policy: multilevel`, Gemini-style, docs/model.md).
// Boundaries sit on the in-memory grid (`checkpoint.memory.interval`); every k-th one,
// k = interval / memory.interval, is persistent and costs `write`, the others `memory.write`.
// A persistent checkpoint may persist in the background for `persist` after its write
// (shorter than the interval: no overlap). A cut's `written` is the last boundary of either
// level, `durable` the last persistent one whose persist completed. Which in-memory copies
// survive a failure is the ledger's (models/checkpoint/ledger.h, memory_level.h).

#include <algorithm>
#include <cmath>
#include <string>

#include "models/checkpoint/memory_level.h"
#include "models/checkpoint/policy.h"
#include "sim/format.h"

namespace goodsim::models {

namespace {

// Boundaries per persistent checkpoint (the reader checks that the intervals divide).
std::int64_t persistent_ratio(const CheckpointSpec& spec) {
  return std::max<std::int64_t>(1, std::llround(spec.interval_h / spec.memory->interval_h));
}

class MultiLevelCheckpoints final : public CheckpointPolicy {
 public:
  MultiLevelCheckpoints(double work_h, const CheckpointSpec& spec)
      : CheckpointPolicy(work_h, spec.memory->interval_h, persistent_ratio(spec)),
        write_h_(spec.write_h),
        persist_h_(spec.persist_h),
        memory_write_h_(spec.memory->write_h) {}

  double checkpoint_time(const Stretch& s) const override { return writes_h(s.first, segments()); }

  Cut cut(const Stretch& s, double elapsed_h) const override {
    const double v = s.speed;
    const std::int64_t last = segments() - 1;
    const std::int64_t k = ratio();
    const auto write_start = [&](std::int64_t m) {
      return (position(m) - s.from) / v + writes_h(s.first, m);
    };
    if (s.first > last || elapsed_h < write_start(s.first)) return computing(s, elapsed_h);
    // The last boundary whose write began by elapsed_h. Write starts grow by an interval plus
    // an average write per boundary, give or take one persistent write: guess from the
    // average, then step to the exact boundary (a step or two).
    const double per_boundary =
        interval_h() / v +
        (write_h_ + static_cast<double>(k - 1) * memory_write_h_) / static_cast<double>(k);
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
      c.reached =
          std::min(m == last ? work_h() : position(m + 1), position(m) + (into - write) * v);
      c.checkpoint_h = writes_h(s.first, m + 1);
    }
    const std::int64_t persistent_m = c.written < 0 ? -1 : c.written / k * k;
    c.durable = persistent_m >= s.first ? persistent_m : -1;
    // An asynchronous persist makes the newest persistent checkpoint durable `persist` after
    // its write; the one before it is durable by then (persist is below the interval).
    if (c.durable >= 0 && elapsed_h < write_start(persistent_m) + write_h_ + persist_h_) {
      c.durable = persistent_m - k >= s.first ? persistent_m - k : -1;
    }
    return c;
  }

 private:
  // Write time of boundaries first .. end-1 (write times differ between the levels, so the
  // single-level cycle arithmetic does not apply).
  double writes_h(std::int64_t first, std::int64_t end) const {
    if (end <= first) return 0.0;
    // Multiples of the ratio in [first, end), first >= 1.
    const std::int64_t persistent = (end - 1) / ratio() - (first - 1) / ratio();
    return static_cast<double>(end - first - persistent) * memory_write_h_ +
           static_cast<double>(persistent) * write_h_;
  }

  double write_h_;
  double persist_h_;  // the persistent checkpoints' background persist
  double memory_write_h_;
};

void read(sim::MapReader& checkpoint, CheckpointSpec& spec, std::int64_t nodes) {
  if (const sim::ConfigNode* m = checkpoint.optional("memory")) {
    spec.memory = read_memory_level(*m, spec, nodes);
  }
}

bool implied(const CheckpointSpec& spec) {
  return spec.memory.has_value();
}

void adopt(const sim::ConfigNode& section, CheckpointSpec& spec) {
  if (!spec.memory) {
    const sim::ConfigNode* where = sim::find_path(section, "policy");
    throw(where ? where : &section)
        ->error(
            "policy 'multilevel' needs checkpoint.memory: the in-memory level between "
            "persistent checkpoints, e.g. {interval: 10min, write: 2s, load: 1min, copies: 2}");
  }
  // Multi-level persists do not overlap: the next persistent write starts after the previous
  // persist, as on any real system whose persist is shorter than the interval. (`auto`
  // searches only the multiples of memory.interval longer than the persist.)
  if (!spec.interval_auto && !(spec.persist_h < spec.interval_h)) {
    throw sim::find_path(section, "persist")
        ->error("checkpoint.persist (" + sim::human_duration(spec.persist_h) +
                ") must be shorter than checkpoint.interval (" +
                sim::human_duration(spec.interval_h) +
                ") with checkpoint.memory: each persistent checkpoint finishes persisting "
                "before the next one is written");
  }
}

std::unique_ptr<const CheckpointPolicy> make(double work_h, const CheckpointSpec& spec) {
  return std::make_unique<MultiLevelCheckpoints>(work_h, spec);
}

std::string describe(const CheckpointSpec& spec) {
  std::string out = spec.persist_h > 0.0
                        ? " blocking + persist " + sim::human_duration(spec.persist_h) +
                              " in the background (done before the next "
                              "persistent write)\n"
                        : " (blocking)\n";
  const MemoryLevelSpec& m = *spec.memory;
  return out + "           in memory every " + sim::human_duration(m.interval_h) + ", write " +
         sim::human_duration(m.write_h) + ", on groups of " + std::to_string(m.copies) +
         " nodes; restore from peers " + sim::human_duration(m.load_h) +
         " (the persistent checkpoint when a group lost every copy)\n";
}

}  // namespace

extern const CheckpointPolicyEntry kMultiLevelCheckpoints = {
    .name = "multilevel",
    .summary = "in-memory checkpoints on peers between persistent ones (checkpoint.memory)",
    .read = read,
    .implied = implied,
    .adopt = adopt,
    .make = make,
    .describe = describe,
};

}  // namespace goodsim::models
