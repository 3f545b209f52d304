#include "sim/input_file.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <system_error>

namespace goodsim::sim {
namespace {

const char* file_kind(mode_t mode) {
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISFIFO(mode)) return "a FIFO";
  if (S_ISSOCK(mode)) return "a socket";
  return "not a file";
}

}  // namespace

std::string human_bytes(std::uintmax_t bytes) {
  static constexpr const char* kUnits[] = {"KiB", "MiB", "GiB", "TiB"};
  if (bytes < 1024) return std::to_string(bytes) + " bytes";
  double value = static_cast<double>(bytes);
  std::size_t unit = 0;
  for (value /= 1024; value >= 1024 && unit + 1 < std::size(kUnits); value /= 1024) ++unit;
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f %s",
                value == static_cast<double>(static_cast<long>(value)) ? 0 : 1, value,
                kUnits[unit]);
  return buf;
}

std::optional<std::string> why_not_input_file(const std::string& path, std::uintmax_t max_bytes,
                                              std::string_view what) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return std::generic_category().message(errno);
  if (!S_ISREG(st.st_mode)) {
    return std::string("not a regular file (") + file_kind(st.st_mode) + ")";
  }
  const auto size = static_cast<std::uintmax_t>(st.st_size);
  if (size > max_bytes) {
    return human_bytes(size) + ", over the " + human_bytes(max_bytes) + " limit for " +
           std::string(what);
  }
  return std::nullopt;
}

}  // namespace goodsim::sim
