// Repair distributions: each reproduces its parameters, and the pool waits exactly as long
// as a fixed repair takes.

#include "models/repair/repair_distribution.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "models/replication.h"
#include "sim/statistics.h"

namespace goodsim::models {
namespace {

RepairDistributionPtr parse(const std::string& yaml) {
  return read_repair_distribution(sim::parse_config(yaml, "repair.yaml"));
}

std::vector<double> draw(const RepairDistribution& d, std::size_t n) {
  sim::RandomStream rng(42, 0, sim::StreamPurpose::kRepairs);
  std::vector<double> xs(n);
  for (double& x : xs) x = d.sample(rng);
  return xs;
}

TEST(RepairDistribution, ExponentialIsTheDefaultModel) {
  const auto d = parse("mean: 24h");
  const auto s = sim::summarize(draw(*d, 100000));
  EXPECT_DOUBLE_EQ(d->mean_h(), 24.0);
  EXPECT_LT(std::abs(s.mean - 24.0), 3 * s.std_error);
}

TEST(RepairDistribution, LognormalFromMedianAndP90HitsBothQuantiles) {
  const auto d = parse("{model: lognormal, median: 12h, p90: 72h}");
  auto xs = draw(*d, 100000);
  std::sort(xs.begin(), xs.end());
  // A sample quantile's own standard error is sqrt(p(1-p)/n) in probability: 0.0016 at P50.
  const double below_median =
      static_cast<double>(std::lower_bound(xs.begin(), xs.end(), 12.0) - xs.begin()) / 1e5;
  const double below_p90 =
      static_cast<double>(std::lower_bound(xs.begin(), xs.end(), 72.0) - xs.begin()) / 1e5;
  EXPECT_NEAR(below_median, 0.5, 3 * std::sqrt(0.25 / 1e5));
  EXPECT_NEAR(below_p90, 0.9, 3 * std::sqrt(0.09 / 1e5));
}

TEST(RepairDistribution, LognormalFromMeanAndSigmaHasThatMean) {
  const auto d = parse("{model: lognormal, mean: 24h, sigma: 0.8}");
  EXPECT_NEAR(d->mean_h(), 24.0, 1e-9);
  const auto s = sim::summarize(draw(*d, 200000));
  EXPECT_LT(std::abs(s.mean - 24.0), 3 * s.std_error);
}

TEST(RepairDistribution, FixedAlwaysTakesTheSameTime) {
  const auto d = parse("{model: fixed, mean: 6h}");
  for (double x : draw(*d, 100)) EXPECT_EQ(x, 6.0);
}

TEST(RepairDistribution, EmpiricalResamplesTheObservationsUniformly) {
  const auto d = parse("{model: empirical, samples: [1h, 2h, 3h, 4h]}");
  EXPECT_DOUBLE_EQ(d->mean_h(), 2.5);
  std::map<double, int> counts;
  for (double x : draw(*d, 40000)) ++counts[x];
  ASSERT_EQ(counts.size(), 4u);
  double chi2 = 0;
  for (const auto& [value, n] : counts) chi2 += (n - 10000.0) * (n - 10000.0) / 10000.0;
  EXPECT_LT(chi2, 16.27);  // chi-square, 3 degrees of freedom, p = 0.001
}

TEST(RepairDistribution, BadParametersNameTheKey) {
  const auto expect_error = [](const std::string& yaml, const std::string& fragment) {
    try {
      parse(yaml);
      ADD_FAILURE() << "accepted: " << yaml;
    } catch (const sim::InputError& e) {
      EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find("repair.yaml:1:"), std::string::npos) << e.what();
    }
  };
  expect_error("{model: lognormal, mean: 24h}", "needs either {mean, sigma} or {median, p90}");
  expect_error("{model: lognormal, median: 12h, p90: 6h}", "expected p90 > median");
  expect_error("{model: empirical, samples: []}", "non-empty list");
  expect_error("{model: empirical, samples: [1h, -2h]}", "expected a duration > 0");
  expect_error("{model: fixed, mean: 6h, sigma: 2}", "unknown key 'sigma'");
  expect_error("{model: gamma, mean: 6h}", "supported: exponential, lognormal, fixed, empirical");
}

TEST(RepairDistribution, PoolWaitsExactlyTheRestOfAFixedRepair) {
  // One node, no spares: after each failure the job waits until the repair (6 h) ends,
  // i.e. 6 h - detect (0.5 h) per failure, since nothing can fail while the slot is empty.
  Scenario s;
  s.cluster.nodes = 1;
  s.cluster.failure.node_mtbf_h = 10.0;
  s.cluster.repair.distribution = parse("{model: fixed, mean: 6h}");
  s.job.work_h = 5.0;
  s.recovery = hot_spare_recovery(0.5, 0.1, 0.2, 0.1);
  for (std::uint64_t i = 0; i < 300; ++i) {
    const ReplicationResult r = simulate_replication(s, 8, i);
    EXPECT_NEAR(r.bucket(Bucket::kWaitSpares), static_cast<double>(r.interruptions) * 5.5, 1e-9);
  }
}

}  // namespace
}  // namespace goodsim::models
