#pragma once
// Slow nodes (fail-slow, docs/model.md "Slow nodes"): which nodes in slots are slow, how slow,
// until when, and when the mitigation policy acts. The replication engine owns what a slowdown
// does to the job (its time runs at the speed of the slowest node) and what an eviction costs;
// this class only keeps the episodes and draws their random parts from a stream of its own, so
// a scenario without slowdowns, or with slowdown 1, sees every other draw unchanged.

#include <cstdint>
#include <limits>
#include <vector>

#include "models/scenario.h"
#include "sim/config.h"
#include "sim/random.h"

namespace goodsim::models {

// Reads `cluster.slow` (docs/scenario-format.md).
SlowSpec read_slow(const sim::ConfigNode& node);

// One draw of a slowdown factor (>= 1).
double sample_slowdown(const SlowdownSpec& spec, sim::RandomStream& rng);
// Its mean, for the report.
double mean_slowdown(const SlowdownSpec& spec);
// "1.5x", "uniform 1.1x..2x", "1.2x (75 %), 4x (25 %)".
std::string describe_slowdown(const SlowdownSpec& spec);
// The scenario report's line on `cluster.slow`.
std::string describe_slow(const SlowSpec& spec);

class SlowNodes {
 public:
  static constexpr double kNever = std::numeric_limits<double>::infinity();

  // `eviction_h`: what an eviction costs the job in hours (the ski-rental bound's price).
  SlowNodes(const SlowSpec& spec, std::int64_t nodes, double eviction_h, std::uint64_t seed,
            std::uint64_t index);

  // Time of the next slowdown proposal after `t`: every slot at rate 1 / node_mtbs.
  double next_onset(double t) { return t + rng_.exponential(gap_h_); }
  // The slot a proposal lands on, uniform over all slots.
  std::int64_t pick_slot();
  // Thinning without tracked slots: the proposal lands on one of `empty` empty slots.
  bool lands_on_empty(std::int64_t empty);
  // The node in `slot` is slow, or a dormant repeat offender.
  bool holds(std::int64_t slot) const;
  // The node in `slot` turns slow at `t`.
  void begin(double t, std::int64_t slot);

  // What happens next, and when: an episode ends, is decided on, or a lemon relapses.
  double next_time() const;
  enum class Action {
    kRecovered,  // a slowdown ended by itself (speed may change)
    kRelapsed,   // a repeat offender turned slow again (a new episode)
    kEvict,      // the mitigation evicts the node in `slot` now
  };
  struct Due {
    Action action;
    std::int64_t slot;
  };
  // Advances the episode due at `t` (next_time() == t).
  Due advance(double t);
  // The engine could not act on an eviction (the job is not computing): decide again at
  // `when`, or with kNever when the job next computes (see resume_decisions).
  void postpone(std::int64_t slot, double when);
  // The job computes again from `t`: evictions put off until then are due at `t`.
  void resume_decisions(double t);

  // The node in `slot` left it (failed, swapped, evicted): its episode ends.
  void left(std::int64_t slot);
  // Slots not tracked: a node left one of `occupied` occupied slots, whichever.
  void left_somewhere(double occupied);
  // Every node left (the job gave its nodes back).
  void clear() { episodes_.clear(); }

  // The job's speed: 1 / the largest slowdown in force.
  double speed() const;

 private:
  struct Episode {
    std::int64_t slot;
    double factor;    // in force while end > now; 1 for a dormant lemon
    double end;       // recovers by itself (kNever: dormant)
    double decision;  // the mitigation evicts (kNever: it never does)
    double relapse;   // a dormant lemon turns slow again (kNever: not dormant)
    bool lemon;
    bool waiting;  // an eviction put off until the job computes again
  };
  double next_of(const Episode& e) const;
  void start(Episode& e, double t);  // a slowdown begins: factor, end, decision
  double decision_time(double onset, double factor) const;

  const SlowSpec& spec_;
  const double nodes_d_;
  const double gap_h_;       // between proposals over all slots
  const double eviction_h_;  // the ski-rental price
  sim::RandomStream rng_;
  std::vector<Episode> episodes_;  // few at a time: scanned, not indexed
};

}  // namespace goodsim::models
