// goodsim recommend SCENARIO --vary KEY=VALUES: simulates every candidate value of one key with
// common random numbers and recommends the cheapest (or the cheapest that meets a P95 deadline),
// with the evidence: a table of candidates, paired differences, what a spare costs and when it
// pays for itself, and the spare-pool Markov chain beside the simulated figures
// (docs/cost-and-spares.md).

#include <boost/program_options.hpp>
#include <iostream>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "cli/commands.h"
#include "cli/recommend_candidates.h"
#include "cli/recommend_report.h"
#include "cli/recommend_search.h"
#include "cli/recommend_sequential.h"
#include "cli/replication_memory.h"
#include "cli/scenario_args.h"
#include "models/checkpoint/auto_interval.h"
#include "models/cost.h"
#include "models/scenario_loader.h"
#include "sim/config.h"
#include "sim/process_group.h"

namespace goodsim::cli {

namespace po = boost::program_options;
using recommend::Candidate;
using recommend::Evaluated;
using recommend::kCommand;
using recommend::Sequential;
using recommend::Vary;

namespace {

constexpr const char* kRecommendHelp =
    R"(usage: goodsim recommend SCENARIO --vary KEY=VALUES [options]

Simulates the scenario once per candidate value of KEY and recommends one: the candidate with
the lowest expected cost (--min-cost, the default), or the cheapest candidate whose P95 wall
time meets a deadline (--deadline-p95). The scenario must be priced (cost.node_hour_usd).

VALUES is a range a..b (integers, step 1), a range with a step a..b:step (integers, numbers or
durations; b is included when the steps land on it), or a list a,b,c. Durations take a unit:
90s, 5min, 2h, 54d, 1w. KEY must be a value the scenario sets (after extends and --set): a
number or a duration, or a name such as recovery.strategy, whose candidates are a list of
names (hot_spare,checkpointless,requeue,elastic). Every candidate is checked before anything
is simulated.

Every candidate uses the same seed, so replication i of every candidate sees the same failure
proposals and repair times (common random numbers): candidates are compared on the same luck,
and the standard errors of their differences, estimated from paired replications, are much
smaller than those of the figures themselves.

With --confidence P and --indifference X (dollars) the count is not fixed: the candidates run
in blocks of 256 paired replications and Kim & Nelson's fully sequential procedure drops the
clearly costlier ones after each block, until one is left. If the cheapest candidate's
expected cost is lower than every other's by at least X, it is recommended with probability
at least P. (With --min-cost only; caps at --max-reps per candidate.)

Exit codes: 0 a recommendation was made; 2 bad input (nothing is simulated); 4 no candidate
meets the --deadline-p95 (the table is still printed).

examples:
  goodsim recommend scenarios/default.yaml --vary cluster.spares=8..24:4 --reps 200
  goodsim recommend scenarios/default.yaml --vary cluster.spares=8,12,16 --deadline-p95 1500h
  goodsim recommend scenarios/default.yaml --vary checkpoint.interval=10min,20min,30min
  goodsim recommend scenarios/strategies-16k.yaml --vary recovery.strategy=hot_spare,checkpointless,requeue,elastic --reps 200
  goodsim recommend scenarios/default.yaml --vary cluster.spares=8..24:4 --confidence 0.95 --indifference 100000

options)";

[[noreturn]] void usage(const std::string& message) {
  throw UsageError(kCommand, message);
}

// Only the root holds the candidates' figures and ranks them; every rank exits with its code,
// so that mpirun's status is the recommendation's (4: none meets the deadline).
int root_exit_code(const sim::ProcessGroup& group, int code) {
  const int mine[] = {code};
  return sim::all_gather_values<int>(group, mine).front();
}

}  // namespace

int recommend_command(const std::vector<std::string>& args, const sim::ProcessGroup& group) {
  po::options_description opts(kRecommendHelp);
  std::string vary_arg;
  std::string deadline_arg;
  Sequential sequential;
  // clang-format off
  opts.add_options()
      ("help,h", "show this help")
      ("vary", po::value(&vary_arg), "the key and its candidates: KEY=a..b, KEY=a..b:step or KEY=a,b,c (required)")
      ("min-cost", "recommend the candidate with the lowest expected cost (the default)")
      ("deadline-p95", po::value(&deadline_arg), "recommend the cheapest candidate whose P95 wall time is at most this duration (e.g. 1300h)")
      ("confidence", po::value(&sequential.confidence), "run sequentially until the cheapest is found with this probability (e.g. 0.95), given --indifference; replaces --reps")
      ("indifference", po::value(&sequential.indifference_usd), "with --confidence: the cost difference in dollars below which candidates count as equally good (e.g. 100000)")
      ("max-reps", po::value(&sequential.max_replications)->default_value(sequential.max_replications), "with --confidence: the cap on replications per candidate");
  // clang-format on
  ScenarioArgs a;
  ScenarioArgHelp help;
  help.reps = "replications per candidate, >= 2 (default: montecarlo.replications, else 1000)";
  help.seed = "random seed >= 0, the same for every candidate (default: montecarlo.seed, else 1)";
  help.set =
      "override a scenario value before the candidates are applied: --set key.path=value "
      "(repeatable)";
  help.quiet = "no progress or notes on stderr";
  const auto parsed = parse_scenario_command(kCommand, args, opts, a, help, 2);
  if (!parsed) return 0;
  const po::variables_map& vm = *parsed;
  const bool quiet = a.quiet;
  if (!vm.count("vary")) usage("missing --vary KEY=VALUES, e.g. --vary cluster.spares=0..64:8");
  if (vm.count("min-cost") && vm.count("deadline-p95")) {
    usage("give either --min-cost or --deadline-p95, not both");
  }
  std::optional<double> deadline_h;
  if (vm.count("deadline-p95")) {
    deadline_h = sim::parse_hours(deadline_arg);
    if (!deadline_h) {
      usage("--deadline-p95: expected a duration with a unit (e.g. 1300h, 54d), got '" +
            deadline_arg + "'");
    }
    if (!(*deadline_h > 0.0)) usage("--deadline-p95 must be > 0");
  }
  const bool to_confidence = vm.count("confidence") > 0;
  if (to_confidence) {
    if (!(sequential.confidence > 0.0 && sequential.confidence < 1.0)) {
      usage("--confidence must be between 0 and 1 (e.g. 0.95)");
    }
    if (!vm.count("indifference") || !(sequential.indifference_usd > 0.0)) {
      usage("--confidence needs --indifference, a cost difference in dollars > 0 (e.g. 100000)");
    }
    if (deadline_h) usage("--confidence works with --min-cost, not --deadline-p95");
    if (a.reps) usage("--reps and --confidence exclude each other: --confidence chooses the count");
    if (sequential.max_replications < 2) usage("--max-reps must be >= 2");
  } else {
    for (const char* companion : {"indifference", "max-reps"}) {
      if (!vm[companion].defaulted() && vm.count(companion)) {
        usage(std::string("--") + companion + " needs --confidence");
      }
    }
  }
  const unsigned thread_count = resolve_threads(a.threads, kCommand, group);
  const Vary vary = recommend::parse_vary(vary_arg);

  // Everything is checked before anything is simulated.
  sim::ConfigNode root = a.load();
  models::TraceCache traces;  // the candidates share one copy of a trace
  models::Scenario base = models::scenario_from_config(root, a.scenario_path, traces);
  recommend::check_varied_key(root, vary);
  std::vector<Evaluated> ev;
  for (const Candidate& c : vary.candidates) {
    Evaluated e;
    e.candidate = c;
    e.scenario = recommend::candidate_scenario(root, vary, c, a.scenario_path, traces);
    if (!models::priced(e.scenario)) {
      usage(
          "the scenario has no prices; recommend compares costs: set cost.node_hour_usd (e.g. "
          "--set cost.node_hour_usd=90)");
    }
    ev.push_back(std::move(e));
  }
  if (root.find("sweep") && !quiet) {
    std::cerr << "goodsim recommend: note: the sweep block is ignored; only --vary is simulated\n";
  }

  const std::int64_t replications = a.replications_or(base.montecarlo.replications);
  if (replications < 2) usage("montecarlo.replications must be >= 2 for recommend (use --reps)");
  const std::uint64_t run_seed = a.seed_or(base.montecarlo.seed);

  // `auto` is each candidate's own optimum; the base is printed with its own.
  models::resolve_auto_interval(base, thread_count);
  for (Evaluated& e : ev) models::resolve_auto_interval(e.scenario, thread_count);
  if (to_confidence) {
    if (ev.size() < 2) usage("--confidence needs at least two candidates");
    return recommend::recommend_sequentially(base, vary.key, ev, sequential, run_seed, thread_count,
                                             group);
  }

  check_candidates_fit(base, replications, ev.size());

  // Simulate: the same seed for every candidate (common random numbers), then rank and report.
  const double seconds =
      recommend::simulate_candidates(ev, replications, run_seed, thread_count, group, quiet);
  const recommend::RunFacts run{replications, run_seed, thread_count, group.size(), seconds};
  int code = 0;
  if (group.is_root()) {
    code = recommend::print_recommendation(
        std::cout, base, vary.key, ev, recommend::rank_candidates(ev, deadline_h), deadline_h, run);
  }
  return root_exit_code(group, code);
}

}  // namespace goodsim::cli
