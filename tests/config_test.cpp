#include "sim/config.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <random>
#include <string>

namespace goodsim::sim {
namespace {

namespace fs = std::filesystem;

// Runs `fn`, expects an InputError and returns it (a default one if nothing was thrown).
InputError catch_input_error(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const InputError& e) {
    return e;
  }
  ADD_FAILURE() << "expected an InputError";
  return InputError({}, "", "<not thrown>");
}

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

// Each test gets its own fresh directory for YAML files.
class ConfigFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::random_device random;
    dir_ = fs::temp_directory_path() /
           ("goodsim_config_test_" + std::to_string(random()) + "_" + std::to_string(random()));
    ASSERT_TRUE(fs::create_directories(dir_));
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  std::string write(const std::string& relative, const std::string& content) {
    fs::path path = dir_ / relative;
    fs::create_directories(path.parent_path());
    std::ofstream(path) << content;
    return path.lexically_normal().string();
  }

  fs::path dir_;
};

// ---------------------------------------------------------------------------------------------
// Durations

TEST(ParseHoursTest, AcceptsNumbersWithUnits) {
  const std::pair<const char*, double> cases[] = {
      {"90s", 90.0 / 3600},
      {"30 sec", 30.0 / 3600},
      {"5min", 5.0 / 60},
      {"5 min", 5.0 / 60},
      {"2h", 2},
      {"1.5h", 1.5},
      {"3hr", 3},
      {"54d", 54 * 24},
      {"2 day", 48},
      {"3days", 72},
      {"1w", 168},
      {"2 week", 336},
      {"1e3h", 1000},
      {"-5min", -5.0 / 60},
      {"+2h", 2},
      {"0", 0},
      {".5h", 0.5},
      {"0s", 0},
  };
  for (const auto& [text, hours] : cases) {
    std::optional<double> parsed = parse_hours(text);
    ASSERT_TRUE(parsed.has_value()) << text;
    EXPECT_NEAR(*parsed, hours, 1e-12) << text;
  }
}

TEST(ParseHoursTest, RejectsMissingOrUnknownUnits) {
  const char* cases[] = {"30",   "5 minutes", "5m",   "abc",   "h",       "",       "5  min",
                         "5 ",   "5H",        "5ms",  "infh",  "nanh",    "1e400h", "1e307w",
                         "min5", "5 h s",     "+-5h", "0x10h", "3 hours", "2.5"};
  for (const char* text : cases) EXPECT_FALSE(parse_hours(text).has_value()) << text;
}

TEST(ConfigNodeTest, AsHoursErrorNamesUnitsAndAmbiguousM) {
  ConfigNode bare = ConfigNode::scalar("30", {"f.yaml", 3, 7}, "job.checkpoint_interval");
  InputError e = catch_input_error([&] { bare.as_hours(); });
  EXPECT_EQ(std::string(e.what()),
            "f.yaml:3:7: key 'job.checkpoint_interval': expected a duration with a unit "
            "(s, min, h, d, w), e.g. '30min', got '30'");

  ConfigNode m = ConfigNode::scalar("5m", {"f.yaml", 1, 1}, "x");
  e = catch_input_error([&] { m.as_hours(); });
  EXPECT_TRUE(contains(e.message(), "got '5m'")) << e.what();
  EXPECT_TRUE(contains(e.message(), "'m' is ambiguous")) << e.what();

  EXPECT_DOUBLE_EQ(ConfigNode::scalar("90min", {}, "x").as_hours(), 1.5);
}

// ---------------------------------------------------------------------------------------------
// Typed reads

TEST(ConfigNodeTest, AsIntAcceptsIntegersOnly) {
  auto as_int = [](const char* text) { return ConfigNode::scalar(text, {}, "n").as_int(); };
  EXPECT_EQ(as_int("8"), 8);
  EXPECT_EQ(as_int("-3"), -3);
  EXPECT_EQ(as_int("+4"), 4);
  EXPECT_EQ(as_int("1e3"), 1000);
  EXPECT_EQ(as_int("9223372036854775807"), INT64_MAX);
  for (const char* bad : {"8.5", "8x", "", "abc", "1e-3", "9223372036854775808", "1e19", "0x10"}) {
    EXPECT_THROW(as_int(bad), InputError) << bad;
  }
  InputError e = catch_input_error([] {
    ConfigNode::scalar("8.5", {"s.yaml", 4, 12}, "cluster.spares").as_int();
  });
  EXPECT_EQ(std::string(e.what()),
            "s.yaml:4:12: key 'cluster.spares': expected an integer, "
            "got '8.5'");
  EXPECT_EQ(e.key(), "cluster.spares");
  EXPECT_EQ(e.where().line, 4);
}

TEST(ConfigNodeTest, AsDoubleAcceptsFiniteReals) {
  auto as_double = [](const char* text) { return ConfigNode::scalar(text, {}, "x").as_double(); };
  EXPECT_DOUBLE_EQ(as_double("1e-3"), 1e-3);
  EXPECT_DOUBLE_EQ(as_double("2048"), 2048);
  EXPECT_DOUBLE_EQ(as_double("0.5"), 0.5);
  EXPECT_DOUBLE_EQ(as_double("-2.5"), -2.5);
  for (const char* bad : {"abc", "1.5h", "", "inf", "nan", ".inf", "1e400", "1,5"}) {
    EXPECT_THROW(as_double(bad), InputError) << bad;
  }
  InputError e = catch_input_error([] { ConfigNode::scalar("abc", {}, "x").as_double(); });
  EXPECT_EQ(e.message(), "expected a real number, got 'abc'");
}

TEST(ConfigNodeTest, AsBoolAndWrongKinds) {
  EXPECT_TRUE(ConfigNode::scalar("true", {}, "b").as_bool());
  EXPECT_FALSE(ConfigNode::scalar("false", {}, "b").as_bool());
  InputError e = catch_input_error([] { ConfigNode::scalar("yes", {}, "b").as_bool(); });
  EXPECT_EQ(e.message(), "expected true or false, got 'yes'");

  ConfigNode root = parse_config("m: {a: 1}\ns: [1]\nn:\n", "f.yaml");
  e = catch_input_error([&] { root.find("m")->as_int(); });
  EXPECT_EQ(e.message(), "expected an integer, got a map");
  e = catch_input_error([&] { root.find("s")->scalar(); });
  EXPECT_EQ(e.message(), "expected a scalar value, got a sequence");
  e = catch_input_error([&] { root.find("n")->as_string(); });
  EXPECT_EQ(e.message(), "expected a string, got null");
}

TEST(ConfigNodeTest, PlainNullsAreNullButQuotedOnesAreText) {
  ConfigNode root = parse_config("a: ~\nb: null\nc:\nd: '~'\ne: \"\"\nf: 'true'\n", "f.yaml");
  EXPECT_TRUE(root.find("a")->is_null());
  EXPECT_TRUE(root.find("b")->is_null());
  EXPECT_TRUE(root.find("c")->is_null());
  EXPECT_EQ(root.find("c")->where().line, 3);  // the key's line, not the next token's
  EXPECT_EQ(root.find("d")->scalar(), "~");
  EXPECT_EQ(root.find("e")->scalar(), "");
  EXPECT_TRUE(root.find("f")->as_bool());
}

// ---------------------------------------------------------------------------------------------
// Locations, paths, strict maps

constexpr const char* kScenario =
    "name: demo\n"
    "cluster:\n"
    "  nodes: 16\n"
    "  spraes: 2\n"
    "  failure:\n"
    "    node_mtbf: 54d\n"
    "sweep:\n"
    "  cluster.spares: [0, 4, 8]\n";

TEST_F(ConfigFileTest, NestedKeyReportsExactLocationAndPath) {
  std::string path = write("s.yaml", kScenario);
  ConfigNode root = load_config_file(path);
  const ConfigNode* mtbf = find_path(root, "cluster.failure.node_mtbf");
  ASSERT_NE(mtbf, nullptr);
  EXPECT_EQ(mtbf->path(), "cluster.failure.node_mtbf");
  EXPECT_EQ(mtbf->where().file, path);
  EXPECT_EQ(mtbf->where().line, 6);
  EXPECT_EQ(mtbf->where().column, 16);
  EXPECT_EQ(mtbf->key_where().line, 6);
  EXPECT_EQ(mtbf->key_where().column, 5);
  EXPECT_DOUBLE_EQ(mtbf->as_hours(), 54 * 24);

  InputError e = catch_input_error([&] { mtbf->as_int(); });
  EXPECT_EQ(std::string(e.what()),
            path + ":6:16: key 'cluster.failure.node_mtbf': expected an integer, got '54d'");

  const ConfigNode* spares = find_path(root, "sweep.cluster.spares");
  EXPECT_EQ(spares, nullptr);  // the dotted name is one key, not a path
  const ConfigNode& sweep_values = root.find("sweep")->find("cluster.spares")->items().at(2);
  EXPECT_EQ(sweep_values.path(), "sweep.cluster.spares[2]");
  EXPECT_EQ(sweep_values.where().line, 8);
  EXPECT_EQ(sweep_values.where().column, 26);
  EXPECT_EQ(root.path(), "");
}

TEST(MapReaderTest, UnknownKeyListsExpectedKeysAtTheKeysLine) {
  ConfigNode root = parse_config(kScenario, "s.yaml");
  MapReader cluster(*root.find("cluster"));
  EXPECT_EQ(cluster.required("nodes").as_int(), 16);
  EXPECT_NE(cluster.optional("failure"), nullptr);
  EXPECT_EQ(cluster.optional("spares"), nullptr);
  InputError e = catch_input_error([&] { cluster.finish(); });
  EXPECT_EQ(std::string(e.what()),
            "s.yaml:4:3: key 'cluster': unknown key 'spraes'; expected one of: nodes, failure, "
            "spares");
  EXPECT_EQ(e.where().line, 4);
}

TEST(MapReaderTest, FinishPassesWhenAllKeysWereRead) {
  ConfigNode root = parse_config("a: 1\nb: 2\n", "f.yaml");
  MapReader reader(root);
  reader.required("a");
  reader.optional("b");
  EXPECT_NO_THROW(reader.finish());
}

TEST(MapReaderTest, MissingRequiredKeyPointsAtTheMap) {
  ConfigNode root = parse_config(kScenario, "s.yaml");
  MapReader cluster(*root.find("cluster"));
  InputError e = catch_input_error([&] { cluster.required("spares"); });
  EXPECT_EQ(std::string(e.what()), "s.yaml:3:3: key 'cluster': missing required key 'spares'");

  MapReader top(root);
  e = catch_input_error([&] { top.required("model"); });
  EXPECT_EQ(std::string(e.what()), "s.yaml:1:1: missing required key 'model'");
}

TEST(MapReaderTest, RejectsNonMaps) {
  ConfigNode root = parse_config("a: [1]\n", "f.yaml");
  InputError e = catch_input_error([&] { MapReader reader(*root.find("a")); });
  EXPECT_EQ(std::string(e.what()), "f.yaml:1:4: key 'a': expected a map, got a sequence");
}

TEST(ConfigParseTest, DuplicateKeyAtSecondOccurrence) {
  InputError e = catch_input_error(
      [] { parse_config("cluster:\n  nodes: 4\n  spares: 1\n  nodes: 8\n", "d.yaml"); });
  EXPECT_EQ(e.where().file, "d.yaml");
  EXPECT_EQ(e.where().line, 4);
  EXPECT_EQ(e.where().column, 3);
  EXPECT_EQ(e.key(), "cluster");
  EXPECT_TRUE(contains(e.message(), "duplicate key 'nodes'")) << e.what();
}

TEST(ConfigParseTest, AliasesAreCopiedWithTheirNewPaths) {
  ConfigNode root = parse_config("base: &b {x: 1}\nother: *b\n", "a.yaml");
  const ConfigNode* x = find_path(root, "other.x");
  ASSERT_NE(x, nullptr);
  EXPECT_EQ(x->path(), "other.x");
  EXPECT_EQ(x->as_int(), 1);
  EXPECT_EQ(root.find("other")->key_where().line, 2);
}

TEST(ConfigParseTest, RejectsMergeKeysAndMultipleDocuments) {
  EXPECT_THROW(parse_config("a: &a {x: 1}\nb:\n  <<: *a\n", "f.yaml"), InputError);
  EXPECT_THROW(parse_config("a: 1\n---\nb: 2\n", "f.yaml"), InputError);
}

TEST_F(ConfigFileTest, SyntaxErrorReportsLine) {
  std::string path = write("bad.yaml", "a: 1\nb:\n  c: [1, 2\nd: 3\n");
  InputError e = catch_input_error([&] { load_config_file(path); });
  EXPECT_EQ(e.where().file, path);
  EXPECT_EQ(e.where().line, 4);
  EXPECT_GT(e.where().column, 0);
  EXPECT_TRUE(contains(e.message(), "invalid YAML")) << e.what();

  path = write("indent.yaml", "a:\n  b: 1\n c: 2\n");
  e = catch_input_error([&] { load_config_file(path); });
  EXPECT_EQ(e.where().line, 3);
}

TEST(ConfigErrors, LongValuesAreQuotedAsAShortExcerptWithTheirLength) {
  EXPECT_EQ(quoted_excerpt("30min"), "'30min'");
  EXPECT_EQ(quoted_excerpt(std::string(80, 'a')), "'" + std::string(80, 'a') + "'");
  EXPECT_EQ(quoted_excerpt(std::string(1 << 20, 'a')),
            "'" + std::string(60, 'a') + "\u2026' (1048576 bytes)");
  // A two-byte character across the cut is dropped whole, not split.
  const std::string text = std::string(59, 'a') + "\u00e9" + std::string(100, 'b');
  EXPECT_EQ(quoted_excerpt(text), "'" + std::string(59, 'a') + "\u2026' (161 bytes)");
}

TEST(ConfigErrors, AHugeValueGivesAShortMessage) {
  const std::string huge(1 << 20, '7');
  const ConfigNode root = parse_config("nodes: x" + huge + "\n", "s.yaml");
  const InputError e = catch_input_error([&] { root.find("nodes")->as_int(); });
  EXPECT_EQ(std::string(e.what()), "s.yaml:1:8: key 'nodes': expected an integer, got 'x" +
                                       std::string(59, '7') + "\u2026' (1048577 bytes)");
  // YAML keys are at most 1024 characters (yaml-cpp's simple-key limit).
  const ConfigNode keys = parse_config(std::string(1000, 'k') + ": 1\n", "s.yaml");
  MapReader reader(keys);
  const InputError unknown = catch_input_error([&] { reader.finish(); });
  EXPECT_LT(std::string(unknown.what()).size(), 200u) << unknown.what();
}

TEST_F(ConfigFileTest, MissingFile) {
  std::string path = (dir_ / "nope.yaml").string();
  InputError e = catch_input_error([&] { load_config_file(path); });
  EXPECT_EQ(std::string(e.what()), path + ": cannot open file: No such file or directory");
  EXPECT_EQ(e.where().line, 0);
  EXPECT_EQ(e.key(), "");
}

// ---------------------------------------------------------------------------------------------
// extends

TEST_F(ConfigFileTest, ExtendsMergesNestedMaps) {
  std::string base = write("configs/base.yaml",
                           "name: base\n"
                           "cluster:\n"
                           "  nodes: 16\n"
                           "  failure:\n"
                           "    node_mtbf: 54d\n"
                           "    repair: 4h\n"
                           "  list: [1, 2, 3]\n");
  std::string scenario = write("scenarios/s.yaml",
                               "extends: ../configs/base.yaml\n"
                               "cluster:\n"
                               "  failure:\n"
                               "    repair: 8h\n"
                               "  list: [9]\n"
                               "  spares: 2\n");
  ConfigNode root = load_config_file(scenario);
  EXPECT_EQ(root.find("extends"), nullptr);
  EXPECT_EQ(root.find("name")->as_string(), "base");

  const ConfigNode* repair = find_path(root, "cluster.failure.repair");
  ASSERT_NE(repair, nullptr);
  EXPECT_DOUBLE_EQ(repair->as_hours(), 8);
  EXPECT_EQ(repair->where().file, scenario);
  EXPECT_EQ(repair->where().line, 4);

  const ConfigNode* mtbf = find_path(root, "cluster.failure.node_mtbf");
  ASSERT_NE(mtbf, nullptr);
  EXPECT_EQ(mtbf->where().file, base);  // kept from the base, with the base's location
  EXPECT_EQ(mtbf->where().line, 5);
  EXPECT_FALSE(contains(mtbf->where().file, "..")) << mtbf->where().file;

  const ConfigNode* list = find_path(root, "cluster.list");
  ASSERT_EQ(list->items().size(), 1u);  // sequences replace, not append
  EXPECT_EQ(list->items()[0].as_int(), 9);

  // Base keys keep their order; new keys follow.
  std::vector<std::string> keys;
  for (const auto& entry : root.find("cluster")->entries()) keys.push_back(entry.first);
  EXPECT_EQ(keys, (std::vector<std::string>{"nodes", "failure", "list", "spares"}));
  EXPECT_EQ(root.find("cluster")->where().file, scenario);
}

TEST_F(ConfigFileTest, ExtendsListAndChainsMergeInOrder) {
  write("a.yaml", "x: 1\ny: a\nz: a\n");
  write("b.yaml", "extends: a.yaml\ny: b\n");
  write("c.yaml", "z: c\nw: c\n");
  std::string top = write("top.yaml", "extends: [b.yaml, c.yaml]\nw: top\n");
  ConfigNode root = load_config_file(top);
  EXPECT_EQ(root.find("x")->as_int(), 1);
  EXPECT_EQ(root.find("y")->as_string(), "b");
  EXPECT_EQ(root.find("z")->as_string(), "c");
  EXPECT_EQ(root.find("w")->as_string(), "top");
  EXPECT_EQ(root.find("w")->where().file, top);
}

TEST_F(ConfigFileTest, ExtendsCycleIsRejectedWithTheChain) {
  std::string a = write("a.yaml", "extends: sub/b.yaml\nx: 1\n");
  std::string b = write("sub/b.yaml", "extends: ../a.yaml\n");
  InputError e = catch_input_error([&] { load_config_file(a); });
  EXPECT_EQ(e.message(), "extends cycle: " + a + " -> " + b + " -> " + a);
  EXPECT_EQ(e.where().file, b);
  EXPECT_EQ(e.where().line, 1);

  std::string self = write("self.yaml", "extends: ./self.yaml\n");
  EXPECT_THROW(load_config_file(self), InputError);
}

TEST_F(ConfigFileTest, ExtendsMissingFilePointsAtTheExtendsLine) {
  std::string path = write("s.yaml", "name: x\nextends: missing.yaml\n");
  InputError e = catch_input_error([&] { load_config_file(path); });
  EXPECT_EQ(e.where().file, path);
  EXPECT_EQ(e.where().line, 2);
  EXPECT_TRUE(contains(e.message(), "No such file or directory")) << e.what();
}

// ---------------------------------------------------------------------------------------------
// --set overrides

TEST(ApplyOverrideTest, ReplacesExistingKeepingOrder) {
  ConfigNode root = parse_config("cluster:\n  nodes: 16\n  spares: 2\n", "f.yaml");
  apply_override(root, "cluster.nodes=32");
  const ConfigNode* nodes = find_path(root, "cluster.nodes");
  EXPECT_EQ(nodes->as_int(), 32);
  EXPECT_EQ(nodes->path(), "cluster.nodes");
  EXPECT_EQ(nodes->where().file, "--set cluster.nodes=32");
  EXPECT_EQ(nodes->where().line, 0);
  EXPECT_EQ(root.find("cluster")->entries().front().first, "nodes");
  EXPECT_EQ(find_path(root, "cluster.spares")->where().file, "f.yaml");
}

TEST(ApplyOverrideTest, CreatesIntermediateMaps) {
  ConfigNode root = parse_config("cluster:\n  nodes: 16\n", "f.yaml");
  apply_override(root, "cluster.failure.repair=30min");
  const ConfigNode* failure = find_path(root, "cluster.failure");
  ASSERT_NE(failure, nullptr);
  EXPECT_TRUE(failure->is_map());
  EXPECT_EQ(failure->path(), "cluster.failure");
  EXPECT_EQ(failure->where().file, "--set cluster.failure.repair=30min");
  EXPECT_DOUBLE_EQ(find_path(root, "cluster.failure.repair")->as_hours(), 0.5);

  apply_override(root, "seed=7");
  EXPECT_EQ(root.find("seed")->as_int(), 7);

  ConfigNode empty;  // e.g. an empty file
  apply_override(empty, "a.b=true");
  EXPECT_TRUE(find_path(empty, "a.b")->as_bool());
}

TEST(ApplyOverrideTest, ParsesFlowValues) {
  ConfigNode root = parse_config("x: 1\n", "f.yaml");
  apply_override(root, "sweep.spares=[1, 2]");
  const ConfigNode* spares = find_path(root, "sweep.spares");
  ASSERT_TRUE(spares->is_sequence());
  ASSERT_EQ(spares->items().size(), 2u);
  EXPECT_EQ(spares->items()[1].as_int(), 2);
  EXPECT_EQ(spares->items()[1].path(), "sweep.spares[1]");
  EXPECT_EQ(spares->items()[1].where().line, 0);

  apply_override(root, "x={a: 1, b: [x]}");
  EXPECT_EQ(find_path(root, "x.a")->as_int(), 1);
  EXPECT_EQ(find_path(root, "x.b[0]")->path(), "x.b[0]");
  EXPECT_EQ(find_path(root, "x.b[0]")->as_string(), "x");

  apply_override(root, "sweep.spares[0]=5");
  EXPECT_EQ(find_path(root, "sweep.spares[0]")->as_int(), 5);
  EXPECT_EQ(find_path(root, "sweep.spares[0]")->path(), "sweep.spares[0]");

  apply_override(root, "name=a=b");  // only the first '=' separates
  EXPECT_EQ(root.find("name")->as_string(), "a=b");
}

TEST(ApplyOverrideTest, Errors) {
  ConfigNode root = parse_config("a:\n  b: 1\n  l: [1]\n", "f.yaml");
  InputError e = catch_input_error([&] { apply_override(root, "a.b.c=1"); });
  EXPECT_EQ(std::string(e.what()), "--set a.b.c=1: cannot set 'a.b.c': 'a.b' is a scalar");
  e = catch_input_error([&] { apply_override(root, "a.l.x=1"); });
  EXPECT_EQ(e.message(), "cannot set 'a.l.x': 'a.l' is a sequence");
  e = catch_input_error([&] { apply_override(root, "a.l[3]=1"); });
  EXPECT_EQ(e.message(), "cannot set 'a.l[3]': 'a.l' has only 1 items");

  EXPECT_THROW(apply_override(root, "a.b"), InputError);
  EXPECT_THROW(apply_override(root, "=1"), InputError);
  EXPECT_THROW(apply_override(root, "a..b=1"), InputError);
  EXPECT_THROW(apply_override(root, "a.=1"), InputError);
  EXPECT_THROW(apply_override(root, ".a=1"), InputError);
  EXPECT_THROW(apply_override(root, "a.b=[1"), InputError);
  e = catch_input_error([&] { apply_override(root, "new.list[0]=1"); });
  EXPECT_EQ(e.message(), "cannot set 'new.list[0]': 'new' does not exist");
  EXPECT_EQ(root.find("new"), nullptr);
  EXPECT_EQ(find_path(root, "a.b")->as_int(), 1);  // failed overrides change nothing
}

// ---------------------------------------------------------------------------------------------
// find_path and to_yaml

TEST(FindPathTest, WalksMapsAndSequences) {
  ConfigNode root = parse_config("a:\n  b:\n    - {c: 1}\n    - {c: 2}\n", "f.yaml");
  EXPECT_EQ(find_path(root, ""), &root);
  EXPECT_EQ(find_path(root, "a.b[1].c")->as_int(), 2);
  EXPECT_EQ(find_path(root, "a.b[2].c"), nullptr);
  EXPECT_EQ(find_path(root, "a.x"), nullptr);
  EXPECT_EQ(find_path(root, "a..b"), nullptr);
  EXPECT_EQ(find_path(root, "a.b[x]"), nullptr);
  const ConfigNode& const_root = root;
  EXPECT_EQ(find_path(const_root, "a.b[0].c")->path(), "a.b[0].c");
}

void expect_same_tree(const ConfigNode& a, const ConfigNode& b) {
  ASSERT_EQ(a.kind(), b.kind()) << a.path();
  EXPECT_EQ(a.path(), b.path());
  if (a.is_scalar()) {
    EXPECT_EQ(a.scalar(), b.scalar()) << a.path();
  }
  ASSERT_EQ(a.entries().size(), b.entries().size()) << a.path();
  for (std::size_t i = 0; i < a.entries().size(); ++i) {
    EXPECT_EQ(a.entries()[i].first, b.entries()[i].first);
    expect_same_tree(a.entries()[i].second, b.entries()[i].second);
  }
  ASSERT_EQ(a.items().size(), b.items().size()) << a.path();
  for (std::size_t i = 0; i < a.items().size(); ++i) expect_same_tree(a.items()[i], b.items()[i]);
}

TEST(ToYamlTest, SimpleBlockOutput) {
  ConfigNode root = parse_config("b: 1\na: {c: 30min, d: [1, 2]}\n", "f.yaml");
  EXPECT_EQ(to_yaml(root), "b: 1\na:\n  c: 30min\n  d:\n    - 1\n    - 2\n");
}

TEST(ToYamlTest, RoundTripPreservesScalarTexts) {
  const std::string text =
      "zeta: 1e-3\n"
      "alpha:\n"
      "  interval: 30min\n"
      "  quoted_true: 'true'\n"
      "  quoted_null: '~'\n"
      "  empty: ''\n"
      "  nothing:\n"
      "  colon: 'a: b'\n"
      "  hash: '# not a comment'\n"
      "  spaces: '  padded  '\n"
      "  multi: |\n"
      "    line one\n"
      "    line two\n"
      "  unicode: 5 µs\n"
      "  quotes: \"it's \\\"x\\\"\"\n"
      "  dash: '- x'\n"
      "  list: [1, [2, 3], {k: v}, '', ~]\n"
      "  empty_map: {}\n"
      "  empty_list: []\n"
      "'key with: colon': 1\n"
      "'': empty key\n";
  ConfigNode original = parse_config(text, "f.yaml");
  std::string yaml = to_yaml(original);
  ConfigNode again = parse_config(yaml, "round.yaml");
  expect_same_tree(original, again);
  EXPECT_EQ(find_path(again, "alpha.multi")->scalar(), "line one\nline two\n");
  EXPECT_EQ(to_yaml(again), yaml);
}

}  // namespace
}  // namespace goodsim::sim
