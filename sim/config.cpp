#include "sim/config.h"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <system_error>
#include <unordered_map>

#include "sim/input_file.h"

namespace goodsim::sim {

namespace fs = std::filesystem;

// Loader internals that must reach into nodes; declared as a friend in the header.
struct ConfigNodeAccess {
  static void set_where(ConfigNode& node, const SourceLocation& where,
                        const SourceLocation& key_where) {
    node.where_ = where;
    node.key_where_ = key_where;
  }

  // Aliased subtrees are copied from the anchor; their paths must describe the new position.
  static void repath(ConfigNode& node, std::string path) {
    for (auto& [key, child] : node.entries_) {
      repath(child, path.empty() ? key : path + "." + key);
    }
    for (std::size_t i = 0; i < node.items_.size(); ++i) {
      repath(node.items_[i], path + "[" + std::to_string(i) + "]");
    }
    node.path_ = std::move(path);
  }

  static void append_entry(ConfigNode& map, std::string key, ConfigNode value) {
    map.entries_.emplace_back(std::move(key), std::move(value));
  }

  static ConfigNode& item(ConfigNode& node, std::size_t index) { return node.items_[index]; }

  static std::size_t size(const ConfigNode& node) {
    std::size_t n = 1;
    for (const auto& entry : node.entries_) n += size(entry.second);
    for (const auto& item : node.items_) n += size(item);
    return n;
  }

  // Deep merge for `extends`: maps merge key by key (the overlay's own location wins for the
  // map itself), anything else in the overlay replaces the base.
  static void merge(ConfigNode& base, ConfigNode&& overlay) {
    if (!base.is_map() || !overlay.is_map()) {
      base = std::move(overlay);
      return;
    }
    base.where_ = overlay.where_;
    base.key_where_ = overlay.key_where_;
    for (auto& [key, value] : overlay.entries_) {
      if (ConfigNode* existing = base.find(key)) {
        merge(*existing, std::move(value));
      } else {
        base.entries_.emplace_back(key, std::move(value));
      }
    }
  }
};

namespace {

std::string join_key(const std::string& parent, std::string_view key) {
  return parent.empty() ? std::string(key) : parent + "." + std::string(key);
}

std::string join_index(const std::string& parent, std::size_t index) {
  return parent + "[" + std::to_string(index) + "]";
}

// ---------------------------------------------------------------------------------------------
// Number parsing. from_chars is locale-independent and reports how much it consumed, which the
// duration parser needs to split "1.5h" into number and unit.

// Parses a real number prefix; returns the end of the number or nullptr.
const char* parse_real_prefix(std::string_view text, double& value) {
  const char* begin = text.data();
  const char* end = text.data() + text.size();
  // from_chars rejects a leading '+', YAML users may write one.
  if (begin != end && *begin == '+') {
    ++begin;
    if (begin != end && *begin == '-') return nullptr;
  }
  auto [ptr, ec] = std::from_chars(begin, end, value, std::chars_format::general);
  if (ec != std::errc() || !std::isfinite(value)) return nullptr;
  return ptr;
}

std::optional<double> parse_real(std::string_view text) {
  double value = 0;
  const char* end = parse_real_prefix(text, value);
  if (end != text.data() + text.size()) return std::nullopt;
  return value;
}

std::optional<std::int64_t> parse_int(std::string_view text) {
  std::string_view digits = text;
  if (!digits.empty() && digits.front() == '+') {
    digits.remove_prefix(1);
    if (!digits.empty() && digits.front() == '-') return std::nullopt;
  }
  std::int64_t value = 0;
  auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (ec == std::errc() && ptr == digits.data() + digits.size()) return value;
  if (ec == std::errc::result_out_of_range) return std::nullopt;
  // "1e3": accept reals that are exactly integral and representable.
  std::optional<double> real = parse_real(text);
  if (!real || std::trunc(*real) != *real) return std::nullopt;
  constexpr double kLimit = 9223372036854775808.0;  // 2^63
  if (*real < -kLimit || *real >= kLimit) return std::nullopt;
  return static_cast<std::int64_t>(*real);
}

struct DurationUnit {
  std::string_view name;
  double hours;
};

constexpr DurationUnit kDurationUnits[] = {
    {"s", 1.0 / 3600}, {"sec", 1.0 / 3600}, {"min", 1.0 / 60}, {"h", 1},      {"hr", 1},
    {"d", 24},         {"day", 24},         {"days", 24},      {"w", 24 * 7}, {"week", 24 * 7},
};

// Splits "5 min" into the unit part ("min"); nullopt if there is no leading number.
std::optional<std::string_view> duration_unit(std::string_view text, double& number) {
  const char* end = parse_real_prefix(text, number);
  if (end == nullptr) return std::nullopt;
  std::string_view unit = text.substr(end - text.data());
  if (!unit.empty() && unit.front() == ' ') unit.remove_prefix(1);
  return unit;
}

// ---------------------------------------------------------------------------------------------
// YAML events -> ConfigNode. Going through the event API (instead of YAML::Node) gives us the
// exact marks, file order, duplicate-key detection and the plain/quoted distinction.

class TreeBuilder : public YAML::EventHandler {
 public:
  // `fixed` replaces every mark (used for --set values, which have no meaningful lines).
  TreeBuilder(std::string file, std::string root_path, std::optional<SourceLocation> fixed)
      : file_(std::move(file)), root_path_(std::move(root_path)), fixed_(std::move(fixed)) {}

  ConfigNode take_root() {
    if (root_) return std::move(*root_);
    // Empty input: no document at all.
    return ConfigNode::null(fixed_ ? *fixed_ : SourceLocation{file_, 1, 1}, root_path_);
  }

  void OnDocumentStart(const YAML::Mark& mark) override {
    if (++documents_ > 1) {
      throw InputError(location(mark), "", "expected a single YAML document, found a second one");
    }
  }
  void OnDocumentEnd() override {}

  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    if (expecting_key()) throw InputError(location(mark), top().node.path(), "empty map key");
    Slot slot = next_slot(mark);
    // yaml-cpp marks a missing value ("key:") at the next token, often on a later line; the
    // key is the better place to point at.
    if (!stack_.empty() && top().node.is_map()) slot.where = slot.key_where;
    add_value(ConfigNode::null(slot.where, slot.path), slot, anchor);
  }

  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    if (expecting_key()) {
      throw InputError(location(mark), top().node.path(), "aliases cannot be used as map keys");
    }
    auto it = anchors_.find(anchor);
    if (it == anchors_.end()) {
      throw InputError(location(mark), "", "alias refers to a node that contains it");
    }
    // Aliases are expanded by copying; bound the total so a "billion laughs" file cannot
    // exhaust memory.
    nodes_ += it->second.second;
    if (nodes_ > kMaxNodes) {
      throw InputError(location(mark), "", "document too large after expanding aliases");
    }
    Slot slot = next_slot(mark);
    ConfigNode copy = it->second.first;
    ConfigNodeAccess::repath(copy, slot.path);
    ConfigNodeAccess::set_where(copy, copy.where(), slot.key_where);
    attach(std::move(copy));
  }

  void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                const std::string& value) override {
    // yaml-cpp tags plain scalars "?" and quoted ones "!"; only plain ones can mean null.
    const bool is_null = tag == "?" && (value.empty() || value == "~" || value == "null" ||
                                        value == "Null" || value == "NULL");
    if (expecting_key()) {
      if (is_null && value.empty()) {
        throw InputError(location(mark), top().node.path(), "empty map key");
      }
      take_key(value, mark);
      return;
    }
    Slot slot = next_slot(mark);
    add_value(is_null ? ConfigNode::null(slot.where, slot.path)
                      : ConfigNode::scalar(value, slot.where, slot.path),
              slot, anchor);
  }

  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    start_container(ConfigNode::sequence, mark, anchor);
  }
  void OnSequenceEnd() override { end_container(); }

  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value) override {
    start_container(ConfigNode::map, mark, anchor);
  }
  void OnMapEnd() override { end_container(); }

 private:
  static constexpr std::size_t kMaxNodes = 1'000'000;

  struct Frame {
    ConfigNode node;
    YAML::anchor_t anchor = YAML::NullAnchor;
    // Maps only: the key whose value comes next, and keys seen so far (for duplicates).
    std::optional<std::string> key;
    SourceLocation pending_key_where;
    std::unordered_map<std::string, SourceLocation> seen;
  };

  // Where the next value goes.
  struct Slot {
    SourceLocation where;
    SourceLocation key_where;
    std::string path;
  };

  SourceLocation location(const YAML::Mark& mark) const {
    if (fixed_) return *fixed_;
    return SourceLocation{file_, mark.line < 0 ? 0 : mark.line + 1,
                          mark.column < 0 ? 0 : mark.column + 1};
  }

  Frame& top() { return stack_.back(); }

  bool expecting_key() const {
    return !stack_.empty() && stack_.back().node.is_map() && !stack_.back().key;
  }

  void take_key(const std::string& key, const YAML::Mark& mark) {
    Frame& frame = top();
    SourceLocation where = location(mark);
    if (key == "<<") {
      throw InputError(where, frame.node.path(),
                       "YAML merge keys ('<<') are not supported; use 'extends' or repeat the "
                       "values");
    }
    auto [it, inserted] = frame.seen.emplace(key, where);
    if (!inserted) {
      std::string message = "duplicate key " + quoted_excerpt(key);
      if (it->second.line > 0) {
        message += " (first defined at line " + std::to_string(it->second.line) + ")";
      }
      throw InputError(where, frame.node.path(), message);
    }
    frame.key = key;
    frame.pending_key_where = where;
  }

  Slot next_slot(const YAML::Mark& mark) {
    SourceLocation where = location(mark);
    if (stack_.empty()) return Slot{where, where, root_path_};
    Frame& frame = top();
    if (frame.node.is_sequence()) {
      return Slot{where, where, join_index(frame.node.path(), frame.node.items().size())};
    }
    return Slot{where, frame.pending_key_where, join_key(frame.node.path(), *frame.key)};
  }

  void add_value(ConfigNode node, const Slot& slot, YAML::anchor_t anchor) {
    ConfigNodeAccess::set_where(node, slot.where, slot.key_where);
    if (anchor != YAML::NullAnchor) anchors_[anchor] = {node, 1};
    ++nodes_;
    attach(std::move(node));
  }

  void attach(ConfigNode node) {
    if (stack_.empty()) {
      root_ = std::move(node);
      return;
    }
    Frame& frame = top();
    if (frame.node.is_sequence()) {
      frame.node.append(std::move(node));
    } else {
      // Duplicates were rejected in take_key(), so append without set()'s lookup.
      ConfigNodeAccess::append_entry(frame.node, std::move(*frame.key), std::move(node));
      frame.key.reset();
    }
  }

  void start_container(ConfigNode (*make)(SourceLocation, std::string), const YAML::Mark& mark,
                       YAML::anchor_t anchor) {
    if (expecting_key()) {
      throw InputError(location(mark), top().node.path(),
                       "map keys must be plain values, not maps or sequences");
    }
    Slot slot = next_slot(mark);
    Frame frame;
    frame.node = make(slot.where, slot.path);
    ConfigNodeAccess::set_where(frame.node, slot.where, slot.key_where);
    frame.anchor = anchor;
    stack_.push_back(std::move(frame));
  }

  void end_container() {
    Frame frame = std::move(stack_.back());
    stack_.pop_back();
    ++nodes_;
    if (frame.anchor != YAML::NullAnchor) {
      anchors_[frame.anchor] = {frame.node, ConfigNodeAccess::size(frame.node)};
    }
    attach(std::move(frame.node));
  }

  std::string file_;
  std::string root_path_;
  std::optional<SourceLocation> fixed_;
  std::vector<Frame> stack_;
  std::optional<ConfigNode> root_;
  std::unordered_map<YAML::anchor_t, std::pair<ConfigNode, std::size_t>> anchors_;
  std::size_t nodes_ = 0;
  int documents_ = 0;
};

ConfigNode parse_yaml(std::string_view text, const std::string& file, std::string root_path,
                      std::optional<SourceLocation> fixed) {
  std::istringstream stream{std::string(text)};
  TreeBuilder builder(file, root_path, fixed);
  try {
    YAML::Parser parser(stream);
    while (parser.HandleNextDocument(builder)) {
    }
  } catch (const YAML::Exception& e) {
    SourceLocation where = fixed ? *fixed : SourceLocation{file, 0, 0};
    if (!fixed && !e.mark.is_null()) {
      where.line = e.mark.line + 1;
      where.column = e.mark.column + 1;
    }
    throw InputError(where, fixed ? root_path : "", "invalid YAML: " + e.msg);
  }
  return builder.take_root();
}

// ---------------------------------------------------------------------------------------------
// Files and `extends`.

// Reads a whole file; on failure returns nullopt and sets `error` to the system's reason.
std::optional<std::string> read_file(const std::string& path, std::string& error) {
  if (auto why = why_not_input_file(path, kMaxScenarioBytes, "scenario files")) {
    error = std::move(*why);
    return std::nullopt;
  }
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(path.c_str(), "rb"),
                                                       &std::fclose);
  if (!file) {
    error = std::generic_category().message(errno);
    return std::nullopt;
  }
  std::string content;
  char buffer[1 << 16];
  std::size_t n = 0;
  while ((n = std::fread(buffer, 1, sizeof buffer, file.get())) > 0) {
    content.append(buffer, n);
    if (content.size() > kMaxScenarioBytes) {  // it grew since it was checked
      error = "over the " + human_bytes(kMaxScenarioBytes) + " limit for scenario files";
      return std::nullopt;
    }
  }
  if (std::ferror(file.get())) {
    error = std::generic_category().message(errno);  // e.g. "Is a directory"
    return std::nullopt;
  }
  return content;
}

// Identity used for cycle detection: resolves "./", "..", and symlinks where possible.
std::string file_identity(const std::string& path) {
  std::error_code ec;
  fs::path canonical = fs::weakly_canonical(fs::path(path), ec);
  if (ec) return fs::absolute(fs::path(path), ec).lexically_normal().string();
  return canonical.string();
}

class ExtendsLoader {
 public:
  // `via` is the `extends` entry that asked for this file (nullptr for the top-level file).
  ConfigNode load(const std::string& path, const ConfigNode* via) {
    std::string identity = file_identity(path);
    for (std::size_t i = 0; i < chain_.size(); ++i) {
      if (chain_[i].identity != identity) continue;
      std::string cycle;
      for (std::size_t j = i; j < chain_.size(); ++j) cycle += chain_[j].display + " -> ";
      throw InputError(via->where(), via->path(), "extends cycle: " + cycle + path);
    }

    std::string error;
    std::optional<std::string> text = read_file(path, error);
    if (!text) {
      if (via == nullptr) throw InputError(SourceLocation{path}, "", "cannot open file: " + error);
      throw InputError(via->where(), via->path(),
                       "cannot open file '" + path + "' named by extends: " + error);
    }
    ConfigNode root = parse_yaml(*text, path, "", std::nullopt);
    const ConfigNode* extends = root.is_map() ? root.find("extends") : nullptr;
    if (extends == nullptr) return root;

    std::vector<ConfigNode> bases;
    if (extends->is_scalar()) {
      bases.push_back(*extends);
    } else if (extends->is_sequence()) {
      bases = extends->items();
    } else {
      throw extends->error("expected a file path or a list of file paths, got " +
                           extends->describe());
    }
    root.erase("extends");

    chain_.push_back({identity, path});
    ConfigNode merged = ConfigNode::map(root.where(), "");
    for (const ConfigNode& base : bases) {
      if (!base.is_scalar() || base.scalar().empty()) {
        throw base.error("expected a file path, got " + base.describe());
      }
      std::string base_path =
          (fs::path(path).parent_path() / fs::path(base.scalar())).lexically_normal().string();
      ConfigNode loaded = load(base_path, &base);
      if (loaded.is_null()) continue;  // an empty file contributes nothing
      if (!loaded.is_map()) {
        throw InputError(loaded.where(), "",
                         "a file used by extends must contain a map, got " + loaded.describe());
      }
      ConfigNodeAccess::merge(merged, std::move(loaded));
    }
    chain_.pop_back();
    ConfigNodeAccess::merge(merged, std::move(root));
    return merged;
  }

 private:
  struct ChainEntry {
    std::string identity;
    std::string display;
  };
  std::vector<ChainEntry> chain_;
};

// ---------------------------------------------------------------------------------------------
// Dotted paths: "a.b[2].c".

struct PathStep {
  std::string key;                   // empty for an index step
  std::optional<std::size_t> index;  // set for an index step
};

// Returns the steps, or nullopt with `error` set.
std::optional<std::vector<PathStep>> parse_path(std::string_view path, std::string& error) {
  std::vector<PathStep> steps;
  if (path.empty()) return steps;
  std::size_t start = 0;
  while (true) {
    std::size_t dot = path.find('.', start);
    std::string_view part = path.substr(start, dot == std::string_view::npos ? dot : dot - start);
    std::size_t bracket = part.find('[');
    std::string_view name = part.substr(0, bracket);
    if (name.empty()) {
      error = "empty path component in '" + std::string(path) + "'";
      return std::nullopt;
    }
    steps.push_back({std::string(name), std::nullopt});
    while (bracket != std::string_view::npos) {
      std::size_t close = part.find(']', bracket);
      std::size_t index = 0;
      const char* first = part.data() + bracket + 1;
      const char* last = close == std::string_view::npos ? first : part.data() + close;
      auto [ptr, ec] = std::from_chars(first, last, index);
      if (close == std::string_view::npos || ec != std::errc() || ptr != last) {
        error = "bad sequence index in '" + std::string(path) + "'";
        return std::nullopt;
      }
      steps.push_back({"", index});
      bracket = close + 1 == part.size() ? std::string_view::npos : close + 1;
      if (bracket != std::string_view::npos && part[bracket] != '[') {
        error = "unexpected text after ']' in '" + std::string(path) + "'";
        return std::nullopt;
      }
    }
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return steps;
}

const ConfigNode* find_steps(const ConfigNode& root, const std::vector<PathStep>& steps) {
  const ConfigNode* node = &root;
  for (const PathStep& step : steps) {
    if (step.index) {
      if (*step.index >= node->items().size()) return nullptr;
      node = &node->items()[*step.index];
    } else {
      node = node->find(step.key);
      if (node == nullptr) return nullptr;
    }
  }
  return node;
}

const char* kind_name(ConfigNode::Kind kind) {
  switch (kind) {
    case ConfigNode::Kind::Null:
      return "null";
    case ConfigNode::Kind::Scalar:
      return "a scalar";
    case ConfigNode::Kind::Map:
      return "a map";
    case ConfigNode::Kind::Sequence:
      return "a sequence";
  }
  return "?";
}

void emit(YAML::Emitter& out, const ConfigNode& node) {
  switch (node.kind()) {
    case ConfigNode::Kind::Null:
      out << YAML::Null;
      break;
    case ConfigNode::Kind::Scalar:
      // The emitter quotes texts that would read back differently (e.g. a quoted "~").
      out << node.scalar();
      break;
    case ConfigNode::Kind::Map:
      out << YAML::BeginMap;
      for (const auto& [key, value] : node.entries()) {
        out << YAML::Key << key << YAML::Value;
        emit(out, value);
      }
      out << YAML::EndMap;
      break;
    case ConfigNode::Kind::Sequence:
      out << YAML::BeginSeq;
      for (const ConfigNode& item : node.items()) emit(out, item);
      out << YAML::EndSeq;
      break;
  }
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// ConfigNode

ConfigNode ConfigNode::null(SourceLocation where, std::string path) {
  ConfigNode node;
  node.key_where_ = where;
  node.where_ = std::move(where);
  node.path_ = std::move(path);
  return node;
}

ConfigNode ConfigNode::scalar(std::string text, SourceLocation where, std::string path) {
  ConfigNode node = null(std::move(where), std::move(path));
  node.kind_ = Kind::Scalar;
  node.text_ = std::move(text);
  return node;
}

ConfigNode ConfigNode::map(SourceLocation where, std::string path) {
  ConfigNode node = null(std::move(where), std::move(path));
  node.kind_ = Kind::Map;
  return node;
}

ConfigNode ConfigNode::sequence(SourceLocation where, std::string path) {
  ConfigNode node = null(std::move(where), std::move(path));
  node.kind_ = Kind::Sequence;
  return node;
}

const std::string& ConfigNode::scalar() const {
  if (!is_scalar()) throw error(std::string("expected a scalar value, got ") + describe());
  return text_;
}

const ConfigNode* ConfigNode::find(std::string_view key) const {
  for (const auto& [name, value] : entries_) {
    if (name == key) return &value;
  }
  return nullptr;
}

ConfigNode* ConfigNode::find(std::string_view key) {
  return const_cast<ConfigNode*>(std::as_const(*this).find(key));
}

double ConfigNode::as_double() const {
  std::optional<double> value = is_scalar() ? parse_real(text_) : std::nullopt;
  if (!value) throw error("expected a real number, got " + describe());
  return *value;
}

std::int64_t ConfigNode::as_int() const {
  std::optional<std::int64_t> value = is_scalar() ? parse_int(text_) : std::nullopt;
  if (!value) throw error("expected an integer, got " + describe());
  return *value;
}

bool ConfigNode::as_bool() const {
  if (is_scalar()) {
    if (text_ == "true" || text_ == "True" || text_ == "TRUE") return true;
    if (text_ == "false" || text_ == "False" || text_ == "FALSE") return false;
  }
  throw error("expected true or false, got " + describe());
}

std::string ConfigNode::as_string() const {
  if (!is_scalar()) throw error("expected a string, got " + describe());
  return text_;
}

double ConfigNode::as_hours() const {
  std::optional<double> hours = is_scalar() ? parse_hours(text_) : std::nullopt;
  if (hours) return *hours;
  std::string message =
      "expected a duration with a unit (s, min, h, d, w), e.g. '30min', got " + describe();
  double number = 0;
  if (is_scalar() && duration_unit(text_, number) == "m") {
    message += "; 'm' is ambiguous (minutes or months?), write 'min' for minutes";
  }
  throw error(message);
}

InputError ConfigNode::error(std::string message) const {
  return InputError(where_, path_, std::move(message));
}

std::string ConfigNode::describe() const {
  return is_scalar() ? quoted_excerpt(text_) : kind_name(kind_);
}

ConfigNode& ConfigNode::set(std::string key, ConfigNode value) {
  if (is_null()) kind_ = Kind::Map;
  if (!is_map()) throw std::logic_error("ConfigNode::set on " + std::string(kind_name(kind_)));
  if (ConfigNode* existing = find(key)) {
    *existing = std::move(value);
    return *existing;
  }
  return entries_.emplace_back(std::move(key), std::move(value)).second;
}

ConfigNode& ConfigNode::append(ConfigNode item) {
  if (is_null()) kind_ = Kind::Sequence;
  if (!is_sequence()) {
    throw std::logic_error("ConfigNode::append on " + std::string(kind_name(kind_)));
  }
  return items_.emplace_back(std::move(item));
}

bool ConfigNode::erase(std::string_view key) {
  for (auto it = entries_.begin(); it != entries_.end(); ++it) {
    if (it->first == key) {
      entries_.erase(it);
      return true;
    }
  }
  return false;
}

// ---------------------------------------------------------------------------------------------

std::optional<double> parse_hours(std::string_view text) {
  double number = 0;
  std::optional<std::string_view> unit = duration_unit(text, number);
  if (!unit) return std::nullopt;
  if (unit->empty()) {
    // A bare "0" is unambiguous; "5 " (space but no unit) is not.
    if (number == 0 && text.back() != ' ') return 0.0;
    return std::nullopt;
  }
  for (const DurationUnit& candidate : kDurationUnits) {
    if (candidate.name != *unit) continue;
    double hours = number * candidate.hours;
    if (!std::isfinite(hours)) return std::nullopt;
    return hours;
  }
  return std::nullopt;
}

// ---------------------------------------------------------------------------------------------
// MapReader

MapReader::MapReader(const ConfigNode& node) : node_(&node) {
  if (!node.is_map()) throw node.error("expected a map, got " + node.describe());
}

void MapReader::note(std::string_view key) {
  for (const std::string& asked : asked_) {
    if (asked == key) return;
  }
  asked_.emplace_back(key);
}

const ConfigNode& MapReader::required(std::string_view key) {
  note(key);
  const ConfigNode* value = node_->find(key);
  if (value == nullptr) throw node_->error("missing required key '" + std::string(key) + "'");
  return *value;
}

const ConfigNode* MapReader::optional(std::string_view key) {
  note(key);
  return node_->find(key);
}

void MapReader::finish() const {
  for (const auto& [key, value] : node_->entries()) {
    bool known = false;
    for (const std::string& asked : asked_) known = known || asked == key;
    if (known) continue;
    std::string message = "unknown key " + quoted_excerpt(key);
    if (!asked_.empty()) {
      message += "; expected one of: ";
      for (std::size_t i = 0; i < asked_.size(); ++i) {
        message += (i == 0 ? "" : ", ") + asked_[i];
      }
    }
    throw InputError(value.key_where(), node_->path(), message);
  }
}

// ---------------------------------------------------------------------------------------------

ConfigNode load_config_file(const std::string& path) {
  std::string display = fs::path(path).lexically_normal().string();
  if (display.empty()) display = path;
  ExtendsLoader loader;
  return loader.load(display, nullptr);
}

ConfigNode parse_config(std::string_view text, const std::string& file) {
  return parse_yaml(text, file, "", std::nullopt);
}

void apply_override(ConfigNode& root, std::string_view assignment) {
  const SourceLocation where{"--set " + std::string(assignment)};
  const std::size_t equals = assignment.find('=');
  if (equals == std::string_view::npos) {
    throw InputError(where, "", "expected key.path=value");
  }
  std::string_view key = assignment.substr(0, equals);
  while (!key.empty() && key.front() == ' ') key.remove_prefix(1);
  while (!key.empty() && key.back() == ' ') key.remove_suffix(1);
  if (key.empty()) throw InputError(where, "", "empty key before '='");
  std::string error;
  std::optional<std::vector<PathStep>> steps = parse_path(key, error);
  if (!steps) throw InputError(where, "", error);

  const std::string full_path(key);
  ConfigNode value = parse_yaml(assignment.substr(equals + 1), where.file, full_path, where);

  // Walk to the parent of the last step, creating maps for missing keys.
  ConfigNode* node = &root;
  std::string path;
  auto fail = [&](const std::string& what) -> InputError {
    return InputError(where, "", "cannot set '" + full_path + "': " + what);
  };
  for (std::size_t i = 0; i < steps->size(); ++i) {
    const PathStep& step = (*steps)[i];
    const bool last = i + 1 == steps->size();
    const std::string shown = path.empty() ? "the document root" : "'" + path + "'";
    if (step.index) {
      if (!node->is_sequence()) throw fail(shown + " is not a sequence");
      if (*step.index >= node->items().size()) {
        throw fail(shown + " has only " + std::to_string(node->items().size()) + " items");
      }
      path = join_index(path, *step.index);
      ConfigNode& item = ConfigNodeAccess::item(*node, *step.index);
      if (last) {
        item = std::move(value);
        return;
      }
      node = &item;
      continue;
    }
    if (!node->is_map() && !node->is_null()) throw fail(shown + " is " + kind_name(node->kind()));
    path = join_key(path, step.key);
    if (last) {
      node->set(step.key, std::move(value));
      return;
    }
    ConfigNode* child = node->find(step.key);
    if (child == nullptr) {
      // Created maps can only fail later on an index step; check first so that a failed
      // override leaves the tree untouched.
      for (std::size_t j = i + 1; j < steps->size(); ++j) {
        if ((*steps)[j].index) throw fail("'" + path + "' does not exist");
      }
      child = &node->set(step.key, ConfigNode::map(where, path));
    }
    node = child;
  }
}

ConfigNode* find_path(ConfigNode& root, std::string_view dotted_path) {
  // The tree is ours to modify, so casting away the const added for the lookup is safe.
  return const_cast<ConfigNode*>(find_path(std::as_const(root), dotted_path));
}

const ConfigNode* find_path(const ConfigNode& root, std::string_view dotted_path) {
  std::string error;
  std::optional<std::vector<PathStep>> steps = parse_path(dotted_path, error);
  return steps ? find_steps(root, *steps) : nullptr;
}

std::string to_yaml(const ConfigNode& root) {
  YAML::Emitter out;
  out.SetOutputCharset(YAML::EmitNonAscii);  // keep UTF-8 readable instead of \u escapes
  emit(out, root);
  if (!out.good()) throw std::runtime_error("cannot serialise config: " + out.GetLastError());
  return std::string(out.c_str()) + "\n";
}

}  // namespace goodsim::sim
