#pragma once
// What one replication reports. The badput buckets partition the wall time exactly.

#include <array>
#include <cstdint>
#include <numeric>
#include <string_view>
#include <vector>

namespace goodsim::models {

enum class Bucket : std::size_t {
  kProductive,   // compute that survived to the end (= work)
  kCheckpoint,   // completed checkpoint writes
  kLost,         // compute and partial writes rolled back by failures
  kDetect,       // detecting failures
  kWaitSpares,   // waiting for repairs to refill the spare pool
  kSwap,         // swapping replacement nodes into slots
  kRestartLoad,  // restarting processes and loading the checkpoint
  kQueue,        // requeue: waiting for the scheduler to hand back a node set
  kP2pTransfer,  // checkpointless: replacement nodes pulling their state from peers
  kDegraded,     // elastic: the compute capacity missing while running on fewer groups
  kReconfigure,  // elastic: regrowing to full size when spares arrive
  kMaintenance,  // planned maintenance: the cluster is down (the planned checkpoint excluded)
  kSlow,         // slow nodes: the capacity missing while the job runs at its slowest node's pace
  kCount
};

inline constexpr std::size_t kBucketCount = static_cast<std::size_t>(Bucket::kCount);

inline constexpr std::array<std::string_view, kBucketCount> kBucketNames = {
    "productive", "checkpoint",   "lost",     "detect",      "wait_spares", "swap", "restart_load",
    "queue",      "p2p_transfer", "degraded", "reconfigure", "maintenance", "slow"};

struct ReplicationResult {
  double wall_h = 0.0;
  double goodput = 0.0;                    // work / wall
  std::int64_t interruptions = 0;          // failures that hit the job (in any phase)
  std::int64_t planned_interruptions = 0;  // planned maintenance stops (not failures)
  std::int64_t repairs = 0;                // nodes sent to repair
  std::int64_t pool_failures = 0;   // idle spares that failed in the pool (cluster.pool_failures)
  std::int64_t sdc_detections = 0;  // silent data corruptions detected (not in interruptions)
  std::int64_t spare_waits = 0;     // recoveries that found the pool short and had to wait
  std::int64_t slow_episodes = 0;   // nodes in slots that turned slow (cluster.slow)
  std::int64_t evictions = 0;       // slow nodes evicted by the mitigation (not interruptions)
  std::uint64_t events = 0;         // kernel events processed (for performance reporting)
  // Did not finish within montecarlo.max_wall_factor x the work: censored at that cap
  // (wall_h = the cap, goodput = work / cap, productive = the progress kept then).
  bool unfinished = false;
  std::int64_t recoveries = 0;  // recoveries completed: the job computed again
  // Checkpointless, and multi-level checkpoints: recoveries that restored the state from the
  // peers' memory, and those that fell back to the persistent checkpoint.
  std::int64_t peer_recoveries = 0;
  std::int64_t fallbacks = 0;
  // Checkpointless: failures that found exactly one other state copy gone, and how many of
  // them took a shard's last copy (docs/model.md, group placement).
  std::int64_t second_faults = 0;
  std::int64_t second_fault_fallbacks = 0;
  std::vector<double> recovery_h;  // failure to computing again, per recovery (if recorded)
  std::vector<std::int64_t> interruptions_by_cause;  // aligned with cluster.causes (if any)
  std::array<double, kBucketCount> buckets_h{};

  double& bucket(Bucket b) { return buckets_h[static_cast<std::size_t>(b)]; }
  double bucket(Bucket b) const { return buckets_h[static_cast<std::size_t>(b)]; }
  double bucket_sum() const { return std::accumulate(buckets_h.begin(), buckets_h.end(), 0.0); }
};

}  // namespace goodsim::models
