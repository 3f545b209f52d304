// Every recovery strategy with every failure model, checkpoint policy and fault
// (docs/model.md, "Combinations"), and the limit cases that tie the strategies together.

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "models/failure/failure_clock.h"
#include "models/monte_carlo.h"
#include "models/repair/repair_distribution.h"
#include "models/replication.h"
#include "sim/random.h"
#include "sim/statistics.h"

namespace goodsim::models {
namespace {

const std::vector<std::string> kStrategies = {"hot_spare", "checkpointless", "requeue", "elastic",
                                              "in_process"};

// A failure trace of `nodes` slots with exponential gaps of mean `system_mtbf_h` over `span_h`,
// its causes drawn by share (as a row without a cause column is).
std::shared_ptr<const FailureTrace> synthetic_trace(std::int64_t nodes, double system_mtbf_h,
                                                    double span_h) {
  auto trace = std::make_shared<FailureTrace>();
  trace->file = "synthetic.csv";
  sim::RandomStream rng(99, 0, sim::StreamPurpose::kMisc);
  for (double t = rng.exponential(system_mtbf_h); t < span_h; t += rng.exponential(system_mtbf_h)) {
    const auto node = static_cast<std::int64_t>(rng.uniform() * static_cast<double>(nodes));
    trace->failures.push_back(TraceFailure{t, node, -1});
    trace->max_node = std::max(trace->max_node, node);
  }
  return trace;
}

// 16 nodes, a system MTBF of 5 h, 100 h of work, a short pool, domains of 4 and Llama 3-like
// causes; every strategy's section filled in, so only `strategy` picks one.
Scenario base(const std::string& strategy, const std::string& model, double shape = 0.7) {
  Scenario s;
  s.cluster.nodes = 16;
  s.cluster.spares = 3;
  s.cluster.failure.model = model;
  s.cluster.failure.node_mtbf_h = 5.0 * 16;
  s.cluster.failure.weibull_shape = shape;
  if (model == "trace") {
    s.cluster.failure.trace = synthetic_trace(16, 5.0, 400.0);
    s.cluster.failure.trace_span_h = 400.0;
  }
  s.cluster.repair.distribution = exponential_repair(2.0);
  s.cluster.domain_size = 4;
  s.cluster.causes = {CauseSpec{"software", 0.4, Handling::kRestart, {}},
                      CauseSpec{"gpu", 0.4, Handling::kSwap, {}},
                      CauseSpec{"switch", 0.2, Handling::kDomain, {exponential_repair(0.5)}}};
  s.job.work_h = 100.0;
  s.job.step_h = 10.0 / 3600.0;
  s.checkpoint.interval_h = 1.0;
  s.checkpoint.write_h = 0.05;
  s.recovery = hot_spare_recovery(0.05, 0.1, 0.1, 0.05);
  s.recovery.strategy = strategy;
  s.recovery.checkpointless.replicas = 2;
  s.recovery.checkpointless.transfer_h = 0.05;
  s.recovery.queue = exponential_repair(0.5);
  s.recovery.elastic.dp_group_nodes = 4;
  s.recovery.elastic.reconfigure_h = 0.1;
  s.recovery.in_process = {0.02, 0.03, true};
  return s;
}

// Multi-level with persists longer than the persistent interval: stall, then skip.
enum class Policy {
  kBlocking,
  kAsync,
  kMultiLevel,
  kMultiLevelAsync,
  kMultiLevelStall,
  kMultiLevelSkip
};

Scenario with_policy(Scenario s, Policy p) {
  if (p == Policy::kAsync) s.checkpoint.persist_h = 0.5;
  if (p >= Policy::kMultiLevel) s.checkpoint.memory = MemoryLevelSpec{0.25, 0.01, 2, 0.02};
  if (p == Policy::kMultiLevelAsync) s.checkpoint.persist_h = 0.5;
  if (p >= Policy::kMultiLevelStall) s.checkpoint.persist_h = 1.6;
  if (p == Policy::kMultiLevelSkip) s.checkpoint.overlap = PersistOverlap::kSkip;
  return s;
}

// Every fault at once: causes with domains (in base), SDC, maintenance, pool failures, slow
// nodes.
Scenario with_every_fault(Scenario s) {
  s.cluster.sdc = SdcSpec{16 * 40.0, 0.5};
  s.cluster.maintenance = MaintenanceSpec{20.0, 1.0};
  s.cluster.pool_failures = true;
  // Slow nodes: those at least 2x slow are evicted at detection, the others tolerated; a
  // third are repeat offenders.
  SlowSpec slow;
  slow.node_mtbs_h = 16 * 10.0;
  slow.slowdown = SlowdownSpec{SlowdownSpec::Kind::kUniform, {1.1, 3.0}, {}};
  slow.duration.distribution = exponential_repair(1.0);
  slow.detect_h = 0.1;
  slow.mitigation = SlowMitigation::kThreshold;
  slow.evict_above = 2.0;
  slow.after_h = std::numeric_limits<double>::infinity();
  slow.lemon_share = 0.3;
  slow.lemon_gap_h = 2.0;
  s.cluster.slow = slow;
  return s;
}

TEST(EveryCombination, BucketsAddUpAndEveryRecoveryIsFromMemoryOrStorage) {
  for (const std::string& strategy : kStrategies) {
    for (const std::string model : {"exponential", "weibull", "trace"}) {
      for (const Policy policy :
           {Policy::kBlocking, Policy::kAsync, Policy::kMultiLevel, Policy::kMultiLevelAsync,
            Policy::kMultiLevelStall, Policy::kMultiLevelSkip}) {
        SCOPED_TRACE(strategy + " / " + model + " / policy " +
                     std::to_string(static_cast<int>(policy)));
        const Scenario s = with_every_fault(with_policy(base(strategy, model), policy));
        std::int64_t sdc = 0, planned = 0, evictions = 0;
        for (const ReplicationResult& r : run_replications(s, RunOptions{30, 61, 1, {}})) {
          EXPECT_GT(r.interruptions, 0);
          EXPECT_NEAR(r.bucket_sum(), r.wall_h, 1e-9 * r.wall_h);
          EXPECT_EQ(r.bucket(Bucket::kProductive), s.job.work_h);
          if (s.restores_from_peers()) {
            EXPECT_EQ(r.recoveries, r.peer_recoveries + r.fallbacks);
          }
          EXPECT_LE(r.evictions, r.slow_episodes);
          sdc += r.sdc_detections;
          planned += r.planned_interruptions;
          evictions += r.evictions;
        }
        EXPECT_GT(sdc, 0);
        EXPECT_GT(planned, 0);
        EXPECT_GT(evictions, 0);
      }
    }
  }
}

// Two independent samples of a mean: |difference| within 4 standard errors of the difference.
void expect_same_mean(const std::vector<double>& a, const std::vector<double>& b) {
  const sim::SampleSummary sa = sim::summarize(a);
  const sim::SampleSummary sb = sim::summarize(b);
  const double se = std::hypot(sa.std_error, sb.std_error);
  EXPECT_LT(std::abs(sa.mean - sb.mean), 4.0 * se)
      << "means " << sa.mean << " and " << sb.mean << ", standard error " << se;
}

std::vector<double> walls(const Scenario& s, std::int64_t reps, std::uint64_t seed) {
  std::vector<double> out;
  for (const ReplicationResult& r : run_replications(s, RunOptions{reps, seed, 1, {}})) {
    out.push_back(r.wall_h);
  }
  return out;
}

TEST(EveryStrategy, WeibullShapeOneIsTheExponentialModel) {
  // With domains, causes and SDC the Weibull clock names the slot of every failure and drops
  // the clocks of nodes that leave without failing; a requeued job gets a fresh cohort.
  for (const std::string& strategy : kStrategies) {
    SCOPED_TRACE(strategy);
    Scenario exponential = base(strategy, "exponential");
    exponential.cluster.sdc = SdcSpec{16 * 40.0, 0.5};
    Scenario weibull = exponential;
    weibull.cluster.failure.model = "weibull";
    weibull.cluster.failure.weibull_shape = 1.0;
    expect_same_mean(walls(exponential, 1500, 71), walls(weibull, 1500, 72));
  }
}

// The scheduler hands a node set back at once.
class Instant final : public RepairDistribution {
 public:
  double sample(sim::RandomStream&) const override { return 0.0; }
  double mean_h() const override { return 0.0; }
  std::string describe() const override { return "instant"; }
};

void expect_same_run(const ReplicationResult& a, const ReplicationResult& b) {
  EXPECT_EQ(a.wall_h, b.wall_h);
  EXPECT_EQ(a.interruptions, b.interruptions);
  EXPECT_EQ(a.recoveries, b.recoveries);
  EXPECT_EQ(a.interruptions_by_cause, b.interruptions_by_cause);
  for (std::size_t k = 0; k < kBucketCount; ++k) {
    EXPECT_EQ(a.buckets_h[k], b.buckets_h[k]) << kBucketNames[k];
  }
}

TEST(Requeue, WithNoQueueIsHotSpareWithInstantSwapAndNoPoolLimit) {
  Scenario hot = base("hot_spare", "exponential");
  hot.cluster.spares = 1'000'000;
  hot.recovery.detect_h = 0.0;
  hot.recovery.swap_h = 0.0;
  Scenario requeue = hot;
  requeue.recovery.strategy = "requeue";
  requeue.recovery.queue = std::make_shared<Instant>();
  for (std::uint64_t i = 0; i < 200; ++i) {
    expect_same_run(simulate_replication(hot, 5, i), simulate_replication(requeue, 5, i));
  }
}

TEST(InProcess, WithHardwareFailuresOnlyIsHotSpare) {
  Scenario hot = base("hot_spare", "exponential");
  hot.cluster.causes = {CauseSpec{"gpu", 0.8, Handling::kSwap, {}},
                        CauseSpec{"switch", 0.2, Handling::kDomain, {}}};
  Scenario in_process = hot;
  in_process.recovery.strategy = "in_process";
  for (std::uint64_t i = 0; i < 200; ++i) {
    const ReplicationResult r = simulate_replication(in_process, 6, i);
    expect_same_run(simulate_replication(hot, 6, i), r);
    EXPECT_EQ(r.fallbacks, r.recoveries);  // every recovery restored the checkpoint
  }
}

TEST(InProcess, WithSoftwareFailuresOnlyIsHotSpareRestartingInItsRebuildAndLoad) {
  // Blocking checkpoints: the newest written checkpoint is the durable one, so only the
  // restore differs: rebuild + load from host memory instead of restart + load.
  Scenario in_process = base("in_process", "exponential");
  in_process.cluster.causes = {CauseSpec{"software", 1.0, Handling::kRestart, {}}};
  Scenario hot = in_process;
  hot.recovery.strategy = "hot_spare";
  hot.recovery.restart_h = in_process.recovery.in_process.rebuild_h;
  hot.recovery.load_h = in_process.recovery.in_process.load_h;
  for (std::uint64_t i = 0; i < 200; ++i) {
    const ReplicationResult r = simulate_replication(in_process, 7, i);
    expect_same_run(simulate_replication(hot, 7, i), r);
    EXPECT_EQ(r.peer_recoveries, r.recoveries);
  }
}

TEST(InProcess, WithAsyncCheckpointsRestoresTheNewestWriteEvenIfNotYetPersisted) {
  // A long persist: hot spares roll back to the last durable checkpoint, in-process restart to
  // the newest one written, so it loses less.
  Scenario in_process = base("in_process", "exponential");
  in_process.cluster.causes = {CauseSpec{"software", 1.0, Handling::kRestart, {}}};
  in_process.checkpoint.persist_h = 0.9;
  Scenario hot = in_process;
  hot.recovery.strategy = "hot_spare";
  hot.recovery.restart_h = in_process.recovery.in_process.rebuild_h;
  hot.recovery.load_h = in_process.recovery.in_process.load_h;
  double lost_hot = 0.0, lost_in_process = 0.0;
  for (std::uint64_t i = 0; i < 200; ++i) {
    lost_hot += simulate_replication(hot, 8, i).bucket(Bucket::kLost);
    lost_in_process += simulate_replication(in_process, 8, i).bucket(Bucket::kLost);
  }
  EXPECT_LT(lost_in_process, 0.8 * lost_hot);
}

TEST(Checkpointless, AFailureDuringAPlannedRestartFallsBack) {
  // The peers' copies went down with the cluster: a recovery after a planned stop restores
  // the planned checkpoint, and counts as a fallback.
  Scenario s = base("checkpointless", "exponential");
  s.cluster.causes.clear();
  s.cluster.domain_size = 0;
  s.cluster.spares = 1'000'000;
  s.cluster.maintenance = MaintenanceSpec{5.0, 1.0};
  s.recovery.restart_h = 0.5;  // long restarts after each stop: failures hit them
  std::int64_t fallbacks = 0;
  for (const ReplicationResult& r : run_replications(s, RunOptions{100, 9, 1, {}})) {
    EXPECT_EQ(r.recoveries, r.peer_recoveries + r.fallbacks);
    fallbacks += r.fallbacks;
  }
  EXPECT_GT(fallbacks, 0);
}

// ---------------------------------------------------------------------------------------------
// The Weibull clock with slots named.

FailureSpec weibull(double mtbf, double shape) {
  FailureSpec f;
  f.model = "weibull";
  f.node_mtbf_h = mtbf;
  f.weibull_shape = shape;
  return f;
}

TEST(WeibullClockWithSlots, NodesThatLeaveWithoutFailingNeverFailAndTheRestFailOnceEach) {
  sim::RandomStream rng(11, 0, sim::StreamPurpose::kFailures);
  sim::PickStream picks(11, 0, sim::StreamPurpose::kMembers);
  const auto clock = make_failure_clock(weibull(100.0, 0.7), 200, rng, &picks);
  ASSERT_TRUE(clock->pins_slots());
  std::set<std::int64_t> left;
  double last = 0.0;
  std::set<std::int64_t> failed;
  // Half of the cohort fails; then slots 0..49 leave (those still there) and 10 fresh nodes
  // enter slots that failed.
  for (int i = 0; i < 100; ++i) {
    last = clock->next_failure();
    ASSERT_TRUE(failed.insert(clock->next_slot()).second);
    clock->take_failure();
  }
  for (std::int64_t slot = 0; slot < 50; ++slot) {
    if (failed.count(slot)) continue;
    clock->node_left(last, slot);
    left.insert(slot);
  }
  std::vector<std::int64_t> entering(failed.begin(), std::next(failed.begin(), 10));
  clock->nodes_entered(last, entering);
  std::set<std::int64_t> second;
  while (!std::isinf(clock->next_failure())) {
    const double t = clock->next_failure();
    ASSERT_GE(t, last);
    last = t;
    const std::int64_t slot = clock->next_slot();
    EXPECT_EQ(left.count(slot), 0u) << slot;
    if (failed.count(slot)) {
      EXPECT_TRUE(second.insert(slot).second) << "a replacement failed twice: " << slot;
    } else {
      failed.insert(slot);
    }
    clock->take_failure();
  }
  EXPECT_EQ(failed.size() + left.size(), 200u);
  EXPECT_EQ(second.size(), 10u);
}

TEST(WeibullClockWithSlots, AFreshNodeSetIsANewCohortFromItsEntry) {
  sim::RandomStream rng(12, 0, sim::StreamPurpose::kFailures);
  sim::PickStream picks(12, 0, sim::StreamPurpose::kMembers);
  const auto clock = make_failure_clock(weibull(100.0, 0.7), 64, rng, &picks);
  clock->take_failure();
  clock->all_left();
  EXPECT_TRUE(std::isinf(clock->next_failure()));
  std::vector<std::int64_t> all(64);
  for (std::int64_t i = 0; i < 64; ++i) all[static_cast<std::size_t>(i)] = i;
  clock->nodes_entered(500.0, all);
  std::set<std::int64_t> slots;
  while (!std::isinf(clock->next_failure())) {
    EXPECT_GE(clock->next_failure(), 500.0);
    EXPECT_TRUE(slots.insert(clock->next_slot()).second);
    clock->take_failure();
  }
  EXPECT_EQ(slots.size(), 64u);
}

}  // namespace
}  // namespace goodsim::models
