// Sequential selection of the smallest expected value (models/selection.h, Kim & Nelson's
// fully sequential procedure on paired replications): on cases whose answer is known in closed
// form (Daly's expected wall time for three checkpoint intervals) it picks the true best at
// least at the nominal rate, and its outcome does not depend on the thread count.

#include "models/selection.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "models/daly.h"
#include "tests/daly_scenario.h"

namespace goodsim::models {
namespace {

constexpr double kMin = 1.0 / 60.0;
constexpr double kMtbf = 6.0;

Scenario daly_candidate(double interval_h) {
  return daly_scenario(16, kMtbf, 50.0, interval_h);
}

double exact_wall_h(const Scenario& s) {
  return daly::expected_wall_time_discrete(s.job.work_h, kMtbf, s.checkpoint.interval_h,
                                           s.checkpoint.write_h,
                                           s.recovery.restart_h + s.recovery.load_h);
}

double wall(const Scenario&, const ReplicationResult& r) {
  return r.wall_h;
}

struct KnownCase {
  std::vector<Scenario> candidates;
  std::size_t best = 0;
  double gap = 0.0;  // the second smallest expected wall time minus the smallest
};

// Intervals around Daly's optimum: the optimum is the best, by `gap` hours.
KnownCase known_case() {
  KnownCase c;
  const double tau = daly::exact_optimal_interval(kMtbf, 5 * kMin);
  for (const double f : {0.88, 1.0, 1.14}) c.candidates.push_back(daly_candidate(f * tau));
  std::vector<double> exact;
  for (const Scenario& s : c.candidates) exact.push_back(exact_wall_h(s));
  c.best = static_cast<std::size_t>(std::min_element(exact.begin(), exact.end()) - exact.begin());
  std::vector<double> sorted = exact;
  std::sort(sorted.begin(), sorted.end());
  c.gap = sorted[1] - sorted[0];
  return c;
}

TEST(Selection, PicksTheTrueBestAtLeastAtTheNominalRate) {
  const KnownCase c = known_case();
  ASSERT_EQ(c.best, 1u);
  SelectionOptions o;
  o.confidence = 0.95;
  o.indifference = c.gap;  // the best is better than every other by at least delta
  o.threads = 0;
  constexpr int kSeeds = 200;
  int correct = 0;
  std::int64_t replications = 0;
  for (int seed = 1; seed <= kSeeds; ++seed) {
    o.seed = static_cast<std::uint64_t>(seed);
    const SelectionResult r = select_smallest(c.candidates, wall, o);
    correct += r.best == c.best ? 1 : 0;
    for (const CandidateOutcome& k : r.candidates) {
      replications += static_cast<std::int64_t>(k.values.size());
    }
  }
  const double rate = static_cast<double>(correct) / kSeeds;
  std::printf("correct selection %d/%d = %.2f (gap %.4f h), %.0f replications per selection\n",
              correct, kSeeds, rate, c.gap, static_cast<double>(replications) / kSeeds);
  // One-sided, 2.33 binomial standard errors (0.015 at 0.95, 200 seeds) below the nominal rate.
  EXPECT_GE(rate, 0.95 - 2.33 * std::sqrt(0.95 * 0.05 / kSeeds));
}

TEST(Selection, DropsClearlyWorseCandidatesEarlyAndIsTheSameOnOneOrTwoThreads) {
  const KnownCase c = known_case();
  SelectionOptions o;
  o.indifference = c.gap;
  o.seed = 7;
  o.threads = 1;
  const SelectionResult one = select_smallest(c.candidates, wall, o);
  o.threads = 2;
  const SelectionResult two = select_smallest(c.candidates, wall, o);
  ASSERT_EQ(one.best, two.best);
  for (std::size_t i = 0; i < one.candidates.size(); ++i) {
    EXPECT_EQ(one.candidates[i].values, two.candidates[i].values) << i;
    EXPECT_EQ(one.candidates[i].eliminated_at, two.candidates[i].eliminated_at) << i;
  }
  EXPECT_TRUE(one.separated);
  // Every elimination happens after whole blocks, at or after the first stage.
  for (const CandidateOutcome& k : one.candidates) {
    if (!k.eliminated) continue;
    EXPECT_GE(k.eliminated_at, o.first_stage);
    EXPECT_EQ(k.eliminated_at % 256, 0);
    EXPECT_EQ(static_cast<std::int64_t>(k.values.size()), k.eliminated_at);
  }
}

TEST(Selection, StopsAtTheCapWithSeveralLeft) {
  // Two identical candidates but for a negligible difference: nothing separates them.
  const double tau = daly::exact_optimal_interval(kMtbf, 5 * kMin);
  const std::vector<Scenario> candidates{daly_candidate(tau), daly_candidate(tau * 1.0001)};
  SelectionOptions o;
  o.indifference = 1e-6;
  o.max_replications = 1024;
  o.seed = 3;
  const SelectionResult r = select_smallest(candidates, wall, o);
  EXPECT_FALSE(r.separated);
  EXPECT_EQ(r.candidates[0].values.size(), 1024u);
}

TEST(Selection, RejectsWhatCannotBeRun) {
  const std::vector<Scenario> two{daly_candidate(1.0), daly_candidate(2.0)};
  SelectionOptions o;
  EXPECT_THROW(select_smallest(two, wall, o), std::invalid_argument);  // no indifference zone
  o.indifference = 1.0;
  EXPECT_THROW(select_smallest({daly_candidate(1.0)}, wall, o), std::invalid_argument);
  o.confidence = 1.0;
  EXPECT_THROW(select_smallest(two, wall, o), std::invalid_argument);
}

}  // namespace
}  // namespace goodsim::models
