#include "models/control_variate.h"

#include <Eigen/Dense>
#include <boost/math/distributions/students_t.hpp>
#include <cmath>
#include <stdexcept>
#include <string>

#include "sim/random.h"

namespace goodsim::models {

bool has_proposal_controls(const Scenario& s) {
  const FailureSpec& f = s.cluster.failure;
  return f.model == "exponential" && !f.node_mtbf_uncertainty && !f.trace && f.node_mtbf_h > 0.0 &&
         s.job.work_h > 0.0;
}

ControlCounts control_expectations(const Scenario& s) {
  const double rate = static_cast<double>(s.cluster.nodes) / s.cluster.failure.node_mtbf_h;
  ControlCounts mu{};
  for (std::size_t k = 0; k < kControlCount; ++k) mu[k] = rate * kControlHorizons[k] * s.job.work_h;
  return mu;
}

ControlCounts proposal_counts(const Scenario& s, std::uint64_t seed, std::uint64_t index) {
  // The draws of the exponential clock, in its order: gaps of node_mtbf / nodes, summed.
  sim::RandomStream rng(seed, index, sim::StreamPurpose::kFailures);
  const double gap = s.cluster.failure.node_mtbf_h / static_cast<double>(s.cluster.nodes);
  ControlCounts counts{};
  double t = rng.exponential(gap);
  double n = 0.0;
  for (std::size_t k = 0; k < kControlCount; ++k) {
    const double horizon = kControlHorizons[k] * s.job.work_h;
    for (; t <= horizon; t += rng.exponential(gap)) n += 1.0;
    counts[k] = n;
  }
  return counts;
}

ControlledMean controlled_mean(std::span<const double> y, std::span<const ControlCounts> counts,
                               const ControlCounts& expectations) {
  const auto n = static_cast<Eigen::Index>(y.size());
  if (y.size() != counts.size() || y.size() < kControlCount + 2) {
    throw std::invalid_argument("controlled_mean needs as many counts as values, and more than " +
                                std::to_string(kControlCount + 1));
  }
  // Only the counts that vary, and each one only if it adds proposals to the one before: a
  // constant column would be collinear with the intercept (a horizon shorter than every gap).
  std::vector<std::size_t> used;
  for (std::size_t k = 0; k < kControlCount; ++k) {
    const std::size_t previous = used.empty() ? k : used.back();
    bool varies = false, adds = used.empty();
    for (const ControlCounts& c : counts) {
      varies |= c[k] != counts.front()[k];
      adds |= c[k] != c[previous];
    }
    if (varies && adds) used.push_back(k);
  }
  const auto q = static_cast<Eigen::Index>(used.size());
  // Centred at their exact expectations, the intercept is the controlled mean.
  Eigen::MatrixXd x(n, q + 1);
  Eigen::VectorXd v(n);
  for (Eigen::Index i = 0; i < n; ++i) {
    const ControlCounts& c = counts[static_cast<std::size_t>(i)];
    x(i, 0) = 1.0;
    for (Eigen::Index j = 0; j < q; ++j) {
      const std::size_t k = used[static_cast<std::size_t>(j)];
      x(i, j + 1) = c[k] - expectations[k];
    }
    v(i) = y[static_cast<std::size_t>(i)];
  }
  // Column-pivoting QR: should two counts still be collinear, one gets a zero coefficient.
  const Eigen::ColPivHouseholderQR<Eigen::MatrixXd> qr(x);
  const Eigen::VectorXd beta = qr.solve(v);
  const Eigen::VectorXd residual = v - x * beta;
  const auto rank = static_cast<Eigen::Index>(qr.rank());
  const double df = static_cast<double>(n - rank);
  const double residual_var = residual.squaredNorm() / df;
  const double plain_var = (v.array() - v.mean()).square().sum() / static_cast<double>(n - 1);

  // Var(intercept) = s^2 [(X'X)^-1]_00, from the normal matrix of the design.
  const Eigen::MatrixXd normal = x.transpose() * x;
  const Eigen::MatrixXd inverse = normal.completeOrthogonalDecomposition().pseudoInverse();

  ControlledMean out;
  out.mean = beta(0);
  out.std_error = std::sqrt(residual_var * inverse(0, 0));
  const boost::math::students_t t(df);
  out.ci95 = boost::math::quantile(boost::math::complement(t, 0.025)) * out.std_error;
  out.variance_ratio = residual_var > 0.0 ? plain_var / residual_var : 1.0;
  return out;
}

}  // namespace goodsim::models
