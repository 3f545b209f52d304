#pragma once
// The command-line arguments every simulating command shares: SCENARIO, --reps, --seed,
// --threads, --set and --quiet. Each command adds its own options first and words the help of
// the shared ones for itself (per point, per candidate, ...).

#include <boost/program_options.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sim/config.h"

namespace goodsim::cli {

struct ScenarioArgHelp {
  const char* reps = "replications (default: montecarlo.replications, else 1000)";
  const char* seed = "random seed >= 0 (default: montecarlo.seed, else 1)";
  const char* set = "override a scenario value: --set key.path=value (repeatable)";
  const char* quiet = "no progress output on stderr";
};

struct ScenarioArgs {
  std::string scenario_path;
  std::optional<std::int64_t> reps;
  std::optional<std::int64_t> seed;
  std::int64_t threads = 0;
  std::vector<std::string> overrides;
  bool quiet = false;

  // The scenario document after `extends:` and every --set, not yet validated.
  sim::ConfigNode load() const;
  std::int64_t replications_or(std::int64_t fallback) const { return reps.value_or(fallback); }
  std::uint64_t seed_or(std::uint64_t fallback) const {
    return seed ? static_cast<std::uint64_t>(*seed) : fallback;
  }
};

// Parses `args` against `opts` (no positional arguments). Returns nullopt after printing the
// help for --help.
std::optional<boost::program_options::variables_map> parse_command(
    const std::vector<std::string>& args, const boost::program_options::options_description& opts);

// Adds the shared options to `opts`, parses `args` with SCENARIO as the positional argument
// and checks SCENARIO is given, --reps >= min_reps and --seed >= 0 (UsageError otherwise).
// Returns nullopt after printing the help for --help.
std::optional<boost::program_options::variables_map> parse_scenario_command(
    const std::string& command, const std::vector<std::string>& args,
    boost::program_options::options_description& opts, ScenarioArgs& out,
    const ScenarioArgHelp& help = {}, std::int64_t min_reps = 1);

// Sets montecarlo.seed and, unless nullopt, montecarlo.replications in `root`: the document
// as run, whatever the file said and --seed/--reps changed, for the results file.
void set_montecarlo_as_run(sim::ConfigNode& root, std::uint64_t seed,
                           std::optional<std::int64_t> replications);

// "goodsim <command> <args...>", each argument quoted for a POSIX shell where it needs it:
// how results files record the command that made them.
std::string command_line(const std::string& command, const std::vector<std::string>& args);

}  // namespace goodsim::cli
