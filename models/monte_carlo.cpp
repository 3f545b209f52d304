#include "models/monte_carlo.h"

#include <stdexcept>

#include "models/replication.h"
#include "models/replication_bytes.h"

namespace goodsim::models {

std::vector<ReplicationResult> run_replications(const Scenario& scenario,
                                                const RunOptions& options) {
  if (scenario.checkpoint.interval_auto && !scenario.checkpoint.interval_search) {
    throw std::logic_error(
        "checkpoint.interval 'auto' is not resolved: call models::resolve_auto_interval first");
  }
  if (options.group != nullptr && options.group->size() > 1) {
    const sim::ProcessGroup& group = *options.group;
    const auto n = static_cast<std::size_t>(options.replications);
    const sim::Slice mine = sim::slice_of(n, group.rank(), group.size());
    RunOptions local = options;
    local.group = nullptr;
    local.first_replication = options.first_replication + static_cast<std::int64_t>(mine.begin);
    local.replications = static_cast<std::int64_t>(mine.end - mine.begin);
    if (options.progress && mine.end > mine.begin) {
      // Ranks run at about the same pace: this rank's share stands for the whole run.
      local.progress = [&options, n, share = mine.end - mine.begin](std::size_t done, std::size_t) {
        options.progress(done == share ? n : done * n / share, n);
      };
    }
    return all_gather_results(group, run_replications(scenario, local));
  }
  std::vector<ReplicationResult> results(static_cast<std::size_t>(options.replications));
  sim::parallel_for(
      results.size(), options.threads,
      [&](std::size_t i) {
        const auto index = static_cast<std::uint64_t>(options.first_replication) + i;
        results[i] = simulate_replication(scenario, options.seed, index,
                                          ReplicationOptions{options.record_recoveries});
        // Held until the run ends: drop the growth slack (up to half of the list).
        results[i].recovery_h.shrink_to_fit();
      },
      options.progress, options.stop);
  return results;
}

double paid_node_hours(const Scenario& scenario, const ReplicationResult& r) {
  return static_cast<double>(scenario.cluster.nodes + scenario.held_spares()) * r.wall_h;
}

RunSummary summarize(const Scenario& scenario, std::span<const ReplicationResult> results) {
  RunSummary out;
  const std::size_t n = results.size();
  std::vector<double> goodput(n), wall(n), interruptions(n), cost(n);
  CostBreakdown cost_sum;
  std::vector<double> recovery_h;
  bool recorded = false;
  for (std::size_t i = 0; i < n; ++i) {
    const ReplicationResult& r = results[i];
    goodput[i] = r.goodput;
    wall[i] = r.wall_h;
    interruptions[i] = static_cast<double>(r.interruptions);
    for (std::size_t b = 0; b < kBucketCount; ++b) out.bucket_mean_h[b] += r.buckets_h[b];
    out.events += r.events;
    out.unfinished += r.unfinished ? 1 : 0;
    out.recoveries_mean += static_cast<double>(r.recoveries);
    out.planned_interruptions_mean += static_cast<double>(r.planned_interruptions);
    out.pool_failures_mean += static_cast<double>(r.pool_failures);
    out.sdc_detections_mean += static_cast<double>(r.sdc_detections);
    out.slow_episodes_mean += static_cast<double>(r.slow_episodes);
    out.evictions_mean += static_cast<double>(r.evictions);
    out.peer_recoveries_mean += static_cast<double>(r.peer_recoveries);
    out.fallbacks_mean += static_cast<double>(r.fallbacks);
    recorded |= !r.recovery_h.empty();
    recovery_h.insert(recovery_h.end(), r.recovery_h.begin(), r.recovery_h.end());
    out.interruptions_by_cause_mean.resize(r.interruptions_by_cause.size());
    for (std::size_t c = 0; c < r.interruptions_by_cause.size(); ++c) {
      out.interruptions_by_cause_mean[c] += static_cast<double>(r.interruptions_by_cause[c]);
    }
    if (priced(scenario)) {
      const CostBreakdown c = replication_cost(scenario, r);
      cost[i] = c.total();
      cost_sum.slots_usd += c.slots_usd;
      cost_sum.spares_usd += c.spares_usd;
      cost_sum.repairs_usd += c.repairs_usd;
    }
  }
  if (n > 0) {
    for (double& b : out.bucket_mean_h) b /= static_cast<double>(n);
    for (double& c : out.interruptions_by_cause_mean) c /= static_cast<double>(n);
    for (double* m : {&out.recoveries_mean, &out.peer_recoveries_mean, &out.fallbacks_mean,
                      &out.planned_interruptions_mean, &out.pool_failures_mean,
                      &out.sdc_detections_mean, &out.slow_episodes_mean, &out.evictions_mean}) {
      *m /= static_cast<double>(n);
    }
  }
  if (recorded) out.recovery_h = sim::summarize(recovery_h);
  out.goodput = sim::summarize(goodput);
  out.wall_h = sim::summarize(wall);
  out.interruptions = sim::summarize(interruptions);
  if (priced(scenario)) {
    out.cost_usd = sim::summarize(cost);
    const double reps = n > 0 ? static_cast<double>(n) : 1.0;
    out.cost_mean = CostBreakdown{cost_sum.slots_usd / reps, cost_sum.spares_usd / reps,
                                  cost_sum.repairs_usd / reps};
    out.usd_per_productive_gpu_hour = out.cost_usd->mean / productive_gpu_hours(scenario);
  }
  return out;
}

}  // namespace goodsim::models
