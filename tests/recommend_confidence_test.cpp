// `goodsim recommend --confidence`: the sequential selection's report, its guarantee, the same
// answer on any thread count, and the options it refuses.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/test_support.h"

namespace goodsim::test {
namespace {

std::vector<std::string> args(std::vector<std::string> more) {
  std::vector<std::string> a{"recommend", "scenario.yaml", "--vary", "cluster.spares=0..6:2", "-q"};
  a.insert(a.end(), more.begin(), more.end());
  return a;
}

TEST(RecommendConfidence, ReportsTheSelectionAndItsGuaranteeTheSameOnAnyThreadCount) {
  TempDir dir;
  write_text(dir / "scenario.yaml", kRecommendScenario);
  std::string out[2];
  for (int t = 0; t < 2; ++t) {
    const RunResult r = run_goodsim(
        args({"--confidence", "0.95", "--indifference", "500", "--threads", std::to_string(t + 1)}),
        dir.path());
    ASSERT_EQ(r.exit_code, 0) << r;
    EXPECT_TRUE(HasSubstr(r.out, "objective  the lowest expected cost, with 95 % confidence"));
    EXPECT_TRUE(HasSubstr(r.out, "\nrecommended cluster.spares = "));
    EXPECT_TRUE(HasSubstr(r.out, "recommends it with probability >= 0.95"));
    EXPECT_TRUE(HasSubstr(r.out, "dropped after "));
    // Everything but the timing is the same.
    out[t] = r.out.substr(r.out.find("\ncandidate"));
  }
  EXPECT_EQ(out[0], out[1]);
}

TEST(RecommendConfidence, WarnsWithoutAGuaranteeWhenTheCapStopsIt) {
  TempDir dir;
  write_text(dir / "scenario.yaml", kRecommendScenario);
  // Checkpoints every 60 or 61 minutes cost almost the same: 512 replications cannot tell
  // them apart within a $0.01 zone.
  const RunResult r =
      run_goodsim({"recommend", "scenario.yaml", "--vary", "checkpoint.interval=60min,61min", "-q",
                   "--confidence", "0.95", "--indifference", "0.01", "--max-reps", "512"},
                  dir.path());
  ASSERT_EQ(r.exit_code, 0) << r;
  EXPECT_TRUE(HasSubstr(r.out, "guarantee  none"));
  EXPECT_TRUE(HasSubstr(r.err, "goodsim recommend: warning: --max-reps 512"));
}

TEST(RecommendConfidence, RefusesWhatItCannotGuarantee) {
  TempDir dir;
  write_text(dir / "scenario.yaml", kRecommendScenario);
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"--confidence", "0.95"}, "--confidence needs --indifference"},
      {{"--confidence", "1.5", "--indifference", "100"}, "--confidence must be between 0 and 1"},
      {{"--confidence", "0.95", "--indifference", "100", "--deadline-p95", "300h"},
       "not --deadline-p95"},
      {{"--confidence", "0.95", "--indifference", "100", "--reps", "100"}, "exclude each other"},
      {{"--indifference", "100"}, "--indifference needs --confidence"},
  };
  for (const auto& [more, message] : cases) {
    const RunResult r = run_goodsim(args(more), dir.path());
    EXPECT_EQ(r.exit_code, 2) << r;
    EXPECT_TRUE(HasSubstr(r.err, message)) << r;
  }
}

}  // namespace
}  // namespace goodsim::test
