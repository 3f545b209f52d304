// Slow nodes (docs/model.md, "Slow nodes"): the job computes at the pace of its slowest node,
// the capacity missing is booked in the `slow` bucket, and the mitigation evicts slow nodes
// through the recovery strategy, as failures do.

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "models/monte_carlo.h"
#include "models/repair/repair_distribution.h"
#include "models/replication.h"
#include "models/scenario_loader.h"
#include "sim/error.h"
#include "sim/statistics.h"
#include "tests/replication_checks.h"
#include "tests/test_support.h"

namespace goodsim::models {
namespace {

Scenario load_yaml(const std::string& yaml) {
  return scenario_from_yaml(yaml, "t.yaml");
}

// Every strategy's section, every fault, asynchronous checkpoints: only `strategy` and the
// `slow` block are filled in by the tests.
std::string everything(const std::string& strategy, const std::string& slow) {
  return R"(
cluster:
  nodes: 16
  spares: 3
  failure: {node_mtbf: 80h}
  repair: {mean: 2h}
  domain_size: 4
  causes:
    - {name: software, share: 0.4, handling: restart}
    - {name: gpu, share: 0.4, handling: swap}
    - {name: switch, share: 0.2, handling: domain}
  maintenance: {every: 20h, duration: 1h}
  sdc: {node_mtbf: 640h, detect: 30min}
  pool_failures: true
)" + slow +
         R"(
job: {work: 100h, step: 10s}
checkpoint: {interval: 1h, write: 3min, persist: 30min}
recovery:
  strategy: )" +
         strategy +
         R"(
  detect: 3min
  swap: 6min
  restart: 6min
  load: 3min
  checkpointless: {replicas: 2, state_gb: 100, p2p_gbps: 400}
  queue: {model: fixed, mean: 30min}
  elastic: {dp_group_nodes: 4, reconfigure: 6min}
  in_process: {rebuild: 1min, load: 1min}
)";
}

TEST(SlowNodes, SlowdownOneChangesNothing) {
  // Nodes turn "slow" by a factor of 1 all the time, under a policy that would evict them:
  // such a node cannot be told from a healthy one. Every result is bit for bit the same.
  const std::string slow =
      "  slow: {node_mtbs: 50h, slowdown: 1, duration: {mean: 2h}, detect: 5min, "
      "mitigation: evict}";
  for (const char* strategy : {"hot_spare", "checkpointless", "requeue", "elastic", "in_process"}) {
    SCOPED_TRACE(strategy);
    const Scenario plain = load_yaml(everything(strategy, ""));
    const Scenario with_slow = load_yaml(everything(strategy, slow));
    for (std::uint64_t i = 0; i < 40; ++i) {
      const ReplicationResult r = simulate_replication(with_slow, 3, i);
      EXPECT_GT(r.slow_episodes, 0);
      EXPECT_EQ(r.evictions, 0);
      expect_identical(simulate_replication(plain, 3, i), r);
    }
  }
}

// Nodes that never fail, slowdowns of a fixed factor lasting `duration` (a distribution).
std::string slow_only(std::int64_t nodes, double mtbs_h, const std::string& duration, double factor,
                      const std::string& mitigation) {
  return "cluster:\n  nodes: " + std::to_string(nodes) +
         "\n  spares: 8\n  failure: {node_mtbf: 1e15h}\n  repair: {model: fixed, mean: 1min}\n"
         "  slow:\n    node_mtbs: " +
         std::to_string(mtbs_h) + "h\n    slowdown: " + std::to_string(factor) +
         "\n    duration: " + duration + "\n" + mitigation +
         "job: {work: 200h, step: 10s}\n"
         "checkpoint: {interval: 1h, write: 3min}\n"
         "recovery:\n  detect: 3min\n  swap: 6min\n  restart: 6min\n  load: 3min\n";
}

// Expected capacity lost to slowdowns, in closed form. In the job's own time τ (its wall time
// when no node is slow) the number of slow nodes k is a Markov chain: a healthy node turns
// slow at rate λ per wall hour and a slow one recovers at rate μ per wall hour, and while
// k >= 1 every τ-hour takes f wall hours. So from k: up at (N - k) λ (× f if k >= 1), down at
// k μ f. The job ends when τ reaches T (its fault-free time with checkpoint writes), so the
// slow bucket is (f - 1) × the τ-time with k >= 1, whose mean follows from the chain's
// transient law (Kolmogorov's forward equations, integrated with RK4).
double expected_slow_h(int nodes, double lambda, double mu, double f, double T) {
  const int n = nodes + 1;
  const auto derivative = [&](const std::vector<double>& p) {
    std::vector<double> d(n, 0.0);
    for (int k = 0; k < n; ++k) {
      const double pace = k >= 1 ? f : 1.0;
      const double up = (nodes - k) * lambda * pace, down = k * mu * f;
      d[k] -= (up + down) * p[k];
      if (k + 1 < n) d[k + 1] += up * p[k];
      if (k >= 1) d[k - 1] += down * p[k];
    }
    return d;
  };
  std::vector<double> p(n, 0.0);
  p[0] = 1.0;
  const int steps = 100'000;
  const double h = T / steps;
  double slowed = 0.0;  // ∫ P(k >= 1) dτ, trapezoids on the RK4 grid
  for (int s = 0; s < steps; ++s) {
    const double before = 1.0 - p[0];
    const auto shifted = [&](const std::vector<double>& k, double a) {
      std::vector<double> out(p);
      for (int i = 0; i < n; ++i) out[i] += a * k[i];
      return out;
    };
    const auto k1 = derivative(p);
    const auto k2 = derivative(shifted(k1, h / 2));
    const auto k3 = derivative(shifted(k2, h / 2));
    const auto k4 = derivative(shifted(k3, h));
    for (int i = 0; i < n; ++i) p[i] += h / 6 * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i]);
    slowed += h / 2 * (before + 1.0 - p[0]);
  }
  return (f - 1.0) * slowed;
}

TEST(SlowNodes, TolerateMatchesTheClosedForm) {
  // Exponential durations (the closed form's Markov chain); 2x slowdowns; overlapping ones on
  // 4 nodes cost no more than the slowest of them.
  for (const int nodes : {1, 4}) {
    SCOPED_TRACE(nodes);
    const double mtbs = 20.0, duration = 2.0, f = 2.0;
    const Scenario s = load_yaml(slow_only(nodes, mtbs, "{mean: 2h}", f, ""));
    std::vector<double> slow;
    for (const ReplicationResult& r : run_replications(s, RunOptions{2000, 17, 1, {}})) {
      EXPECT_NEAR(r.bucket_sum(), r.wall_h, 1e-9 * r.wall_h);
      EXPECT_EQ(r.interruptions, 0);
      slow.push_back(r.bucket(Bucket::kSlow));
    }
    const double T = s.job.work_h + 199 * s.checkpoint.write_h;
    const double exact = expected_slow_h(nodes, 1.0 / mtbs, 1.0 / duration, f, T);
    const sim::SampleSummary got = sim::summarize(slow);
    EXPECT_LT(std::abs(got.mean - exact), 4.0 * got.std_error)
        << "simulated " << got.mean << " +/- " << got.std_error << " h, closed form " << exact;
  }
}

struct Policies {
  sim::SampleSummary tolerate, evict, ski;
  std::int64_t ski_evictions = 0, episodes = 0;
};

// Mean wall time of 2x slowdowns lasting exactly `duration_h` under each policy.
Policies walls(double duration_h, const std::string& strategy) {
  const std::string duration = "{model: fixed, mean: " + std::to_string(duration_h) + "h}";
  const auto run = [&](const std::string& mitigation, Policies& p, bool ski) {
    std::string yaml = slow_only(8, 80.0, duration, 2.0, mitigation);
    yaml.replace(yaml.find("recovery:\n"), 10, "recovery:\n  strategy: " + strategy + "\n");
    std::vector<double> wall;
    for (const ReplicationResult& r :
         run_replications(load_yaml(yaml), RunOptions{300, 5, 1, {}})) {
      wall.push_back(r.wall_h);
      if (ski) {
        p.ski_evictions += r.evictions;
        p.episodes += r.slow_episodes;
      }
    }
    return sim::summarize(wall);
  };
  Policies p;
  p.tolerate = run("    mitigation: tolerate\n", p, false);
  p.evict = run("    mitigation: evict\n    detect: 0s\n", p, false);
  p.ski = run("    mitigation: threshold\n    detect: 0s\n    threshold: {after: ski_rental}\n", p,
              true);
  return p;
}

TEST(SlowNodes, EvictingPaysOffPastTheSkiRentalBound) {
  // Hot spares: an eviction costs the save (3 min), swap (6 min), restart (6 min) and load
  // (3 min): 0.3 h of the whole job. A 2x slow node costs half the job's capacity per hour:
  // break-even after 0.6 h. Shorter slowdowns are cheaper to tolerate, longer ones to evict;
  // the ski-rental rule tolerates the short ones and evicts the long ones at the bound.
  const double bound = (0.05 + 0.1 + 0.1 + 0.05) / 0.5;
  const Policies short_ones = walls(0.5 * bound, "hot_spare");
  EXPECT_LT(short_ones.tolerate.mean + 4 * short_ones.tolerate.std_error, short_ones.evict.mean);
  EXPECT_EQ(short_ones.ski_evictions, 0);
  EXPECT_EQ(short_ones.ski.mean, short_ones.tolerate.mean);

  const Policies long_ones = walls(2.0 * bound, "hot_spare");
  EXPECT_LT(long_ones.evict.mean + 4 * long_ones.evict.std_error, long_ones.tolerate.mean);
  // Every slowdown is evicted, but those the end of the job cuts short.
  EXPECT_LE(long_ones.ski_evictions, long_ones.episodes);
  EXPECT_GT(long_ones.ski_evictions, 0.99 * static_cast<double>(long_ones.episodes));
  // Evicting at the bound pays the rent once more: at most twice the best policy's loss.
  const double work = 200.0 + 199 * 0.05;
  EXPECT_LE(long_ones.ski.mean - work, 2.0 * (long_ones.evict.mean - work));
  EXPECT_GT(long_ones.ski.mean, long_ones.evict.mean);
}

TEST(SlowNodes, CheckpointlessEvictsWithAPeerTransfer) {
  // The evicted node is alive: its replacement pulls the state from the peers; no save, no
  // restart, no load. Without failures every recovery phase is an eviction's.
  std::string yaml = slow_only(8, 40.0, "{mean: 2h}", 3.0, "    mitigation: evict\n");
  yaml.replace(yaml.find("recovery:\n"), 10,
               "recovery:\n  strategy: checkpointless\n"
               "  checkpointless: {replicas: 2, state_gb: 100, p2p_gbps: 400}\n");
  const Scenario s = load_yaml(yaml);
  for (const ReplicationResult& r : run_replications(s, RunOptions{50, 9, 1, {}})) {
    ASSERT_GT(r.evictions, 0);
    EXPECT_EQ(r.recoveries, 0);  // an eviction is not a failure's recovery
    EXPECT_EQ(r.bucket(Bucket::kRestartLoad), 0.0);
    EXPECT_NEAR(r.bucket(Bucket::kP2pTransfer),
                static_cast<double>(r.evictions) * s.recovery.checkpointless.transfer_h, 1e-9);
    EXPECT_NEAR(r.bucket(Bucket::kSwap), static_cast<double>(r.evictions) * s.recovery.swap_h,
                1e-9);
    // The step in progress, and a checkpoint write the eviction cut short.
    EXPECT_LE(r.bucket(Bucket::kLost),
              static_cast<double>(r.evictions) * (s.job.step_h + s.checkpoint.write_h));
    EXPECT_NEAR(r.bucket_sum(), r.wall_h, 1e-9 * r.wall_h);
  }
}

TEST(SlowNodes, HotSpareEvictionSavesFirstAndLosesAtMostAWriteInProgress) {
  const Scenario s = load_yaml(slow_only(8, 40.0, "{mean: 2h}", 3.0, "    mitigation: evict\n"));
  for (const ReplicationResult& r : run_replications(s, RunOptions{50, 9, 1, {}})) {
    ASSERT_GT(r.evictions, 0);
    EXPECT_LE(r.bucket(Bucket::kLost), static_cast<double>(r.evictions) * s.checkpoint.write_h);
    EXPECT_NEAR(r.bucket(Bucket::kRestartLoad),
                static_cast<double>(r.evictions) * (s.recovery.restart_h + s.recovery.load_h),
                1e-9);
    EXPECT_EQ(r.repairs, r.evictions);
    EXPECT_NEAR(r.bucket_sum(), r.wall_h, 1e-9 * r.wall_h);
  }
}

TEST(SlowNodes, BadInputIsRefusedWithItsLocation) {
  const auto error_of = [](const std::string& slow) {
    try {
      load_yaml(slow_only(8, 40.0, "{mean: 2h}", 2.0, slow));
    } catch (const sim::InputError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_TRUE(test::HasSubstr(error_of("    mitigation: threshold\n"),
                              "mitigation 'threshold' needs `threshold:`"));
  EXPECT_TRUE(
      test::HasSubstr(error_of("    mitigation: sometimes\n"), "unknown mitigation 'sometimes'"));
  EXPECT_TRUE(test::HasSubstr(error_of("    lemons: {share: 2, every: 1h}\n"),
                              "expected a fraction in [0, 1]"));
  std::string yaml = slow_only(8, 40.0, "{mean: 2h}", 2.0, "");
  yaml.replace(yaml.find("slowdown: 2.000000"), 18, "slowdown: 0.5");
  try {
    load_yaml(yaml);
    ADD_FAILURE() << "slowdown 0.5 accepted";
  } catch (const sim::InputError& e) {
    EXPECT_TRUE(test::HasSubstr(e.what(), "t.yaml:8:"));
    EXPECT_TRUE(test::HasSubstr(e.what(), "expected a slowdown factor in [1, 1000]"));
  }
}

}  // namespace
}  // namespace goodsim::models
