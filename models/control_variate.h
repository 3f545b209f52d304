#pragma once
// Control variates for a replication figure's mean (docs/model.md, "Precision instead of a
// replication count"): the number of failure proposals in [0, T_k] for a few fixed horizons
// T_k. Under the exponential model the proposals are a Poisson process of rate
// nodes / node_mtbf drawn from the replication's failure stream alone (models/failure/
// exponential.cpp), so each count's expectation is exactly T_k nodes / node_mtbf whatever the
// job does, and the counts are regenerated here from that stream without the simulation.

#include <array>
#include <cstdint>
#include <span>
#include <vector>

#include "models/scenario.h"

namespace goodsim::models {

// Horizons as multiples of the fault-free work: a job's wall time is the work plus what its
// failures cost, so the counts up to a few multiples of the work carry most of its variance.
inline constexpr std::array<double, 4> kControlHorizons = {1.0, 1.25, 1.5, 2.0};
inline constexpr std::size_t kControlCount = kControlHorizons.size();

using ControlCounts = std::array<double, kControlCount>;

// True when the counts' expectations are exact: exponential failures with a known node MTBF
// (not drawn per replication), no trace.
bool has_proposal_controls(const Scenario& s);

// E[count in [0, T_k]] = T_k nodes / node_mtbf.
ControlCounts control_expectations(const Scenario& s);

// Replication `index`'s counts, from its own failure stream (the same draws it simulated).
ControlCounts proposal_counts(const Scenario& s, std::uint64_t seed, std::uint64_t index);

// The controlled mean: the intercept of y regressed on (counts - expectations), with its
// standard error and 95 % half-width (Student t, n - 1 - kControlCount degrees of freedom).
struct ControlledMean {
  double mean = 0.0;
  double std_error = 0.0;
  double ci95 = 0.0;
  // The plain mean's variance over the residual variance: how many times fewer replications
  // the controlled mean needs for the same precision.
  double variance_ratio = 1.0;
};

// The regression's sums, added one replication at a time in replication order (so the result
// is the same for any thread count): a run to precision recomputes the controlled mean after
// every block in O(1), not O(replications so far).
class ControlAccumulator {
 public:
  explicit ControlAccumulator(const ControlCounts& expectations) : expectations_(expectations) {}
  void add(double y, const ControlCounts& counts);
  std::size_t size() const { return n_; }
  // Needs size() > kControlCount + 1.
  ControlledMean result() const;

 private:
  static constexpr std::size_t kColumns = kControlCount + 1;  // the intercept, then the counts
  ControlCounts expectations_;
  std::size_t n_ = 0;
  double shift_ = 0.0;                            // the first y: sums of y - shift_ stay small
  std::array<double, kColumns * kColumns> xx_{};  // sum of x x', x = (1, counts - expectations)
  std::array<double, kColumns> xy_{};             // sum of x (y - shift_)
  double yy_ = 0.0;                               // sum of (y - shift_)^2
};

// The same from whole spans. Needs y.size() == counts.size() > kControlCount + 1.
ControlledMean controlled_mean(std::span<const double> y, std::span<const ControlCounts> counts,
                               const ControlCounts& expectations);

}  // namespace goodsim::models
