#pragma once
// Why: one place decides how a dataset is stored (chunks, shuffle + deflate, Fletcher32) and
// how one is opened, for the fixed-size, growing and table writers alike.
// Internal to the sim/hdf5_*.cpp files; users include sim/hdf5.h.

#include <cstddef>
#include <span>
#include <string>
#include <vector>

#include "sim/hdf5.h"
#include "sim/hdf5_errors.h"

namespace goodsim::sim::h5::detail {

// Link creation that makes missing intermediate groups ("a/b/c").
PropertyListHandle link_create_plist(const Op& op);

// A UTF-8 string type of `size` bytes (null-padded), or H5T_VARIABLE.
DatatypeHandle string_type(const Op& op, std::size_t size);
DataspaceHandle simple_space(const Op& op, std::span<const hsize_t> dims);

// Creates a dataset of fixed shape `dims` (and missing parent groups). Every non-empty one
// carries a Fletcher32 checksum per chunk, so a bit flipped on disk fails the read instead of
// passing for a result (sweep --resume verifies parts this way). Filters need chunked storage:
// a small dataset is one chunk; a large one is chunked and compressed (shuffle + deflate)
// before the checksum.
DatasetHandle create_dataset(const Op& op, const std::string& name, hid_t file_type,
                             std::span<const hsize_t> dims, std::size_t element_bytes);

// Creates an empty dataset of unlimited rows, 1-D (cols 0) or [rows x cols], stored as
// create_dataset stores the rows expected (`rows_hint`, 0 if unknown): one uncompressed chunk
// if they are few, else compressed chunks of whole rows; Fletcher32 last.
DatasetHandle create_growing_dataset(const Op& op, const std::string& name, hid_t file_type,
                                     std::size_t cols, std::size_t element_bytes,
                                     std::size_t rows_hint);

// Fails unless there is one column name per column.
void check_column_names(const Op& op, const std::vector<std::string>& names, std::size_t cols);

// Opens `name`, checks its rank, and returns it with its dimensions in `dims`.
DatasetHandle open_dataset(const Op& op, const std::string& name, int rank,
                           std::vector<hsize_t>& dims);
// Fails unless dataset `ds` holds elements of class `expected` (H5T_FLOAT or H5T_INTEGER).
void check_class(const Op& op, hid_t ds, H5T_class_t expected);

}  // namespace goodsim::sim::h5::detail
