#include "models/validation.h"

#include <algorithm>
#include <cmath>

#include "models/daly.h"
#include "models/meta_ettr.h"
#include "models/monte_carlo.h"
#include "models/recovery/shard_map.h"
#include "models/recovery/strategy.h"
#include "models/repair/repair_distribution.h"
#include "models/scenario_loader.h"
#include "sim/format.h"

namespace goodsim::models {
using sim::format_numbers;

namespace {

constexpr double kMin = 1.0 / 60.0;
constexpr std::uint64_t kSeed = 20260101;

ValidationRow row(std::string source, std::string name, std::string published, std::string goodsim,
                  std::string tolerance, Verdict verdict) {
  return {std::move(source),
          std::move(name),
          std::move(published),
          std::move(goodsim),
          std::move(tolerance),
          verdict,
          {}};
}

// A hot-spare cluster with exponential failures and repairs; callers set checkpoint and recovery.
Scenario cluster_scenario(std::int64_t nodes, std::int64_t spares, double node_mtbf_h,
                          double repair_mean_h, double work_h) {
  Scenario s;
  s.cluster.nodes = nodes;
  s.cluster.spares = spares;
  s.cluster.failure.node_mtbf_h = node_mtbf_h;
  s.cluster.repair.distribution = exponential_repair(repair_mean_h);
  s.job.work_h = work_h;
  return s;
}

// Daly's assumptions: unlimited spares, instant repair, nothing but restart + load.
Scenario ideal_scenario(std::int64_t nodes, double node_mtbf_h, double work_h, double interval_h,
                        double write_h, double restart_h) {
  Scenario s = cluster_scenario(nodes, std::int64_t{1} << 40, node_mtbf_h, 1e-9, work_h);
  s.checkpoint.interval_h = interval_h;
  s.checkpoint.write_h = write_h;
  s.recovery.restart_h = restart_h;
  return s;
}

RunSummary simulate(const Scenario& s, std::int64_t reps, unsigned threads) {
  return summarize(s, run_replications(s, RunOptions{reps, kSeed, threads, {}}));
}

// As simulate, keeping every recovery's duration (RunSummary::recovery_h).
RunSummary simulate_recoveries(const Scenario& s, std::int64_t reps, unsigned threads) {
  return summarize(s, run_replications(s, RunOptions{reps, kSeed, threads, {}, true}));
}

std::string minutes(double h) {
  return format_numbers("%.1f min", h * 60.0);
}

void daly_cases(std::vector<ValidationRow>& rows, unsigned threads) {
  struct Case {
    double mtbf_h;
    double published_min;
    const char* label;
    std::int64_t reps;
  };
  const Case cases[] = {{24.0, 117.0, "M = 24 h", 20000},
                        {6.0, 57.0, "M = 6 h", 20000},
                        {0.25, 9.1, "M = 15 min", 1000}};
  const double delta = 5 * kMin, r = 10 * kMin, work = 500.0;
  for (const Case& c : cases) {
    const double ho = daly::higher_order_interval(c.mtbf_h, delta) * 60.0;
    const double exact = daly::exact_optimal_interval(c.mtbf_h, delta) * 60.0;
    const double tol = 0.01 * c.published_min;
    rows.push_back(row("Daly 2006, Fig. 3-5", std::string("optimum interval, ") + c.label,
                       format_numbers("%.1f min", c.published_min),
                       format_numbers("%.1f min (higher order), %.2f min (exact)", ho, exact),
                       "1 %",
                       verdict_of(std::abs(ho - c.published_min) <= tol &&
                                  std::abs(exact - c.published_min) <= tol)));

    const double tau = exact / 60.0;
    const Scenario s = ideal_scenario(1024, c.mtbf_h * 1024, work, tau, delta, r);
    const RunSummary sum = simulate(s, c.reps, threads);
    const double whole = daly::expected_wall_time_discrete(work, c.mtbf_h, tau, delta, r);
    const double continuous = daly::expected_wall_time(work, c.mtbf_h, tau, delta, r);
    rows.push_back(
        row("Daly 2006, T_w", std::string("expected wall time, T_s = 500 h, ") + c.label,
            format_numbers("%.1f h (T_w); %.1f h whole segments", continuous, whole),
            format_numbers("%.1f +/- %.2f h (1 SE)", sum.wall_h.mean, sum.wall_h.std_error),
            "3 SE of the whole-segment form",
            verdict_of(std::abs(sum.wall_h.mean - whole) < 3.0 * sum.wall_h.std_error)));
  }
}

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

// Systems that publish an ETTR but not all the parameters behind it. The parameters are
// assumptions within the published bounds, so these rows are calibrations: they show which
// recovery figures reproduce the published ETTR, not an independent validation.
void calibration_cases(std::vector<ValidationRow>& rows, unsigned threads) {
  {
    // MegaScale (NSDI '24): > 10,000 GPUs, > 100 restarts in several weeks, detection and
    // diagnosis < 10 min, catch-up from the checkpoint within 15 min, ETTR > 90 %.
    // configs/clusters/megascale-12k.yaml: 1,536 nodes, node MTBF 7,741 h, 16 spares.
    Scenario s = cluster_scenario(1536, 16, 7741.0, 24.0, 504.0);  // three weeks of work
    s.checkpoint.interval_h = 10 * kMin;  // to pinned host memory in seconds, then async
    s.checkpoint.write_h = 5.0 / 3600.0;
    s.recovery = hot_spare_recovery(10 * kMin, 0.0, 3 * kMin, 2 * kMin);
    const RunSummary sum = simulate(s, 400, threads);
    rows.push_back(
        row("MegaScale (NSDI 2024), calibration",
            "ETTR, 12,288 GPUs; 10-min detection, 5-min restart + load, 10-min "
            "checkpoints with a 5-s stall",
            "> 0.90", format_numbers("%.4f +/- %.4f", sum.goodput.mean, sum.goodput.std_error),
            "mean - 3 SE > 0.90", verdict_of(sum.goodput.mean - 3 * sum.goodput.std_error > 0.90)));
  }
  {
    // ByteRobust (SOSP '25): 97 % ETTR over 3 months on 9,600 GPUs; every-step in-memory
    // checkpoints under 0.9 % overhead; NIC faults detected in ~30 s; warm standby.
    // configs/clusters/byterobust-9600.yaml: 1,200 nodes, 5 spares replenished in 2 h.
    Scenario s = cluster_scenario(1200, 5, 6335.0, 2.0, 2160.0);  // three months of work
    s.checkpoint.interval_h = 2 * kMin;
    s.checkpoint.write_h = 1.0 / 3600.0;  // 0.8 % overhead
    s.recovery = hot_spare_recovery(0.5 * kMin, 1 * kMin, 3 * kMin, 1 * kMin);
    const RunSummary sum = simulate(s, 200, threads);
    rows.push_back(row("ByteRobust (SOSP 2025), calibration",
                       "ETTR, 9,600 GPUs, 3 months; 30-s detection, warm standby, 5.5-min "
                       "recovery, 2-min in-memory checkpoints",
                       "0.97",
                       format_numbers("%.4f +/- %.4f", sum.goodput.mean, sum.goodput.std_error),
                       "0.005 (the published figure's rounding)",
                       verdict_of(std::abs(sum.goodput.mean - 0.97) <= 0.005)));
  }
}

// ByteDance (OSDI '25): stragglers wasted 10.4 % of GPU-hours. The slow-node preset
// (configs/slow/published-stragglers.yaml) is calibrated to it on the Llama-3-like cluster;
// this row checks the calibration's arithmetic against the simulation, failures apart.
void stragglers_case(std::vector<ValidationRow>& rows, unsigned threads) {
  Scenario s = cluster_scenario(2048, 16, 1e15, 24.0, 1296.0);
  s.checkpoint.interval_h = 30 * kMin;
  s.checkpoint.write_h = 3 * kMin;
  s.cluster.slow = scenario_from_yaml(
                       "cluster:\n  nodes: 2048\n  failure: {node_mtbf: 1e15h}\n"
                       "  repair: {mean: 1h}\n" +
                           std::string(published_stragglers_yaml()) + "job: {work: 1h}\n",
                       "published-stragglers.yaml")
                       .cluster.slow;
  const std::vector<ReplicationResult> results =
      run_replications(s, RunOptions{100, kSeed, threads, {}});
  std::vector<double> share;
  for (const ReplicationResult& r : results) share.push_back(r.bucket(Bucket::kSlow) / r.wall_h);
  const sim::SampleSummary got = sim::summarize(share);
  rows.push_back(row("ByteDance stragglers (OSDI 2025), calibration",
                     "share of GPU-hours lost to slow nodes, tolerated; 2,048 nodes, the "
                     "published-stragglers preset, no failures",
                     "0.104 (approximate)",
                     format_numbers("%.4f +/- %.4f", got.mean, got.std_error),
                     "0.01 (the published figure is a secondary summary's)",
                     verdict_of(std::abs(got.mean - 0.104) <= 0.01)));
}

// The seed article: a 1,200-hour run (the 100B / 20T job of configs/jobs/seed-100b-20t.yaml on
// 7,024 H100s, Llama 3's failure rate) with 89.6 % goodput. Which recovery figures give that,
// and how much each one moves it.
void seed_article_case(std::vector<ValidationRow>& rows, unsigned threads) {
  Scenario s = cluster_scenario(878, 16, 6335.0, 48.0, 1199.6);
  s.checkpoint.interval_h = 20 * kMin;
  s.checkpoint.write_h = 0.5 * kMin;
  s.recovery = hot_spare_recovery(5 * kMin, 5 * kMin, 10 * kMin, 5 * kMin);
  const RunSummary base = simulate(s, 1000, threads);
  Scenario slower = s;
  slower.recovery.restart_h += 5 * kMin;
  const double restart_plus_5 = simulate(slower, 1000, threads).goodput.mean;
  Scenario stall = s;
  stall.checkpoint.write_h += 0.5 * kMin;
  const double write_plus_30s = simulate(stall, 1000, threads).goodput.mean;
  ValidationRow r = row(
      "Seed article, calibration",
      "goodput of the 1,200-h 100B/20T run; 16 spares, 20-min checkpoints with a 30-s stall, "
      "25-min recovery",
      "0.896", format_numbers("%.4f +/- %.4f", base.goodput.mean, base.goodput.std_error),
      "0.005 (the sensitivity below)", verdict_of(std::abs(base.goodput.mean - 0.896) <= 0.005));
  r.note = format_numbers("sensitivity: 5 more minutes of restart give %.4f (%+.4f)",
                          restart_plus_5, restart_plus_5 - base.goodput.mean) +
           format_numbers(
               ", a 60-s stall instead of 30 s gives %.4f (%+.4f); with 8 spares instead of 16 "
               "the pool runs dry and goodput falls below 0.7 (README)",
               write_plus_30s, write_plus_30s - base.goodput.mean);
  rows.push_back(r);
}

// AWS SageMaker HyperPod checkpointless training (AWS ML blog, Dec 2025): on clusters of
// thousands of accelerators, recovery "from 15-30 minutes or more to under 2 minutes", and
// "up to 95 % training goodput". Both strategies run on the same failures (same seed).
// 2,048 H100 GPUs (AWS's internal studies went up to 2,000) at Llama 3's node MTBF, 8 hot
// spares, a 30-day job, 30-minute checkpoints with a 30-s stall kept as the fallback.
// Assumed, not published: detection 1 min for both; checkpoint restart then terminates the
// job and swaps the node (5 min), relaunches processes, rebuilds NCCL and the data loader
// (10 min) and loads the checkpoint (5 min); checkpointless swaps the spare into the running
// job (30 s) and pulls its state from a peer: model and optimizer state of a 70B model
// (16 bytes a parameter, 1.1 TB) sharded over one 128-node replica is 8.8 GB a node, over
// 400 Gbit/s of EFA.
void hyperpod_cases(std::vector<ValidationRow>& rows, unsigned threads) {
  Scenario restart = cluster_scenario(256, 8, 6335.0, 24.0, 720.0);
  restart.job.step_h = 10.0 / 3600.0;
  restart.checkpoint.interval_h = 30 * kMin;
  restart.checkpoint.write_h = 0.5 * kMin;
  restart.recovery = hot_spare_recovery(1 * kMin, 5 * kMin, 10 * kMin, 5 * kMin);
  Scenario peers = restart;
  peers.recovery.strategy = "checkpointless";
  peers.recovery.swap_h = 0.5 * kMin;
  peers.recovery.checkpointless = {2, transfer_hours(8.8, 400.0), Placement::kSpread};
  const RunSummary a = simulate_recoveries(restart, 400, threads);
  const RunSummary b = simulate_recoveries(peers, 400, threads);
  const sim::SampleSummary& ra = *a.recovery_h;
  const sim::SampleSummary& rb = *b.recovery_h;
  rows.push_back(
      row("AWS HyperPod (2025), calibration",
          "recovery time, 2,048 GPUs: checkpointless vs checkpoint restart on the same failures",
          "< 2 min vs 15-30 min",
          "checkpointless P50 " + minutes(rb.p50) + ", P95 " + minutes(rb.p95) +
              "; checkpoint restart P50 " + minutes(ra.p50) + ", P95 " + minutes(ra.p95),
          "P95 < 2 min; restart P50 and P95 in 15-30 min",
          verdict_of(rb.p95 < 2 * kMin && ra.p50 >= 15 * kMin && ra.p95 <= 30 * kMin)));
  ValidationRow g = row("AWS HyperPod (2025), calibration",
                        "goodput with checkpointless recovery, same job", "up to 0.95",
                        format_numbers("%.4f +/- %.4f (checkpoint restart %.4f)", b.goodput.mean,
                                       b.goodput.std_error, a.goodput.mean),
                        "mean - 3 SE >= 0.95: goodsim counts failure losses only",
                        verdict_of(b.goodput.mean - 3 * b.goodput.std_error >= 0.95));
  // Failure losses: everything but the work and the (fallback) checkpoint writes.
  const auto failure_share = [](const RunSummary& sum) {
    const double checkpoint_h = sum.bucket_mean_h[static_cast<std::size_t>(Bucket::kCheckpoint)];
    return 100.0 * (1.0 - sum.goodput.mean - checkpoint_h / sum.wall_h.mean);
  };
  g.note = format_numbers(
               "failures cost checkpointless recovery %.2f %% of the wall time and checkpoint "
               "restart %.2f %%",
               failure_share(b), failure_share(a)) +
           "; the rest of the gap to 1 is the fallback checkpoints. The published 'up to 95 %' "
           "also counts losses goodsim does not model (slow steps, stragglers, restarts of the "
           "whole job for other reasons), so goodsim's figure bounds it from above";
  rows.push_back(g);
}

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

}  // namespace

const char* published_stragglers_yaml() {
  return R"(  slow:
    node_mtbs: 2600h
    slowdown:
      - {factor: 1.1, share: 50}
      - {factor: 1.3, share: 30}
      - {factor: 2, share: 15}
      - {factor: 4, share: 5}
    duration: {model: lognormal, median: 15min, p90: 1.5h}
    detect: 5min
    mitigation: tolerate
    threshold: {after: ski_rental}
)";
}

Verdict verdict_of(bool pass) {
  return pass ? Verdict::kPass : Verdict::kFail;
}

const char* to_string(Verdict v) {
  switch (v) {
    case Verdict::kPass:
      return "pass";
    case Verdict::kFail:
      return "FAIL";
    case Verdict::kFinding:
      return "finding";
  }
  return "?";
}

std::vector<ValidationRow> run_validation(unsigned threads) {
  std::vector<ValidationRow> rows;
  daly_cases(rows, threads);
  meta_cases(rows, threads);
  llama3_cases(rows, threads);
  calibration_cases(rows, threads);
  hyperpod_cases(rows, threads);
  gemini_case(rows, threads);
  seed_article_case(rows, threads);
  stragglers_case(rows, threads);
  return rows;
}

}  // namespace goodsim::models
