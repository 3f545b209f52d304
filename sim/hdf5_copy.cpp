// Why: copying a group's content between files without HDF5 1.10's dense-attribute crash.
#include <algorithm>
#include <vector>

#include "sim/hdf5.h"
#include "sim/hdf5_errors.h"

namespace goodsim::sim::h5 {
namespace {

// Copies every attribute of object `src` to object `dst` (same names, types and values).
void copy_attributes(hid_t src, hid_t dst, const std::string& what) {
  struct Context {
    hid_t dst;
    std::string error;
  } ctx{dst, ""};
  const auto copy_one = [](hid_t obj, const char* name, const H5A_info_t*, void* data) -> herr_t {
    auto& c = *static_cast<Context*>(data);
    const AttributeHandle attr(H5Aopen(obj, name, H5P_DEFAULT));
    const DatatypeHandle file_type(attr.valid() ? H5Aget_type(attr.get()) : -1);
    const DataspaceHandle space(attr.valid() ? H5Aget_space(attr.get()) : -1);
    if (!file_type.valid() || !space.valid()) {
      c.error = std::string("cannot open attribute '") + name + "'";
      return -1;
    }
    // Strings (fixed or variable length) are read as they are stored; numbers as native.
    const bool is_string = H5Tget_class(file_type.get()) == H5T_STRING;
    const DatatypeHandle mem_type(is_string ? H5Tcopy(file_type.get())
                                            : H5Tget_native_type(file_type.get(), H5T_DIR_ASCEND));
    const hssize_t count = H5Sget_simple_extent_npoints(space.get());
    if (!mem_type.valid() || count < 0) {
      c.error = std::string("cannot read attribute '") + name + "'";
      return -1;
    }
    std::vector<unsigned char> buf(H5Tget_size(mem_type.get()) *
                                   static_cast<std::size_t>(std::max<hssize_t>(count, 1)));
    if (H5Aread(attr.get(), mem_type.get(), buf.data()) < 0) {
      c.error = std::string("cannot read attribute '") + name + "'";
      return -1;
    }
    const AttributeHandle copy(
        H5Acreate2(c.dst, name, file_type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT));
    const bool ok = copy.valid() && H5Awrite(copy.get(), mem_type.get(), buf.data()) >= 0;
    if (H5Tis_variable_str(mem_type.get()) > 0) {
      H5Dvlen_reclaim(mem_type.get(), space.get(), H5P_DEFAULT, buf.data());
    }
    if (!ok) {
      c.error = std::string("cannot write attribute '") + name + "'";
      return -1;
    }
    return 0;
  };
  hsize_t index = 0;
  if (H5Aiterate2(src, H5_INDEX_NAME, H5_ITER_INC, &index, copy_one, &ctx) < 0) {
    throw Error("HDF5: copying the attributes of " + what + ": " +
                (ctx.error.empty() ? "failed" : ctx.error));
  }
}

}  // namespace

// Not one H5Ocopy of the group: HDF5 1.10 crashes copying an object whose variable-length
// string attributes are in dense storage (more than 8 attributes; HDFGroup/hdf5#2414, fixed
// in 1.14.4). The children are copied whole (goodsim's datasets have one or two attributes,
// in compact storage); the group's attributes one by one.
void copy_group_contents(const Group& src, Group& dst, const std::string& what) {
  const detail::QuietErrors quiet;
  for (const std::string& child : src.children()) {
    if (H5Ocopy(src.id(), child.c_str(), dst.id(), child.c_str(), H5P_DEFAULT, H5P_DEFAULT) < 0) {
      throw Error("HDF5: cannot copy " + what + "/" + child);
    }
  }
  copy_attributes(src.id(), dst.id(), what);
}

}  // namespace goodsim::sim::h5
