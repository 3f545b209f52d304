// goodsim sweep, the executable: the HDF5 layout and its /summary, recovery times, the stored
// scenario, the same file for any thread count and equal to goodsim run of each point, common
// random numbers across points.

#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <numeric>
#include <set>
#include <string>
#include <vector>

#include "cli/results_file.h"
#include "cli/sweep.h"
#include "goodsim/version.h"
#include "models/scenario_loader.h"
#include "sim/hdf5.h"
#include "sim/statistics.h"
#include "tests/sweep_test_support.h"
#include "tests/test_support.h"

namespace goodsim::test {
namespace {

TEST(SweepCommand, WritesTheDocumentedLayoutWithASummaryMatchingThePoints) {
  TempDir dir;
  write_text(dir / "scenario.yaml", kSmall);
  const RunResult r = run_goodsim(sweep_args("out.h5", {"--threads", "2"}), dir.path());
  ASSERT_EQ(r.exit_code, 0) << r;
  EXPECT_EQ(list_dir(dir.path()), (std::set<std::string>{"out.h5", "scenario.yaml"}));
  EXPECT_TRUE(HasSubstr(r.out, "12 points"));
  EXPECT_TRUE(HasSubstr(r.out, "000011  4000h                      40              30min"));
  EXPECT_EQ(r.err, "");

  const auto file = sim::h5::File::open_read((dir / "out.h5").string());
  const auto root = file.root();
  EXPECT_FALSE(root.string_attribute("goodsim_version").empty());
  EXPECT_EQ(root.string_attribute("commit"), kCommit);
  EXPECT_EQ(root.string_attribute("command_line"),
            "goodsim sweep scenario.yaml -o out.h5 --quiet --threads 2");
  EXPECT_EQ(root.int64_attribute("threads"), 2);
  EXPECT_TRUE(HasSubstr(root.string_attribute("scenario"), "sweep:"));
  EXPECT_EQ(root.string_attribute("scenario_file"), "scenario.yaml");
  EXPECT_EQ(root.int64_attribute("seed"), 3);
  EXPECT_EQ(root.int64_attribute("replications"), 40);
  EXPECT_EQ(root.int64_attribute("points"), 12);
  EXPECT_EQ(root.string_attribute("sweep_fingerprint").size(), 64u);
  EXPECT_FALSE(root.string_attribute("created").empty());

  const auto points = root.open_group("points");
  std::vector<std::string> names;
  for (int i = 0; i < 12; ++i) names.push_back(cli::point_name(static_cast<std::size_t>(i)));
  EXPECT_EQ(points.children(), names);

  // Point 7 = node_mtbf 4000h (index 1), spares 0 (index 0), zip index 1 (30min, 2min).
  const auto p7 = points.open_group("000007");
  EXPECT_DOUBLE_EQ(p7.double_attribute("cluster.failure.node_mtbf"), 4000.0);
  EXPECT_EQ(p7.string_attribute("cluster.failure.node_mtbf.units"), "h");
  EXPECT_EQ(p7.int64_attribute("cluster.spares"), 0);
  EXPECT_FALSE(p7.has_attribute("cluster.spares.units"));
  EXPECT_EQ(p7.string_attribute("checkpoint.interval"), "30min");  // text: 'auto' is not a number
  EXPECT_DOUBLE_EQ(p7.double_attribute("checkpoint.write"), 2.0 / 60);
  EXPECT_EQ(p7.int64_attribute("spares"), 0);
  EXPECT_DOUBLE_EQ(p7.double_attribute("checkpoint_interval_h"), 0.5);
  for (const char* ds : {"goodput", "wall_h", "cost_usd"}) {
    EXPECT_EQ(p7.read_doubles(ds).size(), 40u) << ds;
  }
  EXPECT_EQ(p7.read_int64s("interruptions").size(), 40u);
  EXPECT_EQ(p7.read_matrix("buckets_h").rows, 40u);

  const sim::h5::Table summary = root.read_table("summary");
  ASSERT_EQ(summary.rows(), 12u);
  std::vector<std::string> columns;
  std::map<std::string, const sim::h5::Table::Column*> by_name;
  for (const auto& c : summary.columns) {
    columns.push_back(c.name);
    by_name[c.name] = &c;
  }
  const std::vector<std::string> expected_columns = {"point",
                                                     "cluster.failure.node_mtbf",
                                                     "cluster.spares",
                                                     "checkpoint.interval",
                                                     "checkpoint.write",
                                                     "nodes",
                                                     "spares",
                                                     "node_mtbf_h",
                                                     "checkpoint_interval_h",
                                                     "goodput_mean",
                                                     "goodput_ci95",
                                                     "goodput_p5",
                                                     "goodput_p50",
                                                     "goodput_p95",
                                                     "wall_mean_h",
                                                     "wall_p95_h",
                                                     "interruptions_mean",
                                                     "cost_mean_usd",
                                                     "cost_p95_usd",
                                                     "recoveries_mean",
                                                     "fallbacks_mean",
                                                     "recovery_p50_h",
                                                     "recovery_p95_h",
                                                     "planned_interruptions_mean",
                                                     "sdc_detections_mean",
                                                     "pool_failures_mean",
                                                     "unfinished",
                                                     "slow_episodes_mean",
                                                     "evictions_mean"};
  // Then the mean hours of every badput bucket (no cluster.causes here: no cause columns).
  std::vector<std::string> expected = expected_columns;
  for (const std::string_view b : models::kBucketNames) {
    expected.push_back("bucket_" + std::string(b) + "_mean_h");
  }
  EXPECT_EQ(columns, expected);
  EXPECT_EQ(by_name["cluster.failure.node_mtbf"]->units, "h");
  EXPECT_EQ(by_name["checkpoint.write"]->units, "h");
  auto num = [&](const std::string& col, std::size_t row) {
    return std::get<std::vector<double>>(by_name.at(col)->values).at(row);
  };
  auto text = [&](const std::string& col, std::size_t row) {
    return std::get<std::vector<std::string>>(by_name.at(col)->values).at(row);
  };
  for (std::size_t i = 0; i < 12; ++i) {
    const std::string name = cli::point_name(i);
    const auto g = points.open_group(name);
    EXPECT_EQ(text("point", i), name);
    EXPECT_EQ(num("cluster.failure.node_mtbf", i), g.double_attribute("cluster.failure.node_mtbf"));
    EXPECT_EQ(num("cluster.spares", i), static_cast<double>(g.int64_attribute("cluster.spares")));
    EXPECT_EQ(text("checkpoint.interval", i), g.string_attribute("checkpoint.interval"));
    EXPECT_EQ(num("checkpoint.write", i), g.double_attribute("checkpoint.write"));
    EXPECT_EQ(num("spares", i), static_cast<double>(g.int64_attribute("spares")));
    const sim::SampleSummary goodput = sim::summarize(g.read_doubles("goodput"));
    EXPECT_DOUBLE_EQ(num("goodput_mean", i), goodput.mean);
    EXPECT_DOUBLE_EQ(num("goodput_ci95", i), goodput.ci95);
    EXPECT_DOUBLE_EQ(num("goodput_p5", i), goodput.p5);
    EXPECT_DOUBLE_EQ(num("goodput_p50", i), goodput.p50);
    EXPECT_DOUBLE_EQ(num("goodput_p95", i), goodput.p95);
    const sim::SampleSummary wall = sim::summarize(g.read_doubles("wall_h"));
    EXPECT_DOUBLE_EQ(num("wall_mean_h", i), wall.mean);
    EXPECT_DOUBLE_EQ(num("wall_p95_h", i), wall.p95);
    const auto ints = g.read_int64s("interruptions");
    EXPECT_DOUBLE_EQ(num("interruptions_mean", i),
                     static_cast<double>(std::accumulate(ints.begin(), ints.end(), 0LL)) / 40.0);
    const sim::SampleSummary cost = sim::summarize(g.read_doubles("cost_usd"));
    EXPECT_DOUBLE_EQ(num("cost_mean_usd", i), cost.mean);
    EXPECT_DOUBLE_EQ(num("cost_p95_usd", i), cost.p95);
    const auto recoveries = g.read_int64s("recoveries");
    EXPECT_DOUBLE_EQ(
        num("recoveries_mean", i),
        static_cast<double>(std::accumulate(recoveries.begin(), recoveries.end(), 0LL)) / 40.0);
    EXPECT_EQ(num("fallbacks_mean", i), 0.0);           // hot spares never fall back
    EXPECT_TRUE(std::isnan(num("recovery_p50_h", i)));  // not recorded without --recovery-times
    EXPECT_FALSE(g.has("recovery_h"));
    // No maintenance, SDC or pool failures configured: their means are zero, not missing.
    EXPECT_EQ(num("planned_interruptions_mean", i), 0.0);
    EXPECT_EQ(num("sdc_detections_mean", i), 0.0);
    EXPECT_EQ(num("pool_failures_mean", i), 0.0);
    EXPECT_EQ(num("unfinished", i), 0.0);
  }
  // 'auto' resolved per point: the interval differs with the node MTBF.
  EXPECT_EQ(text("checkpoint.interval", 0), "auto");
  EXPECT_NE(num("checkpoint_interval_h", 0), num("checkpoint_interval_h", 6));
}

// With --recovery-times each point stores every recovery's duration, and /summary holds their
// pooled P50 and P95.
TEST(SweepCommand, RecoveryTimesGiveEachPointItsDurationsAndTheSummaryTheirQuantiles) {
  TempDir dir;
  write_text(dir / "scenario.yaml", kSmall);
  const RunResult r = run_goodsim(sweep_args("out.h5", {"--recovery-times"}), dir.path());
  ASSERT_EQ(r.exit_code, 0) << r;
  EXPECT_TRUE(HasSubstr(r.out, "wall mean   recovery P50       P95"));
  const auto file = sim::h5::File::open_read((dir / "out.h5").string());
  const sim::h5::Table summary = file.root().read_table("summary");
  auto column = [&](const std::string& name) {
    for (const auto& c : summary.columns) {
      if (c.name == name) return std::get<std::vector<double>>(c.values);
    }
    ADD_FAILURE() << "no column " << name;
    return std::vector<double>();
  };
  const std::vector<double> p50 = column("recovery_p50_h"), p95 = column("recovery_p95_h");
  ASSERT_EQ(p50.size(), 12u);
  for (std::size_t i = 0; i < 12; ++i) {
    const auto g = file.root().open_group("points/" + cli::point_name(i));
    const std::vector<double> times = g.read_doubles("recovery_h");
    const auto counts = g.read_int64s("recoveries");
    EXPECT_EQ(static_cast<std::int64_t>(times.size()),
              std::accumulate(counts.begin(), counts.end(), std::int64_t{0}));
    const sim::SampleSummary pooled = sim::summarize(times);
    EXPECT_DOUBLE_EQ(p50[i], pooled.p50);
    EXPECT_DOUBLE_EQ(p95[i], pooled.p95);
  }
}

// The stored scenario is the one run: --seed and --reps replace the file's montecarlo values.
TEST(SweepCommand, StoresTheScenarioWithTheSeedAndReplicationsItRan) {
  TempDir dir;
  write_text(dir / "scenario.yaml", kSmall);
  ASSERT_EQ(run_goodsim(sweep_args("out.h5", {"--seed", "9", "--reps", "5"}), dir.path()).exit_code,
            0);
  const auto file = sim::h5::File::open_read((dir / "out.h5").string());
  write_text(dir / "as-run.yaml", file.root().string_attribute("scenario"));
  const models::Scenario s = models::load_scenario((dir / "as-run.yaml").string());
  EXPECT_EQ(s.montecarlo.seed, 9u);
  EXPECT_EQ(s.montecarlo.replications, 5);
  EXPECT_EQ(file.root().int64_attribute("seed"), 9);
}

TEST(SweepCommand, IdenticalForAnyThreadCountAndEqualToGoodsimRunOfThePoint) {
  TempDir dir;
  write_text(dir / "scenario.yaml", kSmall);
  ASSERT_EQ(run_goodsim(sweep_args("t1.h5", {"--threads", "1"}), dir.path()).exit_code, 0);
  ASSERT_EQ(run_goodsim(sweep_args("t2.h5", {"--threads", "2"}), dir.path()).exit_code, 0);
  ASSERT_EQ(run_goodsim(sweep_args("t3.h5", {"--threads", "3"}), dir.path()).exit_code, 0);
  expect_same_file(dir / "t1.h5", dir / "t2.h5");
  expect_same_file(dir / "t1.h5", dir / "t3.h5");

  // A point is the base scenario with its values set, run with the same seed.
  const RunResult run =
      run_goodsim({"run", "scenario.yaml", "-o", "run.h5", "--quiet", "--set",
                   "cluster.failure.node_mtbf=4000h", "--set", "cluster.spares=2", "--set",
                   "checkpoint.interval=auto", "--set", "checkpoint.write=1min"},
                  dir.path());
  ASSERT_EQ(run.exit_code, 0) << run;
  EXPECT_TRUE(HasSubstr(run.err, "the sweep block is ignored")) << run;  // even with --quiet
  const auto sweep = sim::h5::File::open_read((dir / "t1.h5").string());
  const auto single = sim::h5::File::open_read((dir / "run.h5").string());
  // 4000h is index 1, spares 2 index 1, zip index 0: 1*6 + 1*2 + 0 = 8.
  EXPECT_EQ(sweep.root().read_doubles("points/000008/goodput"),
            single.root().read_doubles("points/000000/goodput"));
  EXPECT_EQ(sweep.root().read_doubles("points/000008/wall_h"),
            single.root().read_doubles("points/000000/wall_h"));
}

TEST(SweepCommand, AllPointsShareTheRandomStreams) {
  // Spares never run short at 30 or 40 (about one node is in repair at a time), so with common
  // random numbers every replication's history is the same at both points: identical wall
  // times and goodput, bit for bit, while the cost (40 paid spares vs 30) differs.
  TempDir dir;
  std::string yaml = kSmall;
  yaml = yaml.substr(0, yaml.find("sweep:")) + "sweep:\n  cluster.spares: [30, 40]\n";
  write_text(dir / "scenario.yaml", yaml);
  ASSERT_EQ(run_goodsim(sweep_args("crn.h5"), dir.path()).exit_code, 0);
  const auto file = sim::h5::File::open_read((dir / "crn.h5").string());
  const auto root = file.root();
  EXPECT_EQ(root.read_doubles("points/000000/wall_h"), root.read_doubles("points/000001/wall_h"));
  EXPECT_EQ(root.read_doubles("points/000000/goodput"), root.read_doubles("points/000001/goodput"));
  EXPECT_NE(root.read_doubles("points/000000/cost_usd"),
            root.read_doubles("points/000001/cost_usd"));
}

TEST(SweepCommand, GoodsimRunSimulatesTheBaseAndSaysTheSweepIsIgnored) {
  TempDir dir;
  write_text(dir / "scenario.yaml", kSmall);
  const RunResult r = run_goodsim({"run", "scenario.yaml", "--no-output"}, dir.path());
  ASSERT_EQ(r.exit_code, 0) << r;
  EXPECT_TRUE(HasSubstr(r.err, "simulating the base scenario only; the sweep block is ignored"));
  EXPECT_TRUE(HasSubstr(r.out, "64 nodes x 8 GPUs = 512 GPUs, 2 hot spares"));
}

}  // namespace
}  // namespace goodsim::test
