// Meta's E[ETTR] (Kokolis et al. 2025): published figures and the closed form's stated range.

#include "models/validation/cases.h"

#include <algorithm>
#include <cmath>

#include "models/daly.h"
#include "models/meta_ettr.h"
#include "models/validation/case_support.h"
#include "sim/format.h"

namespace goodsim::models::validation {

using sim::format_numbers;

// Meta RSC-1: r_f = 6.5 failures per 1000 node-days, 16,384 GPUs = 2,048 nodes, u0 = 5 min,
// non-blocking checkpoints (w = 0).
void meta_cases(std::vector<ValidationRow>& rows, unsigned threads) {
  const double rf = 6.5e-3 / 24.0;  // per node-hour
  const double published[] = {0.7, 0.93};
  const double interval_min[] = {60.0, 5.0};
  double free_writes[2] = {};  // goodput with w = 0, for the asynchronous variant's note
  for (int i = 0; i < 2; ++i) {
    const meta::EttrInputs in{2048, rf, 5 * kMin, interval_min[i] * kMin, 0.0};
    const Scenario s = ideal_scenario(2048, 1.0 / rf, 500.0, in.interval_h, 0.0, in.restart_h);
    const RunSummary sum = simulate(s, 400, threads);
    free_writes[i] = sum.goodput.mean;
    rows.push_back(
        row("Meta (Kokolis et al. 2025)",
            format_numbers("E[ETTR], 16k GPUs, RSC-1 rate, %.0f-min checkpoints", interval_min[i]),
            format_numbers("%.2f", published[i]),
            format_numbers("%.4f +/- %.4f (closed form %.3f)", sum.goodput.mean,
                           sum.goodput.std_error, meta::expected_ettr(in)),
            "5 % (paper's stated accuracy)",
            verdict_of(std::abs(sum.goodput.mean - published[i]) <= 0.05 * published[i])));
  }

  // The same job with the checkpoints made non-blocking the way asynchronous checkpointing
  // does it (docs/model.md): a short device-to-host stall, then a persist in the background;
  // a checkpoint is durable only once persisted, so a failure rolls back further. On the
  // cluster of configs/clusters/meta-rsc1.yaml: 32 hot spares, repairs of a day on average.
  // Assumed: a 1-s stall and a 1-min persist (a 70B model's 1.1 TB of model and optimizer
  // state at ~18 GB/s to the file system), u0 = 5 min as above.
  for (int i = 0; i < 2; ++i) {
    Scenario s = cluster_scenario(2048, 32, 1.0 / rf, 24.0, 500.0);
    s.checkpoint.interval_h = interval_min[i] * kMin;
    s.checkpoint.write_h = 1.0 / 3600.0;
    s.checkpoint.persist_h = 1 * kMin;
    s.recovery.restart_h = 5 * kMin;
    const RunSummary sum = simulate(s, 400, threads);
    ValidationRow r =
        row("Meta (Kokolis et al. 2025)",
            format_numbers("E[ETTR], 16k GPUs, RSC-1 rate and spares, %.0f-min async checkpoints "
                           "(1-s stall, 1-min persist)",
                           interval_min[i]),
            format_numbers("%.2f", published[i]),
            format_numbers("%.4f +/- %.4f", sum.goodput.mean, sum.goodput.std_error),
            "5 % (paper's stated accuracy)",
            verdict_of(std::abs(sum.goodput.mean - published[i]) <= 0.05 * published[i]));
    r.note = format_numbers(
        "%.4f below the row with free writes and unlimited spares: a failure also loses the "
        "checkpoint still persisting (up to 1 min more), and each checkpoint stalls 1 s (%.2f %% "
        "of the compute at this interval)",
        free_writes[i] - sum.goodput.mean, 100.0 * s.checkpoint.write_h / s.checkpoint.interval_h);
    rows.push_back(r);
  }

  // The closed form against the simulator over the range where the paper claims 5 %. The
  // simulator is held to Daly's exact expectation at the same points, so a gap between the
  // closed form and the simulation is the approximation's, not the simulator's.
  double worst = 0.0, worst_nodes = 0.0, worst_u0 = 0.0, worst_z = 0.0;
  int points = 0, within = 0;
  bool simulator_exact = true;
  for (const double nodes : {250.0, 500.0, 1000.0, 2000.0}) {
    for (const double u0_min : {5.0, 10.0, 20.0}) {
      for (const double write_min : {0.0, 1.0}) {
        const meta::EttrInputs in{nodes, 5e-3 / 24.0, u0_min * kMin, 1.0, write_min * kMin};
        if (!meta::within_stated_range(in)) continue;
        const double work = 1000.0;
        const Scenario s =
            ideal_scenario(static_cast<std::int64_t>(nodes), 1.0 / in.failures_per_node_hour, work,
                           in.interval_h, in.write_h, in.restart_h);
        const RunSummary sum = simulate(s, 200, threads);
        const double exact_wall = daly::expected_wall_time_discrete(
            work, s.system_mtbf_h(), in.interval_h, in.write_h, in.restart_h);
        const double z = std::abs(sum.wall_h.mean - exact_wall) / sum.wall_h.std_error;
        simulator_exact = simulator_exact && z < 3.5;  // 24 comparisons: Bonferroni-ish margin
        worst_z = std::max(worst_z, z);
        const double deviation =
            std::abs(meta::expected_ettr(in) - sum.goodput.mean) / sum.goodput.mean;
        ++points;
        if (deviation <= 0.05) ++within;
        if (deviation > worst) {
          worst = deviation;
          worst_nodes = nodes;
          worst_u0 = u0_min;
        }
      }
    }
  }
  rows.push_back(
      row("Daly 2006 / Meta range",
          format_numbers("simulated wall time vs exact expectation, %.0f points", points),
          "exact (whole-segment T_w)", format_numbers("largest gap %.2f SE", worst_z),
          "3.5 SE (24 comparisons)", verdict_of(simulator_exact)));
  ValidationRow claim =
      row("Meta (Kokolis et al. 2025)",
          format_numbers("closed form vs simulation, %.0f points in the stated range", points),
          "within 5 %",
          format_numbers("within 5 %% at %.0f of %.0f points; worst %.2f %%", within, points,
                         100.0 * worst),
          "5 % (paper's stated accuracy)", within == points ? Verdict::kPass : Verdict::kFinding);
  if (within != points) {
    claim.note = format_numbers(
        "worst at N = %.0f nodes, u0 = %.0f min, where 1/(N r_f) = %.2f d: the "
        "first-order form counts every failure as costing u0 + dt/2 and ignores "
        "failures during restarts, which matters once N r_f (u0 + dt/2) nears 0.3",
        worst_nodes, worst_u0, 1.0 / (worst_nodes * 5e-3));
  }
  rows.push_back(claim);
}

}  // namespace goodsim::models::validation
