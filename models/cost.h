#pragma once
// What a replication costs (docs/cost-and-spares.md). Job slots and hot spares are paid for the
// whole wall time, slots at cost.node_hour_usd and spares at cost.spare_hour_usd (default: the
// node price); each node sent to repair adds cost.repair_usd.

#include "models/replication_result.h"
#include "models/scenario.h"

namespace goodsim::models {

struct CostBreakdown {
  double slots_usd = 0.0;    // node_hour_usd x nodes x wall
  double spares_usd = 0.0;   // spare_hour_usd x spares x wall
  double repairs_usd = 0.0;  // repair_usd x repairs
  double total() const { return slots_usd + spares_usd + repairs_usd; }
};

// True when the scenario has prices (cost.node_hour_usd); the functions below need them.
inline bool priced(const Scenario& s) {
  return s.cost.node_hour_usd.has_value();
}

// The price of one spare node-hour: cost.spare_hour_usd, else cost.node_hour_usd.
double spare_hour_usd(const Scenario& s);

// One replication's cost, part by part. Throws std::logic_error if the scenario has no prices.
CostBreakdown replication_cost(const Scenario& s, const ReplicationResult& r);
inline double replication_cost_usd(const Scenario& s, const ReplicationResult& r) {
  return replication_cost(s, r).total();
}

// GPU-hours of training progress: work x nodes x gpus_per_node (the same in every replication).
double productive_gpu_hours(const Scenario& s);

// Cost of one replication per productive GPU-hour.
double usd_per_productive_gpu_hour(const Scenario& s, const ReplicationResult& r);

}  // namespace goodsim::models
