// Elastic recovery's parameters: the job runs on its surviving data-parallel groups while the
// spare pool is short, and regrows when spares come back.

#include "models/config_values.h"
#include "models/recovery/strategy.h"

namespace goodsim::models {

ElasticSpec read_elastic(const sim::ConfigNode& node, const ClusterSpec& cluster) {
  sim::MapReader r(node);
  ElasticSpec e;
  const sim::ConfigNode& g = r.required("dp_group_nodes");
  e.dp_group_nodes = config::int_at_least(g, 1);
  if (e.dp_group_nodes > cluster.nodes) {
    throw g.error("expected at most cluster.nodes (" + std::to_string(cluster.nodes) +
                  ") nodes per group, got " + g.describe());
  }
  e.reconfigure_h = config::optional_hours(r, "reconfigure", 0.0);
  r.finish();
  return e;
}

}  // namespace goodsim::models
