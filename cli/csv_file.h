#pragma once
// --csv FILE: the /summary table as CSV, for readers without HDF5 (spreadsheets, R, awk).

#include <string>

#include "sim/hdf5.h"

namespace goodsim::cli {

// The header names of `t`'s columns in the CSV: the /summary name, plus "_h" for a column in
// hours whose name does not say so (a swept duration such as cluster.failure.node_mtbf), so
// every column carries its unit. scripts/goodsim_results.py uses the same names.
std::string csv_column_name(const sim::h5::Table::Column& column);

// Writes `t` to `path` atomically (sim::AtomicFile: temporary name, fsync, rename): a header
// row, then one row per table row. Numbers are written in their shortest round-trip form, so
// whole numbers print as integers (16, not 16.0); NaN is an empty field. Text is quoted as
// RFC 4180 requires. Throws std::runtime_error on an I/O error.
void write_csv(const std::string& path, const sim::h5::Table& t);

}  // namespace goodsim::cli
