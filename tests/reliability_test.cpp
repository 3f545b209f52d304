// What docs/reliability.md promises, checked on the goodsim executable: an output that cannot
// be written is refused before simulating, no torn or temporary file survives a failure or a
// kill, Ctrl-C stops cleanly (a sweep keeps its completed points and says how to resume), and
// bad input files are refused with a clear message.

#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "sim/hdf5.h"
#include "tests/test_support.h"

namespace goodsim::test {
namespace {

constexpr const char* kScenario = R"(name: reliability-test
cluster:
  nodes: 64
  spares: 2
  failure: {node_mtbf: 2000h}
  repair: {mean: 24h}
job: {work: 100h}
checkpoint: {interval: 30min, write: 2min}
recovery: {detect: 5min, swap: 5min, restart: 10min, load: 5min}
montecarlo: {replications: 20, seed: 3}
)";

// About 15 ms per replication in Release: thousands of them take minutes, so a signal lands
// while replications are being computed.
std::string slow_scenario() {
  return edited(kScenario, {{"job: {work: 100h}", "job: {work: 2000000h}"}});
}

bool starts_with(const std::string& text, const std::string& prefix) {
  return text.rfind(prefix, 0) == 0;
}

// Waits until `done()` or the process ends (or 60 s pass); true if `done()` held.
template <typename Done>
bool wait_for(GoodsimProcess& p, Done done) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (!done()) {
    if (!p.running() || std::chrono::steady_clock::now() > deadline) return done();
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return true;
}

// ---------------------------------------------------------------------------------------------
// An output that cannot be written is refused before anything is simulated.

TEST(ReliabilityOutput, RunRefusesAMissingDirectoryBeforeSimulating) {
  TempDir dir;
  write_text(dir / "scenario.yaml", slow_scenario());  // minutes, were it simulated
  const auto start = std::chrono::steady_clock::now();
  const RunResult r =
      run_goodsim({"run", "scenario.yaml", "-o", "missing_dir/x.h5", "--reps", "20000"}, dir.path(),
                  std::chrono::seconds(30));
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
  EXPECT_EQ(r.exit_code, 2) << r;
  EXPECT_EQ(r.out, "") << r;
  EXPECT_EQ(r.err,
            "goodsim: error: missing_dir/x.h5: cannot write the output: directory "
            "'missing_dir' does not exist\n");
  EXPECT_EQ(list_dir(dir.path()), std::set<std::string>{"scenario.yaml"});
}

TEST(ReliabilityOutput, RunAndSweepRefuseAReadOnlyDirectoryBeforeSimulating) {
  TempDir dir;
  write_text(dir / "scenario.yaml", slow_scenario() + "sweep:\n  cluster.spares: [1, 2]\n");
  fs::create_directory(dir / "ro");
  fs::permissions(dir / "ro", fs::perms::owner_read | fs::perms::owner_exec);
  // Permission bits do not bind root; sysfs refuses new files to everyone.
  const bool bits_bind = ::access((dir / "ro").c_str(), W_OK) != 0;
  const std::string ro = bits_bind ? (dir / "ro").string() : "/sys";
  for (const char* command : {"run", "sweep"}) {
    const auto start = std::chrono::steady_clock::now();
    const RunResult r =
        run_goodsim({command, "scenario.yaml", "-o", ro + "/x.h5", "--reps", "20000"}, dir.path(),
                    std::chrono::seconds(30));
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10)) << command;
    EXPECT_EQ(r.exit_code, 2) << r;
    EXPECT_TRUE(starts_with(r.err, "goodsim: error: " + ro +
                                       "/x.h5: cannot write the output: "
                                       "cannot create a file in directory '" +
                                       ro + "': Permission denied\n"))
        << r;
  }
  fs::permissions(dir / "ro", fs::perms::owner_all);
  EXPECT_TRUE(fs::is_empty(dir / "ro"));
}

// ---------------------------------------------------------------------------------------------
// Temporary files of killed processes do not pile up.

TEST(ReliabilityTempFiles, ARunRemovesTheTempFilesOfKilledRunsButNotOfLiveOnes) {
  TempDir dir;
  write_text(dir / "scenario.yaml", kScenario);
  // What a killed run leaves: a temp file named after a process that no longer exists.
  pid_t dead = 0;
  {
    GoodsimProcess p({"--version"}, dir.path());
    dead = p.pid();
    p.wait();
  }
  ASSERT_GT(dead, 0);
  write_text(dir / ("out.h5.tmp-" + std::to_string(dead)), "torn");
  // The temp file of a live process (this one) and of another output are not touched.
  const std::string live = "out.h5.tmp-" + std::to_string(::getpid());
  write_text(dir / live, "in progress");
  write_text(dir / ("other.h5.tmp-" + std::to_string(dead)), "someone else's");

  const RunResult r = run_goodsim({"run", "scenario.yaml", "-o", "out.h5", "-q"}, dir.path());
  ASSERT_EQ(r.exit_code, 0) << r;
  EXPECT_EQ(list_dir(dir.path()), (std::set<std::string>{"other.h5.tmp-" + std::to_string(dead),
                                                         "out.h5", live, "scenario.yaml"}));
}

TEST(ReliabilityTempFiles, ARejectedRunLeavesStaleTempFilesAlone) {
  TempDir dir;
  write_text(dir / "scenario.yaml", edited(kScenario, {{"nodes: 64", "nodes: 0"}}));
  pid_t dead = 0;
  {
    GoodsimProcess p({"--version"}, dir.path());
    dead = p.pid();
    p.wait();
  }
  write_text(dir / ("out.h5.tmp-" + std::to_string(dead)), "torn");
  const std::set<std::string> before = list_dir(dir.path());
  const RunResult r = run_goodsim({"run", "scenario.yaml", "-o", "out.h5", "-q"}, dir.path());
  EXPECT_EQ(r.exit_code, 2) << r;
  EXPECT_EQ(list_dir(dir.path()), before);
}

// ---------------------------------------------------------------------------------------------
// Ctrl-C

TEST(ReliabilityInterrupt, CtrlCStopsARunCleanlyWithoutAFile) {
  TempDir dir;
  write_text(dir / "scenario.yaml", slow_scenario());
  GoodsimProcess p({"run", "scenario.yaml", "-o", "out.h5", "--reps", "20000", "--threads", "2"},
                   dir.path());
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  ASSERT_TRUE(p.kill(SIGINT)) << "the run ended before it could be interrupted";
  const auto sent = std::chrono::steady_clock::now();
  int signal = -1;
  const RunResult r = p.wait(&signal);
  EXPECT_LT(std::chrono::steady_clock::now() - sent, std::chrono::seconds(10));
  EXPECT_EQ(signal, 0) << "killed by signal " << signal;
  EXPECT_EQ(r.exit_code, 130) << r;
  EXPECT_EQ(r.out, "");
  EXPECT_TRUE(HasSubstr(r.err,
                        "goodsim run: interrupted: nothing was written ('out.h5' appears "
                        "only when a run completes)"));
  EXPECT_EQ(list_dir(dir.path()), std::set<std::string>{"scenario.yaml"});
}

TEST(ReliabilityInterrupt, CtrlCKeepsTheCompletedPointsOfASweepAndSaysHowToResume) {
  TempDir dir;
  // Point 0 takes milliseconds, point 1 minutes.
  write_text(dir / "scenario.yaml",
             kScenario + std::string("sweep:\n  job.work: [100h, 2000000h]\n"));
  const std::vector<std::string> args = {"sweep",  "scenario.yaml", "-o",        "out.h5",
                                         "--reps", "2000",          "--threads", "1"};
  GoodsimProcess p(args, dir.path());
  const fs::path part = dir / "out.h5.parts" / "000000.h5";
  ASSERT_TRUE(wait_for(p, [&] { return fs::exists(part); })) << p.wait();
  ASSERT_TRUE(p.kill(SIGINT)) << "the sweep ended before it could be interrupted";
  int signal = -1;
  const RunResult r = p.wait(&signal);
  EXPECT_EQ(signal, 0) << "killed by signal " << signal;
  EXPECT_EQ(r.exit_code, 130) << r;
  EXPECT_TRUE(HasSubstr(r.err,
                        "goodsim sweep: interrupted: 1 of 2 points are stored in "
                        "'out.h5.parts'; run the same command with --resume to compute "
                        "the others"));
  EXPECT_FALSE(fs::exists(dir / "out.h5"));
  // The stored point is whole, and --resume takes it as it is.
  EXPECT_EQ(
      sim::h5::File::open_read(part.string()).root().read_doubles("points/000000/goodput").size(),
      2000u);
  EXPECT_EQ(list_dir(dir / "out.h5.parts"),
            (std::set<std::string>{"000000.h5", "lock", "manifest"}));
}

// ---------------------------------------------------------------------------------------------
// Input files: regular files of bounded size only. A device would be read until memory runs
// out and a FIFO would block forever (run_goodsim's timeout would catch either).

struct BadInputFile {
  const char* name;
  const char* scenario;  // "" to pass the file itself as the scenario
  const char* file;      // the bad file, relative to the test directory, or absolute
  const char* error;     // the whole of stderr, after "goodsim: error: "
};

void PrintTo(const BadInputFile& c, std::ostream* os) {
  *os << c.name;
}

class BadInputFileTest : public ::testing::TestWithParam<BadInputFile> {};

TEST_P(BadInputFileTest, IsRefusedNamingTheFile) {
  const BadInputFile& c = GetParam();
  TempDir dir;
  ASSERT_EQ(::mkfifo((dir / "fifo").c_str(), 0644), 0);
  // Sparse: no disk space is used.
  for (const auto& [name, size] : {std::pair{"big.yaml", (std::uintmax_t{16} << 20) + 1},
                                   std::pair{"big.csv", (std::uintmax_t{2} << 30) + 1}}) {
    write_text(dir / name, "");
    fs::resize_file(dir / name, size);
  }
  std::string scenario = c.file;
  if (*c.scenario != '\0') {
    write_text(dir / "scenario.yaml", c.scenario);
    scenario = "scenario.yaml";
  }
  const std::set<std::string> before = list_dir(dir.path());
  const auto start = std::chrono::steady_clock::now();
  const RunResult r =
      run_goodsim({"run", scenario, "-o", "out.h5", "-q"}, dir.path(), std::chrono::seconds(30));
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
  EXPECT_EQ(r.exit_code, 2) << r;
  EXPECT_EQ(r.err, "goodsim: error: " + std::string(c.error) + "\n");
  EXPECT_EQ(list_dir(dir.path()), before);
}

constexpr const char* kExtendsZero = "extends: /dev/zero\nname: x\n";
constexpr const char* kExtendsFifo = "extends: fifo\nname: x\n";

// kScenario replaying the trace `file` (no gtest assertions: runs before main).
std::string trace_scenario(const std::string& file) {
  std::string yaml = kScenario;
  const std::string from = "failure: {node_mtbf: 2000h}";
  return yaml.replace(yaml.find(from), from.size(), "failure: {model: trace, file: " + file + "}");
}

const std::string kTraceZero = trace_scenario("/dev/zero");
const std::string kTraceFifo = trace_scenario("fifo");
const std::string kTraceBig = trace_scenario("big.csv");

const BadInputFile kBadInputFiles[] = {
    {"ScenarioIsDevZero", "", "/dev/zero",
     "/dev/zero: cannot open file: not a regular file (a character device)"},
    {"ScenarioIsAFifo", "", "fifo", "fifo: cannot open file: not a regular file (a FIFO)"},
    {"ScenarioIsADirectory", "", ".", ".: cannot open file: not a regular file (a directory)"},
    {"ScenarioOverTheLimit", "", "big.yaml",
     "big.yaml: cannot open file: 16.0 MiB, over the 16 MiB limit for scenario files"},
    {"ExtendsDevZero", kExtendsZero, "",
     "scenario.yaml:1:10: key 'extends': cannot open file '/dev/zero' named by extends: not a "
     "regular file (a character device)"},
    {"ExtendsAFifo", kExtendsFifo, "",
     "scenario.yaml:1:10: key 'extends': cannot open file 'fifo' named by extends: not a regular "
     "file (a FIFO)"},
    {"TraceIsDevZero", kTraceZero.c_str(), "",
     "scenario.yaml:5:33: key 'cluster.failure.file': cannot open trace file '/dev/zero': not a "
     "regular file (a character device)"},
    {"TraceIsAFifo", kTraceFifo.c_str(), "",
     "scenario.yaml:5:33: key 'cluster.failure.file': cannot open trace file 'fifo': not a "
     "regular file (a FIFO)"},
    {"TraceOverTheLimit", kTraceBig.c_str(), "",
     "scenario.yaml:5:33: key 'cluster.failure.file': cannot open trace file 'big.csv': 2.0 GiB, "
     "over the 2 GiB limit for trace files"},
};

INSTANTIATE_TEST_SUITE_P(Reliability, BadInputFileTest, ::testing::ValuesIn(kBadInputFiles),
                         [](const auto& info) { return std::string(info.param.name); });

// ---------------------------------------------------------------------------------------------
// A disk that fills up: an I/O error, no crash and no file. A file size limit (ulimit -f, with
// SIGXFSZ ignored) makes writes fail as a full disk does, with EFBIG instead of ENOSPC.

RunResult run_with_file_size_limit(const std::vector<std::string>& args, const fs::path& cwd) {
  std::string command = "trap '' XFSZ; ulimit -f 16; exec " + std::string(GOODSIM_BINARY);
  for (const std::string& a : args) command += " '" + a + "'";
  return run_program({"/bin/sh", "-c", command}, cwd);
}

TEST(ReliabilityDiskFull, ARunThatCannotWriteItsFileFailsWithAnIoErrorAndLeavesNothing) {
  TempDir dir;
  write_text(dir / "scenario.yaml", kScenario);
  const RunResult r = run_with_file_size_limit(
      {"run", "scenario.yaml", "-o", "out.h5", "--reps", "3000", "-q"}, dir.path());
  // Before the fix HDF5's exit handler crashed here (SIGSEGV in H5F__close_cb).
  EXPECT_EQ(r.exit_code, 1) << r;
  EXPECT_TRUE(starts_with(r.err, "goodsim: I/O error: HDF5: ")) << r;
  EXPECT_TRUE(HasSubstr(r.err, "File too large\n"));
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r;
  EXPECT_EQ(list_dir(dir.path()), std::set<std::string>{"scenario.yaml"});
}

TEST(ReliabilityDiskFull, ASweepThatCannotStoreAPointFailsWithAnIoErrorAndCanResume) {
  TempDir dir;
  write_text(dir / "scenario.yaml", kScenario + std::string("sweep:\n  cluster.spares: [1, 2]\n"));
  const RunResult r = run_with_file_size_limit(
      {"sweep", "scenario.yaml", "-o", "out.h5", "--reps", "3000", "-q"}, dir.path());
  EXPECT_EQ(r.exit_code, 1) << r;
  EXPECT_TRUE(starts_with(r.err, "goodsim: I/O error: HDF5: ")) << r;
  EXPECT_TRUE(HasSubstr(r.err, "File too large\n"));
  EXPECT_EQ(list_dir(dir.path()), (std::set<std::string>{"out.h5.parts", "scenario.yaml"}));
  // With room again, --resume completes it.
  const RunResult resumed = run_goodsim(
      {"sweep", "scenario.yaml", "-o", "out.h5", "--reps", "3000", "-q", "--resume"}, dir.path());
  EXPECT_EQ(resumed.exit_code, 0) << resumed;
  EXPECT_EQ(list_dir(dir.path()), (std::set<std::string>{"out.h5", "scenario.yaml"}));
}

}  // namespace
}  // namespace goodsim::test
