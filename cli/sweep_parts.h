#pragma once
// Why: the parts directory `<out>.parts/` is the crash-safe store of a running sweep: one
// durable file per completed point, a manifest naming the sweep, and a lock against a
// second writer. This header is its file format.

#include <cstddef>
#include <filesystem>
#include <optional>
#include <span>
#include <string>

#include "cli/results_file.h"
#include "cli/sweep.h"
#include "models/monte_carlo.h"
#include "models/replication.h"

namespace goodsim::cli::detail {

std::filesystem::path parts_dir_of(const std::string& output);  // output + ".parts"
std::filesystem::path part_path(const std::filesystem::path& dir, std::size_t index);

// The index a part's file name ("NNNNNN.h5", point_name) stands for; nullopt for other files.
std::optional<std::size_t> part_index(const std::string& name);
// Whether `dir` holds a stored point (NNNNNN.h5), not only its manifest and lock.
bool holds_parts(const std::filesystem::path& dir);

enum class PartState { kValid, kDamaged, kForeign };

// A part is valid if it is a readable HDF5 file of this sweep holding exactly the point it is
// named after: a readable file with another fingerprint is foreign (its fingerprint goes to
// `found`), anything else damaged. `replications` 0: each point has its own count.
PartState check_part(const std::filesystem::path& path, std::size_t index, const SweepRun& run,
                     std::int64_t replications, std::string& found);

// One point's part, <dir>/NNNNNN.h5, written block by block as its replications come (on the
// sweep's writer thread), with the summary fed block by block: memory holds the block in hand
// and the summary's figures, whatever the point's count. The part appears, durably, only when
// finish returns; destroyed before that (an interrupted point), it leaves nothing.
class PartStream {
 public:
  // The hints: the point's count if known (0 under --precision), and its recoveries if the
  // first block is the whole point, so that a small point is stored as one chunk per dataset.
  PartStream(const std::filesystem::path& dir, const SweepRun& run, const SweepOptions& o,
             const models::SweepPoint& point, std::size_t replications_hint,
             std::size_t recoveries_hint);
  void append(std::span<const models::ReplicationResult> block);
  // `precision`: what the point reached under sweep --precision, else nullptr.
  void finish(const PointPrecision* precision);

 private:
  const models::SweepPoint* point_;
  bool recovery_times_;
  PointFile file_;
  models::SummaryAccumulator summary_;
};

// What PartStream::finish stored of `precision`, read back from a part's root.
PointPrecision read_point_precision(const sim::h5::Group& part_root);

// <dir>/manifest names the sweep whose parts the directory holds.
void write_manifest(const std::filesystem::path& dir, const SweepRun& run);
// The fingerprint named by <dir>/manifest; nullopt if there is none or it is unreadable.
std::optional<std::string> manifest_fingerprint(const std::filesystem::path& dir);

// An exclusive lock on the parts directory (flock on <dir>/lock), so two processes never
// write the same sweep. Released when the process ends, however it ends.
class PartsLock {
 public:
  PartsLock(const std::filesystem::path& dir, const std::string& output);
  PartsLock(const PartsLock&) = delete;
  PartsLock& operator=(const PartsLock&) = delete;
  ~PartsLock();

 private:
  int fd_ = -1;
};

}  // namespace goodsim::cli::detail
