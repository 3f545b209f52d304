// goodsim fit LOG.csv --nodes N: failure models fitted to a user's failure log, printed with
// their confidence intervals and tests, and written as a cluster fragment for `extends:`.

#include <boost/program_options.hpp>
#include <fstream>
#include <iostream>

#include "cli/commands.h"
#include "cli/scenario_args.h"
#include "models/fit/failure_log.h"
#include "models/fit/fragment.h"
#include "models/fit/log_fit.h"
#include "models/fit/report.h"
#include "sim/atomic_file.h"
#include "sim/error.h"

namespace goodsim::cli {

namespace po = boost::program_options;
namespace fit = models::fit;

namespace {

constexpr const char* kFitHelp = R"(usage: goodsim fit LOG.csv --nodes N [options]

Fits failure models to a failure log and prints them with 95% confidence intervals (hours):
  node time to failure   exponential (node MTBF, exact chi-square CI) and Weibull (shape by
                         profile likelihood, MTBF by the observed information), AIC of both,
                         a likelihood-ratio test of shape = 1, and Laplace's trend test for a
                         rate that changes over the window (early life vs steady state)
  causes                 the share of each cause (exact binomial CI)
  repair time            exponential and lognormal (maximum likelihood) and the empirical
                         distribution, when the log has repair ends
Each node is a renewal process: its clock starts at the window start and restarts at each
failure (or at the end of its repair); nodes that never fail count, censored at the window
end. docs/fitting.md has the method and its assumptions.

LOG.csv has a header row; columns are found by name (ignoring case), in any order, others
are ignored:
  time        time, timestamp, failure_time, failed_at, date: an ISO 8601 timestamp
              (2024-05-01T12:00:00Z; no zone = UTC), or a duration from the window start
              (36h, 90min; a bare number is hours). Every row takes the first row's kind.
  node        node, host, hostname, node_name, server, machine: any name
  cause       cause, reason, category, failure_cause (optional; may be empty)
  repair_end  repair_end, repaired_at, repair_end_time, resolved_at (optional; may be
              empty): when the node was back, of the same kind as time
Lines starting with # are skipped. A bad row is refused at file:line:column (exit code 2).

example:
  goodsim fit scenarios/logs/generated-failures.csv --nodes 256 \
      --window-start 2024-01-01T00:00:00Z --window-end 90d -o fitted-cluster.yaml

options)";

fit::LogColumns parse_columns(const std::vector<std::string>& specs) {
  fit::LogColumns columns;
  for (const std::string& spec : specs) {
    const auto eq = spec.find('=');
    const std::string role = spec.substr(0, eq);
    const std::string name = eq == std::string::npos ? "" : spec.substr(eq + 1);
    std::string* slot = role == "time"         ? &columns.time
                        : role == "node"       ? &columns.node
                        : role == "cause"      ? &columns.cause
                        : role == "repair_end" ? &columns.repair_end
                                               : nullptr;
    if (slot == nullptr || name.empty()) {
      throw UsageError("fit",
                       "--column: expected ROLE=NAME with ROLE one of time, node, cause, "
                       "repair_end, got '" +
                           spec + "'");
    }
    *slot = name;
  }
  return columns;
}

std::optional<fit::WindowBound> window_bound(const po::variables_map& vm, const std::string& name) {
  if (!vm.count(name)) return std::nullopt;
  const std::string text = vm[name].as<std::string>();
  auto bound = fit::parse_window_bound("--" + name, text);
  if (!bound) {
    throw UsageError("fit", "--" + name +
                                ": expected an ISO 8601 timestamp (2024-05-01T00:00:00Z) or a "
                                "duration with a unit (90d), got '" +
                                text + "'");
  }
  return bound;
}

fit::FragmentChoice choose(const fit::LogFit& f, const std::string& failure,
                           const std::string& repair) {
  fit::FragmentChoice c = fit::lower_aic_choice(f);
  if (failure == "weibull" || failure == "exponential") {
    if (failure == "weibull" && !f.weibull) {
      throw UsageError("fit", "--failure-model weibull: the log has too few failures to fit it");
    }
    c.failure_model = failure;
    c.why_failure = "--failure-model";
  } else if (failure != "auto") {
    throw UsageError(
        "fit", "--failure-model: expected auto, exponential or weibull, got '" + failure + "'");
  }
  if (repair == "exponential" || repair == "lognormal" || repair == "empirical") {
    if (!f.repair || (repair == "lognormal" && !f.repair->lognormal)) {
      throw UsageError("fit", "--repair-model " + repair + ": the log has too few repair ends");
    }
    c.repair_model = repair;
    c.why_repair = "--repair-model";
  } else if (repair != "auto") {
    throw UsageError("fit",
                     "--repair-model: expected auto, exponential, lognormal or "
                     "empirical, got '" +
                         repair + "'");
  }
  return c;
}

void write_fragment(const std::string& path, const std::string& text) {
  sim::AtomicFile out(path);
  {
    std::ofstream f(out.temp_path(), std::ios::binary);
    f << text;
    f.close();
    if (!f) throw std::runtime_error("cannot write " + out.temp_path().string());
  }
  out.commit();
}

}  // namespace

int fit_command(const std::vector<std::string>& args) {
  po::options_description opts(kFitHelp);
  std::int64_t nodes = 0;
  std::string failure_model = "auto", repair_model = "auto", output;
  std::vector<std::string> column_specs;
  // clang-format off
  opts.add_options()
      ("help,h", "show this help")
      ("nodes", po::value(&nodes), "nodes observed over the window (required): every node "
                                   "that could have failed, also those absent from the log")
      ("window-start", po::value<std::string>(), "start of the observation window, an ISO 8601 "
                          "timestamp (default: the first failure, which then opens the window "
                          "and is not counted). Not for logs of durations: their zero is the start")
      ("window-end", po::value<std::string>(), "end of the window: an ISO 8601 timestamp, or "
                          "its length as a duration (90d) (default: the last failure)")
      ("column", po::value(&column_specs)->composing(), "ROLE=NAME: the header of the time, "
                          "node, cause or repair_end column (repeatable), e.g. time=failed_utc")
      ("failure-model", po::value(&failure_model), "model written to -o: auto (the lower AIC), "
                                                   "exponential or weibull")
      ("repair-model", po::value(&repair_model), "repair model written to -o: auto (the lower "
                          "AIC of exponential and lognormal), exponential, lognormal, empirical")
      ("output,o", po::value(&output), "write a cluster YAML fragment for `extends:` "
                                       "(cluster.failure, .repair, .causes), commented with the fit")
      ("mtbf-uncertainty", "with -o: write node_mtbf as the fit's sampling distribution "
                           "(lognormal), so that each replication draws its own MTBF and the "
                           "goodput bands include what the log leaves unknown");
  // clang-format on
  std::string log_path;
  po::options_description hidden;
  hidden.add_options()("log", po::value(&log_path));
  po::options_description all;
  all.add(opts).add(hidden);
  po::positional_options_description pos;
  pos.add("log", 1);
  po::variables_map vm;
  po::store(po::command_line_parser(args).options(all).positional(pos).run(), vm);
  if (vm.count("help")) {
    std::cout << opts << "\n";
    return 0;
  }
  po::notify(vm);
  if (log_path.empty()) throw UsageError("fit", "missing LOG.csv (a failure log)");
  if (!vm.count("nodes")) {
    throw UsageError("fit",
                     "missing --nodes: how many nodes were observed over the window "
                     "(nodes that never failed count too)");
  }
  if (nodes < 1) throw UsageError("fit", "--nodes must be >= 1");
  const fit::LogColumns columns = parse_columns(column_specs);
  const auto start = window_bound(vm, "window-start");
  const auto end = window_bound(vm, "window-end");
  if (!output.empty()) check_output_path("fit", output);

  const fit::FailureLog log = fit::read_failure_log(log_path, columns);
  const fit::Window window = fit::resolve_window(log, start, end);
  const fit::LogFit result = fit::fit_log(log, window, nodes);
  fit::FragmentChoice choice = choose(result, failure_model, repair_model);
  choice.mtbf_uncertainty = vm.count("mtbf-uncertainty") > 0;
  for (const std::string& line : fit::report_lines(result, choice)) std::cout << line << "\n";
  if (output.empty()) return 0;
  if (result.exponential.failures == 0) {
    throw sim::InputError(sim::SourceLocation{log.file}, "",
                          "no failure inside the window to fit: nothing written to " + output);
  }
  std::string command = "goodsim fit";
  for (const std::string& a : args) command += " " + a;
  write_fragment(output, fit::cluster_fragment(result, choice, command));
  std::cout << "\nfragment   " << output << " (cluster.failure: " << choice.failure_model
            << (result.repair ? ", cluster.repair: " + choice.repair_model : std::string())
            << (result.causes.empty() ? "" : ", cluster.causes") << ")\n";
  return 0;
}

}  // namespace goodsim::cli
