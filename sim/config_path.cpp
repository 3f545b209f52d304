// Dotted key paths, parsed once here for find_path(), --set and recommend's --vary.

#include "sim/config_path.h"

#include <charconv>
#include <system_error>
#include <utility>

namespace goodsim::sim {

namespace detail {

std::string join_key(const std::string& parent, std::string_view key) {
  return parent.empty() ? std::string(key) : parent + "." + std::string(key);
}

std::string join_index(const std::string& parent, std::size_t index) {
  return parent + "[" + std::to_string(index) + "]";
}

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

}  // namespace detail

ConfigNode* find_path(ConfigNode& root, std::string_view dotted_path) {
  // The tree is ours to modify, so casting away the const added for the lookup is safe.
  return const_cast<ConfigNode*>(find_path(std::as_const(root), dotted_path));
}

const ConfigNode* find_path(const ConfigNode& root, std::string_view dotted_path) {
  std::string error;
  std::optional<std::vector<detail::PathStep>> steps = detail::parse_path(dotted_path, error);
  return steps ? detail::find_steps(root, *steps) : nullptr;
}

}  // namespace goodsim::sim
