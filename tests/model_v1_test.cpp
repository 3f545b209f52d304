// Model v1 (docs/model.md): hot spares, blocking checkpoints, exponential failures and
// repairs. Exact cases derived by hand pin the pool and repair logic; invariants hold in
// every replication.

#include <gtest/gtest.h>

#include <cmath>

#include "models/monte_carlo.h"
#include "models/repair/repair_distribution.h"
#include "models/replication.h"
#include "models/scenario_loader.h"
#include "sim/error.h"

namespace goodsim::models {
namespace {

// One node, no spares, no checkpoints: after a failure nothing can fail (the only slot is
// empty), so the job waits max(detect, repair) and then needs swap + restart + load + work
// without a failure. With m = node MTBF, r = repair mean, d = detect, L = work and
// D = swap + restart + load + L (all exposed to failures):
//   E[max(d, Y)] = d + r e^{-d/r}                         (Y ~ Exp(mean r))
// A stretch that needs D hours lasts min(X, D), X ~ Exp(m), so the expected time V from a
// fill to the end satisfies
//   V = m (1 - p1) + (1 - p1)(E[max] + V)  =>  V = (1 - p1)(m + E[max]) / p1,  p1 = e^{-D/m}
//   E[wall] = m (1 - p0) + (1 - p0)(E[max] + V),  p0 = e^{-L/m}
//   E[failures] = (1 - p0) / p1,  E[wait_spares] = E[failures] r e^{-d/r}.
struct SingleNode {
  double m = 10.0, r = 2.0, d = 0.5, swap = 0.25, restart = 0.3, load = 0.2, work = 5.0;

  Scenario scenario() const {
    Scenario s;
    s.cluster.nodes = 1;
    s.cluster.spares = 0;
    s.cluster.failure.node_mtbf_h = m;
    s.cluster.repair.distribution = exponential_repair(r);
    s.job.work_h = work;
    s.recovery = hot_spare_recovery(d, swap, restart, load);
    return s;
  }
  double p0() const { return std::exp(-work / m); }
  double p1() const { return std::exp(-(swap + restart + load + work) / m); }
  double expected_max() const { return d + r * std::exp(-d / r); }
  double expected_wall() const {
    const double v = (1 - p1()) * (m + expected_max()) / p1();
    return m * (1 - p0()) + (1 - p0()) * (expected_max() + v);
  }
  double expected_failures() const { return (1 - p0()) / p1(); }
  double expected_wait() const { return expected_failures() * r * std::exp(-d / r); }
};

TEST(ModelV1, SingleNodeWithoutSparesMatchesTheExactExpectation) {
  const SingleNode c;
  const Scenario s = c.scenario();
  const auto results = run_replications(s, RunOptions{40000, 11, 0, {}});
  const RunSummary sum = summarize(s, results);
  EXPECT_LT(std::abs(sum.wall_h.mean - c.expected_wall()), 3 * sum.wall_h.std_error)
      << sum.wall_h.mean << " vs " << c.expected_wall();
  EXPECT_LT(std::abs(sum.interruptions.mean - c.expected_failures()),
            3 * sum.interruptions.std_error)
      << sum.interruptions.mean << " vs " << c.expected_failures();

  std::vector<double> wait(results.size());
  for (std::size_t i = 0; i < results.size(); ++i) wait[i] = results[i].bucket(Bucket::kWaitSpares);
  const auto w = sim::summarize(wait);
  EXPECT_LT(std::abs(w.mean - c.expected_wait()), 3 * w.std_error)
      << w.mean << " vs " << c.expected_wait();
}

TEST(ModelV1, NothingFailsWhileTheOnlySlotIsEmpty) {
  // Detection of each failure then runs to completion: detect = interruptions x d exactly.
  const SingleNode c;
  const Scenario s = c.scenario();
  for (std::uint64_t i = 0; i < 200; ++i) {
    const ReplicationResult r = simulate_replication(s, 3, i);
    EXPECT_NEAR(r.bucket(Bucket::kDetect), static_cast<double>(r.interruptions) * c.d, 1e-9);
  }
}

TEST(ModelV1, PlentifulSparesNeverWait) {
  SingleNode c;
  Scenario s = c.scenario();
  s.cluster.spares = 1000;
  for (std::uint64_t i = 0; i < 200; ++i) {
    EXPECT_EQ(simulate_replication(s, 3, i).bucket(Bucket::kWaitSpares), 0.0);
  }
}

TEST(ModelV1, NoFailuresMeansWorkPlusCheckpointWrites) {
  Scenario s = SingleNode{}.scenario();
  s.cluster.failure.node_mtbf_h = 1e300;
  s.job.work_h = 10.0;
  s.checkpoint.interval_h = 3.0;
  s.checkpoint.write_h = 0.5;
  const ReplicationResult r = simulate_replication(s, 1, 0);
  EXPECT_EQ(r.interruptions, 0);
  EXPECT_DOUBLE_EQ(r.wall_h, 10.0 + 3 * 0.5);  // no checkpoint after the last segment
  EXPECT_DOUBLE_EQ(r.bucket(Bucket::kCheckpoint), 1.5);
}

void expect_buckets_partition_wall_time(const Scenario& s, std::int64_t reps) {
  const auto results = run_replications(s, RunOptions{reps, 5, 0, {}});
  for (const ReplicationResult& r : results) {
    ASSERT_NEAR(r.bucket_sum(), r.wall_h, 1e-9 * r.wall_h);
    ASSERT_DOUBLE_EQ(r.goodput * r.wall_h, s.job.work_h);
    ASSERT_DOUBLE_EQ(r.bucket(Bucket::kProductive), s.job.work_h);
    for (double b : r.buckets_h) ASSERT_GE(b, 0.0);
  }
}

TEST(ModelV1, BucketsAddUpToWallTimeInEveryReplication) {
  const Scenario llama = load_scenario(GOODSIM_SOURCE_DIR "/scenarios/llama3-16k.yaml");
  expect_buckets_partition_wall_time(llama, 300);
  // Few spares and slow repairs: waiting, and failures during every recovery phase.
  Scenario starved = llama;
  starved.cluster.spares = 1;
  starved.cluster.repair.distribution = exponential_repair(12.0);
  starved.recovery.detect_h = 0.5;
  starved.recovery.swap_h = 0.5;
  starved.recovery.restart_h = 0.5;
  expect_buckets_partition_wall_time(starved, 100);
  expect_buckets_partition_wall_time(SingleNode{}.scenario(), 2000);
}

TEST(ModelV1, FewerSparesMeanMoreWaiting) {
  // Common random numbers: the same seed gives the same failure proposals, so the mean wall
  // time with 2 spares is above the one with 32 by far more than its noise.
  Scenario s = load_scenario(GOODSIM_SOURCE_DIR "/scenarios/llama3-16k.yaml");
  s.cluster.spares = 2;
  const auto few = summarize(s, run_replications(s, RunOptions{200, 9, 0, {}}));
  s.cluster.spares = 32;
  const auto many = summarize(s, run_replications(s, RunOptions{200, 9, 0, {}}));
  EXPECT_GT(few.bucket_mean_h[static_cast<std::size_t>(Bucket::kWaitSpares)],
            many.bucket_mean_h[static_cast<std::size_t>(Bucket::kWaitSpares)]);
  EXPECT_GT(few.wall_h.mean - many.wall_h.mean, 3 * (few.wall_h.std_error + many.wall_h.std_error));
}

}  // namespace
}  // namespace goodsim::models

namespace goodsim::models {
namespace {

// Issue 11 item 14: a replication that cannot finish is censored at the wall cap
// (did-not-finish), not an error that aborts the run or sweep around it.
TEST(ModelV1, AJobThatCanHardlyFinishIsCensoredAtTheWallCap) {
  // No checkpoints, 100 h of work, a failure every 2 h: expected wall time ~ 2 e^50 h.
  Scenario s = SingleNode{}.scenario();
  s.cluster.nodes = 50;
  s.cluster.spares = 1000;
  s.cluster.failure.node_mtbf_h = 100.0;
  s.job.work_h = 100.0;
  s.montecarlo.max_wall_factor = 10.0;
  for (const bool maintenance : {false, true}) {  // the plain and the full engine
    s.cluster.maintenance.every_h = maintenance ? 50.0 : 0.0;
    s.cluster.maintenance.duration_h = maintenance ? 1.0 : 0.0;
    const ReplicationResult r = simulate_replication(s, 1, 0);
    EXPECT_TRUE(r.unfinished);
    EXPECT_EQ(r.wall_h, 1000.0);
    EXPECT_EQ(r.goodput, 0.1);  // work / cap: an upper bound
    EXPECT_GT(r.interruptions, 100);
    EXPECT_LT(r.bucket(Bucket::kProductive), s.job.work_h);
    EXPECT_NEAR(r.bucket_sum(), r.wall_h, 1e-9 * r.wall_h) << "maintenance " << maintenance;
  }
}

// Issue 11 item 5: the hard event budget stops a replication where it is, as did-not-finish.
TEST(ModelV1, AReplicationStopsAtItsEventBudgetAsDidNotFinish) {
  Scenario s = SingleNode{}.scenario();
  s.cluster.nodes = 50;
  s.cluster.spares = 1000;
  s.cluster.failure.node_mtbf_h = 100.0;
  s.job.work_h = 100.0;
  ReplicationOptions o;
  o.max_events = 50;
  const ReplicationResult r = simulate_replication(s, 1, 0, o);
  EXPECT_TRUE(r.unfinished);
  EXPECT_EQ(r.events, 50u);
  EXPECT_LT(r.wall_h, s.job.work_h * s.montecarlo.max_wall_factor);
  EXPECT_NEAR(r.bucket_sum(), r.wall_h, 1e-9 * r.wall_h);
  // Without the budget the same replication goes on (to the wall cap).
  EXPECT_GT(simulate_replication(s, 1, 0).events, 50u);
}

TEST(ModelV1, UnfinishedReplicationsAreCountedInTheSummary) {
  Scenario s = SingleNode{}.scenario();
  s.cluster.nodes = 50;
  s.cluster.spares = 1000;
  s.cluster.failure.node_mtbf_h = 100.0;
  s.job.work_h = 100.0;
  s.montecarlo.max_wall_factor = 10.0;
  RunOptions o;
  o.replications = 7;
  o.seed = 3;
  o.threads = 2;
  const auto results = run_replications(s, o);
  const RunSummary sum = summarize(s, results);
  EXPECT_EQ(sum.unfinished, 7);
  EXPECT_EQ(sum.wall_h.mean, 1000.0);
}

TEST(ModelV1, TheWallCapDoesNotTouchJobsThatFinish) {
  Scenario s = SingleNode{}.scenario();
  s.montecarlo.max_wall_factor = 1000.0;
  const auto a = simulate_replication(s, 4, 2);
  s.montecarlo.max_wall_factor = 1e9;
  const auto b = simulate_replication(s, 4, 2);
  EXPECT_EQ(a.wall_h, b.wall_h);
}

}  // namespace
}  // namespace goodsim::models
