#include "models/sweep.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <optional>
#include <string_view>

#include "models/scenario_loader.h"
#include "sim/format.h"

namespace goodsim::models {

namespace {

using sim::ConfigNode;
using sim::InputError;
using sim::SourceLocation;

std::optional<std::int64_t> integer_text(std::string_view text) {
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  std::int64_t v = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || ptr != text.data() + text.size() || text.empty()) return std::nullopt;
  return v;
}

std::optional<double> number_text(std::string_view text) {
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  double v = 0;
  const auto [ptr, ec] =
      std::from_chars(text.data(), text.data() + text.size(), v, std::chars_format::general);
  if (ec != std::errc() || ptr != text.data() + text.size() || text.empty() || !std::isfinite(v))
    return std::nullopt;
  return v;
}

SweepValueKind classify(const std::vector<ConfigNode>& values) {
  bool integers = true, numbers = true, hours = true;
  for (const ConfigNode& v : values) {
    const std::string& t = v.scalar();
    integers = integers && integer_text(t).has_value();
    numbers = numbers && number_text(t).has_value();
    hours = hours && sim::parse_hours(t).has_value();
  }
  if (integers) return SweepValueKind::kInteger;
  if (numbers) return SweepValueKind::kNumber;
  if (hours) return SweepValueKind::kHours;
  return SweepValueKind::kText;
}

// One step of a key path: a map key, or an index into a list ("causes[1]").
struct Step {
  std::string key;                   // empty for an index step
  std::optional<std::size_t> index;  // set for an index step
  std::string prefix;                // the path up to and including this step
};

bool valid_key_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-';
}

// Parses "a.b[2].c"; throws at `where` (the key in the sweep block) if malformed.
std::vector<Step> parse_key_path(const std::string& path, const SourceLocation& where) {
  auto bad = [&](const std::string& why) {
    return InputError(where, "sweep", "bad sweep key '" + path + "': " + why);
  };
  std::vector<Step> steps;
  std::size_t i = 0;
  while (true) {
    const std::size_t start = i;
    while (i < path.size() && valid_key_char(path[i])) ++i;
    if (i == start) {
      throw bad(i < path.size() && path[i] != '.' ? "unexpected '" + std::string(1, path[i]) + "'"
                                                  : "empty key path component");
    }
    steps.push_back({path.substr(start, i - start), std::nullopt, path.substr(0, i)});
    while (i < path.size() && path[i] == '[') {
      const std::size_t close = path.find(']', i);
      std::size_t index = 0;
      const char* first = path.data() + i + 1;
      const char* last = close == std::string::npos ? first : path.data() + close;
      const auto [ptr, ec] = std::from_chars(first, last, index);
      if (close == std::string::npos || ec != std::errc() || ptr != last || first == last) {
        throw bad("expected a list index like [2]");
      }
      i = close + 1;
      steps.push_back({"", index, path.substr(0, i)});
    }
    if (i == path.size()) break;
    if (path[i] != '.') throw bad("unexpected '" + std::string(1, path[i]) + "'");
    ++i;
  }
  return steps;
}

std::string join(const std::string& parent, const std::string& key) {
  return parent.empty() ? key : parent + "." + key;
}

class SweepReader {
 public:
  SweepSpec read(const ConfigNode& sweep) {
    if (sweep.is_null()) {
      throw sweep.error(
          "the sweep block is empty; expected key paths with lists of values, "
          "e.g. sweep: {cluster.spares: [0, 8, 16]}");
    }
    if (!sweep.is_map() || sweep.entries().empty()) {
      throw sweep.error(
          "expected a map of key paths to lists of values, e.g. "
          "sweep: {cluster.spares: [0, 8, 16]}, got " +
          sweep.describe());
    }
    for (const auto& [key, value] : sweep.entries()) {
      if (key == "zip") {
        read_zip(value);
      } else {
        SweepAxis axis;
        collect(key, value, axis.keys);
        for (SweepKey& k : axis.keys) spec_.axes.push_back(SweepAxis{{std::move(k)}});
      }
    }
    check_keys();
    check_point_count(sweep);
    for (SweepAxis& axis : spec_.axes) {
      for (SweepKey& k : axis.keys) k.kind = classify(k.values);
    }
    return std::move(spec_);
  }

 private:
  // A list of values for `path`, or a map of nested keys.
  void collect(const std::string& path, const ConfigNode& value, std::vector<SweepKey>& out) {
    if (value.is_map()) {
      if (value.entries().empty()) throw value.error("expected lists of values, got an empty map");
      for (const auto& [key, child] : value.entries()) collect(join(path, key), child, out);
      return;
    }
    if (!value.is_sequence()) {
      throw InputError(value.where(), value.path(),
                       "expected a list of values for sweep key '" + path + "', e.g. [" +
                           (value.is_scalar() ? value.scalar() : "a") + ", ...], got " +
                           value.describe());
    }
    if (value.items().empty()) {
      throw InputError(value.where(), value.path(),
                       "empty list of values for sweep key '" + path + "'");
    }
    for (const ConfigNode& item : value.items()) {
      if (!item.is_scalar()) {
        throw item.error("expected a single value (number, duration or name) for sweep key '" +
                         path + "', got " + item.describe());
      }
    }
    out.push_back(SweepKey{path, value.key_where(), value.items(), SweepValueKind::kText});
  }

  void read_zip(const ConfigNode& zip) {
    if (zip.is_map()) {
      read_zip_group(zip);
    } else if (zip.is_sequence() && !zip.items().empty()) {
      for (const ConfigNode& group : zip.items()) read_zip_group(group);
    } else {
      throw zip.error(
          "expected a list of zip groups, each a map of key paths to lists of "
          "equally many values, e.g. zip: [{checkpoint.interval: [10min, 30min], "
          "checkpoint.write: [1min, 2min]}], got " +
          zip.describe());
    }
  }

  void read_zip_group(const ConfigNode& group) {
    if (!group.is_map() || group.entries().empty()) {
      throw group.error(
          "expected a zip group: a map of key paths to lists of equally many "
          "values, got " +
          group.describe());
    }
    SweepAxis axis;
    for (const auto& [key, value] : group.entries()) collect(key, value, axis.keys);
    const SweepKey& first = axis.keys.front();
    for (const SweepKey& k : axis.keys) {
      if (k.values.size() != first.values.size()) {
        throw InputError(k.where, "sweep.zip",
                         "zip lists differ in length: '" + first.path + "' has " +
                             std::to_string(first.values.size()) + " values (" +
                             sim::to_string(first.where) + "), '" + k.path + "' has " +
                             std::to_string(k.values.size()));
      }
    }
    spec_.axes.push_back(std::move(axis));
  }

  void check_keys() {
    const std::vector<const SweepKey*> keys = spec_.keys();
    for (std::size_t i = 0; i < keys.size(); ++i) {
      const SweepKey& k = *keys[i];
      const std::vector<Step> steps = parse_key_path(k.path, k.where);
      const std::string& top = steps.front().key;
      if (top == "montecarlo") {
        throw InputError(k.where, "sweep",
                         "'" + k.path +
                             "' cannot be swept: every point runs the same "
                             "replications with the same seed (common random numbers); use --reps "
                             "and --seed");
      }
      if (top == "sweep" || top == "extends") {
        throw InputError(k.where, "sweep", "'" + k.path + "' cannot be swept");
      }
      for (std::size_t j = 0; j < i; ++j) {
        const SweepKey& other = *keys[j];
        const std::string& a = other.path;
        const std::string& b = k.path;
        const bool same = a == b;
        const auto inside = [](const std::string& outer, const std::string& inner) {
          return inner.size() > outer.size() && inner.compare(0, outer.size(), outer) == 0 &&
                 (inner[outer.size()] == '.' || inner[outer.size()] == '[');
        };
        if (same || inside(a, b) || inside(b, a)) {
          throw InputError(k.where, "sweep",
                           "'" + b + "' " + (same ? "is swept twice" : "overlaps '" + a + "'") +
                               " (also at " + sim::to_string(other.where) + ")");
        }
      }
    }
  }

  // Counted with an overflow check: 16 axes of 16 values would wrap a 64-bit count to 0.
  void check_point_count(const ConfigNode& sweep) const {
    std::size_t n = 1;
    bool over = false;
    double approx = 1.0;
    std::string factors;
    for (const SweepAxis& a : spec_.axes) {
      over = over || a.size() > kMaxSweepPoints / n;
      if (!over) n *= a.size();
      approx *= static_cast<double>(a.size());
      factors += (factors.empty() ? "" : " x ") + std::to_string(a.size());
    }
    if (!over) return;
    char about[64];
    std::snprintf(about, sizeof about, "about %.2g", approx);
    const std::string count = approx < 1e15 ? sim::with_commas(approx) : about;
    throw InputError(sweep.key_where(), "sweep",
                     "the sweep has " + count + " points (" + factors + "), over the limit of " +
                         sim::with_commas(static_cast<double>(kMaxSweepPoints)) +
                         "; sweep fewer values, or split it into several sweeps");
  }

  SweepSpec spec_;
};

bool same_place(const SourceLocation& a, const SourceLocation& b) {
  return a.file == b.file && a.line == b.line && a.column == b.column;
}

void set_value(ConfigNode& root, const SweepKey& key, const ConfigNode& value) {
  const std::vector<Step> steps = parse_key_path(key.path, key.where);
  ConfigNode replacement = ConfigNode::scalar(value.scalar(), value.where(), key.path);
  ConfigNode* node = &root;
  std::string parent;  // path of *node, for messages
  auto fail = [&](const std::string& why) {
    return InputError(key.where, "sweep", "cannot sweep '" + key.path + "': " + why);
  };
  for (std::size_t i = 0; i < steps.size(); ++i) {
    const Step& step = steps[i];
    const bool last = i + 1 == steps.size();
    const std::string shown = parent.empty() ? "the document root" : "'" + parent + "'";
    if (step.index) {
      if (!node->is_sequence()) {
        throw fail(shown + " is " + (node->is_scalar() ? node->describe() : "not a list") +
                   (node->where().line > 0 ? " at " + sim::to_string(node->where()) : ""));
      }
      if (*step.index >= node->items().size()) {
        throw fail(shown + " has only " + std::to_string(node->items().size()) + " items");
      }
      node = sim::find_path(root, step.prefix);
      if (last) *node = std::move(replacement);
    } else {
      if (!node->is_map() && !node->is_null()) {
        throw fail(shown + " is " + (node->is_scalar() ? node->describe() : "a list") + " at " +
                   sim::to_string(node->where()) + ", not a map");
      }
      if (last) {
        node->set(step.key, std::move(replacement));
      } else if (ConfigNode* child = node->find(step.key)) {
        node = child;
      } else {
        node = &node->set(step.key, ConfigNode::map(key.where, step.prefix));
      }
    }
    parent = step.prefix;
  }
}

std::string describe_point(const SweepSpec& spec, std::size_t index) {
  char name[32];
  std::snprintf(name, sizeof name, "%06zu", index);
  std::string out = std::string("sweep point ").append(name).append(", one of ");
  out.append(std::to_string(spec.point_count())).append(":");
  const std::vector<std::size_t> at = point_coordinates(spec, index);
  bool first = true;
  for (std::size_t a = 0; a < spec.axes.size(); ++a) {
    for (const SweepKey& k : spec.axes[a].keys) {
      out += (first ? " " : ", ") + k.path + "=" + k.values[at[a]].scalar();
      first = false;
    }
  }
  return out;
}

}  // namespace

std::size_t SweepSpec::point_count() const {
  if (axes.empty()) return 0;
  std::size_t n = 1;
  for (const SweepAxis& a : axes) n *= a.size();
  return n;
}

std::vector<const SweepKey*> SweepSpec::keys() const {
  std::vector<const SweepKey*> out;
  for (const SweepAxis& a : axes) {
    for (const SweepKey& k : a.keys) out.push_back(&k);
  }
  return out;
}

std::string SweepSpec::canonical() const {
  // Length-prefixed, so no key or value text can imitate the structure.
  auto field = [](const std::string& s) { return std::to_string(s.size()) + ":" + s; };
  std::string out = "goodsim-sweep-spec-1\n";
  for (const SweepAxis& a : axes) {
    out += "axis " + std::to_string(a.keys.size()) + "\n";
    for (const SweepKey& k : a.keys) {
      // append() rather than operator+ on temporaries: GCC 12 -Wrestrict false positives.
      out.append("key ").append(field(k.path)).append(" ").append(std::to_string(k.values.size()));
      for (const ConfigNode& v : k.values) out.append(" ").append(field(v.scalar()));
      out.append("\n");
    }
  }
  return out;
}

SweepSpec read_sweep(const ConfigNode& root) {
  const ConfigNode* sweep = root.is_map() ? root.find("sweep") : nullptr;
  if (sweep == nullptr) return {};
  return SweepReader().read(*sweep);
}

std::vector<std::size_t> point_coordinates(const SweepSpec& spec, std::size_t index) {
  std::vector<std::size_t> at(spec.axes.size());
  for (std::size_t a = spec.axes.size(); a-- > 0;) {
    const std::size_t n = spec.axes[a].size();
    at[a] = index % n;
    index /= n;
  }
  return at;
}

std::vector<SweepParameter> point_parameters(const SweepSpec& spec, std::size_t index) {
  std::vector<SweepParameter> out;
  const std::vector<std::size_t> at = point_coordinates(spec, index);
  for (std::size_t a = 0; a < spec.axes.size(); ++a) {
    for (const SweepKey& k : spec.axes[a].keys) {
      const std::string& text = k.values[at[a]].scalar();
      SweepParameter p{k.path, text, std::string(k.kind == SweepValueKind::kHours ? 1 : 0, 'h'),
                       text};
      switch (k.kind) {
        case SweepValueKind::kInteger:
          p.value = *integer_text(text);
          break;
        case SweepValueKind::kNumber:
          p.value = *number_text(text);
          break;
        case SweepValueKind::kHours:
          p.value = *sim::parse_hours(text);
          break;
        case SweepValueKind::kText:
          break;
      }
      out.push_back(std::move(p));
    }
  }
  return out;
}

ConfigNode point_config(const ConfigNode& root, const SweepSpec& spec, std::size_t index) {
  ConfigNode config = root;
  config.erase("sweep");
  const std::vector<std::size_t> at = point_coordinates(spec, index);
  for (std::size_t a = 0; a < spec.axes.size(); ++a) {
    for (const SweepKey& k : spec.axes[a].keys) set_value(config, k, k.values[at[a]]);
  }
  return config;
}

std::vector<SweepPoint> expand_sweep(const ConfigNode& root, const SweepSpec& spec,
                                     const std::string& source_file) {
  if (spec.empty()) {
    throw InputError(root.where(), "",
                     "the scenario has no sweep block; add one (see docs/sweeps.md), pass "
                     "--set 'sweep={cluster.spares: [0, 8]}', or use goodsim run");
  }
  const std::size_t n = spec.point_count();
  std::vector<SweepPoint> points;
  points.reserve(n);
  TraceCache traces;  // every point replays one copy of a trace file
  for (std::size_t i = 0; i < n; ++i) {
    const ConfigNode config = point_config(root, spec, i);
    try {
      points.push_back(SweepPoint{i, point_parameters(spec, i),
                                  scenario_from_config(config, source_file, traces)});
    } catch (const InputError& e) {
      SourceLocation where = e.where();
      std::string message = e.message();
      // An unknown key that the sweep added is reported at the sweep key, not at its value.
      if (message.rfind("unknown key", 0) == 0) {
        const std::vector<std::size_t> at = point_coordinates(spec, i);
        for (std::size_t a = 0; a < spec.axes.size(); ++a) {
          for (const SweepKey& k : spec.axes[a].keys) {
            if (same_place(where, k.values[at[a]].where()) || same_place(where, k.where)) {
              where = k.where;
              message += " (sweep key '" + k.path + "')";
            }
          }
        }
      }
      throw InputError(where, e.key(), message + " [" + describe_point(spec, i) + "]");
    }
  }
  return points;
}

}  // namespace goodsim::models
