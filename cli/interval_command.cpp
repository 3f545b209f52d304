// goodsim interval: the optimum checkpoint interval by four formulas, with the goodput each
// implies under Daly's model.

#include <boost/program_options.hpp>
#include <cstdio>
#include <iostream>

#include "cli/commands.h"
#include "cli/scenario_args.h"
#include "models/daly.h"
#include "sim/config.h"
#include "sim/format.h"

namespace goodsim::cli {

using sim::human_duration;
using sim::with_commas;

namespace po = boost::program_options;

namespace {

constexpr const char* kIntervalHelp =
    R"(usage: goodsim interval --mtbf DURATION --write DURATION [--restart DURATION]

Optimum interval between blocking checkpoints under exponential failures:
  Young (1974)        sqrt(2 delta M)
  Daly first order    sqrt(2 delta (M + R))
  Daly higher order   sqrt(2 delta M) [1 + sqrt(delta/2M)/3 + (delta/2M)/9] - delta   (Daly 2006)
  exact               M [1 + W0(-exp(-(delta/M + 1)))], the minimiser of Daly's T_w
and, for each, the goodput T_s / T_w it implies, T_w = M e^(R/M) (e^((tau+delta)/M) - 1) T_s / tau.

M is the MTBF of the whole job: give it with --mtbf, or give --node-mtbf and --nodes.
Durations take a unit: 90s, 5min, 2h, 54d.

example (Daly 2006, Fig. 4):
  goodsim interval --mtbf 6h --write 5min --restart 10min

options)";

double hours_option(const po::variables_map& vm, const std::string& name) {
  const std::string text = vm[name].as<std::string>();
  const auto h = sim::parse_hours(text);
  if (!h) {
    throw UsageError("interval",
                     "--" + name +
                         ": expected a duration with a unit (s, min, h, d), e.g. '30min', got '" +
                         text + "'");
  }
  return *h;
}

}  // namespace

int interval_command(const std::vector<std::string>& args) {
  po::options_description opts(kIntervalHelp);
  std::int64_t nodes = 0;
  // clang-format off
  opts.add_options()
      ("help,h", "show this help")
      ("mtbf", po::value<std::string>(), "MTBF of the whole job (M)")
      ("node-mtbf", po::value<std::string>(), "MTBF of one node; M = node-mtbf / nodes")
      ("nodes", po::value(&nodes), "nodes in the job (with --node-mtbf)")
      ("write", po::value<std::string>(), "blocking checkpoint write time (delta)")
      ("restart", po::value<std::string>()->default_value("0"), "restart + load time after a failure (R)");
  // clang-format on
  const auto parsed = parse_command(args, opts);
  if (!parsed) return 0;
  const po::variables_map& vm = *parsed;
  double mtbf = 0.0;
  if (vm.count("mtbf") && !vm.count("node-mtbf")) {
    mtbf = hours_option(vm, "mtbf");
  } else if (vm.count("node-mtbf") && vm.count("nodes") && !vm.count("mtbf")) {
    if (nodes < 1) throw UsageError("interval", "--nodes must be >= 1");
    mtbf = hours_option(vm, "node-mtbf") / static_cast<double>(nodes);
  } else {
    throw UsageError("interval", "give either --mtbf, or --node-mtbf with --nodes");
  }
  if (!vm.count("write")) throw UsageError("interval", "missing --write");
  const double write = hours_option(vm, "write");
  const double restart = hours_option(vm, "restart");
  if (!(mtbf > 0)) throw UsageError("interval", "the MTBF must be > 0");
  if (!(write > 0)) throw UsageError("interval", "--write must be > 0");
  if (!(restart >= 0)) throw UsageError("interval", "--restart must be >= 0");

  std::cout << "job MTBF M = " << human_duration(mtbf)
            << ", checkpoint write delta = " << human_duration(write)
            << ", restart R = " << human_duration(restart) << "\n\n";
  std::printf("%-20s %12s %12s %10s\n", "method", "interval", "interval_min", "goodput");
  const struct {
    const char* name;
    double tau;
  } rows[] = {
      {"Young 1974", models::daly::young_interval(mtbf, write)},
      {"Daly first order", models::daly::first_order_interval(mtbf, write, restart)},
      {"Daly higher order", models::daly::higher_order_interval(mtbf, write)},
      {"exact (Lambert W)", models::daly::exact_optimal_interval(mtbf, write)},
  };
  for (const auto& row : rows) {
    // Goodput does not depend on the work length in Daly's continuous form.
    const double goodput =
        1.0 / models::daly::expected_wall_time(1.0, mtbf, row.tau, write, restart);
    std::printf("%-20s %12s %12.2f %10.4f\n", row.name, human_duration(row.tau).c_str(),
                row.tau * 60.0, goodput);
  }
  return 0;
}

}  // namespace goodsim::cli
