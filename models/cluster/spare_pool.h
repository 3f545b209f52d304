#pragma once
// The job's pool of hot spares and the nodes in repair (docs/model.md): a node leaving its
// slot goes to repair and joins the pool when repaired; with pool failures
// (cluster.pool_failures) idle spares fail too, at the nodes' rate, and go to repair.
//
// The pool is only read when recovery decides to fill slots. Repairs are collected lazily up
// to each decision time (models/cluster/repair_pipeline.h); idle spares' lifetimes are
// exponential, so with pool failures the pool is played forward between decision times,
// redrawing the next failure in the pool whenever its size changes.

#include <cstdint>
#include <optional>

#include "models/cluster/repair_pipeline.h"
#include "models/repair/repair_distribution.h"
#include "sim/random.h"

namespace goodsim::models {

class SparePool {
 public:
  // `idle_mtbf_h`: mean time to failure of an idle spare; 0 when idle spares do not fail.
  // Repair times come from a stream of their own; `repair` is the cluster's distribution, for
  // spares that fail in the pool.
  SparePool(std::int64_t spares, const RepairDistribution& repair, double idle_mtbf_h,
            std::uint64_t seed, std::uint64_t index);

  std::int64_t size() const { return size_; }
  // Spares taken to fill slots.
  void take(std::int64_t n) { size_ -= n; }
  // A node leaves its slot at t for a repair drawn from `repair`.
  void send_to_repair(double t, const RepairDistribution& repair) {
    in_repair_.add(t + repair.sample(repairs_));
    ++repairs_sent_;
  }
  // Brings the pool up to time t: repairs completed by then join it (and, with pool
  // failures, idle spares fail meanwhile).
  void refresh(double t) {
    if (!idle_failures_) {
      size_ += in_repair_.collect_until(t);
      return;
    }
    play_forward(t);
  }
  // The next repair to complete, if any node is in repair.
  std::optional<double> next_completion() const { return in_repair_.next_completion(); }
  bool idle_spares_fail() const { return idle_failures_.has_value(); }

  std::int64_t repairs() const { return repairs_sent_; }  // nodes sent to repair
  std::int64_t failures() const { return idle_failed_; }  // idle spares that failed

 private:
  void play_forward(double t);

  std::int64_t size_;
  RepairPipeline in_repair_;
  sim::RandomStream repairs_;
  const RepairDistribution& repair_;
  std::optional<sim::RandomStream> idle_failures_;
  double idle_mtbf_h_;
  double known_until_ = 0.0;  // with pool failures: the pool is known up to this time
  std::int64_t repairs_sent_ = 0;
  std::int64_t idle_failed_ = 0;
};

}  // namespace goodsim::models
