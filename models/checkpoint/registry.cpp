// The registered checkpoint policies, and the reader of the `checkpoint:` section. Adding a
// policy: a file in this folder defining its CheckpointPolicyEntry, and one line in the table
// below.

#include <array>
#include <cmath>
#include <stdexcept>
#include <string>

#include "models/checkpoint/policy.h"
#include "models/config_values.h"
#include "models/daly.h"

namespace goodsim::models {

extern const CheckpointPolicyEntry kBlockingCheckpoints;    // blocking.cpp
extern const CheckpointPolicyEntry kAsyncCheckpoints;       // async.cpp
extern const CheckpointPolicyEntry kMultiLevelCheckpoints;  // multilevel.cpp

namespace {

// Without `policy:`, the last entry whose keys are present is chosen: later entries are the
// more specific ones (blocking is implied by any section).
const std::array<const CheckpointPolicyEntry*, 3> kPolicies = {
    &kBlockingCheckpoints,
    &kAsyncCheckpoints,
    &kMultiLevelCheckpoints,
};

std::string names() {
  std::string out;
  for (const CheckpointPolicyEntry* e : kPolicies) {
    out += (out.empty() ? "" : ", ") + std::string(e->name) + " (" + e->summary + ")";
  }
  return out;
}

const CheckpointPolicyEntry* lookup(const std::string& name) {
  for (const CheckpointPolicyEntry* e : kPolicies) {
    if (name == e->name) return e;
  }
  return nullptr;
}

const CheckpointPolicyEntry& implied_by(const CheckpointSpec& spec) {
  const CheckpointPolicyEntry* chosen = kPolicies.front();
  for (const CheckpointPolicyEntry* e : kPolicies) {
    if (e->implied(spec)) chosen = e;
  }
  return *chosen;
}

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

CheckpointPolicy::CheckpointPolicy(double work_h, double grid_h, std::int64_t ratio)
    : work_h_(work_h),
      interval_h_(grid_h > 0.0 && grid_h < work_h ? grid_h : work_h),
      ratio_(ratio),
      segments_(count_segments(work_h, grid_h)) {}

const CheckpointPolicyEntry& find_checkpoint_policy(const CheckpointSpec& spec) {
  if (spec.policy.empty()) return implied_by(spec);
  if (const CheckpointPolicyEntry* e = lookup(spec.policy)) return *e;
  throw std::logic_error("unregistered checkpoint policy '" + spec.policy + "'");
}

std::unique_ptr<const CheckpointPolicy> make_checkpoint_policy(double work_h,
                                                               const CheckpointSpec& spec) {
  return find_checkpoint_policy(spec).make(work_h, spec);
}

CheckpointSpec read_checkpoint(const sim::ConfigNode* n, double system_mtbf_h, std::int64_t nodes) {
  CheckpointSpec c;
  if (!n) return c;  // no checkpoints: every failure restarts the job from scratch
  sim::MapReader r(*n);
  const sim::ConfigNode* policy = r.optional("policy");
  c.write_h = config::optional_hours(r, "write", 0.0);
  if (const sim::ConfigNode* i = r.optional("interval")) {
    if (i->is_scalar() && i->scalar() == "auto") {
      if (!(c.write_h > 0.0)) {
        throw i->error(
            "interval 'auto' needs a checkpoint write time > 0 (key 'checkpoint.write')");
      }
      c.interval_auto = true;
      c.interval_h = daly::exact_optimal_interval(system_mtbf_h, c.write_h);
    } else {
      const double h = i->as_hours();
      if (!(h >= 0.0)) {
        throw i->error("expected a duration >= 0 (0 = no checkpoints) or 'auto', got " +
                       i->describe());
      }
      // Under 1 s the number of checkpoints (work / interval) can overflow an int64.
      if (h > 0.0 && h < config::kMinIntervalH) {
        throw i->error("expected 0 (no checkpoints) or a duration of at least 1 s, got " +
                       i->describe());
      }
      c.interval_h = h;
    }
  }
  c.persist_h = config::optional_hours(r, "persist", 0.0);
  for (const CheckpointPolicyEntry* e : kPolicies) {
    if (e->read) e->read(r, c, nodes);
  }
  r.finish();
  const CheckpointPolicyEntry* chosen = &implied_by(c);
  if (policy) {
    chosen = lookup(policy->as_string());
    if (!chosen) {
      throw policy->error("unknown checkpoint policy " + policy->describe() +
                          "; supported: " + names());
    }
  }
  c.policy = chosen->name;
  chosen->adopt(*n, c);
  return c;
}

}  // namespace goodsim::models
