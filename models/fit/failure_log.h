#pragma once
// A user's failure log, read from CSV: one failure per row, columns found by their header
// names. What `goodsim fit` reads; docs/fitting.md describes the format.

#include <cstdint>
#include <istream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace goodsim::models::fit {

// Header names of the columns (matched ignoring case); empty = look for the usual names:
//   time        time, timestamp, failure_time, failed_at, date
//   node        node, host, hostname, node_name, server, machine
//   cause       cause, reason, category, failure_cause             (optional column)
//   repair_end  repair_end, repaired_at, repair_end_time, resolved_at (optional column)
struct LogColumns {
  std::string time, node, cause, repair_end;
};

struct LogEvent {
  std::int64_t node = 0;  // index into FailureLog::node_names
  double time_h = 0.0;    // see FailureLog::timestamps
  std::string cause;      // "" when none
  std::optional<double> repair_end_h;
  int line = 0;  // where the row is, for errors
  int time_column = 0;
  int node_column = 0;
  int repair_column = 0;
};

struct FailureLog {
  std::string file;
  // true: times are ISO 8601 timestamps, in hours since 1970-01-01T00:00:00Z; false: they
  // are durations since the window start, in hours.
  bool timestamps = false;
  bool has_cause = false;
  bool has_repair_end = false;
  std::vector<std::string> node_names;  // in order of first appearance
  std::vector<int> node_first_line;     // the row that names each first
  std::vector<LogEvent> events;         // in time order (rows with equal times: file order)
};

// Parses CSV text; `file` names it in errors. Throws sim::InputError at file:line:column for
// a missing header or column, a row with the wrong number of fields, a bad time (or one of the
// other kind than the first row's), an empty node name, a repair end not after its failure.
FailureLog read_failure_log(std::istream& in, const std::string& file,
                            const LogColumns& columns = {});
// The same from a file (a regular file of at most sim::kMaxTraceBytes).
FailureLog read_failure_log(const std::string& path, const LogColumns& columns = {});

// --window-start / --window-end: an ISO 8601 timestamp, or a duration (from the window start;
// for the end, the window's length).
struct WindowBound {
  bool timestamp = false;
  double hours = 0.0;
  std::string option;  // "--window-end 30d", where errors point
};
// nullopt if `text` is neither a timestamp nor a duration with a unit.
std::optional<WindowBound> parse_window_bound(std::string_view option, std::string_view text);

struct Window {
  double start_h = 0.0;  // on the log's time scale
  double end_h = 0.0;
  bool start_given = false;  // false: the first failure's time (failures there open it)
  bool end_given = false;    // false: the last failure's time
  double hours() const { return end_h - start_h; }
};

// The observation window: the bounds given, else the first and last failure (for a log of
// durations the start is their zero). Throws sim::InputError for a bound of the wrong kind,
// an empty window, and at the row of the first failure outside the window.
Window resolve_window(const FailureLog& log, const std::optional<WindowBound>& start,
                      const std::optional<WindowBound>& end);

}  // namespace goodsim::models::fit
