// Llama 3's 54 days on 16k GPUs: interruptions per window and the effective training time.

#include "models/validation/cases.h"

#include <cmath>

#include "models/recovery/strategy.h"
#include "models/validation/case_support.h"
#include "sim/format.h"
#include "sim/statistics.h"

namespace goodsim::models::validation {

using sim::format_numbers;

// Llama 3 (arXiv 2407.21783): 419 unexpected interruptions in 54 days on 16k GPUs, and an
// effective training time above 90 %.
void llama3_cases(std::vector<ValidationRow>& rows, unsigned threads) {
  Scenario s = cluster_scenario(2048, 16, 6335.0, 24.0, 1296.0);
  // What a > 90 % effective training time takes (assumed, not published): frequent
  // checkpoints with a short stall, and a recovery of about 9 minutes.
  s.checkpoint.interval_h = 10 * kMin;
  s.checkpoint.write_h = 5.0 / 3600.0;
  s.recovery = hot_spare_recovery(2 * kMin, 2 * kMin, 3 * kMin, 2 * kMin);
  const auto results = run_replications(s, RunOptions{400, kSeed, threads, {}});
  const RunSummary sum = summarize(s, results);

  std::vector<double> per_54d(results.size());
  for (std::size_t i = 0; i < results.size(); ++i) {
    per_54d[i] = static_cast<double>(results[i].interruptions) * 1296.0 / results[i].wall_h;
  }
  const auto rate = sim::summarize(per_54d);
  const double poisson_band = 2.0 * std::sqrt(419.0);  // one 54-day window is one Poisson draw
  rows.push_back(
      row("Llama 3, section 3.3.4", "unexpected interruptions in 54 days, 2,048 nodes", "419",
          format_numbers("%.1f +/- %.1f per 54 d of wall time", rate.mean, rate.std_error),
          format_numbers("+/- %.0f (2 sqrt(419): Poisson noise of one window)", poisson_band),
          verdict_of(std::abs(rate.mean - 419.0) <= poisson_band)));
  {
    // All 466 interruptions: the 47 planned ones as maintenance every 1,296 h / 47 of wall
    // time. Their duration is not published: 1 h assumed (it moves only the failures voided
    // during stops).
    Scenario planned = s;
    planned.cluster.maintenance = MaintenanceSpec{1296.0 / 47.0, 1.0};
    const auto with_stops = run_replications(planned, RunOptions{400, kSeed, threads, {}});
    std::vector<double> all_54d(with_stops.size());
    for (std::size_t i = 0; i < with_stops.size(); ++i) {
      const auto& r = with_stops[i];
      all_54d[i] =
          static_cast<double>(r.interruptions + r.planned_interruptions) * 1296.0 / r.wall_h;
    }
    const auto all = sim::summarize(all_54d);
    rows.push_back(
        row("Llama 3, section 3.3.4",
            "all interruptions in 54 days: failures plus maintenance every 27.6 h "
            "(1 h, assumed)",
            "466 (419 + 47 planned)",
            format_numbers("%.1f +/- %.1f per 54 d of wall time", all.mean, all.std_error),
            format_numbers("+/- %.0f (2 sqrt(419): the failures' Poisson noise)", poisson_band),
            verdict_of(std::abs(all.mean - 466.0) <= poisson_band)));
  }
  rows.push_back(
      row("Llama 3, section 3.3.4",
          "effective training time; 10-min checkpoints with a 5-s stall, 9-min recovery", "> 0.90",
          format_numbers("%.4f +/- %.4f", sum.goodput.mean, sum.goodput.std_error),
          "mean - 3 SE > 0.90", verdict_of(sum.goodput.mean - 3 * sum.goodput.std_error > 0.90)));
}

}  // namespace goodsim::models::validation
