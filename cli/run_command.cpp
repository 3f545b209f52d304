// goodsim run SCENARIO: simulate, summarise on stdout, store every replication in HDF5.

#include <boost/program_options.hpp>
#include <chrono>
#include <iostream>

#include "cli/commands.h"
#include "cli/progress.h"
#include "cli/report.h"
#include "cli/results_file.h"
#include "models/monte_carlo.h"
#include "models/scenario_loader.h"

namespace goodsim::cli {

namespace po = boost::program_options;

namespace {

constexpr const char* kRunHelp = R"(usage: goodsim run SCENARIO [options]

Simulates the scenario's Monte Carlo replications (each from its own random stream derived
from (seed, replication index), so results do not depend on --threads), prints a summary and
writes every replication to an HDF5 file. The file is written under a temporary name and
renamed when complete; nothing is written if the scenario is rejected.

Durations in scenarios and --set values take a unit: 90s, 5min, 2h, 54d, 1w.

example:
  goodsim run scenarios/default.yaml -o results.h5 --reps 2000 --set cluster.spares=32

options)";

}  // namespace

int run_command(const std::vector<std::string>& args) {
  po::options_description opts(kRunHelp);
  std::string output = "results.h5";
  std::int64_t reps = 0;
  std::int64_t seed = -1;
  std::int64_t threads = 0;
  std::vector<std::string> overrides;
  // clang-format off
  opts.add_options()
      ("help,h", "show this help")
      ("output,o", po::value(&output)->default_value(output), "HDF5 results file")
      ("no-output", "do not write a results file")
      ("reps,r", po::value(&reps), "replications (default: montecarlo.replications, else 1000)")
      ("seed,s", po::value(&seed), "random seed >= 0 (default: montecarlo.seed, else 1)")
      ("threads,t", po::value(&threads)->default_value(0), "worker threads; 0 = all cores")
      ("set", po::value(&overrides)->composing(), "override a scenario value: --set key.path=value (repeatable)")
      ("quiet,q", "no progress output on stderr");
  // clang-format on
  po::options_description hidden;
  std::string scenario_path;
  hidden.add_options()("scenario", po::value(&scenario_path));
  po::options_description all;
  all.add(opts).add(hidden);
  po::positional_options_description pos;
  pos.add("scenario", 1);
  po::variables_map vm;
  po::store(po::command_line_parser(args).options(all).positional(pos).run(), vm);
  if (vm.count("help")) {
    std::cout << opts << "\n";
    return 0;
  }
  po::notify(vm);
  if (scenario_path.empty()) throw UsageError("run", "missing SCENARIO (a YAML file)");
  if (vm.count("reps") && reps < 1) throw UsageError("run", "--reps must be >= 1");
  if (vm.count("seed") && seed < 0) throw UsageError("run", "--seed must be >= 0");
  const bool write_output = !vm.count("no-output");
  if (write_output && output.empty()) throw UsageError("run", "--output must not be empty");

  sim::ConfigNode root = sim::load_config_file(scenario_path);
  for (const std::string& o : overrides) sim::apply_override(root, o);
  const models::Scenario scenario = models::scenario_from_config(root, scenario_path);
  if (root.find("sweep")) {
    std::cerr << "goodsim run: note: simulating the base scenario only; the sweep block is "
                 "ignored (use goodsim sweep to run its points)\n";
  }

  RunInfo info;
  info.replications = vm.count("reps") ? reps : scenario.montecarlo.replications;
  info.seed = vm.count("seed") ? static_cast<std::uint64_t>(seed) : scenario.montecarlo.seed;
  info.threads = resolve_threads(threads, "run");

  ProgressPrinter progress("replications", !vm.count("quiet"));
  models::RunOptions run;
  run.replications = info.replications;
  run.seed = info.seed;
  run.threads = info.threads;
  run.progress = [&progress](std::size_t done, std::size_t total) { progress(done, total); };

  const auto start = std::chrono::steady_clock::now();
  const auto results = models::run_replications(scenario, run);
  info.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const models::RunSummary summary = models::summarize(scenario, results);

  if (write_output) {
    const PointResults point{&scenario, results, &summary};
    write_results_file(output, scenario, info.seed, std::span(&point, 1));
  }
  print_run_report(std::cout, scenario, summary, info);
  if (write_output) std::cout << "\nresults    " << output << "\n";
  return 0;
}

}  // namespace goodsim::cli
