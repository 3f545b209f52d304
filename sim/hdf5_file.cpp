// Why: opening, creating, verifying and closing whole HDF5 files.
#include <algorithm>
#include <filesystem>
#include <vector>

#include "sim/hdf5.h"
#include "sim/hdf5_errors.h"

namespace goodsim::sim::h5 {

using namespace detail;

namespace {

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

}  // namespace

void skip_library_cleanup_at_exit() {
  H5dont_atexit();
}

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

namespace {

// Reads `ds` as stored, so that its filters (and the checksum) run, in slabs of whole rows of
// at most kVerifySlabBytes: a stored point of 10^8 replications is verified in bounded memory.
constexpr std::size_t kVerifySlabBytes = std::size_t{8} << 20;

bool reads_back(hid_t ds) {
  const DatatypeHandle type(H5Dget_type(ds));
  const DataspaceHandle space(type.valid() ? H5Dget_space(ds) : -1);
  if (!space.valid()) return false;
  const int rank = H5Sget_simple_extent_ndims(space.get());
  if (rank < 0) return false;
  std::vector<hsize_t> dims(static_cast<std::size_t>(rank));
  if (H5Sget_simple_extent_dims(space.get(), dims.data(), nullptr) < 0) return false;
  const hssize_t n = H5Sget_simple_extent_npoints(space.get());
  if (n <= 0) return n == 0;
  const std::size_t element = H5Tget_size(type.get());
  const bool vlen = H5Tdetect_class(type.get(), H5T_VLEN) > 0;
  std::size_t row_elements = 1;
  for (std::size_t d = 1; d < dims.size(); ++d) row_elements *= dims[d];
  const std::size_t row_bytes = std::max<std::size_t>(1, element * row_elements);
  // Variable-length data and scalars are small (tables' strings, attributes' companions).
  const hsize_t slab_rows = vlen || rank == 0 ? (rank == 0 ? 1 : dims[0])
                                              : std::max<hsize_t>(1, kVerifySlabBytes / row_bytes);
  const hsize_t total_rows = rank == 0 ? 1 : dims[0];
  std::vector<unsigned char> buf;
  for (hsize_t first = 0; first < total_rows; first += slab_rows) {
    const hsize_t rows = std::min(slab_rows, total_rows - first);
    if (rank == 0 || rows == total_rows) {
      buf.resize(element * static_cast<std::size_t>(n));
      if (H5Dread(ds, type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, buf.data()) < 0) return false;
      if (vlen) H5Dvlen_reclaim(type.get(), space.get(), H5P_DEFAULT, buf.data());
      continue;
    }
    std::vector<hsize_t> start(dims.size(), 0), count = dims;
    start[0] = first;
    count[0] = rows;
    if (H5Sselect_hyperslab(space.get(), H5S_SELECT_SET, start.data(), nullptr, count.data(),
                            nullptr) < 0) {
      return false;
    }
    const DataspaceHandle memory(H5Screate_simple(rank, count.data(), nullptr));
    buf.resize(row_bytes * static_cast<std::size_t>(rows));
    if (!memory.valid() ||
        H5Dread(ds, type.get(), memory.get(), space.get(), H5P_DEFAULT, buf.data()) < 0) {
      return false;
    }
  }
  return true;
}

}  // namespace

void File::verify() const {
  QuietErrors quiet;
  struct Context {
    std::string failed;  // the first dataset that could not be read back
  } ctx;
  const auto visit = [](hid_t obj, const char* name, const H5O_info_t* info, void* data) -> herr_t {
    if (info->type != H5O_TYPE_DATASET) return 0;
    auto& c = *static_cast<Context*>(data);
    const DatasetHandle ds(H5Dopen2(obj, name, H5P_DEFAULT));
    if (ds.valid() && reads_back(ds.get())) return 0;
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

}  // namespace goodsim::sim::h5
