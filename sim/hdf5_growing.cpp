// Why: datasets that grow by whole rows, so a run stores its replications block by block.
#include <algorithm>

#include "sim/hdf5.h"
#include "sim/hdf5_attributes.h"
#include "sim/hdf5_errors.h"
#include "sim/hdf5_storage.h"

namespace goodsim::sim::h5 {

using namespace detail;

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
  check_column_names(op, column_names, cols);
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

}  // namespace goodsim::sim::h5
