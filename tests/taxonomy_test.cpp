// Failure taxonomy and failure domains: causes occur in their shares, a domain failure
// empties exactly its domain, a restart-only failure sends nothing to repair.

#include <gtest/gtest.h>

#include <cmath>
#include <numeric>

#include "models/monte_carlo.h"
#include "models/repair/repair_distribution.h"
#include "models/replication.h"
#include "models/scenario_loader.h"

namespace goodsim::models {
namespace {

Scenario small_cluster(std::int64_t nodes, std::int64_t domain_size, Handling handling) {
  Scenario s;
  s.cluster.nodes = nodes;
  s.cluster.spares = 1'000'000;
  s.cluster.domain_size = domain_size;
  s.cluster.failure.node_mtbf_h = 100.0 * static_cast<double>(nodes);
  s.cluster.repair.distribution = exponential_repair(1000.0);
  s.cluster.causes = {CauseSpec{"only", 1.0, handling, {}}};
  s.job.work_h = 200.0;  // job MTBF 100 h: checkpoint hourly so that the job finishes
  s.checkpoint.interval_h = 1.0;
  return s;
}

TEST(Taxonomy, CausesOccurInTheirPublishedShares) {
  const Scenario s = load_scenario(GOODSIM_SOURCE_DIR "/scenarios/llama3-16k-taxonomy.yaml");
  const auto results = run_replications(s, RunOptions{300, 17, 0, {}});
  std::vector<double> counts(s.cluster.causes.size(), 0.0);
  double total = 0.0;
  for (const auto& r : results) {
    for (std::size_t c = 0; c < counts.size(); ++c)
      counts[c] += static_cast<double>(r.interruptions_by_cause[c]);
    total += static_cast<double>(r.interruptions);
  }
  double share_total = 0.0;
  for (const CauseSpec& c : s.cluster.causes) share_total += c.share;
  double chi2 = 0.0;
  for (std::size_t c = 0; c < counts.size(); ++c) {
    const double expected = total * s.cluster.causes[c].share / share_total;
    chi2 += (counts[c] - expected) * (counts[c] - expected) / expected;
  }
  ASSERT_EQ(counts.size(), 18u);
  EXPECT_LT(chi2, 40.79);  // chi-square, 17 degrees of freedom, p = 0.001
  EXPECT_EQ(std::accumulate(counts.begin(), counts.end(), 0.0), total);
}

TEST(Taxonomy, DomainFailureEmptiesExactlyItsDomain) {
  // Zero recovery time and plenty of spares: every slot is occupied at every failure, so a
  // domain failure sends exactly domain_size nodes to repair.
  const Scenario s = small_cluster(8, 4, Handling::kDomain);
  std::int64_t failures = 0;
  for (std::uint64_t i = 0; i < 100; ++i) {
    const ReplicationResult r = simulate_replication(s, 5, i);
    EXPECT_EQ(r.repairs, 4 * r.interruptions);
    failures += r.interruptions;
  }
  EXPECT_GT(failures, 100);
}

TEST(Taxonomy, UnevenDomainsEmptyTheFailingNodesDomain) {
  // 8 nodes in domains {0,1,2} {3,4,5} {6,7}: a uniformly chosen node's domain holds
  // 3, 3 or 2 nodes with probability 3/8, 3/8, 2/8: 2.75 nodes per failure on average.
  const Scenario s = small_cluster(8, 3, Handling::kDomain);
  const auto results = run_replications(s, RunOptions{2000, 6, 0, {}});
  double repairs = 0, failures = 0;
  for (const auto& r : results) {
    repairs += static_cast<double>(r.repairs);
    failures += static_cast<double>(r.interruptions);
  }
  // Nodes per failure is 2 or 3: variance <= 0.25, so SE <= 0.5 / sqrt(failures).
  EXPECT_NEAR(repairs / failures, 2.75, 3 * 0.5 / std::sqrt(failures));
}

TEST(Taxonomy, RestartFailuresNeverSwapOrRepair) {
  Scenario s = small_cluster(16, 0, Handling::kRestart);
  s.cluster.spares = 0;  // no spares needed: the node stays in its slot
  s.recovery = hot_spare_recovery(0.1, 0.5, 0.2, 0.1);
  for (std::uint64_t i = 0; i < 100; ++i) {
    const ReplicationResult r = simulate_replication(s, 7, i);
    EXPECT_EQ(r.repairs, 0);
    EXPECT_EQ(r.bucket(Bucket::kSwap), 0.0);
    EXPECT_EQ(r.bucket(Bucket::kWaitSpares), 0.0);
    EXPECT_NEAR(r.bucket_sum(), r.wall_h, 1e-9 * r.wall_h);
  }
}

TEST(Taxonomy, BadCausesAreRejectedAtTheirLine) {
  const auto load = [](const std::string& extra) {
    const std::string yaml =
        "cluster:\n"
        "  nodes: 16\n"
        "  failure: {node_mtbf: 1000h}\n"
        "  repair: {mean: 24h}\n" +
        extra + "job: {work: 100h}\n";
    return scenario_from_config(sim::parse_config(yaml, "t.yaml"), "t.yaml");
  };
  const auto expect_error = [&](const std::string& extra, const std::string& fragment) {
    try {
      load(extra);
      ADD_FAILURE() << "accepted: " << extra;
    } catch (const sim::InputError& e) {
      EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find("t.yaml:"), std::string::npos) << e.what();
    }
  };
  EXPECT_NO_THROW(load("  causes: [{name: a, share: 1, handling: restart}]\n"));
  expect_error("  causes: [{name: a, share: 1, handling: domain}]\n", "needs cluster.domain_size");
  expect_error("  causes: [{name: a, share: 1, handling: reboot}]\n", "unknown handling 'reboot'");
  expect_error("  causes: [{name: a, share: 0}]\n", "expected a number > 0");
  expect_error("  causes: [{name: a, share: 1}, {name: a, share: 2}]\n",
               "duplicate cause name 'a'");
  expect_error("  causes: []\n", "non-empty list of causes");
  expect_error("  domain_size: 17\n", "domain size <= cluster.nodes");
}

}  // namespace
}  // namespace goodsim::models
