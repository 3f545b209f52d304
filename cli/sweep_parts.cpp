// Why: reading and writing the parts directory of a running sweep (cli/sweep_parts.h).
#include "cli/sweep_parts.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <system_error>

#include "cli/commands.h"
#include "cli/results_file.h"
#include "goodsim/version.h"
#include "sim/atomic_file.h"

namespace goodsim::cli::detail {

namespace fs = std::filesystem;

namespace {
constexpr const char* kManifestHeader = "goodsim sweep parts";
}  // namespace

fs::path parts_dir_of(const std::string& output) {
  return fs::path(output + ".parts");
}

fs::path part_path(const fs::path& dir, std::size_t index) {
  return dir / (point_name(index) + ".h5");
}

// A part is valid if it is a readable HDF5 file of this sweep holding exactly the point it is
// named after: a readable file with another fingerprint is foreign, anything else damaged.
PartState check_part(const fs::path& path, std::size_t index, const SweepRun& run,
                     std::int64_t replications, std::string& found) {
  try {
    const auto file = sim::h5::File::open_read(path.string());
    const auto root = file.root();
    if (!root.has_attribute("sweep_fingerprint")) return PartState::kDamaged;
    found = root.string_attribute("sweep_fingerprint");
    if (found != run.fingerprint) return PartState::kForeign;
    const std::string group = "points/" + point_name(index);
    if (root.int64_attribute("point") != static_cast<std::int64_t>(index) || !root.has(group) ||
        // With --precision (replications 0) each point has its own count.
        (replications > 0 &&
         root.rows(group + "/goodput") != static_cast<std::size_t>(replications)) ||
        root.rows(group + "/goodput") == 0 || root.read_table("summary").rows() != 1) {
      return PartState::kDamaged;
    }
    file.verify();  // a flipped bit in any dataset fails its checksum
    return PartState::kValid;
  } catch (const sim::h5::Error&) {
    return PartState::kDamaged;
  }
}

std::optional<std::size_t> part_index(const std::string& name) {
  // "NNNNNN.h5" with at least six digits (point_name pads to six).
  if (name.size() < 9 || name.substr(name.size() - 3) != ".h5") return std::nullopt;
  const std::string digits = name.substr(0, name.size() - 3);
  std::size_t index = 0;
  for (const char c : digits) {
    if (c < '0' || c > '9') return std::nullopt;
    index = index * 10 + static_cast<std::size_t>(c - '0');
  }
  if (point_name(index) != digits) return std::nullopt;
  return index;
}

// Whether `dir` holds a stored point (NNNNNN.h5), not only its manifest and lock.
bool holds_parts(const fs::path& dir) {
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (part_index(it->path().filename().string())) return true;
  }
  return false;
}

// An exclusive lock on the parts directory (flock on <dir>/lock), so two processes never

PartsLock::PartsLock(const fs::path& dir, const std::string& output) {
  const fs::path path = dir / "lock";
  fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd_ < 0) {
    throw fs::filesystem_error("cannot open lock file", path,
                               std::error_code(errno, std::generic_category()));
  }
  if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    const int err = errno;
    ::close(fd_);
    fd_ = -1;
    if (err == EWOULDBLOCK) {
      throw UsageError("sweep", "another goodsim sweep is writing '" + output + "' (it holds " +
                                    path.string() + "); wait for it to finish");
    }
    throw fs::filesystem_error("cannot lock", path, std::error_code(err, std::generic_category()));
  }
}

PartsLock::~PartsLock() {
  if (fd_ >= 0) ::close(fd_);
}

void write_manifest(const fs::path& dir, const SweepRun& run) {
  sim::AtomicFile out(dir / "manifest");
  {
    std::ofstream f(out.temp_path(), std::ios::binary);
    f << kManifestHeader << "\nfingerprint " << run.fingerprint << "\npoints " << run.points.size()
      << "\nscenario_file " << run.scenario_file << "\n";
    f.close();
    if (!f) {
      throw fs::filesystem_error("cannot write", out.temp_path(),
                                 std::make_error_code(std::errc::io_error));
    }
  }
  out.commit();
}

// The fingerprint named by <dir>/manifest; nullopt if there is none or it is unreadable.
std::optional<std::string> manifest_fingerprint(const fs::path& dir) {
  std::ifstream in(dir / "manifest", std::ios::binary);
  std::string header, word, fp;
  if (!std::getline(in, header) || header != kManifestHeader) return std::nullopt;
  if (!(in >> word >> fp) || word != "fingerprint") return std::nullopt;
  return fp;
}

// One completed point as <dir>/NNNNNN.h5, durable when this returns.
PartStream::PartStream(const fs::path& dir, const SweepRun& run, const SweepOptions& o,
                       const models::SweepPoint& point, std::size_t replications_hint,
                       std::size_t recoveries_hint)
    : point_(&point),
      recovery_times_(o.recovery_times),
      file_(part_path(dir, point.index).string(), point.scenario, point.index, o.recovery_times,
            replications_hint, recoveries_hint),
      summary_(point.scenario) {
  if (replications_hint > 0) summary_.reserve(replications_hint);
  sim::h5::Group& root = file_.root();
  root.set_attribute("goodsim_version", std::string_view(kVersion));
  root.set_attribute("commit", std::string_view(kCommit));
  root.set_attribute("sweep_fingerprint", run.fingerprint);
  root.set_attribute("point", point.index);
  root.set_attribute("seed", static_cast<std::int64_t>(o.seed));
}

void PartStream::append(std::span<const models::ReplicationResult> block) {
  file_.append(block);
  summary_.add(block);
}

void PartStream::finish(const PointPrecision* precision) {
  const models::RunSummary summary = summary_.result();
  PointResults p{&point_->scenario, {}, &summary, point_->parameters, point_->index,
                 recovery_times_};
  PointEstimate estimate;
  sim::h5::Group& root = file_.root();
  root.set_attribute("replications", static_cast<std::int64_t>(summary_.count()));
  if (precision) {
    estimate = PointEstimate{precision->mean, precision->half_width, precision->reached};
    p.estimate = &estimate;
    root.set_attribute("estimate_mean", precision->mean);
    root.set_attribute("precision_half_width", precision->half_width);
    root.set_attribute("precision_reached", std::int64_t{precision->reached ? 1 : 0});
    root.set_attribute("estimator_control", std::int64_t{precision->controlled ? 1 : 0});
  }
  file_.commit(p);
}

PointPrecision read_point_precision(const sim::h5::Group& part_root) {
  PointPrecision pp;
  pp.replications = part_root.int64_attribute("replications");
  pp.mean = part_root.double_attribute("estimate_mean");
  pp.half_width = part_root.double_attribute("precision_half_width");
  pp.reached = part_root.int64_attribute("precision_reached") != 0;
  pp.controlled = part_root.int64_attribute("estimator_control") != 0;
  return pp;
}

}  // namespace goodsim::cli::detail
