#pragma once
// Writes a run's results in the layout of docs/output.md (DESIGN.md "HDF5 layout"):
// root attributes, one group per point with per-replication datasets, and /summary.
// The file appears only when complete: it is written to a temporary name and renamed.

#include <span>
#include <string>

#include "models/monte_carlo.h"
#include "models/replication_result.h"
#include "models/scenario.h"

namespace goodsim::cli {

struct PointResults {
  const models::Scenario* scenario;
  std::span<const models::ReplicationResult> replications;
  const models::RunSummary* summary;
};

void write_results_file(const std::string& path, const models::Scenario& base, std::uint64_t seed,
                        std::span<const PointResults> points);

}  // namespace goodsim::cli
