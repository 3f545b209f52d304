#pragma once
// Writes a run's results in the layout of README.md "Results file" and docs/sweeps.md "Output":
// root attributes, one group per point with per-replication datasets, and /summary.
// The file appears only when complete: it is written to a temporary name and renamed.

#include <optional>
#include <span>
#include <string>

#include "models/monte_carlo.h"
#include "models/replication_result.h"
#include "models/scenario.h"
#include "models/sweep.h"
#include "sim/atomic_file.h"
#include "sim/hdf5.h"

namespace goodsim::cli {

// sweep --precision: what a point's rule stopped on, as /summary columns.
struct PointEstimate {
  double mean = 0.0;  // the estimator's mean of the --precision-of figure
  double ci95 = 0.0;  // its 95 % half-width
  bool reached = false;
};

struct PointResults {
  const models::Scenario* scenario;
  std::span<const models::ReplicationResult> replications;
  const models::RunSummary* summary;
  // Swept values of this point (goodsim sweep): group attributes and /summary columns.
  std::span<const models::SweepParameter> parameters = {};
  std::size_t index = 0;  // the point's group is /points/<index as %06zu>
  // Every recovery's duration was recorded (models::RunOptions::record_recoveries): write
  // them as recovery_h, flat in replication order, split by the recoveries dataset.
  bool recovery_times = false;
  // sweep --precision: /summary gets replications, estimate_mean, estimate_ci95 and
  // precision_reached (each point has its own count). Set on every point or on none.
  const PointEstimate* estimate = nullptr;
};

// `run --precision`: the target and the estimate it stopped on, as root attributes.
struct PrecisionRecord {
  std::string metric;      // precision_of: goodput, wall_h or cost_usd
  double target = 0.0;     // precision_target: the requested 95 % CI half-width
  double achieved = 0.0;   // precision_half_width
  bool reached = false;    // precision_reached (0 or 1)
  std::string estimator;   // estimator: "plain mean" or "control variate ..."
  double mean = 0.0;       // estimate_mean
  double std_error = 0.0;  // estimate_std_error
};

// How a file's results were made, stored as root attributes so the file alone says it.
struct RunRecord {
  std::string scenario_yaml;  // the scenario as run: --seed, --reps and `auto` resolved
  std::string command_line;   // "goodsim run scenario.yaml --seed 7"
  unsigned threads = 0;       // per rank
  std::optional<PrecisionRecord> precision;
  int ranks = 1;  // MPI ranks (sim/process_group.h)
};

// The pieces, for goodsim sweep (cli/sweep_parts.cpp), which writes points one at a time.
std::string point_name(std::size_t index);  // "000042"
std::string utc_now_iso8601();

// One point's group, parent/<point_name(index)>, written block by block: the per-replication
// datasets wall_h, goodput, interruptions, recoveries, unfinished, buckets_h, and as they
// apply interruptions_by_cause, cost_usd, fallbacks (checkpointless), planned_interruptions,
// sdc_detections, slow_episodes, evictions and recovery_h. It keeps no result between blocks.
// The hints, the counts expected in the end if known (0: unknown), store few rows as one
// uncompressed chunk, as a dataset written whole is (sim::h5::Group::create_growing).
class PointWriter {
 public:
  PointWriter(sim::h5::Group& parent, const models::Scenario& scenario, std::size_t index,
              bool recovery_times, std::size_t replications_hint = 0,
              std::size_t recoveries_hint = 0);
  void append(std::span<const models::ReplicationResult> block);
  // The group's attributes: the point's resolved settings and its swept values.
  void finish(std::span<const models::SweepParameter> parameters);

 private:
  using Dataset = std::optional<sim::h5::GrowingDataset>;
  const models::Scenario* scenario_;
  sim::h5::Group group_;
  Dataset wall_, goodput_, interruptions_, recoveries_, unfinished_, fallbacks_, recovery_h_,
      planned_, sdc_, slow_, evictions_, buckets_, by_cause_, cost_;
};

// A results file of one point, /points/<point_name(index)>, written while its replications are
// simulated: blocks are appended as they come, and commit adds the point's attributes and
// /summary. The file is written under a temporary name (sim::AtomicFile) and appears under
// `path`, durably, only when commit succeeds; destroyed before that, it removes the temporary
// file. `goodsim run` writes its output so, and `goodsim sweep` each part (cli/sweep_parts.h).
class PointFile {
 public:
  PointFile(const std::string& path, const models::Scenario& scenario, std::size_t index,
            bool recovery_times, std::size_t replications_hint = 0,
            std::size_t recoveries_hint = 0);
  void append(std::span<const models::ReplicationResult> block) { point_->append(block); }
  // For the caller's root attributes, before commit.
  sim::h5::Group& root() { return *root_; }
  // `point.replications` is ignored (the blocks were appended).
  void commit(const PointResults& point);

 private:
  sim::AtomicFile out_;
  std::optional<sim::h5::File> file_;
  std::optional<sim::h5::Group> root_;
  std::optional<sim::h5::Group> points_;
  std::optional<PointWriter> point_;
};

// `goodsim run`'s root attributes: the version, commit, scenario as run, command line, seed,
// `replications` (the count of the appended blocks), and the --precision record.
void write_run_attributes(sim::h5::Group& root, std::uint64_t seed, std::int64_t replications,
                          const PointResults& point, const RunRecord& record);

// One row per point: point name, swept parameters (numbers as float64, else strings; units
// "h" for durations), resolved nodes/spares/MTBF/interval, goodput, wall, interruptions, cost,
// recoveries and fallbacks per run, the recovery time's P50 and P95 (NaN if not recorded),
// planned stops, SDC detections and pool failures per run, and the count of replications that
// did not finish (censored at montecarlo.max_wall_factor); then the mean hours of every badput
// bucket (bucket_<name>_mean_h) and, with cluster.causes, the mean interruptions per cause
// (cause_<name>_interruptions_mean), after the older columns so that their positions hold;
// with PointResults::estimate, the count and the estimate the point's precision rule reached.
sim::h5::Table summary_table(std::span<const PointResults> points);

}  // namespace goodsim::cli
