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

#include "cli/commands.h"
#include "cli/replication_memory.h"
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

TEST(ReliabilityInterrupt, CtrlCBeforeAnyPointIsCompleteLeavesNoPartsDirectory) {
  TempDir dir;
  write_text(dir / "scenario.yaml",
             slow_scenario() + std::string("sweep:\n  cluster.spares: [2, 3]\n"));
  GoodsimProcess p({"sweep", "scenario.yaml", "-o", "out.h5", "--reps", "2000", "--threads", "2"},
                   dir.path());
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  ASSERT_TRUE(p.kill(SIGINT)) << "the sweep ended before it could be interrupted";
  const RunResult r = p.wait();
  EXPECT_EQ(r.exit_code, 130) << r;
  EXPECT_TRUE(HasSubstr(r.err,
                        "goodsim sweep: interrupted: no point was complete, so nothing was "
                        "stored; run the same command again to start over"))
      << r;
  EXPECT_EQ(list_dir(dir.path()), std::set<std::string>{"scenario.yaml"});
}

// ---------------------------------------------------------------------------------------------
// Did not finish (issue 11 item 14): a point whose replications hit montecarlo.max_wall_factor
// is recorded as censored there, with its count of unfinished replications; the sweep goes on.

// 0 spares and a failure every 3 h with day-long repairs: about 1,000 h for 100 h of work,
// far past the cap of 3 x the work. 16 spares finish well within it.
std::string hopeless_scenario() {
  return edited(kScenario, {{"failure: {node_mtbf: 2000h}", "failure: {node_mtbf: 200h}"},
                            {"montecarlo: {replications: 20, seed: 3}",
                             "montecarlo: {replications: 20, seed: 3, max_wall_factor: 3}"}});
}

TEST(ReliabilityDidNotFinish, ASweepRecordsAHopelessPointAsDnfAndKeepsGoing) {
  TempDir dir;
  write_text(dir / "scenario.yaml",
             hopeless_scenario() + std::string("sweep:\n  cluster.spares: [0, 16]\n"));
  const RunResult r =
      run_goodsim({"sweep", "scenario.yaml", "-o", "out.h5", "-q", "--threads", "2"}, dir.path());
  ASSERT_EQ(r.exit_code, 0) << r;
  EXPECT_EQ(list_dir(dir.path()), (std::set<std::string>{"out.h5", "scenario.yaml"}));
  // The printed summary marks the point, and says what the mark means.
  const auto line_of = [&](const std::string& start) {
    const std::size_t at = r.out.find("\n" + start);
    return at == std::string::npos ? std::string()
                                   : r.out.substr(at + 1, r.out.find('\n', at + 1) - at - 1);
  };
  EXPECT_TRUE(HasSubstr(line_of("000000"), "DNF 20/20")) << r.out;
  EXPECT_FALSE(HasSubstr(line_of("000001"), "DNF")) << r.out;
  EXPECT_TRUE(HasSubstr(r.out,
                        "DNF n/N: did not finish, n of the N replications simulated 3 x "
                        "the work without finishing"))
      << r.out;
  // /summary has the count; the point's replications are censored at the cap (300 h).
  const auto file = sim::h5::File::open_read((dir / "out.h5").string());
  const sim::h5::Table summary = file.root().read_table("summary");
  const std::vector<double>* unfinished = nullptr;
  for (const auto& c : summary.columns) {
    if (c.name == "unfinished") unfinished = std::get_if<std::vector<double>>(&c.values);
  }
  ASSERT_NE(unfinished, nullptr);
  EXPECT_EQ(*unfinished, (std::vector<double>{20.0, 0.0}));
  const auto point = file.root().open_group("points/000000");
  EXPECT_EQ(point.read_int64s("unfinished"), std::vector<std::int64_t>(20, 1));
  EXPECT_EQ(point.read_doubles("wall_h"), std::vector<double>(20, 300.0));
  EXPECT_EQ(file.root().open_group("points/000001").read_int64s("unfinished"),
            std::vector<std::int64_t>(20, 0));
}

TEST(ReliabilityDidNotFinish, ARunReportsItsUnfinishedReplications) {
  TempDir dir;
  write_text(dir / "scenario.yaml", hopeless_scenario());
  const RunResult r = run_goodsim(
      {"run", "scenario.yaml", "-o", "out.h5", "--set", "cluster.spares=0"}, dir.path());
  ASSERT_EQ(r.exit_code, 0) << r;
  EXPECT_TRUE(HasSubstr(r.out,
                        "DID NOT FINISH 20 of 20 replications did not finish within 3 x the work "
                        "(300 h, montecarlo.max_wall_factor)\n"
                        "               they are censored at that cap: goodput is an upper "
                        "bound, wall time and cost are lower bounds\n"))
      << r.out;
  EXPECT_TRUE(HasSubstr(r.err, "goodsim run: warning: 20 of 20 replications did not finish"))
      << r.err;
  EXPECT_TRUE(HasSubstr(r.out, "wall time      300.0 h")) << r.out;
}

// ---------------------------------------------------------------------------------------------
// The resume fingerprint covers the files the scenario reads (issue 11 item 1): after the
// trace is edited, --resume refuses the old parts and the old output instead of mixing them.

std::string trace_scenario() {
  return edited(kScenario,
                {{"failure: {node_mtbf: 2000h}", "failure: {model: trace, file: t.csv}"}});
}

std::string trace_csv(int failures, double gap_h) {
  std::string csv = "time,node\n";
  for (int i = 1; i <= failures; ++i) {
    csv += std::to_string(gap_h * i) + "h," + std::to_string(i % 64) + "\n";
  }
  return csv;
}

TEST(ReliabilityResumeInputs, EditingTheTraceMakesResumeRefuseTheFinishedOutput) {
  TempDir dir;
  write_text(dir / "scenario.yaml",
             trace_scenario() + std::string("sweep:\n  cluster.spares: [1, 2]\n"));
  write_text(dir / "t.csv", trace_csv(40, 25.0));
  const std::vector<std::string> args = {"sweep", "scenario.yaml", "-o", "out.h5", "-q"};
  ASSERT_EQ(run_goodsim(args, dir.path()).exit_code, 0);
  std::vector<std::string> resume = args;
  resume.push_back("--resume");
  // Unchanged inputs: the output is this sweep, nothing to do.
  const RunResult same = run_goodsim(resume, dir.path());
  EXPECT_EQ(same.exit_code, 0) << same;
  EXPECT_TRUE(HasSubstr(same.out, "already complete")) << same.out;
  // An edited trace (failures twice as often) is another sweep. Before the fix, --resume
  // said "already complete" and kept the results of the old trace.
  write_text(dir / "t.csv", trace_csv(80, 12.5));
  const RunResult edited_trace = run_goodsim(resume, dir.path());
  EXPECT_EQ(edited_trace.exit_code, 2) << edited_trace;
  EXPECT_TRUE(HasSubstr(edited_trace.err, "the output exists and holds a different sweep"))
      << edited_trace;
}

TEST(ReliabilityResumeInputs, EditingTheTraceMakesResumeRefuseTheStoredParts) {
  TempDir dir;
  // Point 0 takes milliseconds, point 1 minutes: interrupted with one part stored.
  write_text(dir / "scenario.yaml",
             trace_scenario() + std::string("sweep:\n  job.work: [100h, 2000000h]\n"));
  write_text(dir / "t.csv", trace_csv(40, 25.0));
  const std::vector<std::string> args = {"sweep",  "scenario.yaml", "-o",        "out.h5",
                                         "--reps", "2000",          "--threads", "1"};
  {
    GoodsimProcess p(args, dir.path());
    const fs::path part = dir / "out.h5.parts" / "000000.h5";
    ASSERT_TRUE(wait_for(p, [&] { return fs::exists(part); })) << p.wait();
    ASSERT_TRUE(p.kill(SIGINT));
    ASSERT_EQ(p.wait().exit_code, 130);
  }
  write_text(dir / "t.csv", trace_csv(80, 12.5));
  const std::set<std::string> parts = list_dir(dir / "out.h5.parts");
  std::vector<std::string> resume = args;
  resume.push_back("--resume");
  const RunResult r = run_goodsim(resume, dir.path());
  EXPECT_EQ(r.exit_code, 2) << r;
  EXPECT_TRUE(HasSubstr(r.err, "holds the parts of a different sweep")) << r;
  EXPECT_TRUE(HasSubstr(r.err, "a file it reads (a trace)")) << r;
  EXPECT_EQ(list_dir(dir / "out.h5.parts"), parts);  // nothing changed
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
  // No point fitted in the disk, so no parts directory is left to block a plain re-run.
  EXPECT_EQ(list_dir(dir.path()), (std::set<std::string>{"scenario.yaml"}));
  // With room again, --resume completes it.
  const RunResult resumed = run_goodsim(
      {"sweep", "scenario.yaml", "-o", "out.h5", "--reps", "3000", "-q", "--resume"}, dir.path());
  EXPECT_EQ(resumed.exit_code, 0) << resumed;
  EXPECT_EQ(list_dir(dir.path()), (std::set<std::string>{"out.h5", "scenario.yaml"}));
}

// ---------------------------------------------------------------------------------------------
// A replication count whose results cannot fit in memory (issue 11 item 7) is refused before
// anything is simulated, with the estimate and the limit: it used to end in std::bad_alloc.

TEST(ReliabilityMemory, HugeReplicationCountsAreRefusedUpFrontWithTheEstimate) {
  TempDir dir;
  write_text(dir / "scenario.yaml", std::string(kScenario) + "sweep: {cluster.spares: [0, 1]}\n");
  for (const char* command : {"run", "sweep"}) {
    const RunResult r = run_goodsim(
        {command, "scenario.yaml", "-o", "out.h5", "-q", "--reps", "1000000000000"}, dir.path());
    EXPECT_EQ(r.exit_code, 2) << r;
    EXPECT_TRUE(r.err.find("1000000000000 replications need about") != std::string::npos) << r;
    EXPECT_TRUE(r.err.find("GB of memory") != std::string::npos) << r;
    EXPECT_TRUE(r.err.find("more than this machine's") != std::string::npos) << r;
    EXPECT_EQ(list_dir(dir.path()), (std::set<std::string>{"scenario.yaml"})) << command;
  }
}

// A run, and each point of a sweep, streams its results to the file: it keeps 8 bytes per
// figure of the summary (goodput, wall time, interruptions, cost when priced) and a sorted copy
// of one, whatever the causes.
TEST(ReliabilityMemory, ARunKeepsOnlyTheSummarysFiguresOfEachReplication) {
  models::Scenario s;
  EXPECT_DOUBLE_EQ(cli::replication_results_bytes(s, 1), 32.0);
  s.cluster.causes.resize(10);
  EXPECT_DOUBLE_EQ(cli::replication_results_bytes(s, 1), 32.0);
  s.cost.node_hour_usd = 90.0;
  EXPECT_DOUBLE_EQ(cli::replication_results_bytes(s, 1000), 40'000.0);
  // 10^7 replications: 0.4 GB, where holding every result took about 7 GB.
  EXPECT_NO_THROW(cli::check_replications_fit("run", s, 10'000'000, 1e9));
  EXPECT_THROW(cli::check_replications_fit("run", s, 100'000'000, 1e9), cli::UsageError);
}

// recommend keeps, besides one candidate's summary at a time, the cost and wall time of every
// replication of every candidate (16 bytes each) for the paired differences.
TEST(ReliabilityMemory, RecommendKeepsEachCandidatesCostAndWallTime) {
  models::Scenario s;
  s.cost.node_hour_usd = 90.0;
  EXPECT_DOUBLE_EQ(cli::candidate_results_bytes(s, 1000, 5), 40'000.0 + 5 * 16'000.0);
  // 10^6 replications of 7 candidates: 0.15 GB; of 10^7: 1.5 GB.
  EXPECT_NO_THROW(cli::check_candidates_fit(s, 1'000'000, 7, 1e9));
  try {
    cli::check_candidates_fit(s, 10'000'000, 7, 1e9);
    ADD_FAILURE() << "1.5 GB fit in 1 GB";
  } catch (const cli::UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("7 candidates of 10000000 replications need about 1.5 GB"),
              std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace goodsim::test
