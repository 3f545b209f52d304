#include "models/control_variate.h"

#include <Eigen/Dense>
#include <algorithm>
#include <boost/math/distributions/students_t.hpp>
#include <cmath>
#include <stdexcept>
#include <string>

#include "models/repair/repair_distribution.h"
#include "sim/random.h"

namespace goodsim::models {

bool has_controls(const Scenario& s) {
  const FailureSpec& f = s.cluster.failure;
  return f.model == "exponential" && !f.node_mtbf_uncertainty && !f.trace && f.node_mtbf_h > 0.0 &&
         s.job.work_h > 0.0;
}

namespace {

// K: the expected failures during the fault-free work, at least one.
std::size_t repair_sum_length(const Scenario& s) {
  const double failures =
      static_cast<double>(s.cluster.nodes) * s.job.work_h / s.cluster.failure.node_mtbf_h;
  return std::max<std::size_t>(1, static_cast<std::size_t>(failures));
}

}  // namespace

ControlValues control_expectations(const Scenario& s) {
  const double rate = static_cast<double>(s.cluster.nodes) / s.cluster.failure.node_mtbf_h;
  ControlValues mu{};
  for (std::size_t k = 0; k < kControlHorizons.size(); ++k) {
    mu[k] = rate * kControlHorizons[k] * s.job.work_h;
  }
  const double sum =
      static_cast<double>(repair_sum_length(s)) * s.cluster.repair.distribution->mean_h();
  for (std::size_t k = kControlHorizons.size(); k < kControlCount; ++k) mu[k] = sum;
  return mu;
}

ControlValues control_values(const Scenario& s, std::uint64_t seed, std::uint64_t index) {
  // The draws of the exponential clock, in its order: gaps of node_mtbf / nodes, summed.
  sim::RandomStream rng(seed, index, sim::StreamPurpose::kFailures);
  const double gap = s.cluster.failure.node_mtbf_h / static_cast<double>(s.cluster.nodes);
  ControlValues values{};
  double t = rng.exponential(gap);
  double n = 0.0;
  for (std::size_t k = 0; k < kControlHorizons.size(); ++k) {
    const double horizon = kControlHorizons[k] * s.job.work_h;
    for (; t <= horizon; t += rng.exponential(gap)) n += 1.0;
    values[k] = n;
  }
  // The repair times in the order the replication draws them.
  sim::RandomStream repairs(seed, index, sim::StreamPurpose::kRepairs);
  const std::size_t length = repair_sum_length(s);
  for (std::size_t k = kControlHorizons.size(); k < kControlCount; ++k) {
    double sum = 0.0;
    for (std::size_t j = 0; j < length; ++j) sum += s.cluster.repair.distribution->sample(repairs);
    values[k] = sum;
  }
  return values;
}

void ControlAccumulator::add(double y, const ControlValues& counts) {
  if (n_ == 0) shift_ = y;
  ++n_;
  std::array<double, kColumns> x{};
  x[0] = 1.0;
  for (std::size_t k = 0; k < kControlCount; ++k) x[k + 1] = counts[k] - expectations_[k];
  const double v = y - shift_;
  for (std::size_t a = 0; a < kColumns; ++a) {
    for (std::size_t b = 0; b < kColumns; ++b) xx_[a * kColumns + b] += x[a] * x[b];
    xy_[a] += x[a] * v;
  }
  yy_ += v * v;
}

ControlledMean ControlAccumulator::result() const {
  if (n_ < kControlCount + 2) {
    throw std::invalid_argument("a controlled mean needs more than " +
                                std::to_string(kControlCount + 1) + " replications");
  }
  const double n = static_cast<double>(n_);
  const auto sxx = [&](std::size_t a, std::size_t b) { return xx_[a * kColumns + b]; };
  // Sample covariance of columns a and b (1-based counts).
  const auto cov = [&](std::size_t a, std::size_t b) {
    return (sxx(a, b) - sxx(0, a) * sxx(0, b) / n) / (n - 1.0);
  };
  // Only the controls that vary, and each one only if it differs from the one before (nested
  // counts can coincide): a constant column would be collinear with the intercept (a horizon
  // shorter than every gap, fixed repair times). A count varying at all varies by about 1/n.
  const double tiny = 1e-3 / n;
  std::vector<std::size_t> used{0};
  for (std::size_t k = 1; k < kColumns; ++k) {
    const std::size_t p = used.back();
    const bool varies = cov(k, k) > tiny;
    const bool adds = p == 0 || cov(k, k) + cov(p, p) - 2.0 * cov(k, p) > tiny;
    if (varies && adds) used.push_back(k);
  }
  const auto m = static_cast<Eigen::Index>(used.size());
  Eigen::MatrixXd normal(m, m);
  Eigen::VectorXd xy(m);
  for (Eigen::Index a = 0; a < m; ++a) {
    for (Eigen::Index b = 0; b < m; ++b) {
      normal(a, b) = sxx(used[static_cast<std::size_t>(a)], used[static_cast<std::size_t>(b)]);
    }
    xy(a) = xy_[used[static_cast<std::size_t>(a)]];
  }
  // Centred at their exact expectations, the intercept is the controlled mean; its variance is
  // s^2 [(X'X)^-1]_00 (ordinary least squares).
  const Eigen::LDLT<Eigen::MatrixXd> ldlt(normal);
  const Eigen::VectorXd beta = ldlt.solve(xy);
  const Eigen::VectorXd e0 = ldlt.solve(Eigen::VectorXd::Unit(m, 0));
  const double df = n - static_cast<double>(m);
  const double residual_var = std::max(0.0, yy_ - beta.dot(xy)) / df;
  const double plain_var = (yy_ - xy_[0] * xy_[0] / n) / (n - 1.0);

  ControlledMean out;
  out.mean = shift_ + beta(0);
  out.std_error = std::sqrt(residual_var * e0(0));
  const boost::math::students_t t(df);
  out.ci95 = boost::math::quantile(boost::math::complement(t, 0.025)) * out.std_error;
  out.variance_ratio = residual_var > 0.0 ? plain_var / residual_var : 1.0;
  return out;
}

ControlledMean controlled_mean(std::span<const double> y, std::span<const ControlValues> counts,
                               const ControlValues& expectations) {
  if (y.size() != counts.size()) {
    throw std::invalid_argument("controlled_mean needs as many counts as values");
  }
  ControlAccumulator acc(expectations);
  for (std::size_t i = 0; i < y.size(); ++i) acc.add(y[i], counts[i]);
  return acc.result();
}

}  // namespace goodsim::models
