#include "models/spare_pool_ctmc.h"

#include <Eigen/SparseLU>
#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <vector>

#include "models/repair/repair_distribution.h"

namespace goodsim::models {

namespace {

void check(const SparePoolChain& c) {
  if (c.nodes < 1 || c.spares < 0 || !(c.node_mtbf_h > 0.0) || !(c.repair_mean_h > 0.0)) {
    throw std::invalid_argument(
        "spare pool chain: needs nodes >= 1, spares >= 0, MTBF > 0 and "
        "repair mean > 0");
  }
}

}  // namespace

std::int64_t SparePoolChain::nodes_in_slots(std::int64_t r) const {
  return std::max<std::int64_t>(0, std::min(nodes, nodes + spares - r));
}

double SparePoolChain::failure_rate(std::int64_t r) const {
  return static_cast<double>(nodes_in_slots(r)) / node_mtbf_h;
}

double SparePoolChain::repair_rate(std::int64_t r) const {
  return static_cast<double>(r) / repair_mean_h;
}

Eigen::SparseMatrix<double> spare_pool_generator(const SparePoolChain& c) {
  check(c);
  const auto n = static_cast<Eigen::Index>(c.states());
  std::vector<Eigen::Triplet<double>> t;
  t.reserve(static_cast<std::size_t>(3 * n));
  for (Eigen::Index r = 0; r < n; ++r) {
    const double up = r + 1 < n ? c.failure_rate(r) : 0.0;
    const double down = r > 0 ? c.repair_rate(r) : 0.0;
    if (up > 0.0) t.emplace_back(r, r + 1, up);
    if (down > 0.0) t.emplace_back(r, r - 1, down);
    t.emplace_back(r, r, -(up + down));
  }
  Eigen::SparseMatrix<double> q(n, n);
  q.setFromTriplets(t.begin(), t.end());
  return q;
}

Eigen::VectorXd stationary_distribution(const SparePoolChain& c) {
  const Eigen::SparseMatrix<double> q = spare_pool_generator(c);
  const Eigen::Index n = q.rows();
  // A = Q^T with its last row (the balance equation of the last state, implied by the others)
  // replaced by sum(pi) = 1. In the natural order the LU factors of this bordered tridiagonal
  // matrix have no fill beyond the last row, so the solve is O(states).
  Eigen::SparseMatrix<double> a = q.transpose();
  a.prune([n](Eigen::Index row, Eigen::Index, double) { return row != n - 1; });
  std::vector<Eigen::Triplet<double>> ones;
  ones.reserve(static_cast<std::size_t>(n));
  for (Eigen::Index j = 0; j < n; ++j) ones.emplace_back(n - 1, j, 1.0);
  Eigen::SparseMatrix<double> norm(n, n);
  norm.setFromTriplets(ones.begin(), ones.end());
  a += norm;
  a.makeCompressed();
  Eigen::SparseLU<Eigen::SparseMatrix<double>, Eigen::NaturalOrdering<int>> lu;
  // Diagonal pivots: every column of Q^T but the last is weakly diagonally dominant, so
  // elimination without row exchanges is stable, and exchanges with the row of ones would
  // fill the factors.
  lu.setPivotThreshold(0.0);
  lu.compute(a);
  if (lu.info() != Eigen::Success) throw std::runtime_error("spare pool chain: LU failed");
  Eigen::VectorXd b = Eigen::VectorXd::Zero(n);
  b(n - 1) = 1.0;
  Eigen::VectorXd pi = lu.solve(b);
  if (lu.info() != Eigen::Success) throw std::runtime_error("spare pool chain: solve failed");
  pi = pi.cwiseMax(0.0);  // round-off in the far tail, where pi underflows anyway
  return pi / pi.sum();
}

Eigen::VectorXd stationary_distribution_product_form(const SparePoolChain& c) {
  check(c);
  const auto n = static_cast<Eigen::Index>(c.states());
  Eigen::VectorXd log_pi(n);
  log_pi(0) = 0.0;
  for (Eigen::Index r = 0; r + 1 < n; ++r) {
    const double up = c.failure_rate(r);
    log_pi(r + 1) = up > 0.0 ? log_pi(r) + std::log(up) - std::log(c.repair_rate(r + 1))
                             : -std::numeric_limits<double>::infinity();
  }
  const double top = log_pi.maxCoeff();
  Eigen::VectorXd pi = (log_pi.array() - top).exp().matrix();
  return pi / pi.sum();
}

SparePoolFigures spare_pool_figures(const SparePoolChain& c, const Eigen::VectorXd& pi) {
  SparePoolFigures f;
  double empty_arrivals = 0.0;
  for (Eigen::Index i = 0; i < pi.size(); ++i) {
    const auto r = static_cast<std::int64_t>(i);
    const double p = pi(i);
    const double lambda = c.failure_rate(r);
    f.failures_per_h += p * lambda;
    f.mean_in_repair += p * static_cast<double>(r);
    if (r >= c.spares) {
      empty_arrivals += p * lambda;
      f.p_pool_empty += p;
    }
    if (r > c.spares) {
      f.p_slot_empty += p;
      f.mean_empty_slots += p * static_cast<double>(r - c.spares);
    }
  }
  f.p_failure_finds_pool_empty = empty_arrivals / f.failures_per_h;
  f.mean_wait_per_failure_h = f.mean_empty_slots / f.failures_per_h;
  f.mean_wait_if_waiting_h = empty_arrivals > 0.0 ? f.mean_empty_slots / empty_arrivals : 0.0;
  return f;
}

std::optional<SparePoolChain> spare_pool_chain(const Scenario& s, std::string* why_not) {
  const auto fail = [why_not](const char* reason) -> std::optional<SparePoolChain> {
    if (why_not) *why_not = reason;
    return std::nullopt;
  };
  if (s.cluster.failure.model != "exponential") return fail("the chain needs exponential failures");
  if (!s.holds_spare_pool()) {
    return fail("the strategy holds no spare pool: it takes node sets from the scheduler's queue");
  }
  SparePoolChain c;
  c.nodes = s.cluster.nodes;
  c.spares = s.cluster.spares;
  c.node_mtbf_h = s.cluster.failure.node_mtbf_h;
  c.repair_mean_h = s.cluster.repair.distribution->mean_h();
  if (!s.cluster.causes.empty()) {
    double total = 0.0, swap = 0.0, repair = 0.0;
    for (const CauseSpec& cause : s.cluster.causes) {
      total += cause.share;
      if (cause.handling == Handling::kDomain) return fail("the chain has no failure domains");
      if (cause.handling != Handling::kSwap) continue;
      swap += cause.share;
      const auto& d =
          cause.repair.distribution ? cause.repair.distribution : s.cluster.repair.distribution;
      repair += cause.share * d->mean_h();
    }
    if (!(swap > 0.0)) return fail("no failure sends a node to repair");
    c.node_mtbf_h = s.cluster.failure.node_mtbf_h * total / swap;
    c.repair_mean_h = repair / swap;
  }
  return c;
}

}  // namespace goodsim::models
