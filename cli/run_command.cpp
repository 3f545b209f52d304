// goodsim run SCENARIO: simulate, summarise on stdout, store every replication in HDF5.

#include <boost/program_options.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <optional>
#include <string>

#include "cli/commands.h"
#include "cli/csv_file.h"
#include "cli/interrupt.h"
#include "cli/precision_args.h"
#include "cli/progress.h"
#include "cli/replication_memory.h"
#include "cli/report.h"
#include "cli/results_file.h"
#include "cli/scenario_args.h"
#include "models/checkpoint/auto_interval.h"
#include "models/control_variate.h"
#include "models/cost.h"
#include "models/monte_carlo.h"
#include "models/precision.h"
#include "models/scenario_loader.h"
#include "sim/atomic_file.h"
#include "sim/config.h"
#include "sim/statistics.h"

namespace goodsim::cli {

namespace po = boost::program_options;

namespace {

constexpr const char* kRunHelp = R"(usage: goodsim run SCENARIO [options]

Simulates the scenario's Monte Carlo replications (each from its own random stream derived
from (seed, replication index), so results do not depend on --threads), prints a summary and
writes every replication to an HDF5 file. The file is written under a temporary name and
renamed when complete; nothing is written if the scenario is rejected.

Durations in scenarios and --set values take a unit: 90s, 5min, 2h, 54d, 1w.

With --precision H the count is not fixed: replications run in blocks of 256 until the 95 %
confidence interval of the mean of --precision-of (goodput, wall_h in hours, or cost_usd) has
a half-width of at most H, checked after each whole block (at least --min-reps, at most
--max-reps). The count, and so every figure, is the same for any --threads. The file and the
stored scenario hold the count actually run.

example:
  goodsim run scenarios/default.yaml -o results.h5 --reps 2000 --set cluster.spares=32
  goodsim run scenarios/llama3-16k.yaml --precision 0.001       # goodput to +/- 0.001
  goodsim run scenarios/default.yaml --precision 1h --precision-of wall_h

options)";

// The document as run: --reps and --seed set in montecarlo, `checkpoint.interval: auto` as
// the interval it resolved to, so that running the stored scenario repeats the run.
std::string scenario_as_run(sim::ConfigNode root, const models::Scenario& s, const RunInfo& info) {
  set_montecarlo_as_run(root, info.seed, info.replications);
  if (s.checkpoint.interval_auto) {
    char hours[64];
    std::snprintf(hours, sizeof hours, "%.17gh", s.checkpoint.interval_h);
    sim::apply_override(root, std::string("checkpoint.interval=") + hours);
  }
  return sim::to_yaml(root);
}

// What the report and the file say of a run to precision: the estimator's mean and error.
PrecisionInfo precision_info(const models::PrecisionTarget& t, const models::PrecisionRun& p) {
  PrecisionInfo info;
  info.target = t;
  info.achieved = p.half_width;
  info.reached = p.reached;
  if (p.controlled) {
    info.mean = p.controlled->mean;
    info.std_error = p.controlled->std_error;
    info.variance_ratio = p.controlled->variance_ratio;
  } else {
    info.mean = p.plain.mean;
    info.std_error = p.plain.std_error;
  }
  return info;
}

}  // namespace

int run_command(const std::vector<std::string>& args, const sim::ProcessGroup& group) {
  const std::atomic<int>& stop = stop_on_interrupt();
  po::options_description opts(kRunHelp);
  std::string output = "results.h5";
  std::string csv;
  PrecisionArgs precision;
  // clang-format off
  opts.add_options()
      ("help,h", "show this help")
      ("output,o", po::value(&output)->default_value(output), "HDF5 results file")
      ("no-output", "do not write a results file")
      ("csv", po::value(&csv), "also write the summary (the /summary row) as CSV to this file, "
                               "for readers without HDF5")
      ("recovery-times", "record every recovery's duration (failure to computing again): the "
                         "summary prints its P5/P50/P95 and the file gets recovery_h; about 8 "
                         "bytes per recovery, ~4 kB per replication of a 16k-GPU run");
  // clang-format on
  precision.add_to(opts, "");
  ScenarioArgs a;
  const auto parsed = parse_scenario_command("run", args, opts, a);
  if (!parsed) return 0;
  const po::variables_map& vm = *parsed;
  const bool write_output = !vm.count("no-output");
  if (write_output && output.empty()) throw UsageError("run", "--output must not be empty");
  if (write_output) check_output_path("run", output);
  if (vm.count("csv")) {
    if (csv.empty()) throw UsageError("run", "--csv must not be empty");
    if (write_output && same_file_path(csv, output)) {
      throw UsageError("run", "--csv and --output name the same file");
    }
    check_output_path("run", csv);
  }

  std::optional<models::PrecisionTarget> target = precision.target("run", vm, a);

  const sim::ConfigNode root = a.load();
  models::Scenario scenario = models::scenario_from_config(root, a.scenario_path);
  if (target && target->metric == models::PrecisionMetric::kCostUsd && !models::priced(scenario)) {
    throw UsageError("run", "--precision-of cost_usd needs a priced scenario (cost.*)");
  }
  if (target) {
    const bool applies = models::has_controls(scenario);
    if (precision.explicit_control() && !applies) {
      throw UsageError("run",
                       "--estimator control needs exponential failures with a known node MTBF "
                       "(its control's expectation is exact only there)");
    }
    if (!applies) target->estimator = models::Estimator::kPlain;
  }
  if (root.find("sweep")) {  // shown even with --quiet: it changes what is simulated
    std::cerr << "goodsim run: note: simulating the base scenario only; the sweep block is "
                 "ignored (use goodsim sweep to run its points)\n";
  }

  if (!target) {
    check_replications_fit("run", scenario, a.replications_or(scenario.montecarlo.replications));
  }
  if (write_output && group.is_root()) {
    // What killed runs left behind; only now, so a rejected run changes nothing.
    const std::filesystem::path out(output);
    sim::remove_stale_temps(out.has_parent_path() ? out.parent_path() : ".",
                            out.filename().string());
  }

  RunInfo info;
  info.replications = a.replications_or(scenario.montecarlo.replications);
  info.seed = a.seed_or(scenario.montecarlo.seed);
  info.threads = resolve_threads(a.threads, "run", group);
  info.ranks = group.size();
  const auto search_start = std::chrono::steady_clock::now();
  models::resolve_auto_interval(scenario, info.threads);
  info.interval_search_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - search_start).count();

  ProgressPrinter progress("replications", !a.quiet);
  models::RunOptions run;
  run.replications = info.replications;
  run.seed = info.seed;
  run.threads = info.threads;
  run.progress = [&progress](std::size_t done, std::size_t total) { progress(done, total); };
  run.record_recoveries = vm.count("recovery-times") > 0;
  run.stop = &stop;
  run.group = &group;

  // Each block of replications goes to the file and the summary and is then freed: memory
  // holds one block and the summary's per-replication figures, whatever the count.
  std::optional<PointFile> file;
  if (write_output && group.is_root()) {
    // A fixed count is known: a small run's datasets are stored as before streaming.
    file.emplace(output, scenario, 0, run.record_recoveries,
                 target ? 0 : static_cast<std::size_t>(info.replications));
  }
  models::SummaryAccumulator accumulated(scenario);
  if (!target && group.is_root()) accumulated.reserve(static_cast<std::size_t>(info.replications));
  std::chrono::steady_clock::duration writing{};
  const models::BlockSink sink = [&](std::span<const models::ReplicationResult> block) {
    if (!group.is_root()) return;  // a run to precision hands every rank its blocks
    const auto began = std::chrono::steady_clock::now();
    if (file) file->append(block);
    accumulated.add(block);
    writing += std::chrono::steady_clock::now() - began;
  };

  const auto start = std::chrono::steady_clock::now();
  try {
    if (target) {
      const models::PrecisionRun p = models::run_to_precision(scenario, run, *target, sink);
      info.precision = precision_info(*target, p);
      info.replications = p.replications;
    } else {
      models::stream_replications(scenario, run, sink);
    }
  } catch (const sim::Interrupted&) {
    throw sim::Interrupted(write_output ? "nothing was written ('" + output +
                                              "' appears only when a run completes)"
                                        : "stopped before the summary");
  }
  // The simulation's time, as before streaming: writing the blocks is not counted.
  info.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start - writing).count();
  if (!group.is_root()) return 0;  // the root writes and prints
  const models::RunSummary summary = accumulated.result();
  PointResults point{&scenario, {}, &summary};
  point.recovery_times = run.record_recoveries;
  if (write_output) {
    RunRecord record{scenario_as_run(root, scenario, info),
                     command_line("run", args),
                     info.threads,
                     {},
                     info.ranks};
    if (const auto& p = info.precision) {
      record.precision = PrecisionRecord{std::string(models::to_string(p->target.metric)),
                                         p->target.half_width,
                                         p->achieved,
                                         p->reached,
                                         estimator_name(p->target.estimator),
                                         p->mean,
                                         p->std_error};
    }
    write_run_attributes(file->root(), info.seed, info.replications, point, record);
    file->commit(point);
  }
  if (summary.unfinished > 0) {  // also on stderr, for scripts that keep only stdout
    std::cerr << "goodsim run: warning: "
              << unfinished_text(scenario, summary.unfinished, info.replications)
              << "; their figures are censored at that cap\n";
  }
  if (info.precision && !info.precision->reached) {
    std::cerr << "goodsim run: warning: the " << models::to_string(target->metric)
              << " CI half-width is " << info.precision->achieved << ", above the requested "
              << target->half_width << ", after --max-reps " << target->max_replications
              << " replications; raise --max-reps or relax --precision\n";
  }
  if (!csv.empty()) write_csv(csv, summary_table(std::span(&point, 1)));
  print_run_report(std::cout, scenario, summary, info);
  if (write_output) std::cout << "\nresults    " << output << "\n";
  if (!csv.empty()) std::cout << (write_output ? "" : "\n") << "csv        " << csv << "\n";
  return 0;
}

}  // namespace goodsim::cli
