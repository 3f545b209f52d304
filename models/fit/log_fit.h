#pragma once
// Everything `goodsim fit` estimates from a failure log over its observation window: the node
// time-to-failure models, a trend test, cause shares and the repair-time fits. A value: the
// report and the cluster fragment are written from it. Method: docs/fitting.md.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "models/fit/failure_log.h"
#include "models/fit/lifetime_fit.h"
#include "models/fit/repair_fit.h"

namespace goodsim::models::fit {

struct CauseShare {
  std::string name;
  std::int64_t count = 0;
  std::int64_t repaired = 0;  // failures of this cause with a repair end
  Estimate share;             // of the failures with a cause; Clopper-Pearson interval
};

struct LogFit {
  std::string file;
  bool timestamps = false;
  Window window;
  std::int64_t nodes = 0;        // observed (--nodes); those never in the log never failed
  std::int64_t nodes_named = 0;  // distinct node names in the log
  std::int64_t failures = 0;     // rows of the log
  std::int64_t opening = 0;      // failures at the window start (not in the rate fits)
  double downtime_h = 0.0;       // node-hours in repair within the window

  // Node time to failure, each node a renewal process (docs/fitting.md).
  ExponentialFit exponential;
  std::optional<WeibullFit> weibull;    // with 2 or more failures in the rate fits
  std::optional<TestResult> shape_one;  // LR test of Weibull shape = 1, with the Weibull fit
  TestResult trend;                     // Laplace test on the exposure scale
  Estimate rate_first_half;             // failures per node-hour, first half of the window
  Estimate rate_second_half;

  std::vector<CauseShare> causes;  // most frequent first; empty without a cause column
  std::int64_t without_cause = 0;  // rows with an empty cause

  bool has_repair_end = false;          // the log has the column
  std::optional<RepairFit> repair;      // with at least one repair end
  std::int64_t without_repair_end = 0;  // rows with an empty repair end
};

// Fits `log` over `window` with `nodes` observed nodes. Throws sim::InputError when the log
// names more than `nodes` nodes (at the row naming the first one too many), or a node fails
// again before its repair ends or at the same time (at that row).
LogFit fit_log(const FailureLog& log, const Window& window, std::int64_t nodes);

}  // namespace goodsim::models::fit
