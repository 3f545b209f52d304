// The spare-pool Markov chain (models/spare_pool_ctmc.h): the Eigen solve against the
// birth-death product form and closed forms, and the chain against the simulator where the
// chain's assumptions hold (docs/cost-and-spares.md, "Chain and simulator").

#include "models/spare_pool_ctmc.h"

#include <gtest/gtest.h>

#include <cmath>
#include <regex>
#include <string>

#include "models/monte_carlo.h"
#include "models/scenario_loader.h"
#include "sim/config.h"

namespace goodsim::models {
namespace {

SparePoolChain chain(std::int64_t nodes, std::int64_t spares, double mtbf_h, double repair_h) {
  SparePoolChain c;
  c.nodes = nodes;
  c.spares = spares;
  c.node_mtbf_h = mtbf_h;
  c.repair_mean_h = repair_h;
  return c;
}

TEST(SparePoolChain, GeneratorIsABirthDeathChainWithZeroRowSums) {
  const SparePoolChain c = chain(4, 2, 100.0, 25.0);
  const Eigen::MatrixXd q(spare_pool_generator(c));
  ASSERT_EQ(q.rows(), 7);
  for (Eigen::Index r = 0; r < q.rows(); ++r) {
    EXPECT_NEAR(q.row(r).sum(), 0.0, 1e-15) << "row " << r;
    for (Eigen::Index j = 0; j < q.cols(); ++j) {
      if (std::abs(j - r) > 1) {
        EXPECT_EQ(q(r, j), 0.0);
      }
    }
  }
  // Slots hold min(4, 6 - r) nodes: 4 4 4 3 2 1 0.
  const double expected_up[] = {0.04, 0.04, 0.04, 0.03, 0.02, 0.01};
  for (Eigen::Index r = 0; r < 6; ++r) EXPECT_NEAR(q(r, r + 1), expected_up[r], 1e-15);
  for (Eigen::Index r = 1; r < 7; ++r)
    EXPECT_NEAR(q(r, r - 1), static_cast<double>(r) / 25.0, 1e-15);
}

TEST(SparePoolChain, EigenSolveMatchesTheProductForm) {
  const SparePoolChain cases[] = {
      chain(1, 0, 10.0, 20.0),        chain(1, 3, 10.0, 20.0),      chain(64, 8, 640.0, 40.0),
      chain(878, 8, 6335.0, 48.0),    chain(878, 64, 6335.0, 48.0),  // the default scenario
      chain(2048, 32, 1000.0, 500.0),  // heavy load: most of the time short of spares
  };
  for (const SparePoolChain& c : cases) {
    const Eigen::VectorXd lu = stationary_distribution(c);
    const Eigen::VectorXd pf = stationary_distribution_product_form(c);
    ASSERT_EQ(lu.size(), c.states());
    EXPECT_NEAR(lu.sum(), 1.0, 1e-12);
    EXPECT_LT((lu - pf).cwiseAbs().maxCoeff(), 1e-12)
        << "nodes " << c.nodes << " spares " << c.spares;
    // A global solve resolves probabilities to about 1e-17 absolute; relative agreement is
    // checked where that is meaningful.
    for (Eigen::Index r = 0; r < lu.size(); ++r) {
      if (pf(r) > 1e-8) {
        EXPECT_NEAR(lu(r) / pf(r), 1.0, 1e-7) << "state " << r;
      }
    }
    // Balance: pi Q = 0.
    const Eigen::RowVectorXd residual = lu.transpose() * spare_pool_generator(c);
    EXPECT_LT(residual.cwiseAbs().maxCoeff(), 1e-12);
  }
}

// With one slot the chain is Erlang's loss system with `spares` servers and offered load
// a = repair_mean / node_mtbf: a failure finds the pool empty with probability Erlang B.
TEST(SparePoolChain, OneSlotGivesErlangB) {
  const double a = 2.0;
  const SparePoolChain c = chain(1, 3, 10.0, 20.0);
  const SparePoolFigures f = analyse_spare_pool(c);
  double term = 1.0, sum = 1.0;
  for (int k = 1; k <= 3; ++k) sum += (term *= a / k);
  const double erlang_b = term / sum;  // (a^3/3!) / sum_{k<=3} a^k/k!
  EXPECT_NEAR(f.p_failure_finds_pool_empty, erlang_b, 1e-12);
  // Throughput balance: failures per hour = repairs per hour = E[r] / repair mean.
  EXPECT_NEAR(f.failures_per_h, f.mean_in_repair / 20.0, 1e-12);
  // One slot: empty slots = P(r = spares + 1); Little's law.
  EXPECT_NEAR(f.mean_empty_slots, f.p_slot_empty, 1e-15);
  EXPECT_NEAR(f.mean_wait_per_failure_h * f.failures_per_h, f.mean_empty_slots, 1e-12);
}

// Many slots and plenty of spares: r is close to Poisson(nodes x repair / MTBF).
TEST(SparePoolChain, ManySlotsApproachThePoissonLaw) {
  const SparePoolChain c = chain(100000, 60, 1e7, 200.0);  // a = 2
  const Eigen::VectorXd pi = stationary_distribution_product_form(c);
  double p = std::exp(-2.0);
  for (int r = 0; r < 12; ++r) {
    EXPECT_NEAR(pi(r), p, 1e-4 * p + 1e-12) << r;
    p *= 2.0 / (r + 1);
  }
}

// The arrival theorem for closed networks: a failure sees the chain of a network with one node
// less. So the fraction of failures that find the pool empty with S spares equals the
// fraction of time the job is stalled (r > S - 1) with S - 1 spares.
TEST(SparePoolChain, FailuresSeeTheChainWithOneSpareLess) {
  for (std::int64_t spares = 1; spares <= 12; ++spares) {
    const SparePoolFigures with = analyse_spare_pool(chain(64, spares, 640.0, 40.0));
    const SparePoolFigures less = analyse_spare_pool(chain(64, spares - 1, 640.0, 40.0));
    EXPECT_NEAR(with.p_failure_finds_pool_empty, less.p_slot_empty, 1e-12) << spares;
  }
}

TEST(SparePoolChain, FromAScenario) {
  const std::string base =
      "job: {work: 10h}\ncluster:\n  nodes: 8\n  spares: 2\n"
      "  failure: {model: exponential, node_mtbf: 1000h}\n"
      "  repair: {model: exponential, mean: 40h}\n";
  const auto load = [](const std::string& yaml) {
    return scenario_from_config(sim::parse_config(yaml, "s.yaml"), "s.yaml");
  };
  const auto plain = spare_pool_chain(load(base));
  ASSERT_TRUE(plain);
  EXPECT_EQ(plain->nodes, 8);
  EXPECT_EQ(plain->spares, 2);
  EXPECT_DOUBLE_EQ(plain->node_mtbf_h, 1000.0);
  EXPECT_DOUBLE_EQ(plain->repair_mean_h, 40.0);

  // A taxonomy: only swap causes reach the repair pipeline (3 of 4 shares), at their
  // share-weighted mean repair time: (2 x 40 h + 1 x 100 h) / 3 = 60 h.
  const auto taxonomy =
      spare_pool_chain(load(
          base + "  causes:\n    - {name: gpu, share: 2, handling: swap}\n"
                 "    - {name: psu, share: 1, handling: swap, repair: {model: fixed, mean: 100h}}\n"
                 "    - {name: nccl, share: 1, handling: restart}\n"));
  ASSERT_TRUE(taxonomy);
  EXPECT_DOUBLE_EQ(taxonomy->node_mtbf_h, 1000.0 * 4.0 / 3.0);
  EXPECT_DOUBLE_EQ(taxonomy->repair_mean_h, 60.0);

  std::string why;
  const std::string weibull = std::regex_replace(base, std::regex("model: exponential, node_mtbf"),
                                                 "model: weibull, shape: 0.8, node_mtbf");
  EXPECT_FALSE(spare_pool_chain(load(weibull), &why));
  EXPECT_EQ(why, "the chain needs exponential failures");

  // requeue takes node sets from the scheduler's queue: there is no pool for the chain to model.
  EXPECT_FALSE(spare_pool_chain(
      load(base + "recovery: {strategy: requeue, queue: {model: fixed, mean: 1h}}\n"), &why));
  EXPECT_EQ(why, "the strategy holds no spare pool: it takes node sets from the scheduler's queue");
}

// ---------------------------------------------------------------------------------------------
// The chain against the simulator.

Scenario scenario(std::int64_t nodes, std::int64_t spares, const std::string& mtbf,
                  const std::string& repair, const std::string& work) {
  const std::string yaml = "cluster:\n  nodes: " + std::to_string(nodes) +
                           "\n  spares: " + std::to_string(spares) +
                           "\n  failure: {model: exponential, node_mtbf: " + mtbf +
                           "}\n  repair: {model: exponential, mean: " + repair +
                           "}\njob: {work: " + work + "}\ncheckpoint: {interval: 1h, write: 0}\n";
  return scenario_from_config(sim::parse_config(yaml, "chain-test.yaml"), "chain-test.yaml");
}

struct Ratio {
  double value = 0.0;
  double se = 0.0;
};

// sum(num) / sum(den) over replications, with its delta-method standard error.
template <typename Num, typename Den>
Ratio ratio_of_sums(const std::vector<ReplicationResult>& reps, Num num, Den den) {
  double sn = 0.0, sd = 0.0;
  for (const auto& r : reps) {
    sn += num(r);
    sd += den(r);
  }
  Ratio out;
  out.value = sn / sd;
  const double m = static_cast<double>(reps.size());
  double ss = 0.0;
  for (const auto& r : reps) ss += std::pow(num(r) - out.value * den(r), 2);
  out.se = std::sqrt(ss / (m * (m - 1.0))) / (sd / m);
  return out;
}

struct Agreement {
  Ratio waits;            // recoveries that waited / failures
  Ratio stalled;          // wait_spares / wall
  Ratio wait_if_waiting;  // wait_spares / recoveries that waited
};

Agreement simulate(const Scenario& s, std::int64_t reps) {
  RunOptions o;
  o.replications = reps;
  o.seed = 20240601;
  o.threads = 2;
  const auto results = run_replications(s, o);
  Agreement a;
  a.waits = ratio_of_sums(
      results, [](const ReplicationResult& r) { return static_cast<double>(r.spare_waits); },
      [](const ReplicationResult& r) { return static_cast<double>(r.interruptions); });
  a.stalled = ratio_of_sums(
      results, [](const ReplicationResult& r) { return r.bucket(Bucket::kWaitSpares); },
      [](const ReplicationResult& r) { return r.wall_h; });
  a.wait_if_waiting = ratio_of_sums(
      results, [](const ReplicationResult& r) { return r.bucket(Bucket::kWaitSpares); },
      [](const ReplicationResult& r) { return static_cast<double>(r.spare_waits); });
  return a;
}

// One slot, zero detect/swap/restart/load: the simulator's cluster is exactly the chain (a
// failed slot is refilled the moment a node is repaired; no failures while the slot is empty).
TEST(SparePoolChainVsSimulator, OneSlotMatchesExactly) {
  const Scenario s = scenario(1, 3, "10h", "20h", "20000h");
  const SparePoolFigures f = analyse_spare_pool(*spare_pool_chain(s));
  const Agreement a = simulate(s, 100);
  EXPECT_LT(std::abs(a.waits.value - f.p_failure_finds_pool_empty) / a.waits.se, 4.0);
  EXPECT_LT(std::abs(a.stalled.value - f.p_slot_empty) / a.stalled.se, 4.0);
  // A failure that finds the pool empty waits for the first of spares + 1 repairs: 20 h / 4.
  EXPECT_NEAR(f.mean_wait_if_waiting_h, 5.0, 1e-9);
  EXPECT_LT(std::abs(a.wait_if_waiting.value - f.mean_wait_if_waiting_h) / a.wait_if_waiting.se,
            4.0);
  // Arrival weighting matters: the time-weighted P(r >= spares) is far off.
  EXPECT_GT(std::abs(a.waits.value - f.p_pool_empty) / a.waits.se, 20.0);
}

// The stationary law of r depends on the repair distribution only through its mean (the repair
// station is an infinite-server station of a closed product-form network; for one slot this is
// the insensitivity of Erlang's loss formula). Fixed 20 h repairs give the same figures.
TEST(SparePoolChainVsSimulator, OneSlotIsInsensitiveToTheRepairDistribution) {
  const std::string yaml =
      "cluster:\n  nodes: 1\n  spares: 3\n  failure: {model: exponential, node_mtbf: 10h}\n"
      "  repair: {model: fixed, mean: 20h}\njob: {work: 20000h}\n"
      "checkpoint: {interval: 1h, write: 0}\n";
  const Scenario s = scenario_from_config(sim::parse_config(yaml, "fixed.yaml"), "fixed.yaml");
  const SparePoolFigures f = analyse_spare_pool(*spare_pool_chain(s));
  EXPECT_NEAR(f.p_failure_finds_pool_empty, 4.0 / 19.0, 1e-12);  // Erlang B(3, 2)
  const Agreement a = simulate(s, 100);
  EXPECT_LT(std::abs(a.waits.value - f.p_failure_finds_pool_empty) / a.waits.se, 4.0);
  EXPECT_LT(std::abs(a.stalled.value - f.p_slot_empty) / a.stalled.se, 4.0);
}

// Many slots: the simulator fills all empty slots at once or not at all, so while the job
// waits it may hold idle pool nodes back and has fewer nodes in slots than the chain. Whether
// a failure finds the pool short is the same function of r in both (r >= spares); only the
// failure rate during shortages differs, by under one part in `nodes` per held-back node.
TEST(SparePoolChainVsSimulator, ManySlotsAgreeWithinMonteCarloError) {
  const Scenario s = scenario(256, 8, "2560h", "40h", "20000h");  // a = 4
  const SparePoolFigures f = analyse_spare_pool(*spare_pool_chain(s));
  const Agreement a = simulate(s, 60);
  EXPECT_LT(std::abs(a.waits.value - f.p_failure_finds_pool_empty) / a.waits.se, 4.0);
  EXPECT_LT(std::abs(a.stalled.value - f.p_slot_empty) / a.stalled.se, 4.0);
}

}  // namespace
}  // namespace goodsim::models
