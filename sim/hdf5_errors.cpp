// Why: turns HDF5's error stack into the one-line reasons h5::Error carries.
#include "sim/hdf5_errors.h"

namespace goodsim::sim::h5::detail {
namespace {

// The name HDF5 gives `id` through H5Iget_name (its path) or H5Fget_name (its file); "?" if none.
std::string name_of(ssize_t (*get)(hid_t, char*, std::size_t), hid_t id) {
  const ssize_t n = get(id, nullptr, 0);
  if (n <= 0) return "?";
  std::string name(static_cast<std::size_t>(n), '\0');
  get(id, name.data(), name.size() + 1);
  return name;
}

}  // namespace

std::string take_error_description() {
  std::string innermost;
  auto visit = [](unsigned, const H5E_error2_t* err, void* out) -> herr_t {
    auto* text = static_cast<std::string*>(out);
    if (text->empty() && err->desc != nullptr && err->desc[0] != '\0') *text = err->desc;
    return 0;
  };
  H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, visit, &innermost);
  H5Eclear2(H5E_DEFAULT);
  if (innermost.empty()) return "unknown HDF5 error";
  // The sec2 driver's "file write failed: time = ..., filename = ..., errno = 28, error
  // message = 'No space left on device', buf = ..." (several lines): keep what the user needs.
  const std::string marker = "error message = '";
  const std::size_t at = innermost.find(marker);
  const std::size_t colon = innermost.find(':');
  if (at != std::string::npos && colon < at) {
    const std::size_t begin = at + marker.size();
    const std::size_t end = innermost.find('\'', begin);
    if (end != std::string::npos) {
      return innermost.substr(0, colon) + ": " + innermost.substr(begin, end - begin);
    }
  }
  return innermost;
}

void Op::fail(const std::string& reason) const {
  throw Error("HDF5: cannot " + action + " in '" + name_of(H5Iget_name, loc) + "' of file '" +
              name_of(H5Fget_name, loc) + "': " + reason);
}

void FileOp::fail(const std::string& reason) const {
  throw Error("HDF5: cannot " + verb + " '" + path + "'" + suffix + ": " + reason);
}

void close_quietly(CloseFn close, hid_t id) noexcept {
  QuietErrors quiet;
  // A failed close (a full disk) leaves its messages on this thread's error stack; clear
  // them, or they leak when the thread (e.g. the sweep's writer) ends.
  if (close(id) < 0) H5Eclear2(H5E_DEFAULT);
}

}  // namespace goodsim::sim::h5::detail
