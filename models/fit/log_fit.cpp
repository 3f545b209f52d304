#include "models/fit/log_fit.h"

#include <algorithm>
#include <cstdio>
#include <map>

#include "sim/error.h"
#include "sim/timestamp.h"

namespace goodsim::models::fit {
namespace {

[[noreturn]] void fail_at(const FailureLog& log, int line, int column, const std::string& msg) {
  throw sim::InputError(sim::SourceLocation{log.file, line, column}, "", msg);
}

void check_node_count(const FailureLog& log, std::int64_t nodes) {
  const auto named = std::ssize(log.node_names);
  if (named <= nodes) return;
  const int line = log.node_first_line[static_cast<std::size_t>(nodes)];
  int column = 1;
  for (const LogEvent& e : log.events) {
    if (e.line == line) column = e.node_column;
  }
  fail_at(log, line, column,
          "node: the log names " + std::to_string(named) + " nodes, more than --nodes " +
              std::to_string(nodes) + "; '" + log.node_names[static_cast<std::size_t>(nodes)] +
              "' is the first one too many (--nodes counts every node observed, failed or not)");
}

std::string time_text(const FailureLog& log, const Window& w, double h) {
  if (log.timestamps) return sim::format_iso8601(h);
  char text[40];
  std::snprintf(text, sizeof text, "%.6g h", h - w.start_h);
  return text;
}

// Timestamps are read to the second: an interval that rounds to 0 is taken as half of one.
constexpr double kTieHours = 0.5 / 3600.0;

struct Downtime {
  double from_h, to_h;
};

// Node-hours observed between the window start and each time of `sorted_times` (ascending),
// with every node up except during `downtime`.
std::vector<double> exposure_at(const std::vector<double>& sorted_times,
                                const std::vector<Downtime>& downtime, const Window& w,
                                std::int64_t nodes) {
  std::vector<std::pair<double, int>> changes;  // (time, change in the number of nodes up)
  for (const Downtime& d : downtime) {
    changes.emplace_back(d.from_h, -1);
    changes.emplace_back(d.to_h, +1);
  }
  std::sort(changes.begin(), changes.end());
  std::vector<double> out;
  double t = w.start_h, exposure = 0.0;
  auto up = static_cast<double>(nodes);
  std::size_t next = 0;
  for (double q : sorted_times) {
    for (; next < changes.size() && changes[next].first <= q; ++next) {
      exposure += up * (changes[next].first - t);
      t = changes[next].first;
      up += changes[next].second;
    }
    out.push_back(exposure + up * (q - t));
  }
  return out;
}

}  // namespace

LogFit fit_log(const FailureLog& log, const Window& w, std::int64_t nodes) {
  check_node_count(log, nodes);
  LogFit fit;
  fit.file = log.file;
  fit.timestamps = log.timestamps;
  fit.window = w;
  fit.nodes = nodes;
  fit.nodes_named = std::ssize(log.node_names);
  fit.failures = std::ssize(log.events);
  fit.has_repair_end = log.has_repair_end;

  // Each node's clock restarts at its failure, or at the end of its repair if the log has it.
  const auto n = static_cast<std::size_t>(nodes);
  std::vector<double> clock(n, w.start_h);
  std::vector<const LogEvent*> previous(n, nullptr);
  std::vector<Interval> intervals;
  std::vector<double> counted;  // times of the failures in the rate fits
  std::vector<Downtime> downtime;
  std::vector<double> repairs;
  std::map<std::string, std::pair<std::int64_t, std::int64_t>> causes;  // (count, repaired)
  for (const LogEvent& e : log.events) {
    const auto i = static_cast<std::size_t>(e.node);
    if (const LogEvent* p = previous[i]; p && e.time_h < clock[i]) {
      fail_at(log, e.line, e.time_column,
              "time: node '" + log.node_names[i] + "' fails while in repair: its failure on line " +
                  std::to_string(p->line) + " is repaired at " + time_text(log, w, clock[i]));
    } else if (p && e.time_h == clock[i] && !p->repair_end_h) {
      fail_at(log, e.line, e.time_column,
              "time: node '" + log.node_names[i] + "' fails twice at the same time (line " +
                  std::to_string(p->line) + " and this one): a duplicate row?");
    }
    if (e.time_h == w.start_h) {
      ++fit.opening;
    } else {
      // A failure in the second its repair ended took less than the log's resolution.
      intervals.push_back({std::max(e.time_h - clock[i], kTieHours), true});
      counted.push_back(e.time_h);
    }
    clock[i] = e.repair_end_h.value_or(e.time_h);
    previous[i] = &e;
    if (e.repair_end_h) {
      const double to = std::min(*e.repair_end_h, w.end_h);
      downtime.push_back({e.time_h, to});
      fit.downtime_h += to - e.time_h;
      repairs.push_back(*e.repair_end_h - e.time_h);
    } else if (log.has_repair_end) {
      ++fit.without_repair_end;
    }
    if (!e.cause.empty()) {
      ++causes[e.cause].first;
      causes[e.cause].second += e.repair_end_h.has_value();
    } else if (log.has_cause) {
      ++fit.without_cause;
    }
  }
  for (std::size_t i = 0; i < n; ++i) {
    if (clock[i] < w.end_h) intervals.push_back({w.end_h - clock[i], false});
  }

  double exposure = 0.0;
  for (const Interval& iv : intervals) exposure += iv.hours;
  if (!(exposure > 0.0)) {
    throw sim::InputError(sim::SourceLocation{log.file}, "",
                          "no node-hours observed: every node is in repair for the whole window");
  }
  fit.exponential = fit_exponential(std::ssize(counted), exposure);
  fit.weibull = fit_weibull(intervals);
  if (fit.weibull) fit.shape_one = shape_one_test(fit.exponential, *fit.weibull);

  // Under a constant rate the failures are uniform on the exposure scale (docs/fitting.md).
  const double mid = 0.5 * (w.start_h + w.end_h);
  std::vector<double> queries = counted;
  queries.push_back(mid);
  queries.push_back(w.end_h);
  std::sort(queries.begin(), queries.end());
  const std::vector<double> e_all = exposure_at(queries, downtime, w, nodes);
  const double e_total = e_all.back();
  std::vector<double> fractions;
  double e_mid = 0.0;
  std::int64_t first_half = 0;
  bool mid_seen = false;
  for (std::size_t q = 0; q + 1 < queries.size(); ++q) {
    if (!mid_seen && queries[q] == mid) {
      mid_seen = true;  // the one query that is not a failure
      e_mid = e_all[q];
      continue;
    }
    fractions.push_back(e_all[q] / e_total);
    if (!mid_seen) ++first_half;
  }
  fit.trend = laplace_trend(fractions);
  if (e_mid > 0.0 && e_total > e_mid) {
    fit.rate_first_half = fit_exponential(first_half, e_mid).rate_per_h;
    fit.rate_second_half =
        fit_exponential(std::ssize(counted) - first_half, e_total - e_mid).rate_per_h;
  }

  std::int64_t with_cause = 0;
  for (const auto& [name, counts] : causes) with_cause += counts.first;
  for (const auto& [name, counts] : causes) {
    fit.causes.push_back({name, counts.first, counts.second, proportion(counts.first, with_cause)});
  }
  std::stable_sort(fit.causes.begin(), fit.causes.end(),
                   [](const CauseShare& a, const CauseShare& b) { return a.count > b.count; });
  if (!repairs.empty()) fit.repair = fit_repairs(repairs);
  return fit;
}

}  // namespace goodsim::models::fit
