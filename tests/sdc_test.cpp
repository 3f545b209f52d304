// Silent data corruption (docs/model.md): a corruption while computing is detected `detect`
// later; the job then rolls back to the last durable checkpoint before the corruption (a
// checkpoint written after it holds corrupted state), the faulty node is swapped, and the job
// restarts and loads. Corruptions draw from their own stream.

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>
#include <vector>

#include "models/replication.h"
#include "models/scenario_loader.h"
#include "sim/hdf5.h"
#include "sim/random.h"
#include "tests/test_support.h"

namespace goodsim::models {
namespace {

Scenario load_yaml(const std::string& yaml) {
  return scenario_from_yaml(yaml, "t.yaml");
}

// Nodes that practically never fail: only corruptions interrupt the job.
constexpr const char* kSdcOnly = R"(
cluster:
  nodes: 4
  spares: 1
  failure: {node_mtbf: 1e15h}
  repair: {mean: 24h}
  sdc: {node_mtbf: 200h, detect: 2.5h}
job: {work: 50h}
recovery: {detect: 5min, swap: 6min, restart: 12min, load: 6min}
)";

// The first replication, from index 0 on, with exactly one detection.
std::uint64_t first_with_one_detection(const Scenario& s, std::uint64_t seed) {
  for (std::uint64_t i = 0; i < 200; ++i) {
    if (simulate_replication(s, seed, i).sdc_detections == 1) return i;
  }
  ADD_FAILURE() << "no replication with exactly one detection";
  return 0;
}

void expect_buckets_add_up(const Scenario& s, const ReplicationResult& r) {
  EXPECT_NEAR(r.bucket_sum(), r.wall_h, 1e-9 * r.wall_h);
  EXPECT_EQ(r.bucket(Bucket::kProductive), s.job.work_h);
}

TEST(Sdc, RollsBackPastTheCorruptedCheckpoint) {
  // Blocking checkpoints every hour of progress, 6 min each. Until the detection the job runs
  // the fault-free schedule, so where it stands at any time is arithmetic.
  const Scenario s = load_yaml(std::string(kSdcOnly) + "checkpoint: {interval: 1h, write: 6min}\n");
  const std::uint64_t seed = 7;
  const std::uint64_t index = first_with_one_detection(s, seed);
  const ReplicationResult r = simulate_replication(s, seed, index);
  const double tau = s.checkpoint.interval_h, w = s.checkpoint.write_h, cycle = tau + w;
  const auto progress_at = [&](double t) {  // {progress in memory, partial write}
    const double k = std::floor(t / cycle), into = t - k * cycle;
    return into < tau ? std::pair{k * tau + into, 0.0} : std::pair{(k + 1) * tau, into - tau};
  };
  // The detected corruption is the first one that arrives while the job computes (not
  // writing): replay the corruption stream (no slots are tracked: it draws arrivals only).
  sim::RandomStream stream(seed, index, sim::StreamPurpose::kSdc);
  const double gap = s.cluster.sdc->node_mtbf_h / static_cast<double>(s.cluster.nodes);
  double t_c = 0.0;
  do t_c += stream.exponential(gap);
  while (progress_at(t_c).second > 0.0);
  const double p_c = progress_at(t_c).first;
  const double t_d = t_c + s.cluster.sdc->detect_h;
  const auto [reached, partial] = progress_at(t_d);
  const double clean = std::floor(p_c / tau) * tau;  // the last boundary <= p_c
  const double last_written = partial > 0.0 ? reached - tau : std::floor(reached / tau) * tau;
  ASSERT_GE(last_written - clean, 2.0 * tau) << "the detection must come after further writes";

  // Everything computed since the last boundary before the corruption is lost, and the
  // boundaries after it are written again.
  EXPECT_EQ(r.interruptions, 0);
  EXPECT_NEAR(r.bucket(Bucket::kLost), reached - clean + partial, 1e-9);
  const double writes =
      static_cast<double>(std::ceil(s.job.work_h / tau) - 1.0) + (last_written - clean) / tau;
  EXPECT_NEAR(r.bucket(Bucket::kCheckpoint), writes * w, 1e-9);
  // Detection is the event itself: no detect phase; the faulty node is swapped from the pool.
  EXPECT_EQ(r.bucket(Bucket::kDetect), 0.0);
  EXPECT_NEAR(r.bucket(Bucket::kSwap), s.recovery.swap_h, 1e-9);
  EXPECT_NEAR(r.bucket(Bucket::kRestartLoad), s.recovery.restart_h + s.recovery.load_h, 1e-9);
  EXPECT_EQ(r.repairs, 1);
  EXPECT_EQ(r.recoveries, 1);
  expect_buckets_add_up(s, r);
}

TEST(Sdc, MultiLevelRestoresThePersistentLevelNotTheMemoryCopiesWrittenAfter) {
  // Free writes: the job computes all the time, so progress equals wall time until the
  // detection. Memory copies every 15 min are newer than the corruption; the persistent
  // checkpoints every 2 h are the clean ones.
  const Scenario s = load_yaml(std::string(kSdcOnly) +
                               "checkpoint: {interval: 2h, write: 0, memory: {interval: 15min, "
                               "write: 0, copies: 2, load: 1min}}\n");
  const std::uint64_t seed = 11;
  const std::uint64_t index = first_with_one_detection(s, seed);
  const ReplicationResult r = simulate_replication(s, seed, index);
  sim::RandomStream stream(seed, index, sim::StreamPurpose::kSdc);
  const double t_c = stream.exponential(s.cluster.sdc->node_mtbf_h / 4.0);
  const double t_d = t_c + s.cluster.sdc->detect_h;
  const double clean = std::floor(t_c / s.checkpoint.interval_h) * s.checkpoint.interval_h;
  EXPECT_NEAR(r.bucket(Bucket::kLost), t_d - clean, 1e-9);
  EXPECT_NEAR(r.bucket(Bucket::kRestartLoad), s.recovery.restart_h + s.recovery.load_h, 1e-9);
  EXPECT_EQ(r.fallbacks, 1);
  EXPECT_EQ(r.peer_recoveries, 0);
  expect_buckets_add_up(s, r);
}

// A scenario with failures, spares that run short, causes and failure domains (slots tracked).
constexpr const char* kBusy = R"(
cluster:
  nodes: 64
  spares: 2
  failure: {node_mtbf: 300h}
  repair: {mean: 24h}
job: {work: 100h}
checkpoint: {interval: 1h, write: 3min, persist: 10min}
recovery: {detect: 5min, swap: 5min, restart: 10min, load: 5min}
)";
constexpr const char* kDomains = R"(  domain_size: 8
  causes:
    - {name: gpu, share: 3}
    - {name: nccl, share: 2, handling: restart}
    - {name: switch, share: 1, handling: domain}
)";

std::string with_cluster_lines(const std::string& yaml, const std::string& lines) {
  std::string out = yaml;
  out.insert(out.find("job:"), lines);
  return out;
}

TEST(Sdc, ACorruptionStreamThatNeverFiresLeavesTheResultsBitIdentical) {
  // An SDC rate so low that no corruption ever arrives: if corruptions drew from the failure,
  // repair or pick streams, the failures would move and these results would differ.
  for (const std::string& base : {std::string(kBusy), with_cluster_lines(kBusy, kDomains)}) {
    const Scenario without = load_yaml(base);
    const Scenario with =
        load_yaml(with_cluster_lines(base, "  sdc: {node_mtbf: 1e30h, detect: 1h}\n"));
    for (std::uint64_t i = 0; i < 20; ++i) {
      const ReplicationResult a = simulate_replication(without, 5, i);
      const ReplicationResult b = simulate_replication(with, 5, i);
      ASSERT_GT(a.interruptions, 0);
      EXPECT_EQ(b.sdc_detections, 0);
      EXPECT_EQ(a.wall_h, b.wall_h) << i;
      EXPECT_EQ(a.buckets_h, b.buckets_h) << i;
      EXPECT_EQ(a.interruptions, b.interruptions) << i;
      EXPECT_EQ(a.interruptions_by_cause, b.interruptions_by_cause) << i;
      EXPECT_EQ(a.repairs, b.repairs) << i;
      EXPECT_EQ(a.events, b.events) << i;
    }
  }
}

TEST(Sdc, DetectionsMatchThePoissonRateOverTheComputingTime) {
  // With instant detection every corruption that arrives while computing is detected, and
  // with free writes the computing time is productive + lost. N - T / gap is a martingale of
  // variance E[T] / gap: the sums must agree within 4 of its standard errors.
  const Scenario s = load_yaml(with_cluster_lines(
      std::string(kBusy).replace(std::string(kBusy).find("write: 3min, persist: 10min"), 27,
                                 "write: 0"),
      "  sdc: {node_mtbf: 640h, detect: 0}\n"));
  const double gap = s.cluster.sdc->node_mtbf_h / static_cast<double>(s.cluster.nodes);
  double detections = 0.0, expected = 0.0;
  for (std::uint64_t i = 0; i < 400; ++i) {
    const ReplicationResult r = simulate_replication(s, 3, i);
    detections += static_cast<double>(r.sdc_detections);
    expected += (r.bucket(Bucket::kProductive) + r.bucket(Bucket::kLost)) / gap;
    expect_buckets_add_up(s, r);
  }
  EXPECT_NEAR(detections, expected, 4.0 * std::sqrt(expected));
}

TEST(Sdc, BucketsAddUpWithEveryCheckpointPolicyAndFailureFeature) {
  const std::string sdc = "  sdc: {node_mtbf: 1000h, detect: 90min}\n";
  const std::vector<std::string> cases = {
      with_cluster_lines(kBusy, sdc),
      with_cluster_lines(kBusy, sdc + kDomains),
      with_cluster_lines(kBusy, sdc + "  pool_failures: true\n"),
      with_cluster_lines(kBusy, sdc + "  maintenance: {every: 20h, duration: 1h}\n"),
      with_cluster_lines(std::string(kBusy).replace(std::string(kBusy).find("persist: 10min"), 14,
                                                    "persist: 80min, overlap: skip"),
                         sdc),
      with_cluster_lines(std::string(kBusy).replace(
                             std::string(kBusy).find("persist: 10min"), 14,
                             "persist: 0, memory: {interval: 15min, write: 1min, copies: 4}"),
                         sdc + "  maintenance: {every: 20h, duration: 1h}\n"),
  };
  for (const std::string& yaml : cases) {
    const Scenario s = load_yaml(yaml);
    std::int64_t detections = 0;
    for (std::uint64_t i = 0; i < 100; ++i) {
      const ReplicationResult r = simulate_replication(s, 9, i);
      detections += r.sdc_detections;
      expect_buckets_add_up(s, r);
      ASSERT_FALSE(HasFailure()) << yaml << "replication " << i;
    }
    EXPECT_GT(detections, 0) << yaml;
  }
}

}  // namespace
}  // namespace goodsim::models

namespace goodsim::test {
namespace {

constexpr const char* kBase = R"(cluster:
  nodes: 64
  spares: 2
  failure:
    model: exponential
    node_mtbf: 2000h
  repair: {mean: 24h}
  sdc:
    node_mtbf: 100000h
    detect: 2h
job:
  work: 100h
  step: 10s
checkpoint: {interval: 30min, write: 2min}
recovery:
  strategy: hot_spare
  detect: 5min
  queue: {model: fixed, mean: 1h}
  checkpointless: {state_gb: 100, p2p_gbps: 400}
  elastic: {dp_group_nodes: 16}
montecarlo: {replications: 10}
)";

class BadSdcTest : public ::testing::TestWithParam<BadScenario> {};

TEST_P(BadSdcTest, ExitsTwoNamingFileLineAndKeyAndWritesNothing) {
  const BadScenario& c = GetParam();
  expect_rejected_at_line(edited(kBase, {{c.from, c.to}}), c.line, c.key, c.message);
}

const BadScenario kBadSdc[] = {
    {"MissingNodeMtbf", "    node_mtbf: 100000h\n", "", "    detect: 2h", "cluster.sdc",
     "missing required key 'node_mtbf'"},
    {"MissingDetect", "    detect: 2h\n", "", "    node_mtbf: 100000h", "cluster.sdc",
     "missing required key 'detect'"},
    {"ZeroNodeMtbf", "node_mtbf: 100000h", "node_mtbf: 0h", "    node_mtbf: 0h",
     "cluster.sdc.node_mtbf", "expected a duration > 0, got '0h'"},
    {"NegativeDetect", "detect: 2h", "detect: -2h", "    detect: -2h", "cluster.sdc.detect",
     "expected a duration >= 0, got '-2h'"},
    {"DetectWithoutUnit", "detect: 2h", "detect: 2", "    detect: 2", "cluster.sdc.detect",
     "expected a duration with a unit"},
    {"UnknownKey", "    detect: 2h\n", "    detect: 2h\n    latency: 1h\n", "    latency: 1h",
     "cluster.sdc", "unknown key 'latency'; expected one of: node_mtbf, detect"},
    {"NotAMap", "  sdc:\n    node_mtbf: 100000h\n    detect: 2h\n", "  sdc: yes\n", "  sdc: yes",
     "cluster.sdc", "expected a map"},
};

INSTANTIATE_TEST_SUITE_P(Sdc, BadSdcTest, ::testing::ValuesIn(kBadSdc),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(SdcCli, RunReportsDetectionsApartFromInterruptions) {
  TempDir dir;
  std::string yaml = kBase;
  yaml.replace(yaml.find("node_mtbf: 100000h"), 18, "node_mtbf: 3000h");  // about 2 a run
  write_text(dir / "scenario.yaml", yaml);
  const RunResult r = run_goodsim({"run", "scenario.yaml", "-o", "out.h5"}, dir.path());
  ASSERT_EQ(r.exit_code, 0) << r;
  EXPECT_TRUE(HasSubstr(r.out, "sdc detected"));
  EXPECT_TRUE(HasSubstr(r.out, "not counted as interruptions"));
  // The results file holds each replication's detections, and the run loads them the same.
  const auto file = sim::h5::File::open_read((dir / "out.h5").string());
  const auto point = file.root().open_group("points/000000");
  const std::vector<std::int64_t> stored = point.read_int64s("sdc_detections");
  const models::Scenario s = models::load_scenario((dir / "scenario.yaml").string(), {});
  ASSERT_EQ(stored.size(), 10u);
  EXPECT_GT(std::accumulate(stored.begin(), stored.end(), std::int64_t{0}), 0);
  for (std::size_t i = 0; i < stored.size(); ++i) {
    EXPECT_EQ(stored[i], models::simulate_replication(s, 1, i).sdc_detections) << i;
  }
}

}  // namespace
}  // namespace goodsim::test
