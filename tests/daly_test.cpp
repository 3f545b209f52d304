// Closed forms of Young (1974) and Daly (2006), and the simulator held to Daly's expected
// wall time within Monte Carlo error for Daly's three published cases.

#include "models/daly.h"

#include <gtest/gtest.h>

#include <cmath>

#include "models/monte_carlo.h"
#include "tests/daly_scenario.h"

namespace goodsim::models {
namespace {

constexpr double kMin = 1.0 / 60.0;

struct DalyCase {
  double mtbf_h;
  double published_optimum_min;  // Daly 2006, captions of Fig. 3-5
};

// T_s = 500 h, R = 10 min, delta = 5 min.
constexpr DalyCase kDalyCases[] = {{24.0, 117.0}, {6.0, 57.0}, {0.25, 9.1}};

TEST(Daly, HigherOrderIntervalMatchesPublishedOptimaWithinOnePercent) {
  for (const DalyCase& c : kDalyCases) {
    const double tau_min = daly::higher_order_interval(c.mtbf_h, 5 * kMin) * 60.0;
    EXPECT_NEAR(tau_min, c.published_optimum_min, 0.01 * c.published_optimum_min) << c.mtbf_h;
  }
}

TEST(Daly, ExactOptimumMatchesPublishedOptimaWithinOnePercent) {
  for (const DalyCase& c : kDalyCases) {
    const double tau_min = daly::exact_optimal_interval(c.mtbf_h, 5 * kMin) * 60.0;
    EXPECT_NEAR(tau_min, c.published_optimum_min, 0.01 * c.published_optimum_min) << c.mtbf_h;
  }
}

TEST(Daly, ExactOptimumMinimisesExpectedWallTime) {
  for (const DalyCase& c : kDalyCases) {
    const double tau = daly::exact_optimal_interval(c.mtbf_h, 5 * kMin);
    const auto wall = [&](double t) {
      return daly::expected_wall_time(500.0, c.mtbf_h, t, 5 * kMin, 10 * kMin);
    };
    EXPECT_LT(wall(tau), wall(tau * 1.001));
    EXPECT_LT(wall(tau), wall(tau * 0.999));
  }
}

TEST(Daly, YoungAndFirstOrderFormulas) {
  EXPECT_DOUBLE_EQ(daly::young_interval(24.0, 5 * kMin), std::sqrt(2.0 * 5 * kMin * 24.0));
  EXPECT_NEAR(daly::young_interval(24.0, 5 * kMin) * 60, 120.0, 1e-9);
  EXPECT_NEAR(daly::first_order_interval(24.0, 5 * kMin, 10 * kMin) * 60, 120.4, 0.05);
  // Daly: when delta >= 2M the optimum is M.
  EXPECT_DOUBLE_EQ(daly::higher_order_interval(1.0, 3.0), 1.0);
}

TEST(Daly, ExpectedWallTimesOfThePublishedCases) {
  // Daly's published cases, recomputed with his exact expected wall time: 547.9 h, 610.2 h,
  // 2504 h.
  const double expected[] = {547.9, 610.2, 2504.0};
  for (std::size_t i = 0; i < 3; ++i) {
    const double m = kDalyCases[i].mtbf_h;
    const double tau = daly::exact_optimal_interval(m, 5 * kMin);
    EXPECT_NEAR(daly::expected_wall_time(500.0, m, tau, 5 * kMin, 10 * kMin), expected[i],
                0.0005 * expected[i]);
  }
}

TEST(Daly, DiscreteFormIsContinuousMinusTheLastCheckpointWhenTheIntervalDividesTheWork) {
  // 500 h in 0.5 h segments: Daly counts 1000 segments of tau + delta; goodsim writes no
  // checkpoint after the last one, so its last segment is tau alone.
  const double m = 6.0, tau = 0.5, delta = 5 * kMin, r = 10 * kMin;
  const double saved =
      daly::expected_segment_time(tau + delta, m, r) - daly::expected_segment_time(tau, m, r);
  EXPECT_NEAR(daly::expected_wall_time_discrete(500.0, m, tau, delta, r),
              daly::expected_wall_time(500.0, m, tau, delta, r) - saved, 1e-9);
}

void expect_mean_wall_matches_daly(double mtbf_h, std::int64_t reps) {
  const double tau = daly::exact_optimal_interval(mtbf_h, 5 * kMin);
  const Scenario s = daly_scenario(512, mtbf_h, 500.0, tau);
  const auto results = run_replications(s, RunOptions{reps, 2006, 0, {}});
  const RunSummary sum = summarize(s, results);
  const double exact = daly::expected_wall_time_discrete(500.0, mtbf_h, tau, 5 * kMin, 10 * kMin);
  EXPECT_LT(std::abs(sum.wall_h.mean - exact), 3.0 * sum.wall_h.std_error)
      << "M = " << mtbf_h << " h: simulated " << sum.wall_h.mean << " +/- " << sum.wall_h.std_error
      << ", Daly " << exact;
  // Daly's continuous-n formula differs from the whole-segment one by well under 0.1 %.
  EXPECT_NEAR(exact, daly::expected_wall_time(500.0, mtbf_h, tau, 5 * kMin, 10 * kMin),
              0.001 * exact);
}

TEST(DalyValidation, MeanWallTimeMatchesDalyForM24h) {
  expect_mean_wall_matches_daly(24.0, 40000);
}
TEST(DalyValidation, MeanWallTimeMatchesDalyForM6h) {
  expect_mean_wall_matches_daly(6.0, 40000);
}
TEST(DalyValidation, MeanWallTimeMatchesDalyForM15min) {
  expect_mean_wall_matches_daly(0.25, 1000);
}

}  // namespace
}  // namespace goodsim::models
