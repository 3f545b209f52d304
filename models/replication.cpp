#include "models/replication.h"

#include "models/engine/failure_path_inl.h"
#include "models/engine/recovery_plan_inl.h"
#include "models/engine/replication_engine.h"
#include "models/recovery/strategy.h"

namespace goodsim::models {

namespace {
// Whether a scenario needs the engine's full instantiation (see the class comment of
// models/engine/replication_engine.h).
bool full_features(const Scenario& s) {
  return !find_strategy(s.recovery.strategy).plain || s.checkpoint.memory ||
         (s.cluster.domain_size > 0 && has_node_clocks(s.cluster.failure)) ||
         s.cluster.maintenance.every_h > 0.0 || s.cluster.sdc || s.cluster.pool_failures ||
         s.cluster.slow || s.cluster.failure.model == "trace";
}
}  // namespace

ReplicationResult simulate_replication(const Scenario& scenario, std::uint64_t seed,
                                       std::uint64_t index, ReplicationOptions options) {
  if (full_features(scenario)) {
    return engine::Replication<true>(scenario, seed, index, options).run();
  }
  return engine::Replication<false>(scenario, seed, index, options).run();
}

}  // namespace goodsim::models
