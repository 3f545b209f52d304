#pragma once
// recommend's candidates: --vary KEY=VALUES read, checked against the scenario, and applied to it.

#include <string>
#include <vector>

#include "models/scenario.h"
#include "models/scenario_loader.h"
#include "sim/config.h"

namespace goodsim::cli::recommend {

inline constexpr const char* kCommand = "recommend";

// kText: names, such as the strategies of recovery.strategy (a list only, no range).
enum class ValueKind { kInteger, kNumber, kDuration, kText };

struct Candidate {
  std::string text;    // as written to the scenario and shown
  double value = 0.0;  // its number (hours for durations); 0 for names
};

struct Vary {
  std::string key;
  ValueKind kind = ValueKind::kInteger;
  std::vector<Candidate> candidates;
};

// "cluster.spares=0..64:8", "cluster.spares=8,12,16", "checkpoint.interval=10min..1h:10min",
// "recovery.strategy=hot_spare,checkpointless": the key and at least two different candidates
// (at most 1000); a usage error otherwise.
Vary parse_vary(const std::string& arg);

// The varied key must be a value the scenario sets: a number or a duration (then every
// candidate must be one too), or a name such as recovery.strategy. Each candidate replaces it,
// located at "--vary KEY=VALUE" so that a rejected value is reported as coming from --vary.
void check_varied_key(const sim::ConfigNode& root, const Vary& v);

// The scenario with candidate `c` in place of the varied key.
models::Scenario candidate_scenario(const sim::ConfigNode& root, const Vary& v, const Candidate& c,
                                    const std::string& scenario_path, models::TraceCache& traces);

}  // namespace goodsim::cli::recommend
