// Recovery strategies elastic and requeue, and every strategy's exact accounting with a
// taxonomy and asynchronous checkpoints: each test checks one property the scenario format and
// models/ headers promise.

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <string>

#include "models/checkpoint/policy.h"
#include "models/cost.h"
#include "models/monte_carlo.h"
#include "models/recovery/strategy.h"
#include "models/repair/repair_distribution.h"
#include "models/replication.h"
#include "tests/replication_checks.h"
#include "tests/strategy_scenarios.h"
#include "tests/test_support.h"

namespace goodsim::models {
namespace {

// ---------------------------------------------------------------------------------------------
// Elastic.

Scenario elastic(Scenario s, std::int64_t dp_group_nodes, double reconfigure_h) {
  s.recovery.strategy = "elastic";
  s.recovery.elastic.dp_group_nodes = dp_group_nodes;
  s.recovery.elastic.reconfigure_h = reconfigure_h;
  return s;
}

TEST(Elastic, WithSparesAlwaysAtHandItIsHotSpare) {
  Scenario hot = cluster(16, 4.0, 100.0);
  hot.recovery = hot_spare_recovery(0.05, 0.1, 0.1, 0.05);
  hot.checkpoint.interval_h = 1.0;
  hot.checkpoint.write_h = 0.05;
  // Elastic tracks slots one by one (to count the groups they empty); with one failure domain
  // and no domain causes the hot-spare job tracks them too, so both draw the same picks.
  hot.cluster.domain_size = hot.cluster.nodes;
  const Scenario el = elastic(hot, 4, 0.2);
  for (std::uint64_t i = 0; i < 50; ++i) {
    const ReplicationResult a = simulate_replication(hot, 41, i);
    const ReplicationResult b = simulate_replication(el, 41, i);
    EXPECT_GT(a.interruptions, 0);
    EXPECT_EQ(b.bucket(Bucket::kDegraded), 0.0);
    expect_identical(a, b);
  }
}

TEST(Elastic, ShortPoolRunsDegradedWithExactAccounting) {
  Scenario s = elastic(cluster(16, 4.0, 100.0), 4, 0.2);
  s.cluster.spares = 1;
  s.cluster.repair.distribution = exponential_repair(8.0);
  s.recovery.detect_h = 0.05;
  s.recovery.swap_h = 0.1;
  s.recovery.restart_h = 0.1;
  s.recovery.load_h = 0.05;
  s.checkpoint.interval_h = 1.0;
  s.checkpoint.write_h = 0.05;
  s.checkpoint.persist_h = 0.3;
  double degraded = 0.0, reconfigure = 0.0;
  for (const ReplicationResult& r : run_replications(s, RunOptions{100, 42, 1, {}})) {
    expect_exact_accounting(s, r);
    degraded += r.bucket(Bucket::kDegraded);
    reconfigure += r.bucket(Bucket::kReconfigure);
  }
  EXPECT_GT(degraded, 0.0);
  EXPECT_GT(reconfigure, 0.0);
}

TEST(Elastic, OneFailureOnTwoGroupsByHand) {
  // Two one-node groups, no spares, repairs of exactly R, no checkpoints. A single failure at
  // T loses T of progress; after detect d and restart + load rl the job computes on one group
  // at half speed until the repair returns at T + R, making 0.5 (R - d - rl) of progress
  // (degraded time: as much again), then regrows: swap + reconfigure, and the rest at full
  // speed.
  const double R = 2.0, d = 0.1, rl = 0.15 + 0.05, swap = 0.1, reconf = 0.05, W = 10.0;
  Scenario s = elastic(cluster(2, 20.0, W), 1, reconf);
  s.cluster.spares = 0;
  s.cluster.repair.distribution = distribution("{model: fixed, mean: 2h}");
  s.recovery.detect_h = d;
  s.recovery.swap_h = swap;
  s.recovery.restart_h = 0.15;
  s.recovery.load_h = 0.05;
  const double progress = 0.5 * (R - d - rl);
  int cases = 0;
  for (const ReplicationResult& r : run_replications(s, RunOptions{400, 43, 1, {}})) {
    expect_exact_accounting(s, r);
    if (r.interruptions != 1) continue;
    ++cases;
    const double T = r.bucket(Bucket::kLost);
    EXPECT_NEAR(r.bucket(Bucket::kDetect), d, 1e-12);
    EXPECT_NEAR(r.bucket(Bucket::kRestartLoad), rl, 1e-12);
    EXPECT_NEAR(r.bucket(Bucket::kDegraded), progress, 1e-12);
    EXPECT_NEAR(r.bucket(Bucket::kSwap), swap, 1e-12);
    EXPECT_NEAR(r.bucket(Bucket::kReconfigure), reconf, 1e-12);
    EXPECT_EQ(r.bucket(Bucket::kWaitSpares), 0.0);
    EXPECT_NEAR(r.wall_h, T + R + swap + reconf + (W - progress), 1e-9);
  }
  EXPECT_GT(cases, 50);  // P(exactly one failure) is about 0.3
}

TEST(Elastic, ADomainFailureInsideOneGroupStopsOnlyThatGroup) {
  // Four groups of two nodes, each group one failure domain, every failure a domain failure:
  // one failure empties two slots of one group, so three groups of four compute on.
  const double R = 2.0, d = 0.1, rl = 0.2, W = 10.0;
  Scenario s = elastic(cluster(8, 20.0, W), 2, 0.05);
  s.cluster.spares = 0;
  s.cluster.domain_size = 2;
  s.cluster.causes = {CauseSpec{"switch", 1.0, Handling::kDomain, {}}};
  s.cluster.repair.distribution = distribution("{model: fixed, mean: 2h}");
  s.recovery.detect_h = d;
  s.recovery.restart_h = 0.15;
  s.recovery.load_h = 0.05;
  const double progress = 0.75 * (R - d - rl);
  int cases = 0;
  for (const ReplicationResult& r : run_replications(s, RunOptions{400, 45, 1, {}})) {
    expect_exact_accounting(s, r);
    if (r.interruptions != 1) continue;
    ++cases;
    EXPECT_NEAR(r.bucket(Bucket::kDegraded), progress * (1.0 / 0.75 - 1.0), 1e-12);
  }
  EXPECT_GT(cases, 50);
}

TEST(Elastic, SparesBackBeforeTheDegradedJobComputesMakeItAHotSpareRecovery) {
  // As above, but the repair (R = 0.25 h) returns while the shrunken job is still restarting
  // and loading its checkpoint (d + rl = 0.3 h): it has computed nothing on fewer groups, and
  // the returning node needs the checkpoint too. A single failure at T then costs what it
  // costs a hot-spare job: T lost, the wait for the repair, swap, restart + load.
  const double R = 0.25, d = 0.1, rl = 0.2, swap = 0.1, W = 10.0;
  Scenario hot = cluster(2, 20.0, W);
  hot.cluster.spares = 0;
  hot.cluster.repair.distribution = distribution("{model: fixed, mean: 15min}");
  hot.recovery = hot_spare_recovery(d, swap, 0.15, 0.05);
  hot.cluster.domain_size = hot.cluster.nodes;  // slots tracked, as elastic does (see above)
  const Scenario el = elastic(hot, 1, 0.05);
  int cases = 0;
  for (std::uint64_t i = 0; i < 400; ++i) {
    const ReplicationResult a = simulate_replication(hot, 44, i);
    const ReplicationResult b = simulate_replication(el, 44, i);
    expect_exact_accounting(el, b);
    if (a.interruptions != 1) continue;
    ++cases;
    EXPECT_NEAR(a.wall_h, a.bucket(Bucket::kLost) + R + swap + rl + W, 1e-9);
    expect_identical(a, b);
  }
  EXPECT_GT(cases, 50);  // P(exactly one failure) is about 0.3
}

// ---------------------------------------------------------------------------------------------
// Every strategy: exact accounting, with a taxonomy and async checkpoints.

Scenario everything(const std::string& strategy, PersistOverlap overlap) {
  Scenario s = cluster(16, 5.0, 100.0);
  s.cluster.spares = 3;
  s.cluster.repair.distribution = exponential_repair(2.0);
  s.cluster.domain_size = 4;
  s.cluster.causes = {CauseSpec{"software", 0.4, Handling::kRestart, {}},
                      CauseSpec{"gpu", 0.4, Handling::kSwap, {}},
                      CauseSpec{"switch", 0.2, Handling::kDomain, {exponential_repair(0.5)}}};
  s.checkpoint.interval_h = 1.0;
  s.checkpoint.write_h = 0.05;
  s.checkpoint.persist_h = 1.5;
  s.checkpoint.overlap = overlap;
  s.recovery = hot_spare_recovery(0.05, 0.1, 0.1, 0.05);
  s.recovery.strategy = strategy;
  s.recovery.checkpointless.replicas = 2;
  s.recovery.checkpointless.transfer_h = 0.05;
  s.recovery.queue = exponential_repair(0.5);
  s.recovery.elastic.dp_group_nodes = 4;
  s.recovery.elastic.reconfigure_h = 0.1;
  return s;
}

TEST(EveryStrategy, BucketsAddUpToTheWallTimeAndProductiveIsTheWork) {
  for (const std::string strategy : {"hot_spare", "checkpointless", "requeue", "elastic"}) {
    for (const PersistOverlap overlap : {PersistOverlap::kStall, PersistOverlap::kSkip}) {
      SCOPED_TRACE(strategy);
      SCOPED_TRACE(overlap == PersistOverlap::kStall ? "stall" : "skip");
      const Scenario s = everything(strategy, overlap);
      for (const ReplicationResult& r : run_replications(s, RunOptions{60, 51, 1, {}})) {
        EXPECT_GT(r.interruptions, 0);
        expect_exact_accounting(s, r);
      }
    }
  }
}

TEST(EveryStrategy, AccountingIsExactWithWeibullFailuresAndPackedReplicas) {
  // Weibull clocks restart for nodes entering slots (hot_spare and elastic allow them);
  // restart and swap causes only, as the loader demands;
  // packed replicas make domain failures fall back (checkpointless).
  Scenario weibull = everything("hot_spare", PersistOverlap::kSkip);
  weibull.cluster.failure.model = "weibull";
  weibull.cluster.failure.weibull_shape = 0.7;
  weibull.cluster.domain_size = 0;  // domain failures need exponential ones (scenario_loader)
  weibull.cluster.causes.pop_back();
  Scenario elastic_weibull = weibull;
  elastic_weibull.recovery.strategy = "elastic";
  Scenario packed = everything("checkpointless", PersistOverlap::kStall);
  packed.recovery.checkpointless.placement = Placement::kPacked;
  for (const Scenario& s : {weibull, elastic_weibull, packed}) {
    SCOPED_TRACE(s.recovery.strategy);
    for (const ReplicationResult& r : run_replications(s, RunOptions{60, 52, 1, {}})) {
      EXPECT_GT(r.interruptions, 0);
      expect_exact_accounting(s, r);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Requeue.

TEST(Requeue, HoldsNoSparesAndWaitsInTheQueueInstead) {
  Scenario s = cluster(16, 5.0, 100.0);
  s.cluster.spares = 4;
  s.recovery = hot_spare_recovery(0.05, 0.1, 0.1, 0.05);
  s.recovery.strategy = "requeue";
  s.recovery.queue = exponential_repair(0.5);
  s.checkpoint.interval_h = 1.0;
  s.checkpoint.write_h = 0.05;
  s.cost.node_hour_usd = 2.0;
  s.cost.repair_usd = 100.0;
  double queue = 0.0, interruptions = 0.0;
  for (const ReplicationResult& r : run_replications(s, RunOptions{300, 61, 1, {}})) {
    expect_exact_accounting(s, r);
    const CostBreakdown cost = replication_cost(s, r);
    EXPECT_EQ(cost.spares_usd, 0.0);
    EXPECT_EQ(paid_node_hours(s, r), static_cast<double>(s.cluster.nodes) * r.wall_h);
    EXPECT_GT(r.bucket(Bucket::kQueue), 0.0);
    EXPECT_EQ(r.bucket(Bucket::kWaitSpares), 0.0);
    EXPECT_EQ(r.bucket(Bucket::kSwap), 0.0);
    EXPECT_EQ(r.repairs, 0);  // the scheduler repairs its nodes, not this job
    queue += r.bucket(Bucket::kQueue);
    interruptions += static_cast<double>(r.interruptions);
  }
  // The job holds no node while queued, so nothing interrupts a queue wait: every failure
  // pays one whole queue time, exponential with mean 0.5 h (standard deviation 0.5 h too).
  const double mean = s.recovery.queue->mean_h();
  EXPECT_LT(std::abs(queue / interruptions - mean), 4 * mean / std::sqrt(interruptions))
      << queue / interruptions;
}

}  // namespace
}  // namespace goodsim::models
