// Multi-level checkpoints (docs/model.md, "Multi-level checkpoints"): in-memory copies on groups
// of peer nodes between persistent checkpoints; a recovery restores from the peers' memory
// unless some group lost every copy since it was written, and then from the persistent one.

#include <gtest/gtest.h>

#include <cmath>

#include "models/daly.h"
#include "models/monte_carlo.h"
#include "models/repair/repair_distribution.h"
#include "models/replication.h"
#include "tests/daly_scenario.h"

namespace goodsim::models {
namespace {

constexpr double kMin = 1.0 / 60.0;

// Daly's setting (unlimited spares, instant repair, no detect or swap) with an in-memory level
// every `memory_interval` and a persistent checkpoint every `ratio` of them.
Scenario multilevel_scenario(double system_mtbf_h, double memory_interval_h, int ratio,
                             std::int64_t copies) {
  Scenario s = daly_scenario(512, system_mtbf_h, 500.0, ratio * memory_interval_h);
  s.checkpoint.memory = MemoryLevelSpec{memory_interval_h, 5 * kMin, copies, 3 * kMin};
  s.recovery.load_h = 20 * kMin;  // from storage: only a fallback pays it
  return s;
}

TEST(MultiLevel, WhenTheCopiesSurviveItIsDalysModelOnTheInMemoryGrid) {
  // One group of every node: its copies are never all lost, so every recovery restores the
  // newest checkpoint from memory, with R = restart + memory.load.
  const double m = 6.0, tau = daly::exact_optimal_interval(m, 5 * kMin);
  const Scenario s = multilevel_scenario(m, tau, 4, 512);
  const auto results = run_replications(s, RunOptions{20000, 2026, 0, {}});
  const RunSummary sum = summarize(s, results);
  const double exact = daly::expected_wall_time_discrete(500.0, m, tau, 5 * kMin, 10 * kMin);
  EXPECT_LT(std::abs(sum.wall_h.mean - exact), 3.0 * sum.wall_h.std_error)
      << "simulated " << sum.wall_h.mean << " +/- " << sum.wall_h.std_error << ", Daly " << exact;
  EXPECT_EQ(sum.fallbacks_mean, 0.0);
  EXPECT_EQ(sum.peer_recoveries_mean, sum.recoveries_mean);
  EXPECT_GT(sum.recoveries_mean, 50.0);
}

TEST(MultiLevel, ASingleCopyIsLostWithItsNodeSoEveryRecoveryFallsBack) {
  const Scenario s = multilevel_scenario(6.0, 10 * kMin, 6, 1);
  for (std::uint64_t i = 0; i < 50; ++i) {
    const ReplicationResult r = simulate_replication(s, 7, i);
    EXPECT_GT(r.recoveries, 0);
    EXPECT_EQ(r.fallbacks, r.recoveries) << "replication " << i;
    EXPECT_EQ(r.peer_recoveries, 0);
  }
}

// Asynchronous persistent checkpoints: with a single copy every recovery falls back to the
// last durable checkpoint, and with every boundary persistent (ratio 1) and equal writes that is
// exactly the single-level asynchronous policy, replication by replication.
TEST(MultiLevel, AsyncPersistWithEveryCopyLostIsTheSingleLevelAsyncPolicy) {
  Scenario multi = multilevel_scenario(2.0, 30 * kMin, 1, 1);
  multi.checkpoint.memory->write_h = multi.checkpoint.write_h;
  multi.checkpoint.persist_h = 20 * kMin;
  Scenario single = multi;
  single.checkpoint.memory.reset();
  for (std::uint64_t i = 0; i < 200; ++i) {
    const ReplicationResult a = simulate_replication(multi, 5, i),
                            b = simulate_replication(single, 5, i);
    ASSERT_NEAR(a.wall_h, b.wall_h, 1e-9 * b.wall_h) << "replication " << i;
    ASSERT_EQ(a.fallbacks, a.recoveries);
  }
  // And the persist matters: a blocking persistent level loses less on each fallback.
  Scenario blocking = multi;
  blocking.checkpoint.persist_h = 0.0;
  const RunSummary async_sum = summarize(multi, run_replications(multi, RunOptions{400, 9, 0, {}}));
  const RunSummary blocking_sum =
      summarize(blocking, run_replications(blocking, RunOptions{400, 9, 0, {}}));
  EXPECT_GT(async_sum.bucket_mean_h[static_cast<std::size_t>(Bucket::kLost)],
            blocking_sum.bucket_mean_h[static_cast<std::size_t>(Bucket::kLost)]);
}

// Persists longer than the interval: with ratio 1, a single copy and free in-memory writes (the
// boundaries skipped become in-memory ones), multi-level's stall and skip are the single-level
// policy's, replication by replication.
TEST(MultiLevel, PersistsLongerThanTheIntervalStallOrSkipAsTheSingleLevelPolicy) {
  for (const PersistOverlap overlap : {PersistOverlap::kStall, PersistOverlap::kSkip}) {
    for (const double persist : {50 * kMin, 95 * kMin}) {
      Scenario multi = multilevel_scenario(2.0, 30 * kMin, 1, 1);
      multi.checkpoint.memory->write_h = 0.0;
      multi.checkpoint.persist_h = persist;
      multi.checkpoint.overlap = overlap;
      Scenario single = multi;
      single.checkpoint.memory.reset();
      for (std::uint64_t i = 0; i < 100; ++i) {
        const ReplicationResult a = simulate_replication(multi, 5, i),
                                b = simulate_replication(single, 5, i);
        ASSERT_NEAR(a.wall_h, b.wall_h, 1e-9 * b.wall_h)
            << "replication " << i << ", overlap " << static_cast<int>(overlap) << ", persist "
            << persist;
      }
    }
  }
}

TEST(MultiLevel, PairsFallBackOnlyWhenBothNodesOfAPairFailBetweenWrites) {
  // Pairs of 512 nodes: a fallback needs a second failure on the one partner of an earlier
  // failed node before the next in-memory write, so fallbacks are rare but happen.
  Scenario s = multilevel_scenario(0.5, 10 * kMin, 6, 2);
  s.recovery.detect_h = 20 * kMin;  // long recoveries: more time for a partner to fail
  const RunSummary sum = summarize(s, run_replications(s, RunOptions{400, 11, 0, {}}));
  EXPECT_GT(sum.fallbacks_mean, 0.0);
  EXPECT_LT(sum.fallbacks_mean, 0.05 * sum.recoveries_mean);
  EXPECT_NEAR(sum.fallbacks_mean + sum.peer_recoveries_mean, sum.recoveries_mean, 1e-9);
}

TEST(MultiLevel, BucketsAddUpToTheWallTimeWithCausesAndDomains) {
  Scenario s = multilevel_scenario(2.0, 10 * kMin, 3, 4);
  s.cluster.spares = 8;
  s.cluster.repair.distribution = exponential_repair(24.0);
  s.cluster.domain_size = 16;
  s.cluster.causes = {CauseSpec{"software", 3.0, Handling::kRestart, {}},
                      CauseSpec{"gpu", 5.0, Handling::kSwap, {}},
                      CauseSpec{"switch", 0.2, Handling::kDomain, {}}};
  s.recovery.detect_h = 5 * kMin;
  s.recovery.swap_h = 5 * kMin;
  for (std::uint64_t i = 0; i < 30; ++i) {
    const ReplicationResult r = simulate_replication(s, 5, i);
    double total = 0.0;
    for (const double b : r.buckets_h) total += b;
    EXPECT_NEAR(total, r.wall_h, 1e-9 * r.wall_h) << "replication " << i;
    EXPECT_DOUBLE_EQ(r.bucket(Bucket::kProductive), s.job.work_h);
    EXPECT_EQ(r.peer_recoveries + r.fallbacks, r.recoveries);
  }
}

}  // namespace
}  // namespace goodsim::models
