// Multi-level checkpoints (`checkpoint.policy: multilevel`, Gemini-style, docs/model.md).
// Boundaries sit on the in-memory grid (`checkpoint.memory.interval`); every k-th one,
// k = interval / memory.interval, is persistent and costs `write`, the others `memory.write`.
// A persistent checkpoint may persist in the background for `persist` after its write; when
// the next persistent one falls due first, `overlap` decides (stall, or skip to in-memory). A cut's
// `written` is the last boundary of either level, `durable` the last persistent one whose persist
// completed. Which in-memory copies survive a failure is the ledger's (models/checkpoint/ledger.h,
// memory_level.h).

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
        overlap_(spec.overlap),
        memory_write_h_(spec.memory->write_h) {}

  double checkpoint_time(const Stretch& s) const override {
    return writes_h(layout(s), s.first, segments());
  }

  Cut cut(const Stretch& s, double elapsed_h) const override {
    const double v = s.speed;
    const std::int64_t last = segments() - 1;
    const Layout l = layout(s);
    const auto write_start = [&](std::int64_t m) {
      return (position(m) - s.from) / v + writes_h(l, s.first, m);
    };
    // The write of boundary m, with the stall for the previous persist before it.
    const auto write_h = [&](std::int64_t m) {
      if (!l.persistent(m)) return memory_write_h_;
      return m > l.first ? write_h_ + l.stall_h : write_h_;
    };
    if (s.first > last || elapsed_h < write_start(s.first)) return computing(s, elapsed_h);
    // The last boundary whose write began by elapsed_h. Write starts grow by an interval plus
    // an average write per boundary, give or take one persistent write: guess from the
    // average, then step to the exact boundary (a step or two).
    const double per_boundary =
        interval_h() / v +
        (write_h_ + l.stall_h + static_cast<double>(l.step - 1) * memory_write_h_) /
            static_cast<double>(l.step);
    const double guess = std::floor((elapsed_h - write_start(s.first)) / per_boundary);
    std::int64_t m = s.first + static_cast<std::int64_t>(
                                   std::clamp(guess, 0.0, static_cast<double>(last - s.first)));
    while (m < last && write_start(m + 1) <= elapsed_h) ++m;
    while (m > s.first && write_start(m) > elapsed_h) --m;
    const double into = elapsed_h - write_start(m);
    const double write = write_h(m);
    Cut c{};
    c.boundary = position(m);
    if (into < write) {  // writing boundary m (or stalling before it)
      c.written = m > s.first ? m - 1 : -1;
      c.reached = position(m);
      c.checkpoint_h = writes_h(l, s.first, m);
      c.partial_h = into;
    } else {
      c.written = m;
      c.reached =
          std::min(m == last ? work_h() : position(m + 1), position(m) + (into - write) * v);
      c.checkpoint_h = writes_h(l, s.first, m + 1);
    }
    // The newest persistent checkpoint written; an asynchronous persist makes it durable
    // `persist` after its write. The one before it is durable by then: its persist ended
    // before this write began (the stall or the skipped boundaries see to it).
    if (c.written < l.first) {
      c.durable = -1;
      return c;
    }
    const std::int64_t newest = l.first + (c.written - l.first) / l.step * l.step;
    c.durable = newest;
    if (elapsed_h < write_start(newest) + write_h(newest) + persist_h_) {
      c.durable = newest > l.first ? newest - l.step : -1;
    }
    return c;
  }

 private:
  // Where a stretch's persistent checkpoints fall: from the first multiple of the ratio it
  // writes, every `step` boundaries. With a persist longer than the wall time between two
  // persistent writes, `overlap: stall` delays each but the stretch's first until the
  // previous persist is done; `overlap: skip` makes the persistent checkpoints that fall due
  // meanwhile in-memory ones (the step is then a multiple of the ratio).
  struct Layout {
    std::int64_t first;    // the stretch's first persistent boundary
    std::int64_t step;     // boundaries between two persistent ones
    double stall_h = 0.0;  // before each persistent write but the first
    bool persistent(std::int64_t m) const { return m >= first && (m - first) % step == 0; }
  };
  Layout layout(const Stretch& s) const {
    const std::int64_t k = ratio();
    Layout l{(s.first + k - 1) / k * k, k};
    // Wall time from the end of a persistent write to the start of the next, `step` ahead.
    const auto gap = [&](std::int64_t step) {
      return static_cast<double>(step) * interval_h() / s.speed +
             static_cast<double>(step - 1) * memory_write_h_;
    };
    if (!(persist_h_ > gap(k))) return l;
    if (overlap_ == PersistOverlap::kStall) {
      l.stall_h = persist_h_ - gap(k);
    } else {
      while (gap(l.step) < persist_h_) l.step += k;
    }
    return l;
  }

  // Write time of boundaries first .. end-1, stalls included (write times differ between the
  // levels, so the single-level cycle arithmetic does not apply).
  double writes_h(const Layout& l, std::int64_t first, std::int64_t end) const {
    if (end <= first) return 0.0;
    const std::int64_t persistent = end > l.first ? (end - 1 - l.first) / l.step + 1 : 0;
    const double h = static_cast<double>(end - first - persistent) * memory_write_h_ +
                     static_cast<double>(persistent) * write_h_;
    return l.stall_h > 0.0 && persistent > 1 ? h + static_cast<double>(persistent - 1) * l.stall_h
                                             : h;
  }

  double write_h_;
  double persist_h_;  // the persistent checkpoints' background persist
  PersistOverlap overlap_;
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
}

std::unique_ptr<const CheckpointPolicy> make(double work_h, const CheckpointSpec& spec) {
  return std::make_unique<MultiLevelCheckpoints>(work_h, spec);
}

std::string describe(const CheckpointSpec& spec) {
  std::string out = " (blocking)\n";
  if (spec.persist_h > 0.0) {
    out = " blocking + persist " + sim::human_duration(spec.persist_h) + " in the background (";
    if (spec.interval_auto || spec.persist_h < spec.interval_h) {
      out += "done before the next persistent write)\n";
    } else {
      out += spec.overlap == PersistOverlap::kStall ? "stall" : "skip to an in-memory one";
      out += " when the next persistent one is due first)\n";
    }
  }
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
