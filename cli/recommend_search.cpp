// recommend's search (cli/recommend_search.h): the simulations and the ranking they lead to.

#include "cli/recommend_search.h"

#include <algorithm>
#include <chrono>
#include <span>

#include "cli/progress.h"
#include "models/cost.h"

namespace goodsim::cli::recommend {

double simulate_candidates(std::vector<Evaluated>& ev, std::int64_t replications,
                           std::uint64_t seed, unsigned threads, const sim::ProcessGroup& group,
                           bool quiet) {
  ProgressPrinter progress("recommend", !quiet);
  const auto start = std::chrono::steady_clock::now();
  const std::size_t reps_n = static_cast<std::size_t>(replications);
  const std::size_t total = reps_n * ev.size();
  for (std::size_t k = 0; k < ev.size(); ++k) {
    Evaluated& e = ev[k];
    models::RunOptions run;
    run.replications = replications;
    run.seed = seed;
    run.threads = threads;
    run.group = &group;
    const std::string detail =
        "candidate " + std::to_string(k + 1) + "/" + std::to_string(ev.size()) + ", replications";
    run.progress = [&, k](std::size_t done, std::size_t) {
      progress(k * reps_n + done, total, detail);
    };
    // Streamed block by block: a candidate keeps its summary's figures and, for the paired
    // differences, the cost and wall time of each replication, 16 bytes, not every result.
    // Under MPI only the root receives the blocks: it alone ranks and prints.
    models::SummaryAccumulator summary(e.scenario);
    if (group.is_root()) {
      summary.reserve(reps_n);
      e.cost.reserve(reps_n);
      e.wall.reserve(reps_n);
    }
    models::stream_replications(e.scenario, run,
                                [&](std::span<const models::ReplicationResult> block) {
                                  summary.add(block);
                                  for (const models::ReplicationResult& r : block) {
                                    e.cost.push_back(models::replication_cost_usd(e.scenario, r));
                                    e.wall.push_back(r.wall_h);
                                    e.spare_waits += static_cast<double>(r.spare_waits);
                                    e.repairs += static_cast<double>(r.repairs);
                                    e.wait_spares_h += r.bucket(models::Bucket::kWaitSpares);
                                    e.wall_h += r.wall_h;
                                  }
                                });
    if (group.is_root()) e.summary = summary.result();
    if (const auto chain = models::spare_pool_chain(e.scenario, &e.chain_missing)) {
      e.chain = models::analyse_spare_pool(*chain);
    }
  }
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

sim::SampleSummary paired(const std::vector<double>& a, const std::vector<double>& b) {
  std::vector<double> d(a.size());
  for (std::size_t i = 0; i < a.size(); ++i) d[i] = a[i] - b[i];
  return sim::summarize(d);
}

bool finished(const Evaluated& e) {
  return e.summary.unfinished == 0;
}

bool meets_deadline(const Evaluated& e, std::optional<double> deadline_h) {
  return !deadline_h || e.summary.wall_h.p95 <= *deadline_h;
}

Ranking rank_candidates(const std::vector<Evaluated>& ev, std::optional<double> deadline_h) {
  const auto mean_cost = [&ev](std::size_t i) { return ev[i].summary.cost_usd->mean; };
  Ranking r;
  for (std::size_t i = 0; i < ev.size(); ++i) {
    if (meets_deadline(ev[i], deadline_h) && finished(ev[i])) r.eligible.push_back(i);
  }
  std::stable_sort(r.eligible.begin(), r.eligible.end(),
                   [&](std::size_t a, std::size_t b) { return mean_cost(a) < mean_cost(b); });
  r.recommended = r.eligible.empty() ? kNone : r.eligible.front();
  if (r.eligible.size() >= 2) {
    r.compared = r.eligible[1];
  } else if (r.recommended != kNone) {
    for (std::size_t i = 0; i < ev.size(); ++i) {
      if (i != r.recommended && (r.compared == kNone || mean_cost(i) < mean_cost(r.compared))) {
        r.compared = i;
      }
    }
  }
  return r;
}

}  // namespace goodsim::cli::recommend
