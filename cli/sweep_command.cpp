// goodsim sweep SCENARIO: every point of the scenario's sweep block, crash-safe and resumable
// (cli/sweep.h, docs/sweeps.md).

#include <algorithm>
#include <boost/program_options.hpp>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/csv_file.h"
#include "cli/interrupt.h"
#include "cli/precision_args.h"
#include "cli/replication_memory.h"
#include "cli/report.h"
#include "cli/results_file.h"
#include "cli/scenario_args.h"
#include "cli/sweep.h"
#include "cli/text_table.h"
#include "models/checkpoint/auto_interval.h"
#include "models/control_variate.h"
#include "models/cost.h"
#include "models/scenario_loader.h"
#include "models/sweep.h"
#include "sim/config.h"
#include "sim/format.h"

namespace goodsim::cli {

namespace po = boost::program_options;

namespace {

constexpr const char* kSweepHelp = R"(usage: goodsim sweep SCENARIO [options]

Simulates every point of the scenario's `sweep:` block (the cartesian product of its lists;
`zip:` groups vary together) and writes one HDF5 file: /points/NNNNNN per point with the
swept values as attributes, and /summary with one row per point. Every point is checked
before anything is simulated. All points use the same seed, so replication i of every point
draws from the same random streams (common random numbers): differences between points are
not drowned in noise. Results do not depend on --threads. A point whose replications cannot
finish within montecarlo.max_wall_factor x the work is marked did-not-finish (DNF n/N, the
/summary column `unfinished`) and the sweep goes on.

Crash-safe: each completed point is stored in <output>.parts/ before it counts as done; the
output is assembled when all are, and the parts are removed. After a crash or kill, run the
same command with --resume to compute only the missing points (docs/sweeps.md).

With --precision H each point runs blocks of 256 replications until its own 95 % CI
half-width of --precision-of is at most H (as goodsim run --precision; a resumed point reaches
the same count as an uninterrupted one).

example:
  goodsim sweep scenarios/spares-vs-mtbf.yaml -o sweep.h5 --reps 500
  goodsim sweep scenarios/spares-vs-mtbf.yaml -o sweep.h5 --precision 0.002
  /usr/bin/python3 -c 'import h5py, pandas; print(pandas.DataFrame(h5py.File("sweep.h5")["summary"][()]))'
  (/usr/bin/python3: the interpreter scripts/setup installs h5py and pandas into)

options)";

std::string recovery_text(double h) {
  return std::isfinite(h) ? sim::human_duration(h) : "-";
}

const std::vector<double>* numeric_column(const sim::h5::Table& t, const std::string& name) {
  for (const auto& c : t.columns) {
    if (c.name == name) return std::get_if<std::vector<double>>(&c.values);
  }
  return nullptr;
}

void print_sweep_report(std::ostream& out, const SweepRun& run, const models::SweepSpec& spec,
                        const SweepOptions& o, const SweepOutcome& outcome,
                        const std::string& workers) {
  const std::size_t n = run.points.size();
  const models::Scenario& base = run.points.front().scenario;
  out << "scenario   " << base.name << " (" << run.scenario_file << ")\n";
  out << "sweep      " << n << " points =";
  for (std::size_t a = 0; a < spec.axes.size(); ++a) {
    out << (a == 0 ? " " : " x ");
    const auto& keys = spec.axes[a].keys;
    if (keys.size() > 1) out << "zip(";
    for (std::size_t k = 0; k < keys.size(); ++k) out << (k ? ", " : "") << keys[k].path;
    if (keys.size() > 1) out << ")";
    out << " [" << spec.axes[a].size() << "]";
  }
  out << "\n";
  if (const auto& t = o.precision) {
    char target[160];
    std::snprintf(target, sizeof target, "to a %s 95%% CI half-width <= %.4g per point",
                  std::string(models::to_string(t->metric)).c_str(), t->half_width);
    out << "runs       " << target << " (blocks of " << models::kPrecisionBlock << ", min "
        << sim::with_commas(static_cast<double>(t->min_replications)) << ", max "
        << sim::with_commas(static_cast<double>(t->max_replications)) << "), seed " << o.seed
        << " (the same for every point)";
  } else {
    out << "runs       " << sim::with_commas(static_cast<double>(o.replications))
        << " replications per point, seed " << o.seed << " (the same for every point)";
  }
  if (outcome.already_complete) {
    out << "\n           already complete: nothing to do\n";
  } else {
    double reps = static_cast<double>(outcome.computed) * static_cast<double>(o.replications);
    if (o.precision) {  // the points computed here are those not reused
      reps = 0.0;
      for (const PointPrecision& p : outcome.precision) reps += static_cast<double>(p.replications);
    }
    char buf[160];
    std::snprintf(buf, sizeof buf, ", %s, %.2f s\n", workers.c_str(), outcome.seconds);
    out << buf;
    out << "points     " << outcome.computed << " computed";
    if (outcome.reused > 0) out << ", " << outcome.reused << " from the interrupted run";
    if (outcome.seconds > 0 && outcome.computed > 0) {
      out << "; " << sim::with_commas(reps / outcome.seconds) << " replications/s";
    }
    out << "\n";
  }
  out << "\n";

  // One line per point: the values as written, then the figures from /summary.
  const auto keys = spec.keys();
  std::vector<std::size_t> widths;
  for (std::size_t k = 0; k < keys.size(); ++k) {
    std::size_t w = keys[k]->path.size();
    for (const auto& p : run.points) w = std::max(w, p.parameters[k].text.size());
    widths.push_back(w);
  }
  const auto* gm = numeric_column(outcome.summary, "goodput_mean");
  const auto* gci = numeric_column(outcome.summary, "goodput_ci95");
  const auto* g5 = numeric_column(outcome.summary, "goodput_p5");
  const auto* g95 = numeric_column(outcome.summary, "goodput_p95");
  const auto* wm = numeric_column(outcome.summary, "wall_mean_h");
  const auto* cm = numeric_column(outcome.summary, "cost_mean_usd");
  const auto* r50 = numeric_column(outcome.summary, "recovery_p50_h");
  const auto* r95 = numeric_column(outcome.summary, "recovery_p95_h");
  const auto* dnf = numeric_column(outcome.summary, "unfinished");
  if (!gm || !gci || !g5 || !g95 || !wm || !cm || gm->size() != n) return;
  const bool priced = std::isfinite((*cm)[0]);
  // Recovery times are there with --recovery-times (NaN where a point had no recovery).
  const bool recoveries = r50 && r95 && std::any_of(r50->begin(), r50->end(), [](double v) {
                            return std::isfinite(v);
                          });

  out << "point   ";
  for (std::size_t k = 0; k < keys.size(); ++k) out << pad_right(keys[k]->path, widths[k]) << "  ";
  const bool to_precision = o.precision && outcome.precision.size() == n;
  out << "goodput (95% CI)        P5      P95     wall mean"
      << (recoveries ? "   recovery P50       P95" : "") << (priced ? "      cost mean" : "")
      << (to_precision ? "      reps  estimate (95% CI)" : "") << "\n";
  for (std::size_t i = 0; i < n; ++i) {
    out << point_name(run.points[i].index) << "  ";
    for (std::size_t k = 0; k < keys.size(); ++k) {
      out << pad_right(run.points[i].parameters[k].text, widths[k]) << "  ";
    }
    char buf[200];
    std::snprintf(buf, sizeof buf, "%.4f +/- %.4f   %.4f   %.4f   %9.1f h", (*gm)[i], (*gci)[i],
                  (*g5)[i], (*g95)[i], (*wm)[i]);
    out << buf;
    if (recoveries) {
      out << "   " << pad_left(recovery_text((*r50)[i]), 12) << "  "
          << pad_left(recovery_text((*r95)[i]), 8);
    }
    if (priced) {
      std::snprintf(buf, sizeof buf, "   $%9s M", sim::with_commas((*cm)[i] / 1e6, 1).c_str());
      out << buf;
    }
    if (to_precision) {
      const PointPrecision& p = outcome.precision[i];
      std::snprintf(buf, sizeof buf, "  %8s  %.6g +/- %.4g%s%s",
                    sim::with_commas(static_cast<double>(p.replications)).c_str(), p.mean,
                    p.half_width, p.controlled ? " (control)" : " (plain)",
                    p.reached ? "" : " NOT REACHED");
      out << buf;
    }
    if (dnf && (*dnf)[i] > 0) {
      const long long n = to_precision ? static_cast<long long>(outcome.precision[i].replications)
                                       : static_cast<long long>(o.replications);
      std::snprintf(buf, sizeof buf, "   DNF %.0f/%lld", (*dnf)[i], n);
      out << buf;
    }
    out << "\n";
  }
  if (dnf && std::any_of(dnf->begin(), dnf->end(), [](double v) { return v > 0; })) {
    const models::MonteCarloSpec& mc = base.montecarlo;
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", mc.max_wall_factor);
    out << "\nDNF n/N: did not finish, n of the N replications simulated " << buf
        << " x the work without finishing\n"
        << "(montecarlo.max_wall_factor). They are censored there: the point's goodput is an "
           "upper bound,\nits wall time and cost lower bounds. /summary column 'unfinished'.\n";
  }
}

}  // namespace

int sweep_command(const std::vector<std::string>& args, const sim::ProcessGroup& group) {
  const std::atomic<int>& stop = stop_on_interrupt();
  po::options_description opts(kSweepHelp);
  std::string output = "sweep.h5";
  std::string csv;
  // clang-format off
  opts.add_options()
      ("help,h", "show this help")
      ("csv", po::value(&csv), "also write /summary (one row per point) as CSV to this file, "
                               "for readers without HDF5")
      ("output,o", po::value(&output)->default_value(output), "HDF5 results file; completed points wait in <output>.parts/")
      ("resume", "continue an interrupted sweep from <output>.parts/ (same scenario, --set, --reps and --seed)")
      ("force", "overwrite an output file that holds something other than this sweep")
      ("recovery-times", "record every recovery's duration (failure to computing again): "
                         "/summary gets its P50/P95, each point recovery_h; ~8 bytes per recovery");
  // clang-format on
  PrecisionArgs precision;
  precision.add_to(opts, " per point");
  ScenarioArgs a;
  ScenarioArgHelp help;
  help.reps = "replications per point (default: montecarlo.replications, else 1000)";
  help.seed = "random seed >= 0, the same for every point (default: montecarlo.seed, else 1)";
  help.set =
      "override a base scenario value before the sweep is applied: --set key.path=value "
      "(repeatable); --set 'sweep={...}' replaces the sweep";
  help.quiet = "no progress or notes on stderr";
  const auto parsed = parse_scenario_command("sweep", args, opts, a, help);
  if (!parsed) return 0;
  const po::variables_map& vm = *parsed;
  if (output.empty()) throw UsageError("sweep", "--output must not be empty");
  check_output_path("sweep", output);
  if (vm.count("csv")) {
    if (csv.empty()) throw UsageError("sweep", "--csv must not be empty");
    if (same_file_path(csv, output)) {
      throw UsageError("sweep", "--csv and --output name the same file");
    }
    check_output_path("sweep", csv);
  }
  const std::optional<models::PrecisionTarget> target = precision.target("sweep", vm, a);

  sim::ConfigNode root = a.load();
  const models::SweepSpec spec = models::read_sweep(root);
  if (spec.empty()) {
    models::scenario_from_config(root, a.scenario_path);  // a broken scenario says so first
  }
  for (const std::string& o : a.overrides) {
    const std::string key = o.substr(0, o.find('='));
    for (const models::SweepKey* k : spec.keys()) {
      if (k->path == key && !a.quiet) {
        std::cerr << "goodsim sweep: note: the sweep sets '" << key << "' on every point, so --set "
                  << o << " only changes the base scenario\n";
      }
    }
  }
  SweepRun run;
  run.points = models::expand_sweep(root, spec, a.scenario_path);
  run.scenario_file = a.scenario_path;
  run.command_line = command_line("sweep", args);

  SweepOptions options;
  const models::Scenario& base = run.points.front().scenario;  // montecarlo is never swept
  options.output = output;
  options.replications = a.replications_or(base.montecarlo.replications);
  options.seed = a.seed_or(base.montecarlo.seed);
  options.threads = resolve_threads(a.threads, "sweep", group);
  options.resume = vm.count("resume") > 0;
  options.force = vm.count("force") > 0;
  options.quiet = a.quiet;
  options.recovery_times = vm.count("recovery-times") > 0;
  options.stop = &stop;
  options.group = &group;
  if (target) {
    for (const models::SweepPoint& p : run.points) {
      if (target->metric == models::PrecisionMetric::kCostUsd && !models::priced(p.scenario)) {
        throw UsageError("sweep", "--precision-of cost_usd needs priced points (cost.*)");
      }
      if (precision.explicit_control() && !models::has_controls(p.scenario)) {
        throw UsageError("sweep",
                         "--estimator control needs exponential failures with a known "
                         "node MTBF on every point (point " +
                             point_name(p.index) + " has not)");
      }
    }
    options.precision = target;
    options.replications = 0;
  }
  // Each point streams its results to its part; a point's summary keeps its figures.
  if (!options.precision) check_replications_fit("sweep", base, options.replications);
  sim::ConfigNode as_run = root;  // each point's `auto` interval: its checkpoint_interval_h
  set_montecarlo_as_run(as_run, options.seed,
                        options.precision ? std::nullopt : std::optional(options.replications));
  run.scenario_yaml = sim::to_yaml(as_run);
  run.fingerprint =
      sweep_fingerprint(root, spec, options.replications, options.seed, options.recovery_times,
                        input_files_digest(run.points), options.precision);
  // Once every point is valid: `auto` is each point's own optimum (its MTBF, spares, ...).
  const auto auto_points = std::count_if(run.points.begin(), run.points.end(), [](const auto& p) {
    return p.scenario.checkpoint.interval_auto;
  });
  if (auto_points > 0 && !a.quiet) {
    std::cerr << "goodsim sweep: choosing checkpoint.interval 'auto' by simulation for "
              << auto_points << (auto_points == 1 ? " point\n" : " points\n");
  }
  for (models::SweepPoint& p : run.points) {
    models::resolve_auto_interval(p.scenario, options.threads);
  }

  const SweepOutcome outcome = run_sweep(run, options);
  if (!group.is_root()) return 0;  // the root writes and prints
  if (!csv.empty()) write_csv(csv, outcome.summary);
  const auto short_points = std::count_if(outcome.precision.begin(), outcome.precision.end(),
                                          [](const PointPrecision& p) { return !p.reached; });
  if (short_points > 0) {
    std::cerr << "goodsim sweep: warning: " << short_points
              << (short_points == 1 ? " point" : " points")
              << " stopped at --max-reps before reaching --precision (NOT REACHED below)\n";
  }
  print_sweep_report(std::cout, run, spec, options, outcome,
                     workers_text(options.threads, group.size()));
  std::cout << "\nresults    " << output << "\n";
  if (!csv.empty()) std::cout << "csv        " << csv << "\n";
  return 0;
}

}  // namespace goodsim::cli
