// Failure models: Weibull clocks follow their distribution, whether a node was there from
// the start (lazy cohort) or entered a slot later, and shape 1 reproduces the exponential.

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "models/failure/failure_clock.h"
#include "models/failure/trace_cache.h"
#include "models/monte_carlo.h"
#include "models/repair/repair_distribution.h"
#include "models/scenario_loader.h"

namespace goodsim::models {
namespace {

FailureSpec weibull(double mtbf, double shape) {
  FailureSpec f;
  f.model = "weibull";
  f.node_mtbf_h = mtbf;
  f.weibull_shape = shape;
  return f;
}

double weibull_cdf(double t, double mtbf, double shape) {
  const double scale = mtbf / std::tgamma(1.0 + 1.0 / shape);
  return 1.0 - std::exp(-std::pow(t / scale, shape));
}

// One-sample Kolmogorov-Smirnov statistic against a CDF.
template <typename Cdf>
double ks_statistic(std::vector<double> xs, Cdf cdf) {
  std::sort(xs.begin(), xs.end());
  double d = 0;
  const double n = static_cast<double>(xs.size());
  for (std::size_t i = 0; i < xs.size(); ++i) {
    const double f = cdf(xs[i]);
    d = std::max({d, f - static_cast<double>(i) / n, static_cast<double>(i + 1) / n - f});
  }
  return d;
}

constexpr double kKs001 = 1.95;  // KS critical constant at alpha = 0.001

TEST(WeibullClock, CohortFailureTimesAreIidWeibull) {
  // All 5000 nodes present at t = 0 fail in increasing order; together they are a sample of
  // 5000 independent Weibull lifetimes.
  sim::RandomStream rng(1, 0, sim::StreamPurpose::kFailures);
  const auto clock = make_failure_clock(weibull(100.0, 0.7), 5000, rng);
  std::vector<double> times;
  double last = 0;
  for (int i = 0; i < 5000; ++i) {
    const double t = clock->next_failure();
    ASSERT_GE(t, last);
    last = t;
    times.push_back(t);
    clock->take_failure();
  }
  EXPECT_TRUE(std::isinf(clock->next_failure()));
  EXPECT_LT(ks_statistic(times, [](double t) { return weibull_cdf(t, 100.0, 0.7); }),
            kKs001 / std::sqrt(5000.0));
}

TEST(WeibullClock, ManyReplacementNodesFailInTimeOrderEachOnce) {
  // 5000 nodes entering together are 5000 independent Weibull lifetimes from their entry;
  // the clock reports their failures in increasing time order.
  sim::RandomStream rng(3, 0, sim::StreamPurpose::kFailures);
  const auto clock = make_failure_clock(weibull(100.0, 0.7), 1, rng);
  clock->take_failure();  // the only original node fails
  clock->nodes_entered(10.0, 5000);
  std::vector<double> lifetimes;
  double last = 10.0;
  for (int i = 0; i < 5000; ++i) {
    const double t = clock->next_failure();
    ASSERT_GE(t, last);
    last = t;
    lifetimes.push_back(t - 10.0);
    clock->take_failure();
  }
  EXPECT_TRUE(std::isinf(clock->next_failure()));
  EXPECT_LT(ks_statistic(lifetimes, [](double x) { return weibull_cdf(x, 100.0, 0.7); }),
            kKs001 / std::sqrt(5000.0));
}

TEST(WeibullClock, NodesEnteringBetweenFailuresEachFailOnceInTimeOrder) {
  // Cohort and replacement failures interleave; nodes enter at the last failure's time, as
  // the replication lets them. Every node that was ever in a slot fails exactly once.
  sim::RandomStream rng(4, 0, sim::StreamPurpose::kFailures);
  const auto clock = make_failure_clock(weibull(100.0, 0.7), 1000, rng);
  std::int64_t nodes = 1000;
  double last = 0.0;
  for (int i = 0; i < 4000; ++i) {
    const std::int64_t entering = i % 3 == 0 ? 1 + i % 5 : 0;
    clock->nodes_entered(last, entering);
    nodes += entering;
    const double t = clock->next_failure();
    ASSERT_GE(t, last);
    last = t;
    clock->take_failure();
    --nodes;
  }
  for (; nodes > 0; --nodes) {
    const double t = clock->next_failure();
    ASSERT_GE(t, last);
    last = t;
    clock->take_failure();
  }
  EXPECT_TRUE(std::isinf(clock->next_failure()));
}

TEST(WeibullClock, ReplacementNodesStartNewAtTheirEntryTime) {
  sim::RandomStream rng(2, 0, sim::StreamPurpose::kFailures);
  const auto clock = make_failure_clock(weibull(100.0, 1.5), 1, rng);
  clock->take_failure();  // the only original node fails
  std::vector<double> lifetimes;
  double t = 1000.0;
  for (int i = 0; i < 4000; ++i) {
    clock->nodes_entered(t, 1);
    const double failure = clock->next_failure();
    lifetimes.push_back(failure - t);
    clock->take_failure();
    t = failure + 1.0;
  }
  EXPECT_LT(ks_statistic(lifetimes, [](double x) { return weibull_cdf(x, 100.0, 1.5); }),
            kKs001 / std::sqrt(4000.0));
}

TEST(WeibullFailures, ShapeOneReproducesTheExponentialModel) {
  // Two-sample KS on wall times: same scenario, exponential vs Weibull(shape 1).
  Scenario s = load_scenario(GOODSIM_SOURCE_DIR "/scenarios/llama3-16k.yaml");
  const auto expo = run_replications(s, RunOptions{3000, 21, 0, {}});
  s.cluster.failure = weibull(s.cluster.failure.node_mtbf_h, 1.0);
  const auto weib = run_replications(s, RunOptions{3000, 22, 0, {}});
  std::vector<double> a, b;
  for (const auto& r : expo) a.push_back(r.wall_h);
  for (const auto& r : weib) b.push_back(r.wall_h);
  std::sort(a.begin(), a.end());
  std::sort(b.begin(), b.end());
  double d = 0;
  std::size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    if (a[i] <= b[j])
      ++i;
    else
      ++j;
    d = std::max(d,
                 std::abs(static_cast<double>(i) / a.size() - static_cast<double>(j) / b.size()));
  }
  EXPECT_LT(d, kKs001 * std::sqrt(2.0 / 3000.0)) << "KS distance " << d;
}

TEST(WeibullFailures, DecreasingHazardFailsMoreOftenEarlyInANodesLife) {
  // Same mean lifetime: shape 0.5 fails far more in the first hours of a 2,048-node job.
  Scenario s = load_scenario(GOODSIM_SOURCE_DIR "/scenarios/llama3-16k.yaml");
  s.job.work_h = 24.0;
  s.cluster.failure = weibull(6335.0, 0.5);
  const auto early = summarize(s, run_replications(s, RunOptions{400, 3, 0, {}}));
  s.cluster.failure = weibull(6335.0, 1.0);
  const auto flat = summarize(s, run_replications(s, RunOptions{400, 3, 0, {}}));
  EXPECT_GT(early.interruptions.mean - flat.interruptions.mean,
            3 * (early.interruptions.std_error + flat.interruptions.std_error));
}

TEST(WeibullFailures, BucketsStillPartitionTheWallTime) {
  Scenario s = load_scenario(GOODSIM_SOURCE_DIR "/scenarios/llama3-16k.yaml");
  s.cluster.failure = weibull(6335.0, 0.7);
  s.cluster.spares = 2;
  for (const auto& r : run_replications(s, RunOptions{200, 4, 0, {}})) {
    ASSERT_NEAR(r.bucket_sum(), r.wall_h, 1e-9 * r.wall_h);
  }
}

TEST(FailureSpec, WeibullNeedsAPositiveShape) {
  const auto read = [](const std::string& y) {
    TraceCache traces;
    return read_failure_spec(sim::parse_config(y, "f.yaml"), traces);
  };
  EXPECT_EQ(read("{model: weibull, shape: 0.7, node_mtbf: 100h}").weibull_shape, 0.7);
  EXPECT_THROW(read("{model: weibull, node_mtbf: 100h}"), sim::InputError);
  EXPECT_THROW(read("{model: weibull, shape: 0, node_mtbf: 100h}"), sim::InputError);
  EXPECT_THROW(read("{model: exponential, shape: 2, node_mtbf: 100h}"), sim::InputError);
}

}  // namespace
}  // namespace goodsim::models
