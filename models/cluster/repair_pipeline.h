#pragma once
// Nodes in repair, ordered by the time they rejoin the spare pool.
//
// The pool is only read when recovery decides to fill slots, and those decision times never
// go backwards; so instead of one kernel event per repair, completions are collected lazily
// up to each decision time. Idle spares that fail (cluster.pool_failures) do not change this:
// their lifetimes are memoryless, so the replication plays the pool forward between decision
// times, interleaving these completions with pool failures.

#include <cstdint>
#include <optional>

#include "sim/time_heap.h"

namespace goodsim::models {

class RepairPipeline {
 public:
  void add(double completion_time) { heap_.push(completion_time); }

  // Removes and counts the repairs completed by time t.
  std::int64_t collect_until(double t) {
    std::int64_t n = 0;
    while (!heap_.empty() && heap_.earliest() <= t) {
      heap_.pop_earliest();
      ++n;
    }
    return n;
  }

  std::optional<double> next_completion() const {
    if (heap_.empty()) return std::nullopt;
    return heap_.earliest();
  }

  std::size_t in_repair() const { return heap_.size(); }

 private:
  sim::TimeHeap heap_;  // completion times
};

}  // namespace goodsim::models
