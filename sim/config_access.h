#pragma once
// The one door through which the loader's files (YAML, extends, --set) reach into ConfigNode.

#include <cstddef>
#include <string>
#include <utility>

#include "sim/config.h"

namespace goodsim::sim {

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

namespace detail {

// "null", "a scalar", "a map", "a sequence": a node's kind in error messages.
const char* kind_name(ConfigNode::Kind kind);

}  // namespace detail

}  // namespace goodsim::sim
