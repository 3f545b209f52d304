#pragma once
// The spare pool and the repair pipeline as a continuous-time Markov chain: the analytic
// companion of the simulator's spare figures (docs/cost-and-spares.md).
//
// State r = nodes in repair, 0 .. nodes + spares. Nodes in slots: min(nodes, nodes + spares - r)
// (an empty slot is refilled the moment a node is free); each fails at rate 1/node_mtbf, so
//   r -> r + 1  at  lambda_r = min(nodes, nodes + spares - r) / node_mtbf
//   r -> r - 1  at  mu_r     = r / repair_mean      (every node in repair is worked on at once)
// A failure finds the pool empty when r >= spares. Failures arrive at a state-dependent rate,
// so the fraction of failures that find the pool empty weights each state by its failure rate
// (the arrival theorem; PASTA for state-independent arrivals):
//   P(failure finds pool empty) = sum_{r >= spares} pi_r lambda_r / sum_r pi_r lambda_r.
// Little's law gives the mean wait: empty slots E[(r - spares)+] = failure rate x mean wait.

#include <Eigen/Core>
#include <Eigen/SparseCore>
#include <cstdint>
#include <optional>
#include <string>

#include "models/scenario.h"

namespace goodsim::models {

struct SparePoolChain {
  std::int64_t nodes = 0;      // job slots
  std::int64_t spares = 0;     // hot spares at the start
  double node_mtbf_h = 0.0;    // mean time to a failure that sends a node in a slot to repair
  double repair_mean_h = 0.0;  // mean repair time

  std::int64_t states() const { return nodes + spares + 1; }
  std::int64_t nodes_in_slots(std::int64_t r) const;
  double failure_rate(std::int64_t r) const;  // lambda_r, per hour
  double repair_rate(std::int64_t r) const;   // mu_r, per hour
};

// The generator Q (rows sum to zero), states x states, tridiagonal.
Eigen::SparseMatrix<double> spare_pool_generator(const SparePoolChain& chain);

// pi Q = 0 with sum(pi) = 1, solved with Eigen's sparse LU: Q^T pi^T = 0 with one balance
// equation replaced by the normalisation.
Eigen::VectorXd stationary_distribution(const SparePoolChain& chain);

// The same from the birth-death product form pi_{r+1} = pi_r lambda_r / mu_{r+1} (in logs, so
// that large chains neither overflow nor underflow before normalising). For checking.
Eigen::VectorXd stationary_distribution_product_form(const SparePoolChain& chain);

struct SparePoolFigures {
  double failures_per_h = 0.0;              // sum pi_r lambda_r (= E[r] / repair_mean)
  double p_failure_finds_pool_empty = 0.0;  // arrival-weighted P(r >= spares)
  double p_pool_empty = 0.0;                // time-weighted P(r >= spares)
  double p_slot_empty = 0.0;                // time-weighted P(r > spares): the job is stalled
  double mean_in_repair = 0.0;              // E[r]
  double mean_empty_slots = 0.0;            // E[(r - spares)+]
  double mean_wait_per_failure_h = 0.0;     // Little: E[(r - spares)+] / failures_per_h
  double mean_wait_if_waiting_h = 0.0;      // the same, per failure that finds the pool empty
};

SparePoolFigures spare_pool_figures(const SparePoolChain& chain, const Eigen::VectorXd& pi);
inline SparePoolFigures analyse_spare_pool(const SparePoolChain& chain) {
  return spare_pool_figures(chain, stationary_distribution(chain));
}

// The chain of a scenario: exponential failures; with a failure taxonomy only the causes that
// send the node to repair count, and the repair mean is their share-weighted mean. Nothing
// (and `why_not` set) for cases outside the chain: non-exponential failures, failure domains.
std::optional<SparePoolChain> spare_pool_chain(const Scenario& s, std::string* why_not = nullptr);

}  // namespace goodsim::models
