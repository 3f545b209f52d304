#pragma once
// Failure traces read once and shared read-only: the points of a sweep (or the candidates of
// `recommend`) that replay the same trace file hold one copy of it, not one each.

#include <cstdint>
#include <filesystem>
#include <istream>
#include <map>
#include <memory>
#include <string>

#include "models/scenario.h"

namespace goodsim::models {

// The trace in the CSV text `in` (a `time,node[,cause]` header, then one failure a row), in
// time order, as TraceCache::load reads a file; errors name `file`. Throws sim::InputError at
// the offending row.
FailureTrace read_failure_trace(std::istream& in, const std::string& file);

// Owned by whoever validates many scenarios from one document (models/sweep.cpp); not
// thread-safe: scenarios are validated one after the other.
class TraceCache {
 public:
  // The trace in the file `path` (checked to be a regular file of bounded size), read on first
  // use and again only if the file's size or modification time changed since. Throws
  // sim::InputError at the row for a malformed trace.
  std::shared_ptr<const FailureTrace> load(const std::string& path);

  std::size_t reads() const { return reads_; }  // files actually read, for tests

 private:
  struct Entry {
    std::uintmax_t size = 0;
    std::filesystem::file_time_type modified;
    std::shared_ptr<const FailureTrace> trace;
  };
  std::map<std::string, Entry> traces_;  // by canonical path
  std::size_t reads_ = 0;
};

}  // namespace goodsim::models
