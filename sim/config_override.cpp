// --set key.path=value: a command-line override applied to a loaded scenario tree.

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "sim/config.h"
#include "sim/config_access.h"
#include "sim/config_path.h"
#include "sim/config_yaml.h"

namespace goodsim::sim {

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
  std::optional<std::vector<detail::PathStep>> steps = detail::parse_path(key, error);
  if (!steps) throw InputError(where, "", error);

  const std::string full_path(key);
  ConfigNode value =
      detail::parse_yaml(assignment.substr(equals + 1), where.file, full_path, where);

  // Walk to the parent of the last step, creating maps for missing keys.
  ConfigNode* node = &root;
  std::string path;
  auto fail = [&](const std::string& what) -> InputError {
    return InputError(where, "", "cannot set '" + full_path + "': " + what);
  };
  for (std::size_t i = 0; i < steps->size(); ++i) {
    const detail::PathStep& step = (*steps)[i];
    const bool last = i + 1 == steps->size();
    const std::string shown = path.empty() ? "the document root" : "'" + path + "'";
    if (step.index) {
      if (!node->is_sequence()) throw fail(shown + " is not a sequence");
      if (*step.index >= node->items().size()) {
        throw fail(shown + " has only " + std::to_string(node->items().size()) + " items");
      }
      path = detail::join_index(path, *step.index);
      ConfigNode& item = ConfigNodeAccess::item(*node, *step.index);
      if (last) {
        item = std::move(value);
        return;
      }
      node = &item;
      continue;
    }
    if (!node->is_map() && !node->is_null())
      throw fail(shown + " is " + detail::kind_name(node->kind()));
    path = detail::join_key(path, step.key);
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

}  // namespace goodsim::sim
