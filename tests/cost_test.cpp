// Cost model (models/cost.h): exact arithmetic, the run report and the HDF5 cost_usd dataset,
// and bad `cost:` blocks rejected with file:line (exit 2, nothing written).

#include "models/cost.h"

#include <gtest/gtest.h>

#include <cmath>
#include <set>
#include <string>
#include <vector>

#include "models/monte_carlo.h"
#include "models/scenario_loader.h"
#include "sim/config.h"
#include "sim/hdf5.h"
#include "tests/test_support.h"

namespace goodsim::test {
namespace {

// 4 slots x 8 GPUs, 2 spares. The failure rate is so low that no replication sees a failure
// (P < 1e-8), so the wall time is exactly the work and the cost is known to the cent.
constexpr const char* kPriced = R"(name: cost-test
cluster:
  nodes: 4
  gpus_per_node: 8
  spares: 2
  failure: {model: exponential, node_mtbf: 1e12h}
  repair: {model: exponential, mean: 24h}
job:
  work: 100h
cost:
  node_hour_usd: 90
  spare_hour_usd: 40
  repair_usd: 1000
montecarlo: {replications: 5, seed: 1}
)";

models::Scenario scenario_from(const std::string& yaml) {
  return models::scenario_from_config(sim::parse_config(yaml, "cost.yaml"), "cost.yaml");
}

std::string replace_once(std::string text, const std::string& from, const std::string& to) {
  const std::size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
}

TEST(Cost, OneReplicationExactly) {
  const models::Scenario s = scenario_from(kPriced);
  models::ReplicationResult r;
  r.wall_h = 1200.0;
  r.repairs = 3;
  const models::CostBreakdown c = models::replication_cost(s, r);
  EXPECT_DOUBLE_EQ(c.slots_usd, 90.0 * 4 * 1200.0);   // 432,000
  EXPECT_DOUBLE_EQ(c.spares_usd, 40.0 * 2 * 1200.0);  // 96,000
  EXPECT_DOUBLE_EQ(c.repairs_usd, 3000.0);
  EXPECT_DOUBLE_EQ(c.total(), 531000.0);
  EXPECT_DOUBLE_EQ(models::replication_cost_usd(s, r), 531000.0);
  // Productive GPU-hours: work x nodes x GPUs per node = 100 x 4 x 8.
  EXPECT_DOUBLE_EQ(models::productive_gpu_hours(s), 3200.0);
  EXPECT_DOUBLE_EQ(models::usd_per_productive_gpu_hour(s, r), 531000.0 / 3200.0);
}

TEST(Cost, SparesDefaultToTheNodePriceAndRepairsToZero) {
  const models::Scenario s =
      scenario_from(replace_once(kPriced, "  spare_hour_usd: 40\n  repair_usd: 1000\n", ""));
  EXPECT_FALSE(s.cost.spare_hour_usd.has_value());
  EXPECT_DOUBLE_EQ(models::spare_hour_usd(s), 90.0);
  models::ReplicationResult r;
  r.wall_h = 1200.0;
  r.repairs = 7;
  // The seed article: one spare for 1,200 h at $90 is $108,000.
  EXPECT_DOUBLE_EQ(models::replication_cost(s, r).spares_usd, 2 * 108000.0);
  EXPECT_DOUBLE_EQ(models::replication_cost(s, r).repairs_usd, 0.0);
  // Free spares are allowed (spare_hour_usd: 0).
  const models::Scenario free_spares =
      scenario_from(replace_once(kPriced, "spare_hour_usd: 40", "spare_hour_usd: 0"));
  EXPECT_DOUBLE_EQ(models::replication_cost(free_spares, r).spares_usd, 0.0);
}

TEST(Cost, UnpricedScenarioHasNoCost) {
  const models::Scenario s = scenario_from(replace_once(
      kPriced, "cost:\n  node_hour_usd: 90\n  spare_hour_usd: 40\n  repair_usd: 1000\n", ""));
  EXPECT_FALSE(models::priced(s));
  EXPECT_THROW(models::replication_cost(s, models::ReplicationResult{}), std::logic_error);
  std::vector<models::ReplicationResult> reps(3);
  for (auto& r : reps) r.wall_h = r.goodput = 1.0;
  const models::RunSummary sum = models::summarize(s, reps);
  EXPECT_FALSE(sum.cost_usd.has_value());
  EXPECT_FALSE(sum.cost_mean.has_value());
}

TEST(Cost, SummaryHoldsTheMeansOfEachPart) {
  const models::Scenario s = scenario_from(kPriced);
  std::vector<models::ReplicationResult> reps(2);
  reps[0].wall_h = 100.0;
  reps[0].repairs = 1;
  reps[1].wall_h = 300.0;
  reps[1].repairs = 5;
  const models::RunSummary sum = models::summarize(s, reps);
  ASSERT_TRUE(sum.cost_mean.has_value());
  EXPECT_DOUBLE_EQ(sum.cost_mean->slots_usd, 90.0 * 4 * 200.0);
  EXPECT_DOUBLE_EQ(sum.cost_mean->spares_usd, 40.0 * 2 * 200.0);
  EXPECT_DOUBLE_EQ(sum.cost_mean->repairs_usd, 3000.0);
  EXPECT_DOUBLE_EQ(sum.cost_usd->mean, sum.cost_mean->total());
  EXPECT_DOUBLE_EQ(*sum.usd_per_productive_gpu_hour, sum.cost_mean->total() / 3200.0);
}

TEST(CostCli, ReportAndResultsFileHoldTheExactCost) {
  TempDir dir;
  write_text(dir / "s.yaml", kPriced);
  const RunResult r = run_goodsim({"run", "s.yaml", "-o", "out.h5", "-q"}, dir.path());
  ASSERT_EQ(r.exit_code, 0) << r;
  // 90 x 4 x 100 + 40 x 2 x 100 = 44,000, no failures; 44,000 / 3,200 GPU-h = 13.75.
  EXPECT_TRUE(HasSubstr(
      r.out, "cost           $44,000 +/- $0   P95 $44,000   $13.75 per productive GPU-hour"));
  EXPECT_TRUE(HasSubstr(r.out, "mean: slots $36,000 + 2 spares $8,000 + repairs $0"));
  EXPECT_TRUE(
      HasSubstr(r.out, "one spare costs $4,000 over the mean wall time ($40.00/node-h x 100.0 h)"));
  const auto point =
      sim::h5::File::open_read((dir / "out.h5").string()).root().open_group("points/000000");
  const std::vector<double> cost = point.read_doubles("cost_usd");
  ASSERT_EQ(cost.size(), 5u);
  for (double c : cost) EXPECT_DOUBLE_EQ(c, 44000.0);
}

// With failures: every replication's cost_usd is slots + spares over its own wall time plus
// repair_usd per node sent to repair (without a taxonomy, one per interruption).
TEST(CostCli, ResultsFileCostIncludesRepairs) {
  TempDir dir;
  write_text(dir / "s.yaml", replace_once(kPriced, "node_mtbf: 1e12h", "node_mtbf: 100h"));
  const RunResult r =
      run_goodsim({"run", "s.yaml", "-o", "out.h5", "-q", "--reps", "20"}, dir.path());
  ASSERT_EQ(r.exit_code, 0) << r;
  EXPECT_TRUE(HasSubstr(r.out, " + repairs $"));
  const auto point =
      sim::h5::File::open_read((dir / "out.h5").string()).root().open_group("points/000000");
  const std::vector<double> cost = point.read_doubles("cost_usd");
  const std::vector<double> wall = point.read_doubles("wall_h");
  const std::vector<std::int64_t> interruptions = point.read_int64s("interruptions");
  ASSERT_EQ(cost.size(), 20u);
  std::int64_t total_interruptions = 0;
  for (std::size_t i = 0; i < cost.size(); ++i) {
    const double expected =
        (90.0 * 4 + 40.0 * 2) * wall[i] + 1000.0 * static_cast<double>(interruptions[i]);
    EXPECT_NEAR(cost[i], expected, 1e-9 * expected) << i;
    total_interruptions += interruptions[i];
  }
  EXPECT_GT(total_interruptions, 0);
}

// ---------------------------------------------------------------------------------------------
// Bad cost blocks: exit 2, file:line of the offending value, the key, and nothing written.

struct BadCost {
  const char* name;
  const char* from;
  const char* to;
  int line;  // 1-based line of the error in the changed text
  const char* key;
  const char* message;
};

void PrintTo(const BadCost& c, std::ostream* os) {
  *os << c.name;
}

class BadCostTest : public ::testing::TestWithParam<BadCost> {};

TEST_P(BadCostTest, ExitsTwoWithFileLineAndWritesNothing) {
  const BadCost& c = GetParam();
  TempDir dir;
  write_text(dir / "s.yaml", replace_once(kPriced, c.from, c.to));
  const std::set<std::string> before = list_dir(dir.path());
  const RunResult r = run_goodsim({"run", "s.yaml", "-o", "out.h5", "-q"}, dir.path());
  EXPECT_EQ(r.exit_code, 2) << r;
  EXPECT_EQ(r.out, "") << r;
  EXPECT_EQ(list_dir(dir.path()), before) << r;
  const std::string prefix = "goodsim: error: s.yaml:" + std::to_string(c.line) + ":";
  EXPECT_EQ(r.err.rfind(prefix, 0), 0u) << "expected the prefix " << prefix << "\n" << r;
  EXPECT_TRUE(HasSubstr(r.err, "key '" + std::string(c.key) + "': "));
  EXPECT_TRUE(HasSubstr(r.err, c.message));
}

// kPriced: line 11 is node_hour_usd, 12 spare_hour_usd, 13 repair_usd.
const BadCost kBadCosts[] = {
    {"NegativeNodePrice", "node_hour_usd: 90", "node_hour_usd: -90", 11, "cost.node_hour_usd",
     "expected a number > 0, got '-90'"},
    {"ZeroNodePrice", "node_hour_usd: 90", "node_hour_usd: 0", 11, "cost.node_hour_usd",
     "expected a number > 0, got '0'"},
    {"NegativeSparePrice", "spare_hour_usd: 40", "spare_hour_usd: -1", 12, "cost.spare_hour_usd",
     "expected a number >= 0, got '-1'"},
    {"NegativeRepairPrice", "repair_usd: 1000", "repair_usd: -5", 13, "cost.repair_usd",
     "expected a number >= 0, got '-5'"},
    {"SparePriceNotANumber", "spare_hour_usd: 40", "spare_hour_usd: cheap", 12,
     "cost.spare_hour_usd", "expected a real number, got 'cheap'"},
    {"RepairPriceAList", "repair_usd: 1000", "repair_usd: [1, 2]", 13, "cost.repair_usd",
     "expected a real number, got a sequence"},
    {"NodePriceWithDollarSign", "node_hour_usd: 90", "node_hour_usd: $90", 11, "cost.node_hour_usd",
     "expected a real number, got '$90'"},
    {"UnknownKey", "repair_usd: 1000", "repair_usd: 1000\n  spare_usd: 5", 14, "cost",
     "unknown key 'spare_usd'; expected one of: node_hour_usd, spare_hour_usd, repair_usd"},
    {"SparePriceWithoutNodePrice", "  node_hour_usd: 90\n", "", 11, "cost.spare_hour_usd",
     "needs cost.node_hour_usd"},
};

INSTANTIATE_TEST_SUITE_P(Cost, BadCostTest, ::testing::ValuesIn(kBadCosts),
                         [](const auto& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace goodsim::test
