#include "models/monte_carlo.h"

#include "models/replication.h"

namespace goodsim::models {

std::vector<ReplicationResult> run_replications(const Scenario& scenario,
                                                const RunOptions& options) {
  std::vector<ReplicationResult> results(static_cast<std::size_t>(options.replications));
  sim::parallel_for(
      results.size(), options.threads,
      [&](std::size_t i) { results[i] = simulate_replication(scenario, options.seed, i); },
      options.progress);
  return results;
}

double paid_node_hours(const Scenario& scenario, const ReplicationResult& r) {
  return static_cast<double>(scenario.cluster.nodes + scenario.cluster.spares) * r.wall_h;
}

RunSummary summarize(const Scenario& scenario, std::span<const ReplicationResult> results) {
  RunSummary out;
  const std::size_t n = results.size();
  std::vector<double> goodput(n), wall(n), interruptions(n), cost(n);
  for (std::size_t i = 0; i < n; ++i) {
    const ReplicationResult& r = results[i];
    goodput[i] = r.goodput;
    wall[i] = r.wall_h;
    interruptions[i] = static_cast<double>(r.interruptions);
    for (std::size_t b = 0; b < kBucketCount; ++b) out.bucket_mean_h[b] += r.buckets_h[b];
    out.events += r.events;
    if (scenario.cost.node_hour_usd)
      cost[i] = *scenario.cost.node_hour_usd * paid_node_hours(scenario, r);
  }
  if (n > 0) {
    for (double& b : out.bucket_mean_h) b /= static_cast<double>(n);
  }
  out.goodput = sim::summarize(goodput);
  out.wall_h = sim::summarize(wall);
  out.interruptions = sim::summarize(interruptions);
  if (scenario.cost.node_hour_usd) {
    out.cost_usd = sim::summarize(cost);
    const double productive_gpu_h = scenario.job.work_h * static_cast<double>(scenario.gpus());
    out.usd_per_productive_gpu_hour = out.cost_usd->mean / productive_gpu_h;
  }
  return out;
}

}  // namespace goodsim::models
