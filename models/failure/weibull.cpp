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
#include "sim/time_heap.h"

namespace goodsim::models {

namespace {

constexpr double kNever = std::numeric_limits<double>::infinity();

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
  sim::TimeHeap replacements_;  // failure times of the nodes that entered later
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
