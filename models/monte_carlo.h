#pragma once
// Runs a scenario's replications and condenses them into the figures users read.

#include <atomic>
#include <functional>
#include <optional>
#include <span>
#include <vector>

#include "models/cost.h"
#include "models/replication_result.h"
#include "models/scenario.h"
#include "sim/parallel.h"
#include "sim/process_group.h"
#include "sim/statistics.h"

namespace goodsim::models {

struct RunOptions {
  std::int64_t replications = 0;
  std::uint64_t seed = 0;
  unsigned threads = 0;  // 0 = all cores
  sim::ProgressCallback progress;
  // Keep every recovery's duration (ReplicationResult::recovery_h): 8 bytes per recovery,
  // about 4 kB per replication of a 16k-GPU run (500 recoveries), so callers opt in.
  bool record_recoveries = false;
  // Polled before every replication: non-zero stops the run with sim::Interrupted
  // (sim::parallel_for), e.g. the flag of cli/interrupt.h after Ctrl-C.
  const std::atomic<int>* stop = nullptr;
  // Element k of the result is replication first_replication + k, from its seed stream
  // (models/precision.h runs a growing run block by block). Last, so that the options
  // brace-initialised elsewhere keep their meaning.
  std::int64_t first_replication = 0;
  // The ranks of an MPI run (sim/process_group.h), or nullptr for this process alone. Each
  // rank simulates a contiguous slice of the replications on its `threads`, and every rank
  // receives all results; `progress` then counts the whole run from this rank's share.
  const sim::ProcessGroup* group = nullptr;
};

// Replication i lands in element i whatever the thread and rank counts.
std::vector<ReplicationResult> run_replications(const Scenario& scenario,
                                                const RunOptions& options);

// Replications per block of stream_replications. Fixed, so that the blocks, and everything
// made from them, are the same for any --threads and any number of ranks. 4096 results are
// about 2.7 MB: large enough that a block keeps the threads busy, small against any memory.
inline constexpr std::int64_t kStreamBlock = 4096;

// Receives the replications of a run block by block, in replication order.
using BlockSink = std::function<void(std::span<const ReplicationResult> block)>;

// The replications of run_replications, handed to `sink` one block of `block_size` at a time,
// in order; each block is freed before the next one is simulated, so memory holds one block
// whatever the count. With options.group, each block is sliced over the ranks and gathered on
// the root: only the root's sink is called. options.progress is called after each block.
void stream_replications(const Scenario& scenario, const RunOptions& options, const BlockSink& sink,
                         std::int64_t block_size = kStreamBlock);

// Paid node-hours of one replication: job slots plus hot spares, for the whole wall time.
double paid_node_hours(const Scenario& scenario, const ReplicationResult& r);

struct RunSummary {
  sim::SampleSummary goodput;
  sim::SampleSummary wall_h;
  sim::SampleSummary interruptions;
  double planned_interruptions_mean = 0.0;  // planned maintenance stops per replication
  double pool_failures_mean = 0.0;          // idle spares failed in the pool, per replication
  double sdc_detections_mean = 0.0;         // silent data corruptions detected, per replication
  double slow_episodes_mean = 0.0;          // nodes that turned slow, per replication
  double evictions_mean = 0.0;              // slow nodes evicted, per replication
  std::array<double, kBucketCount> bucket_mean_h{};
  std::optional<sim::SampleSummary> cost_usd;         // models/cost.h, per replication
  std::optional<CostBreakdown> cost_mean;             // slots, spares, repairs: means
  std::optional<double> usd_per_productive_gpu_hour;  // mean cost / (work x GPUs)
  std::uint64_t events = 0;
  // Replications that did not finish within montecarlo.max_wall_factor x the work: censored
  // at that cap, so the wall time and cost figures are lower bounds, goodput an upper bound.
  std::int64_t unfinished = 0;
  std::vector<double> interruptions_by_cause_mean;  // aligned with cluster.causes
  // Recoveries (failure to computing again), means per replication.
  double recoveries_mean = 0.0;
  double peer_recoveries_mean = 0.0;             // checkpointless: state kept in memory
  double fallbacks_mean = 0.0;                   // checkpointless: fell back to a checkpoint
  std::optional<sim::SampleSummary> recovery_h;  // pooled durations, when recorded
};

RunSummary summarize(const Scenario& scenario, std::span<const ReplicationResult> results);

// summarize, fed block by block (same figures, bit for bit, as summarize over all the blocks
// in order). Its means are running sums; the standard errors and percentiles need every value,
// so it keeps the goodput, wall time, interruptions and (priced) cost of each replication:
// 24 to 32 bytes per replication, plus every recovery time when they are recorded.
class SummaryAccumulator {
 public:
  explicit SummaryAccumulator(const Scenario& scenario);
  void add(std::span<const ReplicationResult> results);
  void reserve(std::size_t replications);  // a known count: no growth slack in the columns
  RunSummary result() const;
  std::size_t count() const { return wall_.size(); }

 private:
  const Scenario* scenario_;
  RunSummary sums_;
  CostBreakdown cost_sum_;
  bool recorded_ = false;
  std::vector<double> goodput_, wall_, interruptions_, cost_, recovery_h_;
};

}  // namespace goodsim::models
