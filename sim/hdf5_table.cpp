// Why: compound "table" datasets (number and string columns) that h5py reads as one array.
#include <algorithm>
#include <cstring>
#include <memory>
#include <set>

#include "sim/hdf5.h"
#include "sim/hdf5_attributes.h"
#include "sim/hdf5_errors.h"
#include "sim/hdf5_storage.h"

namespace goodsim::sim::h5 {

using namespace detail;

std::size_t Table::rows() const {
  if (columns.empty()) return 0;
  return std::visit([](const auto& v) { return v.size(); }, columns.front().values);
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

}  // namespace goodsim::sim::h5
