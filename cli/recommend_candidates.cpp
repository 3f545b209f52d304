// recommend's candidates (cli/recommend_candidates.h): integers, numbers, durations or names
// from --vary.

#include "cli/recommend_candidates.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <sstream>

#include "cli/commands.h"

namespace goodsim::cli::recommend {

namespace {

constexpr std::size_t kMaxCandidates = 1000;

[[noreturn]] void usage(const std::string& message) {
  throw UsageError(kCommand, message);
}

std::string trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return std::string(s);
}

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

bool number_or_duration(const std::string& text) {
  return parse_number(text) || sim::parse_hours(text);
}

// The numeric value of `text` read as `kind` (hours for durations).
std::optional<double> value_as(ValueKind kind, const std::string& text) {
  switch (kind) {
    case ValueKind::kInteger: {
      const auto v = parse_integer(text);
      return v ? std::optional<double>(static_cast<double>(*v)) : std::nullopt;
    }
    case ValueKind::kText:
      return 0.0;
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
    if (!number_or_duration(t)) {
      usage("--vary: '" + t +
            "' is neither a number nor a duration with a unit (90s, 5min, 2h, 54d, 1w)");
    }
  }
  usage("--vary: the values mix plain numbers and durations; give every value a unit");
}

// A list's kind: common_kind, or names when some value is neither a number nor a duration
// (whether the key takes names is checked against the scenario, check_varied_key).
ValueKind list_kind(const std::vector<std::string>& texts) {
  const bool names = !std::all_of(texts.begin(), texts.end(), number_or_duration);
  return names ? ValueKind::kText : common_kind(texts);
}

bool same_value(const Vary& v, const Candidate& a, const Candidate& b) {
  return v.kind == ValueKind::kText ? a.text == b.text : a.value == b.value;
}

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
      case ValueKind::kText:  // not from a range: common_kind gives a numeric kind
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

}  // namespace

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
    v.kind = list_kind(texts);
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
      if (same_value(v, v.candidates[i], v.candidates[j])) {
        usage("--vary: '" + v.candidates[i].text + "' and '" + v.candidates[j].text +
              "' are the same value");
      }
    }
  }
  return v;
}

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
          "' (after extends and --set); recommend varies a value the scenario sets: write it "
          "in the file or add --set " +
          v.key + "=VALUE");
  }
  if (v.key == "name") {
    usage(
        "--vary: 'name' only labels the scenario, so every candidate would be the same; vary a "
        "key the simulation reads, such as cluster.spares or recovery.strategy");
  }
  if (!node->is_scalar()) {
    usage("--vary: key '" + v.key + "' is " + node->describe() +
          ", not a single value; recommend varies a number, a duration or a name, such as "
          "cluster.spares, checkpoint.interval or recovery.strategy");
  }
  const bool numeric = number_or_duration(node->scalar()) || node->scalar() == "auto";
  if (numeric && v.kind == ValueKind::kText) {
    // A numeric key takes numbers or durations only: say which value is neither.
    std::vector<std::string> texts;
    for (const Candidate& c : v.candidates) texts.push_back(c.text);
    common_kind(texts);
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

}  // namespace goodsim::cli::recommend
