#include "models/fit/failure_log.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdio>
#include <fstream>
#include <map>

#include "sim/config.h"
#include "sim/csv.h"
#include "sim/error.h"
#include "sim/input_file.h"
#include "sim/timestamp.h"

namespace goodsim::models::fit {
namespace {

constexpr std::array<const char*, 5> kTimeNames = {"time", "timestamp", "failure_time", "failed_at",
                                                   "date"};
constexpr std::array<const char*, 6> kNodeNames = {"node",      "host",   "hostname",
                                                   "node_name", "server", "machine"};
constexpr std::array<const char*, 4> kCauseNames = {"cause", "reason", "category", "failure_cause"};
constexpr std::array<const char*, 4> kRepairNames = {"repair_end", "repaired_at", "repair_end_time",
                                                     "resolved_at"};

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

template <std::size_t N>
std::string listed(const std::array<const char*, N>& names) {
  std::string out;
  for (const char* n : names) out += (out.empty() ? "" : ", ") + std::string(n);
  return out;
}

class LogReader {
 public:
  LogReader(std::string file, const LogColumns& columns)
      : file_(std::move(file)), wanted_(columns) {}

  [[noreturn]] void fail(int line, int column, const std::string& message) const {
    throw sim::InputError(sim::SourceLocation{file_, line, column}, "", message);
  }

  FailureLog read(std::istream& in) {
    log_.file = file_;
    std::string line;
    int n = 0;
    bool header = false;
    std::map<std::string, std::int64_t, std::less<>> node_index;
    while (std::getline(in, line)) {
      ++n;
      const std::string text = sim::trim_blanks(line);
      if (text.empty() || text[0] == '#') continue;
      const std::vector<sim::CsvField> fields = sim::split_csv_row(line);
      if (!header) {
        read_header(fields, n);
        header = true;
        continue;
      }
      if (fields.size() != columns_) {
        fail(n, 1,
             "expected " + std::to_string(columns_) + " fields as in the header (line " +
                 std::to_string(header_line_) + "), got " + std::to_string(fields.size()));
      }
      LogEvent e = read_row(fields, n);
      const std::string& name = fields[node_].text;
      auto [it, added] = node_index.try_emplace(name, std::ssize(log_.node_names));
      if (added) {
        log_.node_names.push_back(name);
        log_.node_first_line.push_back(n);
      }
      e.node = it->second;
      log_.events.push_back(std::move(e));
    }
    if (!header)
      fail(std::max(n, 1), 1,
           "expected a header row naming the columns, e.g. 'time,node,cause,repair_end'");
    if (log_.events.empty())
      fail(std::max(n, 1), 1, "no failures in the log (a header and no rows)");
    std::stable_sort(log_.events.begin(), log_.events.end(),
                     [](const LogEvent& a, const LogEvent& b) { return a.time_h < b.time_h; });
    return std::move(log_);
  }

 private:
  // The index of the column named `wanted` (or, if empty, one of `names`); nullopt if absent.
  template <std::size_t N>
  std::optional<std::size_t> find_column(const std::vector<sim::CsvField>& fields,
                                         const std::string& wanted,
                                         const std::array<const char*, N>& names) const {
    for (std::size_t i = 0; i < fields.size(); ++i) {
      const std::string name = lower(fields[i].text);
      if (!wanted.empty()) {
        if (name == lower(wanted)) return i;
        continue;
      }
      for (const char* candidate : names) {
        if (name == candidate) return i;
      }
    }
    return std::nullopt;
  }

  template <std::size_t N>
  std::size_t required_column(const std::vector<sim::CsvField>& fields, int line,
                              const std::string& wanted, const std::array<const char*, N>& names,
                              const char* role) const {
    if (const auto i = find_column(fields, wanted, names)) return *i;
    fail(line, 1,
         std::string("missing the ") + role + " column: expected a header named " +
             (wanted.empty() ? "one of: " + listed(names) : "'" + wanted + "' (--column)"));
  }

  void read_header(const std::vector<sim::CsvField>& fields, int line) {
    header_line_ = line;
    columns_ = fields.size();
    time_ = required_column(fields, line, wanted_.time, kTimeNames, "time");
    node_ = required_column(fields, line, wanted_.node, kNodeNames, "node");
    cause_ = find_column(fields, wanted_.cause, kCauseNames);
    repair_ = find_column(fields, wanted_.repair_end, kRepairNames);
    if (!wanted_.cause.empty() && !cause_) {
      required_column(fields, line, wanted_.cause, kCauseNames, "cause");
    }
    if (!wanted_.repair_end.empty() && !repair_) {
      required_column(fields, line, wanted_.repair_end, kRepairNames, "repair end");
    }
    log_.has_cause = cause_.has_value();
    log_.has_repair_end = repair_.has_value();
  }

  // A time of the log's kind, which the first row decides.
  std::optional<double> parse_time(const std::string& text) {
    if (!kind_known_) {
      if (const auto t = sim::parse_iso8601_hours(text)) {
        kind_known_ = true;
        log_.timestamps = true;
        return t;
      }
      if (const auto t = sim::parse_csv_hours(text)) {
        kind_known_ = true;
        log_.timestamps = false;
        return t;
      }
      return std::nullopt;
    }
    return log_.timestamps ? sim::parse_iso8601_hours(text) : sim::parse_csv_hours(text);
  }

  std::string expected_time() const {
    if (!kind_known_) {
      return "an ISO 8601 timestamp (e.g. '2024-05-01T12:00:00Z') or a duration from the "
             "window start (e.g. '36h')";
    }
    return log_.timestamps
               ? "an ISO 8601 timestamp (e.g. '2024-05-01T12:00:00Z'), as in the first row"
               : "a duration from the window start (e.g. '36h'), as in the first row";
  }

  LogEvent read_row(const std::vector<sim::CsvField>& fields, int line) {
    LogEvent e;
    e.line = line;
    const sim::CsvField& time = fields[time_];
    e.time_column = time.column;
    const auto t = parse_time(time.text);
    if (!t)
      fail(line, time.column,
           "time: expected " + expected_time() + ", got " + sim::quoted_excerpt(time.text));
    e.time_h = *t;
    e.node_column = fields[node_].column;
    if (fields[node_].text.empty())
      fail(line, fields[node_].column, "node: expected a node name, got an empty field");
    if (cause_) e.cause = fields[*cause_].text;
    if (repair_ && !fields[*repair_].text.empty()) {
      const sim::CsvField& r = fields[*repair_];
      e.repair_column = r.column;
      const auto end = parse_time(r.text);
      if (!end)
        fail(line, r.column,
             "repair end: expected " + expected_time() + ", or an empty field, got " +
                 sim::quoted_excerpt(r.text));
      if (!(*end > e.time_h)) {
        fail(line, r.column,
             "repair end: expected a time after the failure (" + time.text + "), got " +
                 sim::quoted_excerpt(r.text));
      }
      e.repair_end_h = *end;
    }
    return e;
  }

  std::string file_;
  LogColumns wanted_;
  FailureLog log_;
  int header_line_ = 0;
  std::size_t columns_ = 0;
  std::size_t time_ = 0, node_ = 0;
  std::optional<std::size_t> cause_, repair_;
  bool kind_known_ = false;
};

[[noreturn]] void option_error(const WindowBound& bound, const std::string& message) {
  throw sim::InputError(sim::SourceLocation{bound.option}, "", message);
}

}  // namespace

FailureLog read_failure_log(std::istream& in, const std::string& file, const LogColumns& columns) {
  return LogReader(file, columns).read(in);
}

FailureLog read_failure_log(const std::string& path, const LogColumns& columns) {
  if (const auto why = sim::why_not_input_file(path, sim::kMaxTraceBytes, "failure logs")) {
    throw sim::InputError(sim::SourceLocation{path}, "", "cannot read the failure log: " + *why);
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) throw sim::InputError(sim::SourceLocation{path}, "", "cannot open the failure log");
  return read_failure_log(in, path, columns);
}

std::optional<WindowBound> parse_window_bound(std::string_view option, std::string_view text) {
  WindowBound b;
  b.option = std::string(option) + " " + std::string(text);
  if (const auto t = sim::parse_iso8601_hours(text)) {
    b.timestamp = true;
    b.hours = *t;
    return b;
  }
  if (const auto h = sim::parse_hours(text)) {
    b.hours = *h;
    return b;
  }
  return std::nullopt;
}

Window resolve_window(const FailureLog& log, const std::optional<WindowBound>& start,
                      const std::optional<WindowBound>& end) {
  Window w;
  if (start) {
    if (!log.timestamps) {
      option_error(*start,
                   "the log's times are durations from the window start, so the start "
                   "is their zero: leave out --window-start");
    }
    if (!start->timestamp) {
      option_error(*start,
                   "expected an ISO 8601 timestamp like the log's, e.g. "
                   "'2024-05-01T00:00:00Z'");
    }
    w.start_h = start->hours;
    w.start_given = true;
  } else {
    w.start_given = !log.timestamps;
    w.start_h = log.timestamps ? log.events.front().time_h : 0.0;
  }
  if (end) {
    if (end->timestamp && !log.timestamps) {
      option_error(*end, "the log's times are durations: give the window's length, e.g. '90d'");
    }
    w.end_h = end->timestamp ? end->hours : w.start_h + end->hours;
    w.end_given = true;
  } else {
    w.end_h = log.events.back().time_h;
  }
  if (!(w.end_h > w.start_h)) {
    if (end) option_error(*end, "expected a window end after its start");
    const LogEvent& last = log.events.back();
    throw sim::InputError(sim::SourceLocation{log.file, last.line, last.time_column}, "",
                          "every failure is at the window start: give --window-end (and "
                          "--window-start) to say how long the nodes were observed");
  }
  const auto describe = [&](double h) {
    char text[40];
    std::snprintf(text, sizeof text, "%.6g h", h - w.start_h);
    return log.timestamps ? sim::format_iso8601(h) : std::string(text);
  };
  for (const LogEvent& e : log.events) {
    if (e.time_h < w.start_h) {
      throw sim::InputError(sim::SourceLocation{log.file, e.line, e.time_column}, "",
                            "time: before the observation window, which starts at " +
                                describe(w.start_h) +
                                (start ? " (" + start->option + ")" : std::string()));
    }
    if (e.time_h > w.end_h) {
      throw sim::InputError(sim::SourceLocation{log.file, e.line, e.time_column}, "",
                            "time: after the observation window, which ends at " +
                                describe(w.end_h) + " (" + end->option + ")");
    }
  }
  return w;
}

}  // namespace goodsim::models::fit
