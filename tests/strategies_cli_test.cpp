// Bad input for the recovery strategies' keys: exit code 2, the file and line, nothing
// written.

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "tests/test_support.h"

namespace goodsim::models {
namespace {

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
