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
#include <vector>

#include "models/failure/failure_clock.h"

namespace goodsim::models {

namespace {

constexpr double kNever = std::numeric_limits<double>::infinity();

// Min-heap of failure times, 4-ary: half the levels of a binary heap, and the four children of
// a node are adjacent in memory. Failure times arrive in random order, so a branch on which
// child is least would mispredict about half the time (std::pop_heap does, once per level);
// here the least of four is picked with comparisons folded into indices.
class FailureTimes {
 public:
  bool empty() const { return times_.empty(); }
  double earliest() const { return times_.front(); }

  void push(double t) {
    times_.push_back(t);
    sift_up(times_.size() - 1, t);
  }

  // Removes the earliest time: the hole at the root sinks along least children to a leaf
  // (Floyd), then the last time fills it from there; it is late, so it rarely climbs.
  void pop_earliest() {
    const double last = times_.back();
    times_.pop_back();
    if (times_.empty()) return;
    sift_up(sink_hole(), last);
  }

 private:
  static constexpr std::size_t kArity = 4;

  // Moves the hole at the root down to a leaf; returns its final index.
  std::size_t sink_hole() {
    const std::size_t n = times_.size();
    std::size_t hole = 0;
    for (std::size_t first = 1; first < n; first = kArity * hole + 1) {
      const std::size_t least = first + kArity <= n ? least_of_four(first) : least_of_few(first, n);
      times_[hole] = times_[least];
      hole = least;
    }
    return hole;
  }

  std::size_t least_of_four(std::size_t first) const {
    const double* c = &times_[first];
    const std::size_t a = first + static_cast<std::size_t>(c[1] < c[0]);
    const std::size_t b = first + 2 + static_cast<std::size_t>(c[3] < c[2]);
    return times_[b] < times_[a] ? b : a;
  }

  std::size_t least_of_few(std::size_t first, std::size_t n) const {
    std::size_t least = first;
    for (std::size_t i = first + 1; i < n; ++i) {
      if (times_[i] < times_[least]) least = i;
    }
    return least;
  }

  void sift_up(std::size_t hole, double t) {
    while (hole > 0) {
      const std::size_t parent = (hole - 1) / kArity;
      if (!(t < times_[parent])) break;
      times_[hole] = times_[parent];
      hole = parent;
    }
    times_[hole] = t;
  }

  std::vector<double> times_;
};

class WeibullClock final : public FailureClock {
 public:
  WeibullClock(double scale, double shape, std::int64_t nodes, sim::RandomStream& rng)
      : scale_(scale),
        inv_shape_(1.0 / shape),
        unit_shape_(shape == 1.0),
        cohort_left_(nodes),
        rng_(rng) {
    advance_cohort();
  }

  double next_failure() const override {
    return replacements_.empty() ? cohort_next_ : std::min(cohort_next_, replacements_.earliest());
  }

  void take_failure() override {
    if (!replacements_.empty() && replacements_.earliest() < cohort_next_) {
      replacements_.pop_earliest();
    } else {
      --cohort_left_;
      advance_cohort();
    }
    // Every clock belongs to a node in a slot: nothing is void.
  }

  void nodes_entered(double t, std::int64_t count) override {
    for (std::int64_t i = 0; i < count; ++i) {
      replacements_.push(t + time_at(rng_.exponential(1.0)));
    }
  }

 private:
  void advance_cohort() {
    if (cohort_left_ <= 0) {
      cohort_next_ = kNever;
      return;
    }
    hazard_ += rng_.exponential(1.0) / static_cast<double>(cohort_left_);
    cohort_next_ = time_at(hazard_);
  }

  // Age at which the cumulative hazard reaches `hazard`. Shape 1 skips `pow` (a third of a
  // failure's cost), which returns its argument unchanged for the exponent 1 anyway.
  double time_at(double hazard) const {
    return unit_shape_ ? scale_ * hazard : scale_ * std::pow(hazard, inv_shape_);
  }

  double scale_;
  double inv_shape_;
  bool unit_shape_;  // shape 1: the exponential lifetime, H(t) = t / scale
  std::int64_t cohort_left_;
  double hazard_ = 0.0;
  double cohort_next_ = kNever;
  FailureTimes replacements_;  // failure times of the nodes that entered later
  sim::RandomStream& rng_;
};

}  // namespace

std::unique_ptr<FailureClock> make_weibull_clock(const FailureSpec& spec, std::int64_t nodes,
                                                 sim::RandomStream& rng) {
  const double scale = spec.node_mtbf_h / std::tgamma(1.0 + 1.0 / spec.weibull_shape);
  return std::make_unique<WeibullClock>(scale, spec.weibull_shape, nodes, rng);
}

void read_weibull_failure(sim::MapReader& r, FailureSpec& spec) {
  const sim::ConfigNode& shape = r.required("shape");
  spec.weibull_shape = shape.as_double();
  if (!(spec.weibull_shape > 0.0)) {
    throw shape.error("expected a shape > 0 (< 1: decreasing hazard), got " + shape.describe());
  }
}

}  // namespace goodsim::models
