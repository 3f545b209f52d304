// Weibull time to failure per node: shape k < 1 is the decreasing hazard seen in HPC fleets
// (Schroeder & Gibson, DSN 2006), k = 1 is exponential. `node_mtbf` is the mean; the scale
// is node_mtbf / Gamma(1 + 1/k). A node's clock starts when it enters a slot and runs on
// across job restarts; a repaired node comes back as new.
//
// Cost stays proportional to failures, not nodes: the nodes present at t = 0 form a cohort
// whose failure times are generated in increasing order, lazily, from Renyi's representation
// of exponential order statistics on the cumulative-hazard scale H(t) = (t / scale)^k:
// E_(i+1) = E_(i) + Exp(1) / (n - i), T_(i) = scale * E_(i)^(1/k). Only replacement nodes
// get a clock of their own, kept in a min-heap.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <unordered_map>
#include <vector>

#include "models/config_values.h"
#include "models/failure/failure_clock.h"
#include "sim/time_heap.h"

namespace goodsim::models {

namespace {

constexpr double kNever = std::numeric_limits<double>::infinity();

class WeibullClock final : public FailureClock {
 public:
  WeibullClock(double scale, double shape, std::int64_t nodes, sim::RandomStream& rng,
               sim::PickStream* member_picks)
      : scale_(scale),
        inv_shape_(1.0 / shape),
        unit_shape_(shape == 1.0),
        nodes_(nodes),
        cohort_left_(nodes),
        rng_(rng),
        picks_(member_picks) {
    if (picks_) {
      members_.resize(static_cast<std::size_t>(nodes));
      member_at_.resize(static_cast<std::size_t>(nodes));
      for (std::int64_t i = 0; i < nodes; ++i) {
        members_[static_cast<std::size_t>(i)] = i;
        member_at_[static_cast<std::size_t>(i)] = i;
      }
      replaced_at_.assign(static_cast<std::size_t>(nodes), kNever);
    }
    advance_cohort();
  }

  double next_failure() const override {
    return replacements_.empty() ? cohort_next_ : std::min(cohort_next_, replacements_.earliest());
  }

  void take_failure() override {
    if (!replacements_.empty() && replacements_.earliest() < cohort_next_) {
      if (picks_) {
        const auto it = slot_of_.find(replacements_.earliest());
        replaced_at_[static_cast<std::size_t>(it->second)] = kNever;
        slot_of_.erase(it);
      }
      replacements_.pop_earliest();
      if (picks_) drop_stale_replacements();
    } else {
      if (picks_) remove_member(cohort_pick_);
      --cohort_left_;
      advance_cohort();
    }
    // Every clock belongs to a node in a slot: nothing is void.
  }

  bool pins_slots() const override { return picks_ != nullptr; }
  std::int64_t next_slot() const override {
    if (!replacements_.empty() && replacements_.earliest() < cohort_next_) {
      return replacement_slot();
    }
    return members_[static_cast<std::size_t>(cohort_pick_)];
  }

  void nodes_entered(double t, std::int64_t count) override {
    if (holds_none()) return start_cohort(t, count);
    for (std::int64_t i = 0; i < count; ++i) {
      replacements_.push(t + time_at(rng_.exponential(1.0)));
    }
  }

  void nodes_entered(double t, std::span<const std::int64_t> slots) override {
    if (!picks_) return nodes_entered(t, static_cast<std::int64_t>(slots.size()));
    if (holds_none() && static_cast<std::int64_t>(slots.size()) == nodes_) {
      // A fresh node set (requeue): one cohort again, its clocks starting at t.
      for (const std::int64_t slot : slots) add_member(slot);
      return start_cohort(t, static_cast<std::int64_t>(slots.size()));
    }
    for (const std::int64_t slot : slots) {
      const double at = t + time_at(rng_.exponential(1.0));
      replaced_at_[static_cast<std::size_t>(slot)] = at;
      replacements_.push(at);
      slot_of_[at] = slot;
    }
  }

  // A cohort member leaving: the rest of the cohort is exchangeable and memoryless on the
  // hazard scale, so its next failure is drawn afresh from the hazard reached at t.
  void node_left(double t, std::int64_t slot) override {
    const auto i = static_cast<std::size_t>(slot);
    if (replaced_at_[i] != kNever) {
      replaced_at_[i] = kNever;  // its heap entry is dropped when it surfaces
      drop_stale_replacements();
      return;
    }
    if (member_at_[i] < 0) return;
    remove_member(member_at_[i]);
    --cohort_left_;
    hazard_ = hazard_at(t);
    advance_cohort();
  }

  void all_left() override {
    cohort_left_ = 0;
    cohort_next_ = kNever;
    replacements_ = sim::TimeHeap();
    if (!picks_) return;
    members_.clear();
    std::fill(member_at_.begin(), member_at_.end(), -1);
    std::fill(replaced_at_.begin(), replaced_at_.end(), kNever);
    slot_of_.clear();
  }

 private:
  bool holds_none() const { return cohort_left_ == 0 && replacements_.empty(); }

  void start_cohort(double t, std::int64_t count) {
    cohort_start_ = t;
    cohort_left_ = count;
    hazard_ = 0.0;
    advance_cohort();
  }

  void advance_cohort() {
    if (cohort_left_ <= 0) {
      cohort_next_ = kNever;
      return;
    }
    hazard_ += rng_.exponential(1.0) / static_cast<double>(cohort_left_);
    cohort_next_ = cohort_start_ + time_at(hazard_);
    if (picks_) {  // which member: uniform, independent of the time
      cohort_pick_ = std::min(
          static_cast<std::int64_t>(picks_->uniform() * static_cast<double>(members_.size())),
          static_cast<std::int64_t>(members_.size()) - 1);
    }
  }

  // Age at which the cumulative hazard reaches `hazard`. Shape 1 skips `pow` (a third of a
  // failure's cost), which returns its argument unchanged for the exponent 1 anyway.
  double time_at(double hazard) const {
    return unit_shape_ ? scale_ * hazard : scale_ * std::pow(hazard, inv_shape_);
  }
  double hazard_at(double t) const {
    const double age = (t - cohort_start_) / scale_;
    return unit_shape_ ? age : std::pow(age, 1.0 / inv_shape_);
  }

  std::int64_t replacement_slot() const { return slot_of_.at(replacements_.earliest()); }
  // Entries of nodes that left without failing surface here and are dropped.
  void drop_stale_replacements() {
    while (!replacements_.empty()) {
      const double at = replacements_.earliest();
      const auto it = slot_of_.find(at);
      if (replaced_at_[static_cast<std::size_t>(it->second)] == at) return;
      slot_of_.erase(it);
      replacements_.pop_earliest();
    }
  }

  void add_member(std::int64_t slot) {
    member_at_[static_cast<std::size_t>(slot)] = static_cast<std::int64_t>(members_.size());
    members_.push_back(slot);
  }
  void remove_member(std::int64_t at) {
    const std::int64_t slot = members_[static_cast<std::size_t>(at)];
    const std::int64_t last = members_.back();
    members_[static_cast<std::size_t>(at)] = last;
    member_at_[static_cast<std::size_t>(last)] = at;
    members_.pop_back();
    member_at_[static_cast<std::size_t>(slot)] = -1;
  }

  double scale_;
  double inv_shape_;
  bool unit_shape_;  // shape 1: the exponential lifetime, H(t) = t / scale
  std::int64_t nodes_;
  std::int64_t cohort_left_;
  double cohort_start_ = 0.0;  // the cohort's clocks started then (a requeue starts a new one)
  double hazard_ = 0.0;
  double cohort_next_ = kNever;
  sim::TimeHeap replacements_;  // failure times of the nodes that entered later
  sim::RandomStream& rng_;
  // Slots tracked (member_picks given): the cohort's slots, each slot's place among them (-1:
  // not a member), the failure time of a replacement in each slot (kNever: none), the slot of
  // each replacement time in the heap, and the member whose failure is next.
  sim::PickStream* picks_;
  std::vector<std::int64_t> members_;
  std::vector<std::int64_t> member_at_;
  std::vector<double> replaced_at_;
  std::unordered_map<double, std::int64_t> slot_of_;
  std::int64_t cohort_pick_ = 0;
};

}  // namespace

std::unique_ptr<FailureClock> make_weibull_clock(const FailureSpec& spec, std::int64_t nodes,
                                                 sim::RandomStream& rng,
                                                 sim::PickStream* member_picks) {
  const double scale = spec.node_mtbf_h / std::tgamma(1.0 + 1.0 / spec.weibull_shape);
  return std::make_unique<WeibullClock>(scale, spec.weibull_shape, nodes, rng, member_picks);
}

void read_weibull_failure(sim::MapReader& r, FailureSpec& spec, TraceCache&) {
  const sim::ConfigNode& shape = r.required("shape");
  spec.weibull_shape = shape.as_double();
  if (!(spec.weibull_shape >= config::kMinWeibullShape &&
        spec.weibull_shape <= config::kMaxWeibullShape)) {
    throw shape.error(
        "expected a shape from 0.05 to 50 (< 1: decreasing hazard; below 0.05 the failure "
        "times span hundreds of orders of magnitude and no longer fit the simulation clock), "
        "got " +
        shape.describe());
  }
}

}  // namespace goodsim::models
