#pragma once
// Failures of the healthy nodes that hold slots, for one replication.
//
// Each failure model is one file in this folder, registered in registry.cpp. A model turns
// FailureSpec parameters into a FailureClock; the replication asks it for the next failure
// time and tells it when fresh nodes enter slots (their clocks start then: a node from the
// pool or back from repair is as good as new; pool nodes do not age).

#include <cstdint>
#include <memory>
#include <string>

#include "models/scenario.h"
#include "sim/config.h"
#include "sim/random.h"

namespace goodsim::models {

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
  // `count` fresh nodes entered empty slots at time t.
  virtual void nodes_entered(double t, std::int64_t count) = 0;
  // True if nodes_entered is a no-op (memoryless clocks): the replication then skips the
  // bookkeeping that decides when a fill is certain.
  virtual bool ignores_entries() const { return false; }
};

// Builds the replication's clock; `rng` is the replication's failure stream.
std::unique_ptr<FailureClock> make_failure_clock(const FailureSpec& spec, std::int64_t nodes,
                                                 sim::RandomStream& rng);

// Reads `cluster.failure` (model, node_mtbf and the model's own parameters).
FailureSpec read_failure_spec(const sim::ConfigNode& node);

}  // namespace goodsim::models
