#pragma once
// One Monte Carlo replication of model v1 (hot spares, blocking checkpoints, exponential
// failures and repairs). The semantics are those of docs/model.md; state names match it.

#include <cstdint>

#include "models/replication_result.h"
#include "models/scenario.h"

namespace goodsim::models {

// Runs replication `index` of a run seeded with `seed`. A pure function of its arguments:
// the random streams are derived from (seed, index), never shared.
ReplicationResult simulate_replication(const Scenario& scenario, std::uint64_t seed,
                                       std::uint64_t index);

}  // namespace goodsim::models
