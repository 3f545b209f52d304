#include "sim/atomic_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
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

}  // namespace

AtomicFile::AtomicFile(std::filesystem::path final_path)
    : final_path_(std::move(final_path)),
      temp_path_(final_path_.string() + ".tmp-" + std::to_string(::getpid())) {}

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
