#pragma once
// The edge where YAML becomes a validated Scenario. Every rejection is a sim::InputError that
// names the file, line, column and key and says what was expected.

#include <span>
#include <string>
#include <string_view>

#include "models/failure/trace_cache.h"
#include "models/scenario.h"
#include "sim/config.h"

namespace goodsim::models {

// Loads `path` (following `extends:`), applies `--set` overrides in order, validates.
Scenario load_scenario(const std::string& path, std::span<const std::string> overrides = {});

// Validates an already-loaded document.
Scenario scenario_from_config(const sim::ConfigNode& root, const std::string& source_file);
// The same, reading trace files through `traces`: scenarios validated with one cache share
// each trace instead of holding a copy each (the points of a sweep).
Scenario scenario_from_config(const sim::ConfigNode& root, const std::string& source_file,
                              TraceCache& traces);

// Parses and validates scenario text (no `extends:`); errors name `source_file`.
inline Scenario scenario_from_yaml(std::string_view text, const std::string& source_file) {
  return scenario_from_config(sim::parse_config(text, source_file), source_file);
}

}  // namespace goodsim::models
