#include "cli/report.h"

#include <cstdio>
#include <string>

#include "models/checkpoint/policy.h"
#include "models/cost.h"
#include "models/daly.h"
#include "models/recovery/strategy.h"
#include "models/repair/repair_distribution.h"
#include "models/slow/slow_nodes.h"
#include "sim/format.h"

namespace goodsim::cli {

using sim::format_numbers;
using sim::human_duration;
using sim::with_commas;

namespace {

// `interval: auto`: the simulated optimum beside the closed forms users know, which assume
// exponential failures (goodsim interval prints all four).
void print_auto_interval(std::ostream& out, const models::Scenario& s) {
  const double m = s.system_mtbf_h(), d = s.checkpoint.write_h;
  out << " (auto: ";
  if (const auto& search = s.checkpoint.interval_search; search && search->unfinished) {
    out << "exact Daly: no interval finishes within montecarlo.max_wall_factor)";
    return;
  }
  if (const auto& search = s.checkpoint.interval_search) {
    if (search->multiple_of_h > 0.0) {
      out << "the simulated best multiple of memory.interval ("
          << human_duration(search->multiple_of_h) << ")"
          << (search->minimum_resolved ? "" : ", the wall time is flat around it");
    } else if (search->minimum_resolved) {
      out << "simulated optimum +/- " << human_duration(search->standard_error_h);
    } else {
      out << "simulated, the wall time is flat around it";
    }
    out << ", " << search->candidates << " intervals x " << search->replications
        << " replications; ";
  }
  out << "Young " << human_duration(models::daly::young_interval(m, d)) << ", Daly "
      << human_duration(
             models::daly::first_order_interval(m, d, s.recovery.restart_h + s.recovery.load_h))
      << ", exact Daly " << human_duration(models::daly::exact_optimal_interval(m, d)) << ")";
}

void print_precision(std::ostream& out, const PrecisionInfo& p, std::int64_t replications) {
  const std::string metric(models::to_string(p.target.metric));
  out << "precision  " << metric << " 95% CI half-width " << format_numbers("%.4g", p.achieved)
      << (p.reached ? " <= " : " > ") << format_numbers("%.4g", p.target.half_width) << " after "
      << with_commas(static_cast<double>(replications)) << " replications (blocks of "
      << models::kPrecisionBlock << ", min "
      << with_commas(static_cast<double>(p.target.min_replications)) << ", max "
      << with_commas(static_cast<double>(p.target.max_replications)) << ")";
  if (!p.reached) out << ": NOT REACHED, the cap --max-reps stopped the run";
  out << "\n";
  out << "estimator  " << estimator_name(p.target.estimator) << ": " << metric << " "
      << format_numbers("%.6g +/- %.4g (95%% CI), standard error %.4g", p.mean, p.achieved,
                        p.std_error);
  if (p.target.estimator == models::Estimator::kControl) {
    out << format_numbers(", variance %.2fx smaller than the plain mean's", p.variance_ratio);
  }
  out << "\n";
}

}  // namespace

std::string unfinished_text(const models::Scenario& s, std::int64_t unfinished,
                            std::int64_t replications) {
  const double cap = s.job.work_h * s.montecarlo.max_wall_factor;
  return with_commas(static_cast<double>(unfinished)) + " of " +
         with_commas(static_cast<double>(replications)) + " replications did not finish within " +
         format_numbers("%g", s.montecarlo.max_wall_factor) + " x the work (" +
         with_commas(cap, 0) + " h, montecarlo.max_wall_factor)";
}

void print_unfinished(std::ostream& out, const models::Scenario& s, std::int64_t unfinished,
                      std::int64_t replications) {
  out << "DID NOT FINISH " << unfinished_text(s, unfinished, replications) << "\n"
      << "               they are censored at that cap: goodput is an upper bound, wall time "
         "and cost are lower bounds\n";
}

std::string estimator_name(models::Estimator e) {
  if (e == models::Estimator::kPlain) return "plain mean";
  return format_numbers(
      "control variate (failure proposals in [0, %g..%g x work], first repair times)",
      models::kControlHorizons.front(), models::kControlHorizons.back());
}

void print_scenario(std::ostream& out, const models::Scenario& s) {
  const auto& c = s.cluster;
  const auto& r = s.recovery;
  out << "scenario   " << s.name << " (" << s.source_file << ")\n";
  out << "cluster    " << with_commas(static_cast<double>(c.nodes)) << " nodes x "
      << c.gpus_per_node << " GPUs = " << with_commas(static_cast<double>(s.gpus())) << " GPUs, "
      << s.held_spares() << " hot spares; node MTBF " << with_commas(c.failure.node_mtbf_h, 0)
      << " h (job MTBF " << human_duration(s.system_mtbf_h()) << ")\n";
  if (c.failure.node_mtbf_uncertainty) {
    out << "uncertain  node MTBF drawn per replication: "
        << c.failure.node_mtbf_uncertainty->describe() << " (the MTBF above is its mean)\n";
  }
  if (c.failure.model == "weibull") {
    out << "failures   weibull, shape " << format_numbers("%.3g", c.failure.weibull_shape)
        << ", node MTBF as its mean (a node's clock starts when it enters a slot)\n";
  } else if (!c.failure.trace) {
    out << "failures   " << c.failure.model << " (the same rate per node at any age)\n";
  }
  if (const auto& t = c.failure.trace) {
    out << "failures   trace " << t->file << ": " << t->failures.size() << " failures over "
        << human_duration(c.failure.trace_span_h) << ", repeating; offset "
        << (c.failure.trace_offset_h ? human_duration(*c.failure.trace_offset_h)
                                     : std::string("random per replication"))
        << " (node MTBF implied by the trace)\n";
  }
  out << "repair     " << c.repair.distribution->describe() << "\n";
  if (c.maintenance.every_h > 0.0) {
    out << "maintenance every " << human_duration(c.maintenance.every_h) << ", down "
        << human_duration(c.maintenance.duration_h)
        << " (a checkpoint first; no failures during the stop)\n";
  }
  if (const auto& sdc = c.sdc) {
    out << "sdc        silent data corruption: node MTBF " << with_commas(sdc->node_mtbf_h, 0)
        << " h (job " << human_duration(sdc->node_mtbf_h / static_cast<double>(c.nodes))
        << "), detected after " << human_duration(sdc->detect_h)
        << "; rolls back to the last checkpoint before it\n";
  }
  if (const auto& slow = c.slow) out << "slow       " << models::describe_slow(*slow) << "\n";

  out << "job        work " << with_commas(s.job.work_h, 1) << " h fault-free";
  if (s.job.derived_from) {
    const auto& d = *s.job.derived_from;
    out << format_numbers(" (6 x %.3g params x %.3g tokens at %.0f TFLOP/s x MFU %.2f)", d.params,
                          d.tokens, d.peak_tflops, d.mfu);
  }
  out << "\n";
  out << "checkpoint ";
  if (s.checkpoint.interval_h > 0.0) {
    out << "every " << human_duration(s.checkpoint.interval_h);
    if (s.checkpoint.interval_auto) print_auto_interval(out, s);
    out << ", write " << human_duration(s.checkpoint.write_h);
    out << models::find_checkpoint_policy(s.checkpoint).describe(s.checkpoint);
  } else {
    out << "none (a failure restarts the job from the beginning)\n";
  }
  out << "recovery   " << r.strategy << ": detect " << human_duration(r.detect_h);
  const models::StrategyEntry& strategy = models::find_strategy(r.strategy);
  if (!strategy.from_scheduler) out << ", swap " << human_duration(r.swap_h);
  out << ", restart " << human_duration(r.restart_h) << ", load " << human_duration(r.load_h)
      << "\n";
  if (const std::string own = strategy.describe(s); !own.empty()) {
    out << "           " << own << "\n";
  }
}

std::string workers_text(unsigned threads, int ranks) {
  const std::string t = std::to_string(threads) + (threads == 1 ? " thread" : " threads");
  return ranks == 1 ? t : std::to_string(ranks) + " ranks x " + t;
}

void print_run_report(std::ostream& out, const models::Scenario& s, const models::RunSummary& sum,
                      const RunInfo& info) {
  print_scenario(out, s);
  out << "runs       " << with_commas(static_cast<double>(info.replications))
      << " replications, seed " << info.seed << ", " << workers_text(info.threads, info.ranks)
      << ", " << format_numbers("%.2f s", info.seconds);
  if (s.checkpoint.interval_search) {
    out << format_numbers(" (+ %.2f s choosing the interval)", info.interval_search_seconds);
  }
  out << "\n";
  if (const auto& p = info.precision) print_precision(out, *p, info.replications);
  const double reps = static_cast<double>(info.replications);
  out << "speed      " << with_commas(reps / info.seconds) << " replications/s, "
      << with_commas(static_cast<double>(sum.events) / info.seconds) << " events/s ("
      << with_commas(static_cast<double>(sum.events) / reps, 1)
      << " kernel events per replication)\n\n";

  const auto& g = sum.goodput;
  out << format_numbers("goodput        %.4f +/- %.4f (95%% CI)   P5 %.4f  P50 %.4f", g.mean,
                        g.ci95, g.p5, g.p50)
      << format_numbers("  P95 %.4f\n", g.p95);
  const auto& w = sum.wall_h;
  out << format_numbers("wall time      %.1f h +/- %.1f          P5 %.1f  P50 %.1f", w.mean, w.ci95,
                        w.p5, w.p50)
      << format_numbers("  P95 %.1f h\n", w.p95);
  const auto& i = sum.interruptions;
  out << format_numbers("interruptions  %.1f +/- %.1f per run      P5 %.0f  P50 %.0f", i.mean,
                        i.ci95, i.p5, i.p50)
      << format_numbers("  P95 %.0f\n", i.p95);
  if (sum.unfinished > 0) print_unfinished(out, s, sum.unfinished, info.replications);
  if (s.cluster.maintenance.every_h > 0.0) {
    out << format_numbers(
        "planned stops  %.1f per run (maintenance, not counted as interruptions)\n",
        sum.planned_interruptions_mean);
  }
  if (s.cluster.pool_failures) {
    out << format_numbers("pool failures  %.1f per run (idle spares, sent to repair)\n",
                          sum.pool_failures_mean);
  }
  if (s.cluster.sdc) {
    out << format_numbers(
        "sdc detected   %.1f per run (silent data corruption, not counted as "
        "interruptions)\n",
        sum.sdc_detections_mean);
  }
  if (s.cluster.slow) {
    out << format_numbers(
        "slow nodes     %.1f slowdowns per run, %.1f slow nodes evicted per run\n",
        sum.slow_episodes_mean, sum.evictions_mean);
  }
  if (sum.cost_usd) {
    const auto& c = *sum.cost_usd;
    out << "cost           $" << with_commas(c.mean) << " +/- $" << with_commas(c.ci95)
        << "   P95 $" << with_commas(c.p95)
        << format_numbers("   $%.2f per productive GPU-hour\n", *sum.usd_per_productive_gpu_hour);
    if (const auto& m = sum.cost_mean) {
      const double spare_price = models::spare_hour_usd(s);
      out << "               mean: slots $" << with_commas(m->slots_usd) << " + " << s.held_spares()
          << " spares $" << with_commas(m->spares_usd);
      if (s.cost.repair_usd > 0.0) out << " + repairs $" << with_commas(m->repairs_usd);
      out << "\n               one spare costs $" << with_commas(spare_price * w.mean)
          << " over the mean wall time ($" << with_commas(spare_price, 2) << "/node-h x "
          << with_commas(w.mean, 1) << " h)\n";
    }
  }
  if (!sum.interruptions_by_cause_mean.empty()) {
    out << "\ninterruptions by cause (mean per run)\n";
    for (std::size_t c = 0; c < s.cluster.causes.size(); ++c) {
      const double n = sum.interruptions_by_cause_mean[c];
      char line[160];
      std::snprintf(line, sizeof line, "  %-28s %8.1f  %5.1f %%  %s\n",
                    s.cluster.causes[c].name.c_str(), n, 100.0 * n / i.mean,
                    to_string(s.cluster.causes[c].handling));
      out << line;
    }
  }
  if (s.restores_from_peers()) {
    out << format_numbers(
               "\nrecoveries     %.1f per run: %.1f from peers' memory, %.2f fell back to the "
               "persistent checkpoint",
               sum.recoveries_mean, sum.peer_recoveries_mean, sum.fallbacks_mean)
        << format_numbers(" (%.2f %%)\n", sum.recoveries_mean > 0.0
                                              ? 100.0 * sum.fallbacks_mean / sum.recoveries_mean
                                              : 0.0);
  }
  if (const auto& rt = sum.recovery_h) {
    out << "\nrecovery time  failure to computing again, "
        << with_commas(static_cast<double>(rt->n)) << " recoveries\n"
        << "               mean " << human_duration(rt->mean) << "  P5 " << human_duration(rt->p5)
        << "  P50 " << human_duration(rt->p50) << "  P95 " << human_duration(rt->p95) << "  max "
        << human_duration(rt->max) << "\n";
  }
  out << "\nwhere the wall time went (mean per run)\n";
  for (std::size_t b = 0; b < models::kBucketCount; ++b) {
    const double h = sum.bucket_mean_h[b];
    // The v1 buckets always; a strategy's own only when it used them.
    if (b > static_cast<std::size_t>(models::Bucket::kRestartLoad) && h == 0.0) continue;
    char line[128];
    std::snprintf(line, sizeof line, "  %-14s %10.1f h  %5.1f %%\n",
                  std::string(models::kBucketNames[b]).c_str(), h, 100.0 * h / w.mean);
    out << line;
  }
}

}  // namespace goodsim::cli
