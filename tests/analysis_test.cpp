// What a notebook or spreadsheet user gets from a results file: the bucket and per-cause means
// in /summary, `--csv` on run and sweep, and scripts/goodsim_results.py (tidy DataFrames: str
// text, int counts, units in names, one row per point / replication / recovery), also on a file
// with a /summary column this version does not write.

#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "sim/hdf5.h"
#include "tests/test_support.h"

namespace goodsim::test {
namespace {

const fs::path kSource = GOODSIM_SOURCE_DIR;
constexpr const char* kPython = "/usr/bin/python3";

// The small scenario with two failure causes.
const std::string kScenario =
    small_scenario("analysis-test", 40, 5,
                   "  causes:\n"
                   "    - {name: gpu, share: 3, handling: swap}\n"
                   "    - {name: software, share: 1, handling: restart}\n");

constexpr const char* kSweep = R"(sweep:
  cluster.spares: [0, 2]
  cluster.failure.node_mtbf: [1000h, 2000h]
)";

std::vector<std::string> split(const std::string& line, char sep = ',') {
  std::vector<std::string> out;
  std::string field;
  std::istringstream in(line);
  while (std::getline(in, field, sep)) out.push_back(field);
  if (!line.empty() && line.back() == sep) out.emplace_back();
  return out;
}

// CSV rows as maps from the header's names (no quoted fields in these files).
std::vector<std::map<std::string, std::string>> read_csv(const fs::path& path) {
  std::istringstream in(read_text(path));
  std::string line;
  std::getline(in, line);
  const auto header = split(line);
  std::vector<std::map<std::string, std::string>> rows;
  while (std::getline(in, line)) {
    const auto fields = split(line);
    EXPECT_EQ(fields.size(), header.size()) << line;
    std::map<std::string, std::string> row;
    for (std::size_t i = 0; i < header.size() && i < fields.size(); ++i) row[header[i]] = fields[i];
    rows.push_back(row);
  }
  return rows;
}

const std::vector<double>& numbers(const sim::h5::Table& t, const std::string& name) {
  for (const auto& c : t.columns) {
    if (c.name == name) return std::get<std::vector<double>>(c.values);
  }
  static const std::vector<double> none;
  ADD_FAILURE() << "no /summary column " << name;
  return none;
}

TEST(Summary, HasTheMeanOfEveryBucketAndOfEveryCauseAfterTheOlderColumns) {
  TempDir dir;
  write_text(dir / "s.yaml", kScenario);
  const RunResult r = run_goodsim({"run", "s.yaml", "-o", "r.h5", "-q"}, dir.path());
  ASSERT_EQ(r.exit_code, 0) << r;
  const auto file = sim::h5::File::open_read((dir / "r.h5").string());
  const auto root = file.root();
  const sim::h5::Table t = root.read_table("summary");
  // The older columns keep their places: notebooks that index them by position still work.
  ASSERT_GT(t.columns.size(), 25u);
  EXPECT_EQ(t.columns[5].name, "goodput_mean");
  EXPECT_EQ(t.columns[21].name, "pool_failures_mean");
  EXPECT_EQ(t.columns[22].name, "unfinished");
  EXPECT_EQ(t.columns[24].name, "evictions_mean");
  EXPECT_EQ(t.columns[25].name, "bucket_productive_mean_h");

  const sim::h5::Matrix buckets = root.read_matrix("points/000000/buckets_h");
  const auto names = root.string_array_attribute("names", "points/000000/buckets_h");
  ASSERT_EQ(names.size(), buckets.cols);
  for (std::size_t b = 0; b < buckets.cols; ++b) {
    double sum = 0;
    for (std::size_t i = 0; i < buckets.rows; ++i) sum += buckets.data[i * buckets.cols + b];
    EXPECT_NEAR(numbers(t, "bucket_" + names[b] + "_mean_h")[0], sum / buckets.rows,
                1e-9 * (1 + sum))
        << names[b];
  }
  const sim::h5::Matrix causes = root.read_matrix("points/000000/interruptions_by_cause");
  ASSERT_EQ(causes.cols, 2u);
  double gpu = 0, software = 0;
  for (std::size_t i = 0; i < causes.rows; ++i) {
    gpu += causes.data[i * 2];
    software += causes.data[i * 2 + 1];
  }
  EXPECT_DOUBLE_EQ(numbers(t, "cause_gpu_interruptions_mean")[0], gpu / causes.rows);
  EXPECT_DOUBLE_EQ(numbers(t, "cause_software_interruptions_mean")[0], software / causes.rows);
  EXPECT_GT(gpu, software);  // shares 3:1
}

TEST(Csv, RunWritesTheSummaryRowWithIntegersAsIntegersAndTheSameFiguresAsTheFile) {
  TempDir dir;
  write_text(dir / "s.yaml", kScenario);
  const RunResult r =
      run_goodsim({"run", "s.yaml", "-o", "r.h5", "--csv", "r.csv", "-q"}, dir.path());
  ASSERT_EQ(r.exit_code, 0) << r;
  EXPECT_TRUE(HasSubstr(r.out, "\ncsv        r.csv\n"));
  const auto rows = read_csv(dir / "r.csv");
  ASSERT_EQ(rows.size(), 1u);
  const auto& row = rows[0];
  EXPECT_EQ(row.at("point"), "000000");
  EXPECT_EQ(row.at("nodes"), "64");  // not 64.0
  EXPECT_EQ(row.at("spares"), "2");
  EXPECT_EQ(row.at("recovery_p50_h"), "");  // NaN without --recovery-times
  const auto file = sim::h5::File::open_read((dir / "r.h5").string());
  const sim::h5::Table t = file.root().read_table("summary");
  ASSERT_EQ(row.size(), t.columns.size());
  for (const char* name : {"goodput_mean", "wall_p95_h", "cost_mean_usd", "bucket_lost_mean_h",
                           "cause_gpu_interruptions_mean"}) {
    EXPECT_EQ(std::stod(row.at(name)), numbers(t, name)[0]) << name;  // round-trips exactly
  }
  // --no-output with --csv: the CSV alone.
  const RunResult alone =
      run_goodsim({"run", "s.yaml", "--no-output", "--csv", "only.csv", "-q"}, dir.path());
  ASSERT_EQ(alone.exit_code, 0) << alone;
  EXPECT_EQ(read_text(dir / "only.csv"), read_text(dir / "r.csv"));
}

TEST(Csv, SweepWritesOneRowPerPointWithTheUnitInEveryName) {
  TempDir dir;
  write_text(dir / "s.yaml", std::string(kScenario) + kSweep);
  const RunResult r = run_goodsim(
      {"sweep", "s.yaml", "-o", "s.h5", "--csv", "s.csv", "--reps", "10", "-q"}, dir.path());
  ASSERT_EQ(r.exit_code, 0) << r;
  const auto rows = read_csv(dir / "s.csv");
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[1].at("cluster.spares"), "0");
  EXPECT_EQ(rows[1].at("cluster.failure.node_mtbf_h"), "2000");  // a swept duration, in hours
  EXPECT_EQ(rows[3].at("point"), "000003");
  EXPECT_EQ(rows[3].count("cluster.failure.node_mtbf"), 0u);
  EXPECT_FALSE(fs::exists(dir / "s.csv.parts"));
  for (const auto& e : fs::directory_iterator(dir.path())) {
    EXPECT_EQ(e.path().filename().string().find(".tmp-"), std::string::npos) << e.path();
  }
  // --resume of a complete sweep rewrites the CSV from the finished file.
  fs::remove(dir / "s.csv");
  const RunResult again = run_goodsim(
      {"sweep", "s.yaml", "-o", "s.h5", "--csv", "s.csv", "--reps", "10", "--resume", "-q"},
      dir.path());
  ASSERT_EQ(again.exit_code, 0) << again;
  EXPECT_EQ(read_csv(dir / "s.csv").size(), 4u);
}

TEST(Csv, AnUnwritablePathIsRefusedBeforeAnythingIsSimulated) {
  TempDir dir;
  write_text(dir / "s.yaml", kScenario);
  for (const std::string command : {"run", "sweep"}) {
    if (command == "sweep") write_text(dir / "s.yaml", std::string(kScenario) + kSweep);
    const RunResult r =
        run_goodsim({command, "s.yaml", "-o", "r.h5", "--csv", "missing/r.csv", "-q"}, dir.path());
    EXPECT_EQ(r.exit_code, 2) << r;
    EXPECT_TRUE(HasSubstr(r.err, "missing/r.csv")) << r;
    EXPECT_TRUE(HasSubstr(r.err, "does not exist")) << r;
    EXPECT_FALSE(fs::exists(dir / "r.h5")) << command;
    const RunResult empty = run_goodsim({command, "s.yaml", "--csv", "", "-q"}, dir.path());
    EXPECT_EQ(empty.exit_code, 2) << empty;
    const RunResult same =
        run_goodsim({command, "s.yaml", "-o", "x.h5", "--csv", "./x.h5", "-q"}, dir.path());
    EXPECT_EQ(same.exit_code, 2) << same;
    EXPECT_TRUE(HasSubstr(same.err, "--csv and --output name the same file")) << same;
  }
}

// scripts/goodsim_results.py on a real sweep with recovery times, then on the same file with an
// extra /summary column (another engineer adds `unfinished`): tidy types, one row per
// replication and per recovery, and plot.py does not take the new column for a parameter.
constexpr const char* kModuleCheck = R"PY(
import sys
sys.path.insert(0, sys.argv[1])
import goodsim_results as gr
import h5py, numpy as np

df = gr.summary("s.h5")
assert list(df["point"]) == ["000000", "000001", "000002", "000003"], df["point"]
assert isinstance(df["point"][0], str)
assert str(df["cluster.spares"].dtype) == "int64", df.dtypes
assert str(df["nodes"].dtype) == "int64" and str(df["spares"].dtype) == "int64"
assert str(df["goodput_mean"].dtype) == "float64"
assert "cluster.failure.node_mtbf_h" in df.columns, list(df.columns)
assert list(df["cluster.failure.node_mtbf_h"]) == [1000.0, 2000.0, 1000.0, 2000.0]
assert "bucket_wait_spares_mean_h" in df.columns and "cause_gpu_interruptions_mean" in df.columns
csv = open("s.csv").readline().strip().split(",")
assert csv == list(df.columns), (csv, list(df.columns))

reps = gr.replications("s.h5")
assert len(reps) == 4 * 10, len(reps)
assert list(reps.columns[:6]) == ["point", "cluster.spares", "cluster.failure.node_mtbf_h",
                                  "replication", "wall_h", "goodput"], list(reps.columns)
assert str(reps["interruptions"].dtype) == "int64"
assert str(reps["cause_gpu_interruptions"].dtype) == "int64"
assert "bucket_productive_h" in reps.columns and "recovery_h" not in reps.columns
mean = reps.groupby("point")["goodput"].mean()
assert np.allclose(mean.values, df["goodput_mean"].values, rtol=1e-12), (mean, df["goodput_mean"])
b = reps.groupby("point")["bucket_lost_h"].mean()
assert np.allclose(b.values, df["bucket_lost_mean_h"].values, rtol=1e-12)

rec = gr.recoveries("s.h5")
assert len(rec) == reps["recoveries"].sum(), (len(rec), reps["recoveries"].sum())
first = rec[(rec.point == "000003") & (rec.replication == 0)]
assert list(first["recovery"]) == list(range(len(first)))
assert len(first) == reps[(reps.point == "000003") & (reps.replication == 0)]["recoveries"].iloc[0]

# A newer /summary with an extra integer column: kept, as int; the rest unchanged.
with h5py.File("s.h5", "r+") as f:
    old = f["summary"][()]
    units = list(f["summary"].attrs["units"])
    dtype = [(n, old.dtype.fields[n][0]) for n in old.dtype.names] + [("future_count", "<f8")]
    new = np.zeros(len(old), dtype=dtype)
    for name in old.dtype.names:
        new[name] = old[name]
    new["future_count"] = [3, 0, 1, 0]
    del f["summary"]
    f.create_dataset("summary", data=new).attrs["units"] = np.array(
        [u.decode() if isinstance(u, bytes) else u for u in units] + ["count"],
        dtype=h5py.string_dtype())
df2 = gr.summary("s.h5")
assert list(df2["future_count"]) == [3, 0, 1, 0] and str(df2["future_count"].dtype) == "int64"
assert df2.drop(columns="future_count").equals(df)
sys.path.insert(0, sys.argv[1])
import plot
res = plot.load_results("s.h5", isolate=False)
assert [p.name for p in res.params] == ["cluster.spares", "cluster.failure.node_mtbf"], res.params
print("ok")
)PY";

TEST(ResultsModule, GivesTidyFramesAndToleratesANewSummaryColumn) {
  TempDir dir;
  TempDir check;
  if (run_program({kPython, "-c", "import h5py, numpy, pandas, matplotlib"}, check.path())
          .exit_code != 0) {
    GTEST_SKIP() << kPython << " lacks h5py, pandas or matplotlib; run scripts/setup";
  }
  write_text(dir / "s.yaml", std::string(kScenario) + kSweep);
  const RunResult s = run_goodsim(
      {"sweep", "s.yaml", "-o", "s.h5", "--csv", "s.csv", "--reps", "10", "--recovery-times", "-q"},
      dir.path());
  ASSERT_EQ(s.exit_code, 0) << s;
  write_text(dir / "check.py", kModuleCheck);
  const RunResult r = run_program(
      {kPython, "check.py", (kSource / "scripts").string()}, dir.path(),
      {"PYTHONDONTWRITEBYTECODE=1", "MPLBACKEND=Agg", "MPLCONFIGDIR=" + (dir / "mpl").string()},
      {"PYTHONPATH", "PYTHONHOME"});
  EXPECT_EQ(r.exit_code, 0) << r;
  EXPECT_EQ(r.out, "ok\n") << r;
}

// The README's notebook lines, as printed, from a checkout's root.
TEST(ResultsModule, ReadmeLinesWorkAsPrinted) {
  TempDir dir;
  if (run_program({kPython, "-c", "import h5py, pandas"}, dir.path()).exit_code != 0) {
    GTEST_SKIP() << kPython << " lacks h5py or pandas; run scripts/setup";
  }
  const std::string readme = read_text(kSource / "README.md");
  const auto at = readme.find("```python\nimport sys; sys.path.insert(0, \"scripts\")");
  ASSERT_NE(at, std::string::npos) << "the README's goodsim_results block";
  const auto begin = at + std::string("```python\n").size();
  const std::string block = readme.substr(begin, readme.find("```", begin) - begin);
  fs::create_directory_symlink(kSource / "scripts", dir / "scripts");
  write_text(dir / "s.yaml", std::string(kScenario) + kSweep);
  ASSERT_EQ(
      run_goodsim({"sweep", "s.yaml", "-o", "sweep.h5", "--reps", "5", "-q"}, dir.path()).exit_code,
      0);
  const RunResult r =
      run_program({kPython, "-c", block + "print(len(df), len(reps))\n"}, dir.path(),
                  {"PYTHONDONTWRITEBYTECODE=1"}, {"PYTHONPATH", "PYTHONHOME"});
  EXPECT_EQ(r.exit_code, 0) << r << "\n" << block;
  EXPECT_EQ(r.out, "4 20\n") << r;
}

}  // namespace
}  // namespace goodsim::test
