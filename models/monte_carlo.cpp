#include "models/monte_carlo.h"

#include <algorithm>
#include <stdexcept>

#include "models/replication.h"
#include "models/replication_bytes.h"

namespace goodsim::models {

namespace {
// This rank's share of `options`' replications, run on its own threads.
RunOptions rank_share(const RunOptions& options, const sim::ProcessGroup& group) {
  const sim::Slice mine =
      sim::slice_of(static_cast<std::size_t>(options.replications), group.rank(), group.size());
  RunOptions local = options;
  local.group = nullptr;
  local.first_replication = options.first_replication + static_cast<std::int64_t>(mine.begin);
  local.replications = static_cast<std::int64_t>(mine.end - mine.begin);
  return local;
}
}  // namespace

std::vector<ReplicationResult> run_replications(const Scenario& scenario,
                                                const RunOptions& options) {
  if (scenario.checkpoint.interval_auto && !scenario.checkpoint.interval_search) {
    throw std::logic_error(
        "checkpoint.interval 'auto' is not resolved: call models::resolve_auto_interval first");
  }
  if (options.group != nullptr && options.group->size() > 1) {
    const sim::ProcessGroup& group = *options.group;
    const auto n = static_cast<std::size_t>(options.replications);
    RunOptions local = rank_share(options, group);
    if (options.progress && local.replications > 0) {
      // Ranks run at about the same pace: this rank's share stands for the whole run.
      local.progress = [&options, n, share = static_cast<std::size_t>(local.replications)](
                           std::size_t done, std::size_t) {
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

void stream_replications(const Scenario& scenario, const RunOptions& options, const BlockSink& sink,
                         std::int64_t block_size) {
  const bool ranks = options.group != nullptr && options.group->size() > 1;
  for (std::int64_t done = 0; done < options.replications; done += block_size) {
    RunOptions block = options;
    block.first_replication = options.first_replication + done;
    block.replications = std::min(block_size, options.replications - done);
    // Progress after each block, not within it: parallel_for's progress polling would hold
    // every block until its next 5-ms tick.
    block.progress = {};
    std::vector<ReplicationResult> results;
    if (ranks) {
      const sim::ProcessGroup& group = *options.group;
      results = gather_results(group, run_replications(scenario, rank_share(block, group)));
    } else {
      results = run_replications(scenario, block);
    }
    if (!ranks || options.group->is_root()) sink(results);
    if (options.progress) {
      options.progress(static_cast<std::size_t>(done + block.replications),
                       static_cast<std::size_t>(options.replications));
    }
  }
}

double paid_node_hours(const Scenario& scenario, const ReplicationResult& r) {
  return static_cast<double>(scenario.cluster.nodes + scenario.held_spares()) * r.wall_h;
}

RunSummary summarize(const Scenario& scenario, std::span<const ReplicationResult> results) {
  SummaryAccumulator sum(scenario);
  sum.add(results);
  return sum.result();
}

SummaryAccumulator::SummaryAccumulator(const Scenario& scenario) : scenario_(&scenario) {}

void SummaryAccumulator::add(std::span<const ReplicationResult> results) {
  const bool is_priced = priced(*scenario_);
  RunSummary& out = sums_;
  for (const ReplicationResult& r : results) {
    goodput_.push_back(r.goodput);
    wall_.push_back(r.wall_h);
    interruptions_.push_back(static_cast<double>(r.interruptions));
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
    recorded_ |= !r.recovery_h.empty();
    recovery_h_.insert(recovery_h_.end(), r.recovery_h.begin(), r.recovery_h.end());
    out.interruptions_by_cause_mean.resize(r.interruptions_by_cause.size());
    for (std::size_t c = 0; c < r.interruptions_by_cause.size(); ++c) {
      out.interruptions_by_cause_mean[c] += static_cast<double>(r.interruptions_by_cause[c]);
    }
    if (is_priced) {
      const CostBreakdown c = replication_cost(*scenario_, r);
      cost_.push_back(c.total());
      cost_sum_.slots_usd += c.slots_usd;
      cost_sum_.spares_usd += c.spares_usd;
      cost_sum_.repairs_usd += c.repairs_usd;
    }
  }
}

void SummaryAccumulator::reserve(std::size_t replications) {
  for (std::vector<double>* column : {&goodput_, &wall_, &interruptions_}) {
    column->reserve(replications);
  }
  if (priced(*scenario_)) cost_.reserve(replications);
}

RunSummary SummaryAccumulator::result() const {
  const Scenario& scenario = *scenario_;
  RunSummary out = sums_;
  const std::size_t n = wall_.size();
  if (n > 0) {
    for (double& b : out.bucket_mean_h) b /= static_cast<double>(n);
    for (double& c : out.interruptions_by_cause_mean) c /= static_cast<double>(n);
    for (double* m : {&out.recoveries_mean, &out.peer_recoveries_mean, &out.fallbacks_mean,
                      &out.planned_interruptions_mean, &out.pool_failures_mean,
                      &out.sdc_detections_mean, &out.slow_episodes_mean, &out.evictions_mean}) {
      *m /= static_cast<double>(n);
    }
  }
  if (recorded_) out.recovery_h = sim::summarize(recovery_h_);
  out.goodput = sim::summarize(goodput_);
  out.wall_h = sim::summarize(wall_);
  out.interruptions = sim::summarize(interruptions_);
  if (priced(scenario)) {
    out.cost_usd = sim::summarize(cost_);
    const double reps = n > 0 ? static_cast<double>(n) : 1.0;
    out.cost_mean = CostBreakdown{cost_sum_.slots_usd / reps, cost_sum_.spares_usd / reps,
                                  cost_sum_.repairs_usd / reps};
    out.usd_per_productive_gpu_hour = out.cost_usd->mean / productive_gpu_hours(scenario);
  }
  return out;
}

}  // namespace goodsim::models
