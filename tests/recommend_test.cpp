// goodsim recommend: the recommendation agrees with the same candidates simulated in-process
// (same seed: common random numbers), the evidence is printed (table, paired SE, what a spare
// costs, the marginal table, the Markov chain), deadline mode, and bad input (exit 2, nothing
// written).

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "models/cost.h"
#include "models/monte_carlo.h"
#include "models/scenario_loader.h"
#include "models/spare_pool_ctmc.h"
#include "tests/test_support.h"

namespace goodsim::test {
namespace {

constexpr std::int64_t kReps = 200;
constexpr std::uint64_t kSeed = 7;

// One candidate simulated in-process, exactly as goodsim recommend does.
struct Reference {
  std::string text;
  models::Scenario scenario;
  models::RunSummary summary;
  std::vector<double> cost;
};

std::vector<Reference> simulate(const fs::path& file, const std::string& key,
                                const std::vector<std::string>& values) {
  std::vector<Reference> out;
  for (const std::string& v : values) {
    const std::string assignment = key + "=" + v;
    Reference r;
    r.text = v;
    r.scenario = models::load_scenario(file.string(), std::span(&assignment, 1));
    models::RunOptions o;
    o.replications = kReps;
    o.seed = kSeed;
    o.threads = 2;
    const auto results = models::run_replications(r.scenario, o);
    r.summary = models::summarize(r.scenario, results);
    for (const auto& rep : results) r.cost.push_back(models::replication_cost_usd(r.scenario, rep));
    out.push_back(std::move(r));
  }
  return out;
}

std::size_t cheapest(const std::vector<Reference>& refs, const std::vector<std::size_t>& among) {
  std::size_t best = among.front();
  for (std::size_t i : among) {
    if (refs[i].summary.cost_usd->mean < refs[best].summary.cost_usd->mean) best = i;
  }
  return best;
}

std::vector<std::size_t> all_indices(std::size_t n) {
  std::vector<std::size_t> v(n);
  for (std::size_t i = 0; i < n; ++i) v[i] = i;
  return v;
}

double paired_se(const std::vector<double>& a, const std::vector<double>& b) {
  const double n = static_cast<double>(a.size());
  double mean = 0.0;
  for (std::size_t i = 0; i < a.size(); ++i) mean += (a[i] - b[i]) / n;
  double ss = 0.0;
  for (std::size_t i = 0; i < a.size(); ++i) ss += std::pow(a[i] - b[i] - mean, 2);
  return std::sqrt(ss / (n - 1.0)) / std::sqrt(n);
}

// "$12,345" (no negative amounts here). Built digit by digit: GCC 12 reports a false
// -Wrestrict for std::string::insert.
std::string dollars(double usd) {
  const std::string digits = std::to_string(std::llround(usd));
  std::string out = "$";
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return out;
}

// The rows of the candidate table: value -> the line.
struct Row {
  std::string value;
  std::string line;
};

std::vector<Row> candidate_rows(const std::string& out) {
  std::vector<Row> rows;
  static const std::regex row(R"(^ *(\S+) +[0-9.]+ \+/- [0-9.]+ +[0-9,.]+ h +\$.*)");
  std::istringstream in(out);
  for (std::string line; std::getline(in, line);) {
    std::smatch m;
    if (std::regex_match(line, m, row)) rows.push_back({m[1].str(), line});
  }
  return rows;
}

std::string recommended_value(const std::string& out) {
  static const std::regex rec(R"(\nrecommend  \S+ = (\S+)\n)");
  std::smatch m;
  return std::regex_search(out, m, rec) ? m[1].str() : "";
}

TEST(Recommend, MinCostPicksTheCheapestWithPairedEvidence) {
  TempDir dir;
  write_text(dir / "s.yaml", kRecommendScenario);
  const RunResult r = run_goodsim(
      {"recommend", "s.yaml", "--vary", "cluster.spares=0..5", "--min-cost", "-q"}, dir.path());
  ASSERT_EQ(r.exit_code, 0) << r;
  EXPECT_EQ(list_dir(dir.path()), std::set<std::string>{"s.yaml"}) << "recommend writes nothing";

  const std::vector<std::string> values = {"0", "1", "2", "3", "4", "5"};
  const auto refs = simulate(dir / "s.yaml", "cluster.spares", values);
  const std::size_t best = cheapest(refs, all_indices(refs.size()));
  EXPECT_EQ(recommended_value(r.out), values[best]) << r;
  EXPECT_NE(best, 0u);
  EXPECT_NE(best, values.size() - 1) << "the test wants an interior minimum";

  // The table: one row per candidate, the recommended one marked.
  const auto rows = candidate_rows(r.out);
  ASSERT_EQ(rows.size(), values.size()) << r;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    EXPECT_EQ(rows[i].value, values[i]);
    EXPECT_EQ(rows[i].line.find("(recommended)") != std::string::npos, i == best) << rows[i].line;
  }
  EXPECT_TRUE(HasSubstr(r.out, "Common random numbers"));
  EXPECT_TRUE(HasSubstr(r.out, "200 replications per candidate, seed 7 for every candidate"));

  // The runner-up and the SE of the difference from paired replications.
  std::vector<std::size_t> others;
  for (std::size_t i = 0; i < refs.size(); ++i) {
    if (i != best) others.push_back(i);
  }
  const std::size_t runner_up = cheapest(refs, others);
  double mean_diff = 0.0;
  for (std::size_t i = 0; i < kReps; ++i) {
    mean_diff += (refs[runner_up].cost[i] - refs[best].cost[i]) / static_cast<double>(kReps);
  }
  const double se = paired_se(refs[runner_up].cost, refs[best].cost);
  const double unpaired = std::hypot(refs[runner_up].summary.cost_usd->std_error,
                                     refs[best].summary.cost_usd->std_error);
  EXPECT_TRUE(HasSubstr(r.out, "vs cluster.spares = " + values[runner_up] + " (runner-up): +" +
                                   dollars(mean_diff) + " expected cost"));
  EXPECT_TRUE(HasSubstr(r.out, "SE of the difference " + dollars(se) +
                                   " from paired replications (unpaired: " + dollars(unpaired) +
                                   ")"));
  EXPECT_LT(se, unpaired) << "common random numbers should sharpen the comparison";

  // What a spare costs: the price times the recommended candidate's mean wall time.
  const double wall = refs[best].summary.wall_h.mean;
  EXPECT_TRUE(
      HasSubstr(r.out, "one spare costs " + dollars(90.0 * wall) + " over the expected wall time"));
  EXPECT_TRUE(HasSubstr(r.out, "$90.00/node-h x 1,200 h = $108,000 for a 1,200-hour run"));

  // When a spare pays for itself: one line per step, each step's verdict consistent with the
  // paired net change.
  EXPECT_TRUE(HasSubstr(r.out, "when a spare pays for itself"));
  for (std::size_t i = 1; i < values.size(); ++i) {
    EXPECT_TRUE(HasSubstr(r.out, "\n  " + values[i - 1] + " -> " + values[i] + " "));
  }
  EXPECT_TRUE(std::regex_search(r.out, std::regex(R"(\n  0 -> 1 .* pays for itself\n)")));

  // The Markov chain beside the simulated figures, for every candidate.
  EXPECT_TRUE(HasSubstr(r.out, "spare pool: simulated vs the Markov chain"));
  for (const Reference& ref : refs) {
    const auto f = models::analyse_spare_pool(*models::spare_pool_chain(ref.scenario));
    const double p = f.p_failure_finds_pool_empty;
    char cell[64];
    std::snprintf(cell, sizeof cell, p < 1e-3 ? "%.1e" : "%.4f", p);
    const std::regex line("\n +" + ref.text + " +\\S+ +" + std::string(cell) + " +");
    EXPECT_TRUE(std::regex_search(r.out, line)) << "chain row for " << ref.text << "\n" << r;
  }
}

TEST(Recommend, DeadlineModePicksTheCheapestThatMeetsTheP95) {
  TempDir dir;
  write_text(dir / "s.yaml", kRecommendScenario);
  const std::vector<std::string> values = {"1", "2", "3", "4", "5"};
  const auto refs = simulate(dir / "s.yaml", "cluster.spares", values);
  const std::size_t unconstrained = cheapest(refs, all_indices(refs.size()));
  // A deadline just below the cheapest candidate's P95 excludes it.
  const double deadline = std::floor(refs[unconstrained].summary.wall_h.p95) - 1.0;
  std::vector<std::size_t> meeting;
  for (std::size_t i = 0; i < refs.size(); ++i) {
    if (refs[i].summary.wall_h.p95 <= deadline) meeting.push_back(i);
  }
  ASSERT_FALSE(meeting.empty());
  const std::size_t expected = cheapest(refs, meeting);
  ASSERT_NE(expected, unconstrained);

  char arg[32];
  std::snprintf(arg, sizeof arg, "%.0fh", deadline);
  const RunResult r = run_goodsim(
      {"recommend", "s.yaml", "--vary", "cluster.spares=1,2,3,4,5", "--deadline-p95", arg, "-q"},
      dir.path());
  ASSERT_EQ(r.exit_code, 0) << r;
  EXPECT_EQ(recommended_value(r.out), values[expected]) << r;
  EXPECT_TRUE(HasSubstr(r.out, "the cheapest candidate with P95 wall time <="));
  const auto rows = candidate_rows(r.out);
  ASSERT_EQ(rows.size(), values.size()) << r;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const bool meets = refs[i].summary.wall_h.p95 <= deadline;
    EXPECT_TRUE(HasSubstr(rows[i].line, meets ? "  met" : "  missed"));
  }
}

TEST(Recommend, NoCandidateMeetsTheDeadlineExitsFour) {
  TempDir dir;
  write_text(dir / "s.yaml", kRecommendScenario);
  const RunResult r = run_goodsim(
      {"recommend", "s.yaml", "--vary", "cluster.spares=2,4", "--deadline-p95", "1h", "-q"},
      dir.path());
  EXPECT_EQ(r.exit_code, 4) << r;
  EXPECT_TRUE(HasSubstr(r.out, "no recommendation: no candidate has a P95 wall time <= 1.0 h"));
  EXPECT_EQ(candidate_rows(r.out).size(), 2u) << "the evidence is still printed\n" << r;
  EXPECT_EQ(recommended_value(r.out), "");
  EXPECT_EQ(list_dir(dir.path()), std::set<std::string>{"s.yaml"});
}

// Issue 11 item 14: a candidate whose replications hit the wall cap has censored (too low)
// costs; it is shown as DNF and never recommended.
TEST(Recommend, ACandidateThatDoesNotFinishIsMarkedAndNeverRecommended) {
  TempDir dir;
  write_text(dir / "s.yaml", kRecommendScenario);
  const RunResult r = run_goodsim({"recommend", "s.yaml", "--vary", "cluster.spares=0,8", "--reps",
                                   "20", "-q", "--set", "montecarlo.max_wall_factor=1.5"},
                                  dir.path());
  ASSERT_EQ(r.exit_code, 0) << r;
  EXPECT_EQ(recommended_value(r.out), "8") << r.out;
  const std::vector<Row> rows = candidate_rows(r.out);
  ASSERT_EQ(rows.size(), 2u) << r.out;
  EXPECT_TRUE(HasSubstr(rows[0].line, "DNF ")) << r.out;
  EXPECT_FALSE(HasSubstr(rows[1].line, "DNF")) << r.out;
  EXPECT_TRUE(HasSubstr(r.out, "such a candidate is never recommended")) << r.out;
}

TEST(Recommend, DurationsAndTheThreadCountDoNotChangeTheAnswer) {
  TempDir dir;
  write_text(dir / "s.yaml", kRecommendScenario);
  auto run = [&](const std::string& threads) {
    return run_goodsim({"recommend", "s.yaml", "--vary", "checkpoint.interval=20min..2h:20min",
                        "--reps", "100", "--threads", threads, "-q"},
                       dir.path());
  };
  const RunResult one = run("1");
  const RunResult three = run("3");
  ASSERT_EQ(one.exit_code, 0) << one;
  ASSERT_EQ(three.exit_code, 0) << three;
  const auto strip_runs = [](const std::string& text) {
    return std::regex_replace(text, std::regex("\nruns [^\n]*\n"), "\n");
  };
  EXPECT_EQ(strip_runs(one.out), strip_runs(three.out));
  const auto rows = candidate_rows(one.out);
  ASSERT_EQ(rows.size(), 6u) << one;
  EXPECT_EQ(rows.front().value, "20min");
  EXPECT_EQ(rows.back().value, "120min");
  EXPECT_EQ(one.out.find("when a spare pays for itself"), std::string::npos)
      << "the marginal table is for cluster.spares only";
}

// Names are candidates too: the recovery strategies compared on the same luck, the cheapest
// recommended as the same candidates simulated in-process find it. A strategy without a spare
// pool (requeue) has no Markov chain row.
TEST(Recommend, ComparesRecoveryStrategiesByName) {
  TempDir dir;
  write_text(dir / "s.yaml",
             edited(kRecommendScenario,
                    {{"  work: 200h\n", "  work: 200h\n  step: 10s\n"},
                     {"recovery: {detect: 5min,", "recovery: {strategy: hot_spare, detect: 5min,"},
                     {"load: 5min}",
                      "load: 5min, checkpointless: {replicas: 2, state_gb: 6.3, p2p_gbps: 400}, "
                      "queue: {model: lognormal, median: 20min, p90: 2h}, elastic: "
                      "{dp_group_nodes: 4, reconfigure: 5min}}"}}));
  const std::vector<std::string> values = {"hot_spare", "checkpointless", "requeue", "elastic"};
  const RunResult r =
      run_goodsim({"recommend", "s.yaml", "--vary",
                   "recovery.strategy=hot_spare,checkpointless,requeue,elastic", "-q"},
                  dir.path());
  ASSERT_EQ(r.exit_code, 0) << r;
  const auto refs = simulate(dir / "s.yaml", "recovery.strategy", values);
  EXPECT_EQ(recommended_value(r.out), values[cheapest(refs, all_indices(refs.size()))]) << r;
  const auto rows = candidate_rows(r.out);
  ASSERT_EQ(rows.size(), values.size()) << r;
  for (std::size_t i = 0; i < rows.size(); ++i) EXPECT_EQ(rows[i].value, values[i]);
  EXPECT_TRUE(std::regex_search(r.out, std::regex("\n +requeue +- +- +- +- +- +-\n"))) << r;
  EXPECT_TRUE(std::regex_search(r.out, std::regex("\n +hot_spare +0\\.[0-9]+ +0\\.[0-9]+ "))) << r;
}

// ---------------------------------------------------------------------------------------------
// Bad input: exit 2, a clear message, nothing on stdout, nothing written.

struct BadRecommend {
  const char* name;
  std::vector<std::string> args;  // after "recommend s.yaml"
  const char* message;
};

void PrintTo(const BadRecommend& c, std::ostream* os) {
  *os << c.name;
}

class BadRecommendTest : public ::testing::TestWithParam<BadRecommend> {};

TEST_P(BadRecommendTest, ExitsTwoAndWritesNothing) {
  const BadRecommend& c = GetParam();
  TempDir dir;
  write_text(dir / "s.yaml", kRecommendScenario);
  write_text(dir / "unpriced.yaml",
             std::regex_replace(std::string(kRecommendScenario), std::regex("cost: [^\n]*\n"), ""));
  const std::set<std::string> before = list_dir(dir.path());
  std::vector<std::string> args = {"recommend"};
  args.insert(args.end(), c.args.begin(), c.args.end());
  const RunResult r = run_goodsim(args, dir.path());
  EXPECT_EQ(r.exit_code, 2) << r;
  EXPECT_EQ(r.out, "") << r;
  EXPECT_TRUE(HasSubstr(r.err, c.message));
  EXPECT_EQ(list_dir(dir.path()), before);
}

const BadRecommend kBadRecommends[] = {
    {"ReversedRange",
     {"s.yaml", "--vary", "cluster.spares=64..0"},
     "reversed range '64..0': write the smaller value first (0..64)"},
    {"EmptyValues", {"s.yaml", "--vary", "cluster.spares="}, "no values after 'cluster.spares='"},
    {"EmptyRangeEnd", {"s.yaml", "--vary", "cluster.spares=0.."}, "empty range end"},
    {"SingleCandidate", {"s.yaml", "--vary", "cluster.spares=4..4"}, "gives one candidate"},
    {"ZeroStep", {"s.yaml", "--vary", "cluster.spares=0..8:0"}, "must be > 0"},
    {"NoEquals", {"s.yaml", "--vary", "cluster.spares"}, "expected KEY=VALUES"},
    {"UnknownKey",
     {"s.yaml", "--vary", "cluster.sparez=0..4"},
     "the scenario has no key 'cluster.sparez'"},
    {"NameKey", {"s.yaml", "--vary", "name=a,b"}, "'name' only labels the scenario"},
    {"MapKey", {"s.yaml", "--vary", "cluster.failure=1,2"}, "is a map, not a single value"},
    {"DuplicateNames",
     {"s.yaml", "--set", "recovery.strategy=hot_spare", "--vary",
      "recovery.strategy=requeue,requeue"},
     "'requeue' and 'requeue' are the same value"},
    {"UnknownStrategy",
     {"s.yaml", "--set", "recovery.strategy=hot_spare", "--vary",
      "recovery.strategy=hot_spare,teleport"},
     "--vary recovery.strategy=teleport: key 'recovery.strategy': unknown recovery strategy "
     "'teleport'"},
    {"NameForANumericKey",
     {"s.yaml", "--vary", "checkpoint.interval=1h,auto2"},
     "'auto2' is neither a number"},
    {"NotANumber", {"s.yaml", "--vary", "cluster.spares=0,four"}, "'four' is neither a number"},
    {"MixedKinds", {"s.yaml", "--vary", "checkpoint.interval=5,10min"}, "mix plain numbers"},
    {"DurationRangeWithoutStep",
     {"s.yaml", "--vary", "checkpoint.interval=10min..1h"},
     "a range of durations needs a step"},
    {"DuplicateValues", {"s.yaml", "--vary", "checkpoint.interval=1h,60min"}, "are the same value"},
    {"EmptyListItem", {"s.yaml", "--vary", "cluster.spares=0,,4"}, "empty value in the list"},
    {"TooManyCandidates", {"s.yaml", "--vary", "cluster.spares=0..5000"}, "at most 1000"},
    {"CandidateRejectedByTheScenario",
     {"s.yaml", "--vary", "cluster.spares=-2,2"},
     "goodsim: error: --vary cluster.spares=-2: key 'cluster.spares': expected an integer >= 0"},
    {"FractionalSpares",
     {"s.yaml", "--vary", "cluster.spares=0..2:0.5"},
     "--vary cluster.spares=0.5: key 'cluster.spares': expected an integer"},
    {"UnpricedScenario",
     {"unpriced.yaml", "--vary", "cluster.spares=0..2"},
     "set cost.node_hour_usd"},
    {"MissingVary", {"s.yaml"}, "missing --vary"},
    {"MissingScenario", {"--vary", "cluster.spares=0..2"}, "missing SCENARIO"},
    {"BothObjectives",
     {"s.yaml", "--vary", "cluster.spares=0..2", "--min-cost", "--deadline-p95", "300h"},
     "either --min-cost or --deadline-p95"},
    {"DeadlineWithoutUnit",
     {"s.yaml", "--vary", "cluster.spares=0..2", "--deadline-p95", "300"},
     "--deadline-p95: expected a duration with a unit"},
    {"OneReplication",
     {"s.yaml", "--vary", "cluster.spares=0..2", "--reps", "1"},
     "--reps must be >= 2"},
    {"BadSet",
     {"s.yaml", "--vary", "cluster.spares=0..2", "--set", "cluster.nodes=0"},
     "key 'cluster.nodes': expected an integer >= 1"},
    {"MissingScenarioFile", {"nope.yaml", "--vary", "cluster.spares=0..2"}, "cannot open file"},
};

INSTANTIATE_TEST_SUITE_P(Recommend, BadRecommendTest, ::testing::ValuesIn(kBadRecommends),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(RecommendHelp, ListsTheOptionsAndItsExampleWorks) {
  TempDir dir;
  const RunResult top = run_goodsim({"--help"}, dir.path());
  EXPECT_TRUE(HasSubstr(top.out, "recommend SCENARIO --vary KEY=VALUES"));
  EXPECT_TRUE(HasSubstr(top.out, "4 recommend: no candidate meets the deadline"));

  const RunResult r = run_goodsim({"recommend", "--help"}, dir.path());
  ASSERT_EQ(r.exit_code, 0) << r;
  for (const char* option : {"--vary", "--min-cost", "--deadline-p95", "--reps", "--seed",
                             "--threads", "--set", "--quiet", "common random numbers"}) {
    EXPECT_TRUE(HasSubstr(r.out, option));
  }
  std::smatch m;
  ASSERT_TRUE(
      std::regex_search(r.out, m, std::regex(R"(examples:\n +goodsim (recommend [^\n]+)\n)")))
      << r;
  std::vector<std::string> args;
  std::istringstream words(m[1].str());
  for (std::string w; words >> w;) {
    args.push_back(w.rfind("scenarios/", 0) == 0 ? std::string(GOODSIM_SOURCE_DIR) + "/" + w : w);
  }
  args.push_back("-q");
  const RunResult example = run_goodsim(args, dir.path());
  EXPECT_EQ(example.exit_code, 0) << example;
  EXPECT_TRUE(HasSubstr(example.out, "\nrecommend  cluster.spares = "));
  EXPECT_TRUE(list_dir(dir.path()).empty());
}

}  // namespace
}  // namespace goodsim::test
