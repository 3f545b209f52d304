#pragma once
// Dotted key paths ("cluster.failure.node_mtbf", "sweep.x[2]"): built, parsed and followed.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/config.h"

namespace goodsim::sim::detail {

// "a" + "b" -> "a.b" ("" + "b" -> "b"); "a" + 2 -> "a[2]".
std::string join_key(const std::string& parent, std::string_view key);
std::string join_index(const std::string& parent, std::size_t index);

struct PathStep {
  std::string key;                   // empty for an index step
  std::optional<std::size_t> index;  // set for an index step
};

// Returns the steps, or nullopt with `error` set.
std::optional<std::vector<PathStep>> parse_path(std::string_view path, std::string& error);

// The node the steps lead to from `root`, or nullptr when absent.
const ConfigNode* find_steps(const ConfigNode& root, const std::vector<PathStep>& steps);

}  // namespace goodsim::sim::detail
