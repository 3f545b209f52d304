// Tests of the plotting side: scripts/plot.py and docs/notebooks/explore.ipynb.
//
// The inputs are made here: a `goodsim run` results file from the built binary, and synthetic
// files in the layout of `goodsim sweep` (a spares x node-MTBF grid, a spares x strategy grid
// with string parameters) written by a small h5py script. plot.py must write valid PNG files
// for each, reject bad inputs with exit code 2 and one line on stderr, and the notebook must
// execute headless (nbconvert) without error.
//
// The tests are skipped only if /usr/bin/python3 lacks h5py, numpy or matplotlib (the plot
// tests) or nbconvert and ipykernel (the notebook tests); scripts/setup installs all of them.

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "tests/test_support.h"

namespace goodsim::test {
namespace {

const fs::path kSourceDir = GOODSIM_SOURCE_DIR;
const fs::path kPlotScript = kSourceDir / "scripts" / "plot.py";
const fs::path kNotebook = kSourceDir / "docs" / "notebooks" / "explore.ipynb";
constexpr const char* kPython = "/usr/bin/python3";

// Runs a program with the environment of this process minus PYTHONPATH/PYTHONHOME (they
// could point /usr/bin/python3 at another installation) plus `extra_env`.
RunResult run_python_tool(const std::vector<std::string>& args, const fs::path& cwd,
                          const std::vector<std::string>& extra_env = {},
                          std::chrono::seconds timeout = std::chrono::seconds(300)) {
  return run_program(args, cwd, extra_env, {"PYTHONPATH", "PYTHONHOME"}, timeout);
}

// Environment for the Python children: no bytecode written into the source tree, and
// matplotlib/Jupyter/IPython state in `dir` rather than in $HOME (which may be read-only).
std::vector<std::string> python_env(const TempDir& dir) {
  return {"PYTHONDONTWRITEBYTECODE=1",
          "MPLBACKEND=Agg",
          "MPLCONFIGDIR=" + (dir / "mpl").string(),
          "JUPYTER_RUNTIME_DIR=" + (dir / "jupyter-runtime").string(),
          "JUPYTER_CONFIG_DIR=" + (dir / "jupyter-config").string(),
          "JUPYTER_DATA_DIR=" + (dir / "jupyter-data").string(),
          "IPYTHONDIR=" + (dir / "ipython").string(),
          "PYDEVD_DISABLE_FILE_VALIDATION=1"};
}

// Whether /usr/bin/python3 can import `modules` (e.g. "h5py, numpy"); cached per process.
bool python_can_import(const std::string& modules) {
  static std::map<std::string, bool> cache;
  const auto it = cache.find(modules);
  if (it != cache.end()) return it->second;
  bool ok = false;
  if (fs::exists(kPython)) {
    TempDir dir;
    ok = run_python_tool({kPython, "-c", "import " + modules}, dir.path(), python_env(dir),
                         std::chrono::seconds(120))
             .exit_code == 0;
  }
  return cache[modules] = ok;
}

const std::string kScenario = small_scenario("plot-test", 40, 5);

// Writes a synthetic results file in the layout of `goodsim sweep`: one /points/NNNNNN group
// per grid point with the swept key paths as attributes, and /summary with one column per
// swept key path next to the columns `goodsim run` writes (a constant "cluster.nodes" column
// must be ignored, the descriptive nodes/spares/node_mtbf_h columns dropped as implied).
constexpr const char* kMakeSweep = R"PY(
import itertools
import sys

import h5py
import numpy as np

kind, out = sys.argv[1], sys.argv[2]
sweeps = {
    "grid": {"cluster.spares": [0, 2, 4, 8], "cluster.failure.node_mtbf": [1000.0, 2000.0, 4000.0]},
    "strategy": {"cluster.spares": [0, 4, 8], "recovery.strategy": ["hot_spare", "cold_restart"]},
    # text values only, priced, one hopeless point (requeue ~100x the cost of the others)
    "strategies": {"recovery.strategy": ["hot_spare", "checkpointless", "requeue"]},
}
rng = np.random.default_rng(7)
reps, nodes, work, price = 60, 64, 100.0, 90.0
priced = kind in ("grid", "strategies")
names = ["productive", "checkpoint", "lost", "detect", "wait_spares", "swap", "restart_load"]
metrics = ["goodput_mean", "goodput_ci95", "goodput_p5", "goodput_p50", "goodput_p95",
           "wall_mean_h", "wall_p95_h", "interruptions_mean", "cost_mean_usd", "cost_p95_usd"]

with h5py.File(out, "w") as f:
    f.attrs["goodsim_version"] = "0.1.0"
    f.attrs["scenario"] = f"name: synthetic-{kind}\ncluster:\n  nodes: {nodes}\n"
    f.attrs["scenario_file"] = "synthetic.yaml"
    f.attrs["seed"] = np.int64(1)
    f.attrs["created"] = "2024-01-01T00:00:00Z"
    if kind == "nosummary":
        f.create_dataset("wall_h", data=np.arange(10.0))
        sys.exit(0)
    sweep = sweeps[kind]
    keys = list(sweep)
    rows = []
    for i, combo in enumerate(itertools.product(*sweep.values())):
        p = dict(zip(keys, combo))
        spares = p.get("cluster.spares", 8)
        mtbf = p.get("cluster.failure.node_mtbf", 2000.0)
        slow = {"cold_restart": 1.6, "requeue": 400.0}.get(p.get("recovery.strategy"), 1.0)
        b = np.column_stack([
            np.full(reps, work), rng.uniform(3, 5, reps), rng.exponential(4 * 2000 / mtbf, reps),
            rng.uniform(0.5, 1, reps),
            rng.exponential(40 / (1 + spares) ** 1.5 * 2000 / mtbf, reps) * slow,
            rng.uniform(0.3, 0.6, reps) * slow, rng.uniform(1, 2, reps) * slow])
        wall = b.sum(axis=1)
        goodput = work / wall
        cost = price * (nodes + spares) * wall
        g = f.create_group(f"points/{i:06d}")
        for k, v in p.items():
            g.attrs[k] = v if isinstance(v, str) else float(v)
        for k, v in (("nodes", nodes), ("spares", spares), ("node_mtbf_h", mtbf),
                     ("checkpoint_interval_h", 0.5), ("work_h", work)):
            g.attrs[k] = v
        g.create_dataset("wall_h", data=wall).attrs["units"] = "h"
        g.create_dataset("goodput", data=goodput).attrs["units"] = "1"
        g.create_dataset("interruptions", data=rng.poisson(5, reps).astype(np.int64))
        if kind == "grid":  # as with --recovery-times: durations split by the recoveries counts
            counts = rng.poisson(4, reps).astype(np.int64)
            g.create_dataset("recoveries", data=counts).attrs["units"] = "count"
            g.create_dataset("recovery_h", data=rng.lognormal(-1.0, 0.6, counts.sum()) * slow)
        d = g.create_dataset("buckets_h", data=b)
        d.attrs["units"] = "h"
        d.attrs["names"] = np.array(names, dtype=h5py.string_dtype())
        if priced:
            g.create_dataset("cost_usd", data=cost).attrs["units"] = "USD"
        stats = [goodput.mean(), 1.96 * goodput.std(ddof=1) / np.sqrt(reps),
                 *np.percentile(goodput, [5, 50, 95]), wall.mean(), np.percentile(wall, 95), 5.0,
                 cost.mean() if priced else np.nan, np.percentile(cost, 95) if priced else np.nan]
        rows.append((f"{i:06d}".encode(),
                     *[v.encode() if isinstance(v, str) else float(v) for v in combo],
                     float(nodes), float(nodes), float(spares), mtbf, 0.5, *stats))
    dtype = ([("point", "S6")]
             + [(k, "S16" if isinstance(v[0], str) else "f8") for k, v in sweep.items()]
             + [(c, "f8") for c in ["cluster.nodes", "nodes", "spares", "node_mtbf_h",
                                    "checkpoint_interval_h"] + metrics])
    units = ([""] + ["" if isinstance(v[0], str) else "count" if k == "cluster.spares" else "h"
                     for k, v in sweep.items()]
             + ["count", "count", "count", "h", "h", "1", "1", "1", "1", "1", "h", "h", "count",
                "USD", "USD"])
    s = f.create_dataset("summary", data=np.array(rows, dtype=dtype))
    s.attrs["units"] = np.array(units, dtype=h5py.string_dtype())
)PY";

// True if `path` is a PNG file (signature, IHDR chunk) of at least 300 x 200 pixels.
::testing::AssertionResult IsPng(const fs::path& path) {
  if (!fs::exists(path)) return ::testing::AssertionFailure() << path << " does not exist";
  const std::string data = read_text(path);
  static const std::string kSignature("\x89PNG\r\n\x1a\n", 8);
  if (data.size() < 1000 || data.compare(0, 8, kSignature) != 0 ||
      data.compare(12, 4, "IHDR") != 0) {
    return ::testing::AssertionFailure()
           << path << " is not a PNG file (" << data.size() << " bytes)";
  }
  auto be32 = [&](std::size_t at) {
    std::uint32_t v = 0;
    for (std::size_t i = 0; i < 4; ++i) v = (v << 8) | static_cast<unsigned char>(data[at + i]);
    return v;
  };
  const std::uint32_t width = be32(16), height = be32(20);
  if (width < 300 || height < 200) {
    return ::testing::AssertionFailure()
           << path << " is only " << width << " x " << height << " pixels";
  }
  return ::testing::AssertionSuccess();
}

std::set<std::string> pngs(std::initializer_list<const char*> stems) {
  std::set<std::string> names;
  for (const char* s : stems) names.insert(std::string(s) + ".png");
  return names;
}

std::size_t count(const std::string& text, const std::string& part) {
  std::size_t n = 0;
  for (std::size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) {
    ++n;
  }
  return n;
}

class PlotTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!python_can_import("h5py, numpy, matplotlib")) {
      GTEST_SKIP() << kPython << " cannot import h5py, numpy and matplotlib; run scripts/setup";
    }
  }

  std::vector<std::string> env() const { return python_env(dir_); }

  // `goodsim run` on kScenario; returns the path of the results file.
  fs::path make_run_file(const std::string& name = "run.h5") {
    write_text(dir_ / "scenario.yaml", kScenario);
    const RunResult r = run_goodsim({"run", "scenario.yaml", "-o", name, "-q"}, dir_.path());
    EXPECT_EQ(r.exit_code, 0) << r;
    return dir_ / name;
  }

  // A synthetic file of `kind` (grid, strategy, nosummary) written by kMakeSweep.
  fs::path make_synthetic(const std::string& kind) {
    const fs::path script = dir_ / "make_sweep.py";
    if (!fs::exists(script)) write_text(script, kMakeSweep);
    const fs::path out = dir_ / (kind + ".h5");
    const RunResult r =
        run_python_tool({kPython, script.string(), kind, out.string()}, dir_.path(), env());
    EXPECT_EQ(r.exit_code, 0) << r;
    return out;
  }

  RunResult plot(std::vector<std::string> args) {
    args.insert(args.begin(), kPlotScript.string());  // runs through its #!/usr/bin/python3
    return run_python_tool(args, dir_.path(), env());
  }

  // Runs plot.py on `input` into a fresh directory; expects success and exactly `expected`.
  RunResult expect_plots(const fs::path& input, const std::set<std::string>& expected,
                         const std::vector<std::string>& options = {}) {
    const fs::path out = dir_ / ("plots-" + input.stem().string());
    std::vector<std::string> args = {input.string(), "-o", out.string()};
    args.insert(args.end(), options.begin(), options.end());
    const RunResult r = plot(args);
    EXPECT_EQ(r.exit_code, 0) << r;
    EXPECT_EQ(r.err, "") << r;
    if (!fs::is_directory(out)) {
      ADD_FAILURE() << "no output directory " << out << "\n" << r;
      return r;
    }
    EXPECT_EQ(list_dir(out), expected) << r;
    for (const std::string& name : expected) {
      EXPECT_TRUE(IsPng(out / name));
      EXPECT_TRUE(HasSubstr(r.out, "wrote      " + (out / name).string()));
    }
    return r;
  }

  TempDir dir_;
};

TEST_F(PlotTest, HelpDescribesUsageAndExitsZero) {
  const RunResult r = plot({"--help"});
  EXPECT_EQ(r.exit_code, 0) << r;
  EXPECT_TRUE(HasSubstr(r.out, "usage: plot.py"));
  EXPECT_TRUE(HasSubstr(r.out, "RESULTS.h5"));
  EXPECT_TRUE(HasSubstr(r.out, "-o DIR, --output DIR"));
  EXPECT_TRUE(HasSubstr(r.out, "Exit codes"));
}

TEST_F(PlotTest, RunFileGivesThePerPointPlotsAndSaysWhichWereSkipped) {
  const fs::path run = make_run_file();
  const RunResult r =
      expect_plots(run, pngs({"goodput_distribution", "badput_buckets", "time_to_train"}));
  EXPECT_TRUE(HasSubstr(r.out, "1 point x 40 replications"));
  EXPECT_TRUE(HasSubstr(r.out, "parameters none (a single point)"));
  EXPECT_TRUE(HasSubstr(r.out, "skipped    goodput_vs_parameter.png: a single point"));
  EXPECT_TRUE(HasSubstr(r.out, "skipped    cost_vs_parameter.png: a single point"));
}

TEST_F(PlotTest, SweepGridGivesEveryPlotAgainstSparesWithOneLinePerMtbf) {
  const fs::path grid = make_synthetic("grid");
  const RunResult r =
      expect_plots(grid, pngs({"goodput_distribution", "goodput_vs_spares", "badput_buckets",
                               "cost_vs_spares", "time_to_train", "recovery_times"}));
  EXPECT_TRUE(HasSubstr(r.out, "12 points x 60 replications"));
  // The constant cluster.nodes and the descriptive columns implied by the key paths are not
  // parameters.
  EXPECT_TRUE(HasSubstr(
      r.out, "parameters cluster.spares (4 values), cluster.failure.node_mtbf (3 values)\n"));
  EXPECT_EQ(r.out.find("skipped"), std::string::npos) << r;
}

TEST_F(PlotTest, StrategySweepWithoutPriceSkipsOnlyTheCostPlot) {
  const fs::path strategy = make_synthetic("strategy");
  const RunResult r = expect_plots(strategy, pngs({"goodput_distribution", "goodput_vs_spares",
                                                   "badput_buckets", "time_to_train"}));
  EXPECT_TRUE(
      HasSubstr(r.out, "parameters cluster.spares (3 values), recovery.strategy (2 values)\n"));
  EXPECT_TRUE(HasSubstr(r.out, "skipped    cost_vs_spares.png: no cost data"));
  EXPECT_TRUE(HasSubstr(r.out,
                        "skipped    recovery_times.png: the file has no recovery "
                        "durations (run goodsim with --recovery-times)"));
}

// A sweep of strategies only has no numeric axis: the cost is drawn per strategy, with the
// hopeless one on the edge of a clipped linear axis rather than stretching a log scale.
TEST_F(PlotTest, StrategiesOnlySweepGetsACostPlotPerStrategy) {
  const fs::path strategies = make_synthetic("strategies");
  const RunResult r = expect_plots(strategies, pngs({"goodput_distribution", "badput_buckets",
                                                     "cost_vs_strategy", "time_to_train"}));
  EXPECT_TRUE(HasSubstr(r.out, "parameters recovery.strategy (3 values)\n"));
  EXPECT_TRUE(HasSubstr(r.out, "skipped    goodput_vs_parameter.png: no numeric swept parameter"));
}

// The real thing: a `goodsim sweep` file (skipped while the binary has no sweep command).
TEST_F(PlotTest, GoodsimSweepFileGivesEveryPlot) {
  if (run_goodsim({"sweep", "--help"}, dir_.path()).exit_code != 0) {
    GTEST_SKIP() << "this goodsim has no sweep command";
  }
  write_text(dir_ / "sweep.yaml", std::string(kScenario) +
                                      "sweep:\n"
                                      "  cluster.spares: [0, 2, 4]\n"
                                      "  cluster.failure.node_mtbf: [1000h, 2000h]\n");
  const RunResult s = run_goodsim(
      {"sweep", "sweep.yaml", "-o", "sweep.h5", "--reps", "30", "--recovery-times"}, dir_.path());
  ASSERT_EQ(s.exit_code, 0) << s;
  const RunResult r = expect_plots(
      dir_ / "sweep.h5", pngs({"goodput_distribution", "goodput_vs_spares", "badput_buckets",
                               "cost_vs_spares", "time_to_train", "recovery_times"}));
  EXPECT_TRUE(HasSubstr(r.out, "6 points x 30 replications"));
  EXPECT_TRUE(HasSubstr(
      r.out, "parameters cluster.spares (3 values), cluster.failure.node_mtbf (2 values)\n"));
}

// Issue 11 item 14: a point whose replications did not finish (censored at the wall cap) is
// marked, not taken for a parameter, and never marked the cheapest.
TEST_F(PlotTest, APointThatDidNotFinishIsMarkedDnf) {
  write_text(dir_ / "sweep.yaml",
             std::string(kScenario) +
                 "sweep:\n  cluster.spares: [0, 16]\n  cluster.failure.node_mtbf: [200h]\n");
  const RunResult s = run_goodsim({"sweep", "sweep.yaml", "-o", "sweep.h5", "--reps", "10", "-q",
                                   "--set", "montecarlo.max_wall_factor=3"},
                                  dir_.path());
  ASSERT_EQ(s.exit_code, 0) << s;
  ASSERT_TRUE(HasSubstr(s.out, "DNF 10/10")) << s.out;
  const RunResult r =
      expect_plots(dir_ / "sweep.h5", pngs({"goodput_distribution", "goodput_vs_spares",
                                            "badput_buckets", "cost_vs_spares", "time_to_train"}));
  EXPECT_TRUE(HasSubstr(r.out, "parameters cluster.spares (2 values)\n")) << r.out;
  const RunResult q =
      run_python_tool({kPython, "-c",
                       "import sys; sys.path.insert(0, sys.argv[1]); import plot\n"
                       "res = plot.load_results(sys.argv[2])\n"
                       "print(plot.dnf_mask(res).tolist())\n"
                       "print(plot.summary_table(res))\n",
                       (kSourceDir / "scripts").string(), (dir_ / "sweep.h5").string()},
                      dir_.path(), env());
  ASSERT_EQ(q.exit_code, 0) << q;
  EXPECT_TRUE(HasSubstr(q.out, "[True, False]\n")) << q.out;
  EXPECT_TRUE(HasSubstr(q.out, "DNF 10/10")) << q.out;
}

TEST_F(PlotTest, XAndLinesOptionsChooseTheParameters) {
  const fs::path grid = make_synthetic("grid");
  expect_plots(grid,
               pngs({"goodput_distribution", "goodput_vs_node_mtbf", "badput_buckets",
                     "cost_vs_node_mtbf", "time_to_train", "recovery_times"}),
               {"--x", "cluster.failure.node_mtbf", "--lines", "spares"});

  const RunResult bad = plot({grid.string(), "-o", (dir_ / "x").string(), "--x", "nodes"});
  EXPECT_EQ(bad.exit_code, 2) << bad;
  EXPECT_EQ(bad.err, "plot.py: error: " + grid.string() +
                         ": 'nodes' is not a swept parameter (swept: cluster.spares, "
                         "cluster.failure.node_mtbf)\n");
  EXPECT_FALSE(fs::exists(dir_ / "x"));
}

// Bad inputs: exit code 2, nothing on stdout, one line on stderr naming the file, no traceback
// and no output directory.
struct BadInput {
  const char* name;
  const char* message;  // a fragment of the error line
};

void PrintTo(const BadInput& c, std::ostream* os) {
  *os << c.name;
}

class PlotBadInputTest : public PlotTest, public ::testing::WithParamInterface<BadInput> {
 protected:
  // Prepares the input for case `name`; returns its path.
  fs::path prepare(const std::string& name) {
    const fs::path path = dir_ / ("input-" + name + ".h5");
    if (name == "Missing") return path;
    if (name == "Empty") {
      write_text(path, "");
    } else if (name == "Garbage") {
      std::string bytes;
      for (int i = 0; i < 4096; ++i) bytes.push_back(static_cast<char>((i * 7919 + 13) % 251));
      write_text(path, bytes);
    } else if (name == "Text") {
      write_text(path, "point,goodput\n000000,0.68\n");
    } else if (name == "Truncated") {
      const std::string full = read_text(make_run_file());
      write_text(path, full.substr(0, full.size() / 2));
    } else if (name == "HdfWithoutSummary") {
      fs::rename(make_synthetic("nosummary"), path);
    } else if (name == "Directory") {
      fs::create_directory(path);
    } else {
      ADD_FAILURE() << "unknown case " << name;
    }
    return path;
  }
};

TEST_P(PlotBadInputTest, ExitsTwoWithOneLineNamingTheFile) {
  const BadInput& c = GetParam();
  const fs::path input = prepare(c.name);
  const fs::path out = dir_ / "plots";
  const RunResult r = plot({input.string(), "-o", out.string()});
  EXPECT_EQ(r.exit_code, 2) << r;
  EXPECT_EQ(r.out, "") << r;
  const std::string prefix = "plot.py: error: " + input.string() + ": ";
  EXPECT_EQ(r.err.rfind(prefix, 0), 0u) << "expected the prefix '" << prefix << "'\n" << r;
  EXPECT_EQ(count(r.err, "\n"), 1u) << r;
  EXPECT_TRUE(HasSubstr(r.err, c.message));
  EXPECT_EQ(r.err.find("Traceback"), std::string::npos) << r;
  EXPECT_FALSE(fs::exists(out));
}

const BadInput kBadInputs[] = {
    {"Missing", "no such file"},
    {"Empty", "not a readable HDF5 file"},
    {"Garbage", "not a readable HDF5 file"},
    {"Text", "not a readable HDF5 file"},
    {"Truncated", "truncated"},
    {"HdfWithoutSummary", "not a goodsim results file (no /summary table)"},
    {"Directory", "is a directory"},
};

INSTANTIATE_TEST_SUITE_P(Plot, PlotBadInputTest, ::testing::ValuesIn(kBadInputs),
                         [](const auto& info) { return std::string(info.param.name); });

// The notebook, executed headless with the kernel of /usr/bin/python3.
class NotebookTest : public PlotTest {
 protected:
  void SetUp() override {
    PlotTest::SetUp();
    if (IsSkipped()) return;
    if (!python_can_import("nbconvert, nbclient, nbformat, ipykernel")) {
      GTEST_SKIP() << kPython << " cannot import nbconvert and ipykernel; run scripts/setup";
    }
  }

  // Executes the notebook on `results`; expects success and returns the executed notebook.
  std::string execute(const fs::path& results) {
    std::vector<std::string> e = env();
    e.push_back("GOODSIM_RESULTS=" + results.string());
    const RunResult r = run_python_tool(
        {kPython, "-m", "nbconvert", "--to", "notebook", "--execute", kNotebook.string(),
         "--output-dir", dir_.path().string(), "--output", "executed.ipynb",
         "--ExecutePreprocessor.kernel_name=python3", "--ExecutePreprocessor.timeout=300"},
        dir_.path(), e, std::chrono::seconds(500));
    EXPECT_EQ(r.exit_code, 0) << r;
    const fs::path executed = dir_ / "executed.ipynb";
    EXPECT_TRUE(fs::exists(executed)) << r;
    if (!fs::exists(executed)) return "";
    const std::string text = read_text(executed);
    EXPECT_EQ(text.find("\"output_type\": \"error\""), std::string::npos) << text;
    EXPECT_TRUE(HasSubstr(text, results.string()));
    return text;
  }
};

TEST_F(NotebookTest, ExecutesOnARunFileAndSaysWhichPlotsWereSkipped) {
  const std::string nb = execute(make_run_file());
  EXPECT_EQ(count(nb, "\"image/png\""), 3u);
  EXPECT_TRUE(HasSubstr(nb, "skipped goodput_vs_parameter: a single point"));
  EXPECT_TRUE(HasSubstr(nb, "skipped cost_vs_parameter: a single point"));
}

TEST_F(NotebookTest, ExecutesOnASweepFileAndDrawsEveryPlot) {
  const std::string nb = execute(make_synthetic("grid"));
  EXPECT_EQ(count(nb, "\"image/png\""), 6u);
  EXPECT_EQ(count(nb, "skipped "), count(read_text(kNotebook), "skipped ")) << "a plot was skipped";
  EXPECT_TRUE(HasSubstr(nb, "parameters: cluster.spares (4 values), cluster.failure.node_mtbf"));
}

TEST(NotebookSource, IsCommittedWithoutOutputsAndWithThePython3Kernel) {
  const std::string nb = read_text(kNotebook);
  ASSERT_FALSE(nb.empty()) << kNotebook;
  EXPECT_EQ(nb.find("\"output_type\""), std::string::npos) << "clear the outputs before committing";
  EXPECT_TRUE(HasSubstr(nb, "\"name\": \"python3\""));
  EXPECT_TRUE(HasSubstr(nb, "import plot"));
  EXPECT_TRUE(HasSubstr(nb, "GOODSIM_RESULTS"));
}

TEST(PlotScriptSource, RunsWithDebiansPython) {
  const std::string script = read_text(kPlotScript);
  EXPECT_EQ(script.rfind("#!/usr/bin/python3\n", 0), 0u) << "h5py is only in Debian's python3";
  const fs::perms perms = fs::status(kPlotScript).permissions();
  EXPECT_NE(perms & fs::perms::owner_exec, fs::perms::none) << kPlotScript << " is not executable";
}

}  // namespace
}  // namespace goodsim::test
