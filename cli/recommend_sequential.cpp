// recommend --confidence (cli/recommend_sequential.h): Kim & Nelson's procedure and its report.

#include "cli/recommend_sequential.h"

#include <algorithm>
#include <chrono>
#include <iostream>

#include "cli/recommend_report.h"
#include "cli/report.h"
#include "cli/text_table.h"
#include "models/cost.h"
#include "models/precision.h"
#include "models/selection.h"
#include "sim/format.h"
#include "sim/statistics.h"

namespace goodsim::cli::recommend {

using sim::format_numbers;

int recommend_sequentially(const models::Scenario& base, const std::string& key,
                           const std::vector<Evaluated>& ev, const Sequential& q,
                           std::uint64_t seed, unsigned threads, const sim::ProcessGroup& group) {
  std::vector<models::Scenario> scenarios;
  for (const Evaluated& e : ev) scenarios.push_back(e.scenario);
  models::SelectionOptions o;
  o.confidence = q.confidence;
  o.indifference = q.indifference_usd;
  o.max_replications = q.max_replications;
  o.first_stage = std::min<std::int64_t>(o.first_stage, q.max_replications);
  o.seed = seed;
  o.threads = threads;
  o.group = &group;
  const auto start = std::chrono::steady_clock::now();
  const models::SelectionResult r =
      models::select_smallest(scenarios, models::replication_cost_usd, o);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  std::ostream& out = std::cout;
  print_scenario(out, base);
  print_vary(out, key, ev);
  out << "objective  the lowest expected cost, with " << format_numbers("%g", 100.0 * q.confidence)
      << " % confidence outside an indifference zone of $" << sim::with_commas(q.indifference_usd)
      << "\n";
  std::int64_t total = 0;
  for (const models::CandidateOutcome& c : r.candidates) {
    total += static_cast<std::int64_t>(c.values.size());
  }
  out << "runs       " << sim::with_commas(static_cast<double>(total))
      << " replications in all: blocks of " << models::kPrecisionBlock
      << " paired replications per candidate still in, first stage " << o.first_stage
      << ", at most " << sim::with_commas(static_cast<double>(o.max_replications)) << " each; seed "
      << seed << " for every candidate, " << workers_text(threads, group.size()) << ", "
      << format_numbers("%.2f s", seconds) << "\n";
  out << "           Kim & Nelson's fully sequential procedure (2001) with half the error\n"
         "           probability: after each block a candidate is dropped when another's mean\n"
         "           cost is lower by more than a margin that shrinks as replications come in\n"
         "           (from the variance of their paired differences over the first stage). The\n"
         "           other half goes to a paired t screen that drops hopeless but noisy\n"
         "           candidates early (one-sided level "
      << format_numbers("%.2g", r.screen_level) << " per pair and look, Bonferroni).\n\n";

  TextTable table({false, true, true, true, false});
  table.row({"candidate", "replications", "mean cost", "95% CI", "status"});
  for (std::size_t i = 0; i < ev.size(); ++i) {
    const models::CandidateOutcome& c = r.candidates[i];
    const sim::SampleSummary s = sim::summarize_mean(c.values);
    std::string status;
    if (i == r.best) {
      status = r.separated ? "recommended" : "recommended (lowest mean at the cap)";
    } else if (c.eliminated) {
      status = "dropped after " + sim::with_commas(static_cast<double>(c.eliminated_at)) +
               ": costlier than " + ev[c.eliminated_by].candidate.text +
               (c.by_screen ? " (t screen)" : " (KN margin)");
    } else {
      status = "still in at the cap";
    }
    // (Appended rather than "$" + text: GCC 12 reports a false -Wrestrict for the latter here.)
    const std::string mean = std::string("$").append(sim::with_commas(s.mean));
    const std::string ci95 = std::string("+/- $").append(sim::with_commas(s.ci95));
    table.row({ev[i].candidate.text, sim::with_commas(static_cast<double>(c.values.size())), mean,
               ci95, status});
  }
  table.print(out);
  const std::string best = ev[r.best].candidate.text;
  out << "\nrecommended " << key << " = " << best << "\n";
  if (r.separated) {
    out << "guarantee  if the cheapest candidate's expected cost is lower than every other's by "
           "at\n"
           "           least $"
        << sim::with_commas(q.indifference_usd)
        << ", this procedure recommends it with probability >= "
        << format_numbers("%g", q.confidence)
        << ".\n           Candidates within that margin of the cheapest are not told apart.\n";
  } else {
    out << "guarantee  none: --max-reps stopped the procedure with several candidates left; the\n"
           "           one with the lowest mean is shown. Raise --max-reps or widen "
           "--indifference.\n";
    std::cerr << "goodsim recommend: warning: --max-reps " << o.max_replications
              << " reached with several candidates left; no confidence statement\n";
  }
  return 0;
}

}  // namespace goodsim::cli::recommend
