// goodsim sweep, bad input: exit 2, the file and line in the sweep block, nothing written.

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "tests/sweep_test_support.h"
#include "tests/test_support.h"

namespace goodsim::test {
namespace {

constexpr const char* kBadBase = R"(name: bad-sweep
cluster:
  nodes: 64
  failure: {node_mtbf: 2000h}
  repair: {mean: 24h}
job: {work: 100h}
checkpoint: {interval: 30min, write: 2min}
montecarlo: {replications: 10, seed: 3}
)";

struct BadSweep {
  const char* name;
  const char* sweep;    // appended to kBadBase
  const char* line;     // the whole line the error must point at
  const char* message;  // a fragment of the message
};

void PrintTo(const BadSweep& c, std::ostream* os) {
  *os << c.name;
}

class BadSweepTest : public ::testing::TestWithParam<BadSweep> {};

TEST_P(BadSweepTest, ExitsTwoAtTheLineInTheSweepBlockAndWritesNothing) {
  const BadSweep& c = GetParam();
  const std::string yaml = std::string(kBadBase) + c.sweep;
  const int line = line_number(yaml, c.line);
  ASSERT_GT(line, 0);
  TempDir dir;
  write_text(dir / "scenario.yaml", yaml);
  const RunResult r = run_goodsim(sweep_args("out.h5"), dir.path());
  EXPECT_EQ(r.exit_code, 2) << r;
  EXPECT_EQ(r.out, "") << r;
  EXPECT_TRUE(HasSubstr(r.err, "goodsim: error: scenario.yaml:" + std::to_string(line) + ":")) << r;
  EXPECT_TRUE(HasSubstr(r.err, c.message)) << r;
  EXPECT_EQ(list_dir(dir.path()), std::set<std::string>{"scenario.yaml"}) << r;
}

// A sweep block of `axes` keys (x0.k, x1.k, ...) with `values` values each.
std::string sweep_of(int axes, int values) {
  std::string out = "sweep:\n";
  for (int a = 0; a < axes; ++a) {
    out += "  x" + std::to_string(a) + ".k: [";
    for (int v = 0; v < values; ++v) out += (v ? ", " : "") + std::to_string(v);
    out += "]\n";
  }
  return out;
}
const std::string kTooManyPoints = sweep_of(2, 400);
// 16^16 = 2^64 points: a 64-bit count wraps to 0; 2^64 x 3 wraps to a small, wrong count.
const std::string kTwoTo64Points = sweep_of(16, 16);
const std::string kWrappingPoints = sweep_of(16, 16) + "  y.k: [1, 2, 3]\n";

INSTANTIATE_TEST_SUITE_P(
    Cases, BadSweepTest,
    ::testing::Values(
        BadSweep{"too_many_points", kTooManyPoints.c_str(), "sweep:",
                 "key 'sweep': the sweep has 160,000 points (400 x 400), over the limit of "
                 "100,000; sweep fewer values, or split it into several sweeps"},
        BadSweep{"two_to_the_64_points", kTwoTo64Points.c_str(), "sweep:",
                 "the sweep has about 1.8e+19 points (16 x 16 x 16 x 16 x 16 x 16 x 16 x 16 x 16 "
                 "x 16 x 16 x 16 x 16 x 16 x 16 x 16), over the limit of 100,000"},
        BadSweep{"points_that_wrap_a_64_bit_count", kWrappingPoints.c_str(),
                 "sweep:", "the sweep has about 5.5e+19 points"},
        BadSweep{"unknown_leaf_key", "sweep:\n  cluster.sparez:\n    - 0\n    - 2\n",
                 "  cluster.sparez:", "unknown key 'sparez'"},
        BadSweep{"unknown_top_key", "sweep:\n  clustr.spares: [0, 2]\n", "  clustr.spares: [0, 2]",
                 "unknown key 'clustr'"},
        BadSweep{"unknown_key_in_zip",
                 "sweep:\n  zip:\n    - checkpoint.interval: [10min, 20min]\n"
                 "      checkpoint.wrte: [1min, 2min]\n",
                 "      checkpoint.wrte: [1min, 2min]", "unknown key 'wrte'"},
        BadSweep{"bad_value", "sweep:\n  cluster.spares:\n    - 0\n    - -2\n", "    - -2",
                 "expected an integer >= 0, got '-2'"},
        BadSweep{"bad_duration", "sweep:\n  cluster.failure.node_mtbf: [100h, 5 parsecs]\n",
                 "  cluster.failure.node_mtbf: [100h, 5 parsecs]", "got '5 parsecs'"},
        BadSweep{"bad_strategy", "sweep:\n  recovery.strategy: [hot_spare, teleport]\n",
                 "  recovery.strategy: [hot_spare, teleport]", "unknown recovery strategy"},
        BadSweep{"empty_list", "sweep:\n  cluster.spares: []\n", "  cluster.spares: []",
                 "empty list of values"},
        BadSweep{"not_a_list", "sweep:\n  cluster.spares: 4\n", "  cluster.spares: 4",
                 "expected a list of values"},
        BadSweep{"map_value", "sweep:\n  cluster.spares:\n    - 0\n    - {a: 1}\n", "    - {a: 1}",
                 "expected a single value"},
        BadSweep{"list_value", "sweep:\n  cluster.spares:\n    - [1, 2]\n", "    - [1, 2]",
                 "expected a single value"},
        BadSweep{"null_value", "sweep:\n  cluster.spares:\n    - 1\n    - ~\n", "    - ~",
                 "expected a single value"},
        BadSweep{"zip_lengths",
                 "sweep:\n  zip:\n    - checkpoint.interval: [10min, 30min]\n"
                 "      checkpoint.write: [1min]\n",
                 "      checkpoint.write: [1min]", "zip lists differ in length"},
        BadSweep{"zip_not_maps", "sweep:\n  zip: [1, 2]\n", "  zip: [1, 2]",
                 "expected a zip group"},
        BadSweep{"swept_twice",
                 "sweep:\n  cluster.spares: [0, 1]\n  zip:\n"
                 "    - {cluster.spares: [2, 3]}\n",
                 "    - {cluster.spares: [2, 3]}", "'cluster.spares' is swept twice"},
        BadSweep{"overlapping", "sweep:\n  checkpoint: [a]\n  checkpoint.interval: [1h]\n",
                 "  checkpoint.interval: [1h]", "overlaps 'checkpoint'"},
        BadSweep{"montecarlo", "sweep:\n  montecarlo.seed: [1, 2]\n", "  montecarlo.seed: [1, 2]",
                 "common random numbers"},
        BadSweep{"through_a_scalar", "sweep:\n  job.work.params: [1e11]\n",
                 "  job.work.params: [1e11]", "'job.work' is '100h'"},
        BadSweep{"bad_key_path", "sweep:\n  cluster..spares: [1]\n", "  cluster..spares: [1]",
                 "empty key path component"},
        BadSweep{"empty_block", "sweep:\n", "sweep:", "the sweep block is empty"},
        BadSweep{"not_a_map", "sweep: [1, 2]\n", "sweep: [1, 2]", "expected a map"},
        BadSweep{"no_sweep", "", "name: bad-sweep", "no sweep block"}),
    [](const ::testing::TestParamInfo<BadSweep>& info) { return std::string(info.param.name); });

TEST(SweepCommand, BadOptionsExitTwoAndWriteNothing) {
  TempDir dir;
  write_text(dir / "scenario.yaml", kSmall);
  for (const auto& extra : std::vector<std::vector<std::string>>{
           {"--reps", "0"}, {"--seed", "-1"}, {"--threads", "-2"}, {"--set", "cluster.spares"}}) {
    const RunResult r = run_goodsim(sweep_args("out.h5", extra), dir.path());
    EXPECT_EQ(r.exit_code, 2) << extra[0] << "\n" << r;
    EXPECT_EQ(list_dir(dir.path()), std::set<std::string>{"scenario.yaml"});
  }
  const RunResult missing_dir = run_goodsim(sweep_args("nowhere/out.h5"), dir.path());
  EXPECT_EQ(missing_dir.exit_code, 2) << missing_dir;
  EXPECT_TRUE(HasSubstr(missing_dir.err, "does not exist"));
}

}  // namespace
}  // namespace goodsim::test
