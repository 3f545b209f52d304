#include "sim/atomic_file.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <optional>
#include <stdexcept>
#include <string>
#include <system_error>
#include <utility>

namespace goodsim::sim {
namespace {

// errno as text; std::strerror is not guaranteed thread-safe.
std::string errno_text(int err) {
  return std::generic_category().message(err);
}

// Closes a POSIX file descriptor on scope exit.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const { return fd_; }

 private:
  int fd_;
};

std::string temp_name(const std::filesystem::path& final_path) {
  return final_path.string() + ".tmp-" + std::to_string(::getpid());
}

// The pid in "<base>.tmp-<pid>", if `name` is such a name.
std::optional<pid_t> temp_owner(const std::string& name, const std::string& base) {
  const std::string prefix = base + ".tmp-";
  if (name.rfind(prefix, 0) != 0 || name.size() == prefix.size() || name.size() > prefix.size() + 9)
    return std::nullopt;
  pid_t pid = 0;
  for (std::size_t i = prefix.size(); i < name.size(); ++i) {
    if (name[i] < '0' || name[i] > '9') return std::nullopt;
    pid = pid * 10 + (name[i] - '0');
  }
  return pid;
}

bool process_gone(pid_t pid) {
  return pid > 0 && pid != ::getpid() && ::kill(pid, 0) != 0 && errno == ESRCH;
}

}  // namespace

std::optional<std::string> why_not_writable(const std::filesystem::path& final_path) {
  namespace fs = std::filesystem;
  const fs::path dir = final_path.has_parent_path() ? final_path.parent_path() : fs::path(".");
  std::error_code ec;
  const auto status = fs::status(dir, ec);
  if (!fs::exists(status)) return "directory '" + dir.string() + "' does not exist";
  if (!fs::is_directory(status))
    return std::string("'").append(dir.string()) + "' is not a directory";
  const std::string probe = temp_name(final_path);
  const Fd fd(::open(probe.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644));
  if (fd.get() < 0) {
    const int err = errno;
    if (err == EEXIST) return std::nullopt;  // our own temp file: the directory is writable
    return "cannot create a file in directory '" + dir.string() + "': " + errno_text(err);
  }
  ::unlink(probe.c_str());
  return std::nullopt;
}

void remove_stale_temps(const std::filesystem::path& dir, const std::string& only_base) {
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    const std::size_t at = name.rfind(".tmp-");
    if (at == std::string::npos) continue;
    const std::string base = name.substr(0, at);
    if (!only_base.empty() && base != only_base) continue;
    const std::optional<pid_t> pid = temp_owner(name, base);
    std::error_code ignored;
    if (pid && process_gone(*pid)) std::filesystem::remove(entry.path(), ignored);
  }
}

AtomicFile::AtomicFile(std::filesystem::path final_path)
    : final_path_(std::move(final_path)), temp_path_(temp_name(final_path_)) {}

AtomicFile::~AtomicFile() {
  if (committed_) return;
  std::error_code ignored;  // nothing useful to do about a failure while unwinding
  std::filesystem::remove(temp_path_, ignored);
}

void AtomicFile::commit() {
  if (committed_)
    throw std::runtime_error("AtomicFile: " + final_path_.string() + " already committed");
  {
    // Without the fsync a crash right after the rename can leave an empty file at final_path.
    const Fd fd(::open(temp_path_.c_str(), O_RDONLY | O_CLOEXEC));
    if (fd.get() < 0 || ::fsync(fd.get()) != 0) {
      const int err = errno;
      throw std::runtime_error("cannot commit '" + final_path_.string() + "': cannot sync '" +
                               temp_path_.string() + "': " + errno_text(err));
    }
  }
  // A rename replaces whatever is there: refuse to replace a device or a directory.
  std::error_code ec;
  const auto existing = std::filesystem::symlink_status(final_path_, ec);
  if (!ec && std::filesystem::exists(existing) && !std::filesystem::is_regular_file(existing) &&
      !std::filesystem::is_symlink(existing)) {
    throw std::runtime_error("cannot commit '" + final_path_.string() +
                             "': it exists and is not a regular file");
  }
  if (std::rename(temp_path_.c_str(), final_path_.c_str()) != 0) {
    const int err = errno;
    throw std::runtime_error("cannot rename '" + temp_path_.string() + "' to '" +
                             final_path_.string() + "': " + errno_text(err));
  }
  committed_ = true;
  // Persist the directory entry too. Best effort: the rename itself already succeeded and some
  // filesystems refuse fsync on directories.
  const std::filesystem::path dir =
      final_path_.has_parent_path() ? final_path_.parent_path() : std::filesystem::path(".");
  const Fd dir_fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (dir_fd.get() >= 0) ::fsync(dir_fd.get());
}

}  // namespace goodsim::sim
