// goodsim recommend SCENARIO --vary KEY=VALUES: simulates every candidate value of one key with
// common random numbers and recommends the cheapest (or the cheapest that meets a P95 deadline),
// with the evidence: a table of candidates, paired differences, what a spare costs and when it
// pays for itself, and the spare-pool Markov chain beside the simulated figures
// (docs/cost-and-spares.md).

#include <algorithm>
#include <boost/program_options.hpp>
#include <cctype>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/progress.h"
#include "cli/report.h"
#include "cli/scenario_args.h"
#include "models/checkpoint/auto_interval.h"
#include "models/cost.h"
#include "models/monte_carlo.h"
#include "models/precision.h"
#include "models/scenario_loader.h"
#include "models/selection.h"
#include "models/spare_pool_ctmc.h"
#include "sim/config.h"
#include "sim/format.h"
#include "sim/statistics.h"

namespace goodsim::cli {

namespace po = boost::program_options;
using sim::format_numbers;

namespace {

constexpr const char* kCommand = "recommend";
constexpr std::size_t kMaxCandidates = 1000;
constexpr int kExitNoCandidateMeetsDeadline = 4;

constexpr const char* kRecommendHelp =
    R"(usage: goodsim recommend SCENARIO --vary KEY=VALUES [options]

Simulates the scenario once per candidate value of KEY and recommends one: the candidate with
the lowest expected cost (--min-cost, the default), or the cheapest candidate whose P95 wall
time meets a deadline (--deadline-p95). The scenario must be priced (cost.node_hour_usd).

VALUES is a range a..b (integers, step 1), a range with a step a..b:step (integers, numbers or
durations; b is included when the steps land on it), or a list a,b,c. Durations take a unit:
90s, 5min, 2h, 54d, 1w. KEY must be a number or a duration the scenario sets (after extends
and --set). Every candidate is checked before anything is simulated.

Every candidate uses the same seed, so replication i of every candidate sees the same failure
proposals and repair times (common random numbers): candidates are compared on the same luck,
and the standard errors of their differences, estimated from paired replications, are much
smaller than those of the figures themselves.

With --confidence P and --indifference X (dollars) the count is not fixed: the candidates run
in blocks of 256 paired replications and Kim & Nelson's fully sequential procedure drops the
clearly costlier ones after each block, until one is left. If the cheapest candidate's
expected cost is lower than every other's by at least X, it is recommended with probability
at least P. (With --min-cost only; caps at --max-reps per candidate.)

Exit codes: 0 a recommendation was made; 2 bad input (nothing is simulated); 4 no candidate
meets the --deadline-p95 (the table is still printed).

examples:
  goodsim recommend scenarios/default.yaml --vary cluster.spares=8..24:4 --reps 200
  goodsim recommend scenarios/default.yaml --vary cluster.spares=8,12,16 --deadline-p95 1500h
  goodsim recommend scenarios/default.yaml --vary checkpoint.interval=10min,20min,30min
  goodsim recommend scenarios/default.yaml --vary cluster.spares=8..24:4 --confidence 0.95 --indifference 100000

options)";

[[noreturn]] void usage(const std::string& message) {
  throw UsageError(kCommand, message);
}

std::string trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return std::string(s);
}

std::string pad_left(const std::string& text, std::size_t width) {
  return text.size() >= width ? text : std::string(width - text.size(), ' ') + text;
}

std::string pad_right(const std::string& text, std::size_t width) {
  return text.size() >= width ? text : text + std::string(width - text.size(), ' ');
}

// ---------------------------------------------------------------------------------------------
// --vary KEY=VALUES

enum class ValueKind { kInteger, kNumber, kDuration };

std::optional<std::int64_t> parse_integer(const std::string& text) {
  std::int64_t v = 0;
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, v);
  if (ec != std::errc() || ptr != end) return std::nullopt;
  return v;
}

std::optional<double> parse_number(const std::string& text) {
  if (text.empty()) return std::nullopt;
  char* end = nullptr;
  const double v = std::strtod(text.c_str(), &end);
  if (end != text.c_str() + text.size() || !std::isfinite(v)) return std::nullopt;
  return v;
}

// The numeric value of `text` read as `kind` (hours for durations).
std::optional<double> value_as(ValueKind kind, const std::string& text) {
  switch (kind) {
    case ValueKind::kInteger: {
      const auto v = parse_integer(text);
      return v ? std::optional<double>(static_cast<double>(*v)) : std::nullopt;
    }
    case ValueKind::kNumber:
      return parse_number(text);
    case ValueKind::kDuration:
      return sim::parse_hours(text);
  }
  return std::nullopt;
}

// The narrowest kind that reads every text: integers, else numbers, else durations.
ValueKind common_kind(const std::vector<std::string>& texts) {
  for (const ValueKind kind : {ValueKind::kInteger, ValueKind::kNumber, ValueKind::kDuration}) {
    if (std::all_of(texts.begin(), texts.end(),
                    [kind](const std::string& t) { return value_as(kind, t).has_value(); })) {
      return kind;
    }
  }
  for (const std::string& t : texts) {
    if (!parse_number(t) && !sim::parse_hours(t)) {
      usage("--vary: '" + t +
            "' is neither a number nor a duration with a unit (90s, 5min, 2h, 54d, 1w)");
    }
  }
  usage("--vary: the values mix plain numbers and durations; give every value a unit");
}

struct Candidate {
  std::string text;  // as written to the scenario and shown
  double value = 0.0;
};

struct Vary {
  std::string key;
  ValueKind kind = ValueKind::kInteger;
  std::vector<Candidate> candidates;
};

// The unit suffix of a duration text ("10min" -> "min"), empty when it has none ("0").
std::string unit_of(const std::string& text) {
  const auto at = std::find_if(text.begin(), text.end(),
                               [](char c) { return std::isalpha(static_cast<unsigned char>(c)); });
  return at == text.end() ? "" : trim(std::string(at, text.end()));
}

std::string number_text(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.12g", v);
  return buf;
}

std::vector<Candidate> expand_range(const std::string& spec, std::size_t dots, ValueKind& kind) {
  const std::string first = trim(spec.substr(0, dots));
  std::string last = trim(spec.substr(dots + 2));
  std::string step;
  if (const std::size_t colon = last.find(':'); colon != std::string::npos) {
    step = trim(last.substr(colon + 1));
    last = trim(last.substr(0, colon));
    if (step.empty()) usage("--vary: empty step in '" + spec + "' (a..b:step)");
  }
  if (first.empty() || last.empty()) {
    usage("--vary: empty range end in '" + spec + "'; write a..b, a..b:step or a,b,c");
  }
  std::vector<std::string> texts = {first, last};
  if (!step.empty()) texts.push_back(step);
  kind = common_kind(texts);
  if (step.empty() && kind != ValueKind::kInteger) {
    usage("--vary: a range of " +
          std::string(kind == ValueKind::kDuration ? "durations" : "numbers") +
          " needs a step, e.g. " +
          (kind == ValueKind::kDuration ? "10min..60min:10min" : "0.5..2:0.5"));
  }
  const double a = *value_as(kind, first);
  const double b = *value_as(kind, last);
  const double d = step.empty() ? 1.0 : *value_as(kind, step);
  if (b < a) {
    usage("--vary: reversed range '" + first + ".." + last + "': write the smaller value first (" +
          last + ".." + first + ")");
  }
  if (!(d > 0.0)) usage("--vary: the step of '" + spec + "' must be > 0");
  const double count = std::floor((b - a) / d * (1.0 + 1e-12) + 1e-9) + 1.0;
  if (count > static_cast<double>(kMaxCandidates)) {
    usage("--vary: '" + spec + "' gives " + number_text(count) + " candidates; at most " +
          std::to_string(kMaxCandidates));
  }
  std::string unit;
  if (kind == ValueKind::kDuration) {
    for (const std::string& t : texts) {
      if (unit.empty()) unit = unit_of(t);
    }
    if (unit.empty()) unit = "h";  // only zeros were written
  }
  const double unit_h = kind == ValueKind::kDuration ? *sim::parse_hours("1" + unit) : 1.0;
  std::vector<Candidate> out;
  for (std::int64_t k = 0; k < static_cast<std::int64_t>(count); ++k) {
    const double v = a + static_cast<double>(k) * d;
    Candidate c;
    c.value = v;
    switch (kind) {
      case ValueKind::kInteger:
        c.text = std::to_string(static_cast<std::int64_t>(v));
        break;
      case ValueKind::kNumber:
        c.text = number_text(v);
        break;
      case ValueKind::kDuration:
        c.text = number_text(v / unit_h) + unit;
        break;
    }
    out.push_back(std::move(c));
  }
  return out;
}

Vary parse_vary(const std::string& arg) {
  const std::size_t equals = arg.find('=');
  if (equals == std::string::npos) {
    usage("--vary: expected KEY=VALUES, e.g. cluster.spares=0..64:8, got '" + arg + "'");
  }
  Vary v;
  v.key = trim(arg.substr(0, equals));
  const std::string spec = trim(arg.substr(equals + 1));
  if (v.key.empty()) usage("--vary: empty key before '=' in '" + arg + "'");
  if (spec.empty()) usage("--vary: no values after '" + v.key + "='");
  if (const std::size_t dots = spec.find(".."); dots != std::string::npos) {
    v.candidates = expand_range(spec, dots, v.kind);
  } else {
    std::vector<std::string> texts;
    std::stringstream in(spec);
    for (std::string item; std::getline(in, item, ',');) {
      texts.push_back(trim(item));
      if (texts.back().empty()) usage("--vary: empty value in the list '" + spec + "'");
    }
    if (!spec.empty() && spec.back() == ',')
      usage("--vary: empty value in the list '" + spec + "'");
    v.kind = common_kind(texts);
    if (texts.size() > kMaxCandidates) {
      usage("--vary: at most " + std::to_string(kMaxCandidates) + " candidates");
    }
    for (const std::string& t : texts) v.candidates.push_back({t, *value_as(v.kind, t)});
  }
  if (v.candidates.size() < 2) {
    usage("--vary: '" + spec + "' gives one candidate; recommend compares at least two");
  }
  for (std::size_t i = 0; i < v.candidates.size(); ++i) {
    for (std::size_t j = 0; j < i; ++j) {
      if (v.candidates[i].value == v.candidates[j].value) {
        usage("--vary: '" + v.candidates[i].text + "' and '" + v.candidates[j].text +
              "' are the same value");
      }
    }
  }
  return v;
}

// The varied key must be a number or a duration the scenario sets; each candidate replaces it,
// located at "--vary KEY=VALUE" so that a rejected value is reported as coming from --vary.
void check_varied_key(const sim::ConfigNode& root, const Vary& v) {
  if (v.key.rfind("montecarlo.", 0) == 0) {
    usage(
        "--vary: every candidate runs the same replications with the same seed (that is what "
        "makes them comparable); use --reps and --seed instead of varying '" +
        v.key + "'");
  }
  const sim::ConfigNode* node = sim::find_path(root, v.key);
  if (!node) {
    usage("--vary: the scenario has no key '" + v.key +
          "' (after extends and --set); recommend varies a number or a duration the scenario "
          "sets: write it in the file or add --set " +
          v.key + "=VALUE");
  }
  const bool numeric =
      node->is_scalar() && (parse_number(node->scalar()) || sim::parse_hours(node->scalar()) ||
                            node->scalar() == "auto");
  if (!numeric) {
    usage("--vary: key '" + v.key + "' is " + node->describe() +
          ", not a number or a duration; recommend varies numeric keys such as cluster.spares "
          "or checkpoint.interval");
  }
}

models::Scenario candidate_scenario(const sim::ConfigNode& root, const Vary& v, const Candidate& c,
                                    const std::string& scenario_path, models::TraceCache& traces) {
  sim::ConfigNode doc = root;
  sim::ConfigNode* node = sim::find_path(doc, v.key);
  const std::string path = node->path();
  *node =
      sim::ConfigNode::scalar(c.text, sim::SourceLocation{"--vary " + v.key + "=" + c.text}, path);
  return models::scenario_from_config(doc, scenario_path, traces);
}

// ---------------------------------------------------------------------------------------------
// Results

struct Evaluated {
  Candidate candidate;
  models::Scenario scenario;
  models::RunSummary summary;
  std::vector<double> cost;  // per replication
  std::vector<double> wall;  // per replication
  double spare_waits = 0.0, repairs = 0.0, wait_spares_h = 0.0, wall_h = 0.0;
  std::optional<models::SparePoolFigures> chain;
  std::string chain_missing;
};

sim::SampleSummary paired(const std::vector<double>& a, const std::vector<double>& b) {
  std::vector<double> d(a.size());
  for (std::size_t i = 0; i < a.size(); ++i) d[i] = a[i] - b[i];
  return sim::summarize(d);
}

// Money in one unit for a whole table: "$113.212 M".
struct Money {
  double scale = 1.0;
  const char* suffix = "";
  int decimals = 0;

  explicit Money(double largest) {
    if (largest >= 1e6) {
      scale = 1e6, suffix = " M", decimals = 3;
    } else if (largest >= 1e4) {
      scale = 1e3, suffix = " k", decimals = 2;
    }
  }
  std::string operator()(double usd, bool sign = false) const {
    const std::string digits = sim::with_commas(std::abs(usd) / scale, decimals);
    const std::string s = usd < 0 ? "-" : (sign ? "+" : "");
    return s + "$" + digits + suffix;
  }
  std::string bare(double usd) const { return sim::with_commas(usd / scale, decimals) + suffix; }
};

// A probability: 4 decimals, small ones in scientific notation so that they do not read as 0.
std::string probability(double p) {
  if (p == 0.0) return "0";
  return p < 1e-3 ? format_numbers("%.1e", p) : format_numbers("%.4f", p);
}

std::string ratio_text(double num, double den) {
  return den > 0.0 ? probability(num / den) : "-";
}

// Columns sized to their widest cell, two spaces apart; `right[i]` aligns column i right.
class TextTable {
 public:
  explicit TextTable(std::vector<bool> right) : right_(std::move(right)) {}
  void row(std::vector<std::string> cells) { rows_.push_back(std::move(cells)); }
  void print(std::ostream& out, const std::string& indent = "") const {
    std::vector<std::size_t> width(right_.size(), 0);
    for (const auto& r : rows_) {
      for (std::size_t i = 0; i < r.size(); ++i) width[i] = std::max(width[i], r[i].size());
    }
    for (const auto& r : rows_) {
      std::string line = indent;
      for (std::size_t i = 0; i < r.size(); ++i) {
        if (i > 0) line += "  ";
        line += right_[i] ? pad_left(r[i], width[i]) : pad_right(r[i], width[i]);
      }
      while (!line.empty() && line.back() == ' ') line.pop_back();
      out << line << "\n";
    }
  }

 private:
  std::vector<bool> right_;
  std::vector<std::vector<std::string>> rows_;
};

}  // namespace

// recommend --confidence: the sequential selection (models/selection.h) and its own report.
struct Sequential {
  double confidence = 0.95;
  double indifference_usd = 0.0;
  std::int64_t max_replications = 100'000;
};

int recommend_sequentially(const models::Scenario& base, const std::string& key,
                           const std::vector<Evaluated>& ev, const Sequential& q,
                           std::uint64_t seed, unsigned threads, const sim::ProcessGroup& group) {
  std::vector<models::Scenario> scenarios;
  for (const Evaluated& e : ev) scenarios.push_back(e.scenario);
  models::SelectionOptions o;
  o.confidence = q.confidence;
  o.indifference = q.indifference_usd;
  o.max_replications = q.max_replications;
  o.first_stage = std::min<std::int64_t>(o.first_stage, q.max_replications);
  o.seed = seed;
  o.threads = threads;
  o.group = &group;
  const auto start = std::chrono::steady_clock::now();
  const models::SelectionResult r =
      models::select_smallest(scenarios, models::replication_cost_usd, o);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  std::ostream& out = std::cout;
  print_scenario(out, base);
  out << "vary       " << key << ": " << ev.size() << " candidates (";
  for (std::size_t i = 0; i < ev.size(); ++i) out << (i ? ", " : "") << ev[i].candidate.text;
  out << ")\n";
  out << "objective  the lowest expected cost, with " << format_numbers("%g", 100.0 * q.confidence)
      << " % confidence outside an indifference zone of $" << sim::with_commas(q.indifference_usd)
      << "\n";
  std::int64_t total = 0;
  for (const models::CandidateOutcome& c : r.candidates) {
    total += static_cast<std::int64_t>(c.values.size());
  }
  out << "runs       " << sim::with_commas(static_cast<double>(total))
      << " replications in all: blocks of " << models::kPrecisionBlock
      << " paired replications per candidate still in, first stage " << o.first_stage
      << ", at most " << sim::with_commas(static_cast<double>(o.max_replications)) << " each; seed "
      << seed << " for every candidate, " << workers_text(threads, group.size()) << ", "
      << format_numbers("%.2f s", seconds) << "\n";
  out << "           Kim & Nelson's fully sequential procedure (2001) with half the error\n"
         "           probability: after each block a candidate is dropped when another's mean\n"
         "           cost is lower by more than a margin that shrinks as replications come in\n"
         "           (from the variance of their paired differences over the first stage). The\n"
         "           other half goes to a paired t screen that drops hopeless but noisy\n"
         "           candidates early (one-sided level "
      << format_numbers("%.2g", r.screen_level) << " per pair and look, Bonferroni).\n\n";

  TextTable table({false, true, true, true, false});
  table.row({"candidate", "replications", "mean cost", "95% CI", "status"});
  for (std::size_t i = 0; i < ev.size(); ++i) {
    const models::CandidateOutcome& c = r.candidates[i];
    const sim::SampleSummary s = sim::summarize_mean(c.values);
    std::string status;
    if (i == r.best) {
      status = r.separated ? "recommended" : "recommended (lowest mean at the cap)";
    } else if (c.eliminated) {
      status = "dropped after " + sim::with_commas(static_cast<double>(c.eliminated_at)) +
               ": costlier than " + ev[c.eliminated_by].candidate.text +
               (c.by_screen ? " (t screen)" : " (KN margin)");
    } else {
      status = "still in at the cap";
    }
    table.row({ev[i].candidate.text, sim::with_commas(static_cast<double>(c.values.size())),
               "$" + sim::with_commas(s.mean), "+/- $" + sim::with_commas(s.ci95), status});
  }
  table.print(out);
  const std::string best = ev[r.best].candidate.text;
  out << "\nrecommended " << key << " = " << best << "\n";
  if (r.separated) {
    out << "guarantee  if the cheapest candidate's expected cost is lower than every other's by "
           "at\n"
           "           least $"
        << sim::with_commas(q.indifference_usd)
        << ", this procedure recommends it with probability >= "
        << format_numbers("%g", q.confidence)
        << ".\n           Candidates within that margin of the cheapest are not told apart.\n";
  } else {
    out << "guarantee  none: --max-reps stopped the procedure with several candidates left; the\n"
           "           one with the lowest mean is shown. Raise --max-reps or widen "
           "--indifference.\n";
    std::cerr << "goodsim recommend: warning: --max-reps " << o.max_replications
              << " reached with several candidates left; no confidence statement\n";
  }
  return 0;
}

int recommend_command(const std::vector<std::string>& args, const sim::ProcessGroup& group) {
  po::options_description opts(kRecommendHelp);
  std::string vary_arg;
  std::string deadline_arg;
  Sequential sequential;
  // clang-format off
  opts.add_options()
      ("help,h", "show this help")
      ("vary", po::value(&vary_arg), "the key and its candidates: KEY=a..b, KEY=a..b:step or KEY=a,b,c (required)")
      ("min-cost", "recommend the candidate with the lowest expected cost (the default)")
      ("deadline-p95", po::value(&deadline_arg), "recommend the cheapest candidate whose P95 wall time is at most this duration (e.g. 1300h)")
      ("confidence", po::value(&sequential.confidence), "run sequentially until the cheapest is found with this probability (e.g. 0.95), given --indifference; replaces --reps")
      ("indifference", po::value(&sequential.indifference_usd), "with --confidence: the cost difference in dollars below which candidates count as equally good (e.g. 100000)")
      ("max-reps", po::value(&sequential.max_replications)->default_value(sequential.max_replications), "with --confidence: the cap on replications per candidate");
  // clang-format on
  ScenarioArgs a;
  ScenarioArgHelp help;
  help.reps = "replications per candidate, >= 2 (default: montecarlo.replications, else 1000)";
  help.seed = "random seed >= 0, the same for every candidate (default: montecarlo.seed, else 1)";
  help.set =
      "override a scenario value before the candidates are applied: --set key.path=value "
      "(repeatable)";
  help.quiet = "no progress or notes on stderr";
  const auto parsed = parse_scenario_command(kCommand, args, opts, a, help, 2);
  if (!parsed) return 0;
  const po::variables_map& vm = *parsed;
  const bool quiet = a.quiet;
  if (!vm.count("vary")) usage("missing --vary KEY=VALUES, e.g. --vary cluster.spares=0..64:8");
  if (vm.count("min-cost") && vm.count("deadline-p95")) {
    usage("give either --min-cost or --deadline-p95, not both");
  }
  std::optional<double> deadline_h;
  if (vm.count("deadline-p95")) {
    deadline_h = sim::parse_hours(deadline_arg);
    if (!deadline_h) {
      usage("--deadline-p95: expected a duration with a unit (e.g. 1300h, 54d), got '" +
            deadline_arg + "'");
    }
    if (!(*deadline_h > 0.0)) usage("--deadline-p95 must be > 0");
  }
  const bool to_confidence = vm.count("confidence") > 0;
  if (to_confidence) {
    if (!(sequential.confidence > 0.0 && sequential.confidence < 1.0)) {
      usage("--confidence must be between 0 and 1 (e.g. 0.95)");
    }
    if (!vm.count("indifference") || !(sequential.indifference_usd > 0.0)) {
      usage("--confidence needs --indifference, a cost difference in dollars > 0 (e.g. 100000)");
    }
    if (deadline_h) usage("--confidence works with --min-cost, not --deadline-p95");
    if (a.reps) usage("--reps and --confidence exclude each other: --confidence chooses the count");
    if (sequential.max_replications < 2) usage("--max-reps must be >= 2");
  } else {
    for (const char* companion : {"indifference", "max-reps"}) {
      if (!vm[companion].defaulted() && vm.count(companion)) {
        usage(std::string("--") + companion + " needs --confidence");
      }
    }
  }
  const unsigned thread_count = resolve_threads(a.threads, kCommand, group);
  const Vary vary = parse_vary(vary_arg);

  // Everything is checked before anything is simulated.
  sim::ConfigNode root = a.load();
  models::TraceCache traces;  // the candidates share one copy of a trace
  models::Scenario base = models::scenario_from_config(root, a.scenario_path, traces);
  check_varied_key(root, vary);
  std::vector<Evaluated> ev;
  for (const Candidate& c : vary.candidates) {
    Evaluated e;
    e.candidate = c;
    e.scenario = candidate_scenario(root, vary, c, a.scenario_path, traces);
    if (!models::priced(e.scenario)) {
      usage(
          "the scenario has no prices; recommend compares costs: set cost.node_hour_usd (e.g. "
          "--set cost.node_hour_usd=90)");
    }
    ev.push_back(std::move(e));
  }
  if (root.find("sweep") && !quiet) {
    std::cerr << "goodsim recommend: note: the sweep block is ignored; only --vary is simulated\n";
  }

  const std::int64_t replications = a.replications_or(base.montecarlo.replications);
  if (replications < 2) usage("montecarlo.replications must be >= 2 for recommend (use --reps)");
  const std::uint64_t run_seed = a.seed_or(base.montecarlo.seed);

  // `auto` is each candidate's own optimum; the base is printed with its own.
  models::resolve_auto_interval(base, thread_count);
  for (Evaluated& e : ev) models::resolve_auto_interval(e.scenario, thread_count);
  if (to_confidence) {
    if (ev.size() < 2) usage("--confidence needs at least two candidates");
    return recommend_sequentially(base, vary.key, ev, sequential, run_seed, thread_count, group);
  }

  // Simulate: the same seed for every candidate (common random numbers).
  ProgressPrinter progress("recommend", !quiet);
  const auto start = std::chrono::steady_clock::now();
  const std::size_t reps_n = static_cast<std::size_t>(replications);
  const std::size_t total = reps_n * ev.size();
  for (std::size_t k = 0; k < ev.size(); ++k) {
    Evaluated& e = ev[k];
    models::RunOptions run;
    run.replications = replications;
    run.seed = run_seed;
    run.threads = thread_count;
    run.group = &group;
    const std::string detail =
        "candidate " + std::to_string(k + 1) + "/" + std::to_string(ev.size()) + ", replications";
    run.progress = [&, k](std::size_t done, std::size_t) {
      progress(k * reps_n + done, total, detail);
    };
    const auto results = models::run_replications(e.scenario, run);
    e.summary = models::summarize(e.scenario, results);
    for (const models::ReplicationResult& r : results) {
      e.cost.push_back(models::replication_cost_usd(e.scenario, r));
      e.wall.push_back(r.wall_h);
      e.spare_waits += static_cast<double>(r.spare_waits);
      e.repairs += static_cast<double>(r.repairs);
      e.wait_spares_h += r.bucket(models::Bucket::kWaitSpares);
      e.wall_h += r.wall_h;
    }
    if (const auto chain = models::spare_pool_chain(e.scenario, &e.chain_missing)) {
      e.chain = models::analyse_spare_pool(*chain);
    }
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  // Decide.
  const auto mean_cost = [&ev](std::size_t i) { return ev[i].summary.cost_usd->mean; };
  const auto meets = [&](std::size_t i) {
    return !deadline_h || ev[i].summary.wall_h.p95 <= *deadline_h;
  };
  // A candidate whose replications hit montecarlo.max_wall_factor has censored (too low)
  // costs: it is shown, marked, and never recommended.
  const auto finished = [&](std::size_t i) { return ev[i].summary.unfinished == 0; };
  const bool any_dnf = std::any_of(ev.begin(), ev.end(),
                                   [](const Evaluated& e) { return e.summary.unfinished > 0; });
  const auto status = [&](std::size_t i) -> std::string {
    if (!finished(i)) {
      return "DNF " + std::to_string(ev[i].summary.unfinished) + "/" + std::to_string(replications);
    }
    return deadline_h ? (meets(i) ? "met" : "missed") : "";
  };
  std::vector<std::size_t> eligible;
  for (std::size_t i = 0; i < ev.size(); ++i) {
    if (meets(i) && finished(i)) eligible.push_back(i);
  }
  std::stable_sort(eligible.begin(), eligible.end(),
                   [&](std::size_t a, std::size_t b) { return mean_cost(a) < mean_cost(b); });

  // Report.
  std::ostream& out = std::cout;
  const std::string& key = vary.key;
  print_scenario(out, base);
  out << "vary       " << key << ": " << ev.size() << " candidates (";
  for (std::size_t i = 0; i < ev.size(); ++i) out << (i ? ", " : "") << ev[i].candidate.text;
  out << ")\n";
  out << "objective  "
      << (deadline_h ? "the cheapest candidate with P95 wall time <= " +
                           sim::with_commas(*deadline_h, 1) + " h"
                     : std::string("the lowest expected cost"))
      << "\n";
  out << "prices     $" << sim::with_commas(*base.cost.node_hour_usd, 2) << " per slot node-hour, $"
      << sim::with_commas(models::spare_hour_usd(base), 2) << " per spare node-hour, $"
      << sim::with_commas(base.cost.repair_usd, 2) << " per repair\n";
  out << "runs       " << sim::with_commas(static_cast<double>(replications))
      << " replications per candidate, seed " << run_seed << " for every candidate, "
      << workers_text(thread_count, group.size()) << ", " << format_numbers("%.2f s", seconds)
      << "\n";
  out << "           Common random numbers: replication i of every candidate sees the same\n"
         "           failure proposals and repair times, so candidates are compared on the same\n"
         "           luck and their differences are not drowned by noise. Differences are\n"
         "           estimated from paired replications.\n\n";

  // (Plain indices rather than std::optional: GCC 12 reports a false -Wmaybe-uninitialized.)
  constexpr std::size_t kNone = static_cast<std::size_t>(-1);
  const std::size_t rec = eligible.empty() ? kNone : eligible.front();
  // The comparison for the paired difference: the runner-up among the eligible candidates,
  // else (deadline mode, one eligible) the cheapest candidate that misses the deadline.
  std::size_t other = kNone;
  if (eligible.size() >= 2) {
    other = eligible[1];
  } else if (rec != kNone) {
    for (std::size_t i = 0; i < ev.size(); ++i) {
      if (i != rec && (other == kNone || mean_cost(i) < mean_cost(other))) other = i;
    }
  }
  double largest = 0.0;
  for (const Evaluated& e : ev) largest = std::max(largest, e.summary.cost_usd->mean);
  const Money money(largest);

  // The candidates.
  {
    TextTable t({true, true, true, true, false, false});
    t.row({key, "goodput (95% CI)", "P95 wall", "expected cost (95% CI)",
           rec == kNone ? "" : "vs recommended (paired 95% CI)",
           deadline_h ? "deadline" : (any_dnf ? "finished" : "")});
    for (std::size_t i = 0; i < ev.size(); ++i) {
      const Evaluated& e = ev[i];
      const auto& g = e.summary.goodput;
      const auto& c = *e.summary.cost_usd;
      std::string vs;
      if (i == rec) {
        vs = "(recommended)";
      } else if (rec != kNone) {
        const sim::SampleSummary d = paired(e.cost, ev[rec].cost);
        vs = money(d.mean, true) + " +/- " + money.bare(d.ci95);
      }
      t.row({e.candidate.text, format_numbers("%.4f +/- %.4f", g.mean, g.ci95),
             sim::with_commas(e.summary.wall_h.p95, 1) + " h",
             money(c.mean) + " +/- " + money.bare(c.ci95), vs, status(i)});
    }
    t.print(out);
  }
  out << "\n";
  if (any_dnf) {
    out << "DNF n/N: n of N replications did not finish within "
        << format_numbers("%g", base.montecarlo.max_wall_factor)
        << " x the work (montecarlo.max_wall_factor);\n"
           "their costs are censored there, too low, so such a candidate is never recommended\n\n";
  }

  if (rec == kNone && !deadline_h) {
    out << "no recommendation: no candidate finishes all its replications (exit code "
        << kExitNoCandidateMeetsDeadline << ")\n";
    return kExitNoCandidateMeetsDeadline;
  }
  if (rec == kNone) {
    std::size_t fastest = 0;
    for (std::size_t i = 1; i < ev.size(); ++i) {
      if (ev[i].summary.wall_h.p95 < ev[fastest].summary.wall_h.p95) fastest = i;
    }
    out << "no recommendation: no candidate has a P95 wall time <= "
        << sim::with_commas(*deadline_h, 1) << " h; the fastest, " << key << " = "
        << ev[fastest].candidate.text << ", has P95 "
        << sim::with_commas(ev[fastest].summary.wall_h.p95, 1) << " h (exit code "
        << kExitNoCandidateMeetsDeadline << ")\n";
    return kExitNoCandidateMeetsDeadline;
  }

  const Evaluated& best = ev[rec];
  out << "recommend  " << key << " = " << best.candidate.text << "\n";
  out << "           expected cost " << money(best.summary.cost_usd->mean) << " +/- "
      << money.bare(best.summary.cost_usd->ci95) << " (95% CI), $"
      << format_numbers("%.2f per productive GPU-hour\n",
                        *best.summary.usd_per_productive_gpu_hour);
  out << "           goodput " << format_numbers("%.4f", best.summary.goodput.mean)
      << ", wall time mean " << sim::with_commas(best.summary.wall_h.mean, 1) << " h, P95 "
      << sim::with_commas(best.summary.wall_h.p95, 1) << " h\n";
  if (other != kNone) {
    const Evaluated& o = ev[other];
    const sim::SampleSummary d = paired(o.cost, best.cost);
    const double unpaired =
        std::hypot(o.summary.cost_usd->std_error, best.summary.cost_usd->std_error);
    const auto dollars = [](double usd) {
      return std::string(usd < 0 ? "-$" : "$") + sim::with_commas(std::abs(usd));
    };
    out << "           vs " << key << " = " << o.candidate.text
        << (eligible.size() >= 2 ? " (runner-up)"
            : !finished(other)   ? " (did not finish: its cost is censored, too low)"
                                 : " (the cheapest that misses the deadline)")
        << ": " << (d.mean >= 0 ? "+" : "") << dollars(d.mean) << " expected cost\n";
    out << "           SE of the difference " << dollars(d.std_error)
        << " from paired replications (unpaired: " << dollars(unpaired) << ")";
    if (d.std_error > 0.0) {
      out << format_numbers("\n           the difference is %.1f paired SEs; ",
                            std::abs(d.mean) / d.std_error)
          << format_numbers("common random numbers make it %.1fx sharper", unpaired / d.std_error);
    }
    out << "\n";
  }
  out << "\n";

  // What a spare costs (the seed article's arithmetic).
  {
    const double price = models::spare_hour_usd(best.scenario);
    const double wall = best.summary.wall_h.mean;
    out << "what a spare costs\n";
    out << "  one spare costs $" << sim::with_commas(price * wall)
        << " over the expected wall time\n  ($" << sim::with_commas(price, 2) << "/node-h x "
        << sim::with_commas(wall, 1) << " h, the mean wall time at " << key << " = "
        << best.candidate.text << ")\n";
    out << "  the seed article's arithmetic: $" << sim::with_commas(price, 2)
        << "/node-h x 1,200 h = $" << sim::with_commas(price * 1200.0)
        << " for a 1,200-hour run\n  (this job's fault-free work, "
        << sim::with_commas(best.scenario.job.work_h, 1) << " h: $"
        << sim::with_commas(price * best.scenario.job.work_h) << ")\n";
  }

  // When a spare pays for itself: consecutive spare counts, paired.
  if (key == "cluster.spares") {
    std::vector<std::size_t> order(ev.size());
    for (std::size_t i = 0; i < ev.size(); ++i) order[i] = i;
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
      return ev[a].scenario.cluster.spares < ev[b].scenario.cluster.spares;
    });
    out << "\nwhen a spare pays for itself (each step from the previous candidate, paired)\n";
    TextTable t({false, true, true, true, true, false});
    t.row({"spares", "added spares cost", "saving: shorter run", "slot-hours saved",
           "net change (95% CI)", "verdict"});
    for (std::size_t j = 1; j < order.size(); ++j) {
      const Evaluated& lo = ev[order[j - 1]];
      const Evaluated& hi = ev[order[j]];
      const auto& s = hi.scenario;
      const double added = static_cast<double>(s.cluster.spares - lo.scenario.cluster.spares);
      const double added_cost = models::spare_hour_usd(s) * added * hi.summary.wall_h.mean;
      const sim::SampleSummary dw = paired(lo.wall, hi.wall);  // hours the run gets shorter
      const double paid_before =
          *s.cost.node_hour_usd * static_cast<double>(s.cluster.nodes) +
          models::spare_hour_usd(lo.scenario) * static_cast<double>(lo.scenario.cluster.spares);
      const sim::SampleSummary net = paired(hi.cost, lo.cost);
      const char* verdict = net.mean + net.ci95 < 0.0   ? "pays for itself"
                            : net.mean - net.ci95 > 0.0 ? "does not pay"
                                                        : "within noise";
      t.row({std::to_string(lo.scenario.cluster.spares) + " -> " + std::to_string(s.cluster.spares),
             money(added_cost, true), money(-paid_before * dw.mean, true),
             sim::with_commas(static_cast<double>(s.cluster.nodes) * dw.mean),
             money(net.mean, true) + " +/- " + money.bare(net.ci95), verdict});
    }
    t.print(out, "  ");
    out << "  added spares cost = spare price x added spares x the new expected wall time;\n"
           "  saving = the node-hour price of the nodes already paid for x the hours the run\n"
           "  gets shorter; net = the paired difference in expected cost (repairs included).\n";
  }

  // The spare-pool Markov chain beside the simulated figures.
  out << "\nspare pool: simulated vs the Markov chain (docs/cost-and-spares.md)\n";
  if (!ev.front().chain) {
    out << "  chain not shown: " << ev.front().chain_missing << "\n";
    return 0;
  }
  {
    TextTable t({true, true, true, true, true, true, true});
    t.row({key, "P(empty) sim", "chain", "stalled sim", "chain", "node wait (chain)",
           "in repair (chain)"});
    for (const Evaluated& e : ev) {
      const auto& c = e.chain;
      t.row({e.candidate.text, ratio_text(e.spare_waits, e.repairs),
             c ? probability(c->p_failure_finds_pool_empty) : "-",
             ratio_text(e.wait_spares_h, e.wall_h), c ? probability(c->p_slot_empty) : "-",
             c && c->p_failure_finds_pool_empty > 0
                 ? format_numbers("%.2f h", c->mean_wait_if_waiting_h)
                 : "-",
             c ? format_numbers("%.2f", c->mean_in_repair) : "-"});
    }
    t.print(out, "  ");
  }
  out << "  P(empty): the fraction of failures that find the pool empty (simulated: recoveries\n"
         "  that waited / nodes sent to repair; chain: P(r >= spares) weighted by the failure\n"
         "  rate). stalled: the fraction of the wall time spent waiting for spares (simulated:\n"
         "  wait_spares / wall; chain: P(r > spares)). node wait: the mean time a failed slot\n"
         "  waits for a node when the pool is empty (Little's law). r = nodes in repair. The\n"
         "  chain refills a slot the moment a node is free and is at equilibrium; the simulator\n"
         "  detects first, fills all empty slots at once and starts with every node healthy.\n";
  return 0;
}

}  // namespace goodsim::cli
