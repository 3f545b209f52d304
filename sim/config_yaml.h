#pragma once
// YAML text -> ConfigNode tree with exact locations; the only place that reads YAML text.

#include <optional>
#include <string>
#include <string_view>

#include "sim/config.h"

namespace goodsim::sim::detail {

// Parses one YAML document. Every node's path starts at `root_path`; `fixed`, when given,
// replaces every location (--set values, whose lines mean nothing to the user).
ConfigNode parse_yaml(std::string_view text, const std::string& file, std::string root_path,
                      std::optional<SourceLocation> fixed);

}  // namespace goodsim::sim::detail
