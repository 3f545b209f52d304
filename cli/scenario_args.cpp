#include "cli/scenario_args.h"

#include <iostream>

#include "cli/commands.h"

namespace goodsim::cli {

namespace po = boost::program_options;

sim::ConfigNode ScenarioArgs::load() const {
  sim::ConfigNode root = sim::load_config_file(scenario_path);
  for (const std::string& o : overrides) sim::apply_override(root, o);
  return root;
}

std::optional<po::variables_map> parse_command(const std::vector<std::string>& args,
                                               const po::options_description& opts) {
  po::variables_map vm;
  po::store(po::command_line_parser(args).options(opts).run(), vm);
  if (vm.count("help")) {
    std::cout << opts << "\n";
    return std::nullopt;
  }
  po::notify(vm);
  return vm;
}

std::optional<po::variables_map> parse_scenario_command(
    const std::string& command, const std::vector<std::string>& args, po::options_description& opts,
    ScenarioArgs& out, const ScenarioArgHelp& help, std::int64_t min_reps) {
  std::int64_t reps = 0;
  std::int64_t seed = 0;
  // clang-format off
  opts.add_options()
      ("reps,r", po::value(&reps), help.reps)
      ("seed,s", po::value(&seed), help.seed)
      ("threads,t", po::value(&out.threads)->default_value(0), "worker threads; 0 = all cores")
      ("set", po::value(&out.overrides)->composing(), help.set)
      ("quiet,q", help.quiet);
  // clang-format on
  po::options_description hidden;
  hidden.add_options()("scenario", po::value(&out.scenario_path));
  po::options_description all;
  all.add(opts).add(hidden);
  po::positional_options_description pos;
  pos.add("scenario", 1);
  po::variables_map vm;
  po::store(po::command_line_parser(args).options(all).positional(pos).run(), vm);
  if (vm.count("help")) {
    std::cout << opts << "\n";
    return std::nullopt;
  }
  po::notify(vm);
  if (out.scenario_path.empty()) throw UsageError(command, "missing SCENARIO (a YAML file)");
  if (vm.count("reps")) {
    if (reps < min_reps) {
      throw UsageError(command,
                       "--reps must be >= " + std::to_string(min_reps) +
                           (min_reps > 1 ? " (paired standard errors need two replications)" : ""));
    }
    out.reps = reps;
  }
  if (vm.count("seed")) {
    if (seed < 0) throw UsageError(command, "--seed must be >= 0");
    out.seed = seed;
  }
  out.quiet = vm.count("quiet") > 0;
  return vm;
}

void set_montecarlo_as_run(sim::ConfigNode& root, std::uint64_t seed,
                           std::optional<std::int64_t> replications) {
  if (replications) {
    sim::apply_override(root, "montecarlo.replications=" + std::to_string(*replications));
  }
  sim::apply_override(root, "montecarlo.seed=" + std::to_string(seed));
}

std::string command_line(const std::string& command, const std::vector<std::string>& args) {
  std::string out = "goodsim " + command;
  for (const std::string& a : args) {
    const bool plain = !a.empty() && a.find_first_not_of(
                                         "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLM"
                                         "NOPQRSTUVWXYZ0123456789-_.,/=:+") == std::string::npos;
    if (plain) {
      out += " " + a;
      continue;
    }
    out += " '";  // quoted for a POSIX shell: ' becomes '\''
    for (const char c : a) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    out += "'";
  }
  return out;
}

}  // namespace goodsim::cli
