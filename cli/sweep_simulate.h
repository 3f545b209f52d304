#pragma once
// Why: how a sweep's missing points are simulated, apart from how their blocks are stored
// (cli/sweep.cpp): a fixed count on this process's threads, a fixed count sliced over MPI
// ranks, or each point to its own --precision. Each hands every point's blocks of
// replications, in replication order, to `push`; the point's last block says so.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "cli/sweep.h"
#include "models/monte_carlo.h"
#include "models/replication_result.h"
#include "sim/process_group.h"

namespace goodsim::cli::detail {

struct SweepSimulation {
  const SweepRun* run = nullptr;
  const SweepOptions* options = nullptr;
  const sim::ProcessGroup* group = nullptr;
  std::span<const std::size_t> todo;  // slot -> index in run->points of a missing point
  unsigned threads = 1;               // per rank, resolved (never 0)
  // Hands a point's next block to the writer; may wait while the writer catches up.
  std::function<void(std::size_t slot, std::vector<models::ReplicationResult> block, bool last)>
      push;
  // Throws once storing a block failed, so that nothing more is simulated for nothing.
  std::function<void()> check_writer;
  // Progress: (done, total, what is counted).
  std::function<void(std::size_t, std::size_t, const std::string&)> progress;
  std::function<std::size_t()> points_done;  // stored so far, resumed ones included

  // The options of `count` replications of a point from `first`, spread over the ranks.
  models::RunOptions on_ranks(std::int64_t first, std::int64_t count) const;
  const models::Scenario& scenario(std::size_t slot) const;
};

// The fixed count of every missing point on this process's threads: one task per (point,
// replication), so points and replications share the pool.
void simulate_on_threads(const SweepSimulation& s);

// The fixed count on MPI ranks: one point at a time, block by block, each block sliced over
// the ranks and gathered on the root.
void simulate_on_ranks(const SweepSimulation& s);

// sweep --precision: `precision[slot]` is set before the point's last block is pushed.
void simulate_to_precision(const SweepSimulation& s, std::vector<PointPrecision>& precision);

}  // namespace goodsim::cli::detail
