#pragma once
// goodsim sweep: runs every point of a sweep and writes one results file, crash-safely
// (docs/sweeps.md).
//
// HDF5 1.10 files are not crash-safe while open for writing, so no HDF5 file stays open across
// points. Each completed point is written as its own small file `<out>.parts/NNNNNN.h5`
// (temporary name, fsync, rename, fsync of the directory) before it counts as done; every part
// carries the sweep's fingerprint. When all points are done, `<out>` is assembled from the
// parts under a temporary name and renamed, then the parts directory is removed. `--resume`
// reuses the parts whose fingerprint matches, recomputes unreadable ones, and refuses parts or
// an output of a different sweep.

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cli/sweep_fingerprint.h"  // the fingerprint of SweepRun, for run_sweep's callers
#include "models/precision.h"
#include "models/sweep.h"
#include "sim/config.h"
#include "sim/hdf5.h"
#include "sim/process_group.h"

namespace goodsim::cli {

struct SweepOptions {
  std::string output;  // the results file; parts go to output + ".parts"
  std::int64_t replications = 0;
  std::uint64_t seed = 0;
  unsigned threads = 0;
  bool resume = false;          // reuse matching parts; an output of this sweep is left as it is
  bool force = false;           // overwrite an output that holds something else
  bool quiet = false;           // no progress or notes on stderr
  bool recovery_times = false;  // record every recovery's duration (models::RunOptions)
  // sweep --precision: each point runs blocks until its own target holds (models/precision.h);
  // `replications` is then unused. Estimator::kControl means "where it applies": points whose
  // failures are not exponential with a known MTBF use the plain mean.
  std::optional<models::PrecisionTarget> precision;
  // Polled before every replication (cli/interrupt.h): once non-zero, the completed points are
  // stored and run_sweep throws sim::Interrupted saying how to resume.
  const std::atomic<int>* stop = nullptr;
  // The ranks of an MPI job (sim/process_group.h), or nullptr for this process alone. The
  // root checks the output, keeps the parts and writes the file; every rank simulates a slice
  // of each point. The other ranks' outcome is empty.
  const sim::ProcessGroup* group = nullptr;
};

struct SweepRun {
  std::string scenario_yaml;  // resolved document, sweep block included (root attribute)
  std::string command_line;   // "goodsim sweep ..." (root attribute)
  std::string scenario_file;
  std::string fingerprint;
  std::vector<models::SweepPoint> points;  // all validated
};

// sweep --precision: what one point reached, read back from its part.
struct PointPrecision {
  std::int64_t replications = 0;
  double mean = 0.0;        // the estimator's mean of the metric
  double half_width = 0.0;  // its 95 % CI half-width
  bool reached = false;
  bool controlled = false;  // the control variate (else the plain mean)
};

struct SweepOutcome {
  sim::h5::Table summary;                 // the /summary table of the output
  std::vector<PointPrecision> precision;  // per point, with --precision (not when already complete)
  std::size_t computed = 0;               // points simulated by this process
  std::size_t reused = 0;                 // points taken from parts of an interrupted run
  bool already_complete = false;          // --resume found the finished output: nothing was done
  double seconds = 0.0;
};

// Checks the output and parts directory against the options (throws sim::InputError or
// UsageError before anything is written), then simulates the missing points and assembles
// the output.
SweepOutcome run_sweep(const SweepRun& run, const SweepOptions& options);

}  // namespace goodsim::cli
