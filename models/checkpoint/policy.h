#pragma once
// Checkpoint policies as plug-ins (docs/model.md, "checkpoint policies").
//
// Checkpoints fall due at boundaries of a grid in progress space (boundary m sits at
// m·interval, the last one before the work ends). A policy says what writing them costs and
// when each becomes durable: `blocking` (model v1: the job waits for the whole write),
// `async` (a short blocking write, then a persist in the background), `multilevel` (frequent
// in-memory checkpoints between persistent ones). Each lives in one file of this folder with
// its reader; registry.cpp lists them by name.
//
// Between two interruptions the job computes one *stretch*: from a progress position, at a
// speed (1 = full size; elastic jobs run slower), writing every boundary it passes. Nothing
// random happens inside a stretch, so where it stands after any elapsed time is arithmetic:
// no event per checkpoint is needed. That arithmetic is what a policy implements.

#include <algorithm>
#include <cstdint>
#include <memory>
#include <string>

#include "models/scenario.h"
#include "sim/config.h"

namespace goodsim::models {

class CheckpointPolicy {
 public:
  virtual ~CheckpointPolicy() = default;

  // Number of segments the work splits into; boundaries 1 .. segments-1 get checkpoints.
  std::int64_t segments() const { return segments_; }
  // Progress between two boundaries (the in-memory interval when multi-level).
  double interval_h() const { return interval_h_; }
  bool multilevel() const { return ratio_ > 0; }
  // Boundary m is on the persistent grid (every boundary when single-level). A multi-level
  // stretch whose persists overlap may skip some (`overlap: skip`, multilevel.cpp).
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
  virtual double checkpoint_time(const Stretch& s) const = 0;

  // Where a stretch stands after `elapsed_h` of wall time.
  struct Cut {
    double reached;        // progress held in memory (a boundary while writing or stalling)
    double boundary;       // progress of the last boundary written or being written, or from
    std::int64_t written;  // last boundary whose write completed, or -1
    std::int64_t durable;  // last boundary durable by then, or -1
    double checkpoint_h;   // completed writes and the persist stalls before them
    double partial_h;      // the write or stall in progress (lost on a rollback)
  };
  virtual Cut cut(const Stretch& s, double elapsed_h) const = 0;

 protected:
  // A grid of boundaries every `grid_h` of progress over `work_h`; with `ratio` > 0, every
  // ratio-th boundary is persistent (multi-level), otherwise every one is.
  CheckpointPolicy(double work_h, double grid_h, std::int64_t ratio);

  // ceil(x) for x >= 0, but x within rounding noise above an integer is that integer. The cast
  // truncates (floor for x >= 0): no libm call on the per-failure path.
  static std::int64_t ceil_tolerant(double x) {
    const double y = x - 1e-9 * (x > 1.0 ? x : 1.0);
    const auto t = static_cast<std::int64_t>(y);
    return static_cast<double>(t) < y ? t + 1 : t;
  }
  // Computing towards the stretch's first write (or the end of the work): nothing written.
  Cut computing(const Stretch& s, double elapsed_h) const {
    return {std::min(work_h_, s.from + elapsed_h * s.speed), s.from, -1, -1, 0.0, 0.0};
  }
  double work_h() const { return work_h_; }
  std::int64_t ratio() const { return ratio_; }

 private:
  double work_h_;
  double interval_h_;
  std::int64_t ratio_;  // multi-level: boundaries per persistent checkpoint; 0 = single-level
  std::int64_t segments_;
};

// A policy's registration: its name, and how to read, check, instantiate and describe it.
struct CheckpointPolicyEntry {
  const char* name;
  const char* summary;  // one line for error messages and --help
  // Reads the policy's own keys of `checkpoint:` into `spec` (after interval, write and
  // persist). Every policy's keys may be present: a sweep over checkpoint.policy needs them.
  void (*read)(sim::MapReader& checkpoint, CheckpointSpec& spec, std::int64_t nodes);
  // The keys given ask for this policy when `policy:` is absent.
  bool (*implied)(const CheckpointSpec& spec);
  // Checks that `spec` has what the policy needs, and drops what it does not use, so that
  // the rest of the simulator sees only the chosen policy's parameters. `section` is the
  // checkpoint section, for errors at its keys.
  void (*adopt)(const sim::ConfigNode& section, CheckpointSpec& spec);
  // One schedule over `work_h` of progress.
  std::unique_ptr<const CheckpointPolicy> (*make)(double work_h, const CheckpointSpec& spec);
  // The scenario report's words after "every <interval>, write <write>" (ends with "\n").
  std::string (*describe)(const CheckpointSpec& spec);
};

// The registered policy named by `spec.policy`, or the one its keys imply when it is empty
// (a spec built in code); throws std::logic_error for an unregistered name.
const CheckpointPolicyEntry& find_checkpoint_policy(const CheckpointSpec& spec);
std::unique_ptr<const CheckpointPolicy> make_checkpoint_policy(double work_h,
                                                               const CheckpointSpec& spec);

// `node` may be null (no checkpoint section: no checkpoints).
CheckpointSpec read_checkpoint(const sim::ConfigNode* node, double system_mtbf_h,
                               std::int64_t nodes);

}  // namespace goodsim::models
