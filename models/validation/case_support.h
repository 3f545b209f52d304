#pragma once
// What every validation case uses: the seed, minutes, the row and the scenarios it starts from.

#include <cstdint>
#include <string>

#include "models/monte_carlo.h"
#include "models/scenario.h"
#include "models/validation.h"

namespace goodsim::models::validation {

inline constexpr double kMin = 1.0 / 60.0;        // one minute, in hours
inline constexpr std::uint64_t kSeed = 20260101;  // every case's replications

ValidationRow row(std::string source, std::string name, std::string published, std::string goodsim,
                  std::string tolerance, Verdict verdict);

// A hot-spare cluster with exponential failures and repairs; callers set checkpoint and recovery.
Scenario cluster_scenario(std::int64_t nodes, std::int64_t spares, double node_mtbf_h,
                          double repair_mean_h, double work_h);

// Daly's assumptions: unlimited spares, instant repair, nothing but restart + load.
Scenario ideal_scenario(std::int64_t nodes, double node_mtbf_h, double work_h, double interval_h,
                        double write_h, double restart_h);

// The summary of `reps` replications with kSeed.
RunSummary simulate(const Scenario& s, std::int64_t reps, unsigned threads);
// As simulate, keeping every recovery's duration (RunSummary::recovery_h).
RunSummary simulate_recoveries(const Scenario& s, std::int64_t reps, unsigned threads);

}  // namespace goodsim::models::validation
