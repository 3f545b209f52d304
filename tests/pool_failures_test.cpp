// Spares can fail in the pool (cluster.pool_failures): idle spares fail at the node MTBF and
// go to repair; off by default.

#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "models/monte_carlo.h"
#include "models/replication.h"
#include "models/scenario_loader.h"
#include "sim/statistics.h"

namespace goodsim::models {
namespace {

Scenario load_yaml(const std::string& yaml) {
  return scenario_from_yaml(yaml, "t.yaml");
}

// Instant recovery and a near-instant repair: the pool holds all its spares at (almost)
// every instant, so its failures form a Poisson process of rate spares / node_mtbf.
constexpr const char* kCluster = R"(
cluster:
  nodes: 4
  spares: 10
  failure: {node_mtbf: 100h}
  repair: {model: fixed, mean: 0.0036s}
)";
constexpr const char* kJob = "job: {work: 200h}\ncheckpoint: {interval: 1h}\n";

TEST(PoolFailures, IdleSparesFailAtTheNodeMtbfAndGoToRepair) {
  const Scenario s = load_yaml(std::string(kCluster) + "  pool_failures: true\n" + kJob);
  ASSERT_TRUE(s.cluster.pool_failures);
  const auto results = run_replications(s, RunOptions{400, 3, 1, {}});
  double observed = 0.0, expected = 0.0;
  for (const ReplicationResult& r : results) {
    observed += static_cast<double>(r.pool_failures);
    expected += static_cast<double>(s.cluster.spares) * r.wall_h / s.cluster.failure.node_mtbf_h;
    // Every failed node goes to repair: the job's and the pool's.
    EXPECT_EQ(r.repairs, r.interruptions + r.pool_failures);
    EXPECT_NEAR(r.bucket_sum(), r.wall_h, 1e-9 * r.wall_h);
  }
  EXPECT_NEAR(observed, expected, 4.0 * std::sqrt(expected));
}

TEST(PoolFailures, OffByDefault) {
  const Scenario s = load_yaml(std::string(kCluster) + kJob);
  EXPECT_FALSE(s.cluster.pool_failures);
  for (std::uint64_t i = 0; i < 20; ++i) {
    const ReplicationResult r = simulate_replication(s, 3, i);
    EXPECT_EQ(r.pool_failures, 0);
    EXPECT_EQ(r.repairs, r.interruptions);
  }
}

TEST(PoolFailures, FailingSparesMakeTheJobWaitLonger) {
  // Slow repairs and few spares: spares lost in the pool are missing when the job needs them.
  const std::string cluster = R"(
cluster:
  nodes: 16
  spares: 2
  failure: {node_mtbf: 200h}
  repair: {model: fixed, mean: 30h}
)";
  const std::string job = "job: {work: 200h}\ncheckpoint: {interval: 1h}\n";
  const RunOptions options{1000, 4, 1, {}};
  const auto off = run_replications(load_yaml(cluster + job), options);
  const auto on = run_replications(load_yaml(cluster + "  pool_failures: true\n" + job), options);
  // Same seeds, same failure times of the job's nodes: compare replication by replication.
  std::vector<double> diff;
  for (std::size_t i = 0; i < on.size(); ++i) {
    diff.push_back(on[i].bucket(Bucket::kWaitSpares) - off[i].bucket(Bucket::kWaitSpares));
  }
  const sim::SampleSummary d = sim::summarize(diff);
  EXPECT_GT(d.mean, 4.0 * d.ci95 / 1.96);  // ci95 is 1.96 standard errors
}

}  // namespace
}  // namespace goodsim::models
