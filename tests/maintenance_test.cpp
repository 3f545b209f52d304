// Planned maintenance: at every multiple of `every` the job stops, writes a checkpoint, is down
// for `duration`, then restarts and loads it; no progress is lost, and the stops are counted
// apart from failures.

#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "models/replication.h"
#include "models/scenario_loader.h"

namespace goodsim::models {
namespace {

Scenario load_yaml(const std::string& yaml) {
  return scenario_from_yaml(yaml, "t.yaml");
}

// Nodes that practically never fail: the wall time is arithmetic.
constexpr const char* kFailureFree = R"(
cluster:
  nodes: 4
  spares: 0
  failure: {node_mtbf: 1e15h}
  repair: {mean: 24h}
  maintenance: {every: 3h, duration: 1h}
job: {work: 10h}
recovery: {detect: 18min, swap: 24min, restart: 15min, load: 15min}
)";

TEST(Maintenance, FailureFreeWallIsWorkPlusStopsCountedFromTheSchedule) {
  const Scenario s = load_yaml(std::string(kFailureFree) + "checkpoint: {write: 30min}\n");
  const ReplicationResult r = simulate_replication(s, 1, 0);
  const MaintenanceSpec& m = s.cluster.maintenance;
  const double write = s.checkpoint.write_h;
  const double stop = write + m.duration_h + s.recovery.restart_h + s.recovery.load_h;
  // The job computes `every` before the first stop, every - stop between two stops, and a
  // stop due the moment the job finishes does not happen.
  const auto n =
      static_cast<std::int64_t>(std::ceil((s.job.work_h - m.every_h) / (m.every_h - stop)));
  EXPECT_EQ(r.interruptions, 0);
  EXPECT_EQ(r.planned_interruptions, n);
  EXPECT_DOUBLE_EQ(r.wall_h, s.job.work_h + static_cast<double>(n) * stop);
  EXPECT_DOUBLE_EQ(r.bucket(Bucket::kCheckpoint), static_cast<double>(n) * write);
  EXPECT_DOUBLE_EQ(r.bucket(Bucket::kMaintenance), static_cast<double>(n) * m.duration_h);
  EXPECT_DOUBLE_EQ(r.bucket(Bucket::kRestartLoad),
                   static_cast<double>(n) * (s.recovery.restart_h + s.recovery.load_h));
  // Planned: no detection, no swap (no slot is empty), nothing lost.
  EXPECT_EQ(r.bucket(Bucket::kDetect), 0.0);
  EXPECT_EQ(r.bucket(Bucket::kSwap), 0.0);
  EXPECT_EQ(r.bucket(Bucket::kLost), 0.0);
  EXPECT_NEAR(r.bucket_sum(), r.wall_h, 1e-12 * r.wall_h);
}

TEST(Maintenance, WithPeriodicCheckpointsWallIsWorkCheckpointsAndStops) {
  // Checkpoints every 50 min (not a divisor of the 3 h period: no stop lands on a boundary).
  const Scenario s = load_yaml(std::string(kFailureFree) +
                               "checkpoint: {interval: 50min, write: 2min, persist: 5min}\n");
  const ReplicationResult r = simulate_replication(s, 1, 0);
  const MaintenanceSpec& m = s.cluster.maintenance;
  const auto n = static_cast<double>(r.planned_interruptions);
  EXPECT_EQ(r.interruptions, 0);
  // Stops fall at the multiples of `every` before the end, and only there.
  EXPECT_LT(n * m.every_h, r.wall_h);
  EXPECT_GE((n + 1.0) * m.every_h, r.wall_h);
  EXPECT_NEAR(r.wall_h,
              s.job.work_h + r.bucket(Bucket::kCheckpoint) +
                  n * (m.duration_h + s.recovery.restart_h + s.recovery.load_h),
              1e-12 * r.wall_h);
  EXPECT_EQ(r.bucket(Bucket::kLost), 0.0);
  EXPECT_NEAR(r.bucket_sum(), r.wall_h, 1e-12 * r.wall_h);
}

TEST(Maintenance, AStopDuringAPeriodicWriteSavesThatBoundaryOnce) {
  // The write of boundary 1 (1 h .. 1.5 h) is cut by the stop at 1.2 h: its 0.2 h are lost,
  // the planned checkpoint saves progress 1, and boundary 1 is not written again.
  const Scenario s = load_yaml(R"(
cluster:
  nodes: 4
  failure: {node_mtbf: 1e15h}
  repair: {mean: 24h}
  maintenance: {every: 1.2h, duration: 30min}
job: {work: 2h}
checkpoint: {interval: 1h, write: 30min}
recovery: {restart: 6min}
)");
  const ReplicationResult r = simulate_replication(s, 1, 0);
  EXPECT_NEAR(r.bucket(Bucket::kLost), 0.2, 1e-12);
  EXPECT_NEAR(r.bucket(Bucket::kCheckpoint),
              static_cast<double>(r.planned_interruptions) * s.checkpoint.write_h, 1e-12);
  EXPECT_NEAR(r.bucket_sum(), r.wall_h, 1e-12 * r.wall_h);
}

// Failures and maintenance together, under every recovery strategy and the failure models:
// the buckets still partition the wall time.
TEST(Maintenance, BucketsAddUpToWallTimeWithFailuresUnderEveryStrategy) {
  const std::string cluster = R"(
cluster:
  nodes: 32
  spares: 2
  domain_size: 4
  repair: {mean: 20h}
  maintenance: {every: 7h, duration: 2h}
)";
  const std::string job = R"(job: {work: 200h, step: 1min}
checkpoint: {interval: 1h, write: 5min, persist: 10min}
)";
  const char* failures[] = {"  failure: {node_mtbf: 300h}\n",
                            "  failure: {model: weibull, shape: 0.7, node_mtbf: 300h}\n"};
  const char* recoveries[] = {
      "recovery: {detect: 10min, swap: 10min, restart: 10min, load: 5min}\n",
      "recovery: {strategy: requeue, detect: 10min, restart: 10min, load: 5min, queue: {model: "
      "fixed, mean: 1h}}\n",
      "recovery: {strategy: elastic, detect: 10min, swap: 10min, restart: 10min, load: 5min, "
      "elastic: {dp_group_nodes: 4, reconfigure: 5min}}\n",
      "recovery: {strategy: checkpointless, detect: 10min, swap: 10min, restart: 10min, load: "
      "5min, checkpointless: {replicas: 2, state_gb: 100, p2p_gbps: 400}}\n"};
  for (const char* f : failures) {
    for (const char* rec : recoveries) {
      // Weibull clocks are per node: only hot spares support them in this version.
      if (f == failures[1] && rec != recoveries[0]) continue;
      const Scenario s = load_yaml(cluster + f + job + rec);
      std::int64_t interruptions = 0;
      for (std::uint64_t i = 0; i < 50; ++i) {
        const ReplicationResult r = simulate_replication(s, 9, i);
        ASSERT_NEAR(r.bucket_sum(), r.wall_h, 1e-9 * r.wall_h) << f << rec << " rep " << i;
        ASSERT_GT(r.planned_interruptions, 0);
        ASSERT_LE(static_cast<double>(r.planned_interruptions),
                  r.wall_h / s.cluster.maintenance.every_h);
        ASSERT_EQ(r.bucket(Bucket::kProductive), s.job.work_h);
        interruptions += r.interruptions;
      }
      EXPECT_GT(interruptions, 50) << f << rec;
    }
  }
}

TEST(Maintenance, BadKeysAreRejectedAtTheirLine) {
  const auto expect_error = [](const std::string& maintenance, const std::string& fragment) {
    const std::string yaml =
        "cluster:\n  nodes: 4\n  failure: {node_mtbf: 1000h}\n"
        "  repair: {mean: 24h}\n" +
        maintenance + "job: {work: 100h}\ncheckpoint: {write: 30min}\n";
    try {
      load_yaml(yaml);
      ADD_FAILURE() << "accepted: " << maintenance;
    } catch (const sim::InputError& e) {
      EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find("t.yaml:5:"), std::string::npos) << e.what();
    }
  };
  expect_error("  maintenance: {every: 0h, duration: 1h}\n", "expected a duration > 0");
  expect_error("  maintenance: {every: 1d, duration: -1h}\n", "expected a duration >= 0");
  expect_error("  maintenance: {every: 1d}\n", "missing required key 'duration'");
  expect_error("  maintenance: {every: 4h, duration: 3.5h}\n",
               "shorter than cluster.maintenance.every");
}

}  // namespace
}  // namespace goodsim::models
