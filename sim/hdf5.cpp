#include "sim/hdf5.h"

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <memory>
#include <set>

namespace goodsim::sim::h5 {
namespace {

// Datasets above this many elements are chunked and compressed; smaller ones stay contiguous
// because per-chunk overhead would outweigh the savings.
constexpr hsize_t kCompressAbove = 4096;
constexpr std::size_t kChunkBytes = 256 * 1024;  // well inside HDF5's default 1 MiB chunk cache
constexpr unsigned kDeflateLevel = 4;

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

std::string object_path(hid_t id) {
  const ssize_t n = H5Iget_name(id, nullptr, 0);
  if (n <= 0) return "?";
  std::string name(static_cast<std::size_t>(n), '\0');
  H5Iget_name(id, name.data(), name.size() + 1);
  return name;
}

std::string file_name(hid_t id) {
  const ssize_t n = H5Fget_name(id, nullptr, 0);
  if (n <= 0) return "?";
  std::string name(static_cast<std::size_t>(n), '\0');
  H5Fget_name(id, name.data(), name.size() + 1);
  return name;
}

// One operation on an object, for error messages: "cannot <action> in '<path>' of file ...".
struct Op {
  hid_t loc;
  std::string action;

  [[noreturn]] void fail(const std::string& reason) const {
    throw Error("HDF5: cannot " + action + " in '" + object_path(loc) + "' of file '" +
                file_name(loc) + "': " + reason);
  }
  // Passes through a successful result; turns a negative one into an Error.
  template <typename T>
  T operator()(T result) const {
    if (result < 0) fail(take_error_description());
    return result;
  }
};

// Same as Op, for calls that have no object yet: "cannot <verb> '<path>'<suffix>: ...".
struct FileOp {
  std::string verb;
  std::string path;
  std::string suffix;

  [[noreturn]] void fail(const std::string& reason) const {
    throw Error("HDF5: cannot " + verb + " '" + path + "'" + suffix + ": " + reason);
  }
  template <typename T>
  T operator()(T result) const {
    if (result < 0) fail(take_error_description());
    return result;
  }
};

// HDF5's own message for a missing file is a long errno dump; say it plainly instead.
void require_exists(const FileOp& op) {
  std::error_code ec;
  if (!std::filesystem::exists(op.path, ec)) op.fail("no such file");
}

// File format 1.8 so attributes over 64 KiB (e.g. thousands of column names) go to dense
// storage and large groups get indexed link storage. Capped at 1.8 for new files so any reader
// with HDF5 >= 1.8 (h5py, MATLAB, ...) can open them; an existing file keeps its own version.
PropertyListHandle file_access_plist(const FileOp& op, H5F_libver_t high) {
  PropertyListHandle fapl(op(H5Pcreate(H5P_FILE_ACCESS)));
  op(H5Pset_libver_bounds(fapl.get(), H5F_LIBVER_V18, high));
  return fapl;
}

// Frees strings that HDF5 allocated for variable-length reads, also when an exception unwinds.
struct HdfStrings {
  std::vector<char*> ptrs;
  explicit HdfStrings(std::size_t n) : ptrs(n, nullptr) {}
  ~HdfStrings() {
    for (char* p : ptrs) H5free_memory(p);
  }
  HdfStrings(const HdfStrings&) = delete;
  HdfStrings& operator=(const HdfStrings&) = delete;
};

PropertyListHandle link_create_plist(const Op& op) {
  PropertyListHandle lcpl(op(H5Pcreate(H5P_LINK_CREATE)));
  op(H5Pset_create_intermediate_group(lcpl.get(), 1));
  return lcpl;
}

bool compression_available() {
  unsigned int flags = 0;
  return H5Zfilter_avail(H5Z_FILTER_DEFLATE) > 0 && H5Zfilter_avail(H5Z_FILTER_SHUFFLE) > 0 &&
         H5Zget_filter_info(H5Z_FILTER_DEFLATE, &flags) >= 0 &&
         (flags & H5Z_FILTER_CONFIG_ENCODE_ENABLED) != 0;
}

DatatypeHandle string_type(const Op& op, std::size_t size) {
  DatatypeHandle type(op(H5Tcopy(H5T_C_S1)));
  op(H5Tset_size(type.get(), size));
  op(H5Tset_cset(type.get(), H5T_CSET_UTF8));
  // Null padding lets a value use the full width (numpy's 'S' dtype is null-padded too).
  if (size != H5T_VARIABLE) op(H5Tset_strpad(type.get(), H5T_STR_NULLPAD));
  return type;
}

DataspaceHandle simple_space(const Op& op, std::span<const hsize_t> dims) {
  return DataspaceHandle(op(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr)));
}

bool checksum_available() {
  return H5Zfilter_avail(H5Z_FILTER_FLETCHER32) > 0;
}

// Creates a dataset (and missing parent groups). Every non-empty one carries a Fletcher32
// checksum per chunk, so a bit flipped on disk fails the read instead of passing for a result
// (sweep --resume verifies parts this way). Filters need chunked storage: a small dataset is
// one chunk; a large one is chunked and compressed (shuffle + deflate) before the checksum.
DatasetHandle create_dataset(const Op& op, const std::string& name, hid_t file_type,
                             std::span<const hsize_t> dims, std::size_t element_bytes) {
  const DataspaceHandle space = simple_space(op, dims);
  PropertyListHandle dcpl(op(H5Pcreate(H5P_DATASET_CREATE)));
  hsize_t elements = 1;
  for (hsize_t d : dims) elements *= d;
  const bool compress = elements > kCompressAbove && compression_available();
  if (compress) {
    // Fill chunks from the fastest-varying dimension so a chunk is one contiguous memory slab.
    std::vector<hsize_t> chunk(dims.size());
    hsize_t budget = std::max<hsize_t>(1, kChunkBytes / std::max<std::size_t>(1, element_bytes));
    for (std::size_t i = dims.size(); i-- > 0;) {
      chunk[i] = std::clamp<hsize_t>(budget, 1, dims[i]);
      budget = std::max<hsize_t>(1, budget / chunk[i]);
    }
    op(H5Pset_chunk(dcpl.get(), static_cast<int>(chunk.size()), chunk.data()));
    op(H5Pset_shuffle(dcpl.get()));  // before deflate: byte-planes compress far better
    op(H5Pset_deflate(dcpl.get(), kDeflateLevel));
  }
  if (elements > 0 && checksum_available()) {
    if (!compress) op(H5Pset_chunk(dcpl.get(), static_cast<int>(dims.size()), dims.data()));
    op(H5Pset_fletcher32(dcpl.get()));  // last: over the stored (compressed) bytes
  }
  const PropertyListHandle lcpl = link_create_plist(op);
  return DatasetHandle(op(H5Dcreate2(op.loc, name.c_str(), file_type, space.get(), lcpl.get(),
                                     dcpl.get(), H5P_DEFAULT)));
}

// Writes (replacing) attribute `attr` on object `obj`; H5Awrite converts mem_type to file_type.
void put_attribute(const Op& op, hid_t obj, const std::string& attr, hid_t file_type,
                   hid_t mem_type, hid_t space, const void* data) {
  if (op(H5Aexists(obj, attr.c_str())) > 0) op(H5Adelete(obj, attr.c_str()));
  const AttributeHandle a(
      op(H5Acreate2(obj, attr.c_str(), file_type, space, H5P_DEFAULT, H5P_DEFAULT)));
  op(H5Awrite(a.get(), mem_type, data));
}

void put_string_attribute(const Op& op, hid_t obj, const std::string& attr,
                          std::string_view value) {
  // Variable-length UTF-8, so h5py returns a Python str rather than numpy bytes.
  const DatatypeHandle type = string_type(op, H5T_VARIABLE);
  const DataspaceHandle space(op(H5Screate(H5S_SCALAR)));
  const std::string copy(value);  // NUL-terminated
  const char* ptr = copy.c_str();
  put_attribute(op, obj, attr, type.get(), type.get(), space.get(), &ptr);
}

void put_string_array_attribute(const Op& op, hid_t obj, const std::string& attr,
                                const std::vector<std::string>& values) {
  const DatatypeHandle type = string_type(op, H5T_VARIABLE);
  const hsize_t dims[] = {values.size()};
  const DataspaceHandle space = simple_space(op, dims);
  std::vector<const char*> ptrs;
  ptrs.reserve(values.size());
  for (const auto& v : values) ptrs.push_back(v.c_str());
  put_attribute(op, obj, attr, type.get(), type.get(), space.get(), ptrs.data());
}

// A fixed-length string field ends at its first NUL (NULLTERM/NULLPAD) or trailing spaces.
std::string trim_fixed(const char* data, std::size_t size, H5T_str_t pad) {
  std::size_t n = std::find(data, data + size, '\0') - data;
  if (pad == H5T_STR_SPACEPAD) {
    while (n > 0 && data[n - 1] == ' ') --n;
  }
  return std::string(data, n);
}

std::vector<std::string> read_string_attribute(const Op& op, hid_t attr) {
  const DatatypeHandle type(op(H5Aget_type(attr)));
  if (op(H5Tget_class(type.get())) != H5T_STRING) op.fail("attribute is not a string");
  const DataspaceHandle space(op(H5Aget_space(attr)));
  const auto n = static_cast<std::size_t>(op(H5Sget_simple_extent_npoints(space.get())));
  std::vector<std::string> out;
  out.reserve(n);
  if (op(H5Tis_variable_str(type.get())) > 0) {
    HdfStrings ptrs(n);
    op(H5Aread(attr, type.get(), ptrs.ptrs.data()));
    for (const char* p : ptrs.ptrs) out.emplace_back(p != nullptr ? p : "");
  } else {
    const std::size_t size = H5Tget_size(type.get());
    const H5T_str_t pad = H5Tget_strpad(type.get());
    std::vector<char> buf(size * n);
    op(H5Aread(attr, type.get(), buf.data()));
    for (std::size_t i = 0; i < n; ++i) out.push_back(trim_fixed(buf.data() + i * size, size, pad));
  }
  return out;
}

// Reads a single numeric value; `expected` guards against HDF5 silently converting
// (e.g. truncating 2.5 to 2).
template <typename T>
T read_scalar_attribute(const Op& op, hid_t attr, H5T_class_t expected, hid_t mem_type) {
  const DatatypeHandle type(op(H5Aget_type(attr)));
  if (op(H5Tget_class(type.get())) != expected) {
    op.fail(expected == H5T_FLOAT ? "attribute is not a float" : "attribute is not an integer");
  }
  const DataspaceHandle space(op(H5Aget_space(attr)));
  if (op(H5Sget_simple_extent_npoints(space.get())) != 1) op.fail("attribute is not a scalar");
  T value{};
  op(H5Aread(attr, mem_type, &value));
  return value;
}

// Opens `name`, checks rank and element class, and returns its dimensions.
DatasetHandle open_dataset(const Op& op, const std::string& name, int rank,
                           std::vector<hsize_t>& dims) {
  DatasetHandle ds(op(H5Dopen2(op.loc, name.c_str(), H5P_DEFAULT)));
  const DataspaceHandle space(op(H5Dget_space(ds.get())));
  const int actual = op(H5Sget_simple_extent_ndims(space.get()));
  if (actual != rank) {
    op.fail("dataset has rank " + std::to_string(actual) + ", expected " + std::to_string(rank));
  }
  dims.assign(static_cast<std::size_t>(rank), 0);
  op(H5Sget_simple_extent_dims(space.get(), dims.data(), nullptr));
  return ds;
}

void check_class(const Op& op, hid_t ds, H5T_class_t expected) {
  const DatatypeHandle type(op(H5Dget_type(ds)));
  if (op(H5Tget_class(type.get())) != expected) {
    op.fail(expected == H5T_FLOAT ? "dataset is not floating-point" : "dataset is not integer");
  }
}

template <typename T>
void write_1d(const Op& op, const std::string& name, std::span<const T> values, hid_t file_type,
              hid_t mem_type, std::string_view units) {
  const hsize_t dims[] = {values.size()};
  const DatasetHandle ds = create_dataset(op, name, file_type, dims, sizeof(T));
  // HDF5 rejects a null buffer even for zero elements, and an empty span may have one.
  if (!values.empty()) {
    op(H5Dwrite(ds.get(), mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()));
  }
  put_string_attribute(op, ds.get(), "units", units);
}

template <typename T>
std::vector<T> read_1d(const Op& op, const std::string& name, H5T_class_t expected,
                       hid_t mem_type) {
  std::vector<hsize_t> dims;
  const DatasetHandle ds = open_dataset(op, name, 1, dims);
  check_class(op, ds.get(), expected);
  std::vector<T> out(dims[0]);
  if (!out.empty()) op(H5Dread(ds.get(), mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, out.data()));
  return out;
}

}  // namespace

namespace detail {
void close_quietly(CloseFn close, hid_t id) noexcept {
  QuietErrors quiet;
  // A failed close (a full disk) leaves its messages on this thread's error stack; clear
  // them, or they leak when the thread (e.g. the sweep's writer) ends.
  if (close(id) < 0) H5Eclear2(H5E_DEFAULT);
}
}  // namespace detail

void skip_library_cleanup_at_exit() {
  H5dont_atexit();
}

std::size_t Table::rows() const {
  if (columns.empty()) return 0;
  return std::visit([](const auto& v) { return v.size(); }, columns.front().values);
}

// ---------------------------------------------------------------------------------------------
// File

File File::create(const std::string& path) {
  QuietErrors quiet;
  const FileOp op{"create", path, ""};
  const PropertyListHandle fapl = file_access_plist(op, H5F_LIBVER_V18);
  FileHandle handle(op(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, fapl.get())));
  return File(std::move(handle), path);
}

File File::open_read(const std::string& path) {
  QuietErrors quiet;
  const FileOp op{"open", path, " for reading"};
  require_exists(op);
  FileHandle handle(op(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT)));
  return File(std::move(handle), path);
}

File File::open_write(const std::string& path) {
  QuietErrors quiet;
  const FileOp op{"open", path, " for writing"};
  require_exists(op);
  const PropertyListHandle fapl = file_access_plist(op, H5F_LIBVER_LATEST);
  FileHandle handle(op(H5Fopen(path.c_str(), H5F_ACC_RDWR, fapl.get())));
  return File(std::move(handle), path);
}

void File::verify() const {
  QuietErrors quiet;
  struct Context {
    std::string failed;  // the first dataset that could not be read back
  } ctx;
  const auto visit = [](hid_t obj, const char* name, const H5O_info_t* info, void* data) -> herr_t {
    if (info->type != H5O_TYPE_DATASET) return 0;
    auto& c = *static_cast<Context*>(data);
    const DatasetHandle ds(H5Dopen2(obj, name, H5P_DEFAULT));
    const DatatypeHandle type(ds.valid() ? H5Dget_type(ds.get()) : -1);
    const DataspaceHandle space(ds.valid() ? H5Dget_space(ds.get()) : -1);
    const hssize_t n = space.valid() ? H5Sget_simple_extent_npoints(space.get()) : -1;
    bool ok = type.valid() && n >= 0;
    if (ok && n > 0) {
      // Read as stored: the filters (and the checksum) run, no conversion is needed.
      std::vector<unsigned char> buf(H5Tget_size(type.get()) * static_cast<std::size_t>(n));
      ok = H5Dread(ds.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, buf.data()) >= 0;
      if (ok && H5Tdetect_class(type.get(), H5T_VLEN) > 0) {
        H5Dvlen_reclaim(type.get(), space.get(), H5P_DEFAULT, buf.data());
      }
    }
    if (ok) return 0;
    c.failed = name;
    return 1;  // stop: one damaged dataset condemns the file
  };
  const FileOp op{"verify", path_, ""};
  const herr_t r = H5Ovisit(handle_.get(), H5_INDEX_NAME, H5_ITER_INC, visit, &ctx);
  if (!ctx.failed.empty()) {
    take_error_description();
    op.fail("dataset '/" + ctx.failed + "' does not read back (checksum or storage damaged)");
  }
  op(r);
}

Group File::root() const {
  QuietErrors quiet;
  const FileOp op{"open the root group of", path_, ""};
  return Group(GroupHandle(op(H5Gopen2(handle_.get(), "/", H5P_DEFAULT))));
}

void File::flush() {
  QuietErrors quiet;
  const FileOp op{"flush", path_, ""};
  op(H5Fflush(handle_.get(), H5F_SCOPE_GLOBAL));
}

void File::close() {
  if (!handle_.valid()) return;
  QuietErrors quiet;
  const FileOp op{"close", path_, ""};
  // Flush explicitly: with open Groups H5Fclose only drops our reference (weak close), and a
  // failed flush is the error worth reporting.
  op(H5Fflush(handle_.get(), H5F_SCOPE_GLOBAL));
  op(H5Fclose(handle_.release()));
}

// ---------------------------------------------------------------------------------------------
// Group: structure

Group Group::create_group(const std::string& name) {
  QuietErrors quiet;
  const Op op{id(), "create group '" + name + "'"};
  const PropertyListHandle lcpl = link_create_plist(op);
  return Group(
      GroupHandle(op(H5Gcreate2(id(), name.c_str(), lcpl.get(), H5P_DEFAULT, H5P_DEFAULT))));
}

Group Group::open_group(const std::string& name) const {
  QuietErrors quiet;
  const Op op{id(), "open group '" + name + "'"};
  return Group(GroupHandle(op(H5Gopen2(id(), name.c_str(), H5P_DEFAULT))));
}

bool Group::has(const std::string& name) const {
  QuietErrors quiet;
  const Op op{id(), "look up '" + name + "'"};
  // H5Lexists fails (rather than returning false) when an intermediate link is missing or is
  // not a group, so walk the path one component at a time.
  std::string prefix = name.starts_with('/') ? "/" : "";
  std::size_t begin = 0;
  bool any = false;
  while (begin <= name.size()) {
    std::size_t end = name.find('/', begin);
    if (end == std::string::npos) end = name.size();
    if (end > begin) {
      if (any) {
        // The previous component must be a group to descend into it.
        if (op(H5Oexists_by_name(id(), prefix.c_str(), H5P_DEFAULT)) <= 0) return false;
        const ObjectHandle obj(op(H5Oopen(id(), prefix.c_str(), H5P_DEFAULT)));
        if (H5Iget_type(obj.get()) != H5I_GROUP) return false;
        prefix += '/';
      }
      prefix.append(name, begin, end - begin);
      if (op(H5Lexists(id(), prefix.c_str(), H5P_DEFAULT)) <= 0) return false;
      any = true;
    }
    begin = end + 1;
  }
  return any;
}

std::vector<std::string> Group::children() const {
  QuietErrors quiet;
  const Op op{id(), "list children"};
  H5G_info_t info{};
  op(H5Gget_info(id(), &info));
  std::vector<std::string> names;
  names.reserve(info.nlinks);
  for (hsize_t i = 0; i < info.nlinks; ++i) {
    const ssize_t n =
        op(H5Lget_name_by_idx(id(), ".", H5_INDEX_NAME, H5_ITER_INC, i, nullptr, 0, H5P_DEFAULT));
    std::string name(static_cast<std::size_t>(n), '\0');
    op(H5Lget_name_by_idx(id(), ".", H5_INDEX_NAME, H5_ITER_INC, i, name.data(), name.size() + 1,
                          H5P_DEFAULT));
    names.push_back(std::move(name));
  }
  std::sort(names.begin(), names.end());  // HDF5's name index order is not guaranteed to be ours
  return names;
}

// ---------------------------------------------------------------------------------------------
// Group: datasets

void Group::write(const std::string& name, std::span<const double> values, std::string_view units) {
  QuietErrors quiet;
  const Op op{id(), "write dataset '" + name + "'"};
  write_1d(op, name, values, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, units);
}

void Group::write(const std::string& name, std::span<const std::int64_t> values,
                  std::string_view units) {
  QuietErrors quiet;
  const Op op{id(), "write dataset '" + name + "'"};
  write_1d(op, name, values, H5T_STD_I64LE, H5T_NATIVE_INT64, units);
}

void Group::write_matrix(const std::string& name, std::span<const double> row_major,
                         std::size_t rows, std::size_t cols, std::string_view units,
                         const std::vector<std::string>& column_names) {
  QuietErrors quiet;
  const Op op{id(), "write matrix '" + name + "'"};
  // Division, not rows * cols, so a huge shape cannot wrap around to match.
  const bool shape_matches = cols == 0
                                 ? row_major.empty()
                                 : row_major.size() % cols == 0 && row_major.size() / cols == rows;
  if (!shape_matches) {
    op.fail(std::to_string(row_major.size()) + " values for " + std::to_string(rows) + " x " +
            std::to_string(cols));
  }
  if (column_names.size() != cols) {
    op.fail(std::to_string(column_names.size()) + " column names for " + std::to_string(cols) +
            " columns");
  }
  const hsize_t dims[] = {rows, cols};
  const DatasetHandle ds = create_dataset(op, name, H5T_IEEE_F64LE, dims, sizeof(double));
  if (!row_major.empty()) {
    op(H5Dwrite(ds.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, row_major.data()));
  }
  put_string_attribute(op, ds.get(), "units", units);
  put_string_array_attribute(op, ds.get(), "names", column_names);
}

// ---------------------------------------------------------------------------------------------
// Group: datasets that grow by rows

namespace {

// Unlimited rows, stored as create_dataset stores the rows expected (`rows_hint`, 0 if
// unknown): one uncompressed chunk if they are few, else chunks of about kChunkBytes (whole
// rows) with shuffle + deflate when available; Fletcher32 last, over the stored bytes.
DatasetHandle create_growing_dataset(const Op& op, const std::string& name, hid_t file_type,
                                     std::size_t cols, std::size_t element_bytes,
                                     std::size_t rows_hint) {
  const std::size_t width = std::max<std::size_t>(1, cols);
  const hsize_t dims[] = {0, width};
  const hsize_t max_dims[] = {H5S_UNLIMITED, width};
  const int rank = cols == 0 ? 1 : 2;
  const DataspaceHandle space(op(H5Screate_simple(rank, dims, max_dims)));
  PropertyListHandle dcpl(op(H5Pcreate(H5P_DATASET_CREATE)));
  const bool compress =
      (rows_hint == 0 || rows_hint * width > kCompressAbove) && compression_available();
  const hsize_t rows = compress ? kChunkBytes / (element_bytes * width) : rows_hint;
  const hsize_t chunk[] = {std::max<hsize_t>(1, rows), width};
  op(H5Pset_chunk(dcpl.get(), rank, chunk));
  if (compress) {
    op(H5Pset_shuffle(dcpl.get()));
    op(H5Pset_deflate(dcpl.get(), kDeflateLevel));
  }
  if (checksum_available()) op(H5Pset_fletcher32(dcpl.get()));
  const PropertyListHandle lcpl = link_create_plist(op);
  return DatasetHandle(op(H5Dcreate2(op.loc, name.c_str(), file_type, space.get(), lcpl.get(),
                                     dcpl.get(), H5P_DEFAULT)));
}

}  // namespace

GrowingDataset Group::create_growing(const std::string& name, Element element,
                                     std::string_view units, std::size_t rows_hint) {
  QuietErrors quiet;
  const Op op{id(), "create dataset '" + name + "'"};
  const bool integers = element == Element::kInt64;
  DatasetHandle ds =
      create_growing_dataset(op, name, integers ? H5T_STD_I64LE : H5T_IEEE_F64LE, 0,
                             integers ? sizeof(std::int64_t) : sizeof(double), rows_hint);
  put_string_attribute(op, ds.get(), "units", units);
  return GrowingDataset(std::move(ds), name, 0, integers);
}

GrowingDataset Group::create_growing_matrix(const std::string& name, std::size_t cols,
                                            std::string_view units,
                                            const std::vector<std::string>& column_names,
                                            std::size_t rows_hint) {
  QuietErrors quiet;
  const Op op{id(), "create matrix '" + name + "'"};
  if (cols == 0) op.fail("a growing matrix needs at least one column");
  if (column_names.size() != cols) {
    op.fail(std::to_string(column_names.size()) + " column names for " + std::to_string(cols) +
            " columns");
  }
  DatasetHandle ds =
      create_growing_dataset(op, name, H5T_IEEE_F64LE, cols, sizeof(double), rows_hint);
  put_string_attribute(op, ds.get(), "units", units);
  put_string_array_attribute(op, ds.get(), "names", column_names);
  return GrowingDataset(std::move(ds), name, cols, false);
}

void GrowingDataset::append(std::span<const double> values) {
  append_raw(values.data(), values.size(), false);
}

void GrowingDataset::append(std::span<const std::int64_t> values) {
  append_raw(values.data(), values.size(), true);
}

void GrowingDataset::append_raw(const void* data, std::size_t count, bool integers) {
  QuietErrors quiet;
  const Op op{ds_.get(), "append to dataset '" + name_ + "'"};
  if (integers != integers_) op.fail(integers ? "dataset is not integer" : "dataset is integer");
  const std::size_t width = std::max<std::size_t>(1, cols_);
  if (count % width != 0) {
    op.fail(std::to_string(count) + " values are not whole rows of " + std::to_string(width));
  }
  if (count == 0) return;  // HDF5 rejects empty selections' null buffers
  const int rank = cols_ == 0 ? 1 : 2;
  const hsize_t added = count / width;
  const hsize_t grown[] = {rows_ + added, width};
  op(H5Dset_extent(ds_.get(), grown));
  const DataspaceHandle file_space(op(H5Dget_space(ds_.get())));
  const hsize_t start[] = {rows_, 0};
  const hsize_t block[] = {added, width};
  op(H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, start, nullptr, block, nullptr));
  const DataspaceHandle mem_space(op(H5Screate_simple(rank, block, nullptr)));
  op(H5Dwrite(ds_.get(), integers ? H5T_NATIVE_INT64 : H5T_NATIVE_DOUBLE, mem_space.get(),
              file_space.get(), H5P_DEFAULT, data));
  rows_ += added;
}

void Group::write_table(const std::string& name, const Table& table) {
  QuietErrors quiet;
  const Op op{id(), "write table '" + name + "'"};
  if (table.columns.empty()) op.fail("a table needs at least one column");
  const std::size_t rows = table.rows();
  std::set<std::string_view> seen;
  for (const auto& col : table.columns) {
    if (col.name.empty()) op.fail("empty column name");
    if (!seen.insert(col.name).second) op.fail("duplicate column '" + col.name + "'");
    const std::size_t n = std::visit([](const auto& v) { return v.size(); }, col.values);
    if (n != rows) {
      op.fail("column '" + col.name + "' has " + std::to_string(n) + " rows, expected " +
              std::to_string(rows));
    }
  }

  // Packed layout, identical in memory and file; only the double byte order may differ.
  struct Field {
    std::size_t offset;
    std::size_t size;
  };
  std::vector<Field> fields;
  std::size_t row_bytes = 0;
  for (const auto& col : table.columns) {
    std::size_t size = sizeof(double);
    if (const auto* strings = std::get_if<std::vector<std::string>>(&col.values)) {
      size = 1;  // HDF5 does not allow zero-length strings
      for (const auto& s : *strings) size = std::max(size, s.size());
    }
    fields.push_back({row_bytes, size});
    row_bytes += size;
  }
  DatatypeHandle file_type(op(H5Tcreate(H5T_COMPOUND, row_bytes)));
  DatatypeHandle mem_type(op(H5Tcreate(H5T_COMPOUND, row_bytes)));
  for (std::size_t c = 0; c < table.columns.size(); ++c) {
    const auto& col = table.columns[c];
    if (std::holds_alternative<std::vector<double>>(col.values)) {
      op(H5Tinsert(file_type.get(), col.name.c_str(), fields[c].offset, H5T_IEEE_F64LE));
      op(H5Tinsert(mem_type.get(), col.name.c_str(), fields[c].offset, H5T_NATIVE_DOUBLE));
    } else {
      const DatatypeHandle str = string_type(op, fields[c].size);
      op(H5Tinsert(file_type.get(), col.name.c_str(), fields[c].offset, str.get()));
      op(H5Tinsert(mem_type.get(), col.name.c_str(), fields[c].offset, str.get()));
    }
  }

  std::vector<unsigned char> buf(rows * row_bytes, 0);  // zero fill doubles as null padding
  for (std::size_t c = 0; c < table.columns.size(); ++c) {
    const Field f = fields[c];
    if (const auto* d = std::get_if<std::vector<double>>(&table.columns[c].values)) {
      for (std::size_t r = 0; r < rows; ++r) {
        std::memcpy(&buf[r * row_bytes + f.offset], &(*d)[r], sizeof(double));
      }
    } else {
      const auto& s = std::get<std::vector<std::string>>(table.columns[c].values);
      for (std::size_t r = 0; r < rows; ++r) {
        std::memcpy(&buf[r * row_bytes + f.offset], s[r].data(), s[r].size());
      }
    }
  }

  const hsize_t dims[] = {rows};
  const DatasetHandle ds = create_dataset(op, name, file_type.get(), dims, row_bytes);
  if (rows > 0) op(H5Dwrite(ds.get(), mem_type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, buf.data()));
  std::vector<std::string> units;
  for (const auto& col : table.columns) units.push_back(col.units);
  put_string_array_attribute(op, ds.get(), "units", units);
}

std::vector<double> Group::read_doubles(const std::string& name) const {
  QuietErrors quiet;
  const Op op{id(), "read dataset '" + name + "'"};
  return read_1d<double>(op, name, H5T_FLOAT, H5T_NATIVE_DOUBLE);
}

std::vector<std::int64_t> Group::read_int64s(const std::string& name) const {
  QuietErrors quiet;
  const Op op{id(), "read dataset '" + name + "'"};
  return read_1d<std::int64_t>(op, name, H5T_INTEGER, H5T_NATIVE_INT64);
}

Matrix Group::read_matrix(const std::string& name) const {
  QuietErrors quiet;
  const Op op{id(), "read matrix '" + name + "'"};
  std::vector<hsize_t> dims;
  const DatasetHandle ds = open_dataset(op, name, 2, dims);
  check_class(op, ds.get(), H5T_FLOAT);
  Matrix m{dims[0], dims[1], std::vector<double>(dims[0] * dims[1])};
  if (!m.data.empty()) {
    op(H5Dread(ds.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, m.data.data()));
  }
  return m;
}

Table Group::read_table(const std::string& name) const {
  QuietErrors quiet;
  const Op op{id(), "read table '" + name + "'"};
  std::vector<hsize_t> dims;
  const DatasetHandle ds = open_dataset(op, name, 1, dims);
  const std::size_t rows = dims[0];
  const DatatypeHandle file_type(op(H5Dget_type(ds.get())));
  if (op(H5Tget_class(file_type.get())) != H5T_COMPOUND) op.fail("dataset is not a table");
  const int members = op(H5Tget_nmembers(file_type.get()));

  // Read into a packed memory compound; HDF5 matches fields by name and converts numbers.
  struct Field {
    std::size_t offset;
    std::size_t size;
    bool is_string;
    H5T_str_t pad;
  };
  std::vector<Field> fields;
  std::vector<DatatypeHandle> mem_members;
  Table table;
  std::size_t row_bytes = 0;
  for (int i = 0; i < members; ++i) {
    const auto idx = static_cast<unsigned>(i);
    const std::unique_ptr<char, decltype(&H5free_memory)> raw_name(
        H5Tget_member_name(file_type.get(), idx), &H5free_memory);
    if (raw_name == nullptr) op.fail(take_error_description());
    const std::string member_name(raw_name.get());
    const H5T_class_t cls = op(H5Tget_member_class(file_type.get(), idx));
    if (cls == H5T_FLOAT || cls == H5T_INTEGER) {
      fields.push_back({row_bytes, sizeof(double), false, H5T_STR_NULLPAD});
      mem_members.emplace_back(op(H5Tcopy(H5T_NATIVE_DOUBLE)));
      table.columns.push_back({member_name, "", std::vector<double>()});
    } else if (cls == H5T_STRING) {
      DatatypeHandle member(op(H5Tget_member_type(file_type.get(), idx)));
      if (op(H5Tis_variable_str(member.get())) > 0) {
        op.fail("column '" + member_name + "' is a variable-length string (unsupported)");
      }
      fields.push_back({row_bytes, H5Tget_size(member.get()), true, H5Tget_strpad(member.get())});
      mem_members.push_back(std::move(member));
      table.columns.push_back({member_name, "", std::vector<std::string>()});
    } else {
      op.fail("column '" + member_name + "' is neither a number nor a string");
    }
    row_bytes += fields.back().size;
  }
  DatatypeHandle mem_type(op(H5Tcreate(H5T_COMPOUND, std::max<std::size_t>(row_bytes, 1))));
  for (std::size_t c = 0; c < fields.size(); ++c) {
    op(H5Tinsert(mem_type.get(), table.columns[c].name.c_str(), fields[c].offset,
                 mem_members[c].get()));
  }
  std::vector<char> buf(rows * row_bytes);
  if (rows > 0) op(H5Dread(ds.get(), mem_type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, buf.data()));
  for (std::size_t c = 0; c < fields.size(); ++c) {
    const Field f = fields[c];
    if (f.is_string) {
      auto& out = std::get<std::vector<std::string>>(table.columns[c].values);
      for (std::size_t r = 0; r < rows; ++r) {
        out.push_back(trim_fixed(&buf[r * row_bytes + f.offset], f.size, f.pad));
      }
    } else {
      auto& out = std::get<std::vector<double>>(table.columns[c].values);
      out.resize(rows);
      for (std::size_t r = 0; r < rows; ++r) {
        std::memcpy(&out[r], &buf[r * row_bytes + f.offset], sizeof(double));
      }
    }
  }

  if (op(H5Aexists(ds.get(), "units")) > 0) {
    const AttributeHandle attr(op(H5Aopen(ds.get(), "units", H5P_DEFAULT)));
    const std::vector<std::string> units = read_string_attribute(op, attr.get());
    if (units.size() != table.columns.size()) op.fail("\"units\" does not match the columns");
    for (std::size_t c = 0; c < units.size(); ++c) table.columns[c].units = units[c];
  }
  return table;
}

// ---------------------------------------------------------------------------------------------
// Group: attributes

void Group::set_attribute(const std::string& name, std::string_view value) {
  QuietErrors quiet;
  const Op op{id(), "set attribute '" + name + "'"};
  put_string_attribute(op, id(), name, value);
}

void Group::set_attribute(const std::string& name, double value) {
  QuietErrors quiet;
  const Op op{id(), "set attribute '" + name + "'"};
  const DataspaceHandle space(op(H5Screate(H5S_SCALAR)));
  put_attribute(op, id(), name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, space.get(), &value);
}

void Group::set_attribute(const std::string& name, std::int64_t value) {
  QuietErrors quiet;
  const Op op{id(), "set attribute '" + name + "'"};
  const DataspaceHandle space(op(H5Screate(H5S_SCALAR)));
  put_attribute(op, id(), name, H5T_STD_I64LE, H5T_NATIVE_INT64, space.get(), &value);
}

bool Group::has_attribute(const std::string& attr, const std::string& object) const {
  QuietErrors quiet;
  const Op op{id(), "look up attribute '" + attr + "' of '" + object + "'"};
  return op(H5Aexists_by_name(id(), object.c_str(), attr.c_str(), H5P_DEFAULT)) > 0;
}

std::string Group::string_attribute(const std::string& attr, const std::string& object) const {
  QuietErrors quiet;
  const Op op{id(), "read attribute '" + attr + "' of '" + object + "'"};
  const AttributeHandle a(
      op(H5Aopen_by_name(id(), object.c_str(), attr.c_str(), H5P_DEFAULT, H5P_DEFAULT)));
  std::vector<std::string> values = read_string_attribute(op, a.get());
  if (values.size() != 1) op.fail("attribute is not a single string");
  return std::move(values.front());
}

std::vector<std::string> Group::string_array_attribute(const std::string& attr,
                                                       const std::string& object) const {
  QuietErrors quiet;
  const Op op{id(), "read attribute '" + attr + "' of '" + object + "'"};
  const AttributeHandle a(
      op(H5Aopen_by_name(id(), object.c_str(), attr.c_str(), H5P_DEFAULT, H5P_DEFAULT)));
  return read_string_attribute(op, a.get());
}

double Group::double_attribute(const std::string& attr, const std::string& object) const {
  QuietErrors quiet;
  const Op op{id(), "read attribute '" + attr + "' of '" + object + "'"};
  const AttributeHandle a(
      op(H5Aopen_by_name(id(), object.c_str(), attr.c_str(), H5P_DEFAULT, H5P_DEFAULT)));
  return read_scalar_attribute<double>(op, a.get(), H5T_FLOAT, H5T_NATIVE_DOUBLE);
}

std::int64_t Group::int64_attribute(const std::string& attr, const std::string& object) const {
  QuietErrors quiet;
  const Op op{id(), "read attribute '" + attr + "' of '" + object + "'"};
  const AttributeHandle a(
      op(H5Aopen_by_name(id(), object.c_str(), attr.c_str(), H5P_DEFAULT, H5P_DEFAULT)));
  return read_scalar_attribute<std::int64_t>(op, a.get(), H5T_INTEGER, H5T_NATIVE_INT64);
}

}  // namespace goodsim::sim::h5
