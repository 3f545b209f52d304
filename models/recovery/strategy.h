#pragma once
// Recovery strategies as plug-ins (docs/model.md, "recovery strategies";
// docs/adding-a-strategy.md).
//
// The replication engine (models/engine/) owns what every strategy shares: failures,
// slots, the spare pool, repairs, the recovery phases and their booking. A strategy answers
// the few questions on which strategies differ, through the interface below, and lives in one
// file of this folder with its reader; registry.cpp lists them by name. The engine's defaults
// are hot-spare recovery: a strategy overrides only where it differs.

#include <cstdint>
#include <memory>
#include <span>
#include <string>

#include "models/replication_result.h"
#include "models/scenario.h"
#include "sim/config.h"
#include "sim/random.h"

namespace goodsim::models {

// What an interruption keeps of the progress reached.
enum class Keep {
  kPolicy,   // whatever the checkpoint policy restores: the durable checkpoint, or multi-level's
             // newest in-memory checkpoint whose copies survive
  kStep,     // the last completed training step: the peers hold the live state
  kWritten,  // the newest checkpoint written, of either level: the job's own host memory holds it
};

// The restore phase of a recovery: how long, and the bucket it is booked in.
struct RestorePhase {
  double hours = 0.0;
  Bucket bucket = Bucket::kRestartLoad;
};

// One replication's instance of a strategy: it may hold state (checkpointless: which state
// shards still have a live copy). Every hook has the hot-spare answer as its default.
class RecoveryStrategy {
 public:
  virtual ~RecoveryStrategy() = default;

  // A failure (or an SDC detection) in `slot` (-1 when slots are not tracked) is about to be
  // handled: called before any copy is lost.
  virtual void failure_begins(std::int64_t /*slot*/) {}
  // The process of the node in `slot` is gone, and with it the state it held.
  virtual void state_lost(std::int64_t /*slot*/) {}
  // What a failure handled as `handling` keeps; called once the lost state is known.
  virtual Keep keep_after_failure(Handling /*handling*/, ReplicationResult& /*result*/) {
    return Keep::kPolicy;
  }
  // The restore phase for a recovery that keeps `kept`, for which the policy restores from
  // the peers' memory (`from_memory`) or from storage.
  virtual RestorePhase restore(Keep kept, bool from_memory) const;
  // Requeue: after detection the job waits this long for a fresh node set, drawn from `rng`;
  // the others fill their slots from the pool (negative: no queue).
  virtual double queue_hours(sim::RandomStream& /*rng*/) const { return -1.0; }
  // While the pool cannot fill `empty` slots: the speed (0 < v < 1) at which the job can
  // compute meanwhile, or 0 to wait for spares (elastic computes on its surviving groups).
  virtual double degraded_speed(std::span<const std::int64_t> /*empty*/) { return 0.0; }
  // Regrowing from degraded compute to full size once spares are back (elastic's
  // reconfiguration), after the swap.
  virtual RestorePhase regrow() const { return {0.0, Bucket::kReconfigure}; }
  // The job computes again; the state every node held is whole again.
  virtual void resumed() {}
  // A slow node is evicted while the job computes (cluster.slow): what the job keeps. kPolicy:
  // it saves its progress first, as before a planned stop, and restarts from that checkpoint;
  // kStep: the replacement pulls the live state from the peers, no restart.
  virtual Keep keep_after_eviction() const { return Keep::kPolicy; }
  // The mean of queue_hours(): part of an eviction's price for the ski-rental bound.
  virtual double mean_queue_hours() const { return 0.0; }

 protected:
  explicit RecoveryStrategy(const Scenario& s) : s_(s) {}
  const Scenario& s_;
};

// A strategy's registration: its name, what the engine must know before the first event, and
// how to read, check and instantiate it.
struct StrategyEntry {
  const char* name;
  const char* summary;  // one line for error messages and --help
  bool tracks_slots;    // the engine must track slots one by one (shards, groups)
  bool from_scheduler;  // node sets come from the scheduler's queue: no pool of spares held,
                        // no swap, broken nodes are the scheduler's (see queue_hours)
  bool peer_restores;   // recoveries can restore state from memory instead of storage
  bool plain;           // only the engine's defaults: the engine's plain instantiation may run it
  // Reads the strategy's own keys of `recovery:` (its section; null if it has none) into
  // `rec`. Every strategy's section may be present: a sweep over recovery.strategy needs them.
  void (*read)(sim::MapReader& recovery, RecoverySpec& rec, const ClusterSpec& cluster);
  // Checks that the scenario has what the strategy needs; `where` is the `strategy:` value.
  void (*check)(const sim::ConfigNode& where, const Scenario& s);
  // One replication's instance.
  std::unique_ptr<RecoveryStrategy> (*make)(const Scenario& s);
  // The scenario report's line(s) on the strategy's own parameters ("" for none).
  std::string (*describe)(const Scenario& s);
};

// StrategyEntry::make for a strategy class constructible from the scenario.
template <class T>
std::unique_ptr<RecoveryStrategy> instantiate(const Scenario& s) {
  return std::make_unique<T>(s);
}

// The registered strategy named `name`; throws std::logic_error if there is none (names in a
// Scenario were checked when it was read).
const StrategyEntry& find_strategy(const std::string& name);

// `node` may be null (no recovery section: hot spares, all times zero).
RecoverySpec read_recovery(const sim::ConfigNode* node, const ClusterSpec& cluster,
                           const JobSpec& job);
// Checks the chosen strategy against the whole scenario (after every section was read).
void check_recovery(const sim::ConfigNode& root, const Scenario& s);

// Hours from a data size and a link speed: `state_gb` gigabytes over `p2p_gbps` Gbit/s.
double transfer_hours(double gigabytes, double gbit_per_s);

}  // namespace goodsim::models
