// End-to-end tests of the goodsim executable: valid runs, what they print and store, and --help
// (bad input: cli_bad_input_test.cpp; `goodsim interval`: interval_command_test.cpp).

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "goodsim/version.h"
#include "models/replication.h"
#include "models/replication_result.h"
#include "models/scenario_loader.h"
#include "sim/hdf5.h"
#include "tests/test_support.h"

namespace goodsim::test {
namespace {

// A small valid scenario.
const std::string kBase = small_scenario("cli-test", 20, 3);

// kBase with the single occurrence of `from` replaced by `to`.
std::string mutate(const std::string& from, const std::string& to) {
  return edited(kBase, {{from, to}});
}

// ---------------------------------------------------------------------------------------------
// Valid runs

TEST(CliRun, SetOverridesTheScenario) {
  TempDir dir;
  write_text(dir / "scenario.yaml", kBase);
  const RunResult r = run_goodsim({"run", "scenario.yaml", "--no-output", "-q", "--reps", "5",
                                   "--set", "cluster.spares=32", "--set", "cluster.nodes=128"},
                                  dir.path());
  ASSERT_EQ(r.exit_code, 0) << r;
  EXPECT_TRUE(HasSubstr(r.out, "128 nodes x 8 GPUs = 1,024 GPUs, 32 hot spares"));
}

TEST(CliRun, ValidRunPrintsSummaryAndWritesResults) {
  TempDir dir;
  write_text(dir / "scenario.yaml", kBase);
  const RunResult r = run_goodsim(
      {"run", "scenario.yaml", "--reps", "50", "--seed", "11", "-o", "out.h5"}, dir.path());
  ASSERT_EQ(r.exit_code, 0) << r;

  EXPECT_TRUE(HasSubstr(r.out, "runs       50 replications, seed 11, "));
  const std::regex goodput_line(R"(\ngoodput +([0-9.]+) \+/- ([0-9.]+) \(95% CI\))");
  std::smatch m;
  ASSERT_TRUE(std::regex_search(r.out, m, goodput_line)) << r;
  const double printed_mean = std::stod(m[1].str());
  const double printed_ci = std::stod(m[2].str());
  EXPECT_GT(printed_mean, 0.0);
  EXPECT_LE(printed_mean, 1.0);
  EXPECT_GT(printed_ci, 0.0);
  EXPECT_TRUE(HasSubstr(r.out, "where the wall time went"));
  // The v1 buckets always; a strategy's own buckets only when it used them.
  for (std::size_t b = 0; b < models::kBucketCount; ++b) {
    const std::string name(models::kBucketNames[b]);
    const bool v1 = b <= static_cast<std::size_t>(models::Bucket::kRestartLoad);
    EXPECT_EQ(HasSubstr(r.out, "\n  " + name + " "), v1) << "bucket " << name;
  }
  EXPECT_TRUE(HasSubstr(r.out, "results    out.h5"));

  // The file is complete and holds what was printed.
  EXPECT_EQ(list_dir(dir.path()), (std::set<std::string>{"out.h5", "scenario.yaml"}));
  const auto file = sim::h5::File::open_read((dir / "out.h5").string());
  const auto root = file.root();
  EXPECT_EQ(root.int64_attribute("seed"), 11);
  const auto point = root.open_group("points/000000");
  const std::vector<double> goodput = point.read_doubles("goodput");
  ASSERT_EQ(goodput.size(), 50u);
  EXPECT_EQ(point.read_doubles("wall_h").size(), 50u);
  EXPECT_EQ(point.read_int64s("interruptions").size(), 50u);
  const sim::h5::Matrix buckets = point.read_matrix("buckets_h");
  EXPECT_EQ(buckets.rows, 50u);
  EXPECT_EQ(buckets.cols, models::kBucketCount);

  double mean = 0.0;
  for (double g : goodput) mean += g;
  mean /= 50.0;
  double ss = 0.0;
  for (double g : goodput) ss += (g - mean) * (g - mean);
  const double t_975_49 = 2.009575;  // Student t quantile, 49 degrees of freedom
  const double ci = t_975_49 * std::sqrt(ss / 49.0) / std::sqrt(50.0);
  EXPECT_NEAR(printed_mean, mean, 5.1e-5);
  EXPECT_NEAR(printed_ci, ci, 6e-5);
}

TEST(CliRun, PlannedStopsArePrintedAndStoredApartFromFailures) {
  TempDir dir;
  write_text(
      dir / "scenario.yaml",
      mutate("    mean: 24h\n", "    mean: 24h\n  maintenance: {every: 27.6h, duration: 2h}\n"));
  const RunResult r =
      run_goodsim({"run", "scenario.yaml", "--reps", "20", "-o", "out.h5"}, dir.path());
  ASSERT_EQ(r.exit_code, 0) << r;
  EXPECT_TRUE(HasSubstr(r.out, "\nplanned stops  "));
  EXPECT_TRUE(HasSubstr(r.out, "\n  maintenance "));
  const auto file = sim::h5::File::open_read((dir / "out.h5").string());
  const auto point = file.root().open_group("points/000000");
  const std::vector<std::int64_t> planned = point.read_int64s("planned_interruptions");
  const std::vector<double> wall = point.read_doubles("wall_h");
  ASSERT_EQ(planned.size(), 20u);
  for (std::size_t i = 0; i < planned.size(); ++i) {
    // One stop at each multiple of 27.6 h before the end.
    EXPECT_EQ(planned[i], static_cast<std::int64_t>(std::ceil(wall[i] / 27.6)) - 1) << i;
  }
}

// The file says how it was made: the scenario as run (rerunning it repeats the run), the
// command line, the thread count and the commit of the build.
TEST(CliRun, StoresTheScenarioAsRunWithTheCommandLineAndThreads) {
  TempDir dir;
  write_text(dir / "scenario.yaml", mutate("interval: 30min", "interval: auto"));
  const RunResult r = run_goodsim({"run", "scenario.yaml", "-o", "out.h5", "-q", "--seed", "7",
                                   "--reps", "30", "--threads", "2", "--set", "job.work=90 h"},
                                  dir.path());
  ASSERT_EQ(r.exit_code, 0) << r;
  const auto file = sim::h5::File::open_read((dir / "out.h5").string());
  const auto root = file.root();
  EXPECT_EQ(root.string_attribute("command_line"),
            "goodsim run scenario.yaml -o out.h5 -q --seed 7 --reps 30 --threads 2 --set "
            "'job.work=90 h'");
  EXPECT_EQ(root.int64_attribute("threads"), 2);
  EXPECT_EQ(root.string_attribute("commit"), kCommit);
  const std::string stored = root.string_attribute("scenario");
  write_text(dir / "as-run.yaml", stored);
  const models::Scenario s = models::load_scenario((dir / "as-run.yaml").string());
  EXPECT_EQ(s.montecarlo.seed, 7u);
  EXPECT_EQ(s.montecarlo.replications, 30);
  EXPECT_FALSE(s.checkpoint.interval_auto) << stored;
  EXPECT_EQ(s.checkpoint.interval_h,
            root.open_group("points/000000").double_attribute("checkpoint_interval_h"));
  EXPECT_EQ(s.job.work_h, 90.0);
  // Running the stored scenario repeats the run.
  ASSERT_EQ(run_goodsim({"run", "as-run.yaml", "-o", "again.h5", "-q"}, dir.path()).exit_code, 0);
  const auto again = sim::h5::File::open_read((dir / "again.h5").string());
  EXPECT_EQ(again.root().open_group("points/000000").read_doubles("goodput"),
            root.open_group("points/000000").read_doubles("goodput"));
}

// The commit is the source tree's HEAD when the build was configured from a git checkout
// (configure re-runs when HEAD moves), "unknown" otherwise. A commit made since the last build
// moves HEAD on: the build's commit is then one of its ancestors.
TEST(CliVersion, NamesTheCommitTheBuildWasMadeFrom) {
  TempDir dir;
  const RunResult v = run_goodsim({"--version"}, dir.path());
  ASSERT_EQ(v.exit_code, 0) << v;
  EXPECT_EQ(v.out, std::string("goodsim ") + kVersion + " (commit " + kCommit + ")\n");
  const RunResult git =
      run_program({"/usr/bin/git", "-C", GOODSIM_SOURCE_DIR, "rev-parse", "HEAD"}, dir.path());
  if (git.exit_code != 0) {
    EXPECT_STREQ(kCommit, "unknown");
    GTEST_SKIP() << "not a git checkout: " << git.err;
  }
  EXPECT_TRUE(std::regex_match(kCommit, std::regex("[0-9a-f]{40}"))) << kCommit;
  const RunResult ancestor = run_program(
      {"/usr/bin/git", "-C", GOODSIM_SOURCE_DIR, "merge-base", "--is-ancestor", kCommit, "HEAD"},
      dir.path());
  EXPECT_EQ(ancestor.exit_code, 0)
      << kCommit << " is not HEAD (" << git.out << ") or an ancestor of it\n"
      << ancestor;
}

TEST(CliRun, NoOutputWritesNothing) {
  TempDir dir;
  write_text(dir / "scenario.yaml", kBase);
  const RunResult r = run_goodsim(
      {"run", "scenario.yaml", "--reps", "10", "-o", "out.h5", "--no-output", "-q"}, dir.path());
  ASSERT_EQ(r.exit_code, 0) << r;
  EXPECT_TRUE(HasSubstr(r.out, "goodput"));
  EXPECT_EQ(r.out.find("results "), std::string::npos) << r;
  EXPECT_EQ(list_dir(dir.path()), std::set<std::string>{"scenario.yaml"});
}

TEST(CliRun, DefaultOutputIsResultsH5InTheWorkingDirectory) {
  TempDir dir;
  write_text(dir / "scenario.yaml", kBase);
  const RunResult r = run_goodsim({"run", "scenario.yaml", "--reps", "5", "-q"}, dir.path());
  ASSERT_EQ(r.exit_code, 0) << r;
  EXPECT_EQ(list_dir(dir.path()), (std::set<std::string>{"results.h5", "scenario.yaml"}));
  EXPECT_EQ(sim::h5::File::open_read((dir / "results.h5").string())
                .root()
                .open_group("points/000000")
                .read_doubles("wall_h")
                .size(),
            5u);
}

// docs/model.md: a recovery lasts from the failure to computing again. With --recovery-times
// every recovery's duration is stored, flat in replication order and split by `recoveries`,
// and they are the durations the simulator recorded for each replication.
TEST(CliRun, RecoveryTimesAreStoredPerReplicationInOrder) {
  TempDir dir;
  std::string yaml = mutate("strategy: hot_spare",
                            "strategy: checkpointless\n  checkpointless: "
                            "{replicas: 2, state_gb: 100, p2p_gbps: 400, placement: packed}");
  yaml.replace(yaml.find("work: 100h"), 10, "work: 100h\n  step: 10s");
  write_text(dir / "scenario.yaml", yaml);
  const RunResult r = run_goodsim({"run", "scenario.yaml", "--reps", "40", "--seed", "5", "-o",
                                   "out.h5", "--recovery-times", "-q"},
                                  dir.path());
  ASSERT_EQ(r.exit_code, 0) << r;
  EXPECT_TRUE(HasSubstr(r.out, "recovery time  failure to computing again"));

  const auto file = sim::h5::File::open_read((dir / "out.h5").string());
  const auto point = file.root().open_group("points/000000");
  const std::vector<double> times = point.read_doubles("recovery_h");
  const std::vector<std::int64_t> counts = point.read_int64s("recoveries");
  const std::vector<std::int64_t> fallbacks = point.read_int64s("fallbacks");
  ASSERT_EQ(counts.size(), 40u);
  ASSERT_EQ(fallbacks.size(), 40u);

  const models::Scenario s = models::load_scenario((dir / "scenario.yaml").string());
  std::size_t at = 0;
  for (std::size_t i = 0; i < counts.size(); ++i) {
    const models::ReplicationResult rep =
        models::simulate_replication(s, 5, i, models::ReplicationOptions{true});
    EXPECT_EQ(counts[i], rep.recoveries);
    EXPECT_EQ(fallbacks[i], rep.fallbacks);
    ASSERT_LE(at + rep.recovery_h.size(), times.size());
    for (const double h : rep.recovery_h) EXPECT_EQ(times[at++], h) << "replication " << i;
  }
  EXPECT_EQ(at, times.size());
  EXPECT_GT(times.size(), 0u);

  // Without the option nothing but the counts is stored.
  ASSERT_EQ(
      run_goodsim({"run", "scenario.yaml", "--reps", "40", "-o", "plain.h5", "-q"}, dir.path())
          .exit_code,
      0);
  const auto plain = sim::h5::File::open_read((dir / "plain.h5").string());
  const auto plain_point = plain.root().open_group("points/000000");
  EXPECT_FALSE(plain_point.has("recovery_h"));
  EXPECT_EQ(plain_point.read_int64s("recoveries").size(), 40u);
}

// ---------------------------------------------------------------------------------------------
// --help

TEST(CliHelp, TopLevelHelp) {
  TempDir dir;
  for (const char* flag : {"--help", "-h", "help"}) {
    const RunResult r = run_goodsim({flag}, dir.path());
    EXPECT_EQ(r.exit_code, 0) << flag << "\n" << r;
    EXPECT_TRUE(HasSubstr(r.out, "usage: goodsim <command>"));
    EXPECT_TRUE(HasSubstr(r.out, "run SCENARIO"));
    EXPECT_TRUE(HasSubstr(r.out, "interval"));
    EXPECT_TRUE(HasSubstr(r.out, "goodsim <command> --help"));
    EXPECT_TRUE(HasSubstr(r.out, "units and an example"));
    EXPECT_TRUE(HasSubstr(r.out, "2 bad input"));
  }
  EXPECT_TRUE(list_dir(dir.path()).empty());
}

TEST(CliHelp, HelpCommandPrintsTheHelpOfThatCommand) {
  TempDir dir;
  for (const char* command : {"run", "sweep", "interval", "validate", "recommend"}) {
    const RunResult help = run_goodsim({"help", command}, dir.path());
    const RunResult flag = run_goodsim({command, "--help"}, dir.path());
    EXPECT_EQ(help.exit_code, 0) << help;
    EXPECT_TRUE(HasSubstr(help.out, std::string("usage: goodsim ") + command));
    EXPECT_EQ(help.out, flag.out) << command;
  }
  const RunResult unknown = run_goodsim({"help", "frobnicate"}, dir.path());
  EXPECT_EQ(unknown.exit_code, 2) << unknown;
  EXPECT_TRUE(HasSubstr(unknown.err, "unknown command 'frobnicate'"));
  EXPECT_TRUE(list_dir(dir.path()).empty());
}

TEST(CliRun, TheHeaderNamesTheFailureModel) {
  TempDir dir;
  write_text(dir / "scenario.yaml", kBase);
  const RunResult exponential =
      run_goodsim({"run", "scenario.yaml", "--no-output", "-q", "--reps", "5"}, dir.path());
  ASSERT_EQ(exponential.exit_code, 0) << exponential;
  EXPECT_TRUE(
      HasSubstr(exponential.out, "\nfailures   exponential (the same rate per node at any age)\n"));
  const RunResult weibull =
      run_goodsim({"run", "scenario.yaml", "--no-output", "-q", "--reps", "5", "--set",
                   "cluster.failure.model=weibull", "--set", "cluster.failure.shape=0.7"},
                  dir.path());
  ASSERT_EQ(weibull.exit_code, 0) << weibull;
  EXPECT_TRUE(HasSubstr(weibull.out, "\nfailures   weibull, shape 0.7, node MTBF as its mean"));
}

TEST(CliHelp, RunHelpMentionsUnitsAndAWorkingExample) {
  TempDir dir;
  const RunResult r = run_goodsim({"run", "--help"}, dir.path());
  ASSERT_EQ(r.exit_code, 0) << r;
  EXPECT_TRUE(HasSubstr(r.out, "usage: goodsim run SCENARIO"));
  EXPECT_TRUE(HasSubstr(r.out, "take a unit: 90s, 5min, 2h, 54d"));
  for (const char* option :
       {"--output", "--no-output", "--reps", "--seed", "--threads", "--set", "--quiet"}) {
    EXPECT_TRUE(HasSubstr(r.out, option));
  }
  std::smatch m;
  const std::regex example(R"(example:\n +goodsim (run [^\n]+)\n)");
  ASSERT_TRUE(std::regex_search(r.out, m, example)) << r;

  // The example must work as printed (its scenario path is relative to the repository).
  std::vector<std::string> args;
  std::istringstream words(m[1].str());
  for (std::string w; words >> w;) {
    args.push_back(w.rfind("scenarios/", 0) == 0 ? std::string(GOODSIM_SOURCE_DIR) + "/" + w : w);
  }
  args.push_back("--quiet");
  const RunResult run = run_goodsim(args, dir.path());
  EXPECT_EQ(run.exit_code, 0) << run;
  EXPECT_TRUE(HasSubstr(run.out, "goodput"));
  EXPECT_TRUE(list_dir(dir.path()).count("results.h5")) << run;
}

}  // namespace
}  // namespace goodsim::test
