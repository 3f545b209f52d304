#pragma once
// Why: the string attributes every writer attaches ("units", "names") and the readers that
// decode fixed- or variable-length strings, shared by datasets, tables and Group attributes.
// Internal to the sim/hdf5_*.cpp files; users include sim/hdf5.h.

#include <string>
#include <string_view>
#include <vector>

#include "sim/hdf5.h"
#include "sim/hdf5_errors.h"

namespace goodsim::sim::h5::detail {

// Writes (replacing) a variable-length UTF-8 string attribute, so h5py returns a Python str.
void put_string_attribute(const Op& op, hid_t obj, const std::string& attr, std::string_view value);
void put_string_array_attribute(const Op& op, hid_t obj, const std::string& attr,
                                const std::vector<std::string>& values);

// Every string of an open attribute (one for a scalar).
std::vector<std::string> read_string_attribute(const Op& op, hid_t attr);

// A fixed-length string field ends at its first NUL (NULLTERM/NULLPAD) or trailing spaces.
std::string trim_fixed(const char* data, std::size_t size, H5T_str_t pad);

}  // namespace goodsim::sim::h5::detail
