// Why: the group tree: creating, opening, walking and listing groups.
#include <algorithm>

#include "sim/hdf5.h"
#include "sim/hdf5_errors.h"
#include "sim/hdf5_storage.h"

namespace goodsim::sim::h5 {

using namespace detail;

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

}  // namespace goodsim::sim::h5
