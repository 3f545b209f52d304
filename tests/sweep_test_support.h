#pragma once
// Shared by the sweep tests (sweep_expansion, sweep_command, sweep_bad_input, sweep_crash):
// a small sweep scenario, the command line and a bit-for-bit dump of an HDF5
// file to compare two outputs.

#include <hdf5.h>

#include <gtest/gtest.h>

#include <cstring>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "sim/hdf5.h"
#include "tests/test_support.h"

namespace goodsim::test {

inline constexpr const char* kSmall = R"(name: sweep-test
cluster:
  nodes: 64
  spares: 2
  failure: {node_mtbf: 2000h}
  repair: {mean: 24h}
job: {work: 100h}
checkpoint: {interval: 30min, write: 2min}
recovery: {detect: 5min, swap: 5min, restart: 10min, load: 5min}
cost: {node_hour_usd: 90}
montecarlo: {replications: 40, seed: 3}
sweep:
  cluster.failure.node_mtbf: [1000h, 4000h]
  cluster.spares: [0, 2, 40]
  zip:
    - {checkpoint.interval: [auto, 30min], checkpoint.write: [1min, 2min]}
)";

// Everything in an HDF5 file, for bit-for-bit comparisons: each dataset's encoded type, shape
// and raw bytes, each attribute's encoded type and value. Keys: "path" and "path@attribute".
using Dump = std::map<std::string, std::string>;

inline std::string encoded_type(hid_t type) {
  std::size_t n = 0;
  H5Tencode(type, nullptr, &n);
  std::string out(n, '\0');
  H5Tencode(type, out.data(), &n);
  return out;
}

inline herr_t dump_attribute(hid_t obj, const char* name, const H5A_info_t*, void* data) {
  auto& [dump, path] = *static_cast<std::pair<Dump*, std::string>*>(data);
  const hid_t attr = H5Aopen(obj, name, H5P_DEFAULT);
  const hid_t type = H5Aget_type(attr);
  const hid_t space = H5Aget_space(attr);
  const auto count = static_cast<std::size_t>(H5Sget_simple_extent_npoints(space));
  std::string value = encoded_type(type) + "|";
  if (H5Tis_variable_str(type) > 0) {
    std::vector<char*> strings(count);
    H5Aread(attr, type, strings.data());
    for (char* s : strings) value += std::string(s ? s : "") + '\0';
    H5Dvlen_reclaim(type, space, H5P_DEFAULT, strings.data());
  } else {
    std::string raw(H5Tget_size(type) * count, '\0');
    H5Aread(attr, type, raw.data());
    value += raw;
  }
  (*dump)[path + "@" + name] = value;
  H5Sclose(space);
  H5Tclose(type);
  H5Aclose(attr);
  return 0;
}

inline void dump_attributes(hid_t obj, const std::string& path, Dump& dump) {
  std::pair<Dump*, std::string> ctx{&dump, path};
  hsize_t index = 0;
  H5Aiterate2(obj, H5_INDEX_NAME, H5_ITER_INC, &index, dump_attribute, &ctx);
}

inline herr_t dump_link(hid_t group, const char* name, const H5L_info_t*, void* data) {
  Dump& dump = *static_cast<Dump*>(data);
  const hid_t obj = H5Oopen(group, name, H5P_DEFAULT);
  if (H5Iget_type(obj) == H5I_DATASET) {
    const hid_t type = H5Dget_type(obj);
    const hid_t space = H5Dget_space(obj);
    const int rank = H5Sget_simple_extent_ndims(space);
    std::vector<hsize_t> dims(static_cast<std::size_t>(std::max(rank, 0)));
    H5Sget_simple_extent_dims(space, dims.data(), nullptr);
    std::string value = encoded_type(type) + "|";
    for (const hsize_t d : dims) value += std::to_string(d) + "x";
    std::string raw(
        H5Tget_size(type) * static_cast<std::size_t>(H5Sget_simple_extent_npoints(space)), '\0');
    if (!raw.empty()) H5Dread(obj, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, raw.data());
    dump[name] = value + "|" + raw;
    H5Sclose(space);
    H5Tclose(type);
  } else {
    dump[name] = "group";
  }
  dump_attributes(obj, name, dump);
  H5Oclose(obj);
  return 0;
}

inline Dump dump_file(const fs::path& path) {
  Dump dump;
  const auto file = sim::h5::File::open_read(path.string());
  const auto root = file.root();
  dump_attributes(root.id(), "", dump);
  H5Lvisit(root.id(), H5_INDEX_NAME, H5_ITER_INC, dump_link, &dump);
  // How the file was made, not what it holds: the assembly time and command.
  for (const char* made : {"@created", "@command_line", "@threads"}) dump.erase(made);
  return dump;
}

// Expects two files to hold the same objects with bit-identical contents.
inline void expect_same_file(const fs::path& a, const fs::path& b) {
  const Dump da = dump_file(a);
  const Dump db = dump_file(b);
  std::set<std::string> ka, kb;
  for (const auto& [k, v] : da) ka.insert(k);
  for (const auto& [k, v] : db) kb.insert(k);
  ASSERT_EQ(ka, kb) << a << " vs " << b;
  EXPECT_GT(da.size(), 50u);
  for (const auto& [k, v] : da) EXPECT_TRUE(v == db.at(k)) << k << " differs: " << a << " vs " << b;
}

inline std::vector<std::string> sweep_args(const std::string& out,
                                           std::vector<std::string> more = {}) {
  std::vector<std::string> args = {"sweep", "scenario.yaml", "-o", out, "--quiet"};
  args.insert(args.end(), more.begin(), more.end());
  return args;
}

}  // namespace goodsim::test
