// Trace replay: the failures of a CSV file (`time,node,cause`), replayed exactly. Failure i
// hits slot `node` at `time`; a failure on an empty slot is void, like a thinned proposal.
//
// The trace repeats with period `span` (the window it was observed over), and each
// replication starts reading it at an offset: drawn uniformly in [0, span) from the
// replication's failure stream, or fixed by `offset`. A cyclic offset keeps what a trace is
// for: bursts, the order of causes, which nodes fail together. A bootstrap of inter-failure
// gaps would keep only their distribution, which a fitted model already gives (docs/model.md).

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>
#include <unordered_map>

#include "models/failure/failure_clock.h"
#include "models/failure/trace_cache.h"
#include "sim/csv.h"
#include "sim/error.h"
#include "sim/input_file.h"

namespace goodsim::models {

namespace {

class TraceClock final : public FailureClock {
 public:
  TraceClock(const FailureSpec& spec, double offset_h)
      : trace_(spec.trace),
        span_h_(spec.trace_span_h),
        causes_(spec.trace_causes),
        offset_h_(offset_h) {
    const auto& f = trace_->failures;
    const auto first =
        std::lower_bound(f.begin(), f.end(), offset_h_,
                         [](const TraceFailure& a, double t) { return a.time_h < t; });
    index_ = static_cast<std::size_t>(first - f.begin());
    if (index_ == f.size()) {
      index_ = 0;
      cycle_start_h_ = span_h_;
    }
  }

  double next_failure() const override { return current().time_h + cycle_start_h_ - offset_h_; }
  void take_failure() override {
    if (++index_ == trace_->failures.size()) {
      index_ = 0;
      cycle_start_h_ += span_h_;
    }
  }
  bool proposes() const override { return true; }
  std::int64_t next_slot() const override { return current().node; }
  int next_cause() const override {
    const int cause = current().cause;
    return cause < 0 ? -1 : causes_[static_cast<std::size_t>(cause)];
  }
  bool pins_slots() const override { return true; }
  void nodes_entered(double, std::int64_t) override {}
  bool ignores_entries() const override { return true; }

 private:
  const TraceFailure& current() const { return trace_->failures[index_]; }

  std::shared_ptr<const FailureTrace> trace_;
  double span_h_;
  std::vector<int> causes_;  // cluster.causes index of each trace cause
  double offset_h_;
  std::size_t index_ = 0;
  // Where the current repetition starts: summed span by span, not cycle x span, which can
  // round above the previous start + span and so put a failure at time 0 of the trace an ulp
  // before the last one of the repetition before (found by tests/fuzz/trace_fuzz).
  double cycle_start_h_ = 0.0;
};

constexpr const char* kKey = "cluster.failure.file";

class CsvReader {
 public:
  explicit CsvReader(std::string file) : file_(std::move(file)) {}

  [[noreturn]] void fail(int line, int column, const std::string& message) const {
    throw sim::InputError(sim::SourceLocation{file_, line, column}, kKey, message);
  }

  FailureTrace read(std::istream& in) {
    FailureTrace trace;
    trace.file = file_;
    std::string line;
    int n = 0;
    std::size_t columns = 0;
    while (std::getline(in, line)) {
      ++n;
      const std::string text = sim::trim_blanks(line);
      if (text.empty() || text[0] == '#') continue;
      const std::vector<sim::CsvField> fields = sim::split_csv_row(line);
      if (columns == 0) {
        columns = read_header(fields, n);
        continue;
      }
      if (fields.size() != columns) {
        fail(n, 1,
             "expected " + std::to_string(columns) + " fields (" +
                 (columns == 3 ? "time,node,cause" : "time,node") + "), got " +
                 std::to_string(fields.size()));
      }
      trace.failures.push_back(read_row(fields, n));
      note_row(trace, n);
    }
    if (trace.failures.empty()) fail(std::max(n, 1), 1, "no failures in the trace");
    std::stable_sort(
        trace.failures.begin(), trace.failures.end(),
        [](const TraceFailure& a, const TraceFailure& b) { return a.time_h < b.time_h; });
    return trace;
  }

 private:
  std::size_t read_header(const std::vector<sim::CsvField>& fields, int line) const {
    const bool ok = (fields.size() == 2 || fields.size() == 3) && fields[0].text == "time" &&
                    fields[1].text == "node" && (fields.size() == 2 || fields[2].text == "cause");
    if (!ok) fail(line, 1, "expected the header 'time,node,cause' (cause optional)");
    return fields.size();
  }

  TraceFailure read_row(const std::vector<sim::CsvField>& fields, int line) {
    TraceFailure f;
    const std::optional<double> t = sim::parse_csv_hours(fields[0].text);
    if (!t || *t < 0.0) {
      fail(line, fields[0].column,
           "time: expected a duration (e.g. '36h', '90min') or a number of hours >= 0, got " +
               sim::quoted_excerpt(fields[0].text));
    }
    f.time_h = *t;
    const std::string& node = fields[1].text;
    const auto [end, ec] = std::from_chars(node.data(), node.data() + node.size(), f.node);
    if (ec != std::errc() || end != node.data() + node.size() || node.empty() || f.node < 0) {
      fail(line, fields[1].column,
           "node: expected a slot index (an integer >= 0), got " + sim::quoted_excerpt(node));
    }
    if (fields.size() == 3 && !fields[2].text.empty()) {
      const auto [it, fresh] =
          cause_ids_.try_emplace(fields[2].text, static_cast<int>(cause_ids_.size()));
      f.cause = it->second;
      if (fresh) new_cause_ = fields[2].text;
    }
    return f;
  }

  // What the checks against the rest of the scenario need: the highest slot and each cause's
  // first line, so that binding a trace to a scenario neither copies nor scans it.
  void note_row(FailureTrace& trace, int line) {
    const TraceFailure& f = trace.failures.back();
    if (trace.failures.size() == 1 || f.node > trace.max_node) {
      trace.max_node = f.node;
      trace.max_node_line = line;
    }
    if (!new_cause_.empty()) {
      trace.causes.push_back(std::move(new_cause_));
      trace.cause_lines.push_back(line);
      new_cause_.clear();
    }
  }

  std::string file_;
  std::unordered_map<std::string, int> cause_ids_;
  std::string new_cause_;  // the cause first seen on the row just read
};

// The trace file named at `node`, relative to the scenario file that names it.
std::string resolve(const sim::ConfigNode& node) {
  const std::filesystem::path file = node.as_string();
  const std::string& from = node.where().file;
  if (file.is_absolute() || from.empty() || from.rfind("--set", 0) == 0) return file.string();
  return (std::filesystem::path(from).parent_path() / file).lexically_normal().string();
}

}  // namespace

FailureTrace read_failure_trace(std::istream& in, const std::string& file) {
  return CsvReader(file).read(in);
}

std::shared_ptr<const FailureTrace> TraceCache::load(const std::string& path) {
  std::error_code ec;
  const std::uintmax_t size = std::filesystem::file_size(path, ec);
  const std::filesystem::file_time_type modified = std::filesystem::last_write_time(path, ec);
  const std::filesystem::path canonical = std::filesystem::weakly_canonical(path, ec);
  Entry& e = traces_[ec ? path : canonical.string()];
  if (e.trace && e.size == size && e.modified == modified) return e.trace;
  std::ifstream in(path);
  if (!in) throw sim::InputError(sim::SourceLocation{path, 0, 0}, kKey, "cannot open the file");
  e.trace = std::make_shared<const FailureTrace>(read_failure_trace(in, path));
  e.size = size;
  e.modified = modified;
  ++reads_;
  return e.trace;
}

std::unique_ptr<FailureClock> make_trace_clock(const FailureSpec& spec, std::int64_t,
                                               sim::RandomStream& rng, sim::PickStream*) {
  const double offset = spec.trace_offset_h ? std::fmod(*spec.trace_offset_h, spec.trace_span_h)
                                            : rng.uniform() * spec.trace_span_h;
  return std::make_unique<TraceClock>(spec, offset);
}

void read_trace_failure(sim::MapReader& r, FailureSpec& spec, TraceCache& traces) {
  if (const sim::ConfigNode* mtbf = r.optional("node_mtbf")) {
    throw mtbf->error("a trace gives the failure times: node_mtbf is derived from it, not given");
  }
  const sim::ConfigNode& file = r.required("file");
  const std::string path = resolve(file);
  // Regular files of bounded size only: /dev/zero would fill memory, a FIFO block forever.
  if (const auto why = sim::why_not_input_file(path, sim::kMaxTraceBytes, "trace files")) {
    throw file.error("cannot open trace file " + sim::quoted_excerpt(path) + ": " + *why);
  }
  spec.trace = traces.load(path);
  spec.trace_span_h = spec.trace->last_h();
  if (const sim::ConfigNode* span = r.optional("span")) {
    const double h = span->as_hours();
    if (!(h >= spec.trace_span_h) || !(h > 0.0)) {
      char last[64];
      std::snprintf(last, sizeof last, "%g h", spec.trace_span_h);
      throw span->error("expected a duration > 0 and >= the last failure of the trace (" +
                        std::string(last) + "), got " + span->describe());
    }
    spec.trace_span_h = h;
  } else if (!(spec.trace_span_h > 0.0)) {
    throw file.error("every failure of the trace is at time 0: give cluster.failure.span");
  }
  if (const sim::ConfigNode* offset = r.optional("offset")) {
    if (!(offset->is_scalar() && offset->scalar() == "random")) {
      const double h = offset->as_hours();
      if (!(h >= 0.0)) {
        throw offset->error("expected 'random' or a duration >= 0, got " + offset->describe());
      }
      spec.trace_offset_h = h;
    }
  }
}

void bind_failure_trace(ClusterSpec& c) {
  if (!c.failure.trace) return;
  const FailureTrace& trace = *c.failure.trace;
  const CsvReader csv(trace.file);
  if (trace.max_node >= c.nodes) {
    csv.fail(trace.max_node_line, 1,
             "node: expected a slot index < cluster.nodes (" + std::to_string(c.nodes) + "), got " +
                 std::to_string(trace.max_node));
  }
  std::string names;
  for (const CauseSpec& cause : c.causes) names += (names.empty() ? "" : ", ") + cause.name;
  c.failure.trace_causes.assign(trace.causes.size(), -1);
  for (std::size_t t = 0; t < trace.causes.size(); ++t) {
    for (std::size_t i = 0; i < c.causes.size(); ++i) {
      if (c.causes[i].name == trace.causes[t]) c.failure.trace_causes[t] = static_cast<int>(i);
    }
    if (c.failure.trace_causes[t] < 0) {
      csv.fail(trace.cause_lines[t], 1,
               "cause: " + sim::quoted_excerpt(trace.causes[t]) +
                   " is not a cause of cluster.causes" +
                   (names.empty() ? " (there are none)" : " (" + names + ")"));
    }
  }
  const double count = static_cast<double>(trace.failures.size());
  c.failure.node_mtbf_h = static_cast<double>(c.nodes) * c.failure.trace_span_h / count;
}

}  // namespace goodsim::models
