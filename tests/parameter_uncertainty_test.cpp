// Parameter uncertainty: a node MTBF given as a distribution is drawn once per replication,
// from a stream of its own, so the goodput bands include what is not known about the MTBF.

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "models/monte_carlo.h"
#include "models/scenario_loader.h"
#include "sim/error.h"
#include "sim/statistics.h"
#include "tests/test_support.h"

namespace goodsim::models {
namespace {

std::string scenario(const std::string& node_mtbf, const std::string& model = "exponential") {
  const std::string shape = model == "weibull" ? ", shape: 0.8" : "";
  return "name: uncertain\n"
         "cluster:\n"
         "  nodes: 64\n"
         "  spares: 1000\n"
         "  failure: {model: " +
         model + shape + ", node_mtbf: " + node_mtbf +
         "}\n"
         "  repair: {model: exponential, mean: 24h}\n"
         "job: {work: 1000h}\n"
         "checkpoint: {interval: 1h, write: 1min}\n"
         "recovery: {detect: 5min, restart: 10min}\n";
}

std::vector<ReplicationResult> run(const std::string& yaml, std::int64_t reps = 400) {
  const Scenario s = scenario_from_yaml(yaml, "uncertain.yaml");
  return run_replications(s, RunOptions{reps, 7, 1, {}});
}

double variance_over_mean(const std::vector<ReplicationResult>& results) {
  std::vector<double> n;
  for (const auto& r : results) n.push_back(static_cast<double>(r.interruptions));
  const sim::SampleSummary s = sim::summarize(n);
  return s.stddev * s.stddev / s.mean;
}

TEST(ParameterUncertainty, AFixedDistributionGivesExactlyTheKnownMtbfsResults) {
  for (const char* model : {"exponential", "weibull"}) {
    const auto known = run(scenario("2000h", model), 50);
    const auto fixed = run(scenario("{model: fixed, mean: 2000h}", model), 50);
    ASSERT_EQ(known.size(), fixed.size());
    for (std::size_t i = 0; i < known.size(); ++i) {
      EXPECT_EQ(known[i].wall_h, fixed[i].wall_h) << model << " replication " << i;
      EXPECT_EQ(known[i].interruptions, fixed[i].interruptions);
    }
  }
}

TEST(ParameterUncertainty, TheLoaderKeepsTheMeanAndTheDistribution) {
  const Scenario s =
      scenario_from_yaml(scenario("{model: uniform, min: 1000h, max: 3000h}"), "u.yaml");
  EXPECT_DOUBLE_EQ(s.cluster.failure.node_mtbf_h, 2000.0);
  ASSERT_TRUE(s.cluster.failure.node_mtbf_uncertainty);
}

// A known MTBF gives Poisson-like interruption counts (variance / mean near 1); a drawn one
// mixes Poisson counts of different means, so they are overdispersed and goodput spreads.
TEST(ParameterUncertainty, ADrawnMtbfWidensTheBands) {
  const auto known = run(scenario("2000h"));
  const auto drawn = run(scenario("{model: uniform, min: 1000h, max: 3000h}"));
  EXPECT_LT(variance_over_mean(known), 1.3);
  EXPECT_GT(variance_over_mean(drawn), 2.5);  // about 5: 1 + Var(mean count) / mean count
  const auto spread = [](const std::vector<ReplicationResult>& results) {
    std::vector<double> g;
    for (const auto& r : results) g.push_back(r.goodput);
    const sim::SampleSummary s = sim::summarize(g);
    return s.p95 - s.p5;
  };
  EXPECT_GT(spread(drawn), 1.3 * spread(known));
}

TEST(ParameterUncertainty, ABadDistributionIsRefusedAtItsLine) {
  const std::string yaml = scenario("{model: uniform, min: 3000h, max: 1000h}");
  try {
    scenario_from_yaml(yaml, "u.yaml");
    FAIL() << "accepted";
  } catch (const sim::InputError& e) {
    EXPECT_EQ(e.where().line, 5);
    EXPECT_EQ(e.key(), "cluster.failure.node_mtbf.max");
    EXPECT_TRUE(test::HasSubstr(e.message(), "expected a duration > min"));
  }
}

}  // namespace
}  // namespace goodsim::models
