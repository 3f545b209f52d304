// Checkpointless recovery's parameters (AWS HyperPod style): model and optimizer state
// replicated over `replicas` groups of nodes; a replacement pulls its shard from a peer.

#include "models/config_values.h"
#include "models/recovery/strategy.h"

namespace goodsim::models {

CheckpointlessSpec read_checkpointless(const sim::ConfigNode& node, const ClusterSpec& cluster) {
  sim::MapReader r(node);
  CheckpointlessSpec c;
  if (const sim::ConfigNode* n = r.optional("replicas")) {
    c.replicas = config::int_at_least(*n, 2);
    if (c.replicas > cluster.nodes) {
      throw n->error("expected at most cluster.nodes (" + std::to_string(cluster.nodes) +
                     ") replicas, got " + n->describe());
    }
  }
  const double gb = config::positive_number(r.required("state_gb"));
  const double gbps = config::positive_number(r.required("p2p_gbps"));
  c.transfer_h = transfer_hours(gb, gbps);
  if (const sim::ConfigNode* p = r.optional("placement")) {
    const std::string v = p->as_string();
    if (v == "spread") {
      c.placement = Placement::kSpread;
    } else if (v == "packed") {
      c.placement = Placement::kPacked;
    } else {
      throw p->error("unknown placement " + p->describe() +
                     "; supported: spread (a shard's holders in different failure domains), "
                     "packed (a shard's holders side by side)");
    }
  }
  r.finish();
  return c;
}

}  // namespace goodsim::models
