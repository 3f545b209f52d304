#include "models/fit/repair_fit.h"

#include <algorithm>
#include <boost/math/distributions/chi_squared.hpp>
#include <boost/math/distributions/normal.hpp>
#include <boost/math/distributions/students_t.hpp>
#include <cmath>
#include <numbers>
#include <stdexcept>

namespace goodsim::models::fit {
namespace {

double chi2_quantile(double dof, double p) {
  return boost::math::quantile(boost::math::chi_squared_distribution<double>(dof), p);
}

ExponentialRepairFit fit_exponential_repairs(std::span<const double> r) {
  const double n = static_cast<double>(r.size());
  double sum = 0.0;
  for (double x : r) sum += x;
  const double mean = sum / n;
  const double alpha = 1.0 - kConfidence;
  ExponentialRepairFit fit;
  fit.mean_h = {mean, 2.0 * sum / chi2_quantile(2.0 * n, 1.0 - alpha / 2),
                2.0 * sum / chi2_quantile(2.0 * n, alpha / 2)};
  fit.log_likelihood = -n * std::log(mean) - n;
  fit.aic = 2.0 - 2.0 * fit.log_likelihood;
  return fit;
}

std::optional<LognormalRepairFit> fit_lognormal_repairs(std::span<const double> r) {
  const double n = static_cast<double>(r.size());
  if (r.size() < 2) return std::nullopt;
  double sum_log = 0.0;
  for (double x : r) sum_log += std::log(x);
  const double mu = sum_log / n;
  double ss = 0.0;
  for (double x : r) ss += (std::log(x) - mu) * (std::log(x) - mu);
  if (!(ss > 0.0)) return std::nullopt;
  const double sigma = std::sqrt(ss / n);  // MLE
  const double alpha = 1.0 - kConfidence;
  const double t =
      boost::math::quantile(boost::math::students_t_distribution<double>(n - 1), 1.0 - alpha / 2);
  const double half = t * std::sqrt(ss / (n - 1)) / std::sqrt(n);
  LognormalRepairFit fit;
  fit.median_h = {std::exp(mu), std::exp(mu - half), std::exp(mu + half)};
  // ss / sigma_true^2 ~ chi2(n - 1)
  fit.sigma = {sigma, std::sqrt(ss / chi2_quantile(n - 1, 1.0 - alpha / 2)),
               std::sqrt(ss / chi2_quantile(n - 1, alpha / 2))};
  fit.mean_h = std::exp(mu + sigma * sigma / 2);
  fit.p90_h =
      std::exp(mu + sigma * boost::math::quantile(boost::math::normal_distribution<double>(), 0.9));
  fit.log_likelihood =
      -sum_log - n * std::log(sigma) - n / 2 * std::log(2 * std::numbers::pi) - n / 2;
  fit.aic = 4.0 - 2.0 * fit.log_likelihood;
  return fit;
}

}  // namespace

RepairFit fit_repairs(std::span<const double> durations_h) {
  if (durations_h.empty()) throw std::invalid_argument("fit_repairs: no durations");
  for (double x : durations_h) {
    if (!(x > 0.0) || !std::isfinite(x)) {
      throw std::invalid_argument("fit_repairs: durations must be finite and > 0");
    }
  }
  RepairFit fit;
  fit.count = durations_h.size();
  fit.sorted_h.assign(durations_h.begin(), durations_h.end());
  std::sort(fit.sorted_h.begin(), fit.sorted_h.end());
  fit.exponential = fit_exponential_repairs(durations_h);
  fit.lognormal = fit_lognormal_repairs(durations_h);
  return fit;
}

}  // namespace goodsim::models::fit
