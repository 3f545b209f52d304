// Gemini's group placement: the closed-form chance that a second fault takes a group's last copy.

#include "models/validation/cases.h"

#include <cmath>

#include "models/recovery/shard_map.h"
#include "models/recovery/strategy.h"
#include "models/validation/case_support.h"
#include "sim/format.h"

namespace goodsim::models::validation {

using sim::format_numbers;

// Gemini (Wang et al., SOSP 2023), group placement: with k = 2 simultaneous failures among
// N nodes in groups of m = 2, peer recovery is defeated when both hit one group, with
// probability floor(N/m) C(N-m, k-m) / C(N, k) = 1/(N-1). In the simulator, a second fault
// is a failure that finds exactly one other copy down; it falls back to a checkpoint when it takes
// that shard's other copy. N = 16 (the facts file's 6.7 %); failures every hour and a 30-min
// detection give many second faults; swap and transfer take no time, so the first failed
// slot stays empty until the job computes again and the second failure falls on one of the
// other N - 1 nodes, as in the formula.
void gemini_case(std::vector<ValidationRow>& rows, unsigned threads) {
  const std::int64_t nodes = 16, group = 2;
  Scenario s = cluster_scenario(nodes, 32, 16.0, 1.0, 100.0);
  s.job.step_h = 10.0 / 3600.0;
  s.checkpoint.interval_h = 1.0;
  s.recovery = hot_spare_recovery(30 * kMin, 0.0, 1 * kMin, 1 * kMin);
  s.recovery.strategy = "checkpointless";
  s.recovery.checkpointless = {group, 0.0, Placement::kSpread};
  const auto results = run_replications(s, RunOptions{200, kSeed, threads, {}});
  std::int64_t second = 0, lost = 0;
  for (const ReplicationResult& r : results) {
    second += r.second_faults;
    lost += r.second_fault_fallbacks;
  }
  const double p = group_loss_probability(nodes, group, 2);
  const double rate = static_cast<double>(lost) / static_cast<double>(second);
  const double se = std::sqrt(p * (1.0 - p) / static_cast<double>(second));
  rows.push_back(
      row("Gemini (SOSP 2023)",
          format_numbers("group placement, N = %.0f, m = %.0f: share of second faults that "
                         "take a group's last copy",
                         static_cast<double>(nodes), static_cast<double>(group)),
          format_numbers("%.4f (floor(N/m) C(N-m, k-m)/C(N, k), k = 2)", p),
          format_numbers("%.4f (", rate) + sim::with_commas(static_cast<double>(lost)) + " of " +
              sim::with_commas(static_cast<double>(second)) + format_numbers("; SE %.4f)", se),
          "4 binomial SE", verdict_of(std::abs(rate - p) <= 4.0 * se)));
}

}  // namespace goodsim::models::validation
