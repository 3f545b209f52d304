// Checkpointless recovery (models/recovery/checkpointless.cpp): a failure that overlaps no other
// is a peer recovery, Gemini's group placement against its closed forms, and replica placement
// against failure domains.

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <string>

#include "models/checkpoint/policy.h"
#include "models/monte_carlo.h"
#include "models/recovery/shard_map.h"
#include "models/recovery/strategy.h"
#include "tests/replication_checks.h"
#include "tests/strategy_scenarios.h"
#include "tests/test_support.h"

namespace goodsim::models {
namespace {

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

}  // namespace
}  // namespace goodsim::models
