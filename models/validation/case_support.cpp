// The shared starting points of the validation cases (models/validation/case_support.h).

#include "models/validation/case_support.h"

#include <utility>

#include "models/repair/repair_distribution.h"

namespace goodsim::models::validation {

ValidationRow row(std::string source, std::string name, std::string published, std::string goodsim,
                  std::string tolerance, Verdict verdict) {
  return {std::move(source),
          std::move(name),
          std::move(published),
          std::move(goodsim),
          std::move(tolerance),
          verdict,
          {}};
}

Scenario cluster_scenario(std::int64_t nodes, std::int64_t spares, double node_mtbf_h,
                          double repair_mean_h, double work_h) {
  Scenario s;
  s.cluster.nodes = nodes;
  s.cluster.spares = spares;
  s.cluster.failure.node_mtbf_h = node_mtbf_h;
  s.cluster.repair.distribution = exponential_repair(repair_mean_h);
  s.job.work_h = work_h;
  return s;
}

Scenario ideal_scenario(std::int64_t nodes, double node_mtbf_h, double work_h, double interval_h,
                        double write_h, double restart_h) {
  Scenario s = cluster_scenario(nodes, std::int64_t{1} << 40, node_mtbf_h, 1e-9, work_h);
  s.checkpoint.interval_h = interval_h;
  s.checkpoint.write_h = write_h;
  s.recovery.restart_h = restart_h;
  return s;
}

RunSummary simulate(const Scenario& s, std::int64_t reps, unsigned threads) {
  return summarize(s, run_replications(s, RunOptions{reps, kSeed, threads, {}}));
}

RunSummary simulate_recoveries(const Scenario& s, std::int64_t reps, unsigned threads) {
  return summarize(s, run_replications(s, RunOptions{reps, kSeed, threads, {}, true}));
}

}  // namespace goodsim::models::validation
