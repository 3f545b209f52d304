#pragma once
// Control variates for a replication figure's mean (docs/model.md, "Precision instead of a
// replication count"), regenerated from the replication's own streams without the simulation:
// - the number of failure proposals in [0, T_k] for a few fixed horizons T_k. Under the
//   exponential model the proposals are a Poisson process of rate nodes / node_mtbf drawn from
//   the failure stream alone (models/failure/exponential.cpp), so each count's expectation is
//   exactly T_k nodes / node_mtbf whatever the job does;
// - the sums of the first K and of the next K repair times drawn from the repair stream, K the
//   expected failures during the work: each repair time is an independent draw of
//   cluster.repair, so each sum's expectation is exactly K x its mean. They carry the luck of
//   the repairs, which decides how long a short spare pool keeps the job waiting.

#include <array>
#include <cstdint>
#include <span>
#include <vector>

#include "models/scenario.h"

namespace goodsim::models {

// Horizons as multiples of the fault-free work: a job's wall time is the work plus what its
// failures cost, so the counts up to a few multiples of the work carry most of its variance.
inline constexpr std::array<double, 4> kControlHorizons = {1.0, 1.25, 1.5, 2.0};
inline constexpr std::size_t kRepairSums = 2;
inline constexpr std::size_t kControlCount = kControlHorizons.size() + kRepairSums;

using ControlValues = std::array<double, kControlCount>;

// True when the controls' expectations are exact: exponential failures with a known node MTBF
// (not drawn per replication), no trace.
bool has_controls(const Scenario& s);

// E[count in [0, T_k]] = T_k nodes / node_mtbf, then K x mean repair for each repair sum.
ControlValues control_expectations(const Scenario& s);

// Replication `index`'s controls, from its own failure and repair streams (the draws it
// simulated; with per-cause repair distributions the repair draws differ but the expectation
// stays exact).
ControlValues control_values(const Scenario& s, std::uint64_t seed, std::uint64_t index);

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
  explicit ControlAccumulator(const ControlValues& expectations) : expectations_(expectations) {}
  void add(double y, const ControlValues& counts);
  std::size_t size() const { return n_; }
  // Needs size() > kControlCount + 1.
  ControlledMean result() const;

 private:
  static constexpr std::size_t kColumns = kControlCount + 1;  // the intercept, then the counts
  ControlValues expectations_;
  std::size_t n_ = 0;
  double shift_ = 0.0;                            // the first y: sums of y - shift_ stay small
  std::array<double, kColumns * kColumns> xx_{};  // sum of x x', x = (1, counts - expectations)
  std::array<double, kColumns> xy_{};             // sum of x (y - shift_)
  double yy_ = 0.0;                               // sum of (y - shift_)^2
};

// The same from whole spans. Needs y.size() == counts.size() > kControlCount + 1.
ControlledMean controlled_mean(std::span<const double> y, std::span<const ControlValues> counts,
                               const ControlValues& expectations);

}  // namespace goodsim::models
