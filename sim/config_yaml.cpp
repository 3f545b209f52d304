// yaml-cpp <-> ConfigNode: reading YAML events into located nodes, and writing a tree back out.

#include "sim/config_yaml.h"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <sstream>
#include <stdexcept>
#include <unordered_map>
#include <utility>
#include <vector>

#include "sim/config_access.h"
#include "sim/config_path.h"

namespace goodsim::sim {

namespace {

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
      return Slot{where, where, detail::join_index(frame.node.path(), frame.node.items().size())};
    }
    return Slot{where, frame.pending_key_where, detail::join_key(frame.node.path(), *frame.key)};
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

namespace detail {

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

}  // namespace detail

ConfigNode parse_config(std::string_view text, const std::string& file) {
  return detail::parse_yaml(text, file, "", std::nullopt);
}

std::string to_yaml(const ConfigNode& root) {
  YAML::Emitter out;
  out.SetOutputCharset(YAML::EmitNonAscii);  // keep UTF-8 readable instead of \u escapes
  emit(out, root);
  if (!out.good()) throw std::runtime_error("cannot serialise config: " + out.GetLastError());
  return std::string(out.c_str()) + "\n";
}

}  // namespace goodsim::sim
