#pragma once
// One Monte Carlo replication: the job under failures, repairs and its recovery strategy.
// The semantics are those of docs/model.md; state names match it.

#include <cstdint>

#include "models/config_values.h"
#include "models/replication_result.h"
#include "models/scenario.h"

namespace goodsim::models {

struct ReplicationOptions {
  bool record_recoveries = false;  // fill ReplicationResult::recovery_h
  // Kernel events after which the replication stops as did-not-finish (a safety net behind
  // the up-front estimate of models/scenario_loader.cpp; lower in tests).
  std::uint64_t max_events = config::kMaxEventsPerReplication;
};

// Runs replication `index` of a run seeded with `seed`. A pure function of its arguments:
// the random streams are derived from (seed, index), never shared.
ReplicationResult simulate_replication(const Scenario& scenario, std::uint64_t seed,
                                       std::uint64_t index, ReplicationOptions options = {});

}  // namespace goodsim::models
