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

#include "models/failure/failure_clock.h"
#include "sim/csv.h"
#include "sim/input_file.h"

namespace goodsim::models {

namespace {

class TraceClock final : public FailureClock {
 public:
  TraceClock(std::shared_ptr<const FailureTrace> trace, double offset_h)
      : trace_(std::move(trace)), offset_h_(offset_h) {
    const auto& f = trace_->failures;
    const auto first =
        std::lower_bound(f.begin(), f.end(), offset_h_,
                         [](const TraceFailure& a, double t) { return a.time_h < t; });
    index_ = static_cast<std::size_t>(first - f.begin());
    if (index_ == f.size()) {
      index_ = 0;
      cycle_ = 1;
    }
  }

  double next_failure() const override {
    return current().time_h + static_cast<double>(cycle_) * trace_->span_h - offset_h_;
  }
  void take_failure() override {
    if (++index_ == trace_->failures.size()) {
      index_ = 0;
      ++cycle_;
    }
  }
  bool proposes() const override { return true; }
  std::int64_t next_slot() const override { return current().node; }
  int next_cause() const override { return current().cause_index; }
  bool pins_slots() const override { return true; }
  void nodes_entered(double, std::int64_t) override {}
  bool ignores_entries() const override { return true; }

 private:
  const TraceFailure& current() const { return trace_->failures[index_]; }

  std::shared_ptr<const FailureTrace> trace_;
  double offset_h_;
  std::size_t index_ = 0;
  std::int64_t cycle_ = 0;
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

  TraceFailure read_row(const std::vector<sim::CsvField>& fields, int line) const {
    TraceFailure f;
    f.line = line;
    const std::optional<double> t = sim::parse_csv_hours(fields[0].text);
    if (!t || *t < 0.0) {
      fail(line, fields[0].column,
           "time: expected a duration (e.g. '36h', '90min') or a number of hours >= 0, got '" +
               fields[0].text + "'");
    }
    f.time_h = *t;
    const std::string& node = fields[1].text;
    const auto [end, ec] = std::from_chars(node.data(), node.data() + node.size(), f.node);
    if (ec != std::errc() || end != node.data() + node.size() || node.empty() || f.node < 0) {
      fail(line, fields[1].column,
           "node: expected a slot index (an integer >= 0), got '" + node + "'");
    }
    if (fields.size() == 3) f.cause = fields[2].text;
    return f;
  }

  std::string file_;
};

// The trace file named at `node`, relative to the scenario file that names it.
std::string resolve(const sim::ConfigNode& node) {
  const std::filesystem::path file = node.as_string();
  const std::string& from = node.where().file;
  if (file.is_absolute() || from.empty() || from.rfind("--set", 0) == 0) return file.string();
  return (std::filesystem::path(from).parent_path() / file).lexically_normal().string();
}

}  // namespace

std::unique_ptr<FailureClock> make_trace_clock(const FailureSpec& spec, std::int64_t,
                                               sim::RandomStream& rng, sim::PickStream*) {
  const double offset = spec.trace_offset_h ? std::fmod(*spec.trace_offset_h, spec.trace->span_h)
                                            : rng.uniform() * spec.trace->span_h;
  return std::make_unique<TraceClock>(spec.trace, offset);
}

void read_trace_failure(sim::MapReader& r, FailureSpec& spec) {
  if (const sim::ConfigNode* mtbf = r.optional("node_mtbf")) {
    throw mtbf->error("a trace gives the failure times: node_mtbf is derived from it, not given");
  }
  const sim::ConfigNode& file = r.required("file");
  const std::string path = resolve(file);
  // Regular files of bounded size only: /dev/zero would fill memory, a FIFO block forever.
  if (const auto why = sim::why_not_input_file(path, sim::kMaxTraceBytes, "trace files")) {
    throw file.error("cannot open trace file '" + path + "': " + *why);
  }
  std::ifstream in(path);
  if (!in) throw file.error("cannot open trace file '" + path + "'");
  auto trace = std::make_shared<FailureTrace>(CsvReader(path).read(in));
  trace->span_h = trace->failures.back().time_h;
  if (const sim::ConfigNode* span = r.optional("span")) {
    const double h = span->as_hours();
    if (!(h >= trace->span_h) || !(h > 0.0)) {
      char last[64];
      std::snprintf(last, sizeof last, "%g h", trace->span_h);
      throw span->error("expected a duration > 0 and >= the last failure of the trace (" +
                        std::string(last) + "), got " + span->describe());
    }
    trace->span_h = h;
  } else if (!(trace->span_h > 0.0)) {
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
  spec.trace = std::move(trace);
}

void bind_failure_trace(ClusterSpec& c) {
  if (!c.failure.trace) return;
  auto trace = std::make_shared<FailureTrace>(*c.failure.trace);
  const CsvReader csv(trace->file);
  for (TraceFailure& f : trace->failures) {
    if (f.node >= c.nodes) {
      csv.fail(f.line, 1,
               "node: expected a slot index < cluster.nodes (" + std::to_string(c.nodes) +
                   "), got " + std::to_string(f.node));
    }
    if (f.cause.empty()) continue;
    std::string names;
    for (std::size_t i = 0; i < c.causes.size(); ++i) {
      if (c.causes[i].name == f.cause) f.cause_index = static_cast<int>(i);
      names += (names.empty() ? "" : ", ") + c.causes[i].name;
    }
    if (f.cause_index < 0) {
      csv.fail(f.line, 1,
               "cause: '" + f.cause + "' is not a cause of cluster.causes" +
                   (names.empty() ? " (there are none)" : " (" + names + ")"));
    }
  }
  const double count = static_cast<double>(trace->failures.size());
  c.failure.node_mtbf_h = static_cast<double>(c.nodes) * trace->span_h / count;
  c.failure.trace = std::move(trace);
}

}  // namespace goodsim::models
