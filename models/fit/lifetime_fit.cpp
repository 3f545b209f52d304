#include "models/fit/lifetime_fit.h"

#include <algorithm>
#include <boost/math/distributions/binomial.hpp>
#include <boost/math/distributions/chi_squared.hpp>
#include <boost/math/distributions/normal.hpp>
#include <boost/math/special_functions/digamma.hpp>
#include <boost/math/tools/roots.hpp>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <vector>

namespace goodsim::models::fit {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

double chi2_quantile(double dof, double p) {
  return boost::math::quantile(boost::math::chi_squared_distribution<double>(dof), p);
}

double normal_quantile(double p) {
  return boost::math::quantile(boost::math::normal_distribution<double>(), p);
}

// The root of a decreasing function f on [lo, hi] with f(lo) > 0 > f(hi).
template <class F>
double decreasing_root(F f, double lo, double hi) {
  std::uintmax_t iterations = 200;
  const auto [a, b] = boost::math::tools::toms748_solve(
      f, lo, hi, boost::math::tools::eps_tolerance<double>(48), iterations);
  return 0.5 * (a + b);
}

// Right-censored Weibull sample on a scaled time axis t' = t / c (c = the longest interval),
// so that t'^k never overflows whatever the shape.
class WeibullLikelihood {
 public:
  explicit WeibullLikelihood(std::span<const Interval> intervals) {
    for (const Interval& i : intervals) c_ = std::max(c_, i.hours);
    for (const Interval& i : intervals) {
      if (i.failed && !(i.hours > 0.0)) {
        throw std::invalid_argument("fit_weibull: a failure after zero time");
      }
      if (!(i.hours > 0.0)) continue;  // a censored interval of length 0 says nothing
      log_t_.push_back(std::log(i.hours / c_));
      if (i.failed) {
        ++d_;
        sum_log_failed_ += log_t_.back();
      }
    }
  }

  double failures() const { return d_; }
  double scale_factor() const { return c_; }

  // d log L / d k with lambda at its profile maximum; decreasing in k.
  double profile_score(double k) const {
    double a = 0.0, b = 0.0;
    for (double lt : log_t_) {
      const double w = std::exp(k * lt);
      a += w * lt;
      b += w;
    }
    return 1.0 / k + sum_log_failed_ / d_ - a / b;
  }

  // log L(k, lambda_k) on the scaled axis, lambda_k^k = sum t'^k / d.
  double profile_log_likelihood(double k) const {
    return d_ * std::log(k) - d_ * std::log(sum_pow(k) / d_) + (k - 1.0) * sum_log_failed_ - d_;
  }

  // lambda' (scaled axis) at shape k.
  double scale(double k) const { return std::pow(sum_pow(k) / d_, 1.0 / k); }

  // Observed information in (log k, log lambda) at the MLE (k, lambda' scaled).
  struct Information {
    double uu, uv, vv;
  };
  Information information(double k, double scaled_lambda) const {
    const double log_lambda = std::log(scaled_lambda);
    double sum_z = 0.0, sum_zs = 0.0, sum_zss = 0.0;
    for (double lt : log_t_) {
      const double s = lt - log_lambda;
      const double z = std::exp(k * s);
      sum_z += z;
      sum_zs += z * s;
      sum_zss += z * s * s;
    }
    return {d_ + k * k * sum_zss, -k * k * sum_zs, k * k * sum_z};
  }

 private:
  double sum_pow(double k) const {
    double b = 0.0;
    for (double lt : log_t_) b += std::exp(k * lt);
    return b;
  }

  double c_ = 0.0;
  std::vector<double> log_t_;  // log t' of every interval, failed or censored
  double d_ = 0.0;
  double sum_log_failed_ = 0.0;
};

// Where the profile log-likelihood crosses `target` between k_hat and a bound found by
// stepping by `factor` (< 1 below, > 1 above); the bound itself if it never does.
double profile_crossing(const WeibullLikelihood& like, double k_hat, double target, double factor) {
  const auto excess = [&](double k) { return like.profile_log_likelihood(k) - target; };
  double inner = k_hat;
  double outer = k_hat * factor;
  for (int i = 0; i < 60 && excess(outer) > 0.0; ++i) {
    inner = outer;
    outer *= factor;
  }
  if (excess(outer) > 0.0) return outer;
  if (factor < 1.0) {
    return decreasing_root([&](double k) { return -excess(k); }, outer, inner);
  }
  return decreasing_root(excess, inner, outer);
}

}  // namespace

ExponentialFit fit_exponential(std::int64_t failures, double exposure_h) {
  if (!(exposure_h > 0.0) || failures < 0) {
    throw std::invalid_argument("fit_exponential: needs exposure > 0 and failures >= 0");
  }
  ExponentialFit fit;
  fit.failures = failures;
  fit.exposure_h = exposure_h;
  const double d = static_cast<double>(failures);
  const double alpha = 1.0 - kConfidence;
  const double rate = d / exposure_h;
  // Garwood: the count is Poisson(rate * exposure); the interval is exact (conservative).
  const double lower = failures == 0 ? 0.0 : chi2_quantile(2.0 * d, alpha / 2) / (2 * exposure_h);
  const double upper = chi2_quantile(2.0 * d + 2.0, 1.0 - alpha / 2) / (2 * exposure_h);
  fit.rate_per_h = {rate, lower, upper};
  fit.mtbf_h = {failures == 0 ? kInf : 1.0 / rate, 1.0 / upper, lower > 0 ? 1.0 / lower : kInf};
  fit.log_likelihood = failures == 0 ? 0.0 : d * std::log(rate) - rate * exposure_h;
  fit.aic = 2.0 - 2.0 * fit.log_likelihood;
  return fit;
}

std::optional<WeibullFit> fit_weibull(std::span<const Interval> intervals) {
  const WeibullLikelihood like(intervals);
  if (like.failures() < 2) return std::nullopt;
  const auto score = [&](double k) { return like.profile_score(k); };
  double lo = 1e-3, hi = 1.0;
  while (score(lo) <= 0.0 && lo > 1e-9) lo /= 10;
  while (score(hi) >= 0.0 && hi < 1e4) hi *= 2;
  if (!(score(lo) > 0.0) || !(score(hi) < 0.0)) return std::nullopt;
  const double k = decreasing_root(score, lo, hi);

  WeibullFit fit;
  const double c = like.scale_factor();
  const double d = like.failures();
  const double ll_scaled = like.profile_log_likelihood(k);
  fit.log_likelihood = ll_scaled - d * std::log(c);  // densities per hour, not per c hours
  fit.aic = 4.0 - 2.0 * fit.log_likelihood;

  const double target = ll_scaled - chi2_quantile(1.0, kConfidence) / 2.0;
  fit.shape = {k, profile_crossing(like, k, target, 0.5), profile_crossing(like, k, target, 2.0)};

  const double scaled_lambda = like.scale(k);
  const auto info = like.information(k, scaled_lambda);
  const double det = info.uu * info.vv - info.uv * info.uv;
  const double var_u = info.vv / det;
  const double var_v = info.uu / det;
  const double cov_uv = -info.uv / det;
  const double z = normal_quantile(1.0 - (1.0 - kConfidence) / 2);

  const double lambda = scaled_lambda * c;
  const double se_v = std::sqrt(var_v);
  fit.scale_h = {lambda, lambda * std::exp(-z * se_v), lambda * std::exp(z * se_v)};

  const double mean = lambda * std::tgamma(1.0 + 1.0 / k);
  const double a = -boost::math::digamma(1.0 + 1.0 / k) / k;  // d log mean / d log k
  const double se_log_mean = std::sqrt(var_v + 2.0 * a * cov_uv + a * a * var_u);
  fit.mean_h = {mean, mean * std::exp(-z * se_log_mean), mean * std::exp(z * se_log_mean)};
  return fit;
}

TestResult shape_one_test(const ExponentialFit& exponential, const WeibullFit& weibull) {
  const double stat = std::max(0.0, 2.0 * (weibull.log_likelihood - exponential.log_likelihood));
  return {stat, boost::math::cdf(boost::math::complement(
                    boost::math::chi_squared_distribution<double>(1.0), stat))};
}

TestResult laplace_trend(std::span<const double> fractions) {
  const double n = static_cast<double>(fractions.size());
  if (fractions.empty()) return {0.0, 1.0};
  double sum = 0.0;
  for (double x : fractions) sum += x;
  const double u = (sum - n / 2.0) / std::sqrt(n / 12.0);
  const boost::math::normal_distribution<double> normal;
  return {u, 2.0 * boost::math::cdf(boost::math::complement(normal, std::abs(u)))};
}

Estimate proportion(std::int64_t successes, std::int64_t trials) {
  if (trials <= 0 || successes < 0 || successes > trials) {
    throw std::invalid_argument("proportion: needs 0 <= successes <= trials, trials > 0");
  }
  using boost::math::binomial_distribution;
  const double n = static_cast<double>(trials);
  const double k = static_cast<double>(successes);
  const double alpha = (1.0 - kConfidence) / 2;
  const double lower =
      successes == 0 ? 0.0 : binomial_distribution<double>::find_lower_bound_on_p(n, k, alpha);
  const double upper =
      successes == trials ? 1.0 : binomial_distribution<double>::find_upper_bound_on_p(n, k, alpha);
  return {k / n, lower, upper};
}

}  // namespace goodsim::models::fit
