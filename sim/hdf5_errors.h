#pragma once
// Why: every HDF5 call in sim/hdf5_*.cpp reports failure the same way, as an h5::Error naming
// the object and the library's innermost message, with HDF5's own printing silenced.
// Internal to the sim/hdf5_*.cpp files; users include sim/hdf5.h.

#include <string>

#include "sim/hdf5.h"

namespace goodsim::sim::h5::detail {

// Silences HDF5's automatic error printing for one scope and restores whatever handler was
// installed before (the error stack and its settings are per-thread in thread-safe builds).
class QuietErrors {
 public:
  QuietErrors() {
    if (H5Eget_auto2(H5E_DEFAULT, &func_, &data_) >= 0) {
      saved_ = true;
      H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
    }
  }
  ~QuietErrors() {
    if (saved_) H5Eset_auto2(H5E_DEFAULT, func_, data_);
  }
  QuietErrors(const QuietErrors&) = delete;
  QuietErrors& operator=(const QuietErrors&) = delete;

 private:
  H5E_auto2_t func_ = nullptr;
  void* data_ = nullptr;
  bool saved_ = false;
};

// The innermost (most specific) description on the current error stack, which then is cleared.
// Must run right after the failing call: most API calls clear the stack on entry.
std::string take_error_description();

// Passes a call's successful result through and turns a negative one into Self::fail.
template <typename Self>
struct CheckedCalls {
  template <typename T>
  T operator()(T result) const {
    if (result < 0) static_cast<const Self&>(*this).fail(take_error_description());
    return result;
  }
};

// One operation on an object, for error messages: "cannot <action> in '<path>' of file ...".
struct Op : CheckedCalls<Op> {
  Op(hid_t loc_id, std::string what) : loc(loc_id), action(std::move(what)) {}
  hid_t loc;
  std::string action;

  [[noreturn]] void fail(const std::string& reason) const;
};

// Same as Op, for calls that have no object yet: "cannot <verb> '<path>'<suffix>: ...".
struct FileOp : CheckedCalls<FileOp> {
  FileOp(std::string v, std::string p, std::string s)
      : verb(std::move(v)), path(std::move(p)), suffix(std::move(s)) {}
  std::string verb;
  std::string path;
  std::string suffix;

  [[noreturn]] void fail(const std::string& reason) const;
};

}  // namespace goodsim::sim::h5::detail
