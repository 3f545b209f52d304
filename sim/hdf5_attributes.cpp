// Why: attributes, written and read: the string helpers and Group's attribute members.
#include "sim/hdf5_attributes.h"

#include <algorithm>

#include "sim/hdf5_storage.h"

namespace goodsim::sim::h5 {
namespace detail {
namespace {

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

// Writes (replacing) attribute `attr` on object `obj`; H5Awrite converts mem_type to file_type.
void put_attribute(const Op& op, hid_t obj, const std::string& attr, hid_t file_type,
                   hid_t mem_type, hid_t space, const void* data) {
  if (op(H5Aexists(obj, attr.c_str())) > 0) op(H5Adelete(obj, attr.c_str()));
  const AttributeHandle a(
      op(H5Acreate2(obj, attr.c_str(), file_type, space, H5P_DEFAULT, H5P_DEFAULT)));
  op(H5Awrite(a.get(), mem_type, data));
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

// Opens attribute `attr` of `object` (a path relative to `loc`, "." for `loc` itself).
AttributeHandle open_attribute(const Op& op, const std::string& attr, const std::string& object) {
  return AttributeHandle(
      op(H5Aopen_by_name(op.loc, object.c_str(), attr.c_str(), H5P_DEFAULT, H5P_DEFAULT)));
}

}  // namespace

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

}  // namespace detail

using namespace detail;

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
  std::vector<std::string> values =
      read_string_attribute(op, open_attribute(op, attr, object).get());
  if (values.size() != 1) op.fail("attribute is not a single string");
  return std::move(values.front());
}

std::vector<std::string> Group::string_array_attribute(const std::string& attr,
                                                       const std::string& object) const {
  QuietErrors quiet;
  const Op op{id(), "read attribute '" + attr + "' of '" + object + "'"};
  return read_string_attribute(op, open_attribute(op, attr, object).get());
}

double Group::double_attribute(const std::string& attr, const std::string& object) const {
  QuietErrors quiet;
  const Op op{id(), "read attribute '" + attr + "' of '" + object + "'"};
  return read_scalar_attribute<double>(op, open_attribute(op, attr, object).get(), H5T_FLOAT,
                                       H5T_NATIVE_DOUBLE);
}

std::int64_t Group::int64_attribute(const std::string& attr, const std::string& object) const {
  QuietErrors quiet;
  const Op op{id(), "read attribute '" + attr + "' of '" + object + "'"};
  return read_scalar_attribute<std::int64_t>(op, open_attribute(op, attr, object).get(),
                                             H5T_INTEGER, H5T_NATIVE_INT64);
}

}  // namespace goodsim::sim::h5
