#include "models/cost.h"

#include <stdexcept>

namespace goodsim::models {

double spare_hour_usd(const Scenario& s) {
  if (!priced(s)) throw std::logic_error("spare_hour_usd: the scenario has no prices");
  return s.cost.spare_hour_usd.value_or(*s.cost.node_hour_usd);
}

CostBreakdown replication_cost(const Scenario& s, const ReplicationResult& r) {
  if (!priced(s)) throw std::logic_error("replication_cost: the scenario has no prices");
  CostBreakdown c;
  c.slots_usd = *s.cost.node_hour_usd * static_cast<double>(s.cluster.nodes) * r.wall_h;
  c.spares_usd = spare_hour_usd(s) * static_cast<double>(s.held_spares()) * r.wall_h;
  c.repairs_usd = s.cost.repair_usd * static_cast<double>(r.repairs);
  return c;
}

double productive_gpu_hours(const Scenario& s) {
  return s.job.work_h * static_cast<double>(s.gpus());
}

double usd_per_productive_gpu_hour(const Scenario& s, const ReplicationResult& r) {
  return replication_cost_usd(s, r) / productive_gpu_hours(s);
}

}  // namespace goodsim::models
