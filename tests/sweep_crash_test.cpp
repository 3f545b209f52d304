// goodsim sweep, crash safety: a sweep killed with SIGKILL at random moments and resumed gives
// the same file, bit for bit, as an uninterrupted one; flipped bits are recomputed; parts or
// outputs of a different sweep are refused.

#include <gtest/gtest.h>

#include <chrono>
#include <cstring>
#include <iostream>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "cli/results_file.h"
#include "goodsim/version.h"
#include "sim/hdf5.h"
#include "tests/sweep_test_support.h"
#include "tests/test_support.h"

namespace goodsim::test {
namespace {

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
