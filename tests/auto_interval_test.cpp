// `checkpoint.interval: auto` (docs/model.md): the interval that minimises the simulated mean
// wall time. Under exponential failures it is Daly's exact optimum; under Weibull failures
// with shape < 1 it is not; it does not depend on the thread count; every simulating command
// resolves it, a sweep per point.

#include "models/checkpoint/auto_interval.h"

#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>
#include <string>
#include <variant>
#include <vector>

#include "models/daly.h"
#include "models/monte_carlo.h"
#include "models/repair/repair_distribution.h"
#include "models/scenario_loader.h"
#include "sim/config.h"
#include "sim/format.h"
#include "sim/hdf5.h"
#include "tests/test_support.h"

namespace goodsim::models {
namespace {

using test::HasSubstr;

Scenario llama3_auto(std::vector<std::string> overrides = {}) {
  overrides.push_back("checkpoint.interval=auto");
  return load_scenario(GOODSIM_SOURCE_DIR "/scenarios/llama3-16k.yaml", overrides);
}

// Distance of the chosen interval from `reference_h` in the search's standard errors, on the
// log scale the search works on (there the standard error is standard_error_h / interval_h).
double z_score(const AutoInterval& a, double reference_h) {
  return std::log(a.interval_h / reference_h) / (a.search.standard_error_h / a.interval_h);
}

// Daly's model is goodsim's v1 with exponential failures (docs/model.md); its optimum does not
// depend on the restart time, so hot-spare recovery with its phases does not move it. The
// search's only errors are then Monte Carlo error, which its jackknife standard error measures
// (3 standard errors: a 0.3 % false alarm rate), and the bias of fitting a parabola to the
// cosh-shaped wall time on a grid of +-20 %, below 0.1 % of the interval: negligible next to it.
TEST(AutoInterval, ExponentialFailuresAndHotSparesGiveDalysExactOptimum) {
  const AutoInterval a = optimise_interval(llama3_auto());
  EXPECT_GT(a.search.standard_error_h, 0.0);
  EXPECT_LT(a.search.standard_error_h, 0.05 * a.interval_h);  // the search resolves something
  EXPECT_LT(std::abs(z_score(a, a.daly_exact_h)), 3.0)
      << "chosen " << a.interval_h * 60 << " min +/- " << a.search.standard_error_h * 60
      << ", exact Daly " << a.daly_exact_h * 60 << " min";
}

// Fresh nodes with a falling hazard fail more often early on: more failures in the run than the
// node MTBF implies, so a shorter interval than the exponential optimum, and a shorter mean wall
// time than Daly's interval gives (paired on the same replications).
TEST(AutoInterval, WeibullInfantMortalityChoosesAShorterIntervalThanDaly) {
  const AutoInterval a = optimise_interval(
      llama3_auto({"cluster.failure={model: weibull, shape: 0.7, node_mtbf: 6335h}"}));
  EXPECT_LT(z_score(a, a.daly_exact_h), -3.0)
      << "chosen " << a.interval_h * 60 << " min +/- " << a.search.standard_error_h * 60
      << ", exact Daly " << a.daly_exact_h * 60 << " min";
  EXPECT_LT(a.mean_wall_h - a.daly_exact_mean_wall_h, -3.0 * a.wall_difference_se_h);
}

// Multi-level (checkpoint.memory): the persistent interval is searched among the multiples
// of the in-memory one. Two limits with known answers, in Daly's setting (unlimited spares,
// instant repair; 512 nodes, system MTBF 4 h):
Scenario multilevel_auto(std::int64_t copies, double memory_write_h) {
  Scenario s;
  s.cluster.nodes = 512;
  s.cluster.spares = std::int64_t{1} << 40;
  s.cluster.failure.node_mtbf_h = 4.0 * 512;
  s.cluster.repair.distribution = exponential_repair(1e-9);
  s.job.work_h = 200.0;
  s.checkpoint.interval_auto = true;
  s.checkpoint.write_h = 5.0 / 60;
  s.checkpoint.memory = MemoryLevelSpec{2.0 / 60, memory_write_h, copies, 1.0 / 60};
  s.recovery.restart_h = 5.0 / 60;
  s.recovery.load_h = 10.0 / 60;
  return s;
}

// - every copy lost with its node (one copy each) and free in-memory writes: the in-memory
//   level is never restored from and costs nothing, so this is Daly's model with the
//   persistent interval, and the search lands on Daly's exact optimum (to within the flat
//   bottom of the wall time: never measurably worse than it on the same replications);
TEST(AutoInterval, MultiLevelWhoseCopiesAreAlwaysLostFindsDalysOptimum) {
  const AutoInterval a = optimise_interval(multilevel_auto(1, 0.0));
  ASSERT_GT(a.search.multiple_of_h, 0.0);
  const double k = a.interval_h / a.search.multiple_of_h;
  EXPECT_DOUBLE_EQ(k, std::round(k));
  EXPECT_NEAR(std::log(a.interval_h / a.daly_exact_h), 0.0, 0.25)
      << "chosen " << a.interval_h * 60 << " min, exact Daly " << a.daly_exact_h * 60 << " min";
  EXPECT_LT(a.mean_wall_h - a.daly_exact_mean_wall_h, 3.0 * a.wall_difference_se_h + 1e-12);
}

// - copies that always survive (one group of every node): every recovery restores from
//   memory, a persistent checkpoint is pure cost, and the search makes them as rare as it can.
TEST(AutoInterval, MultiLevelWhoseCopiesAlwaysSurviveMakesPersistentCheckpointsRare) {
  const AutoInterval a = optimise_interval(multilevel_auto(512, 1.0 / 60));
  EXPECT_GT(a.interval_h, 10.0 * a.daly_exact_h);
  EXPECT_LT(a.mean_wall_h - a.daly_exact_mean_wall_h, -3.0 * a.wall_difference_se_h);
}

TEST(AutoInterval, IsTheSameForAnyThreadCount) {
  const Scenario s = llama3_auto({"job.work=200h"});
  const AutoInterval one = optimise_interval(s, {40, 1});
  const AutoInterval two = optimise_interval(s, {40, 2});
  EXPECT_EQ(one.interval_h, two.interval_h);
  EXPECT_EQ(one.search.standard_error_h, two.search.standard_error_h);
  EXPECT_EQ(one.mean_wall_h, two.mean_wall_h);
}

// Issue 11 item 14: when not even Daly's optimum finishes within the wall cap, `auto` takes
// it as it is (no interval is measurably better), and the run reports did-not-finish instead
// of the whole sweep failing.
TEST(AutoInterval, AScenarioThatCannotFinishTakesDalysOptimum) {
  Scenario s = llama3_auto({"cluster.spares=0", "cluster.failure.node_mtbf=3000h", "job.work=20h",
                            "montecarlo.max_wall_factor=2"});
  resolve_auto_interval(s, 2);
  ASSERT_TRUE(s.checkpoint.interval_search);
  EXPECT_TRUE(s.checkpoint.interval_search->unfinished);
  EXPECT_FALSE(s.checkpoint.interval_search->minimum_resolved);
  EXPECT_EQ(s.checkpoint.interval_search->candidates, 1);
  EXPECT_DOUBLE_EQ(s.checkpoint.interval_h,
                   daly::exact_optimal_interval(s.system_mtbf_h(), s.checkpoint.write_h));
  const RunSummary sum = summarize(s, run_replications(s, RunOptions{4, 1, 2, {}}));
  EXPECT_EQ(sum.unfinished, 4);
}

TEST(AutoInterval, ResolvingSetsTheIntervalOnceAndLeavesAFixedOneAlone) {
  Scenario s = llama3_auto({"job.work=100h"});
  EXPECT_THROW(run_replications(s, RunOptions{2, 1, 1, {}}), std::logic_error);  // unresolved
  resolve_auto_interval(s, 1);
  ASSERT_TRUE(s.checkpoint.interval_search);
  EXPECT_EQ(s.checkpoint.interval_search->replications, kIntervalSearchReplications);
  const double chosen = s.checkpoint.interval_h;
  resolve_auto_interval(s, 1);
  EXPECT_EQ(s.checkpoint.interval_h, chosen);
  EXPECT_EQ(run_replications(s, RunOptions{2, 1, 1, {}}).size(), 2u);

  Scenario fixed = load_scenario(GOODSIM_SOURCE_DIR "/scenarios/llama3-16k.yaml");
  resolve_auto_interval(fixed, 1);
  EXPECT_EQ(fixed.checkpoint.interval_h, 0.5);
  EXPECT_FALSE(fixed.checkpoint.interval_search);
}

constexpr const char* kSmall = R"(name: auto-test
cluster:
  nodes: 64
  spares: 4
  failure: {node_mtbf: 2000h}
  repair: {mean: 24h}
job: {work: 100h}
checkpoint: {interval: auto, write: 2min}
recovery: {detect: 5min, swap: 5min, restart: 10min, load: 5min}
montecarlo: {replications: 20, seed: 3}
)";

TEST(AutoIntervalCommand, RunPrintsTheSimulatedOptimumBesideYoungAndDaly) {
  test::TempDir dir;
  test::write_text(dir / "scenario.yaml", kSmall);
  const test::RunResult r =
      test::run_goodsim({"run", "scenario.yaml", "--no-output", "--quiet"}, dir.path());
  ASSERT_EQ(r.exit_code, 0) << r;
  Scenario s = load_scenario((dir / "scenario.yaml").string());
  resolve_auto_interval(s);
  const std::string line = "checkpoint every " + sim::human_duration(s.checkpoint.interval_h) +
                           " (auto: simulated optimum +/- ";
  EXPECT_TRUE(HasSubstr(r.out, line));
  const AutoInterval a = optimise_interval(s);
  EXPECT_TRUE(HasSubstr(r.out, "; Young " + sim::human_duration(a.young_h) + ", Daly " +
                                   sim::human_duration(a.daly_h) + ", exact Daly " +
                                   sim::human_duration(a.daly_exact_h) + ")"));
  EXPECT_TRUE(HasSubstr(r.out, "s choosing the interval)"));
}

TEST(AutoIntervalCommand, SweepResolvesEachPointWithItsOwnScenario) {
  test::TempDir dir;
  test::write_text(dir / "scenario.yaml",
                   std::string(kSmall) + "sweep:\n  cluster.failure.node_mtbf: [1000h, 4000h]\n");
  const test::RunResult r =
      test::run_goodsim({"sweep", "scenario.yaml", "-o", "out.h5", "--quiet"}, dir.path());
  ASSERT_EQ(r.exit_code, 0) << r;
  const sim::h5::Table summary =
      sim::h5::File::open_read((dir / "out.h5").string()).root().read_table("summary");
  std::vector<double> stored;
  for (const auto& c : summary.columns) {
    if (c.name == "checkpoint_interval_h") stored = std::get<std::vector<double>>(c.values);
  }
  ASSERT_EQ(stored.size(), 2u);
  for (std::size_t i = 0; i < 2; ++i) {
    const std::string mtbf = i == 0 ? "1000h" : "4000h";
    Scenario point = load_scenario((dir / "scenario.yaml").string(),
                                   std::vector<std::string>{"cluster.failure.node_mtbf=" + mtbf});
    resolve_auto_interval(point);
    EXPECT_EQ(stored[i], point.checkpoint.interval_h) << mtbf;
  }
  EXPECT_LT(stored[0], stored[1]);
}

}  // namespace
}  // namespace goodsim::models
