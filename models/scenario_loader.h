#pragma once
// The edge where YAML becomes a validated Scenario. Every rejection is a sim::InputError that
// names the file, line, column and key and says what was expected.

#include <span>
#include <string>

#include "models/scenario.h"
#include "sim/config.h"

namespace goodsim::models {

// Loads `path` (following `extends:`), applies `--set` overrides in order, validates.
Scenario load_scenario(const std::string& path, std::span<const std::string> overrides = {});

// Validates an already-loaded document.
Scenario scenario_from_config(const sim::ConfigNode& root, const std::string& source_file);

}  // namespace goodsim::models
