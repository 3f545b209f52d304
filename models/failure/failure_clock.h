#pragma once
// Failures of the healthy nodes that hold slots, for one replication.
//
// Each failure model is one file in this folder, registered in registry.cpp. A model turns
// FailureSpec parameters into a FailureClock; the replication asks it for the next failure
// time and tells it when fresh nodes enter slots (their clocks start then: a node from the
// pool or back from repair is as good as new; pool nodes do not age).

#include <cstdint>
#include <memory>
#include <span>
#include <string>

#include "models/scenario.h"
#include "sim/config.h"
#include "sim/random.h"

namespace goodsim::models {

class TraceCache;  // models/failure/trace_cache.h

class FailureClock {
 public:
  virtual ~FailureClock() = default;
  // Time of the next failure event; +inf if none.
  virtual double next_failure() const = 0;
  // Consumes the event at next_failure().
  virtual void take_failure() = 0;
  // True if events are proposals at the full rate nodes / MTBF, to be thinned by the caller:
  // a proposal that lands on an empty slot is void (see models/failure/exponential.cpp).
  virtual bool proposes() const { return false; }
  // Slot the next failure hits, or -1 when the replication picks one (thinning).
  virtual std::int64_t next_slot() const { return -1; }
  // Cause (index into cluster.causes) of the next failure, or -1 to draw one by share.
  virtual int next_cause() const { return -1; }
  // True if next_slot() names slots: the replication then tracks slots one by one.
  virtual bool pins_slots() const { return false; }
  // `count` fresh nodes entered empty slots at time t.
  virtual void nodes_entered(double t, std::int64_t count) = 0;
  // Clocks that name slots (tracks_slots): fresh nodes entered these slots at time t.
  virtual void nodes_entered(double t, std::span<const std::int64_t> slots) {
    nodes_entered(t, static_cast<std::int64_t>(slots.size()));
  }
  // The node in `slot` left it at time t without failing (the rest of its failure domain
  // failed, or it was swapped out): its clock is dropped. Clocks that name slots only.
  virtual void node_left(double /*t*/, std::int64_t /*slot*/) {}
  // Every node left its slot (a requeued job gave its node set back): every clock is dropped.
  virtual void all_left() {}
  // True if nodes_entered is a no-op (memoryless clocks): the replication then skips the
  // bookkeeping that decides when a fill is certain.
  virtual bool ignores_entries() const { return false; }
};

// Builds the replication's clock; `rng` is the replication's failure stream. With
// `member_picks`, a clock with per-node clocks names the slot of each failure (pins_slots()),
// drawing which node of a cohort fails from that stream: the failure times stay those drawn
// without it.
std::unique_ptr<FailureClock> make_failure_clock(const FailureSpec& spec, std::int64_t nodes,
                                                 sim::RandomStream& rng,
                                                 sim::PickStream* member_picks = nullptr);

// True if the model gives each node in a slot a clock of its own (Weibull): a node that
// leaves its slot without failing must then be named, so the replication tracks slots.
bool has_node_clocks(const FailureSpec& spec);

// The failure model replication `replication` runs: `spec` itself, or with an uncertain node
// MTBF, `spec` with the MTBF drawn from its own stream (StreamPurpose::kParameters), so every
// other draw of the replication is the one it makes with a known MTBF.
FailureSpec replication_failure_spec(const FailureSpec& spec, std::uint64_t seed,
                                     std::uint64_t replication);

// Reads `cluster.failure` (model, node_mtbf and the model's own parameters). node_mtbf may be
// a distribution of durations (the keys of cluster.repair): the MTBF is then uncertain.
// A trace file is read through `traces`, so scenarios validated with the same cache share it.
FailureSpec read_failure_spec(const sim::ConfigNode& node, TraceCache& traces);

// Checks a failure trace against the rest of the cluster (its nodes and causes) and derives
// the node MTBF it implies; nothing to do for the other models.
void bind_failure_trace(ClusterSpec& cluster);

}  // namespace goodsim::models
