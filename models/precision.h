#pragma once
// Runs replications until the mean of one figure is known to a requested precision, instead
// of for a fixed count (docs/model.md, "Precision instead of a replication count").
//
// Replications run in blocks of kPrecisionBlock; after each whole block the 95 % confidence
// interval of the mean is computed from every replication so far, and the run stops once its
// half-width is at most the target. The rule reads only whole blocks, and replication i always
// draws from seed stream i, so the count and every figure are the same for any thread count.

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "models/control_variate.h"
#include "models/monte_carlo.h"
#include "models/replication_result.h"
#include "models/scenario.h"

namespace goodsim::models {

// Fixed so that the count does not depend on the machine: large enough that a block keeps
// two threads busy and the check after it costs nothing, small enough to overshoot little.
inline constexpr std::int64_t kPrecisionBlock = 256;

enum class PrecisionMetric { kGoodput, kWallH, kCostUsd };

// How the mean is estimated: the plain sample mean, or the mean controlled by the failure
// proposal counts (models/control_variate.h; exponential failures with a known MTBF only).
enum class Estimator { kPlain, kControl };

std::string_view to_string(PrecisionMetric metric);  // "goodput", "wall_h", "cost_usd"
std::optional<PrecisionMetric> precision_metric_from_string(std::string_view name);

struct PrecisionTarget {
  PrecisionMetric metric = PrecisionMetric::kGoodput;
  double half_width = 0.0;  // 95 % CI half-width of the mean, in the metric's units
  // Two blocks by default: the variance estimate then rests on 511 degrees of freedom, so an
  // early block that happens to miss the rare long runs cannot stop the run by itself.
  std::int64_t min_replications = 2 * kPrecisionBlock;
  std::int64_t max_replications = 1'000'000;
  Estimator estimator = Estimator::kPlain;
};

struct PrecisionRun {
  std::vector<ReplicationResult> results;  // replications 0 .. n-1, in order (not streamed)
  std::int64_t replications = 0;           // how many ran
  sim::SampleSummary plain;                // summarize_mean of the metric over all of them
  double half_width = 0.0;                 // achieved, over all of `results`
  bool reached = false;                    // false: max_replications ran out first
  // With Estimator::kControl: the controlled mean, whose ci95 is `half_width`.
  std::optional<ControlledMean> controlled;
};

// The metric's value in one replication (cost_usd needs a priced scenario, models/cost.h).
double metric_value(const Scenario& scenario, PrecisionMetric metric, const ReplicationResult& r);

// The metric's value in each replication, in order.
std::vector<double> metric_values(const Scenario& scenario, PrecisionMetric metric,
                                  std::span<const ReplicationResult> results);

// 95 % CI half-width (Student t) of the metric's mean over `results`; 0 below two results.
double metric_half_width(const Scenario& scenario, PrecisionMetric metric,
                         std::span<const ReplicationResult> results);

// The controls (models/control_variate.h) of the replications `block` describes
// (first_replication, replications, seed), spread like run_replications over block.threads
// and block.group; every rank receives all of them.
std::vector<ControlValues> control_values_block(const Scenario& scenario, const RunOptions& block);

// Runs blocks from replication 0 until the target holds (at or after min_replications) or
// max_replications have run; the last block is cut short at max_replications.
// options.replications and options.first_replication are ignored; options.progress is called
// after each block with (replications so far, max_replications).
// Throws std::invalid_argument for a target that cannot be run (half_width <= 0, min > max,
// cost_usd of an unpriced scenario, the control estimator where has_controls is
// false).
PrecisionRun run_to_precision(const Scenario& scenario, const RunOptions& options,
                              const PrecisionTarget& target);

// The same run, streamed: each block goes to `sink` (on every rank), in order, and is freed;
// the result's `results` stays empty. Only the metric's value of each replication is kept
// (8 bytes), because the half-width needs them all.
PrecisionRun run_to_precision(const Scenario& scenario, const RunOptions& options,
                              const PrecisionTarget& target, const BlockSink& sink);

}  // namespace goodsim::models
