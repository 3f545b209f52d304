// `goodsim run --precision`: the count it reached is printed and stored (file and scenario as
// run), the same for any thread count; the cap warns; bad combinations are usage errors.

#include <gtest/gtest.h>

#include <regex>
#include <string>

#include "models/scenario_loader.h"
#include "sim/hdf5.h"
#include "tests/test_support.h"

namespace goodsim::test {
namespace {

const std::string kScenario = small_scenario("precision-cli", 20, 3);

// The count on the "runs" line.
long printed_replications(const std::string& out) {
  std::smatch m;
  if (!std::regex_search(out, m, std::regex("\nruns +([0-9,]+) replications"))) return -1;
  std::string digits = m[1];
  std::erase(digits, ',');
  return std::stol(digits);
}

std::string line_starting(const std::string& out, const std::string& prefix) {
  const std::size_t at = out.find("\n" + prefix);
  if (at == std::string::npos) return "";
  return out.substr(at + 1, out.find('\n', at + 1) - at - 1);
}

TEST(CliPrecision, PrintsAndStoresTheCountItReached) {
  TempDir dir;
  write_text(dir / "scenario.yaml", kScenario);
  const RunResult r = run_goodsim(
      {"run", "scenario.yaml", "-o", "out.h5", "-q", "--precision", "0.003"}, dir.path());
  ASSERT_EQ(r.exit_code, 0) << r;
  const long n = printed_replications(r.out);
  ASSERT_GE(n, 512) << r;
  EXPECT_EQ(n % 256, 0);
  EXPECT_TRUE(HasSubstr(r.out, "\nprecision  goodput 95% CI half-width "));
  EXPECT_TRUE(HasSubstr(r.out, " <= 0.003 after "));
  EXPECT_TRUE(HasSubstr(r.out, "\nestimator  control variate (failure proposals"));
  EXPECT_TRUE(HasSubstr(r.out, "standard error "));

  const auto file = sim::h5::File::open_read((dir / "out.h5").string());
  const auto root = file.root();
  EXPECT_EQ(root.int64_attribute("replications"), n);
  EXPECT_EQ(root.open_group("points/000000").read_doubles("goodput").size(),
            static_cast<std::size_t>(n));
  EXPECT_EQ(root.int64_attribute("precision_reached"), 1);
  EXPECT_LE(root.double_attribute("precision_half_width"), 0.003);
  EXPECT_EQ(root.string_attribute("precision_of"), "goodput");
  // The scenario as run has the count: running it repeats the run with a fixed count.
  write_text(dir / "as-run.yaml", root.string_attribute("scenario"));
  EXPECT_EQ(models::load_scenario((dir / "as-run.yaml").string()).montecarlo.replications, n);
}

TEST(CliPrecision, SameCountAndFiguresOnOneAndTwoThreads) {
  TempDir dir;
  write_text(dir / "scenario.yaml", kScenario);
  std::string lines[2];
  for (int t = 0; t < 2; ++t) {
    const RunResult r = run_goodsim({"run", "scenario.yaml", "--no-output", "-q", "--precision",
                                     "0.003", "--threads", std::to_string(t + 1)},
                                    dir.path());
    ASSERT_EQ(r.exit_code, 0) << r;
    lines[t] = line_starting(r.out, "precision ") + line_starting(r.out, "estimator ") +
               line_starting(r.out, "goodput ") + line_starting(r.out, "wall time ");
  }
  EXPECT_EQ(lines[0], lines[1]);
}

TEST(CliPrecision, WarnsWhenTheCapStopsTheRun) {
  TempDir dir;
  write_text(dir / "scenario.yaml", kScenario);
  const RunResult r = run_goodsim({"run", "scenario.yaml", "--no-output", "-q", "--precision",
                                   "1e-7", "--max-reps", "600", "--estimator", "plain"},
                                  dir.path());
  ASSERT_EQ(r.exit_code, 0) << r;
  EXPECT_EQ(printed_replications(r.out), 600);
  EXPECT_TRUE(HasSubstr(r.out, "NOT REACHED"));
  EXPECT_TRUE(HasSubstr(r.out, "\nestimator  plain mean: goodput "));
  EXPECT_TRUE(HasSubstr(r.err, "goodsim run: warning: the goodput CI half-width is "));
}

TEST(CliPrecision, WallTimeAndCostTargets) {
  TempDir dir;
  write_text(dir / "scenario.yaml", kScenario);
  RunResult r = run_goodsim({"run", "scenario.yaml", "--no-output", "-q", "--precision", "30min",
                             "--precision-of", "wall_h"},
                            dir.path());
  ASSERT_EQ(r.exit_code, 0) << r;
  EXPECT_TRUE(HasSubstr(r.out, "\nprecision  wall_h 95% CI half-width "));
  EXPECT_TRUE(HasSubstr(r.out, " <= 0.5 after "));
  r = run_goodsim({"run", "scenario.yaml", "--no-output", "-q", "--precision", "20000",
                   "--precision-of", "cost_usd"},
                  dir.path());
  ASSERT_EQ(r.exit_code, 0) << r;
  EXPECT_TRUE(HasSubstr(r.out, "\nprecision  cost_usd 95% CI half-width "));
}

struct BadPrecision {
  const char* name;
  std::vector<std::string> args;
  const char* message;
};

class BadPrecisionTest : public ::testing::TestWithParam<BadPrecision> {};

TEST_P(BadPrecisionTest, IsAUsageError) {
  TempDir dir;
  write_text(dir / "scenario.yaml", kScenario);
  std::vector<std::string> args{"run", "scenario.yaml", "--no-output", "-q"};
  args.insert(args.end(), GetParam().args.begin(), GetParam().args.end());
  const RunResult r = run_goodsim(args, dir.path());
  EXPECT_EQ(r.exit_code, 2) << r;
  EXPECT_TRUE(HasSubstr(r.err, GetParam().message));
}

const BadPrecision kBadPrecisions[] = {
    {"WithReps", {"--precision", "0.01", "--reps", "100"}, "--reps and --precision exclude"},
    {"Zero", {"--precision", "0"}, "--precision must be > 0"},
    {"NotANumber", {"--precision", "abc"}, "--precision must be a number"},
    {"WallWithoutUnit", {"--precision", "2", "--precision-of", "wall_h"}, "takes a duration"},
    {"UnknownMetric", {"--precision", "0.01", "--precision-of", "wall"}, "--precision-of must"},
    {"CapWithoutPrecision", {"--max-reps", "1000"}, "--max-reps needs --precision"},
    {"CapBelowMinimum", {"--precision", "0.01", "--max-reps", "100"}, "--max-reps must be >="},
    {"UnknownEstimator", {"--precision", "0.01", "--estimator", "cv"}, "--estimator must be"},
    {"ControlOnWeibull",
     {"--precision", "0.01", "--estimator", "control", "--set",
      "cluster.failure={model: weibull, shape: 0.7, node_mtbf: 2000h}"},
     "--estimator control needs exponential failures"},
    {"CostUnpriced",
     {"--precision", "1000", "--precision-of", "cost_usd", "--set", "cost={}"},
     "needs a priced scenario"},
};

INSTANTIATE_TEST_SUITE_P(Cli, BadPrecisionTest, ::testing::ValuesIn(kBadPrecisions),
                         [](const auto& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace goodsim::test
