// Exponential time to failure (model v1). Memorylessness allows thinning: failure proposals
// arrive at the full rate nodes / node_mtbf, each picks a slot uniformly, and a proposal that
// picks an empty slot is void (the replication decides, from a pick stream of its own). The
// proposal times then do not depend on the job's state: nothing is redrawn when slots empty
// or fill, and every configuration sees the same proposal times for the same seed (common
// random numbers).

#include <limits>

#include "models/failure/failure_clock.h"

namespace goodsim::models {

namespace {

class ExponentialClock final : public FailureClock {
 public:
  ExponentialClock(double node_mtbf_h, std::int64_t nodes, sim::RandomStream& rng)
      : mean_gap_(node_mtbf_h / static_cast<double>(nodes)), rng_(rng) {
    next_ = rng_.exponential(mean_gap_);
  }
  double next_failure() const override { return next_; }
  void take_failure() override { next_ += rng_.exponential(mean_gap_); }
  bool proposes() const override { return true; }
  void nodes_entered(double, std::int64_t) override {}
  bool ignores_entries() const override { return true; }

 private:
  double mean_gap_;
  sim::RandomStream& rng_;
  double next_;
};

}  // namespace

std::unique_ptr<FailureClock> make_exponential_clock(const FailureSpec& spec, std::int64_t nodes,
                                                     sim::RandomStream& rng, sim::PickStream*) {
  return std::make_unique<ExponentialClock>(spec.node_mtbf_h, nodes, rng);
}

void read_exponential_failure(sim::MapReader&, FailureSpec&, TraceCache&) {}

}  // namespace goodsim::models
