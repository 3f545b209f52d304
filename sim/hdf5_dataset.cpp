// Why: fixed-size numeric datasets (1-D vectors and 2-D matrices), written and read whole.
#include "sim/hdf5.h"
#include "sim/hdf5_attributes.h"
#include "sim/hdf5_errors.h"
#include "sim/hdf5_storage.h"

namespace goodsim::sim::h5 {

using namespace detail;

namespace {

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
  check_column_names(op, column_names, cols);
  const hsize_t dims[] = {rows, cols};
  const DatasetHandle ds = create_dataset(op, name, H5T_IEEE_F64LE, dims, sizeof(double));
  if (!row_major.empty()) {
    op(H5Dwrite(ds.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, row_major.data()));
  }
  put_string_attribute(op, ds.get(), "units", units);
  put_string_array_attribute(op, ds.get(), "names", column_names);
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

std::size_t Group::rows(const std::string& name) const {
  QuietErrors quiet;
  const Op op{id(), "look up the size of dataset '" + name + "'"};
  const DatasetHandle ds(op(H5Dopen2(id(), name.c_str(), H5P_DEFAULT)));
  const DataspaceHandle space(op(H5Dget_space(ds.get())));
  const int rank = op(H5Sget_simple_extent_ndims(space.get()));
  if (rank == 0) return 1;
  std::vector<hsize_t> dims(static_cast<std::size_t>(rank));
  op(H5Sget_simple_extent_dims(space.get(), dims.data(), nullptr));
  return static_cast<std::size_t>(dims[0]);
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

}  // namespace goodsim::sim::h5
