// A new user's first hour: scripts/run-default builds only what the run needs, and the Python
// lines that the README and `goodsim sweep --help` print work as printed, with the interpreter
// scripts/setup installs into (/usr/bin/python3, with h5py and pandas).

#include <sys/stat.h>

#include <gtest/gtest.h>

#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "tests/test_support.h"

namespace goodsim::test {
namespace {

const fs::path kSource = GOODSIM_SOURCE_DIR;
constexpr const char* kPython = "/usr/bin/python3";

void write_executable(const fs::path& path, const std::string& text) {
  write_text(path, text);
  fs::permissions(path, fs::perms::owner_all);
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

// scripts/run-default with cmake, dpkg-query and the built goodsim replaced by stand-ins that
// log their command lines: what it builds is what it asks cmake to build.
TEST(FirstHour, RunDefaultBuildsOnlyTheGoodsimExecutable) {
  TempDir dir;
  const fs::path bin = dir / "bin";
  const fs::path build = dir / "build";
  const fs::path log = dir / "log";
  fs::create_directories(bin);
  fs::create_directories(build);
  write_executable(bin / "dpkg-query", "#!/bin/sh\necho 'install ok installed'\n");
  write_executable(bin / "cmake",
                   "#!/bin/sh\n"
                   "echo \"cmake $*\" >> \"$LOG\"\n"
                   "if [ \"$1\" = --build ]; then\n"
                   "  printf '#!/bin/sh\\necho \"goodsim $*\" >> \"$LOG\"\\n' > \"$2/goodsim\"\n"
                   "  chmod +x \"$2/goodsim\"\n"
                   "fi\n");
  const RunResult r =
      run_program({"/bin/bash", (kSource / "scripts" / "run-default").string()}, dir.path(),
                  {"PATH=" + bin.string() + ":/usr/bin:/bin", "GOODSIM_BUILD_DIR=" + build.string(),
                   "LOG=" + log.string()});
  ASSERT_EQ(r.exit_code, 0) << r;
  const std::vector<std::string> calls = lines_of(read_text(log));
  ASSERT_EQ(calls.size(), 3u) << read_text(log);
  EXPECT_EQ(calls[0], "cmake -S " + kSource.string() + " -B " + build.string() +
                          " -DCMAKE_BUILD_TYPE=Release");
  EXPECT_TRUE(std::regex_match(
      calls[1], std::regex("cmake --build " + build.string() + " --target goodsim -j [0-9]+")))
      << calls[1];
  EXPECT_EQ(calls[2],
            "goodsim run " + (kSource / "scenarios" / "default.yaml").string() + " -o results.h5");
}

TEST(FirstHour, SetupInstallsPandasForDebiansPython) {
  EXPECT_TRUE(HasSubstr(read_text(kSource / "scripts" / "setup"), " python3-pandas"));
}

// A sweep file in `dir`, as `goodsim sweep --help`'s example writes it (fewer replications).
void make_sweep_file(const TempDir& dir) {
  const RunResult r =
      run_goodsim({"sweep", (kSource / "scenarios" / "spares-vs-mtbf.yaml").string(), "-o",
                   "sweep.h5", "--reps", "20", "--quiet"},
                  dir.path());
  ASSERT_EQ(r.exit_code, 0) << r;
}

TEST(FirstHour, SweepHelpPythonLineWorksAsPrinted) {
  TempDir dir;
  const RunResult help = run_goodsim({"sweep", "--help"}, dir.path());
  ASSERT_EQ(help.exit_code, 0) << help;
  std::smatch m;
  const std::regex python_line(R"(\n +(/usr/bin/python3 -c [^\n]+)\n)");
  ASSERT_TRUE(std::regex_search(help.out, m, python_line)) << help;
  make_sweep_file(dir);
  const RunResult r = run_program({"/bin/sh", "-c", m[1].str()}, dir.path());
  EXPECT_EQ(r.exit_code, 0) << r << "\n(scripts/setup installs python3-pandas)";
  EXPECT_TRUE(HasSubstr(r.out, "[18 rows x ")) << r;  // pandas' summary of a wide table
}

TEST(FirstHour, ReadmeSweepPythonBlockWorksWithDebiansPython) {
  const std::string readme = read_text(kSource / "README.md");
  std::smatch m;
  const std::regex block(R"(```python\n(import h5py, pandas\n[^`]*sweep\.h5[^`]*)```)");
  ASSERT_TRUE(std::regex_search(readme, m, block));
  TempDir dir;
  make_sweep_file(dir);
  const RunResult r =
      run_program({kPython, "-c", m[1].str() + "print(len(df), 'rows')\n"}, dir.path());
  EXPECT_EQ(r.exit_code, 0) << r << "\n(scripts/setup installs python3-pandas)";
  EXPECT_EQ(r.out, "18 rows\n") << r;
}

}  // namespace
}  // namespace goodsim::test
