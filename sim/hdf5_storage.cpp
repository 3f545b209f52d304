// Why: the storage choices every dataset shares: chunking, compression and the checksum.
#include "sim/hdf5_storage.h"

#include <algorithm>

namespace goodsim::sim::h5::detail {
namespace {

// Datasets above this many elements are chunked and compressed; smaller ones stay contiguous
// because per-chunk overhead would outweigh the savings.
constexpr hsize_t kCompressAbove = 4096;
constexpr std::size_t kChunkBytes = 256 * 1024;  // well inside HDF5's default 1 MiB chunk cache
constexpr unsigned kDeflateLevel = 4;

bool compression_available() {
  unsigned int flags = 0;
  return H5Zfilter_avail(H5Z_FILTER_DEFLATE) > 0 && H5Zfilter_avail(H5Z_FILTER_SHUFFLE) > 0 &&
         H5Zget_filter_info(H5Z_FILTER_DEFLATE, &flags) >= 0 &&
         (flags & H5Z_FILTER_CONFIG_ENCODE_ENABLED) != 0;
}

bool checksum_available() {
  return H5Zfilter_avail(H5Z_FILTER_FLETCHER32) > 0;
}

void add_compression(const Op& op, hid_t dcpl) {
  op(H5Pset_shuffle(dcpl));  // before deflate: byte-planes compress far better
  op(H5Pset_deflate(dcpl, kDeflateLevel));
}

DatasetHandle create_linked(const Op& op, const std::string& name, hid_t file_type, hid_t space,
                            hid_t dcpl) {
  const PropertyListHandle lcpl = link_create_plist(op);
  return DatasetHandle(
      op(H5Dcreate2(op.loc, name.c_str(), file_type, space, lcpl.get(), dcpl, H5P_DEFAULT)));
}

}  // namespace

PropertyListHandle link_create_plist(const Op& op) {
  PropertyListHandle lcpl(op(H5Pcreate(H5P_LINK_CREATE)));
  op(H5Pset_create_intermediate_group(lcpl.get(), 1));
  return lcpl;
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
    add_compression(op, dcpl.get());
  }
  if (elements > 0 && checksum_available()) {
    if (!compress) op(H5Pset_chunk(dcpl.get(), static_cast<int>(dims.size()), dims.data()));
    op(H5Pset_fletcher32(dcpl.get()));  // last: over the stored (compressed) bytes
  }
  return create_linked(op, name, file_type, space.get(), dcpl.get());
}

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
  if (compress) add_compression(op, dcpl.get());
  if (checksum_available()) op(H5Pset_fletcher32(dcpl.get()));
  return create_linked(op, name, file_type, space.get(), dcpl.get());
}

void check_column_names(const Op& op, const std::vector<std::string>& names, std::size_t cols) {
  if (names.size() != cols) {
    op.fail(std::to_string(names.size()) + " column names for " + std::to_string(cols) +
            " columns");
  }
}

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

}  // namespace goodsim::sim::h5::detail
