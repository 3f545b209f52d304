#pragma once
// A thin RAII layer over the HDF5 C API: files, groups, 1-D/2-D numeric datasets, a compound
// "table" dataset, and attributes. It knows nothing about the simulator. Every failure is an
// h5::Error naming the file and object; HDF5's own error printing is silenced only for the
// duration of each call (saved and restored), so no process-wide setting is left behind.
//
// Not thread-safe: use one File (and its Groups) from one thread at a time.
//
// Implemented in sim/hdf5_<concern>.cpp (file, group, dataset, growing, table, attributes,
// copy); hdf5_errors.h and hdf5_storage.h are their shared internals.

#include <hdf5.h>

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace goodsim::sim::h5 {

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

namespace detail {
using CloseFn = herr_t (*)(hid_t);
// Closes without printing to stderr; failures are ignored (destructors cannot report them).
void close_quietly(CloseFn close, hid_t id) noexcept;
}  // namespace detail

// Owns one HDF5 identifier and closes it with the matching H5*close function.
template <detail::CloseFn Close>
class Handle {
 public:
  Handle() = default;
  explicit Handle(hid_t id) : id_(id) {}
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  Handle(Handle&& other) noexcept : id_(std::exchange(other.id_, H5I_INVALID_HID)) {}
  Handle& operator=(Handle&& other) noexcept {
    if (this != &other) {
      reset();
      id_ = std::exchange(other.id_, H5I_INVALID_HID);
    }
    return *this;
  }
  ~Handle() { reset(); }

  hid_t get() const { return id_; }
  bool valid() const { return id_ >= 0; }
  hid_t release() { return std::exchange(id_, H5I_INVALID_HID); }
  void reset() noexcept {
    if (id_ >= 0) detail::close_quietly(Close, id_);
    id_ = H5I_INVALID_HID;
  }

 private:
  hid_t id_ = H5I_INVALID_HID;
};

using FileHandle = Handle<H5Fclose>;
using GroupHandle = Handle<H5Gclose>;
using DatasetHandle = Handle<H5Dclose>;
using DataspaceHandle = Handle<H5Sclose>;
using DatatypeHandle = Handle<H5Tclose>;
using AttributeHandle = Handle<H5Aclose>;
using PropertyListHandle = Handle<H5Pclose>;
using ObjectHandle = Handle<H5Oclose>;

// Column-major table; every column must have the same length.
struct Table {
  struct Column {
    std::string name;
    std::string units;
    std::variant<std::vector<double>, std::vector<std::string>> values;
  };
  std::vector<Column> columns;

  std::size_t rows() const;  // 0 for a table without columns
};

struct Matrix {
  std::size_t rows = 0;
  std::size_t cols = 0;
  std::vector<double> data;  // row-major, rows * cols
};

// A dataset that grows by whole rows: [rows] or [rows x cols] of float64 or int64, chunked,
// compressed (when available) and checksummed like the others, so a run can write its
// replications block by block and hold only the block in hand (Group::create_growing).
class GrowingDataset {
 public:
  // Appends whole rows, row-major; the element type must be the dataset's.
  void append(std::span<const double> values);
  void append(std::span<const std::int64_t> values);
  std::size_t rows() const { return rows_; }

 private:
  friend class Group;
  GrowingDataset(DatasetHandle ds, std::string name, std::size_t cols, bool integers)
      : ds_(std::move(ds)), name_(std::move(name)), cols_(cols), integers_(integers) {}
  void append_raw(const void* data, std::size_t count, bool integers);

  DatasetHandle ds_;
  std::string name_;
  std::size_t cols_ = 0;  // 0: a 1-D dataset
  std::size_t rows_ = 0;
  bool integers_ = false;
};

class Group {
 public:
  // Children and attributes are addressed by names relative to this group ("a/b" allowed).
  Group create_group(const std::string& name);  // creates missing intermediate groups
  Group open_group(const std::string& name) const;
  bool has(const std::string& name) const;    // link exists (false if a parent is missing)
  std::vector<std::string> children() const;  // link names directly in this group, sorted

  // 1-D datasets with a string attribute "units". Fails if `name` already exists.
  void write(const std::string& name, std::span<const double> values, std::string_view units);
  void write(const std::string& name, std::span<const std::int64_t> values, std::string_view units);
  // 2-D [rows x cols] dataset with "units" and a string-array attribute "names" (one per column).
  void write_matrix(const std::string& name, std::span<const double> row_major, std::size_t rows,
                    std::size_t cols, std::string_view units,
                    const std::vector<std::string>& column_names);
  // Empty datasets that grow by rows: 1-D float64 or int64 with "units", or [rows x cols]
  // float64 with "units" and "names" like write_matrix. Their content reads back exactly as
  // write / write_matrix of all the rows at once would have stored it. `rows_hint`, the rows
  // expected in the end if known (0: unknown), picks the storage as write does: up to 4096
  // elements one chunk, uncompressed; more (or unknown), compressed chunks of about 256 kB.
  enum class Element { kFloat64, kInt64 };
  GrowingDataset create_growing(const std::string& name, Element element, std::string_view units,
                                std::size_t rows_hint = 0);
  GrowingDataset create_growing_matrix(const std::string& name, std::size_t cols,
                                       std::string_view units,
                                       const std::vector<std::string>& column_names,
                                       std::size_t rows_hint = 0);
  // One compound dataset (fields: float64 or fixed-length UTF-8 strings) plus a string-array
  // attribute "units" aligned with the fields, so h5py reads it as one numpy structured array.
  void write_table(const std::string& name, const Table& table);

  // Attributes on this group; an existing attribute of the same name is replaced.
  void set_attribute(const std::string& name, std::string_view value);
  void set_attribute(const std::string& name, double value);
  void set_attribute(const std::string& name, std::int64_t value);
  // Other integer types would be ambiguous between the double and int64 overloads.
  template <std::integral T>
  requires(!std::same_as<T, bool> &&
           !std::same_as<T, std::int64_t>) void set_attribute(const std::string& name, T value) {
    if (std::cmp_greater(value, std::numeric_limits<std::int64_t>::max())) {
      throw Error("HDF5: attribute '" + name + "' does not fit in int64");
    }
    set_attribute(name, static_cast<std::int64_t>(value));
  }

  std::vector<double> read_doubles(const std::string& name) const;
  // A dataset's extent along its first dimension (1 for a scalar), without reading it.
  std::size_t rows(const std::string& name) const;
  std::vector<std::int64_t> read_int64s(const std::string& name) const;
  Matrix read_matrix(const std::string& name) const;
  Table read_table(const std::string& name) const;  // units from the "units" attribute if present

  // Attribute readers. `object` is a path relative to this group; "." is the group itself, so
  // string_attribute("units", "latency") reads a dataset's units.
  bool has_attribute(const std::string& attr, const std::string& object = ".") const;
  std::string string_attribute(const std::string& attr, const std::string& object = ".") const;
  std::vector<std::string> string_array_attribute(const std::string& attr,
                                                  const std::string& object = ".") const;
  double double_attribute(const std::string& attr, const std::string& object = ".") const;
  std::int64_t int64_attribute(const std::string& attr, const std::string& object = ".") const;

  hid_t id() const { return handle_.get(); }  // escape hatch to the raw C API

 private:
  friend class File;
  explicit Group(GroupHandle handle) : handle_(std::move(handle)) {}

  GroupHandle handle_;
};

// Copies every child of `src` (datasets whole, with their attributes) and every attribute of
// `src` itself into `dst`; `what` names `src` in errors ("file.h5:/points/000001").
void copy_group_contents(const Group& src, Group& dst, const std::string& what);

// Call first in main, before any other HDF5 call: HDF5 then registers no exit handler.
//
// HDF5 1.10's exit handler crashes (SIGSEGV in H5F__close_cb) after a write failed for want
// of space: the first failed flush leaves the metadata cache in a state where every later
// flush fails ("slist already enabled?"), so the file cannot be closed, and the handler then
// closes the half-destroyed file again. Every file goodsim writes is closed explicitly before
// it is renamed into place (sim::AtomicFile), so the handler has nothing left to do on success;
// after a failure the temp file is removed and the process exits with the I/O error.
void skip_library_cleanup_at_exit();

class File {
 public:
  static File create(const std::string& path);      // truncates an existing file
  static File open_read(const std::string& path);   // Error if missing, not HDF5, or truncated
  static File open_write(const std::string& path);  // read-write, file must exist

  Group root() const;
  // Reads every dataset back whole, which checks its Fletcher32 checksums (goodsim writes
  // them on every non-empty dataset); Error naming the first dataset that fails.
  void verify() const;
  void flush();  // H5Fflush(H5F_SCOPE_GLOBAL)
  // Closes now and reports failures (e.g. a failed final flush), which the destructor has to
  // swallow. Fails if Groups of this file are still open, because they would keep the file open
  // past this call (e.g. past an AtomicFile::commit). The File is empty afterwards.
  void close();

  const std::string& path() const { return path_; }
  hid_t id() const { return handle_.get(); }

 private:
  File(FileHandle handle, std::string path) : handle_(std::move(handle)), path_(std::move(path)) {}

  FileHandle handle_;
  std::string path_;
};

}  // namespace goodsim::sim::h5
