#pragma once
// recommend's candidates: --vary KEY=VALUES read, checked against the scenario, and applied to it.

#include <string>
#include <vector>

#include "models/scenario.h"
#include "models/scenario_loader.h"
#include "sim/config.h"

namespace goodsim::cli::recommend {

inline constexpr const char* kCommand = "recommend";

enum class ValueKind { kInteger, kNumber, kDuration };

struct Candidate {
  std::string text;  // as written to the scenario and shown
  double value = 0.0;
};

struct Vary {
  std::string key;
  ValueKind kind = ValueKind::kInteger;
  std::vector<Candidate> candidates;
};

// "cluster.spares=0..64:8", "cluster.spares=8,12,16", "checkpoint.interval=10min..1h:10min": the
// key and at least two different candidates (at most 1000); a usage error otherwise.
Vary parse_vary(const std::string& arg);

// The varied key must be a number or a duration the scenario sets; each candidate replaces it,
// located at "--vary KEY=VALUE" so that a rejected value is reported as coming from --vary.
void check_varied_key(const sim::ConfigNode& root, const Vary& v);

// The scenario with candidate `c` in place of the varied key.
models::Scenario candidate_scenario(const sim::ConfigNode& root, const Vary& v, const Candidate& c,
                                    const std::string& scenario_path, models::TraceCache& traces);

}  // namespace goodsim::cli::recommend
