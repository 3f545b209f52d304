// Control variates (models/control_variate.h): the counts are the simulation's own failure
// proposals, every control's expectation is exact, the controlled mean is unbiased, and the
// measured variance reduction on the published scenarios.

#include "models/control_variate.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>

#include "models/monte_carlo.h"
#include "models/precision.h"
#include "models/repair/repair_distribution.h"
#include "models/scenario_loader.h"
#include "sim/random.h"
#include "sim/statistics.h"
#include "tests/daly_scenario.h"

namespace goodsim::models {
namespace {

constexpr double kMin = 1.0 / 60.0;
constexpr std::size_t kCounts = kControlHorizons.size();

// Unlimited spares, instant repair and no detection or swap: every proposal hits the job.
Scenario every_proposal_hits() {
  Scenario s = daly_scenario(16, 6.0, 50.0, 1.0);
  s.recovery.restart_h = 10 * kMin;
  s.recovery.load_h = 0.0;
  return s;
}

TEST(ControlVariate, CountsAreTheProposalsTheReplicationSimulated) {
  // Every proposal before the end is an interruption, so the count up to the work is at most
  // the interruptions, and the count up to twice the work at least, when the run ends before.
  const Scenario s = every_proposal_hits();
  const auto results = run_replications(s, RunOptions{200, 4, 1, {}});
  for (std::size_t i = 0; i < results.size(); ++i) {
    const ControlValues c = control_values(s, 4, i);
    EXPECT_LE(c[0], static_cast<double>(results[i].interruptions)) << i;
    if (results[i].wall_h <= 2.0 * s.job.work_h) {
      EXPECT_GE(c[kCounts - 1], static_cast<double>(results[i].interruptions)) << i;
    }
    for (std::size_t k = 1; k < kCounts; ++k) EXPECT_GE(c[k], c[k - 1]);
  }
}

TEST(ControlVariate, ControlsHaveTheirExactExpectation) {
  Scenario s = every_proposal_hits();
  s.cluster.repair.distribution = exponential_repair(24.0);
  const ControlValues mu = control_expectations(s);
  constexpr std::size_t kReps = 20000;
  for (std::size_t k = 0; k < kControlCount; ++k) {
    std::vector<double> x(kReps);
    for (std::size_t i = 0; i < kReps; ++i) x[i] = control_values(s, 11, i)[k];
    const sim::SampleSummary sum = sim::summarize_mean(x);
    EXPECT_LT(std::abs(sum.mean - mu[k]), 4 * sum.std_error) << k;
    if (k < kCounts) {
      EXPECT_NEAR(mu[k], kControlHorizons[k] * 50.0 / 6.0, 1e-9);
      EXPECT_NEAR(sum.stddev * sum.stddev, mu[k], 0.05 * mu[k]) << k;  // Poisson
    } else {
      EXPECT_NEAR(mu[k], 8 * 24.0, 1e-9);  // K = 16 nodes x 50 h / 96 h = 8 repairs
    }
  }
}

TEST(ControlVariate, ControlledMeanRecoversTheInterceptWithASmallerError) {
  // y = 3 + 0.5 (c0 - mu0) + noise: the controlled mean is 3 within its error, with a variance
  // ratio near Var(y) / Var(noise). The last two controls are unrelated to y.
  const ControlValues mu{10, 12.5, 15, 20, 5, 5};
  std::vector<double> y;
  std::vector<ControlValues> controls;
  sim::RandomStream rng(1, 0, sim::StreamPurpose::kMisc);
  for (int i = 0; i < 4000; ++i) {
    ControlValues c{};
    double n = 0.0;
    double t = rng.exponential(1.0);
    for (std::size_t k = 0; k < kCounts; ++k) {
      for (; t <= mu[k]; t += rng.exponential(1.0)) n += 1.0;
      c[k] = n;
    }
    for (std::size_t k = kCounts; k < kControlCount; ++k) c[k] = 10.0 * rng.uniform();
    controls.push_back(c);
    y.push_back(3.0 + 0.5 * (c[0] - mu[0]) + 0.2 * (rng.uniform() - 0.5));
  }
  const ControlledMean m = controlled_mean(y, controls, mu);
  EXPECT_LT(std::abs(m.mean - 3.0), 4 * m.std_error);
  EXPECT_GT(m.variance_ratio, 100.0);
  EXPECT_GT(m.ci95, 1.9 * m.std_error);
  EXPECT_LT(m.ci95, 2.0 * m.std_error);
}

TEST(ControlVariate, AppliesOnlyWhereTheExpectationIsExact) {
  Scenario s = every_proposal_hits();
  EXPECT_TRUE(has_controls(s));
  s.cluster.failure.model = "weibull";
  EXPECT_FALSE(has_controls(s));
  s = every_proposal_hits();
  s.cluster.failure.node_mtbf_uncertainty = exponential_repair(96.0);
  EXPECT_FALSE(has_controls(s));
}

// The measurement behind docs/performance.md: the plain mean's variance over the controlled
// mean's residual variance, for goodput and wall time, on 1,024 replications of each published
// scenario, with every control and with the failure proposal counts only.
// Run with --gtest_also_run_disabled_tests --gtest_filter='*Measure*'.
TEST(ControlVariate, DISABLED_MeasureVarianceReductionOnThePublishedScenarios) {
  for (const char* name : {"llama3-16k", "default"}) {
    const Scenario s =
        load_scenario(std::string(GOODSIM_SOURCE_DIR) + "/scenarios/" + name + ".yaml");
    ASSERT_TRUE(has_controls(s));
    const auto results = run_replications(s, RunOptions{1024, 1, 2, {}});
    std::vector<ControlValues> controls(results.size());
    for (std::size_t i = 0; i < results.size(); ++i) controls[i] = control_values(s, 1, i);
    const ControlValues mu = control_expectations(s);
    // Counts only: the repair sums replaced by their expectation, which the regression drops.
    std::vector<ControlValues> counts_only = controls;
    for (ControlValues& c : counts_only) {
      for (std::size_t k = kCounts; k < kControlCount; ++k) c[k] = mu[k];
    }
    for (const PrecisionMetric m : {PrecisionMetric::kGoodput, PrecisionMetric::kWallH}) {
      const std::vector<double> y = metric_values(s, m, results);
      const ControlledMean all = controlled_mean(y, controls, mu);
      const ControlledMean counts = controlled_mean(y, counts_only, mu);
      const sim::SampleSummary plain = sim::summarize_mean(y);
      std::printf(
          "%-11s %-8s plain %.6g +/- %.3g   controlled %.6g +/- %.3g   ratio %.2f (counts only "
          "%.2f)\n",
          name, std::string(to_string(m)).c_str(), plain.mean, plain.ci95, all.mean, all.ci95,
          all.variance_ratio, counts.variance_ratio);
    }
  }
}

}  // namespace
}  // namespace goodsim::models
