// End-to-end tests of bad input: a bad scenario, override or option is rejected with exit code
// 2, a message naming the file, line and key (or the option), and no output file.

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "tests/test_support.h"

namespace goodsim::test {
namespace {

// A small valid scenario. Each bad case changes one part of it; the expected error line is
// found in the changed text, so the tests check the line numbers goodsim reports.
const std::string kBase = small_scenario("cli-test", 20, 3);

// kBase with the single occurrence of `from` replaced by `to`.
std::string mutate(const std::string& from, const std::string& to) {
  return edited(kBase, {{from, to}});
}

// Expects a rejected run: exit code 2, nothing on stdout, and the directory exactly as before
// (no results file, no temporary file).
void expect_rejected_without_output(const RunResult& r, const TempDir& dir,
                                    const std::set<std::string>& before) {
  EXPECT_EQ(r.exit_code, 2) << r;
  EXPECT_EQ(r.out, "") << r;
  const std::set<std::string> after = list_dir(dir.path());
  EXPECT_EQ(after, before) << r;
  for (const std::string& name : after) {
    EXPECT_EQ(name.find(".tmp"), std::string::npos) << "leftover " << name;
  }
  EXPECT_FALSE(fs::exists(dir / "out.h5"));
  EXPECT_FALSE(fs::exists(dir / "results.h5"));
}

// ---------------------------------------------------------------------------------------------
// Bad scenarios: each is kBase with one change.

class BadScenarioTest : public ::testing::TestWithParam<BadScenario> {};

TEST_P(BadScenarioTest, ExitsTwoNamingFileLineAndKeyAndWritesNothing) {
  const BadScenario& c = GetParam();
  const std::string yaml = mutate(c.from, c.to);
  ASSERT_NE(yaml, kBase);
  expect_rejected_at_line(yaml, c.line, c.key, c.message);
}

const BadScenario kBadScenarios[] = {
    // Unknown keys: the message lists the expected ones.
    {"UnknownTopLevelKey", "name: cli-test\n", "name: cli-test\nbogus: 1\n", "bogus: 1", "",
     "unknown key 'bogus'; expected one of: name, description, cluster, job, checkpoint, "
     "recovery, cost, montecarlo"},
    {"UnknownNestedKey", "  spares: 2\n", "  spares: 2\n  spraes: 3\n", "  spraes: 3", "cluster",
     "unknown key 'spraes'; expected one of: nodes, gpus_per_node, spares, failure, repair"},
    {"UnknownDeeplyNestedKey", "    node_mtbf: 2000h\n", "    node_mtbf: 2000h\n    shape: 1.5\n",
     "    shape: 1.5", "cluster.failure", "unknown key 'shape'; expected one of: model, node_mtbf"},
    {"DuplicateKey", "  spares: 2\n", "  spares: 2\n  spares: 4\n", "  spares: 4", "cluster",
     "duplicate key 'spares' (first defined at line 5)"},
    // Wrong types.
    {"NodesNotANumber", "  nodes: 64\n", "  nodes: abc\n", "  nodes: abc", "cluster.nodes",
     "expected an integer, got 'abc'"},
    {"SparesNotAnInteger", "  spares: 2\n", "  spares: 1.5\n", "  spares: 1.5", "cluster.spares",
     "expected an integer, got '1.5'"},
    {"NameNotAString", "name: cli-test\n", "name: [cli, test]\n", "name: [cli, test]", "name",
     "expected a string, got a sequence"},
    // Malformed durations.
    {"DurationWithoutUnit", "node_mtbf: 2000h", "node_mtbf: 30", "    node_mtbf: 30",
     "cluster.failure.node_mtbf", "expected a duration with a unit (s, min, h, d, w)"},
    {"DurationWithAmbiguousM", "node_mtbf: 2000h", "node_mtbf: 5m", "    node_mtbf: 5m",
     "cluster.failure.node_mtbf", "'m' is ambiguous"},
    {"DurationWithWordUnit", "node_mtbf: 2000h", "node_mtbf: 5 minutes", "    node_mtbf: 5 minutes",
     "cluster.failure.node_mtbf",
     "expected a duration with a unit (s, min, h, d, w), e.g. '30min', got '5 minutes'"},
    // Durations that must be > 0.
    {"ZeroNodeMtbf", "node_mtbf: 2000h", "node_mtbf: 0h", "    node_mtbf: 0h",
     "cluster.failure.node_mtbf", "expected a duration > 0, got '0h'"},
    {"NegativeRepairMean", "mean: 24h", "mean: -1h", "    mean: -1h", "cluster.repair.mean",
     "expected a duration > 0, got '-1h'"},
    {"ZeroWork", "work: 100h", "work: 0h", "  work: 0h", "job.work",
     "expected a duration > 0, got '0h'"},
    // Durations that must be >= 0.
    {"NegativeDetect", "detect: 5min", "detect: -5min", "  detect: -5min", "recovery.detect",
     "expected a duration >= 0, got '-5min'"},
    {"NegativeRestart", "restart: 10min", "restart: -10min", "  restart: -10min",
     "recovery.restart", "expected a duration >= 0, got '-10min'"},
    {"NegativeInterval", "interval: 30min", "interval: -5min", "  interval: -5min",
     "checkpoint.interval", "expected a duration >= 0 (0 = no checkpoints) or 'auto'"},
    // Integer ranges.
    {"NegativeSpares", "spares: 2", "spares: -1", "  spares: -1", "cluster.spares",
     "expected an integer >= 0, got '-1'"},
    {"ZeroNodes", "nodes: 64", "nodes: 0", "  nodes: 0", "cluster.nodes",
     "expected an integer >= 1, got '0'"},
    {"ZeroGpusPerNode", "gpus_per_node: 8", "gpus_per_node: 0", "  gpus_per_node: 0",
     "cluster.gpus_per_node", "expected an integer >= 1, got '0'"},
    {"MfuAboveOne", "  work: 100h\n",
     "  work:\n    params: 1e9\n    tokens: 1e12\n    peak_tflops: 989\n    mfu: 1.5\n",
     "    mfu: 1.5", "job.work.mfu", "expected a fraction in (0, 1], got '1.5'"},
    // Missing required keys: the error points at the map that lacks the key.
    {"MissingCluster",
     "cluster:\n  nodes: 64\n  gpus_per_node: 8\n  spares: 2\n  failure:\n    model: "
     "exponential\n    node_mtbf: 2000h\n  repair:\n    model: exponential\n    mean: 24h\n",
     "", "name: cli-test", "", "missing required key 'cluster'"},
    {"MissingNodes", "  nodes: 64\n", "", "  gpus_per_node: 8", "cluster",
     "missing required key 'nodes'"},
    {"MissingNodeMtbf", "    node_mtbf: 2000h\n", "", "    model: exponential", "cluster.failure",
     "missing required key 'node_mtbf'"},
    {"MissingWork", "job:\n  work: 100h\n", "job: {}\n", "job: {}", "job",
     "missing required key 'work'"},
    // Unsupported models and strategies.
    {"UnknownFailureModel", "    model: exponential\n    node_mtbf",
     "    model: gompertz\n    node_mtbf", "    model: gompertz", "cluster.failure.model",
     "unknown failure model 'gompertz'; supported: exponential, weibull"},
    {"UnknownRepairModel", "    model: exponential\n    mean", "    model: gamma\n    mean",
     "    model: gamma", "cluster.repair.model",
     "unknown repair model 'gamma'; supported: exponential, lognormal, fixed, empirical"},
    {"LognormalRepairWithoutParameters", "    model: exponential\n    mean: 24h\n",
     "    model: lognormal\n", "    model: lognormal", "cluster.repair",
     "a lognormal distribution needs either {mean, sigma} or {median, p90}, got none of them"},
    {"LognormalRepairWithHalfAPair", "    model: exponential\n    mean: 24h\n",
     "    model: lognormal\n    mean: 24h\n    p90: 48h\n", "    model: lognormal",
     "cluster.repair",
     "a lognormal distribution needs either {mean, sigma} or {median, p90}, got {mean, p90}"},
    {"UnknownRecoveryStrategy", "strategy: hot_spare", "strategy: cold_spare",
     "  strategy: cold_spare", "recovery.strategy",
     "unknown recovery strategy 'cold_spare'; supported: hot_spare"},
    {"AutoIntervalWithoutWrite", "  interval: 30min\n  write: 2min\n", "  interval: auto\n",
     "  interval: auto", "checkpoint.interval",
     "interval 'auto' needs a checkpoint write time > 0"},
    // Multi-level checkpoints (checkpoint.memory).
    {"MemoryIntervalNotDividingPersistent", "  write: 2min\n",
     "  write: 2min\n  memory: {interval: 7min, copies: 2}\n",
     "  memory: {interval: 7min, copies: 2}", "checkpoint.memory.interval",
     "expected an interval that divides checkpoint.interval"},
    {"MemoryGroupNotDividingNodes", "  write: 2min\n",
     "  write: 2min\n  memory:\n    interval: 5min\n    copies: 3\n", "    copies: 3",
     "checkpoint.memory.copies", "expected a group size that divides cluster.nodes (64)"},
    // Checkpoint policies by name (models/checkpoint/registry.cpp).
    {"UnknownCheckpointPolicy", "  write: 2min\n", "  write: 2min\n  policy: incremental\n",
     "  policy: incremental", "checkpoint.policy",
     "unknown checkpoint policy 'incremental'; supported: blocking (the job waits for each "
     "write; durable when the write ends), async ("},
    {"MultilevelPolicyWithoutMemory", "  write: 2min\n", "  write: 2min\n  policy: multilevel\n",
     "  policy: multilevel", "checkpoint.policy",
     "policy 'multilevel' needs checkpoint.memory: the in-memory level"},
    {"MemoryWithoutInterval", "  write: 2min\n", "  write: 2min\n  memory: {copies: 2}\n",
     "  memory: {copies: 2}", "checkpoint.memory", "missing required key 'interval'"},
    // Planned maintenance.
    {"MaintenanceEveryZero", "    mean: 24h\n",
     "    mean: 24h\n  maintenance: {every: 0h, duration: 4h}\n",
     "  maintenance: {every: 0h, duration: 4h}", "cluster.maintenance.every",
     "expected a duration > 0, got '0h'"},
    {"MaintenanceWithoutDuration", "    mean: 24h\n", "    mean: 24h\n  maintenance: {every: 7d}\n",
     "  maintenance: {every: 7d}", "cluster.maintenance", "missing required key 'duration'"},
    {"MaintenanceLongerThanItsPeriod", "    mean: 24h\n",
     "    mean: 24h\n  maintenance:\n    every: 4h\n    duration: 4h\n", "    duration: 4h",
     "cluster.maintenance.duration",
     "plus the maintenance duration to be shorter than cluster.maintenance.every"},
    // Trace replay (the CSV rows themselves: tests/trace_test.cpp).
    {"TraceFileMissing", "    model: exponential\n    node_mtbf: 2000h\n",
     "    model: trace\n    file: nowhere.csv\n", "    file: nowhere.csv", "cluster.failure.file",
     "cannot open trace file 'nowhere.csv'"},
    {"TraceWithNodeMtbf", "    model: exponential\n    node_mtbf: 2000h\n",
     "    model: trace\n    node_mtbf: 2000h\n", "    node_mtbf: 2000h",
     "cluster.failure.node_mtbf", "node_mtbf is derived from it"},
    {"PoolFailuresNotABool", "  spares: 2\n", "  spares: 2\n  pool_failures: sometimes\n",
     "  pool_failures: sometimes", "cluster.pool_failures", "got 'sometimes'"},
    // YAML syntax errors.
    {"YamlSyntaxError", "  spares: 2\n", "  spares: 2: 3\n", "  spares: 2: 3", "", "invalid YAML"},
    {"YamlTabIndentation", "  spares: 2\n", "\tspares: 2\n", "\tspares: 2", "", "invalid YAML"},
    // extends naming a file that does not exist.
    {"ExtendsMissingFile", "name: cli-test\n", "name: cli-test\nextends: no-such-base.yaml\n",
     "extends: no-such-base.yaml", "extends",
     "cannot open file 'no-such-base.yaml' named by extends"},
    // Numbers outside the range that makes physical sense (issue 11 item 4): refused with the
    // range, before they overflow (UBSan found each).
    {"NodesTimesGpusOverflow", "  nodes: 64\n", "  nodes: 3000000000000000000\n",
     "  nodes: 3000000000000000000", "cluster.nodes",
     "expected an integer from 1 to 10000000 (100 times the largest clusters built), got "
     "'3000000000000000000'"},
    {"GpusPerNodeOverflow", "  gpus_per_node: 8\n", "  gpus_per_node: 4000000000000\n",
     "  gpus_per_node: 4000000000000", "cluster.gpus_per_node",
     "expected an integer from 1 to 1024 (accelerators in one node)"},
    {"IntervalSoShortTheCheckpointCountOverflows", "interval: 30min", "interval: 1e-300h",
     "  interval: 1e-300h", "checkpoint.interval",
     "expected 0 (no checkpoints) or a duration of at least 1 s, got '1e-300h'"},
    {"DerivedWorkUnderflowsToZero", "  work: 100h\n",
     "  work: {params: 1e-300, tokens: 1e-300, peak_tflops: 989, mfu: 0.4}\n",
     "  work: {params: 1e-300, tokens: 1e-300, peak_tflops: 989, mfu: 0.4}", "job.work",
     "expected a work from 1 s to 10,000,000 h of fault-free compute, derived 0 h (6 x params x "
     "tokens / (GPUs x peak_tflops x mfu))"},
    {"WorkBeyondTenMillionHours", "work: 100h", "work: 1e308h", "  work: 1e308h", "job.work",
     "expected a work from 1 s to 10,000,000 h of fault-free compute, got '1e308h'"},
    {"WeibullShapeTooSmall", "    model: exponential\n    node_mtbf",
     "    model: weibull\n    shape: 0.001\n    node_mtbf", "    shape: 0.001",
     "cluster.failure.shape",
     "expected a shape from 0.05 to 50 (< 1: decreasing hazard; below 0.05 the failure times "
     "span hundreds of orders of magnitude and no longer fit the simulation clock), got "
     "'0.001'"},
    {"MaxWallFactorHuge", "  seed: 3\n", "  seed: 3\n  max_wall_factor: 1e308\n",
     "  max_wall_factor: 1e308", "montecarlo.max_wall_factor",
     "expected a number from 1 to 1e6 (a multiple of the work"},
    // Scenarios whose replications could never end (issue 11 item 5): refused at once, with
    // the estimate of their events.
    {"NodeMtbfOfNanoseconds", "node_mtbf: 2000h", "node_mtbf: 1e-9h", "    node_mtbf: 1e-9h",
     "cluster.failure.node_mtbf",
     "the scenario needs at least 6.4e+12 simulated events per replication (6.4e+10 failures "
     "per hour over 100 h of work), over the limit of 1e+08"},
    {"MaintenanceEvery1e300thOfAnHour", "  spares: 2\n",
     "  spares: 2\n  maintenance: {every: 1e-300h, duration: 0h}\n",
     "  maintenance: {every: 1e-300h, duration: 0h}", "cluster.maintenance.every",
     "the scenario needs at least 1e+302 simulated events per replication (1e+300 maintenance "
     "stops per hour over 100 h of work)"},
    {"SdcNodeMtbfOfNanoseconds", "  spares: 2\n",
     "  spares: 2\n  sdc: {node_mtbf: 1e-9h, detect: 1h}\n",
     "  sdc: {node_mtbf: 1e-9h, detect: 1h}", "cluster.sdc.node_mtbf",
     "(6.4e+10 silent data corruptions per hour over 100 h of work)"},
    {"SlowNodeMtbsOfNanoseconds", "  spares: 2\n",
     "  spares: 2\n  slow: {node_mtbs: 1e-9h, slowdown: 2, duration: {mean: 1h}}\n",
     "  slow: {node_mtbs: 1e-9h, slowdown: 2, duration: {mean: 1h}}", "cluster.slow.node_mtbs",
     "(6.4e+10 slowdowns per hour over 100 h of work)"},
};

INSTANTIATE_TEST_SUITE_P(Cli, BadScenarioTest, ::testing::ValuesIn(kBadScenarios),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(CliBadInput, ErrorInAnExtendedFileNamesThatFileAndLine) {
  TempDir dir;
  fs::create_directories(dir / "base");
  // nodes is on line 3 of the base file; the extending file is only two lines long.
  write_text(dir / "base" / "cluster.yaml", mutate("  nodes: 64\n", "  nodes: abc\n"));
  write_text(dir / "scenario.yaml", "extends: base/cluster.yaml\nname: child\n");
  const std::set<std::string> before = list_dir(dir.path());
  const RunResult r = run_goodsim({"run", "scenario.yaml", "-o", "out.h5", "-q"}, dir.path());
  expect_rejected_without_output(r, dir, before);
  EXPECT_TRUE(r.err.starts_with("goodsim: error: base/cluster.yaml:3:")) << r;
  EXPECT_TRUE(HasSubstr(r.err, "key 'cluster.nodes': expected an integer, got 'abc'"));
}

TEST(CliBadInput, NonexistentScenarioFile) {
  TempDir dir;
  const std::set<std::string> before = list_dir(dir.path());
  const RunResult r = run_goodsim({"run", "no-such.yaml", "-o", "out.h5", "-q"}, dir.path());
  expect_rejected_without_output(r, dir, before);
  EXPECT_TRUE(r.err.starts_with("goodsim: error: no-such.yaml: cannot open file")) << r;
}

// --set errors are located at the override, not at a line of the scenario file.
struct BadOverride {
  const char* name;
  const char* assignment;
  const char* message;
};

void PrintTo(const BadOverride& c, std::ostream* os) {
  *os << c.name;
}

class BadOverrideTest : public ::testing::TestWithParam<BadOverride> {};

TEST_P(BadOverrideTest, ExitsTwoNamingTheOverride) {
  const BadOverride& c = GetParam();
  TempDir dir;
  write_text(dir / "scenario.yaml", kBase);
  const std::set<std::string> before = list_dir(dir.path());
  const RunResult r = run_goodsim({"run", "scenario.yaml", "-o", "out.h5", "-q", "--set",
                                   "cluster.spares=4", "--set", c.assignment},
                                  dir.path());
  expect_rejected_without_output(r, dir, before);
  const std::string prefix = "goodsim: error: --set " + std::string(c.assignment) + ": ";
  EXPECT_TRUE(r.err.starts_with(prefix)) << "expected the prefix '" << prefix << "'\n" << r;
  EXPECT_TRUE(HasSubstr(r.err, c.message));
  EXPECT_EQ(r.err.find("scenario.yaml:"), std::string::npos) << r;
}

const BadOverride kBadOverrides[] = {
    {"UnknownKey", "cluster.spraes=3",
     "key 'cluster': unknown key 'spraes'; expected one of: nodes, gpus_per_node, spares"},
    {"UnknownTopLevelKey", "clsuter.nodes=3", "unknown key 'clsuter'"},
    {"NegativeSpares", "cluster.spares=-2", "key 'cluster.spares': expected an integer >= 0"},
    {"DurationWithoutUnit", "job.work=5", "key 'job.work': expected a duration with a unit"},
    {"NoEquals", "cluster.spares", "expected key.path=value"},
    {"BadYamlValue", "cluster.spares=\"4", "key 'cluster.spares': invalid YAML"},
};

INSTANTIATE_TEST_SUITE_P(Cli, BadOverrideTest, ::testing::ValuesIn(kBadOverrides),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(CliRun, RefusesAnOutputThatIsNotARegularFile) {
  // The results replace the output by a rename: a directory (or, as root, /dev/null) there
  // would be replaced, not written to.
  TempDir dir;
  write_text(dir / "scenario.yaml", kBase);
  fs::create_directory(dir / "out.h5");
  for (const char* command : {"run", "sweep"}) {
    const RunResult r = run_goodsim({command, "scenario.yaml", "-o", "out.h5"}, dir.path());
    EXPECT_EQ(r.exit_code, 2) << r;
    EXPECT_TRUE(HasSubstr(r.err, "output 'out.h5' exists and is not a regular file")) << r;
    EXPECT_TRUE(fs::is_directory(dir / "out.h5"));
    EXPECT_EQ(list_dir(dir.path()), (std::set<std::string>{"out.h5", "scenario.yaml"}));
  }
}

// Bad command-line options: exit 2 and a pointer to --help; nothing is written.
struct BadOptions {
  const char* name;
  std::vector<std::string> args;
  const char* message;
};

void PrintTo(const BadOptions& c, std::ostream* os) {
  *os << c.name;
}

class BadOptionsTest : public ::testing::TestWithParam<BadOptions> {};

TEST_P(BadOptionsTest, ExitsTwoWithPointerToHelp) {
  const BadOptions& c = GetParam();
  TempDir dir;
  write_text(dir / "scenario.yaml", kBase);
  const std::set<std::string> before = list_dir(dir.path());
  const RunResult r = run_goodsim(c.args, dir.path());
  expect_rejected_without_output(r, dir, before);
  EXPECT_TRUE(r.err.starts_with("goodsim run: ")) << r;
  EXPECT_TRUE(HasSubstr(r.err, c.message));
  EXPECT_TRUE(HasSubstr(r.err, "(see: goodsim run --help)"));
}

const BadOptions kBadOptions[] = {
    {"ZeroReps", {"run", "scenario.yaml", "-o", "out.h5", "--reps", "0"}, "--reps must be >= 1"},
    {"NegativeReps", {"run", "scenario.yaml", "-o", "out.h5", "--reps", "-3"}, "--reps"},
    {"NonNumericReps", {"run", "scenario.yaml", "-o", "out.h5", "--reps", "abc"}, "'abc'"},
    {"NegativeSeed",
     {"run", "scenario.yaml", "-o", "out.h5", "--seed", "-1"},
     "--seed must be >= 0"},
    {"FractionalSeed", {"run", "scenario.yaml", "-o", "out.h5", "--seed", "1.5"}, "'1.5'"},
    {"NonNumericThreads",
     {"run", "scenario.yaml", "-o", "out.h5", "--threads", "abc"},
     "the argument ('abc') for option '--threads' is invalid"},
    {"MissingScenario", {"run", "-o", "out.h5"}, "missing SCENARIO"},
    {"UnknownOption", {"run", "scenario.yaml", "-o", "out.h5", "--frobnicate"}, "--frobnicate"},
    {"TwoScenarios", {"run", "scenario.yaml", "scenario.yaml", "-o", "out.h5"}, "positional"},
    {"OutputWithoutValue", {"run", "scenario.yaml", "-o"}, "--output"},
    {"EmptyOutput", {"run", "scenario.yaml", "-o", ""}, "--output must not be empty"},
};

INSTANTIATE_TEST_SUITE_P(Cli, BadOptionsTest, ::testing::ValuesIn(kBadOptions),
                         [](const auto& info) { return std::string(info.param.name); });

// BUG (see the report): Boost.Program_options parses "-1" into the unsigned --threads as
// 4294967295, so the run is accepted and reports "4294967295 threads"; parallel_for then starts
// one thread per replication. Enable once run_command rejects negative thread counts.
TEST(CliBadInput, NegativeThreadsIsRejected) {
  TempDir dir;
  write_text(dir / "scenario.yaml", kBase);
  const std::set<std::string> before = list_dir(dir.path());
  const RunResult r =
      run_goodsim({"run", "scenario.yaml", "-o", "out.h5", "-q", "--threads", "-1"}, dir.path());
  expect_rejected_without_output(r, dir, before);
  EXPECT_TRUE(HasSubstr(r.err, "--threads"));
}

TEST(CliBadInput, UnknownCommand) {
  TempDir dir;
  const RunResult r = run_goodsim({"frobnicate", "scenario.yaml"}, dir.path());
  EXPECT_EQ(r.exit_code, 2) << r;
  EXPECT_TRUE(r.err.starts_with("goodsim: unknown command 'frobnicate'")) << r;
  EXPECT_TRUE(HasSubstr(r.err, "usage: goodsim <command>"));
  EXPECT_TRUE(list_dir(dir.path()).empty());
}

TEST(CliBadInput, NoArgumentsPrintsUsageAndExitsTwo) {
  TempDir dir;
  const RunResult r = run_goodsim({}, dir.path());
  EXPECT_EQ(r.exit_code, 2) << r;
  EXPECT_TRUE(HasSubstr(r.out, "usage: goodsim <command>"));
}

}  // namespace
}  // namespace goodsim::test
