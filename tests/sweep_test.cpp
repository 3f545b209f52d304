// goodsim sweep: point expansion (cartesian x zip), parameter types and locations, the
// fingerprint, the HDF5 layout, determinism across thread counts, common random numbers,
// bad input (exit 2, file:line, nothing written), and crash safety: a sweep killed with
// SIGKILL at random moments and resumed gives the same file, bit for bit, as an uninterrupted
// one; parts or outputs of a different sweep are refused.

#include <hdf5.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <iostream>
#include <map>
#include <numeric>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "cli/results_file.h"
#include "cli/sweep.h"
#include "goodsim/version.h"
#include "models/scenario_loader.h"
#include "models/sweep.h"
#include "sim/config.h"
#include "sim/error.h"
#include "sim/hdf5.h"
#include "sim/statistics.h"
#include "tests/test_support.h"

namespace goodsim::test {
namespace {

using models::SweepValueKind;
using sim::ConfigNode;

// 1-based number of the first line of `text` that is exactly `line`; 0 if none.
int line_of(const std::string& text, const std::string& line) {
  std::istringstream in(text);
  std::string current;
  for (int n = 1; std::getline(in, current); ++n) {
    if (current == line) return n;
  }
  ADD_FAILURE() << "no line '" << line << "' in:\n" << text;
  return 0;
}

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
  EXPECT_EQ(keys[0]->where.line, line_of(yaml, "  cluster.spares:"));

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
  EXPECT_EQ(spares->where().line, line_of(yaml, "    - 8"));
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
  EXPECT_EQ(e.where().line, line_of(yaml, "    - -5h"));
  EXPECT_EQ(e.key(), "cluster.failure.node_mtbf");
  EXPECT_TRUE(HasSubstr(e.message(), "sweep point 000001"));

  const std::string unknown =
      "cluster:\n  nodes: 16\n  failure: {node_mtbf: 2000h}\n"
      "  repair: {mean: 24h}\njob: {work: 50h}\nsweep:\n"
      "  cluster.sparez:\n    - 1\n";
  const ConfigNode root2 = sim::parse_config(unknown, "unknown.yaml");
  const sim::InputError u = input_error_of(
      [&] { models::expand_sweep(root2, models::read_sweep(root2), "unknown.yaml"); });
  EXPECT_EQ(u.where().line, line_of(unknown, "  cluster.sparez:"));
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

// ---------------------------------------------------------------------------------------------
// The executable.

constexpr const char* kSmall = R"(name: sweep-test
cluster:
  nodes: 64
  spares: 2
  failure: {node_mtbf: 2000h}
  repair: {mean: 24h}
job: {work: 100h}
checkpoint: {interval: 30min, write: 2min}
recovery: {detect: 5min, swap: 5min, restart: 10min, load: 5min}
cost: {node_hour_usd: 90}
montecarlo: {replications: 40, seed: 3}
sweep:
  cluster.failure.node_mtbf: [1000h, 4000h]
  cluster.spares: [0, 2, 40]
  zip:
    - {checkpoint.interval: [auto, 30min], checkpoint.write: [1min, 2min]}
)";

// Everything in an HDF5 file, for bit-for-bit comparisons: each dataset's encoded type, shape
// and raw bytes, each attribute's encoded type and value. Keys: "path" and "path@attribute".
using Dump = std::map<std::string, std::string>;

std::string encoded_type(hid_t type) {
  std::size_t n = 0;
  H5Tencode(type, nullptr, &n);
  std::string out(n, '\0');
  H5Tencode(type, out.data(), &n);
  return out;
}

herr_t dump_attribute(hid_t obj, const char* name, const H5A_info_t*, void* data) {
  auto& [dump, path] = *static_cast<std::pair<Dump*, std::string>*>(data);
  const hid_t attr = H5Aopen(obj, name, H5P_DEFAULT);
  const hid_t type = H5Aget_type(attr);
  const hid_t space = H5Aget_space(attr);
  const auto count = static_cast<std::size_t>(H5Sget_simple_extent_npoints(space));
  std::string value = encoded_type(type) + "|";
  if (H5Tis_variable_str(type) > 0) {
    std::vector<char*> strings(count);
    H5Aread(attr, type, strings.data());
    for (char* s : strings) value += std::string(s ? s : "") + '\0';
    H5Dvlen_reclaim(type, space, H5P_DEFAULT, strings.data());
  } else {
    std::string raw(H5Tget_size(type) * count, '\0');
    H5Aread(attr, type, raw.data());
    value += raw;
  }
  (*dump)[path + "@" + name] = value;
  H5Sclose(space);
  H5Tclose(type);
  H5Aclose(attr);
  return 0;
}

void dump_attributes(hid_t obj, const std::string& path, Dump& dump) {
  std::pair<Dump*, std::string> ctx{&dump, path};
  hsize_t index = 0;
  H5Aiterate2(obj, H5_INDEX_NAME, H5_ITER_INC, &index, dump_attribute, &ctx);
}

herr_t dump_link(hid_t group, const char* name, const H5L_info_t*, void* data) {
  Dump& dump = *static_cast<Dump*>(data);
  const hid_t obj = H5Oopen(group, name, H5P_DEFAULT);
  if (H5Iget_type(obj) == H5I_DATASET) {
    const hid_t type = H5Dget_type(obj);
    const hid_t space = H5Dget_space(obj);
    const int rank = H5Sget_simple_extent_ndims(space);
    std::vector<hsize_t> dims(static_cast<std::size_t>(std::max(rank, 0)));
    H5Sget_simple_extent_dims(space, dims.data(), nullptr);
    std::string value = encoded_type(type) + "|";
    for (const hsize_t d : dims) value += std::to_string(d) + "x";
    std::string raw(
        H5Tget_size(type) * static_cast<std::size_t>(H5Sget_simple_extent_npoints(space)), '\0');
    if (!raw.empty()) H5Dread(obj, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, raw.data());
    dump[name] = value + "|" + raw;
    H5Sclose(space);
    H5Tclose(type);
  } else {
    dump[name] = "group";
  }
  dump_attributes(obj, name, dump);
  H5Oclose(obj);
  return 0;
}

Dump dump_file(const fs::path& path) {
  Dump dump;
  const auto file = sim::h5::File::open_read(path.string());
  const auto root = file.root();
  dump_attributes(root.id(), "", dump);
  H5Lvisit(root.id(), H5_INDEX_NAME, H5_ITER_INC, dump_link, &dump);
  // How the file was made, not what it holds: the assembly time and command.
  for (const char* made : {"@created", "@command_line", "@threads"}) dump.erase(made);
  return dump;
}

// Expects two files to hold the same objects with bit-identical contents.
void expect_same_file(const fs::path& a, const fs::path& b) {
  const Dump da = dump_file(a);
  const Dump db = dump_file(b);
  std::set<std::string> ka, kb;
  for (const auto& [k, v] : da) ka.insert(k);
  for (const auto& [k, v] : db) kb.insert(k);
  ASSERT_EQ(ka, kb) << a << " vs " << b;
  EXPECT_GT(da.size(), 50u);
  for (const auto& [k, v] : da) EXPECT_TRUE(v == db.at(k)) << k << " differs: " << a << " vs " << b;
}

std::vector<std::string> sweep_args(const std::string& out, std::vector<std::string> more = {}) {
  std::vector<std::string> args = {"sweep", "scenario.yaml", "-o", out, "--quiet"};
  args.insert(args.end(), more.begin(), more.end());
  return args;
}

TEST(SweepCommand, WritesTheDocumentedLayoutWithASummaryMatchingThePoints) {
  TempDir dir;
  write_text(dir / "scenario.yaml", kSmall);
  const RunResult r = run_goodsim(sweep_args("out.h5", {"--threads", "2"}), dir.path());
  ASSERT_EQ(r.exit_code, 0) << r;
  EXPECT_EQ(list_dir(dir.path()), (std::set<std::string>{"out.h5", "scenario.yaml"}));
  EXPECT_TRUE(HasSubstr(r.out, "12 points"));
  EXPECT_TRUE(HasSubstr(r.out, "000011  4000h                      40              30min"));
  EXPECT_EQ(r.err, "");

  const auto file = sim::h5::File::open_read((dir / "out.h5").string());
  const auto root = file.root();
  EXPECT_FALSE(root.string_attribute("goodsim_version").empty());
  EXPECT_EQ(root.string_attribute("commit"), kCommit);
  EXPECT_EQ(root.string_attribute("command_line"),
            "goodsim sweep scenario.yaml -o out.h5 --quiet --threads 2");
  EXPECT_EQ(root.int64_attribute("threads"), 2);
  EXPECT_TRUE(HasSubstr(root.string_attribute("scenario"), "sweep:"));
  EXPECT_EQ(root.string_attribute("scenario_file"), "scenario.yaml");
  EXPECT_EQ(root.int64_attribute("seed"), 3);
  EXPECT_EQ(root.int64_attribute("replications"), 40);
  EXPECT_EQ(root.int64_attribute("points"), 12);
  EXPECT_EQ(root.string_attribute("sweep_fingerprint").size(), 64u);
  EXPECT_FALSE(root.string_attribute("created").empty());

  const auto points = root.open_group("points");
  std::vector<std::string> names;
  for (int i = 0; i < 12; ++i) names.push_back(cli::point_name(static_cast<std::size_t>(i)));
  EXPECT_EQ(points.children(), names);

  // Point 7 = node_mtbf 4000h (index 1), spares 0 (index 0), zip index 1 (30min, 2min).
  const auto p7 = points.open_group("000007");
  EXPECT_DOUBLE_EQ(p7.double_attribute("cluster.failure.node_mtbf"), 4000.0);
  EXPECT_EQ(p7.string_attribute("cluster.failure.node_mtbf.units"), "h");
  EXPECT_EQ(p7.int64_attribute("cluster.spares"), 0);
  EXPECT_FALSE(p7.has_attribute("cluster.spares.units"));
  EXPECT_EQ(p7.string_attribute("checkpoint.interval"), "30min");  // text: 'auto' is not a number
  EXPECT_DOUBLE_EQ(p7.double_attribute("checkpoint.write"), 2.0 / 60);
  EXPECT_EQ(p7.int64_attribute("spares"), 0);
  EXPECT_DOUBLE_EQ(p7.double_attribute("checkpoint_interval_h"), 0.5);
  for (const char* ds : {"goodput", "wall_h", "cost_usd"}) {
    EXPECT_EQ(p7.read_doubles(ds).size(), 40u) << ds;
  }
  EXPECT_EQ(p7.read_int64s("interruptions").size(), 40u);
  EXPECT_EQ(p7.read_matrix("buckets_h").rows, 40u);

  const sim::h5::Table summary = root.read_table("summary");
  ASSERT_EQ(summary.rows(), 12u);
  std::vector<std::string> columns;
  std::map<std::string, const sim::h5::Table::Column*> by_name;
  for (const auto& c : summary.columns) {
    columns.push_back(c.name);
    by_name[c.name] = &c;
  }
  const std::vector<std::string> expected_columns = {"point",
                                                     "cluster.failure.node_mtbf",
                                                     "cluster.spares",
                                                     "checkpoint.interval",
                                                     "checkpoint.write",
                                                     "nodes",
                                                     "spares",
                                                     "node_mtbf_h",
                                                     "checkpoint_interval_h",
                                                     "goodput_mean",
                                                     "goodput_ci95",
                                                     "goodput_p5",
                                                     "goodput_p50",
                                                     "goodput_p95",
                                                     "wall_mean_h",
                                                     "wall_p95_h",
                                                     "interruptions_mean",
                                                     "cost_mean_usd",
                                                     "cost_p95_usd",
                                                     "recoveries_mean",
                                                     "fallbacks_mean",
                                                     "recovery_p50_h",
                                                     "recovery_p95_h",
                                                     "planned_interruptions_mean",
                                                     "sdc_detections_mean",
                                                     "pool_failures_mean",
                                                     "unfinished",
                                                     "slow_episodes_mean",
                                                     "evictions_mean"};
  // Then the mean hours of every badput bucket (no cluster.causes here: no cause columns).
  std::vector<std::string> expected = expected_columns;
  for (const std::string_view b : models::kBucketNames) {
    expected.push_back("bucket_" + std::string(b) + "_mean_h");
  }
  EXPECT_EQ(columns, expected);
  EXPECT_EQ(by_name["cluster.failure.node_mtbf"]->units, "h");
  EXPECT_EQ(by_name["checkpoint.write"]->units, "h");
  auto num = [&](const std::string& col, std::size_t row) {
    return std::get<std::vector<double>>(by_name.at(col)->values).at(row);
  };
  auto text = [&](const std::string& col, std::size_t row) {
    return std::get<std::vector<std::string>>(by_name.at(col)->values).at(row);
  };
  for (std::size_t i = 0; i < 12; ++i) {
    const std::string name = cli::point_name(i);
    const auto g = points.open_group(name);
    EXPECT_EQ(text("point", i), name);
    EXPECT_EQ(num("cluster.failure.node_mtbf", i), g.double_attribute("cluster.failure.node_mtbf"));
    EXPECT_EQ(num("cluster.spares", i), static_cast<double>(g.int64_attribute("cluster.spares")));
    EXPECT_EQ(text("checkpoint.interval", i), g.string_attribute("checkpoint.interval"));
    EXPECT_EQ(num("checkpoint.write", i), g.double_attribute("checkpoint.write"));
    EXPECT_EQ(num("spares", i), static_cast<double>(g.int64_attribute("spares")));
    const sim::SampleSummary goodput = sim::summarize(g.read_doubles("goodput"));
    EXPECT_DOUBLE_EQ(num("goodput_mean", i), goodput.mean);
    EXPECT_DOUBLE_EQ(num("goodput_ci95", i), goodput.ci95);
    EXPECT_DOUBLE_EQ(num("goodput_p5", i), goodput.p5);
    EXPECT_DOUBLE_EQ(num("goodput_p50", i), goodput.p50);
    EXPECT_DOUBLE_EQ(num("goodput_p95", i), goodput.p95);
    const sim::SampleSummary wall = sim::summarize(g.read_doubles("wall_h"));
    EXPECT_DOUBLE_EQ(num("wall_mean_h", i), wall.mean);
    EXPECT_DOUBLE_EQ(num("wall_p95_h", i), wall.p95);
    const auto ints = g.read_int64s("interruptions");
    EXPECT_DOUBLE_EQ(num("interruptions_mean", i),
                     static_cast<double>(std::accumulate(ints.begin(), ints.end(), 0LL)) / 40.0);
    const sim::SampleSummary cost = sim::summarize(g.read_doubles("cost_usd"));
    EXPECT_DOUBLE_EQ(num("cost_mean_usd", i), cost.mean);
    EXPECT_DOUBLE_EQ(num("cost_p95_usd", i), cost.p95);
    const auto recoveries = g.read_int64s("recoveries");
    EXPECT_DOUBLE_EQ(
        num("recoveries_mean", i),
        static_cast<double>(std::accumulate(recoveries.begin(), recoveries.end(), 0LL)) / 40.0);
    EXPECT_EQ(num("fallbacks_mean", i), 0.0);           // hot spares never fall back
    EXPECT_TRUE(std::isnan(num("recovery_p50_h", i)));  // not recorded without --recovery-times
    EXPECT_FALSE(g.has("recovery_h"));
    // No maintenance, SDC or pool failures configured: their means are zero, not missing.
    EXPECT_EQ(num("planned_interruptions_mean", i), 0.0);
    EXPECT_EQ(num("sdc_detections_mean", i), 0.0);
    EXPECT_EQ(num("pool_failures_mean", i), 0.0);
    EXPECT_EQ(num("unfinished", i), 0.0);
  }
  // 'auto' resolved per point: the interval differs with the node MTBF.
  EXPECT_EQ(text("checkpoint.interval", 0), "auto");
  EXPECT_NE(num("checkpoint_interval_h", 0), num("checkpoint_interval_h", 6));
}

// With --recovery-times each point stores every recovery's duration, and /summary holds their
// pooled P50 and P95.
TEST(SweepCommand, RecoveryTimesGiveEachPointItsDurationsAndTheSummaryTheirQuantiles) {
  TempDir dir;
  write_text(dir / "scenario.yaml", kSmall);
  const RunResult r = run_goodsim(sweep_args("out.h5", {"--recovery-times"}), dir.path());
  ASSERT_EQ(r.exit_code, 0) << r;
  EXPECT_TRUE(HasSubstr(r.out, "wall mean   recovery P50       P95"));
  const auto file = sim::h5::File::open_read((dir / "out.h5").string());
  const sim::h5::Table summary = file.root().read_table("summary");
  auto column = [&](const std::string& name) {
    for (const auto& c : summary.columns) {
      if (c.name == name) return std::get<std::vector<double>>(c.values);
    }
    ADD_FAILURE() << "no column " << name;
    return std::vector<double>();
  };
  const std::vector<double> p50 = column("recovery_p50_h"), p95 = column("recovery_p95_h");
  ASSERT_EQ(p50.size(), 12u);
  for (std::size_t i = 0; i < 12; ++i) {
    const auto g = file.root().open_group("points/" + cli::point_name(i));
    const std::vector<double> times = g.read_doubles("recovery_h");
    const auto counts = g.read_int64s("recoveries");
    EXPECT_EQ(static_cast<std::int64_t>(times.size()),
              std::accumulate(counts.begin(), counts.end(), std::int64_t{0}));
    const sim::SampleSummary pooled = sim::summarize(times);
    EXPECT_DOUBLE_EQ(p50[i], pooled.p50);
    EXPECT_DOUBLE_EQ(p95[i], pooled.p95);
  }
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

// The stored scenario is the one run: --seed and --reps replace the file's montecarlo values.
TEST(SweepCommand, StoresTheScenarioWithTheSeedAndReplicationsItRan) {
  TempDir dir;
  write_text(dir / "scenario.yaml", kSmall);
  ASSERT_EQ(run_goodsim(sweep_args("out.h5", {"--seed", "9", "--reps", "5"}), dir.path()).exit_code,
            0);
  const auto file = sim::h5::File::open_read((dir / "out.h5").string());
  write_text(dir / "as-run.yaml", file.root().string_attribute("scenario"));
  const models::Scenario s = models::load_scenario((dir / "as-run.yaml").string());
  EXPECT_EQ(s.montecarlo.seed, 9u);
  EXPECT_EQ(s.montecarlo.replications, 5);
  EXPECT_EQ(file.root().int64_attribute("seed"), 9);
}

TEST(SweepCommand, IdenticalForAnyThreadCountAndEqualToGoodsimRunOfThePoint) {
  TempDir dir;
  write_text(dir / "scenario.yaml", kSmall);
  ASSERT_EQ(run_goodsim(sweep_args("t1.h5", {"--threads", "1"}), dir.path()).exit_code, 0);
  ASSERT_EQ(run_goodsim(sweep_args("t2.h5", {"--threads", "2"}), dir.path()).exit_code, 0);
  ASSERT_EQ(run_goodsim(sweep_args("t3.h5", {"--threads", "3"}), dir.path()).exit_code, 0);
  expect_same_file(dir / "t1.h5", dir / "t2.h5");
  expect_same_file(dir / "t1.h5", dir / "t3.h5");

  // A point is the base scenario with its values set, run with the same seed.
  const RunResult run =
      run_goodsim({"run", "scenario.yaml", "-o", "run.h5", "--quiet", "--set",
                   "cluster.failure.node_mtbf=4000h", "--set", "cluster.spares=2", "--set",
                   "checkpoint.interval=auto", "--set", "checkpoint.write=1min"},
                  dir.path());
  ASSERT_EQ(run.exit_code, 0) << run;
  EXPECT_TRUE(HasSubstr(run.err, "the sweep block is ignored")) << run;  // even with --quiet
  const auto sweep = sim::h5::File::open_read((dir / "t1.h5").string());
  const auto single = sim::h5::File::open_read((dir / "run.h5").string());
  // 4000h is index 1, spares 2 index 1, zip index 0: 1*6 + 1*2 + 0 = 8.
  EXPECT_EQ(sweep.root().read_doubles("points/000008/goodput"),
            single.root().read_doubles("points/000000/goodput"));
  EXPECT_EQ(sweep.root().read_doubles("points/000008/wall_h"),
            single.root().read_doubles("points/000000/wall_h"));
}

TEST(SweepCommand, AllPointsShareTheRandomStreams) {
  // Spares never run short at 30 or 40 (about one node is in repair at a time), so with common
  // random numbers every replication's history is the same at both points: identical wall
  // times and goodput, bit for bit, while the cost (40 paid spares vs 30) differs.
  TempDir dir;
  std::string yaml = kSmall;
  yaml = yaml.substr(0, yaml.find("sweep:")) + "sweep:\n  cluster.spares: [30, 40]\n";
  write_text(dir / "scenario.yaml", yaml);
  ASSERT_EQ(run_goodsim(sweep_args("crn.h5"), dir.path()).exit_code, 0);
  const auto file = sim::h5::File::open_read((dir / "crn.h5").string());
  const auto root = file.root();
  EXPECT_EQ(root.read_doubles("points/000000/wall_h"), root.read_doubles("points/000001/wall_h"));
  EXPECT_EQ(root.read_doubles("points/000000/goodput"), root.read_doubles("points/000001/goodput"));
  EXPECT_NE(root.read_doubles("points/000000/cost_usd"),
            root.read_doubles("points/000001/cost_usd"));
}

TEST(SweepCommand, GoodsimRunSimulatesTheBaseAndSaysTheSweepIsIgnored) {
  TempDir dir;
  write_text(dir / "scenario.yaml", kSmall);
  const RunResult r = run_goodsim({"run", "scenario.yaml", "--no-output"}, dir.path());
  ASSERT_EQ(r.exit_code, 0) << r;
  EXPECT_TRUE(HasSubstr(r.err, "simulating the base scenario only; the sweep block is ignored"));
  EXPECT_TRUE(HasSubstr(r.out, "64 nodes x 8 GPUs = 512 GPUs, 2 hot spares"));
}

// ---------------------------------------------------------------------------------------------
// Bad input: exit 2, the file and line in the sweep block, nothing written.

constexpr const char* kBadBase = R"(name: bad-sweep
cluster:
  nodes: 64
  failure: {node_mtbf: 2000h}
  repair: {mean: 24h}
job: {work: 100h}
checkpoint: {interval: 30min, write: 2min}
montecarlo: {replications: 10, seed: 3}
)";

struct BadSweep {
  const char* name;
  const char* sweep;    // appended to kBadBase
  const char* line;     // the whole line the error must point at
  const char* message;  // a fragment of the message
};

void PrintTo(const BadSweep& c, std::ostream* os) {
  *os << c.name;
}

class BadSweepTest : public ::testing::TestWithParam<BadSweep> {};

TEST_P(BadSweepTest, ExitsTwoAtTheLineInTheSweepBlockAndWritesNothing) {
  const BadSweep& c = GetParam();
  const std::string yaml = std::string(kBadBase) + c.sweep;
  const int line = line_of(yaml, c.line);
  ASSERT_GT(line, 0);
  TempDir dir;
  write_text(dir / "scenario.yaml", yaml);
  const RunResult r = run_goodsim(sweep_args("out.h5"), dir.path());
  EXPECT_EQ(r.exit_code, 2) << r;
  EXPECT_EQ(r.out, "") << r;
  EXPECT_TRUE(HasSubstr(r.err, "goodsim: error: scenario.yaml:" + std::to_string(line) + ":")) << r;
  EXPECT_TRUE(HasSubstr(r.err, c.message)) << r;
  EXPECT_EQ(list_dir(dir.path()), std::set<std::string>{"scenario.yaml"}) << r;
}

// A sweep block of `axes` keys (x0.k, x1.k, ...) with `values` values each.
std::string sweep_of(int axes, int values) {
  std::string out = "sweep:\n";
  for (int a = 0; a < axes; ++a) {
    out += "  x" + std::to_string(a) + ".k: [";
    for (int v = 0; v < values; ++v) out += (v ? ", " : "") + std::to_string(v);
    out += "]\n";
  }
  return out;
}
const std::string kTooManyPoints = sweep_of(2, 400);
// 16^16 = 2^64 points: a 64-bit count wraps to 0; 2^64 x 3 wraps to a small, wrong count.
const std::string kTwoTo64Points = sweep_of(16, 16);
const std::string kWrappingPoints = sweep_of(16, 16) + "  y.k: [1, 2, 3]\n";

INSTANTIATE_TEST_SUITE_P(
    Cases, BadSweepTest,
    ::testing::Values(
        BadSweep{"too_many_points", kTooManyPoints.c_str(), "sweep:",
                 "key 'sweep': the sweep has 160,000 points (400 x 400), over the limit of "
                 "100,000; sweep fewer values, or split it into several sweeps"},
        BadSweep{"two_to_the_64_points", kTwoTo64Points.c_str(), "sweep:",
                 "the sweep has about 1.8e+19 points (16 x 16 x 16 x 16 x 16 x 16 x 16 x 16 x 16 "
                 "x 16 x 16 x 16 x 16 x 16 x 16 x 16), over the limit of 100,000"},
        BadSweep{"points_that_wrap_a_64_bit_count", kWrappingPoints.c_str(),
                 "sweep:", "the sweep has about 5.5e+19 points"},
        BadSweep{"unknown_leaf_key", "sweep:\n  cluster.sparez:\n    - 0\n    - 2\n",
                 "  cluster.sparez:", "unknown key 'sparez'"},
        BadSweep{"unknown_top_key", "sweep:\n  clustr.spares: [0, 2]\n", "  clustr.spares: [0, 2]",
                 "unknown key 'clustr'"},
        BadSweep{"unknown_key_in_zip",
                 "sweep:\n  zip:\n    - checkpoint.interval: [10min, 20min]\n"
                 "      checkpoint.wrte: [1min, 2min]\n",
                 "      checkpoint.wrte: [1min, 2min]", "unknown key 'wrte'"},
        BadSweep{"bad_value", "sweep:\n  cluster.spares:\n    - 0\n    - -2\n", "    - -2",
                 "expected an integer >= 0, got '-2'"},
        BadSweep{"bad_duration", "sweep:\n  cluster.failure.node_mtbf: [100h, 5 parsecs]\n",
                 "  cluster.failure.node_mtbf: [100h, 5 parsecs]", "got '5 parsecs'"},
        BadSweep{"bad_strategy", "sweep:\n  recovery.strategy: [hot_spare, teleport]\n",
                 "  recovery.strategy: [hot_spare, teleport]", "unknown recovery strategy"},
        BadSweep{"empty_list", "sweep:\n  cluster.spares: []\n", "  cluster.spares: []",
                 "empty list of values"},
        BadSweep{"not_a_list", "sweep:\n  cluster.spares: 4\n", "  cluster.spares: 4",
                 "expected a list of values"},
        BadSweep{"map_value", "sweep:\n  cluster.spares:\n    - 0\n    - {a: 1}\n", "    - {a: 1}",
                 "expected a single value"},
        BadSweep{"list_value", "sweep:\n  cluster.spares:\n    - [1, 2]\n", "    - [1, 2]",
                 "expected a single value"},
        BadSweep{"null_value", "sweep:\n  cluster.spares:\n    - 1\n    - ~\n", "    - ~",
                 "expected a single value"},
        BadSweep{"zip_lengths",
                 "sweep:\n  zip:\n    - checkpoint.interval: [10min, 30min]\n"
                 "      checkpoint.write: [1min]\n",
                 "      checkpoint.write: [1min]", "zip lists differ in length"},
        BadSweep{"zip_not_maps", "sweep:\n  zip: [1, 2]\n", "  zip: [1, 2]",
                 "expected a zip group"},
        BadSweep{"swept_twice",
                 "sweep:\n  cluster.spares: [0, 1]\n  zip:\n"
                 "    - {cluster.spares: [2, 3]}\n",
                 "    - {cluster.spares: [2, 3]}", "'cluster.spares' is swept twice"},
        BadSweep{"overlapping", "sweep:\n  checkpoint: [a]\n  checkpoint.interval: [1h]\n",
                 "  checkpoint.interval: [1h]", "overlaps 'checkpoint'"},
        BadSweep{"montecarlo", "sweep:\n  montecarlo.seed: [1, 2]\n", "  montecarlo.seed: [1, 2]",
                 "common random numbers"},
        BadSweep{"through_a_scalar", "sweep:\n  job.work.params: [1e11]\n",
                 "  job.work.params: [1e11]", "'job.work' is '100h'"},
        BadSweep{"bad_key_path", "sweep:\n  cluster..spares: [1]\n", "  cluster..spares: [1]",
                 "empty key path component"},
        BadSweep{"empty_block", "sweep:\n", "sweep:", "the sweep block is empty"},
        BadSweep{"not_a_map", "sweep: [1, 2]\n", "sweep: [1, 2]", "expected a map"},
        BadSweep{"no_sweep", "", "name: bad-sweep", "no sweep block"}),
    [](const ::testing::TestParamInfo<BadSweep>& info) { return std::string(info.param.name); });

TEST(SweepCommand, BadOptionsExitTwoAndWriteNothing) {
  TempDir dir;
  write_text(dir / "scenario.yaml", kSmall);
  for (const auto& extra : std::vector<std::vector<std::string>>{
           {"--reps", "0"}, {"--seed", "-1"}, {"--threads", "-2"}, {"--set", "cluster.spares"}}) {
    const RunResult r = run_goodsim(sweep_args("out.h5", extra), dir.path());
    EXPECT_EQ(r.exit_code, 2) << extra[0] << "\n" << r;
    EXPECT_EQ(list_dir(dir.path()), std::set<std::string>{"scenario.yaml"});
  }
  const RunResult missing_dir = run_goodsim(sweep_args("nowhere/out.h5"), dir.path());
  EXPECT_EQ(missing_dir.exit_code, 2) << missing_dir;
  EXPECT_TRUE(HasSubstr(missing_dir.err, "does not exist"));
}

// ---------------------------------------------------------------------------------------------
// Crash safety.

// Long enough (a few hundred ms in Release, about 15 points of ~20 ms plus a 10 ms sync each) that
// kills land while points are being computed; kill moments are drawn relative to its run time.
constexpr const char* kKill = R"(name: kill-test
cluster:
  nodes: 256
  spares: 2
  failure: {node_mtbf: 3000h}
  repair: {mean: 24h}
job: {work: 400h}
checkpoint: {interval: 30min, write: 2min}
recovery: {detect: 5min, swap: 5min, restart: 10min, load: 5min}
cost: {node_hour_usd: 90}
montecarlo: {replications: 200, seed: 11}
sweep:
  cluster.failure.node_mtbf: [1500h, 3000h, 6000h]
  cluster.spares: [0, 1, 2, 4, 8]
)";
constexpr std::size_t kKillPoints = 15;

std::vector<std::string> part_files(const fs::path& parts) {
  std::vector<std::string> out;
  if (!fs::is_directory(parts)) return out;
  for (const std::string& name : list_dir(parts)) {
    if (name.size() == 9 && name.substr(6) == ".h5") out.push_back(name);
  }
  return out;
}

// Starts a sweep and SIGKILLs it once `min_parts` points are stored, plus `delay`. Returns
// true if the kill interrupted it (false if it had finished first).
bool kill_sweep(const fs::path& dir, const std::vector<std::string>& args, std::size_t min_parts,
                std::chrono::milliseconds delay) {
  GoodsimProcess p(args, dir);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (p.running() && part_files(dir / "out.h5.parts").size() < min_parts &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
  std::this_thread::sleep_for(delay);
  const bool sent = p.kill(SIGKILL);
  int signal = 0;
  const RunResult r = p.wait(&signal);
  if (!sent) {
    EXPECT_EQ(r.exit_code, 0) << r;
  }
  return sent && signal == SIGKILL;
}

TEST(SweepCrashSafety, KilledAtRandomMomentsAndResumedGivesTheSameFileBitForBit) {
  TempDir dir;
  write_text(dir / "scenario.yaml", kKill);
  const auto start = std::chrono::steady_clock::now();
  const RunResult ref = run_goodsim(sweep_args("ref.h5", {"--threads", "2"}), dir.path());
  ASSERT_EQ(ref.exit_code, 0) << ref;
  // Kill moments are drawn relative to the uninterrupted run time (Release, ASan, a busy
  // machine), from a fixed seed.
  const int ref_ms = static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                          std::chrono::steady_clock::now() - start)
                                          .count());
  std::mt19937 rng(20261125);
  auto random_delay = [&](double fraction) {
    return std::chrono::milliseconds(
        std::uniform_int_distribution<int>(0, static_cast<int>(fraction * ref_ms))(rng));
  };
  const fs::path parts = dir / "out.h5.parts";

  // 1. A fresh sweep, killed a random moment after its first point was stored. (Should the
  //    machine have been much slower for the reference run, the sweep might finish first:
  //    then it is run again and killed as soon as a point is stored.)
  bool killed = false;
  for (int attempt = 0; attempt < 3 && !killed; ++attempt) {
    fs::remove(dir / "out.h5");
    killed = kill_sweep(dir.path(), sweep_args("out.h5", {"--threads", "2"}), 1,
                        attempt == 0 ? random_delay(0.1) : std::chrono::milliseconds(0));
  }
  ASSERT_TRUE(killed) << "the sweep finished before it could be killed";
  EXPECT_FALSE(fs::exists(dir / "out.h5"));
  const std::size_t stored = part_files(parts).size();
  EXPECT_GE(stored, 1u);
  EXPECT_LE(stored, kKillPoints);
  // Each stored part names the build that made it, as the assembled output does.
  for (const std::string& part : part_files(parts)) {
    const auto file = sim::h5::File::open_read((parts / part).string());
    EXPECT_EQ(file.root().string_attribute("commit"), kCommit) << part;
  }

  // Without --resume the parts are not touched.
  const std::set<std::string> before = list_dir(parts);
  const RunResult refused = run_goodsim(sweep_args("out.h5"), dir.path());
  EXPECT_EQ(refused.exit_code, 2) << refused;
  EXPECT_TRUE(HasSubstr(refused.err, "--resume")) << refused;
  EXPECT_EQ(list_dir(parts), before);

  // 2. A stored part damaged on disk is recomputed, not trusted.
  const std::string victim = part_files(parts).front();
  const std::string bytes = read_text(parts / victim);
  write_text(parts / victim, bytes.substr(0, bytes.size() / 2));

  // 3. Resumed and killed again at random moments (any moment: computing, storing a part,
  //    assembling the output, removing the parts), with 1 or 2 threads.
  int interrupted = 0;
  for (int round = 0; round < 3; ++round) {
    const auto delay = random_delay(0.5);
    const std::string threads = round % 2 == 0 ? "1" : "2";
    interrupted +=
        kill_sweep(dir.path(), sweep_args("out.h5", {"--resume", "--threads", threads}), 0, delay);
  }

  // 4. The final resume completes it.
  const RunResult done = run_goodsim(sweep_args("out.h5", {"--resume"}), dir.path());
  ASSERT_EQ(done.exit_code, 0) << done << "\n(interrupted resumes: " << interrupted << ")";
  std::cerr << "[ info     ] reference run " << ref_ms << " ms; first kill after " << stored
            << " of " << kKillPoints << " points; " << interrupted << " of 3 resumes interrupted\n";
  EXPECT_EQ(list_dir(dir.path()), (std::set<std::string>{"out.h5", "ref.h5", "scenario.yaml"}));
  expect_same_file(dir / "ref.h5", dir / "out.h5");

  // Resuming a finished sweep does nothing and leaves the file as it is.
  const std::string finished = read_text(dir / "out.h5");
  const RunResult again = run_goodsim(sweep_args("out.h5", {"--resume"}), dir.path());
  ASSERT_EQ(again.exit_code, 0) << again;
  EXPECT_TRUE(HasSubstr(again.out, "already complete")) << again;
  EXPECT_TRUE(read_text(dir / "out.h5") == finished);
}

// Flips one bit of the first value of dataset `name` in the HDF5 file at `path`, where the
// file stores it (found by its bytes), as a failing disk or memory would.
void flip_a_bit_of(const fs::path& path, const std::string& name) {
  const double first = sim::h5::File::open_read(path.string()).root().read_doubles(name).at(0);
  std::string pattern(sizeof first, '\0');
  std::memcpy(pattern.data(), &first, sizeof first);
  std::string bytes = read_text(path);
  const std::size_t at = bytes.find(pattern);
  ASSERT_NE(at, std::string::npos) << name << " is not stored as plain bytes in " << path;
  bytes[at + 2] = static_cast<char>(bytes[at + 2] ^ 0x10);  // a low mantissa bit
  write_text(path, bytes);
}

// Issue 11 item 2: every stored dataset carries a Fletcher32 checksum, so a bit flipped in a
// part or in the finished output is caught by --resume and recomputed, never taken as a result.
TEST(SweepCrashSafety, ABitFlippedInAStoredPartIsRecomputed) {
  TempDir dir;
  write_text(dir / "scenario.yaml", kKill);
  ASSERT_EQ(run_goodsim(sweep_args("ref.h5", {"--threads", "2"}), dir.path()).exit_code, 0);
  ASSERT_TRUE(kill_sweep(dir.path(), sweep_args("out.h5"), 1, std::chrono::milliseconds(0)));
  const fs::path parts = dir / "out.h5.parts";
  const std::string victim = part_files(parts).front();
  const std::string group = "points/" + victim.substr(0, 6);
  flip_a_bit_of(parts / victim, group + "/goodput");
  EXPECT_THROW(sim::h5::File::open_read((parts / victim).string()).verify(), sim::h5::Error);

  const RunResult r =
      run_goodsim({"sweep", "scenario.yaml", "-o", "out.h5", "--resume"}, dir.path());
  ASSERT_EQ(r.exit_code, 0) << r;
  EXPECT_TRUE(HasSubstr(r.err, victim + "' is damaged or incomplete; recomputing that point")) << r;
  expect_same_file(dir / "ref.h5", dir / "out.h5");
}

TEST(SweepCrashSafety, ABitFlippedInTheFinishedOutputIsRecomputedOnResume) {
  TempDir dir;
  write_text(dir / "scenario.yaml", kSmall);
  ASSERT_EQ(run_goodsim(sweep_args("ref.h5"), dir.path()).exit_code, 0);
  ASSERT_EQ(run_goodsim(sweep_args("out.h5"), dir.path()).exit_code, 0);
  sim::h5::File::open_read((dir / "out.h5").string()).verify();  // intact: no throw
  flip_a_bit_of(dir / "out.h5", "points/000001/wall_h");

  const RunResult r =
      run_goodsim({"sweep", "scenario.yaml", "-o", "out.h5", "--resume"}, dir.path());
  ASSERT_EQ(r.exit_code, 0) << r;
  EXPECT_TRUE(HasSubstr(r.err, "the finished output is damaged")) << r;
  EXPECT_TRUE(HasSubstr(r.err, "points/000001/wall_h")) << r;
  EXPECT_FALSE(HasSubstr(r.out, "already complete")) << r;
  expect_same_file(dir / "ref.h5", dir / "out.h5");
  EXPECT_EQ(list_dir(dir.path()), (std::set<std::string>{"out.h5", "ref.h5", "scenario.yaml"}));
}

// sweep --precision: every point stops on its own rule (different counts), a point killed
// half-way is recomputed from replication 0 on --resume and reaches the count it would have
// reached uninterrupted (the file is the same bit for bit), and a point's count is that of
// `goodsim run --precision` on the same scenario.
TEST(SweepPrecision, KilledAndResumedReachesTheSameCountsAsUninterrupted) {
  TempDir dir;
  write_text(dir / "scenario.yaml", kKill);
  const std::vector<std::string> precision{"--precision", "0.003"};
  auto with = [&](std::vector<std::string> more) {
    more.insert(more.end(), precision.begin(), precision.end());
    return more;
  };
  const RunResult ref = run_goodsim(sweep_args("ref.h5", with({"--threads", "2"})), dir.path());
  ASSERT_EQ(ref.exit_code, 0) << ref;
  std::set<std::size_t> counts;
  std::size_t point6 = 0;
  {
    const auto file = sim::h5::File::open_read((dir / "ref.h5").string());
    for (std::size_t i = 0; i < kKillPoints; ++i) {
      const std::size_t n =
          file.root().open_group("points/" + cli::point_name(i)).read_doubles("goodput").size();
      EXPECT_EQ(n % 256, 0u) << i;
      EXPECT_GE(n, 512u) << i;
      counts.insert(n);
      if (i == 6) point6 = n;
    }
  }
  EXPECT_GE(counts.size(), 3u) << "the points should need different counts";
  {
    // /summary has each point's count and estimate.
    const auto file = sim::h5::File::open_read((dir / "ref.h5").string());
    const sim::h5::Table summary = file.root().read_table("summary");
    const std::vector<double>* reps = nullptr;
    const std::vector<double>* ci = nullptr;
    for (const auto& c : summary.columns) {
      if (c.name == "replications") reps = std::get_if<std::vector<double>>(&c.values);
      if (c.name == "estimate_ci95") ci = std::get_if<std::vector<double>>(&c.values);
    }
    ASSERT_TRUE(reps && ci);
    ASSERT_EQ(reps->size(), kKillPoints);
    for (std::size_t i = 0; i < kKillPoints; ++i) {
      EXPECT_EQ((*reps)[i], static_cast<double>(file.root()
                                                    .open_group("points/" + cli::point_name(i))
                                                    .read_doubles("goodput")
                                                    .size()));
      EXPECT_LE((*ci)[i], 0.003);
    }
  }

  bool killed = false;
  for (int attempt = 0; attempt < 3 && !killed; ++attempt) {
    fs::remove(dir / "out.h5");
    fs::remove_all(dir / "out.h5.parts");
    killed = kill_sweep(dir.path(), sweep_args("out.h5", with({"--threads", "2"})), 1,
                        std::chrono::milliseconds(0));
  }
  ASSERT_TRUE(killed) << "the sweep finished before it could be killed";
  const std::size_t stored = part_files(dir / "out.h5.parts").size();
  EXPECT_LT(stored, kKillPoints);
  const RunResult resumed =
      run_goodsim(sweep_args("out.h5", with({"--resume", "--threads", "1"})), dir.path());
  ASSERT_EQ(resumed.exit_code, 0) << resumed;
  expect_same_file(dir / "ref.h5", dir / "out.h5");

  // Point 6 (node MTBF 3,000 h, 1 spare) alone, with goodsim run.
  const RunResult run = run_goodsim(
      {"run", "scenario.yaml", "--no-output", "-q", "--set", "cluster.failure.node_mtbf=3000h",
       "--set", "cluster.spares=1", "--precision", "0.003"},
      dir.path());
  ASSERT_EQ(run.exit_code, 0) << run;
  EXPECT_TRUE(HasSubstr(run.out, "after " + std::to_string(point6) + " replications") ||
              HasSubstr(run.out, "after " + std::to_string(point6 / 1000) + "," +
                                     std::to_string(point6 % 1000 + 1000).substr(1) +
                                     " replications"))
      << point6 << "\n"
      << run;
}

TEST(SweepCrashSafety, ResumeRefusesThePartsOfADifferentSweep) {
  TempDir dir;
  write_text(dir / "scenario.yaml", kKill);
  ASSERT_TRUE(kill_sweep(dir.path(), sweep_args("out.h5"), 1, std::chrono::milliseconds(0)));
  const fs::path parts = dir / "out.h5.parts";
  const std::set<std::string> before = list_dir(parts);
  ASSERT_FALSE(part_files(parts).empty());

  // Another replication count, another seed, another base value, another sweep list.
  std::string other_scenario = kKill;
  other_scenario.replace(other_scenario.find("[0, 1, 2, 4, 8]"), 15, "[0, 1, 2, 4, 9]");
  write_text(dir / "other.yaml", other_scenario);
  const std::vector<std::vector<std::string>> different = {
      sweep_args("out.h5", {"--resume", "--reps", "201"}),
      sweep_args("out.h5", {"--resume", "--seed", "12"}),
      sweep_args("out.h5", {"--resume", "--set", "cluster.nodes=255"}),
      sweep_args("out.h5", {"--resume", "--recovery-times"}),
      {"sweep", "other.yaml", "-o", "out.h5", "--resume", "--quiet"}};
  for (const auto& args : different) {
    const RunResult r = run_goodsim(args, dir.path());
    EXPECT_EQ(r.exit_code, 2) << r;
    EXPECT_TRUE(HasSubstr(r.err, "out.h5.parts: holds the parts of a different sweep")) << r;
    EXPECT_EQ(list_dir(parts), before) << r;
    EXPECT_FALSE(fs::exists(dir / "out.h5"));
  }
  // The same sweep, written differently (comments, flow style), resumes.
  write_text(dir / "scenario.yaml", std::string("# same sweep\n") + kKill);
  const RunResult same = run_goodsim(sweep_args("out.h5", {"--resume"}), dir.path());
  EXPECT_EQ(same.exit_code, 0) << same;
  EXPECT_FALSE(fs::exists(parts));
}

TEST(SweepCrashSafety, AnOutputOfSomethingElseIsRefusedUnlessForced) {
  TempDir dir;
  write_text(dir / "scenario.yaml", kSmall);
  ASSERT_EQ(run_goodsim(sweep_args("out.h5"), dir.path()).exit_code, 0);
  const std::string original = read_text(dir / "out.h5");

  const RunResult other = run_goodsim(sweep_args("out.h5", {"--reps", "41"}), dir.path());
  EXPECT_EQ(other.exit_code, 2) << other;
  EXPECT_TRUE(HasSubstr(other.err, "out.h5: the output exists and holds a different sweep"));
  EXPECT_TRUE(HasSubstr(other.err, "--force"));
  const RunResult other_resume =
      run_goodsim(sweep_args("out.h5", {"--reps", "41", "--resume"}), dir.path());
  EXPECT_EQ(other_resume.exit_code, 2) << other_resume;
  EXPECT_TRUE(read_text(dir / "out.h5") == original);
  EXPECT_EQ(list_dir(dir.path()), (std::set<std::string>{"out.h5", "scenario.yaml"}));

  write_text(dir / "notes.h5", "not HDF5");
  const RunResult not_hdf5 = run_goodsim(sweep_args("notes.h5"), dir.path());
  EXPECT_EQ(not_hdf5.exit_code, 2) << not_hdf5;
  EXPECT_EQ(read_text(dir / "notes.h5"), "not HDF5");

  const RunResult forced =
      run_goodsim(sweep_args("out.h5", {"--reps", "41", "--force"}), dir.path());
  ASSERT_EQ(forced.exit_code, 0) << forced;
  const auto file = sim::h5::File::open_read((dir / "out.h5").string());
  EXPECT_EQ(file.root().int64_attribute("replications"), 41);

  // The same sweep again (no --resume) recomputes and replaces its own output.
  const RunResult rerun = run_goodsim(sweep_args("out.h5", {"--reps", "41"}), dir.path());
  EXPECT_EQ(rerun.exit_code, 0) << rerun;
}

}  // namespace
}  // namespace goodsim::test
