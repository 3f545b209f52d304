#include "models/precision.h"

#include <algorithm>
#include <array>
#include <stdexcept>
#include <string>

#include "models/cost.h"
#include "sim/parallel.h"
#include "sim/statistics.h"

namespace goodsim::models {

namespace {

constexpr std::array<std::pair<PrecisionMetric, std::string_view>, 3> kMetricNames = {{
    {PrecisionMetric::kGoodput, "goodput"},
    {PrecisionMetric::kWallH, "wall_h"},
    {PrecisionMetric::kCostUsd, "cost_usd"},
}};

void check_target(const Scenario& scenario, const PrecisionTarget& target) {
  if (!(target.half_width > 0.0)) {
    throw std::invalid_argument("the precision (CI half-width) must be > 0");
  }
  if (target.min_replications < 2) {
    throw std::invalid_argument("the minimum replication count must be >= 2");
  }
  if (target.max_replications < target.min_replications) {
    throw std::invalid_argument(
        "the maximum replication count (" + std::to_string(target.max_replications) +
        ") is below the minimum (" + std::to_string(target.min_replications) + ")");
  }
  if (target.metric == PrecisionMetric::kCostUsd && !priced(scenario)) {
    throw std::invalid_argument("a precision of cost_usd needs a priced scenario (cost.*)");
  }
  if (target.estimator == Estimator::kControl && !has_controls(scenario)) {
    throw std::invalid_argument(
        "the control-variate estimator needs exponential failures with a known node MTBF");
  }
  if (target.estimator == Estimator::kControl &&
      target.min_replications < static_cast<std::int64_t>(4 * kControlCount)) {
    throw std::invalid_argument("the control-variate estimator needs a minimum of " +
                                std::to_string(4 * kControlCount) + " replications");
  }
}

}  // namespace

std::string_view to_string(PrecisionMetric metric) {
  for (const auto& [m, name] : kMetricNames) {
    if (m == metric) return name;
  }
  return "?";
}

std::optional<PrecisionMetric> precision_metric_from_string(std::string_view name) {
  for (const auto& [m, n] : kMetricNames) {
    if (n == name) return m;
  }
  return std::nullopt;
}

double metric_value(const Scenario& scenario, PrecisionMetric metric, const ReplicationResult& r) {
  switch (metric) {
    case PrecisionMetric::kGoodput:
      return r.goodput;
    case PrecisionMetric::kWallH:
      return r.wall_h;
    case PrecisionMetric::kCostUsd:
      return replication_cost_usd(scenario, r);
  }
  return 0.0;
}

std::vector<double> metric_values(const Scenario& scenario, PrecisionMetric metric,
                                  std::span<const ReplicationResult> results) {
  std::vector<double> x(results.size());
  std::transform(results.begin(), results.end(), x.begin(),
                 [&](const ReplicationResult& r) { return metric_value(scenario, metric, r); });
  return x;
}

double metric_half_width(const Scenario& scenario, PrecisionMetric metric,
                         std::span<const ReplicationResult> results) {
  const std::vector<double> x = metric_values(scenario, metric, results);
  // The same interval, bit for bit, as the summary prints: the run stops on what users read.
  return sim::summarize_mean(x).ci95;
}

std::vector<ControlValues> control_values_block(const Scenario& scenario, const RunOptions& block) {
  const auto n = static_cast<std::size_t>(block.replications);
  const sim::Slice mine = block.group != nullptr
                              ? sim::slice_of(n, block.group->rank(), block.group->size())
                              : sim::Slice{0, n};
  std::vector<ControlValues> counts(mine.end - mine.begin);
  sim::parallel_for(
      counts.size(), block.threads,
      [&](std::size_t i) {
        const auto index = static_cast<std::uint64_t>(block.first_replication) + mine.begin + i;
        counts[i] = control_values(scenario, block.seed, index);
      },
      {}, block.stop);
  if (block.group == nullptr) return counts;
  return sim::all_gather_values<ControlValues>(*block.group, counts);
}

PrecisionRun run_to_precision(const Scenario& scenario, const RunOptions& options,
                              const PrecisionTarget& target, const BlockSink& sink) {
  check_target(scenario, target);
  PrecisionRun out;
  const std::int64_t cap = target.max_replications;
  const bool control = target.estimator == Estimator::kControl;
  ControlAccumulator controls(control ? control_expectations(scenario) : ControlValues{});
  std::vector<double> metric;  // of every replication so far: the half-width needs them all
  for (;;) {
    const auto done = static_cast<std::int64_t>(metric.size());
    RunOptions block = options;
    block.first_replication = done;
    block.replications = std::min(kPrecisionBlock, cap - done);
    // Progress after each block, not within it: parallel_for's progress polling would hold
    // every block until its next 5-ms tick, most of a short block's time.
    block.progress = {};
    {
      const std::vector<ReplicationResult> results = run_replications(scenario, block);
      for (const ReplicationResult& r : results) {
        metric.push_back(metric_value(scenario, target.metric, r));
      }
      sink(results);
    }
    if (control) {
      const std::vector<ControlValues> counts = control_values_block(scenario, block);
      for (std::size_t i = 0; i < counts.size(); ++i) {
        controls.add(metric[static_cast<std::size_t>(done) + i], counts[i]);
      }
    }
    const auto n = static_cast<std::int64_t>(metric.size());
    if (options.progress) {
      options.progress(static_cast<std::size_t>(n), static_cast<std::size_t>(cap));
    }
    if (n < target.min_replications && n < cap) continue;
    // The same interval, bit for bit, as the summary prints: the run stops on what users read.
    out.plain = sim::summarize_mean(metric);
    if (control) {
      out.controlled = controls.result();
      out.half_width = out.controlled->ci95;
    } else {
      out.half_width = out.plain.ci95;
    }
    out.replications = n;
    out.reached = out.half_width <= target.half_width;
    if (out.reached || n >= cap) return out;
  }
}

PrecisionRun run_to_precision(const Scenario& scenario, const RunOptions& options,
                              const PrecisionTarget& target) {
  std::vector<ReplicationResult> all;
  PrecisionRun out = run_to_precision(
      scenario, options, target,
      [&all](std::span<const ReplicationResult> b) { all.insert(all.end(), b.begin(), b.end()); });
  out.results = std::move(all);
  return out;
}

}  // namespace goodsim::models
