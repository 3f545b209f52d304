#include "models/cluster/spare_pool.h"

#include <algorithm>
#include <limits>

namespace goodsim::models {

SparePool::SparePool(std::int64_t spares, const RepairDistribution& repair, double idle_mtbf_h,
                     std::uint64_t seed, std::uint64_t index)
    : size_(spares),
      repairs_(seed, index, sim::StreamPurpose::kRepairs),
      repair_(repair),
      idle_mtbf_h_(idle_mtbf_h) {
  if (idle_mtbf_h > 0.0) idle_failures_.emplace(seed, index, sim::StreamPurpose::kPoolFailures);
}

// Repairs and failures of idle spares, interleaved up to t.
void SparePool::play_forward(double t) {
  constexpr double kNever = std::numeric_limits<double>::infinity();
  // The pool may be known beyond t (a fill planned after a save or a maintenance window):
  // a repair begun since then that is done by now joins it as well.
  size_ += in_repair_.collect_until(std::min(t, known_until_));
  while (known_until_ < t) {
    const double repaired = in_repair_.next_completion().value_or(kNever);
    const double failure =
        size_ > 0
            ? known_until_ + idle_failures_->exponential(idle_mtbf_h_ / static_cast<double>(size_))
            : kNever;
    if (failure < std::min(repaired, t)) {
      known_until_ = failure;
      --size_;
      ++idle_failed_;
      send_to_repair(failure, repair_);
    } else if (repaired <= t) {
      known_until_ = repaired;
      size_ += in_repair_.collect_until(repaired);
    } else {
      known_until_ = t;
    }
  }
}

}  // namespace goodsim::models
