// Why: opening, creating, verifying and closing whole HDF5 files.
#include <filesystem>

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

}  // namespace goodsim::sim::h5
