// Meta's ETTR closed form and `goodsim validate`: every published case passes (or is an
// explained finding), and the figures do not depend on the thread count.

#include <gtest/gtest.h>

#include <cmath>

#include "models/meta_ettr.h"
#include "models/scenario_loader.h"
#include "models/slow/slow_nodes.h"
#include "models/validation.h"
#include "sim/config.h"

namespace goodsim::models {
namespace {

TEST(MetaEttr, ReproducesTheDerivedFiguresForTwoThousandNodes) {
  // Shared facts, section 2: w = 0, u0 = 5 min, 2,000 nodes, r_f = 6.5 / 1000 node-days.
  const double rf = 6.5e-3 / 24.0;
  EXPECT_NEAR(meta::expected_ettr({2000, rf, 5.0 / 60, 1.0, 0.0}), 0.684, 0.0005);
  EXPECT_NEAR(meta::expected_ettr({2000, rf, 5.0 / 60, 5.0 / 60, 0.0}), 0.932, 0.0005);
}

TEST(MetaEttr, BlockingWritesDivideTheEttrAndTheOptimumIsSqrtTwoWOverLambda) {
  const meta::EttrInputs in{1000, 5e-3 / 24.0, 0.1, 1.0, 0.05};
  EXPECT_NEAR(meta::expected_ettr(in), (1 - 1000 * 5e-3 / 24.0 * 0.6) / 1.05, 1e-12);
  EXPECT_NEAR(meta::optimal_interval(in), std::sqrt(2 * 0.05 / (1000 * 5e-3 / 24.0)), 1e-12);
}

TEST(MetaEttr, StatedRangeExcludesShortJobMtbf) {
  EXPECT_TRUE(meta::within_stated_range({2000, 5e-3 / 24.0, 5.0 / 60, 1.0, 0.0}));
  EXPECT_FALSE(meta::within_stated_range({4000, 5e-3 / 24.0, 5.0 / 60, 1.0, 0.0}));
  EXPECT_FALSE(meta::within_stated_range({1000, 5e-3 / 24.0, 40.0 / 60, 1.0, 0.0}));
}

TEST(Validation, EveryCasePassesOrIsAnExplainedFinding) {
  const auto rows = run_validation(0);
  ASSERT_GE(rows.size(), 12u);
  for (const auto& r : rows) {
    EXPECT_NE(r.verdict, Verdict::kFail) << r.source << ": " << r.name << ": " << r.goodsim;
    if (r.verdict == Verdict::kFinding) {
      EXPECT_FALSE(r.note.empty()) << r.name;
    }
  }
}

TEST(Validation, StragglersRowSimulatesTheShippedPreset) {
  // The validation keeps its own copy of configs/slow/published-stragglers.yaml: both must
  // read to the same slow-node model.
  const std::string preset = GOODSIM_SOURCE_DIR "/configs/slow/published-stragglers.yaml";
  const sim::ConfigNode root = sim::load_config_file(preset);
  ASSERT_NE(root.find("cluster"), nullptr);
  ASSERT_NE(root.find("cluster")->find("slow"), nullptr);
  const SlowSpec shipped = read_slow(*root.find("cluster")->find("slow"));
  const Scenario copy = scenario_from_yaml(
      "cluster:\n  nodes: 8\n  failure: {node_mtbf: 1h}\n  repair: {mean: 1h}\n" +
          std::string(published_stragglers_yaml()) + "job: {work: 1h}\n",
      "copy.yaml");
  EXPECT_EQ(describe_slow(shipped), describe_slow(*copy.cluster.slow));
  EXPECT_EQ(shipped.node_mtbs_h, copy.cluster.slow->node_mtbs_h);
}

TEST(Validation, FiguresDoNotDependOnThreads) {
  const auto one = run_validation(1);
  const auto two = run_validation(2);
  ASSERT_EQ(one.size(), two.size());
  for (std::size_t i = 0; i < one.size(); ++i) EXPECT_EQ(one[i].goodsim, two[i].goodsim);
}

}  // namespace
}  // namespace goodsim::models
