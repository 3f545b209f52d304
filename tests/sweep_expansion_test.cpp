// goodsim sweep in process: point expansion (cartesian x zip), parameter types and source
// locations, every point validated, and the fingerprint that decides what --resume may reuse.

#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

#include "cli/sha256.h"
#include "cli/sweep.h"
#include "models/sweep.h"
#include "sim/config.h"
#include "sim/error.h"
#include "tests/sweep_test_support.h"
#include "tests/test_support.h"

namespace goodsim::test {
namespace {

using models::SweepValueKind;
using sim::ConfigNode;

sim::InputError input_error_of(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const sim::InputError& e) {
    return e;
  }
  ADD_FAILURE() << "expected sim::InputError";
  return sim::InputError({}, "", "none");
}

// ---------------------------------------------------------------------------------------------
// Point expansion (in process).

constexpr const char* kExpand = R"(name: expand
cluster:
  nodes: 16
  failure: {node_mtbf: 2000h}
  repair: {mean: 24h}
job: {work: 50h}
sweep:
  cluster.failure.node_mtbf: [1000h, 2000h, 4000h]
  zip:
    - {checkpoint.interval: [10min, 30min], checkpoint.write: [1min, 2min]}
  cluster.spares:
    - 0
    - 4
)";

TEST(SweepExpansion, CartesianProductInWrittenOrderWithZipGroupsAsOneAxis) {
  const ConfigNode root = sim::parse_config(kExpand, "expand.yaml");
  const models::SweepSpec spec = models::read_sweep(root);
  ASSERT_EQ(spec.axes.size(), 3u);
  EXPECT_EQ(spec.axes[0].size(), 3u);
  EXPECT_EQ(spec.axes[1].keys.size(), 2u);  // the zip group
  EXPECT_EQ(spec.axes[1].size(), 2u);
  EXPECT_EQ(spec.axes[2].size(), 2u);
  EXPECT_EQ(spec.point_count(), 12u);
  std::vector<std::string> keys;
  for (const auto* k : spec.keys()) keys.push_back(k->path);
  EXPECT_EQ(keys, (std::vector<std::string>{"cluster.failure.node_mtbf", "checkpoint.interval",
                                            "checkpoint.write", "cluster.spares"}));

  // First axis slowest, last fastest; zip keys move together.
  const std::vector<std::vector<std::string>> expected = {
      {"1000h", "10min", "1min", "0"}, {"1000h", "10min", "1min", "4"},
      {"1000h", "30min", "2min", "0"}, {"1000h", "30min", "2min", "4"},
      {"2000h", "10min", "1min", "0"}, {"2000h", "10min", "1min", "4"},
      {"2000h", "30min", "2min", "0"}, {"2000h", "30min", "2min", "4"},
      {"4000h", "10min", "1min", "0"}, {"4000h", "10min", "1min", "4"},
      {"4000h", "30min", "2min", "0"}, {"4000h", "30min", "2min", "4"}};
  for (std::size_t i = 0; i < expected.size(); ++i) {
    const auto params = models::point_parameters(spec, i);
    ASSERT_EQ(params.size(), 4u);
    for (std::size_t k = 0; k < 4; ++k) EXPECT_EQ(params[k].text, expected[i][k]) << i << " " << k;
  }

  const auto points = models::expand_sweep(root, spec, "expand.yaml");
  ASSERT_EQ(points.size(), 12u);
  const models::Scenario& s = points[7].scenario;  // 2000h, 30min, 2min, 4
  EXPECT_EQ(points[7].index, 7u);
  EXPECT_DOUBLE_EQ(s.cluster.failure.node_mtbf_h, 2000.0);
  EXPECT_DOUBLE_EQ(s.checkpoint.interval_h, 0.5);
  EXPECT_DOUBLE_EQ(s.checkpoint.write_h, 2.0 / 60);
  EXPECT_EQ(s.cluster.spares, 4);
  EXPECT_EQ(s.cluster.nodes, 16);  // unswept values come from the base
  EXPECT_EQ(points[0].scenario.cluster.spares, 0);
}

TEST(SweepExpansion, NestedKeysMeanTheSameAsDottedKeys) {
  const ConfigNode dotted =
      sim::parse_config("sweep:\n  cluster.spares: [0, 4]\n  job.work: [1h]\n", "a.yaml");
  const ConfigNode nested =
      sim::parse_config("sweep:\n  cluster:\n    spares: [0, 4]\n  job: {work: [1h]}\n", "b.yaml");
  EXPECT_EQ(models::read_sweep(dotted).canonical(), models::read_sweep(nested).canonical());
  // What --set sweep.cluster.spares=[...] produces is the nested form.
  ConfigNode root = sim::parse_config("name: x\n", "c.yaml");
  sim::apply_override(root, "sweep.cluster.spares=[0, 4]");
  sim::apply_override(root, "sweep.job.work=[1h]");
  EXPECT_EQ(models::read_sweep(root).canonical(), models::read_sweep(dotted).canonical());
}

TEST(SweepExpansion, ValueKindsUnitsAndSourceLocations) {
  const std::string yaml = R"(cluster:
  nodes: 16
  failure: {node_mtbf: 2000h}
  repair: {mean: 24h}
job: {work: 50h}
sweep:
  cluster.spares:
    - 0
    - 8
  cost.node_hour_usd: [90, 99.5]
  checkpoint.interval: [0, 30min]
  recovery.strategy: [hot_spare]
)";
  const ConfigNode root = sim::parse_config(yaml, "kinds.yaml");
  const models::SweepSpec spec = models::read_sweep(root);
  const auto keys = spec.keys();
  ASSERT_EQ(keys.size(), 4u);
  EXPECT_EQ(keys[0]->kind, SweepValueKind::kInteger);
  EXPECT_EQ(keys[1]->kind, SweepValueKind::kNumber);
  EXPECT_EQ(keys[2]->kind, SweepValueKind::kHours);
  EXPECT_EQ(keys[3]->kind, SweepValueKind::kText);
  EXPECT_EQ(keys[0]->where.line, line_number(yaml, "  cluster.spares:"));

  // Point 7 = spares 8, price 99.5, interval 30min, hot_spare.
  const auto params = models::point_parameters(spec, 7);
  EXPECT_EQ(std::get<std::int64_t>(params[0].value), 8);
  EXPECT_EQ(params[0].units, "");
  EXPECT_DOUBLE_EQ(std::get<double>(params[1].value), 99.5);
  EXPECT_DOUBLE_EQ(std::get<double>(params[2].value), 0.5);
  EXPECT_EQ(params[2].units, "h");
  EXPECT_EQ(std::get<std::string>(params[3].value), "hot_spare");

  // The point's document: sweep block gone, values located in the sweep block, missing maps
  // (cost, checkpoint, recovery) created.
  const ConfigNode config = models::point_config(root, spec, 7);
  EXPECT_EQ(config.find("sweep"), nullptr);
  const ConfigNode* spares = sim::find_path(config, "cluster.spares");
  ASSERT_NE(spares, nullptr);
  EXPECT_EQ(spares->scalar(), "8");
  EXPECT_EQ(spares->where().line, line_number(yaml, "    - 8"));
  EXPECT_EQ(spares->path(), "cluster.spares");
  ASSERT_NE(sim::find_path(config, "cost.node_hour_usd"), nullptr);
  EXPECT_EQ(sim::find_path(config, "checkpoint.interval")->scalar(), "30min");
}

TEST(SweepExpansion, EveryPointIsValidatedAndErrorsPointIntoTheSweepBlock) {
  const std::string yaml = R"(cluster:
  nodes: 16
  failure: {node_mtbf: 2000h}
  repair: {mean: 24h}
job: {work: 50h}
sweep:
  cluster.spares: [0, 1, 2]
  cluster.failure.node_mtbf:
    - 10h
    - -5h
)";
  const ConfigNode root = sim::parse_config(yaml, "bad.yaml");
  const models::SweepSpec spec = models::read_sweep(root);
  const sim::InputError e = input_error_of([&] { models::expand_sweep(root, spec, "bad.yaml"); });
  EXPECT_EQ(e.where().file, "bad.yaml");
  EXPECT_EQ(e.where().line, line_number(yaml, "    - -5h"));
  EXPECT_EQ(e.key(), "cluster.failure.node_mtbf");
  EXPECT_TRUE(HasSubstr(e.message(), "sweep point 000001"));

  const std::string unknown =
      "cluster:\n  nodes: 16\n  failure: {node_mtbf: 2000h}\n"
      "  repair: {mean: 24h}\njob: {work: 50h}\nsweep:\n"
      "  cluster.sparez:\n    - 1\n";
  const ConfigNode root2 = sim::parse_config(unknown, "unknown.yaml");
  const sim::InputError u = input_error_of(
      [&] { models::expand_sweep(root2, models::read_sweep(root2), "unknown.yaml"); });
  EXPECT_EQ(u.where().line, line_number(unknown, "  cluster.sparez:"));
  EXPECT_TRUE(HasSubstr(u.message(), "unknown key 'sparez'"));
}

TEST(SweepFingerprint, Sha256KnownAnswers) {
  EXPECT_EQ(cli::sha256_hex(""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(cli::sha256_hex("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(cli::sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  EXPECT_EQ(cli::sha256_hex(std::string(1000, 'a')).substr(0, 16), "41edece42d63e8d9");
}

TEST(SweepFingerprint, ChangesWithWhatDeterminesResultsOnly) {
  const std::string a = "cluster: {nodes: 16}\nsweep:\n  cluster.spares: [0, 4]\n";
  const std::string same =
      "# a comment\ncluster:\n  nodes: 16   # same value\n"
      "sweep: {cluster.spares: [0, 4]}\n";
  auto fp = [](const std::string& text, std::int64_t reps = 100, std::uint64_t seed = 1,
               bool recovery_times = false) {
    const ConfigNode root = sim::parse_config(text, "f.yaml");
    return cli::sweep_fingerprint(root, models::read_sweep(root), reps, seed, recovery_times);
  };
  EXPECT_EQ(fp(a).size(), 64u);
  EXPECT_EQ(fp(a), fp(same));
  EXPECT_NE(fp(a), fp(a, 101));
  EXPECT_NE(fp(a), fp(a, 100, 2));
  EXPECT_NE(fp(a), fp(a, 100, 1, true));  // parts with and without recovery_h do not mix
  EXPECT_NE(fp(a), fp("cluster: {nodes: 17}\nsweep:\n  cluster.spares: [0, 4]\n"));
  EXPECT_NE(fp(a), fp("cluster: {nodes: 16}\nsweep:\n  cluster.spares: [0, 5]\n"));
  EXPECT_NE(fp(a), fp("cluster: {nodes: 16}\nsweep:\n  cluster.spares: [4, 0]\n"));
  // --precision: the target, its bounds and the estimator take the place of --reps.
  const ConfigNode root = sim::parse_config(a, "f.yaml");
  auto fpp = [&](double half_width, std::int64_t max, models::Estimator e) {
    models::PrecisionTarget t;
    t.half_width = half_width;
    t.max_replications = max;
    t.estimator = e;
    return cli::sweep_fingerprint(root, models::read_sweep(root), 0, 1, false, {}, t);
  };
  const std::string p = fpp(0.001, 100000, models::Estimator::kControl);
  EXPECT_NE(p, fp(a));
  EXPECT_EQ(p, fpp(0.001, 100000, models::Estimator::kControl));
  EXPECT_NE(p, fpp(0.002, 100000, models::Estimator::kControl));
  EXPECT_NE(p, fpp(0.001, 200000, models::Estimator::kControl));
  EXPECT_NE(p, fpp(0.001, 100000, models::Estimator::kPlain));
}

TEST(SweepFingerprint, Sha256FedInPiecesIsTheHashOfTheWhole) {
  std::string text;
  for (int i = 0; i < 300; ++i) text += std::to_string(i * 7919) + ",";
  for (const std::size_t piece : {1u, 3u, 63u, 64u, 65u, 1000u}) {
    cli::Sha256 sha;
    for (std::size_t at = 0; at < text.size(); at += piece) sha.update(text.substr(at, piece));
    EXPECT_EQ(sha.hex(), cli::sha256_hex(text)) << piece;
  }
}

// Issue 11 item 1: the fingerprint covers the content of the trace a point reads, so --resume
// after the trace was edited refuses the old parts (tests/reliability_test.cpp: the CLI).
TEST(SweepFingerprint, CoversTheContentOfTheTrace) {
  TempDir dir;
  const std::string scenario =
      "cluster: {nodes: 8, spares: 2, failure: {model: trace, file: t.csv}, repair: {mean: 24h}}\n"
      "job: {work: 100h}\ncheckpoint: {interval: 1h, write: 1min}\n"
      "sweep:\n  cluster.spares: [1, 2]\n";
  const auto fp = [&](const std::string& csv) {
    write_text(dir / "t.csv", csv);
    const std::string path = (dir / "s.yaml").string();
    write_text(path, scenario);
    const ConfigNode root = sim::load_config_file(path);
    const models::SweepSpec spec = models::read_sweep(root);
    const auto points = models::expand_sweep(root, spec, path);
    const std::string digest = cli::input_files_digest(points);
    EXPECT_TRUE(HasSubstr(digest, "point 1 trace ")) << digest;
    return cli::sweep_fingerprint(root, spec, 100, 1, false, digest);
  };
  const std::string original = fp("time,node\n10h,1\n30h,2\n");
  EXPECT_EQ(original, fp("time,node\n10h,1\n30h,2\n"));
  EXPECT_EQ(original, fp("time,node\n10,1\n30.0h,2\n"));        // the same failures, reformatted
  EXPECT_NE(original, fp("time,node\n10h,1\n31h,2\n"));         // a time
  EXPECT_NE(original, fp("time,node\n10h,1\n30h,3\n"));         // a slot
  EXPECT_NE(original, fp("time,node\n10h,1\n30h,2\n40h,0\n"));  // one failure more
}

// scenarios/strategies-16k.yaml: one point per recovery strategy, each with its own section,
// on one cluster and job.
TEST(SweepExpansion, TheStrategiesScenarioHasOneValidPointPerStrategy) {
  const std::string path = GOODSIM_SOURCE_DIR "/scenarios/strategies-16k.yaml";
  const ConfigNode root = sim::load_config_file(path);
  const auto points = models::expand_sweep(root, models::read_sweep(root), path);
  const std::vector<std::string> expected = {"hot_spare", "checkpointless", "requeue", "elastic"};
  ASSERT_EQ(points.size(), expected.size());
  for (std::size_t i = 0; i < points.size(); ++i) {
    const models::Scenario& s = points[i].scenario;
    EXPECT_EQ(s.recovery.strategy, expected[i]);
    EXPECT_EQ(s.cluster.nodes, 2048);
    EXPECT_EQ(s.job.work_h, 1296.0);
    EXPECT_EQ(s.recovery.checkpointless.replicas, 2);
    EXPECT_EQ(s.recovery.elastic.dp_group_nodes, 16);
    EXPECT_NE(s.recovery.queue, nullptr);
  }
}

}  // namespace
}  // namespace goodsim::test
