#pragma once
// Scenario configuration: YAML loaded into a tree in which every node remembers where it came
// from (file, line, column) and its dotted key path, so that validation errors can point the user
// at the exact place to fix.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sim/error.h"

namespace goodsim::sim {

struct ConfigNodeAccess;  // Loader internals (sim/config_access.h).

class ConfigNode {
 public:
  enum class Kind { Null, Scalar, Map, Sequence };
  using Entry = std::pair<std::string, ConfigNode>;

  ConfigNode() = default;  // Null, no location, root path.

  static ConfigNode null(SourceLocation where, std::string path);
  static ConfigNode scalar(std::string text, SourceLocation where, std::string path);
  static ConfigNode map(SourceLocation where, std::string path);
  static ConfigNode sequence(SourceLocation where, std::string path);

  Kind kind() const { return kind_; }
  bool is_null() const { return kind_ == Kind::Null; }
  bool is_scalar() const { return kind_ == Kind::Scalar; }
  bool is_map() const { return kind_ == Kind::Map; }
  bool is_sequence() const { return kind_ == Kind::Sequence; }

  // Where the value starts.
  const SourceLocation& where() const { return where_; }
  // Where the map key naming this node starts (same as where() for roots and sequence items);
  // "unknown key" and "duplicate key" errors point here.
  const SourceLocation& key_where() const { return key_where_; }
  // "cluster.failure.node_mtbf", "sweep.cluster.spares[2]"; "" for the root.
  const std::string& path() const { return path_; }

  // Raw scalar text. Throws InputError unless is_scalar(). Quoted YAML scalars are scalars too
  // (so "~" in quotes is text, while a plain ~ / null / empty value is Null).
  const std::string& scalar() const;

  const ConfigNode* find(std::string_view key) const;  // nullptr if absent or not a map
  ConfigNode* find(std::string_view key);
  const std::vector<Entry>& entries() const { return entries_; }   // file order; empty unless map
  const std::vector<ConfigNode>& items() const { return items_; }  // empty unless sequence

  // Typed reads; each throws InputError(where(), path(), "expected <what>, got '<text>'").
  double as_double() const;     // finite real number
  std::int64_t as_int() const;  // "8", "-3", "1e3"; not "8.5" or "8x"
  bool as_bool() const;         // true/false (also True/TRUE/False/FALSE)
  std::string as_string() const;
  double as_hours() const;  // duration with a unit, see parse_hours()

  // For validators: InputError at this node, e.g.
  //   throw node.error("expected an integer >= 0, got " + node.describe());
  InputError error(std::string message) const;
  // "'text'" for scalars, otherwise "null", "a map", "a sequence".
  std::string describe() const;

  // Mutators. set() turns a Null node into a map, replaces an existing entry in place (keeping
  // its position) or appends; it returns the stored node. Throws std::logic_error on a
  // scalar/sequence. append() likewise turns Null into a sequence.
  ConfigNode& set(std::string key, ConfigNode value);
  ConfigNode& append(ConfigNode item);
  bool erase(std::string_view key);  // false if absent or not a map

 private:
  friend struct ConfigNodeAccess;

  Kind kind_ = Kind::Null;
  std::string text_;
  SourceLocation where_;
  SourceLocation key_where_;
  std::string path_;
  std::vector<Entry> entries_;
  std::vector<ConfigNode> items_;
};

// Duration text -> hours: a real number, optionally one space, then a unit: s/sec, min, h/hr,
// d/day/days, w/week ("90s", "1.5h", "1e3h", "5 min", "-5min"). A unitless zero is accepted.
// Returns nullopt for anything else, including the ambiguous "m" and non-finite results.
std::optional<double> parse_hours(std::string_view text);

// Reads a map and remembers which keys were asked for, so finish() can reject unknown keys.
// Keeps a reference: the node must outlive the reader.
class MapReader {
 public:
  explicit MapReader(const ConfigNode& node);  // throws InputError unless node is a map

  const ConfigNode& required(std::string_view key);  // throws "missing required key 'x'"
  const ConfigNode* optional(std::string_view key);  // nullptr if absent

  // Throws at the first entry never asked for: "unknown key 'foo'; expected one of: a, b, c".
  void finish() const;

  // The map being read, e.g. to report a missing combination of keys at its location.
  const ConfigNode& node() const { return *node_; }

 private:
  void note(std::string_view key);

  const ConfigNode* node_;
  std::vector<std::string> asked_;  // in the order asked, for the error message
};

// Loads a YAML file. A root-level `extends: path` (or a list of paths, resolved relative to the
// extending file) loads those files first and deep-merges this file over them: maps merge key
// by key, everything else replaces. Location file names are lexically normalised paths.
// Throws InputError for unreadable files, YAML syntax errors, duplicate keys, extends cycles.
ConfigNode load_config_file(const std::string& path);

// Parses YAML text (e.g. from a test or a trace header); `file` names it in locations.
ConfigNode parse_config(std::string_view text, const std::string& file);

// Applies a CLI override "cluster.spares=8"; the value is parsed as YAML. Missing intermediate
// maps are created; "name[2]" addresses an existing sequence item. New nodes are located at
// SourceLocation{"--set " + assignment}.
void apply_override(ConfigNode& root, std::string_view assignment);

// The node at "a.b[2].c", or nullptr when absent ("" is the root).
ConfigNode* find_path(ConfigNode& root, std::string_view dotted_path);
const ConfigNode* find_path(const ConfigNode& root, std::string_view dotted_path);

// Block-style YAML of the tree, keys in order; loading it again gives the same scalar texts.
std::string to_yaml(const ConfigNode& root);

}  // namespace goodsim::sim
