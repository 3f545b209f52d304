#pragma once
// Fits of a complete (uncensored) sample of repair durations, in hours: exponential and
// lognormal by maximum likelihood, and the empirical distribution. docs/fitting.md.

#include <optional>
#include <span>
#include <vector>

#include "models/fit/estimate.h"

namespace goodsim::models::fit {

struct ExponentialRepairFit {
  Estimate mean_h;  // sample mean; exact chi-square interval (2 n mean / true mean ~ chi2(2n))
  double log_likelihood = 0.0;
  double aic = 0.0;
};

struct LognormalRepairFit {
  Estimate median_h;    // exp(mu); Student t interval on mu
  Estimate sigma;       // MLE of the sd of log(duration); chi-square interval
  double mean_h = 0.0;  // exp(mu + sigma^2 / 2)
  double p90_h = 0.0;   // exp(mu + 1.2816 sigma)
  double log_likelihood = 0.0;
  double aic = 0.0;
};

struct RepairFit {
  std::size_t count = 0;
  std::vector<double> sorted_h;  // the sample, ascending (the empirical distribution)
  ExponentialRepairFit exponential;
  std::optional<LognormalRepairFit> lognormal;  // needs 2 distinct durations
};

// Needs at least one duration, every one > 0.
RepairFit fit_repairs(std::span<const double> durations_h);

}  // namespace goodsim::models::fit
