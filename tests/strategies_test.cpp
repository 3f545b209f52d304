// Recovery strategies (hot_spare, checkpointless, requeue, elastic) and asynchronous
// checkpoints: each test checks one property the scenario format and models/ headers promise.

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "models/checkpoint/policy.h"
#include "models/cost.h"
#include "models/monte_carlo.h"
#include "models/recovery/shard_map.h"
#include "models/recovery/strategy.h"
#include "models/repair/repair_distribution.h"
#include "models/replication.h"
#include "models/scenario_loader.h"
#include "sim/config.h"
#include "tests/replication_checks.h"
#include "tests/test_support.h"

namespace goodsim::models {
namespace {

constexpr double kSecond = 1.0 / 3600.0;

// A repair (or queue) distribution read from its YAML map, e.g. "{model: fixed, mean: 2h}".
RepairDistributionPtr distribution(const std::string& yaml) {
  return read_repair_distribution(sim::parse_config(yaml, "t.yaml"));
}

// `nodes` slots with a system MTBF of `system_mtbf_h`, a spare pool that never runs dry and
// hot-spare recovery with no phase durations.
Scenario cluster(std::int64_t nodes, double system_mtbf_h, double work_h) {
  Scenario s;
  s.cluster.nodes = nodes;
  s.cluster.spares = 1'000'000;
  s.cluster.failure.node_mtbf_h = system_mtbf_h * static_cast<double>(nodes);
  s.cluster.repair.distribution = exponential_repair(1.0);
  s.job.work_h = work_h;
  s.job.step_h = 10 * kSecond;
  return s;
}

// Checkpointless with `replicas` copies of the state; recovery restarts at once and the peer
// transfer takes `transfer_h`.
Scenario checkpointless(Scenario s, std::int64_t replicas, Placement placement, double transfer_h) {
  s.recovery.strategy = "checkpointless";
  s.recovery.checkpointless.replicas = replicas;
  s.recovery.checkpointless.placement = placement;
  s.recovery.checkpointless.transfer_h = transfer_h;
  return s;
}

// ---------------------------------------------------------------------------------------------
// Checkpointless: a failure that overlaps no other is always a peer recovery.

// System MTBF 2 h, no detection or swap time and a transfer of a few nanoseconds: no failure
// can fall inside another's recovery, so a shard always keeps a live copy.
Scenario non_overlapping_checkpointless() {
  Scenario s =
      checkpointless(cluster(16, 2.0, 200.0), 2, Placement::kSpread, transfer_hours(1e-3, 400.0));
  s.recovery.restart_h = 0.2;  // paid only by a fallback, which must not happen
  s.recovery.load_h = 0.1;
  return s;
}

TEST(Checkpointless, FailuresThatNeverOverlapAreAllPeerRecoveries) {
  Scenario s = non_overlapping_checkpointless();
  // A failure during a write loses the partial write (checkpoint time, not a step); with the
  // write shorter than a step the loss per recovery stays within one step.
  s.checkpoint.interval_h = 0.5;
  s.checkpoint.write_h = 3 * kSecond;
  std::int64_t recoveries = 0;
  for (const ReplicationResult& r : run_replications(s, RunOptions{200, 21, 1, {}})) {
    EXPECT_EQ(r.fallbacks, 0);
    EXPECT_EQ(r.peer_recoveries, r.recoveries);
    EXPECT_EQ(r.recoveries, r.interruptions);
    EXPECT_EQ(r.bucket(Bucket::kRestartLoad), 0.0);
    EXPECT_LE(r.bucket(Bucket::kLost),
              static_cast<double>(r.peer_recoveries) * s.job.step_h * (1 + 1e-9));
    recoveries += r.recoveries;
  }
  EXPECT_GT(recoveries, 10'000);  // ~100 failures per replication
}

TEST(Checkpointless, APeerRecoveryLosesHalfAStepOnAverage) {
  // Without checkpoints every loss is the step in progress, uniform over the step.
  const Scenario s = non_overlapping_checkpointless();
  double lost = 0.0, recoveries = 0.0;
  for (const ReplicationResult& r : run_replications(s, RunOptions{200, 22, 1, {}})) {
    ASSERT_EQ(r.fallbacks, 0);
    lost += r.bucket(Bucket::kLost);
    recoveries += static_cast<double>(r.peer_recoveries);
  }
  const double se = s.job.step_h / std::sqrt(12.0 * recoveries);  // uniform over a step
  EXPECT_LT(std::abs(lost / recoveries - s.job.step_h / 2), 4 * se)
      << lost / recoveries / kSecond << " s per recovery";
}

TEST(Checkpointless, APeerRecoveryIsDetectSwapAndTransferWithoutRestartOrLoad) {
  // 100 GB over 400 Gbit/s is 2 s. Replications where no failure overlapped another (every
  // interruption its own recovery, none a fallback) pay exactly these phases per recovery.
  Scenario s = non_overlapping_checkpointless();
  s.recovery.detect_h = 60 * kSecond;
  s.recovery.swap_h = 30 * kSecond;
  s.recovery.checkpointless.transfer_h = transfer_hours(100.0, 400.0);
  s.job.work_h = 40.0;  // ~20 failures: most replications see no overlap
  const double recovery_h = s.recovery.detect_h + s.recovery.swap_h + 2 * kSecond;
  RunOptions options{100, 25, 1, {}};
  options.record_recoveries = true;
  int clean = 0;
  for (const ReplicationResult& r : run_replications(s, options)) {
    expect_exact_accounting(s, r);
    if (r.fallbacks != 0 || r.recoveries != r.interruptions) continue;
    ++clean;
    const auto n = static_cast<double>(r.recoveries);
    EXPECT_NEAR(r.bucket(Bucket::kDetect), n * s.recovery.detect_h, 1e-9);
    EXPECT_NEAR(r.bucket(Bucket::kSwap), n * s.recovery.swap_h, 1e-9);
    EXPECT_NEAR(r.bucket(Bucket::kP2pTransfer), n * s.recovery.checkpointless.transfer_h, 1e-9);
    EXPECT_EQ(r.bucket(Bucket::kRestartLoad), 0.0);
    ASSERT_EQ(r.recovery_h.size(), static_cast<std::size_t>(r.recoveries));
    for (const double h : r.recovery_h) EXPECT_NEAR(h, recovery_h, 1e-9);
  }
  EXPECT_GT(clean, 50);  // a failure falls inside a 92 s recovery once in ~80: ~78 % clean
}

// ---------------------------------------------------------------------------------------------
// Gemini's group placement.

// Subsets of k out of n nodes (n small) that contain every node of one of the floor(n/m)
// groups of m consecutive nodes, over all subsets of k: the count by enumeration.
double enumerated_group_loss(int n, int m, int k) {
  std::int64_t subsets = 0, losing = 0;
  for (std::uint32_t set = 0; set < (1u << n); ++set) {
    if (__builtin_popcount(set) != k) continue;
    ++subsets;
    for (int g = 0; g + m <= n; g += m) {
      const std::uint32_t group = ((1u << m) - 1) << g;
      if ((set & group) == group) {
        ++losing;
        break;
      }
    }
  }
  return static_cast<double>(losing) / static_cast<double>(subsets);
}

TEST(GroupPlacement, FormulaMatchesEnumerationWhileTwoGroupsCannotBothBeLost) {
  for (int n = 2; n <= 12; ++n) {
    for (int m = 2; m <= 4 && m <= n; ++m) {
      for (int k = 1; k < 2 * m && k <= n; ++k) {
        EXPECT_NEAR(group_loss_probability(n, m, k), enumerated_group_loss(n, m, k), 1e-12)
            << "N " << n << " m " << m << " k " << k;
      }
    }
  }
}

TEST(GroupPlacement, TwoFailuresTakeAPairWithProbabilityOneOverNMinusOne) {
  for (int n = 2; n <= 64; n += 2) {
    EXPECT_NEAR(group_loss_probability(n, 2, 2), 1.0 / (n - 1), 1e-12) << n;
  }
}

// Failures that find exactly one copy gone take a shard's last copy as often as Gemini's
// formula says two simultaneous failures take a whole group: the second failure lands on one
// of the N - 1 other nodes, uniformly, and only the failed node's partner holds the same shard
// when replicas = 2 (the partner is a neighbour when packed, N/2 slots away when spread: the
// count is the same). With more replicas two failures never take a shard's last copy.
void expect_second_fault_ratio(std::int64_t nodes, std::int64_t replicas, Placement placement) {
  // Recoveries of 1.5 h against a system MTBF of 5 h: about a quarter of failures overlap.
  Scenario s = checkpointless(cluster(nodes, 5.0, 500.0), replicas, placement, 0.5);
  s.recovery.detect_h = 0.5;
  s.recovery.swap_h = 0.5;
  s.recovery.restart_h = 0.1;
  s.checkpoint.interval_h = 1.0;
  s.checkpoint.write_h = 0.05;
  double trials = 0.0, fallbacks = 0.0;
  for (const ReplicationResult& r : run_replications(s, RunOptions{800, 23, 1, {}})) {
    trials += static_cast<double>(r.second_faults);
    fallbacks += static_cast<double>(r.second_fault_fallbacks);
  }
  const double p = group_loss_probability(nodes, replicas, 2);
  const double se = std::sqrt(p * (1 - p) / trials);
  EXPECT_GT(trials, 10'000);
  if (p == 0.0) {
    EXPECT_EQ(fallbacks, 0.0);
  } else {
    EXPECT_LT(std::abs(fallbacks / trials - p), 4 * se)
        << fallbacks / trials << " vs " << p << " over " << trials << " second faults";
  }
}

TEST(GroupPlacement, SecondFaultsTakeTheLastCopyAsGeminiPredictsSpread) {
  expect_second_fault_ratio(8, 2, Placement::kSpread);
}

TEST(GroupPlacement, SecondFaultsTakeTheLastCopyAsGeminiPredictsPacked) {
  expect_second_fault_ratio(8, 2, Placement::kPacked);
}

TEST(GroupPlacement, SecondFaultsNeverTakeTheLastOfFourCopies) {
  expect_second_fault_ratio(8, 4, Placement::kSpread);
}

// ---------------------------------------------------------------------------------------------
// Placement against failure domains.

// Half the failures take a whole domain of `domain_size` nodes; failures never overlap.
Scenario domain_failures(Placement placement, std::int64_t domain_size) {
  Scenario s = non_overlapping_checkpointless();
  s.recovery.checkpointless.placement = placement;
  s.checkpoint.interval_h = 0.5;
  s.checkpoint.write_h = 3 * kSecond;
  s.cluster.domain_size = domain_size;
  // A fallback restarts and loads at once too, so that no failure falls inside it either.
  s.recovery.restart_h = 0.0;
  s.recovery.load_h = 0.0;
  s.cluster.causes = {CauseSpec{"gpu", 1.0, Handling::kSwap, {}},
                      CauseSpec{"switch", 1.0, Handling::kDomain, {}}};
  return s;
}

// Every domain failure falls back to a checkpoint (`fallbacks` equal to the domain failures)
// or none does.
void expect_domain_fallbacks(const Scenario& s, bool every_domain_failure_falls_back) {
  std::int64_t domain_failures = 0;
  for (const ReplicationResult& r : run_replications(s, RunOptions{100, 24, 1, {}})) {
    const std::int64_t domain = r.interruptions_by_cause[1];
    EXPECT_EQ(r.fallbacks, every_domain_failure_falls_back ? domain : 0);
    EXPECT_EQ(r.peer_recoveries + r.fallbacks, r.recoveries);
    domain_failures += domain;
  }
  EXPECT_GT(domain_failures, 2'000);  // ~50 per replication
}

TEST(Placement, PackedReplicasShareADomainSoADomainFailureDefeatsPeerRecovery) {
  // Packed: shard i is held by slots 2i and 2i + 1, inside one domain of 4.
  expect_domain_fallbacks(domain_failures(Placement::kPacked, 4), true);
}

TEST(Placement, SpreadReplicasSurviveADomainFailure) {
  // Spread: shard i is held by slots i and i + 8, in different domains of 4 (or 8): one
  // domain failure leaves every shard a copy, and failures never overlap, so no fallback.
  expect_domain_fallbacks(domain_failures(Placement::kSpread, 4), false);
  expect_domain_fallbacks(domain_failures(Placement::kSpread, 8), false);
}

TEST(Placement, SpreadCannotHelpWhenOneDomainHoldsEveryCopy) {
  // A domain of all 16 nodes holds both holders of every shard.
  expect_domain_fallbacks(domain_failures(Placement::kSpread, 16), true);
}

// ---------------------------------------------------------------------------------------------
// Asynchronous checkpoints (models/checkpoint/policy.h).

Scenario checkpointed(double persist_h, PersistOverlap overlap) {
  Scenario s = cluster(16, 4.0, 100.0);
  s.cluster.spares = 2;
  s.recovery = hot_spare_recovery(0.05, 0.1, 0.1, 0.05);
  s.checkpoint.interval_h = 1.0;
  s.checkpoint.write_h = 0.1;
  s.checkpoint.persist_h = persist_h;
  s.checkpoint.overlap = overlap;
  return s;
}

TEST(AsyncCheckpoint, NoPersistIsABlockingCheckpointWhateverTheOverlap) {
  const Scenario blocking = checkpointed(0.0, PersistOverlap::kStall);
  const Scenario skipping = checkpointed(0.0, PersistOverlap::kSkip);
  for (std::uint64_t i = 0; i < 50; ++i) {
    const ReplicationResult a = simulate_replication(blocking, 31, i);
    const ReplicationResult b = simulate_replication(skipping, 31, i);
    EXPECT_GT(a.interruptions, 0);
    expect_identical(a, b);
  }
}

TEST(AsyncCheckpoint, APersistShorterThanTheIntervalCostsNothingWithoutFailures) {
  // 10 h of work in 1 h segments: boundaries 1..9 are written, 0.1 h each.
  Scenario s = checkpointed(0.9, PersistOverlap::kStall);
  s.job.work_h = 10.0;
  s.cluster.failure.node_mtbf_h = 1e15;
  const ReplicationResult r = simulate_replication(s, 32, 0);
  ASSERT_EQ(r.interruptions, 0);
  EXPECT_NEAR(r.bucket(Bucket::kCheckpoint), 9 * 0.1, 1e-12);
  EXPECT_NEAR(r.wall_h, 10.0 + 9 * 0.1, 1e-12);
}

TEST(AsyncCheckpoint, StallWaitsForThePreviousPersistBeforeEachWrite) {
  // Persist 2.5 h, interval 1 h: each write but the first waits 1.5 h for its predecessor's
  // persist. 9 writes of 0.1 h and 8 stalls of 1.5 h.
  Scenario s = checkpointed(2.5, PersistOverlap::kStall);
  s.job.work_h = 10.0;
  s.cluster.failure.node_mtbf_h = 1e15;
  const ReplicationResult r = simulate_replication(s, 33, 0);
  ASSERT_EQ(r.interruptions, 0);
  EXPECT_NEAR(r.bucket(Bucket::kCheckpoint), 9 * 0.1 + 8 * 1.5, 1e-12);
  EXPECT_NEAR(r.wall_h, 10.0 + 9 * 0.1 + 8 * 1.5, 1e-12);
}

TEST(AsyncCheckpoint, SkipWritesOnlyTheBoundariesAfterEachPersist) {
  // Persist 2.5 h, interval 1 h: after the write at boundary 1, boundaries 2 and 3 fall due
  // while it persists and are skipped; 4 is written, then 7. 3 writes of 0.1 h, no stall.
  Scenario s = checkpointed(2.5, PersistOverlap::kSkip);
  s.job.work_h = 10.0;
  s.cluster.failure.node_mtbf_h = 1e15;
  const ReplicationResult r = simulate_replication(s, 34, 0);
  ASSERT_EQ(r.interruptions, 0);
  EXPECT_NEAR(r.bucket(Bucket::kCheckpoint), 3 * 0.1, 1e-12);
  EXPECT_NEAR(r.wall_h, 10.0 + 3 * 0.1, 1e-12);
}

TEST(AsyncCheckpoint, ACheckpointIsDurableOnlyOnceItsPersistEnds) {
  CheckpointSpec spec;
  spec.interval_h = 1.0;
  spec.write_h = 0.1;
  spec.persist_h = 0.5;
  const auto schedule = make_checkpoint_policy(10.0, spec);
  const CheckpointPolicy::Stretch from_start = schedule->stretch(0.0, 0);
  // Write 1 ends at 1.1 h; its persist at 1.6 h.
  const CheckpointPolicy::Cut persisting = schedule->cut(from_start, 1.4);
  EXPECT_EQ(persisting.written, 1);
  EXPECT_LT(persisting.durable, 1);
  const CheckpointPolicy::Cut persisted = schedule->cut(from_start, 1.7);
  EXPECT_EQ(persisted.written, 1);
  EXPECT_EQ(persisted.durable, 1);
  // Write 2 ends at 2.2 h: while it persists, boundary 1 is the durable one.
  const CheckpointPolicy::Cut second = schedule->cut(from_start, 2.3);
  EXPECT_EQ(second.written, 2);
  EXPECT_EQ(second.durable, 1);
}

// Where a stretch stands after any elapsed time accounts for every hour of it: progress at
// the stretch's speed, completed writes and stalls, and the write or stall in progress.
TEST(AsyncCheckpoint, ACutAccountsForEveryHourOfTheStretch) {
  const double work = 10.0;
  for (const PersistOverlap overlap : {PersistOverlap::kStall, PersistOverlap::kSkip}) {
    for (const double persist : {0.0, 0.5, 2.5}) {
      CheckpointSpec spec;
      spec.interval_h = 1.0;
      spec.write_h = 0.1;
      spec.persist_h = persist;
      spec.overlap = overlap;
      const auto schedule = make_checkpoint_policy(work, spec);
      for (const double speed : {1.0, 0.75, 0.5}) {
        for (const auto& [from, durable] : {std::pair{0.0, 0}, {2.0, 2}, {3.3, 2}}) {
          SCOPED_TRACE(testing::Message() << "overlap " << static_cast<int>(overlap) << " persist "
                                          << persist << " speed " << speed << " from " << from);
          const CheckpointPolicy::Stretch s = schedule->stretch(from, durable, speed);
          const double total = schedule->time_to_finish(s);
          double reached = from;
          std::int64_t written = -1;
          std::map<std::int64_t, double> written_at;  // boundary -> when its write completed
          const double dt = total / 2000;
          for (int i = 0; i <= 2000; ++i) {
            const double elapsed = dt * i;
            const CheckpointPolicy::Cut c = schedule->cut(s, elapsed);
            EXPECT_NEAR((c.reached - from) / speed + c.checkpoint_h + c.partial_h, elapsed, 1e-9);
            EXPECT_GE(c.reached, reached);
            EXPECT_GE(c.written, written);
            // Durable exactly `persist` after the write completed (to the grid's resolution).
            if (c.written > written) written_at[c.written] = elapsed;
            EXPECT_LE(c.durable, c.written);
            if (c.durable >= 0) {
              ASSERT_EQ(written_at.count(c.durable), 1u) << c.durable;
              EXPECT_GE(elapsed - written_at[c.durable], persist - dt);
            }
            if (c.written >= 0 && elapsed - written_at[c.written] >= persist + dt) {
              EXPECT_EQ(c.durable, c.written);
            }
            reached = c.reached;
            written = c.written;
          }
          const CheckpointPolicy::Cut end = schedule->cut(s, total);
          EXPECT_NEAR(end.reached, work, 1e-9);
          EXPECT_NEAR(end.checkpoint_h, schedule->checkpoint_time(s), 1e-9);
          EXPECT_EQ(end.partial_h, 0.0);
        }
      }
    }
  }
}

TEST(AsyncCheckpoint, AFailureDuringAPersistRollsBackToThePreviousCheckpoint) {
  // Persist 0.5 h after each 0.1 h write (never a stall): a failure within a persist loses the
  // progress since the checkpoint before, so async loses more than blocking.
  const auto lost = [](double persist_h) {
    Scenario s = checkpointed(persist_h, PersistOverlap::kStall);
    double sum = 0.0;
    for (const ReplicationResult& r : run_replications(s, RunOptions{300, 35, 1, {}})) {
      expect_exact_accounting(s, r);
      sum += r.bucket(Bucket::kLost);
    }
    return sum;
  };
  EXPECT_GT(lost(0.5), lost(0.0));
}

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

// ---------------------------------------------------------------------------------------------
// Bad input for the strategies' keys: exit code 2, the file and line, nothing written.

namespace cli {

using goodsim::test::HasSubstr;
using goodsim::test::list_dir;
using goodsim::test::RunResult;
using goodsim::test::TempDir;

// A valid scenario using every new key; each bad case changes one part of it.
constexpr const char* kBase = R"(name: strategies-test
cluster:
  nodes: 64
  spares: 2
  failure:
    node_mtbf: 2000h
  repair:
    mean: 24h
job:
  work: 100h
  step: 10s
checkpoint:
  interval: 30min
  write: 2min
  persist: 5min
  overlap: stall
recovery:
  strategy: checkpointless
  detect: 5min
  swap: 5min
  restart: 10min
  load: 5min
  checkpointless:
    replicas: 2
    state_gb: 100
    p2p_gbps: 400
    placement: spread
  queue:
    model: lognormal
    median: 20min
    p90: 2h
  elastic:
    dp_group_nodes: 16
    reconfigure: 5min
montecarlo:
  replications: 4
  seed: 3
)";

TEST(StrategiesCli, TheBaseScenarioRuns) {
  TempDir dir;
  goodsim::test::write_text(dir / "scenario.yaml", kBase);
  for (const char* strategy : {"hot_spare", "checkpointless", "requeue", "elastic"}) {
    const RunResult r =
        goodsim::test::run_goodsim({"run", "scenario.yaml", "-o", "out.h5", "--quiet", "--set",
                                    std::string("recovery.strategy=") + strategy},
                                   dir.path());
    EXPECT_EQ(r.exit_code, 0) << strategy << "\n" << r;
  }
}

struct BadKey {
  const char* name;
  std::vector<std::pair<std::string, std::string>> edits;
  const char* line;     // the line (whole, exactly) the error must point at
  const char* message;  // a fragment the message must contain
};

void PrintTo(const BadKey& c, std::ostream* os) {
  *os << c.name;
}

class BadStrategyKey : public ::testing::TestWithParam<BadKey> {};

TEST_P(BadStrategyKey, ExitsTwoNamingFileAndLineAndWritesNothing) {
  const BadKey& c = GetParam();
  const std::string yaml = goodsim::test::edited(kBase, c.edits);
  ASSERT_NE(yaml, kBase);
  goodsim::test::expect_rejected_at_line(yaml, c.line, "", c.message);
}

constexpr const char* kStrategyLine = "  strategy: checkpointless";

const BadKey kBadKeys[] = {
    {"UnknownStrategy",
     {{"strategy: checkpointless", "strategy: warm_spare"}},
     "  strategy: warm_spare",
     "unknown recovery strategy 'warm_spare'; supported: hot_spare, checkpointless, requeue, "
     "elastic"},
    {"OneReplica",
     {{"replicas: 2", "replicas: 1"}},
     "    replicas: 1",
     "expected an integer >= 2, got '1'"},
    {"ReplicasNotDividingNodes",
     {{"replicas: 2", "replicas: 3"}},
     kStrategyLine,
     "cluster.nodes (64) divisible by recovery.checkpointless.replicas (3)"},
    {"MoreReplicasThanNodes",
     {{"replicas: 2", "replicas: 128"}},
     "    replicas: 128",
     "expected at most cluster.nodes (64) replicas"},
    {"ZeroStateSize",
     {{"state_gb: 100", "state_gb: 0"}},
     "    state_gb: 0",
     "expected a number > 0, got '0'"},
    {"NegativeLinkSpeed",
     {{"p2p_gbps: 400", "p2p_gbps: -400"}},
     "    p2p_gbps: -400",
     "expected a number > 0, got '-400'"},
    {"MissingLinkSpeed",
     {{"    p2p_gbps: 400\n", ""}},
     "    replicas: 2",
     "missing required key 'p2p_gbps'"},
    {"UnknownPlacement",
     {{"placement: spread", "placement: scattered"}},
     "    placement: scattered",
     "unknown placement 'scattered'; supported: spread"},
    {"CheckpointlessWithoutStep",
     {{"  step: 10s\n", ""}},
     kStrategyLine,
     "strategy 'checkpointless' needs job.step"},
    {"ZeroStep", {{"step: 10s", "step: 0s"}}, "  step: 0s", "expected a duration > 0, got '0s'"},
    {"NegativeStep",
     {{"step: 10s", "step: -10s"}},
     "  step: -10s",
     "expected a duration > 0, got '-10s'"},
    {"RequeueWithoutQueue",
     {{"strategy: checkpointless", "strategy: requeue"},
      {"  queue:\n    model: lognormal\n    median: 20min\n    p90: 2h\n", ""}},
     "  strategy: requeue",
     "strategy 'requeue' needs recovery.queue"},
    {"BadQueueDistribution",
     {{"median: 20min", "median: -20min"}},
     "    median: -20min",
     "expected a duration > 0"},
    {"ElasticGroupsNotDividingNodes",
     {{"strategy: checkpointless", "strategy: elastic"},
      {"dp_group_nodes: 16", "dp_group_nodes: 24"}},
     "  strategy: elastic",
     "cluster.nodes (64) to be at least two data-parallel groups"},
    {"ElasticSingleGroup",
     {{"strategy: checkpointless", "strategy: elastic"},
      {"dp_group_nodes: 16", "dp_group_nodes: 64"}},
     "  strategy: elastic",
     "at least two data-parallel groups"},
    {"ElasticZeroGroupNodes",
     {{"dp_group_nodes: 16", "dp_group_nodes: 0"}},
     "    dp_group_nodes: 0",
     "expected an integer >= 1, got '0'"},
    {"ElasticNegativeReconfigure",
     {{"reconfigure: 5min", "reconfigure: -5min"}},
     "    reconfigure: -5min",
     "expected a duration >= 0, got '-5min'"},
    {"NegativePersist",
     {{"persist: 5min", "persist: -5min"}},
     "  persist: -5min",
     "expected a duration >= 0, got '-5min'"},
    {"UnknownOverlap",
     {{"overlap: stall", "overlap: queue"}},
     "  overlap: queue",
     "unknown overlap 'queue'; supported: stall"},
};

INSTANTIATE_TEST_SUITE_P(Strategies, BadStrategyKey, ::testing::ValuesIn(kBadKeys),
                         [](const auto& info) { return std::string(info.param.name); });

}  // namespace cli

}  // namespace
}  // namespace goodsim::models
