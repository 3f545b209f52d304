// goodsim interval: Young's, Daly's and the exact optimum interval from the command line, its
// help and its usage errors.

#include <gtest/gtest.h>

#include <cmath>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "tests/test_support.h"

namespace goodsim::test {
namespace {

// The interval_min column of the row named `method`.
double interval_minutes(const std::string& out, const std::string& method) {
  std::istringstream in(out);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(method + " ", 0) != 0) continue;
    std::istringstream fields(line.substr(method.size()));
    std::vector<std::string> f;
    for (std::string w; fields >> w;) f.push_back(w);
    // interval (number and unit), interval_min, goodput
    if (f.size() < 2) break;
    return std::stod(f[f.size() - 2]);
  }
  ADD_FAILURE() << "no row '" << method << "' in:\n" << out;
  return std::nan("");
}

// Daly 2006 ("A higher order estimate of the optimum checkpoint interval for restart dumps"):
// delta = 5 min, R = 10 min.
TEST(CliInterval, MatchesDalysPublishedOptima) {
  TempDir dir;
  const struct {
    const char* mtbf;
    double published_min;
  } cases[] = {{"24h", 117.0}, {"6h", 57.0}, {"15min", 9.1}};
  for (const auto& c : cases) {
    const RunResult r = run_goodsim(
        {"interval", "--mtbf", c.mtbf, "--write", "5min", "--restart", "10min"}, dir.path());
    ASSERT_EQ(r.exit_code, 0) << r;
    EXPECT_TRUE(HasSubstr(r.out, "interval_min"));
    const double minutes = interval_minutes(r.out, "Daly higher order");
    EXPECT_NEAR(minutes, c.published_min, 0.01 * c.published_min) << "M = " << c.mtbf << "\n" << r;
  }
  EXPECT_TRUE(list_dir(dir.path()).empty());
}

TEST(CliInterval, YoungAndDalyFirstOrderFollowTheirFormulas) {
  TempDir dir;
  const RunResult r = run_goodsim(
      {"interval", "--mtbf", "24h", "--write", "5min", "--restart", "10min"}, dir.path());
  ASSERT_EQ(r.exit_code, 0) << r;
  // sqrt(2 * 5 * 1440) = 120 min; sqrt(2 * 5 * (1440 + 10)) = 120.416 min.
  EXPECT_NEAR(interval_minutes(r.out, "Young 1974"), 120.0, 0.006);
  EXPECT_NEAR(interval_minutes(r.out, "Daly first order"), std::sqrt(2.0 * 5 * 1450), 0.006);
}

TEST(CliInterval, NodeMtbfAndNodesGiveTheJobMtbf) {
  TempDir dir;
  // 6335 h / 2048 nodes = 11135.7421875 s exactly.
  const RunResult by_node = run_goodsim(
      {"interval", "--node-mtbf", "6335h", "--nodes", "2048", "--write", "3min"}, dir.path());
  const RunResult by_job =
      run_goodsim({"interval", "--mtbf", "11135.7421875s", "--write", "3min"}, dir.path());
  ASSERT_EQ(by_node.exit_code, 0) << by_node;
  ASSERT_EQ(by_job.exit_code, 0) << by_job;
  EXPECT_EQ(by_node.out, by_job.out);
  EXPECT_GT(interval_minutes(by_node.out, "exact (Lambert W)"), 30.0);
}

struct BadInterval {
  const char* name;
  std::vector<std::string> args;
  const char* message;
};

void PrintTo(const BadInterval& c, std::ostream* os) {
  *os << c.name;
}

class BadIntervalTest : public ::testing::TestWithParam<BadInterval> {};

TEST_P(BadIntervalTest, ExitsTwoWithPointerToHelp) {
  const BadInterval& c = GetParam();
  TempDir dir;
  std::vector<std::string> args = {"interval"};
  args.insert(args.end(), c.args.begin(), c.args.end());
  const RunResult r = run_goodsim(args, dir.path());
  EXPECT_EQ(r.exit_code, 2) << r;
  EXPECT_EQ(r.out, "") << r;
  EXPECT_TRUE(r.err.starts_with("goodsim interval: ")) << r;
  EXPECT_TRUE(HasSubstr(r.err, c.message));
  EXPECT_TRUE(HasSubstr(r.err, "(see: goodsim interval --help)"));
  EXPECT_TRUE(list_dir(dir.path()).empty());
}

const BadInterval kBadIntervals[] = {
    {"MissingWrite", {"--mtbf", "6h"}, "missing --write"},
    {"MtbfWithoutUnit",
     {"--mtbf", "6", "--write", "5min"},
     "--mtbf: expected a duration with a unit"},
    {"WriteWithoutUnit", {"--mtbf", "6h", "--write", "5"}, "--write: expected a duration"},
    {"RestartWithoutUnit",
     {"--mtbf", "6h", "--write", "5min", "--restart", "10"},
     "--restart: expected a duration"},
    {"MissingMtbf", {"--write", "5min"}, "give either --mtbf, or --node-mtbf with --nodes"},
    {"MtbfAndNodeMtbf",
     {"--mtbf", "6h", "--node-mtbf", "6335h", "--nodes", "8", "--write", "5min"},
     "give either --mtbf, or --node-mtbf with --nodes"},
    {"NodeMtbfWithoutNodes", {"--node-mtbf", "6335h", "--write", "5min"}, "give either"},
    {"ZeroNodes", {"--node-mtbf", "6335h", "--nodes", "0", "--write", "5min"}, "--nodes must be"},
    {"NegativeMtbf", {"--mtbf", "-6h", "--write", "5min"}, "the MTBF must be > 0"},
    {"ZeroWrite", {"--mtbf", "6h", "--write", "0s"}, "--write must be > 0"},
    {"NegativeRestart",
     {"--mtbf", "6h", "--write", "5min", "--restart", "-1min"},
     "--restart must be >= 0"},
    {"UnknownOption", {"--mtbf", "6h", "--write", "5min", "--bogus"}, "--bogus"},
};

INSTANTIATE_TEST_SUITE_P(Cli, BadIntervalTest, ::testing::ValuesIn(kBadIntervals),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(CliHelp, IntervalHelpMentionsUnitsAndAWorkingExample) {
  TempDir dir;
  const RunResult r = run_goodsim({"interval", "--help"}, dir.path());
  ASSERT_EQ(r.exit_code, 0) << r;
  EXPECT_TRUE(HasSubstr(r.out, "usage: goodsim interval --mtbf DURATION --write DURATION"));
  EXPECT_TRUE(HasSubstr(r.out, "Durations take a unit: 90s, 5min, 2h, 54d"));
  for (const char* option : {"--mtbf", "--node-mtbf", "--nodes", "--write", "--restart"}) {
    EXPECT_TRUE(HasSubstr(r.out, option));
  }
  std::smatch m;
  const std::regex example(R"(example[^\n]*:\n +goodsim (interval [^\n]+)\n)");
  ASSERT_TRUE(std::regex_search(r.out, m, example)) << r;
  std::vector<std::string> args;
  std::istringstream words(m[1].str());
  for (std::string w; words >> w;) args.push_back(w);
  const RunResult run = run_goodsim(args, dir.path());
  EXPECT_EQ(run.exit_code, 0) << run;
  EXPECT_TRUE(HasSubstr(run.out, "Daly higher order"));
}

}  // namespace
}  // namespace goodsim::test
