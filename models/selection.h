#pragma once
// Picks the candidate with the smallest expected value (e.g. cost) with a stated confidence:
// the fully sequential procedure of Kim & Nelson (2001, "KN") on paired replications (common
// random numbers: replication i of every candidate draws from seed stream i). Candidates that
// are clearly worse are dropped as the replications come in; it stops when one is left.
//
// KN's elimination margin grows with the variance of the paired differences over delta, so a
// candidate that is hopeless but noisy (no spares at all) would survive thousands of
// replications. A paired t screen runs beside it: alpha is split in two, KN gets alpha / 2,
// and the screen drops i when mean_i - mean_l exceeds the one-sided t quantile at level
// alpha / (2 (k - 1) L) times the standard error of the paired difference, L being the most
// looks the cap allows (Bonferroni over pairs and looks; the t interval relies on the central
// limit theorem, with at least the first stage of replications).
//
// The guarantee: if the best candidate's expected value is smaller than every other's by at
// least the indifference zone delta, it is selected with probability at least `confidence`
// (KN's Theorem 1 with alpha / 2, plus alpha / 2 for the screen by the union bound).
// Replications come in blocks of kPrecisionBlock and eliminations are checked only after whole
// blocks, so the outcome is the same for any thread count.

#include <atomic>
#include <cstdint>
#include <functional>
#include <vector>

#include "models/replication_result.h"
#include "models/scenario.h"
#include "sim/process_group.h"

namespace goodsim::models {

struct SelectionOptions {
  double confidence = 0.95;   // 1 - alpha
  double indifference = 0.0;  // delta, in the units of `value`; > 0
  // The first stage n0, from which the variances of the paired differences are estimated.
  std::int64_t first_stage = 512;
  std::int64_t max_replications = 100'000;  // per candidate; then the smallest mean is taken
  std::uint64_t seed = 0;
  unsigned threads = 0;
  const std::atomic<int>* stop = nullptr;
  const sim::ProcessGroup* group = nullptr;  // MPI ranks sharing the replications, or alone
};

struct CandidateOutcome {
  std::vector<double> values;  // one per replication run, in order
  bool eliminated = false;
  std::int64_t eliminated_at = 0;  // replications when it was dropped
  std::size_t eliminated_by = 0;   // the candidate that showed it worse
  bool by_screen = false;          // dropped by the t screen (else by KN's margin)
};

struct SelectionResult {
  std::size_t best = 0;
  std::vector<CandidateOutcome> candidates;
  bool separated = false;     // false: max_replications stopped it with several left
  double h2 = 0.0;            // KN's h^2 = 2 eta (n0 - 1), with alpha / 2
  double screen_level = 0.0;  // the screen's one-sided level per pair and look
};

using ReplicationValue = std::function<double(const Scenario&, const ReplicationResult&)>;

// Throws std::invalid_argument for confidence outside (0, 1), indifference <= 0, fewer than
// two candidates, a first stage < 2 or a cap below it.
SelectionResult select_smallest(const std::vector<Scenario>& candidates,
                                const ReplicationValue& value, const SelectionOptions& options);

}  // namespace goodsim::models
