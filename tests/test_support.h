#pragma once
// Header-only helpers shared by the tests that run the goodsim executable: a fresh temporary
// directory per test, and a runner that executes the binary in a given working directory and
// captures its exit code, stdout and stderr.

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

extern char** environ;

namespace goodsim::test {

namespace fs = std::filesystem;

// Substring check with both strings in the failure message (gmock is not linked).
inline ::testing::AssertionResult HasSubstr(const std::string& text, const std::string& part) {
  if (text.find(part) != std::string::npos) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "'" << part << "' not found in:\n" << text;
}

inline std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

inline void write_text(const fs::path& path, const std::string& content) {
  std::ofstream out(path, std::ios::binary);
  out << content;
  ASSERT_TRUE(out.good()) << "cannot write " << path;
}

// A fresh directory, removed (with its contents) when the object goes out of scope.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "goodsim-test-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) {
      ADD_FAILURE() << "mkdtemp failed: " << std::strerror(errno);
    }
    path_ = pattern;
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }

  const fs::path& path() const { return path_; }
  fs::path operator/(const std::string& name) const { return path_ / name; }

 private:
  fs::path path_;
};

// Names of the entries directly in `dir`, sorted.
inline std::set<std::string> list_dir(const fs::path& dir) {
  std::set<std::string> names;
  for (const auto& entry : fs::directory_iterator(dir)) {
    names.insert(entry.path().filename().string());
  }
  return names;
}

struct RunResult {
  int exit_code = -1;  // -1 if the process did not exit normally (signal, timeout)
  std::string out;
  std::string err;
};

inline std::ostream& operator<<(std::ostream& os, const RunResult& r) {
  return os << "exit code " << r.exit_code << "\n--- stdout ---\n"
            << r.out << "--- stderr ---\n"
            << r.err << "--------------";
}

// In a forked child: stdin from /dev/null, stdout and stderr to the given files, working
// directory `dir`, then exec. Only async-signal-safe calls (the parent may have threads).
[[noreturn]] inline void exec_captured(std::vector<char*>& argv, char** envp,
                                       const std::string& dir, const std::string& out_path,
                                       const std::string& err_path) {
  const int out = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  const int err = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  const int in = ::open("/dev/null", O_RDONLY);
  if (out < 0 || err < 0 || in < 0 || ::chdir(dir.c_str()) != 0) ::_exit(126);
  ::dup2(in, 0);
  ::dup2(out, 1);
  ::dup2(err, 2);
  ::execve(argv[0], argv.data(), envp);
  ::_exit(127);
}

// Runs the program `args[0]` (a path) with `args` in working directory `cwd`. The child gets
// this process's environment without the variables named in `drop_env`, plus `extra_env`
// ("NAME=value"). stdout and stderr are captured through files in a private directory, so
// `cwd` only ever holds what the program writes there. A run taking longer than `timeout` is
// killed (exit_code -1).
inline RunResult run_program(const std::vector<std::string>& args, const fs::path& cwd,
                             const std::vector<std::string>& extra_env = {},
                             const std::vector<std::string>& drop_env = {},
                             std::chrono::seconds timeout = std::chrono::seconds(120)) {
  TempDir capture;
  const std::string out_path = (capture / "stdout").string();
  const std::string err_path = (capture / "stderr").string();
  const std::string dir = cwd.string();

  // Everything the child needs is prepared before fork: between fork and exec only
  // async-signal-safe calls are allowed (the test process may have had threads).
  std::vector<std::string> storage = args;
  std::vector<char*> argv;
  for (std::string& s : storage) argv.push_back(s.data());
  argv.push_back(nullptr);

  std::vector<std::string> env_storage;
  const auto replaced = [&](const std::string& entry) {
    const std::string name = entry.substr(0, entry.find('='));
    for (const std::string& d : drop_env) {
      if (d == name) return true;
    }
    for (const std::string& e : extra_env) {
      if (e.substr(0, e.find('=')) == name) return true;
    }
    return false;
  };
  for (char** e = environ; *e != nullptr; ++e) {
    if (!replaced(*e)) env_storage.emplace_back(*e);
  }
  env_storage.insert(env_storage.end(), extra_env.begin(), extra_env.end());
  std::vector<char*> envp;
  for (std::string& s : env_storage) envp.push_back(s.data());
  envp.push_back(nullptr);

  RunResult result;
  const pid_t pid = ::fork();
  if (pid < 0) {
    ADD_FAILURE() << "fork failed: " << std::strerror(errno);
    return result;
  }
  if (pid == 0) exec_captured(argv, envp.data(), dir, out_path, err_path);

  int status = 0;
  bool timed_out = false;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    const pid_t done = ::waitpid(pid, &status, WNOHANG);
    if (done == pid) break;
    if (done < 0 && errno != EINTR) {
      ADD_FAILURE() << "waitpid failed: " << std::strerror(errno);
      return result;
    }
    if (std::chrono::steady_clock::now() > deadline) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      ADD_FAILURE() << args[0] << " timed out after " << timeout.count() << " s";
      timed_out = true;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  if (!timed_out && WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
  result.out = read_text(out_path);
  result.err = read_text(err_path);
  return result;
}

// Runs the goodsim executable with `args` in working directory `cwd` (see run_program).
inline RunResult run_goodsim(const std::vector<std::string>& args, const fs::path& cwd,
                             std::chrono::seconds timeout = std::chrono::seconds(120)) {
  std::vector<std::string> argv{GOODSIM_BINARY};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_program(argv, cwd, {}, {}, timeout);
}

// A small priced scenario: 64 nodes, 2 spares, a failure every ~31 h of the job, milliseconds
// per run. `cluster_extra` adds keys to the cluster map (indented by two spaces).
inline std::string small_scenario(const std::string& name, int replications, int seed,
                                  const std::string& cluster_extra = "") {
  return "name: " + name + R"(
cluster:
  nodes: 64
  gpus_per_node: 8
  spares: 2
  failure:
    model: exponential
    node_mtbf: 2000h
  repair:
    model: exponential
    mean: 24h
)" + cluster_extra +
         R"(job:
  work: 100h
checkpoint:
  interval: 30min
  write: 2min
recovery:
  strategy: hot_spare
  detect: 5min
  swap: 5min
  restart: 10min
  load: 5min
cost:
  node_hour_usd: 90
montecarlo:
  replications: )" +
         std::to_string(replications) + "\n  seed: " + std::to_string(seed) + "\n";
}

// recommend's tests (recommend_test, recommend_confidence_test): 16 slots, a failure every
// 25 h, 48 h repairs: the cheapest spare count is inside 0..5.
inline constexpr const char* kRecommendScenario = R"(name: recommend-test
cluster:
  nodes: 16
  gpus_per_node: 8
  spares: 2
  failure: {model: exponential, node_mtbf: 400h}
  repair: {model: exponential, mean: 48h}
job:
  work: 200h
checkpoint: {interval: 1h, write: 1min}
recovery: {detect: 5min, swap: 5min, restart: 10min, load: 5min}
cost: {node_hour_usd: 90}
montecarlo: {replications: 200, seed: 7}
)";

// `yaml` with each (from, to) edit applied; each `from` must occur exactly once.
inline std::string edited(std::string yaml,
                          const std::vector<std::pair<std::string, std::string>>& edits) {
  for (const auto& [from, to] : edits) {
    const std::size_t at = yaml.find(from);
    EXPECT_NE(at, std::string::npos) << "'" << from << "' is not in the scenario";
    EXPECT_EQ(yaml.find(from, at + 1), std::string::npos) << "'" << from << "' is ambiguous";
    if (at != std::string::npos) yaml.replace(at, from.size(), to);
  }
  return yaml;
}

// 1-based number of the first line of `yaml` that is exactly `line`; 0 if there is none.
inline int line_number(const std::string& yaml, const std::string& line) {
  std::istringstream in(yaml);
  std::string current;
  for (int n = 1; std::getline(in, current); ++n) {
    if (current == line) return n;
  }
  ADD_FAILURE() << "no line '" << line << "' in:\n" << yaml;
  return 0;
}

// A scenario that must be rejected: a base scenario with `from` (occurring once) changed to
// `to`; the error must point at `line` (whole, exactly), name `key` ("" for the root) and
// contain `message`.
struct BadScenario {
  const char* name;
  const char* from;
  const char* to;
  const char* line;
  const char* key;
  const char* message;
};

inline void PrintTo(const BadScenario& c, std::ostream* os) {
  *os << c.name;
}

// `goodsim run` on the scenario `yaml` must reject it as bad input: exit code 2, one line
// "goodsim: error: scenario.yaml:LINE:..." pointing at `line` (the whole line, exactly), naming
// `key` (unless empty) and containing `message`; nothing on stdout and nothing written.
inline void expect_rejected_at_line(const std::string& yaml, const std::string& line,
                                    const std::string& key, const std::string& message) {
  const int n = line_number(yaml, line);
  ASSERT_GT(n, 0);
  TempDir dir;
  write_text(dir / "scenario.yaml", yaml);
  const std::set<std::string> before = list_dir(dir.path());
  const RunResult r = run_goodsim({"run", "scenario.yaml", "-o", "out.h5", "--quiet"}, dir.path());
  EXPECT_EQ(r.exit_code, 2) << r;
  EXPECT_EQ(r.out, "") << r;
  EXPECT_EQ(list_dir(dir.path()), before) << r;  // no results file, no temporary file
  const std::string prefix = "goodsim: error: scenario.yaml:" + std::to_string(n) + ":";
  EXPECT_EQ(r.err.rfind(prefix, 0), 0u) << "expected the prefix '" << prefix << "'\n" << r;
  if (!key.empty()) {
    EXPECT_TRUE(HasSubstr(r.err, "key '" + key + "': "));
  }
  EXPECT_TRUE(HasSubstr(r.err, message));
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << "one line expected\n" << r;
}

}  // namespace goodsim::test

namespace goodsim::test {

// The goodsim executable running in the background, for tests that interrupt it (e.g. with
// SIGKILL). Output is captured like run_goodsim's; the destructor kills and reaps a process
// that is still running.
class GoodsimProcess {
 public:
  GoodsimProcess(const std::vector<std::string>& args, const fs::path& cwd) {
    const std::string out_path = (capture_ / "stdout").string();
    const std::string err_path = (capture_ / "stderr").string();
    const std::string dir = cwd.string();
    std::vector<std::string> storage;
    storage.push_back(GOODSIM_BINARY);
    storage.insert(storage.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (std::string& s : storage) argv.push_back(s.data());
    argv.push_back(nullptr);
    pid_ = ::fork();
    if (pid_ < 0) {
      ADD_FAILURE() << "fork failed: " << std::strerror(errno);
      return;
    }
    if (pid_ == 0) exec_captured(argv, environ, dir, out_path, err_path);
  }
  GoodsimProcess(const GoodsimProcess&) = delete;
  GoodsimProcess& operator=(const GoodsimProcess&) = delete;
  ~GoodsimProcess() {
    if (pid_ > 0 && !reaped_) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, &status_, 0);
    }
  }

  pid_t pid() const { return pid_; }

  // True while the process has not exited (reaps it once it has).
  bool running() {
    if (pid_ <= 0 || reaped_) return false;
    const pid_t done = ::waitpid(pid_, &status_, WNOHANG);
    if (done == pid_) reaped_ = true;
    return !reaped_;
  }

  // Sends `signal` if the process is still running; true if it was sent.
  bool kill(int signal = SIGKILL) { return running() && ::kill(pid_, signal) == 0; }

  // Waits for the process to end. `killed_by` is the signal that ended it (0 if it exited).
  RunResult wait(int* killed_by = nullptr) {
    if (pid_ > 0 && !reaped_) {
      while (::waitpid(pid_, &status_, 0) < 0 && errno == EINTR) {
      }
      reaped_ = true;
    }
    RunResult result;
    if (WIFEXITED(status_)) result.exit_code = WEXITSTATUS(status_);
    if (killed_by != nullptr) *killed_by = WIFSIGNALED(status_) ? WTERMSIG(status_) : 0;
    result.out = read_text(capture_ / "stdout");
    result.err = read_text(capture_ / "stderr");
    return result;
  }

 private:
  TempDir capture_;
  pid_t pid_ = -1;
  bool reaped_ = false;
  int status_ = 0;
};

}  // namespace goodsim::test
