#pragma once
// Maximum-likelihood fits of a lifetime distribution to right-censored intervals, and the
// tests `goodsim fit` reports with them. Method, formulas and references: docs/fitting.md.
// Times are hours.

#include <cstdint>
#include <optional>
#include <span>

#include "models/fit/estimate.h"

namespace goodsim::models::fit {

// One observed stretch of a node's life: it failed after `hours`, or was still up when
// observation stopped (right-censored).
struct Interval {
  double hours = 0.0;
  bool failed = false;
};

struct ExponentialFit {
  std::int64_t failures = 0;
  double exposure_h = 0.0;
  Estimate rate_per_h;  // failures / exposure; exact (Garwood chi-square) interval
  Estimate mtbf_h;      // 1 / rate, the interval inverted
  double log_likelihood = 0.0;
  double aic = 0.0;  // 2 * 1 parameter - 2 log L
};

// MLE of a constant rate from `failures` in `exposure_h` node-hours (time-censored: the
// exposure is fixed, the count random). Needs exposure_h > 0; failures may be 0 (rate 0,
// MTBF infinite, finite lower bound).
ExponentialFit fit_exponential(std::int64_t failures, double exposure_h);

struct WeibullFit {
  Estimate shape;    // k; profile-likelihood interval
  Estimate scale_h;  // lambda; Wald interval on log lambda from the observed information
  Estimate mean_h;   // lambda Gamma(1 + 1/k); Wald interval on its log (delta method)
  double log_likelihood = 0.0;
  double aic = 0.0;  // 2 * 2 parameters - 2 log L
};

// MLE of Weibull(k, lambda) from right-censored intervals. nullopt without two failures, or
// when the likelihood has no maximum at a finite shape (every failure at the same time, and
// none censored later).
std::optional<WeibullFit> fit_weibull(std::span<const Interval> intervals);

// Likelihood-ratio test of shape = 1 (exponential) within the Weibull model: 2 (log L_weibull -
// log L_exponential), chi-square with 1 degree of freedom under the exponential.
TestResult shape_one_test(const ExponentialFit& exponential, const WeibullFit& weibull);

// Laplace's trend test on the points x_i in [0, 1] (failure times as fractions of the total
// exposure): U = (sum x_i - n/2) / sqrt(n / 12), standard normal when the rate is constant
// (the points are then uniform). U < 0: failures come early, the rate falls; U > 0: it rises.
// Two-sided p-value. n = 0 gives U = 0, p = 1.
TestResult laplace_trend(std::span<const double> fractions);

// Exact (Clopper-Pearson) interval of a binomial proportion `successes` / `trials`.
Estimate proportion(std::int64_t successes, std::int64_t trials);

}  // namespace goodsim::models::fit
