#pragma once
// A validated scenario: plain value types, all durations in hours. Produced once by
// models/scenario_loader from YAML; everything downstream trusts these values.

#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace goodsim::models {

// One failure of a trace (models/failure/trace.cpp), as read from its CSV row. Kept small:
// a trace may hold millions.
struct TraceFailure {
  double time_h = 0.0;
  std::int64_t node = 0;  // slot index
  int cause = -1;         // index into FailureTrace::causes; -1: drawn by share like any failure
};

// A failure trace file as read, in time order. Loaded once and shared read-only by every
// scenario that replays it (the points of a sweep: see TraceCache); what depends on the rest
// of a scenario (the span, the causes' handling) lives in FailureSpec.
struct FailureTrace {
  std::string file;  // as resolved from the scenario, for errors
  std::vector<TraceFailure> failures;
  std::vector<std::string> causes;  // the distinct cause names, in order of first appearance
  std::vector<int> cause_lines;     // the CSV line where each cause first appears
  std::int64_t max_node = 0;        // the highest slot named, and its first line
  int max_node_line = 0;
  double last_h() const { return failures.back().time_h; }  // never empty
};

class RepairDistribution;  // models/repair/repair_distribution.h

struct FailureSpec {
  std::string model = "exponential";  // models/failure/registry.cpp
  double node_mtbf_h = 0.0;           // mean time to failure of one node while it holds a slot
  // An uncertain node MTBF: each replication draws node_mtbf_h from it first (node_mtbf_h
  // holds its mean). Null: node_mtbf_h is known.
  std::shared_ptr<const RepairDistribution> node_mtbf_uncertainty;
  double weibull_shape = 1.0;                 // weibull only
  std::shared_ptr<const FailureTrace> trace;  // trace only
  double trace_span_h = 0.0;                  // trace only: the window it repeats after
  std::vector<int> trace_causes;         // trace only: cluster.causes index of each trace cause
  std::optional<double> trace_offset_h;  // trace only; none: random per replication
};

// How long repairs take; a repaired node joins the spare pool. Shared and immutable.
struct RepairSpec {
  std::shared_ptr<const RepairDistribution> distribution;
};

// What a failure does (Llama 3 Table 5 style taxonomy).
enum class Handling {
  kRestart,  // software bug, NCCL timeout: restart in place; no swap, node not sent to repair
  kSwap,     // hardware: the node leaves its slot for repair (model v1)
  kDomain,   // switch or power: every node of the failing node's domain fails at once
};

inline const char* to_string(Handling h) {
  switch (h) {
    case Handling::kRestart:
      return "restart";
    case Handling::kSwap:
      return "swap";
    case Handling::kDomain:
      return "domain";
  }
  return "?";
}

struct CauseSpec {
  std::string name;
  double share = 0.0;  // relative weight among causes (counts work: they are normalised)
  Handling handling = Handling::kSwap;
  RepairSpec repair;  // empty distribution: the cluster's repair
};

// Planned maintenance (docs/model.md): the job stops at every multiple of `every` of wall
// time, writes a checkpoint, is down for `duration`, then restarts and loads it.
struct MaintenanceSpec {
  double every_h = 0.0;  // 0 = no planned maintenance
  double duration_h = 0.0;
};

// Silent data corruption (docs/model.md): each node in a slot corrupts the job's state at rate
// 1 / node_mtbf; a corruption is detected `detect` of wall time after it happens.
struct SdcSpec {
  double node_mtbf_h = 0.0;
  double detect_h = 0.0;
};

// Slow nodes (fail-slow, docs/model.md "Slow nodes"): a node in a slot turns slow at rate
// 1 / node_mtbs and the job computes at the speed of its slowest node until the node recovers
// by itself, leaves its slot, or is evicted by the mitigation policy.
enum class SlowMitigation {
  kTolerate,   // never evict: run at the slow node's speed until it recovers
  kEvict,      // evict every slow node once detected
  kThreshold,  // evict when the slowdown is large enough, or has lasted long enough
};

// How much a slow node stretches the job's time: a factor >= 1 drawn per slowdown.
struct SlowdownSpec {
  enum class Kind { kFixed, kUniform, kDiscrete };
  Kind kind = Kind::kFixed;
  std::vector<double> factors;  // fixed: {f}; uniform: {min, max}; discrete: the factors
  std::vector<double> cdf;      // discrete: cumulative normalised shares
};

struct SlowSpec {
  double node_mtbs_h = 0.0;  // mean time between slowdowns of one node while it holds a slot
  SlowdownSpec slowdown;
  RepairSpec duration;  // how long a slowdown lasts if the node stays (it recovers by itself)
  double detect_h = 0.0;
  SlowMitigation mitigation = SlowMitigation::kTolerate;
  // Threshold: evict at detection when the slowdown is at least `evict_above`; else evict a
  // node still slow `after_h` after its onset (negative: the ski-rental bound, the time at
  // which the capacity lost to it equals the cost of an eviction; infinite: never).
  double evict_above = std::numeric_limits<double>::infinity();
  double after_h = std::numeric_limits<double>::infinity();
  // Repeat offenders: this share of slow nodes turns slow again, after an exponential time of
  // mean `lemon_gap`, each time it recovers by itself, until it leaves its slot.
  double lemon_share = 0.0;
  double lemon_gap_h = 0.0;
  RepairSpec repair;  // an evicted node's repair; empty distribution: the cluster's
};

struct ClusterSpec {
  std::int64_t nodes = 0;  // slots the job holds
  std::int64_t gpus_per_node = 8;
  std::int64_t spares = 0;  // hot spares idle in the pool at start
  FailureSpec failure;
  RepairSpec repair;
  std::int64_t domain_size = 0;   // nodes per failure domain (rack, leaf switch); 0 = none
  std::vector<CauseSpec> causes;  // empty: every failure is a swap
  MaintenanceSpec maintenance;
  bool pool_failures = false;    // idle spares fail too (at rate 1 / node_mtbf) and go to repair
  std::optional<SdcSpec> sdc;    // none: no silent data corruption
  std::optional<SlowSpec> slow;  // none: nodes never turn slow
};

// How the job's fault-free compute time was obtained (kept for reporting).
struct WorkDerivation {
  double params = 0.0;       // model parameters N
  double tokens = 0.0;       // training tokens D
  double peak_tflops = 0.0;  // per GPU
  double mfu = 0.0;          // model FLOPs utilisation, 0 < mfu <= 1
};

struct JobSpec {
  double work_h = 0.0;  // fault-free compute time
  double step_h = 0.0;  // one training step (0 = not given); checkpointless needs it
  std::optional<WorkDerivation> derived_from;
};

// What an asynchronous checkpoint does when the next one falls due while the previous one is
// still persisting (models/checkpoint/async.h).
enum class PersistOverlap {
  kStall,  // the job blocks until the persist finishes, then writes
  kSkip,   // the due checkpoint is skipped; the next one after the persist is written
};

// In-memory checkpoints on peer nodes, the fast level of multi-level checkpointing (Gemini):
// groups of `copies` neighbouring slots hold each other's copies.
struct MemoryLevelSpec {
  double interval_h = 0.0;  // progress between in-memory checkpoints; divides the persistent one
  double write_h = 0.0;     // blocking copy to the peers' host memory
  std::int64_t copies = 2;  // nodes holding each node's copy (the group size)
  double load_h = 0.0;      // restoring from the peers' copies (replaces recovery.load)
};

// How `checkpoint.interval: auto` was settled by simulation (models/checkpoint/auto_interval.h).
struct IntervalSearch {
  double standard_error_h = 0.0;  // of the chosen interval: the search's Monte Carlo error
  // False when the search found no minimum near the chosen interval: the wall time is flat
  // there within its noise, and standard_error_h is the resolution of its grid (10 %).
  bool minimum_resolved = true;
  // Not even Daly's optimum finished within montecarlo.max_wall_factor: it is used as it is.
  bool unfinished = false;
  // Multi-level: the search chose among the multiples of this in-memory interval (the
  // persistent interval must be one); 0 for the continuous search.
  double multiple_of_h = 0.0;
  int candidates = 0;             // intervals simulated
  std::int64_t replications = 0;  // per candidate, the same ones for all (common random numbers)
};

struct CheckpointSpec {
  // A registered policy (models/checkpoint/registry.cpp): blocking, async or multilevel. The
  // reader always names one; empty in a spec built in code: the one its keys imply.
  std::string policy;
  double interval_h = 0.0;  // progress between checkpoints; 0 = never checkpoint
  double write_h = 0.0;     // blocking write (device-to-host stall for async checkpoints)
  double persist_h = 0.0;   // background persist after the write; 0 = durable at write end
  PersistOverlap overlap = PersistOverlap::kStall;
  // `auto`: the loader sets interval_h to the exact optimum of Daly's model; resolve_auto_interval
  // (models/checkpoint/auto_interval.h) then replaces it by the simulated optimum and records how.
  bool interval_auto = false;
  std::optional<IntervalSearch> interval_search;  // set once `auto` is resolved
  std::optional<MemoryLevelSpec> memory;  // multi-level: in-memory copies between persistent ones
};

// Where the replicas of one state shard sit (checkpointless).
enum class Placement {
  kSpread,  // holders of a shard are nodes.size / replicas apart: in different domains
  kPacked,  // holders of a shard are neighbours: one domain can hold them all
};

struct CheckpointlessSpec {
  std::int64_t replicas = 2;  // groups holding a full copy of model and optimizer state
  double transfer_h = 0.0;    // state_gb over p2p_gbps: pulling a node's state from a peer
  Placement placement = Placement::kSpread;
};

struct ElasticSpec {
  std::int64_t dp_group_nodes = 1;  // nodes per data-parallel group
  double reconfigure_h = 0.0;       // regrowing to full size when spares arrive
};

// In-process restart's own parameters (models/recovery/in_process.cpp).
struct InProcessSpec {
  double rebuild_h = 0.0;  // rebuilding the communicators; the surviving ranks stay up
  double load_h = 0.0;     // reloading the state from the job's own host memory
  bool given = false;      // recovery.in_process was in the scenario
};

// How the job gets going again after a failure: `strategy` names a registered strategy
// (models/recovery/registry.cpp); each strategy's own section is read whichever is chosen.
struct RecoverySpec {
  std::string strategy = "hot_spare";
  double detect_h = 0.0;
  double swap_h = 0.0;
  double restart_h = 0.0;
  double load_h = 0.0;
  CheckpointlessSpec checkpointless;                // strategy checkpointless only
  ElasticSpec elastic;                              // strategy elastic only
  std::shared_ptr<const RepairDistribution> queue;  // strategy requeue only
  InProcessSpec in_process;                         // strategy in_process only
};

// Hot-spare recovery with these phase durations (hours).
inline RecoverySpec hot_spare_recovery(double detect_h, double swap_h, double restart_h,
                                       double load_h) {
  RecoverySpec r;
  r.detect_h = detect_h;
  r.swap_h = swap_h;
  r.restart_h = restart_h;
  r.load_h = load_h;
  return r;
}

// Prices (models/cost.h, docs/cost-and-spares.md). No node_hour_usd: the run is not priced.
struct CostSpec {
  std::optional<double> node_hour_usd;   // price of one node-hour in a job slot
  std::optional<double> spare_hour_usd;  // price of one hot-spare node-hour; default node_hour_usd
  double repair_usd = 0.0;               // price of one repair (a node sent to repair)
};

struct MonteCarloSpec {
  std::int64_t replications = 1000;
  std::uint64_t seed = 1;
  // A replication that simulates more than this multiple of the work without finishing is
  // stopped there as did-not-finish (ReplicationResult::unfinished): the job can hardly finish
  // (goodput below 0.1 % by default), and simulating on would cost time and tell nothing.
  double max_wall_factor = 1000.0;
};

struct Scenario {
  std::string name;
  std::string source_file;
  std::string resolved_yaml;  // the scenario after extends/--set, as stored in results
  ClusterSpec cluster;
  JobSpec job;
  CheckpointSpec checkpoint;
  RecoverySpec recovery;
  CostSpec cost;
  MonteCarloSpec montecarlo;

  // Mean time between failures of the whole job: node MTBF / nodes.
  double system_mtbf_h() const {
    return cluster.failure.node_mtbf_h / static_cast<double>(cluster.nodes);
  }
  std::int64_t gpus() const { return cluster.nodes * cluster.gpus_per_node; }
  // Recoveries can restore state from the peers' memory (and fall back to a checkpoint):
  // checkpointless recovery, or multi-level checkpoints.
  // (Both defined with the strategies' registry, models/recovery/registry.cpp.)
  bool restores_from_peers() const;
  // Whether the strategy keeps a pool of hot spares; a requeued job takes node sets from the
  // scheduler's queue instead.
  bool holds_spare_pool() const;
  // Hot spares held (and paid) for the run; a requeued job holds none.
  std::int64_t held_spares() const;
};

}  // namespace goodsim::models
