// goodsim fit: on logs generated from known parameters the fit recovers them within its own
// 95 % confidence intervals at the stated rate; malformed logs are refused at file:line:column;
// the fragment it writes runs under `extends:`.

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <sstream>
#include <string>
#include <vector>

#include "models/fit/failure_log.h"
#include "models/fit/fragment.h"
#include "models/fit/lifetime_fit.h"
#include "models/fit/log_fit.h"
#include "sim/csv.h"
#include "sim/error.h"
#include "sim/random.h"
#include "sim/timestamp.h"
#include "tests/test_support.h"

namespace goodsim::test {
namespace {

namespace fit = models::fit;

// ---------------------------------------------------------------------------------------------
// Generated logs

struct LogSpec {
  int nodes = 50;
  double window_h = 2000.0;
  double shape = 1.0;            // Weibull k; 1 = exponential
  double mean_h = 500.0;         // mean time to failure of a node
  double repair_median_h = 0.0;  // lognormal repairs (sigma 1) with repair ends; 0 = none
  bool timestamps = false;       // ISO 8601 rows from 2024-01-01, else durations from the start
};

constexpr double kRepairSigma = 1.0;

// Every node a renewal process from time 0: Weibull lifetimes, and after each failure, if
// repairs are on, a lognormal repair before the clock restarts. Rows of node names "gpu-<i>",
// causes "a" (1/4) and "b" (3/4).
std::string generate_log(const LogSpec& s, std::uint64_t seed, std::uint64_t replication) {
  sim::RandomStream rng(seed, replication, sim::StreamPurpose::kMisc);
  const double scale = s.mean_h / std::tgamma(1.0 + 1.0 / s.shape);
  const double origin = *sim::parse_iso8601_hours("2024-01-01T00:00:00Z");
  const auto when = [&](double t) {
    if (s.timestamps) return sim::format_iso8601(origin + t);
    char buf[40];
    std::snprintf(buf, sizeof buf, "%.9gh", t);
    return std::string(buf);
  };
  std::ostringstream out;
  out << "node,time,cause" << (s.repair_median_h > 0 ? ",repair_end" : "") << "\n";
  for (int node = 0; node < s.nodes; ++node) {
    for (double t = scale * std::pow(rng.exponential(1.0), 1.0 / s.shape); t < s.window_h;) {
      out << "gpu-" << node << "," << when(t) << "," << (rng.uniform() < 0.25 ? "a" : "b");
      double back = t;
      if (s.repair_median_h > 0) {
        const double z =
            std::sqrt(-2 * std::log(1 - rng.uniform())) * std::cos(2 * M_PI * rng.uniform());
        back = t + s.repair_median_h * std::exp(kRepairSigma * z);
        out << "," << when(back);
      }
      out << "\n";
      t = back + scale * std::pow(rng.exponential(1.0), 1.0 / s.shape);
    }
  }
  return out.str();
}

fit::LogFit fit_generated(const LogSpec& s, std::uint64_t seed, std::uint64_t replication) {
  std::istringstream in(generate_log(s, seed, replication));
  const fit::FailureLog log = fit::read_failure_log(in, "generated.csv");
  std::optional<fit::WindowBound> start;
  if (s.timestamps) start = fit::parse_window_bound("--window-start", "2024-01-01T00:00:00Z");
  const auto end = fit::parse_window_bound("--window-end", std::to_string(s.window_h) + "h");
  return fit::fit_log(log, fit::resolve_window(log, start, end), s.nodes);
}

// The coverage of 1,000 nominal 95 % intervals must be within 3 binomial standard errors
// (0.021) of 0.95; so must the rejection rate of a 5 % test under its null. Fixed seeds: the
// counts are the same on every run (under a second in Release).
constexpr int kLogs = 1000;
const double kCoverageTolerance = 3 * std::sqrt(0.95 * 0.05 / kLogs);

void expect_coverage(const char* what, int covered) {
  const double coverage = static_cast<double>(covered) / kLogs;
  std::printf("[ coverage ] %-44s %.3f (%d of %d)\n", what, coverage, covered, kLogs);
  EXPECT_NEAR(coverage, 0.95, kCoverageTolerance) << what;
}

TEST(FitCoverage, ExponentialMtbfIntervalCoversTheTruthAtTheStatedRate) {
  LogSpec s;  // 50 nodes, 2,000 h, MTBF 500 h: about 200 failures a log
  int mtbf = 0, weibull_shape = 0, rejected_shape_one = 0, rejected_trend = 0;
  for (int i = 0; i < kLogs; ++i) {
    const fit::LogFit f = fit_generated(s, 11, i);
    mtbf += f.exponential.mtbf_h.covers(s.mean_h);
    ASSERT_TRUE(f.weibull);
    weibull_shape += f.weibull->shape.covers(1.0);
    rejected_shape_one += f.shape_one->p_value < 0.05;
    rejected_trend += f.trend.p_value < 0.05;
  }
  expect_coverage("exponential logs: exponential MTBF", mtbf);
  expect_coverage("exponential logs: Weibull shape (k = 1)", weibull_shape);
  // Tests at level 0.05 under their null: they reject about 5 % of the logs.
  std::printf("[ level    ] shape = 1 LR test rejects %d, Laplace trend test rejects %d of %d\n",
              rejected_shape_one, rejected_trend, kLogs);
  EXPECT_NEAR(rejected_shape_one / double(kLogs), 0.05, kCoverageTolerance);
  EXPECT_NEAR(rejected_trend / double(kLogs), 0.05, kCoverageTolerance);
}

TEST(FitCoverage, WeibullShapeAndMtbfIntervalsCoverTheTruthWithRepairsAndTimestamps) {
  LogSpec s;
  s.shape = 0.7;
  s.repair_median_h = 24.0;  // downtime: each clock restarts when its repair ends
  s.timestamps = true;
  int shape = 0, mean = 0, repair_median = 0, repair_sigma = 0, share = 0;
  for (int i = 0; i < kLogs; ++i) {
    const fit::LogFit f = fit_generated(s, 12, i);
    ASSERT_TRUE(f.weibull);
    shape += f.weibull->shape.covers(s.shape);
    mean += f.weibull->mean_h.covers(s.mean_h);
    ASSERT_TRUE(f.repair && f.repair->lognormal);
    repair_median += f.repair->lognormal->median_h.covers(s.repair_median_h);
    repair_sigma += f.repair->lognormal->sigma.covers(kRepairSigma);
    for (const fit::CauseShare& c : f.causes) {
      if (c.name == "a") share += c.share.covers(0.25);
    }
  }
  expect_coverage("Weibull logs (k = 0.7): shape", shape);
  expect_coverage("Weibull logs (k = 0.7): MTBF", mean);
  expect_coverage("Weibull logs: lognormal repair median", repair_median);
  expect_coverage("Weibull logs: lognormal repair sigma", repair_sigma);
  expect_coverage("Weibull logs: share of cause a (1/4)", share);
}

TEST(FitCoverage, HeavyCensoringWearOutMostNodesNeverFail) {
  LogSpec s;  // 200 nodes, 1,500 h, k = 1.5, MTBF 3,000 h: 3 in 4 nodes never fail
  s.nodes = 200;
  s.window_h = 1500.0;
  s.shape = 1.5;
  s.mean_h = 3000.0;
  int shape = 0, mean = 0;
  for (int i = 0; i < kLogs; ++i) {
    const fit::LogFit f = fit_generated(s, 15, i);
    ASSERT_TRUE(f.weibull);
    shape += f.weibull->shape.covers(s.shape);
    mean += f.weibull->mean_h.covers(s.mean_h);
  }
  expect_coverage("censored Weibull logs (k = 1.5): shape", shape);
  expect_coverage("censored Weibull logs (k = 1.5): MTBF", mean);
}

TEST(FitPower, WeibullInfantMortalityIsFlaggedByTheShapeAndTrendTests) {
  LogSpec s;
  s.shape = 0.7;
  const fit::LogFit f = fit_generated(s, 13, 0);
  EXPECT_LT(f.weibull->shape.upper, 1.0);
  EXPECT_LT(f.shape_one->p_value, 0.05);
  EXPECT_LT(f.weibull->aic, f.exponential.aic);
  // Every clock starts at the window start, so the fleet's rate falls over the window.
  EXPECT_LT(f.trend.statistic, -1.96);
  EXPECT_GT(f.rate_first_half.value, f.rate_second_half.value);
  EXPECT_EQ(fit::lower_aic_choice(f).failure_model, "weibull");
}

// ---------------------------------------------------------------------------------------------
// The estimators on small cases with known answers

TEST(FitEstimators, ExponentialIsFailuresOverExposureWithGarwoodsInterval) {
  const fit::ExponentialFit f = fit::fit_exponential(10, 1000.0);
  EXPECT_DOUBLE_EQ(f.mtbf_h.value, 100.0);
  // chi2(20, 0.025) / 2000 and chi2(22, 0.975) / 2000 (tables: 9.5908, 36.7807).
  EXPECT_NEAR(f.rate_per_h.lower, 9.59078 / 2000, 1e-7);
  EXPECT_NEAR(f.rate_per_h.upper, 36.78071 / 2000, 1e-7);
  const fit::ExponentialFit none = fit::fit_exponential(0, 1000.0);
  EXPECT_TRUE(std::isinf(none.mtbf_h.value));
  EXPECT_NEAR(none.mtbf_h.lower, 1000.0 / 3.6889, 0.01);  // chi2(2, 0.975) / 2 = 3.6889
}

TEST(FitEstimators, WeibullMaximisesTheCensoredLikelihood) {
  const std::vector<fit::Interval> data = {{12, true},   {40, true}, {75, true},   {3, true},
                                           {150, false}, {90, true}, {200, false}, {33, true}};
  const auto f = fit::fit_weibull(data);
  ASSERT_TRUE(f);
  const auto log_l = [&](double k, double lambda) {
    double l = 0;
    for (const auto& i : data) {
      if (i.failed) l += std::log(k / lambda) + (k - 1) * std::log(i.hours / lambda);
      l -= std::pow(i.hours / lambda, k);
    }
    return l;
  };
  EXPECT_NEAR(log_l(f->shape.value, f->scale_h.value), f->log_likelihood, 1e-9);
  for (double dk : {-0.01, 0.01}) {
    for (double dl : {-0.01, 0.0, 0.01}) {
      EXPECT_LT(log_l(f->shape.value * (1 + dk), f->scale_h.value * (1 + dl)), f->log_likelihood);
    }
  }
  EXPECT_LT(f->shape.lower, f->shape.value);
  EXPECT_GT(f->shape.upper, f->shape.value);
  EXPECT_NEAR(f->mean_h.value, f->scale_h.value * std::tgamma(1 + 1 / f->shape.value), 1e-9);
}

TEST(FitEstimators, ClopperPearsonInterval) {
  const fit::Estimate p = fit::proportion(3, 10);  // R binom.test(3, 10): 0.0667, 0.6525
  EXPECT_NEAR(p.lower, 0.06673951, 1e-6);
  EXPECT_NEAR(p.upper, 0.65245285, 1e-6);
}

TEST(FitLog, NodesThatNeverFailedAreCensoredNotDropped) {
  std::istringstream in("time,node\n100h,a\n500h,b\n");
  const fit::FailureLog log = fit::read_failure_log(in, "small.csv");
  const auto end = fit::parse_window_bound("--window-end", "1000h");
  const fit::LogFit f = fit::fit_log(log, fit::resolve_window(log, std::nullopt, end), 10);
  EXPECT_EQ(f.exponential.failures, 2);
  EXPECT_DOUBLE_EQ(f.exponential.exposure_h, 10 * 1000.0);
  EXPECT_DOUBLE_EQ(f.exponential.mtbf_h.value, 5000.0);
}

TEST(FitLog, RepairTimeIsNotExposureAndTheDefaultStartOpensTheWindow) {
  std::istringstream in(
      "Timestamp,Hostname,Reason,Repaired_At\n"
      "2024-05-01T00:00:00Z,n1,gpu,2024-05-02T00:00:00Z\n"
      "2024-05-03T00:00:00+02:00,n2,\"nic, port 2\",\n"
      "2024-05-05T00:00:00Z,n1,gpu,2024-05-05T12:00:00Z\n");
  const fit::FailureLog log = fit::read_failure_log(in, "log.csv");
  EXPECT_TRUE(log.timestamps);
  const fit::LogFit f = fit::fit_log(log, fit::resolve_window(log, std::nullopt, std::nullopt), 3);
  EXPECT_EQ(f.opening, 1);  // n1 at the window start
  EXPECT_EQ(f.exponential.failures, 2);
  // 3 nodes x 96 h (the window ends at the last failure), less n1's first 24 h in repair.
  EXPECT_DOUBLE_EQ(f.exponential.exposure_h, 3 * 96.0 - 24);  // n1's second repair is after it
  ASSERT_EQ(f.causes.size(), 2u);
  EXPECT_EQ(f.causes[0].name, "gpu");
  EXPECT_EQ(f.causes[1].name, "nic, port 2");
  ASSERT_TRUE(f.repair);
  EXPECT_EQ(f.repair->count, 2u);
  EXPECT_DOUBLE_EQ(f.repair->exponential.mean_h.value, 18.0);
  EXPECT_EQ(f.without_repair_end, 1);
}

TEST(FitTimestamps, Iso8601) {
  EXPECT_DOUBLE_EQ(*sim::parse_iso8601_hours("1970-01-02T00:00:00Z"), 24.0);
  EXPECT_DOUBLE_EQ(
      *sim::parse_iso8601_hours("2024-05-01T12:00:00Z") - *sim::parse_iso8601_hours("2024-05-01"),
      12.0);
  EXPECT_DOUBLE_EQ(*sim::parse_iso8601_hours("2024-05-01T12:00:00+02:00"),
                   *sim::parse_iso8601_hours("2024-05-01 10:00:00"));
  EXPECT_DOUBLE_EQ(*sim::parse_iso8601_hours("2024-03-01T00:00Z") -
                       *sim::parse_iso8601_hours("2024-02-28T00:00Z"),
                   48.0);  // 2024 is a leap year
  EXPECT_EQ(sim::format_iso8601(*sim::parse_iso8601_hours("2024-12-31T23:59:59Z")),
            "2024-12-31T23:59:59Z");
  for (const char* bad : {"2023-02-29", "2024-13-01", "2024-05-01T25:00Z", "2024-05-01T12:00:00Q",
                          "36h", "", "2024-5-1"}) {
    EXPECT_FALSE(sim::parse_iso8601_hours(bad)) << bad;
  }
}

// ---------------------------------------------------------------------------------------------
// The command

struct BadLog {
  const char* name;
  const char* text;
  const char* location;  // "log.csv:LINE:COLUMN"
  const char* message;
};

void PrintTo(const BadLog& c, std::ostream* os) {
  *os << c.name;
}

const BadLog kBadLogs[] = {
    {"bad_timestamp", "time,node\n2024-05-01T00:00:00Z,a\n2024-05-32T00:00:00Z,b\n", "log.csv:3:1",
     "time: expected an ISO 8601 timestamp"},
    {"missing_node_column", "time,cause\n36h,gpu\n", "log.csv:1:1",
     "missing the node column: expected a header named one of: node, host"},
    {"event_outside_window", "time,node\n10h,a\n2000h,b\n", "log.csv:3:1",
     "time: after the observation window, which ends at 1000 h (--window-end 1000h)"},
    {"repair_end_before_failure", "node,time,repair_end\na,10h,20h\nb,30h,25h\n", "log.csv:3:7",
     "repair end: expected a time after the failure (30h), got '25h'"},
    {"failure_during_repair", "node,time,repair_end\na,10h,50h\na,30h,\n", "log.csv:3:3",
     "time: node 'a' fails while in repair: its failure on line 2 is repaired at 50 h"},
    {"mixed_time_kinds", "time,node\n2024-05-01T00:00:00Z,a\n36h,b\n", "log.csv:3:1",
     "time: expected an ISO 8601 timestamp (e.g. '2024-05-01T12:00:00Z'), as in the first row, "
     "got '36h'"},
    {"duplicate_row", "time,node\n5h,a\n5h,a\n", "log.csv:3:1",
     "time: node 'a' fails twice at the same time (line 2 and this one): a duplicate row?"},
    {"wrong_field_count", "time,node\n1h,a\n2h,b,extra\n", "log.csv:3:1",
     "expected 2 fields as in the header (line 1), got 3"},
    {"empty_node", "time,node\n1h,\n", "log.csv:2:4", "node: expected a node name"},
    {"more_nodes_than_observed", "time,node\n1h,a\n2h,b\n3h,c\n4h,d\n5h,e\n", "log.csv:6:4",
     "node: the log names 5 nodes, more than --nodes 4; 'e' is the first one too many"},
};

class BadLogTest : public ::testing::TestWithParam<BadLog> {};

TEST_P(BadLogTest, IsRefusedAtFileLineColumnWithExitCodeTwo) {
  const BadLog& c = GetParam();
  TempDir dir;
  write_text(dir / "log.csv", c.text);
  const RunResult r = run_goodsim(
      {"fit", "log.csv", "--nodes", "4", "--window-end", "1000h", "-o", "out.yaml"}, dir.path());
  EXPECT_EQ(r.exit_code, 2) << r;
  EXPECT_EQ(r.out, "") << r;
  const std::string prefix = std::string("goodsim: error: ") + c.location + ": ";
  EXPECT_EQ(r.err.rfind(prefix, 0), 0u) << "expected the prefix " << prefix << "\n" << r;
  EXPECT_TRUE(HasSubstr(r.err, c.message));
  EXPECT_FALSE(fs::exists(dir / "out.yaml"));
}

INSTANTIATE_TEST_SUITE_P(Fit, BadLogTest, ::testing::ValuesIn(kBadLogs),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(FitCommand, UsageErrorsExitTwo) {
  TempDir dir;
  write_text(dir / "log.csv", "time,node\n1h,a\n");
  for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
           {"fit", "log.csv"},
           {"fit", "--nodes", "4"},
           {"fit", "log.csv", "--nodes", "0"},
           {"fit", "log.csv", "--nodes", "4", "--window-end", "soon"},
           {"fit", "log.csv", "--nodes", "4", "--column", "host"},
           {"fit", "log.csv", "--nodes", "4", "--failure-model", "gamma"}}) {
    const RunResult r = run_goodsim(args, dir.path());
    EXPECT_EQ(r.exit_code, 2) << r;
    EXPECT_TRUE(HasSubstr(r.err, "goodsim fit")) << r;
  }
}

TEST(FitCommand, HelpExplainsTheOptionsWithUnitsAndAnExample) {
  TempDir dir;
  const RunResult r = run_goodsim({"fit", "--help"}, dir.path());
  ASSERT_EQ(r.exit_code, 0) << r;
  for (const char* part : {"usage: goodsim fit LOG.csv --nodes N", "--nodes", "--window-start",
                           "--window-end", "--column", "--failure-model", "--repair-model",
                           "--output", "ISO 8601", "hours", "example:", "censored"}) {
    EXPECT_TRUE(HasSubstr(r.out, part));
  }
  // The example runs as printed, on the generated log the repository ships.
  const std::size_t at = r.out.find("example:\n");
  ASSERT_NE(at, std::string::npos);
  std::istringstream example(r.out.substr(at + 9, r.out.find("\n\n", at) - at - 9));
  std::vector<std::string> args;
  for (std::string w; example >> w;) {
    if (w != "\\" && w != "goodsim") args.push_back(w);
  }
  const fs::path source = GOODSIM_SOURCE_DIR;
  fs::create_directories(dir / "scenarios/logs");
  fs::copy_file(source / "scenarios/logs/generated-failures.csv",
                dir / "scenarios/logs/generated-failures.csv");
  const RunResult run = run_goodsim(args, dir.path());
  EXPECT_EQ(run.exit_code, 0) << run;
  EXPECT_TRUE(fs::exists(dir / "fitted-cluster.yaml"));
}

TEST(FitCommand, WrittenFragmentRunsUnderExtends) {
  TempDir dir;
  LogSpec s;
  s.shape = 0.7;
  s.repair_median_h = 24.0;
  s.timestamps = true;
  write_text(dir / "log.csv", generate_log(s, 14, 0));
  const RunResult f =
      run_goodsim({"fit", "log.csv", "--nodes", "50", "--window-start", "2024-01-01T00:00:00Z",
                   "--window-end", "2000h", "-o", "cluster.yaml"},
                  dir.path());
  ASSERT_EQ(f.exit_code, 0) << f;
  EXPECT_TRUE(HasSubstr(f.out, "node time to failure"));
  EXPECT_TRUE(HasSubstr(f.out, "fragment   cluster.yaml"));
  const std::string fragment = read_text(dir / "cluster.yaml");
  EXPECT_TRUE(HasSubstr(fragment, "# log        log.csv: "));
  EXPECT_TRUE(HasSubstr(fragment, "  failure: {model: weibull, shape: "));
  EXPECT_TRUE(HasSubstr(fragment, "  repair: {model: lognormal, mean: "));
  EXPECT_TRUE(HasSubstr(fragment, "    - {name: \"b\", share: "));
  for (const auto& name : list_dir(dir.path())) EXPECT_EQ(name.find(".tmp"), std::string::npos);

  write_text(dir / "scenario.yaml", R"(name: fitted
extends: cluster.yaml
cluster: {nodes: 32, spares: 4}
job: {work: 200h}
checkpoint: {interval: 1h, write: 2min}
recovery: {detect: 5min, restart: 10min}
montecarlo: {replications: 20, seed: 1}
)");
  const RunResult run =
      run_goodsim({"run", "scenario.yaml", "-o", "out.h5", "--quiet"}, dir.path());
  EXPECT_EQ(run.exit_code, 0) << run;
  EXPECT_TRUE(HasSubstr(run.out, "weibull"));
  EXPECT_TRUE(fs::exists(dir / "out.h5"));
}

// The README's "Fit your own failure log" prints the command's real output, and the fragment
// committed beside the example log is the one that command writes.
TEST(FitCommand, ReadmeOutputIsWhatTheCommandPrints) {
  const fs::path source = GOODSIM_SOURCE_DIR;
  const std::string readme = read_text(source / "README.md");
  const std::size_t section = readme.find("## Fit your own failure log");
  ASSERT_NE(section, std::string::npos);
  const std::size_t sh = readme.find("```sh\n", section);
  const std::size_t sh_end = readme.find("```\n", sh + 6);
  const std::size_t out = readme.find("```\n", sh_end + 4);
  const std::size_t out_end = readme.find("```\n", out + 4);
  ASSERT_TRUE(sh != std::string::npos && out_end != std::string::npos);
  std::string command = readme.substr(sh + 6, sh_end - sh - 6);
  std::vector<std::string> args;
  std::istringstream words(command);
  for (std::string w; words >> w;) {
    if (w != "\\" && w != "build/goodsim") args.push_back(w);
  }
  TempDir dir;
  fs::create_directories(dir / "scenarios/logs");
  fs::copy_file(source / "scenarios/logs/generated-failures.csv",
                dir / "scenarios/logs/generated-failures.csv");
  const RunResult r = run_goodsim(args, dir.path());
  ASSERT_EQ(r.exit_code, 0) << r;
  EXPECT_EQ(r.out, readme.substr(out + 4, out_end - out - 4));
  EXPECT_EQ(read_text(dir / "scenarios/logs/generated-cluster.yaml"),
            read_text(source / "scenarios/logs/generated-cluster.yaml"));
}

TEST(FitCommand, MtbfUncertaintyWritesTheSamplingDistributionThatRunsDrawFrom) {
  TempDir dir;
  LogSpec s;  // exponential, 50 nodes, 2,000 h, MTBF 500 h
  write_text(dir / "log.csv", generate_log(s, 16, 0));
  const RunResult f =
      run_goodsim({"fit", "log.csv", "--nodes", "50", "--window-end", "2000h", "--failure-model",
                   "exponential", "--mtbf-uncertainty", "-o", "cluster.yaml"},
                  dir.path());
  ASSERT_EQ(f.exit_code, 0) << f;
  const std::string fragment = read_text(dir / "cluster.yaml");
  EXPECT_TRUE(HasSubstr(fragment,
                        "  failure: {model: exponential, node_mtbf: {model: lognormal, median: "));
  write_text(dir / "scenario.yaml", R"(extends: cluster.yaml
cluster: {nodes: 16, spares: 100, repair: {model: exponential, mean: 24h}}
job: {work: 100h}
checkpoint: {interval: 1h, write: 1min}
)");
  const RunResult run =
      run_goodsim({"run", "scenario.yaml", "-o", "out.h5", "--quiet", "--reps", "20"}, dir.path());
  EXPECT_EQ(run.exit_code, 0) << run;
  EXPECT_TRUE(HasSubstr(run.out, "uncertain  node MTBF drawn per replication: lognormal"));
}

TEST(FitCsv, QuotedFieldsHoldCommas) {
  const auto f = sim::split_csv_row(R"(1h, "a, b" ,"say ""hi""",)");
  ASSERT_EQ(f.size(), 4u);
  EXPECT_EQ(f[1].text, "a, b");
  EXPECT_EQ(f[1].column, 5);
  EXPECT_EQ(f[2].text, "say \"hi\"");
  EXPECT_EQ(f[3].text, "");
}

}  // namespace
}  // namespace goodsim::test
