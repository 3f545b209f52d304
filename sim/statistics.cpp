#include "sim/statistics.h"

#include <Eigen/Core>
#include <algorithm>
#include <boost/math/distributions/students_t.hpp>
#include <cmath>
#include <stdexcept>

namespace goodsim::sim {

double quantile(std::span<const double> sorted, double q) {
  if (sorted.empty()) throw std::invalid_argument("quantile of an empty sample");
  const double pos = q * static_cast<double>(sorted.size() - 1);
  const auto lo = static_cast<std::size_t>(std::floor(pos));
  const std::size_t hi = std::min(lo + 1, sorted.size() - 1);
  const double frac = pos - static_cast<double>(lo);
  return sorted[lo] + frac * (sorted[hi] - sorted[lo]);
}

SampleSummary summarize_mean(std::span<const double> samples) {
  SampleSummary s;
  s.n = samples.size();
  if (s.n == 0) return s;
  const Eigen::Map<const Eigen::ArrayXd> x(samples.data(), static_cast<Eigen::Index>(s.n));
  s.mean = x.mean();
  if (s.n > 1) {
    s.stddev = std::sqrt((x - s.mean).square().sum() / static_cast<double>(s.n - 1));
    s.std_error = s.stddev / std::sqrt(static_cast<double>(s.n));
    const boost::math::students_t t(static_cast<double>(s.n - 1));
    s.ci95 = boost::math::quantile(boost::math::complement(t, 0.025)) * s.std_error;
  }
  return s;
}

SampleSummary summarize(std::span<const double> samples) {
  SampleSummary s = summarize_mean(samples);
  if (s.n == 0) return s;
  std::vector<double> sorted(samples.begin(), samples.end());
  std::sort(sorted.begin(), sorted.end());
  s.min = sorted.front();
  s.max = sorted.back();
  s.p5 = quantile(sorted, 0.05);
  s.p50 = quantile(sorted, 0.50);
  s.p95 = quantile(sorted, 0.95);
  return s;
}

}  // namespace goodsim::sim
