#include "cli/sweep.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <cstdio>
#include <deque>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <limits>
#include <map>
#include <mutex>
#include <optional>
#include <span>
#include <sstream>
#include <system_error>
#include <thread>

#include "cli/commands.h"
#include "cli/progress.h"
#include "cli/results_file.h"
#include "goodsim/version.h"
#include "models/control_variate.h"
#include "models/monte_carlo.h"
#include "models/precision.h"
#include "models/replication.h"
#include "sim/atomic_file.h"
#include "sim/error.h"
#include "sim/parallel.h"
#include "sim/statistics.h"

namespace goodsim::cli {

namespace fs = std::filesystem;

// ---------------------------------------------------------------------------------------------
// SHA-256 (FIPS 180-4). Small and dependency-free; only used for fingerprints.

namespace {
constexpr std::array<std::uint32_t, 64> kSha256Rounds = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};
}  // namespace

void Sha256::update(std::string_view data) {
  bytes_ += data.size();
  for (const char c : data) {
    buffer_[used_++] = static_cast<unsigned char>(c);
    if (used_ == buffer_.size()) {
      compress();
      used_ = 0;
    }
  }
}

std::string Sha256::hex() {
  const std::uint64_t bits = bytes_ * 8;
  update(std::string_view("\x80", 1));
  while (used_ != 56) update(std::string_view("\0", 1));
  std::string length(8, '\0');
  for (int i = 0; i < 8; ++i)
    length[static_cast<std::size_t>(i)] = static_cast<char>(bits >> (56 - 8 * i));
  update(length);
  std::string hex;
  for (const std::uint32_t word : h_) {
    char buf[9];
    std::snprintf(buf, sizeof buf, "%08x", word);
    hex += buf;
  }
  return hex;
}

void Sha256::compress() {
  const auto rotr = [](std::uint32_t x, int n) { return (x >> n) | (x << (32 - n)); };
  std::array<std::uint32_t, 64> w{};
  for (std::size_t i = 0; i < 16; ++i) {
    for (std::size_t b = 0; b < 4; ++b) w[i] = (w[i] << 8) | buffer_[4 * i + b];
  }
  for (std::size_t i = 16; i < 64; ++i) {
    const std::uint32_t s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >> 3);
    const std::uint32_t s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >> 10);
    w[i] = w[i - 16] + s0 + w[i - 7] + s1;
  }
  std::array<std::uint32_t, 8> v = h_;
  for (std::size_t i = 0; i < 64; ++i) {
    const std::uint32_t s1 = rotr(v[4], 6) ^ rotr(v[4], 11) ^ rotr(v[4], 25);
    const std::uint32_t ch = (v[4] & v[5]) ^ (~v[4] & v[6]);
    const std::uint32_t t1 = v[7] + s1 + ch + kSha256Rounds[i] + w[i];
    const std::uint32_t s0 = rotr(v[0], 2) ^ rotr(v[0], 13) ^ rotr(v[0], 22);
    const std::uint32_t maj = (v[0] & v[1]) ^ (v[0] & v[2]) ^ (v[1] & v[2]);
    const std::uint32_t t2 = s0 + maj;
    v = {t1 + t2, v[0], v[1], v[2], v[3] + t1, v[4], v[5], v[6]};
  }
  for (std::size_t i = 0; i < 8; ++i) h_[i] += v[i];
}

std::string sha256_hex(std::string_view data) {
  Sha256 sha;
  sha.update(data);
  return sha.hex();
}

std::string input_files_digest(std::span<const models::SweepPoint> points) {
  std::string out;
  std::map<std::string, std::string> by_file;  // a trace shared by points is hashed once
  for (const models::SweepPoint& p : points) {
    const auto& trace = p.scenario.cluster.failure.trace;
    if (!trace) continue;
    auto [it, fresh] = by_file.try_emplace(trace->file);
    if (fresh) {
      // What the replications use: every failure's time (exact bits), slot and cause.
      Sha256 sha;
      for (const models::TraceFailure& f : trace->failures) {
        char row[64];
        std::snprintf(row, sizeof row, "%a,%lld,", f.time_h, static_cast<long long>(f.node));
        sha.update(row);
        if (f.cause >= 0) sha.update(trace->causes[static_cast<std::size_t>(f.cause)]);
        sha.update("\n");
      }
      it->second = sha.hex();
    }
    out += "point " + std::to_string(p.index) + " trace " + it->second + "\n";
  }
  return out;
}

std::string sweep_fingerprint(const sim::ConfigNode& root, const models::SweepSpec& spec,
                              std::int64_t replications, std::uint64_t seed, bool recovery_times,
                              std::string_view input_files,
                              const std::optional<models::PrecisionTarget>& precision) {
  sim::ConfigNode base = root;
  base.erase("sweep");
  // 2: the content of the files the scenario reads, and the /summary column `unfinished`
  // (parts of version 1 lack it, so they are refused rather than mixed).
  std::string text = "goodsim-sweep-fingerprint-2\nversion " + std::string(kVersion) + "\n";
  text += "inputs " + std::to_string(input_files.size()) + "\n" + std::string(input_files);
  const std::string yaml = sim::to_yaml(base);
  text += "scenario " + std::to_string(yaml.size()) + "\n" + yaml;
  text += spec.canonical();
  text += "replications " + std::to_string(replications) + "\nseed " + std::to_string(seed) + "\n";
  // Only when set, so sweeps without it keep the fingerprints of earlier versions' parts.
  if (recovery_times) text += "recovery_times\n";
  if (precision) {
    char target[200];
    std::snprintf(target, sizeof target, "precision %s %.17g min %lld max %lld estimator %s\n",
                  std::string(models::to_string(precision->metric)).c_str(), precision->half_width,
                  static_cast<long long>(precision->min_replications),
                  static_cast<long long>(precision->max_replications),
                  precision->estimator == models::Estimator::kControl ? "control" : "plain");
    text += target;
  }
  return sha256_hex(text);
}

namespace {

// ---------------------------------------------------------------------------------------------
// Files of a sweep.

fs::path parts_dir_of(const std::string& output) {
  return fs::path(output + ".parts");
}

fs::path part_path(const fs::path& dir, std::size_t index) {
  return dir / (point_name(index) + ".h5");
}

std::string short_fp(const std::string& fp) {
  return fp.size() > 12 ? fp.substr(0, 12) : fp;
}

// The fingerprint stored in an HDF5 file: nullopt if it cannot be read as HDF5, "" if it has
// none (e.g. written by goodsim run).
std::optional<std::string> stored_fingerprint(const fs::path& path) {
  try {
    const auto file = sim::h5::File::open_read(path.string());
    const auto root = file.root();
    if (!root.has_attribute("sweep_fingerprint")) return std::string();
    return root.string_attribute("sweep_fingerprint");
  } catch (const sim::h5::Error&) {
    return std::nullopt;
  }
}

enum class PartState { kValid, kDamaged, kForeign };

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
         root.read_doubles(group + "/goodput").size() != static_cast<std::size_t>(replications)) ||
        root.read_doubles(group + "/goodput").empty() || root.read_table("summary").rows() != 1) {
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
// write the same sweep. Released when the process ends, however it ends.
class PartsLock {
 public:
  explicit PartsLock(const fs::path& dir, const std::string& output) {
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
      throw fs::filesystem_error("cannot lock", path,
                                 std::error_code(err, std::generic_category()));
    }
  }
  PartsLock(const PartsLock&) = delete;
  PartsLock& operator=(const PartsLock&) = delete;
  ~PartsLock() {
    if (fd_ >= 0) ::close(fd_);
  }

 private:
  int fd_ = -1;
};

constexpr const char* kManifestHeader = "goodsim sweep parts";

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

sim::InputError foreign_parts(const fs::path& dir, const std::string& found,
                              const std::string& ours) {
  return sim::InputError(
      sim::SourceLocation{dir.string()}, "",
      "holds the parts of a different sweep (fingerprint " + short_fp(found) + ", this sweep " +
          short_fp(ours) +
          "): the scenario after extends and --set, a file it reads (a trace), its " +
          "sweep block, --reps, --seed, --recovery-times or the goodsim version differ. Resume "
          "with the inputs of " +
          "the interrupted sweep, or delete '" + dir.string() + "' to start this one afresh");
}

// One completed point as <dir>/NNNNNN.h5, durable when this returns.
void write_part(const fs::path& dir, const SweepRun& run, const SweepOptions& o,
                const models::SweepPoint& point, std::span<const models::ReplicationResult> results,
                const models::RunSummary& summary, const PointPrecision* precision) {
  PointResults p{&point.scenario,  results,     &summary,
                 point.parameters, point.index, o.recovery_times};
  PointEstimate estimate;
  if (precision) {
    estimate = PointEstimate{precision->mean, precision->half_width, precision->reached};
    p.estimate = &estimate;
  }
  sim::AtomicFile out(part_path(dir, point.index));
  {
    auto file = sim::h5::File::create(out.temp_path().string());
    {
      auto root = file.root();
      root.set_attribute("goodsim_version", std::string_view(kVersion));
      root.set_attribute("sweep_fingerprint", run.fingerprint);
      root.set_attribute("point", point.index);
      root.set_attribute("seed", static_cast<std::int64_t>(o.seed));
      root.set_attribute("replications", static_cast<std::int64_t>(results.size()));
      if (precision) {
        root.set_attribute("estimate_mean", precision->mean);
        root.set_attribute("precision_half_width", precision->half_width);
        root.set_attribute("precision_reached", std::int64_t{precision->reached ? 1 : 0});
        root.set_attribute("estimator_control", std::int64_t{precision->controlled ? 1 : 0});
      }
      auto points = root.create_group("points");
      write_point_group(points, p);
      root.write_table("summary", summary_table(std::span(&p, 1)));
    }
    file.close();
  }
  out.commit();
}

// Appends the rows of `more` to `table` (same columns, as every part of one sweep has).
void append_rows(sim::h5::Table& table, sim::h5::Table&& more, const fs::path& from) {
  if (table.columns.empty()) {
    table = std::move(more);
    return;
  }
  bool same = table.columns.size() == more.columns.size();
  for (std::size_t c = 0; same && c < table.columns.size(); ++c) {
    same = table.columns[c].name == more.columns[c].name &&
           table.columns[c].values.index() == more.columns[c].values.index();
  }
  if (!same) throw sim::h5::Error(from.string() + ": /summary columns differ from other parts");
  for (std::size_t c = 0; c < table.columns.size(); ++c) {
    std::visit(
        [&](auto& dst) {
          auto& src = std::get<std::decay_t<decltype(dst)>>(more.columns[c].values);
          dst.insert(dst.end(), std::make_move_iterator(src.begin()),
                     std::make_move_iterator(src.end()));
        },
        table.columns[c].values);
  }
}

// HDF5 calls below report failures through return values; HDF5's own printing is muted.
class MuteHdf5Errors {
 public:
  MuteHdf5Errors() {
    H5Eget_auto2(H5E_DEFAULT, &func_, &data_);
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  }
  MuteHdf5Errors(const MuteHdf5Errors&) = delete;
  MuteHdf5Errors& operator=(const MuteHdf5Errors&) = delete;
  ~MuteHdf5Errors() { H5Eset_auto2(H5E_DEFAULT, func_, data_); }

 private:
  H5E_auto2_t func_ = nullptr;
  void* data_ = nullptr;
};

// Copies every attribute of object `src` to object `dst` (same names, types and values).
void copy_attributes(hid_t src, hid_t dst, const std::string& what) {
  struct Context {
    hid_t dst;
    std::string error;
  } ctx{dst, ""};
  const auto copy_one = [](hid_t obj, const char* name, const H5A_info_t*, void* data) -> herr_t {
    auto& c = *static_cast<Context*>(data);
    const sim::h5::AttributeHandle attr(H5Aopen(obj, name, H5P_DEFAULT));
    const sim::h5::DatatypeHandle file_type(attr.valid() ? H5Aget_type(attr.get()) : -1);
    const sim::h5::DataspaceHandle space(attr.valid() ? H5Aget_space(attr.get()) : -1);
    if (!file_type.valid() || !space.valid()) {
      c.error = std::string("cannot open attribute '") + name + "'";
      return -1;
    }
    // Strings (fixed or variable length) are read as they are stored; numbers as native.
    const bool is_string = H5Tget_class(file_type.get()) == H5T_STRING;
    const sim::h5::DatatypeHandle mem_type(
        is_string ? H5Tcopy(file_type.get()) : H5Tget_native_type(file_type.get(), H5T_DIR_ASCEND));
    const hssize_t count = H5Sget_simple_extent_npoints(space.get());
    if (!mem_type.valid() || count < 0) {
      c.error = std::string("cannot read attribute '") + name + "'";
      return -1;
    }
    std::vector<unsigned char> buf(H5Tget_size(mem_type.get()) *
                                   static_cast<std::size_t>(std::max<hssize_t>(count, 1)));
    if (H5Aread(attr.get(), mem_type.get(), buf.data()) < 0) {
      c.error = std::string("cannot read attribute '") + name + "'";
      return -1;
    }
    const sim::h5::AttributeHandle copy(
        H5Acreate2(c.dst, name, file_type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT));
    const bool ok = copy.valid() && H5Awrite(copy.get(), mem_type.get(), buf.data()) >= 0;
    if (H5Tis_variable_str(mem_type.get()) > 0) {
      H5Dvlen_reclaim(mem_type.get(), space.get(), H5P_DEFAULT, buf.data());
    }
    if (!ok) {
      c.error = std::string("cannot write attribute '") + name + "'";
      return -1;
    }
    return 0;
  };
  hsize_t index = 0;
  if (H5Aiterate2(src, H5_INDEX_NAME, H5_ITER_INC, &index, copy_one, &ctx) < 0) {
    throw sim::h5::Error("HDF5: copying the attributes of " + what + ": " +
                         (ctx.error.empty() ? "failed" : ctx.error));
  }
}

// Copies group `name` of the part's /points, with its datasets and attributes, to `points`.
// Not one H5Ocopy of the group: HDF5 1.10 crashes copying an object whose variable-length
// string attributes are in dense storage (more than 8 attributes; HDFGroup/hdf5#2414, fixed
// in 1.14.4). The datasets have one or two attributes (compact storage) and are copied
// whole; the group's attributes one by one.
void copy_point(const sim::h5::File& part, const std::string& name, sim::h5::Group& points) {
  const MuteHdf5Errors mute;
  const std::string what = part.path() + ":/points/" + name;
  const sim::h5::Group src = part.root().open_group("points/" + name);
  sim::h5::Group dst = points.create_group(name);
  for (const std::string& child : src.children()) {
    if (H5Ocopy(src.id(), child.c_str(), dst.id(), child.c_str(), H5P_DEFAULT, H5P_DEFAULT) < 0) {
      throw sim::h5::Error("HDF5: cannot copy " + what + "/" + child);
    }
  }
  copy_attributes(src.id(), dst.id(), what);
}

// Builds <out> from the parts: under a temporary name, renamed when complete.
sim::h5::Table assemble(const fs::path& dir, const SweepRun& run, const SweepOptions& o,
                        std::vector<PointPrecision>& precision) {
  sim::h5::Table summary;
  sim::AtomicFile out(o.output);
  {
    auto file = sim::h5::File::create(out.temp_path().string());
    {
      auto root = file.root();
      root.set_attribute("goodsim_version", std::string_view(kVersion));
      root.set_attribute("commit", std::string_view(kCommit));
      root.set_attribute("scenario", run.scenario_yaml);
      root.set_attribute("command_line", run.command_line);
      root.set_attribute("threads", static_cast<std::int64_t>(o.threads));
      root.set_attribute("scenario_file", run.scenario_file);
      root.set_attribute("seed", static_cast<std::int64_t>(o.seed));
      if (const auto& t = o.precision) {
        // Each point has its own count: its datasets' length, and the row's attributes below.
        root.set_attribute("precision_of", models::to_string(t->metric));
        root.set_attribute("precision_target", t->half_width);
      } else {
        root.set_attribute("replications", o.replications);
      }
      root.set_attribute("points", run.points.size());
      root.set_attribute("sweep_fingerprint", run.fingerprint);
      root.set_attribute("created", std::string_view(utc_now_iso8601()));
      auto points = root.create_group("points");
      for (const models::SweepPoint& point : run.points) {
        const fs::path path = part_path(dir, point.index);
        auto part = sim::h5::File::open_read(path.string());
        const std::string name = point_name(point.index);
        copy_point(part, name, points);
        append_rows(summary, part.root().read_table("summary"), path);
        if (o.precision) {
          const auto r = part.root();
          PointPrecision pp;
          pp.replications = r.int64_attribute("replications");
          pp.mean = r.double_attribute("estimate_mean");
          pp.half_width = r.double_attribute("precision_half_width");
          pp.reached = r.int64_attribute("precision_reached") != 0;
          pp.controlled = r.int64_attribute("estimator_control") != 0;
          precision.push_back(pp);
        }
        part.close();
      }
      root.write_table("summary", summary);
    }
    file.close();
  }
  out.commit();
  return summary;
}

// The root's part of run_sweep before anything is simulated: every check of the output and
// the parts directory (throws sim::InputError or UsageError before anything is written), the
// damaged parts removed and the directory prepared and locked. Returns which points are stored
// already; an empty list (and outcome.already_complete) when the finished output is there.
std::vector<bool> prepare_parts(const SweepRun& run, const SweepOptions& o,
                                const std::function<void(const std::string&)>& note,
                                SweepOutcome& outcome, std::optional<PartsLock>& lock) {
  const fs::path out(o.output);
  const fs::path dir = parts_dir_of(o.output);
  const std::size_t n = run.points.size();
  std::vector<bool> done(n, false);
  // Every check before anything is written.
  if (!o.precision && (o.replications < 1 || static_cast<std::size_t>(o.replications) >
                                                 std::numeric_limits<std::size_t>::max() / n)) {
    throw UsageError("sweep", "too many points x replications");
  }
  const fs::path parent = out.has_parent_path() ? out.parent_path() : fs::path(".");
  if (!fs::is_directory(parent)) {
    throw sim::InputError(
        sim::SourceLocation{o.output}, "",
        "cannot write the output: directory '" + parent.string() + "' does not exist");
  }
  if (fs::is_directory(out)) {
    throw sim::InputError(sim::SourceLocation{o.output}, "", "the output is a directory");
  }
  const bool dir_exists = fs::exists(fs::symlink_status(dir));
  if (dir_exists && !fs::is_directory(dir)) {
    throw sim::InputError(sim::SourceLocation{dir.string()}, "",
                          "exists and is not a directory; goodsim sweep keeps the completed "
                          "points of a running sweep there");
  }
  if (dir_exists && !o.resume) {
    throw UsageError("sweep",
                     "'" + dir.string() +
                         "' holds the completed points of an interrupted (or running) sweep; "
                         "pass --resume to continue it, or delete the directory to start over");
  }
  bool out_is_ours = false;
  if (fs::exists(out)) {
    const std::optional<std::string> fp = stored_fingerprint(out);
    out_is_ours = fp && *fp == run.fingerprint;
    if (!out_is_ours && !o.force) {
      const std::string what = !fp ? "is not an HDF5 file goodsim can read"
                               : fp->empty()
                                   ? "is not the output of a sweep (it has no sweep_fingerprint)"
                                   : "holds a different sweep (fingerprint " + short_fp(*fp) +
                                         ", this sweep " + short_fp(run.fingerprint) + ")";
      throw sim::InputError(sim::SourceLocation{o.output}, "",
                            "the output exists and " + what +
                                "; choose another -o, delete it, or pass --force to overwrite it");
    }
  }

  // The parts of an interrupted run (only with --resume, checked above).
  if (dir_exists) {
    lock.emplace(dir, o.output);
    if (const auto fp = manifest_fingerprint(dir); fp && *fp != run.fingerprint) {
      throw foreign_parts(dir, *fp, run.fingerprint);
    }
    std::vector<fs::path> damaged;
    for (const auto& entry : fs::directory_iterator(dir)) {
      const std::string name = entry.path().filename().string();
      const std::optional<std::size_t> index = part_index(name);
      if (!index) continue;
      std::string found;
      switch (check_part(entry.path(), *index, run, o.precision ? 0 : o.replications, found)) {
        case PartState::kForeign:
          throw foreign_parts(dir, found, run.fingerprint);
        case PartState::kDamaged:
          damaged.push_back(entry.path());
          break;
        case PartState::kValid:
          if (*index < n) done[*index] = true;
          break;
      }
    }
    sim::remove_stale_temps(dir);  // only now: a refused resume changes nothing
    for (const fs::path& p : damaged) {
      note(std::string("'")
               .append(p.string())
               .append("' is damaged or incomplete; recomputing that point"));
      fs::remove(p);
    }
  }
  if (out_is_ours && o.resume) {
    try {
      sim::h5::File::open_read(o.output).verify();
    } catch (const sim::h5::Error& e) {
      // Damaged on disk since: computed again (from any valid parts) and replaced.
      note("the finished output is damaged (" + std::string(e.what()) +
           "); computing the sweep again");
      out_is_ours = false;
    }
  }
  if (out_is_ours && o.resume) {
    // Finished earlier (perhaps killed while removing the parts): nothing to compute.
    if (dir_exists) fs::remove_all(dir);
    const auto file = sim::h5::File::open_read(o.output);
    outcome.summary = file.root().read_table("summary");
    outcome.already_complete = true;
    outcome.reused = n;
    return {};
  }

  if (!dir_exists) {
    fs::create_directory(dir);
    lock.emplace(dir, o.output);
  }
  if (!manifest_fingerprint(dir)) write_manifest(dir, run);
  sim::remove_stale_temps(parent, out.filename().string());
  return done;
}

}  // namespace

SweepOutcome run_sweep(const SweepRun& run, const SweepOptions& o) {
  const auto start = std::chrono::steady_clock::now();
  const fs::path out(o.output);
  const fs::path dir = parts_dir_of(o.output);
  const std::size_t n = run.points.size();
  auto note = [&](const std::string& text) {
    if (!o.quiet) std::cerr << "goodsim sweep: " << text << "\n";
  };
  SweepOutcome outcome;
  const sim::ProcessGroup alone;
  const sim::ProcessGroup& group = o.group != nullptr ? *o.group : alone;
  const bool root = group.is_root();
  std::vector<bool> done(n, false);
  std::optional<PartsLock> lock;

  // The root checks the output and the parts directory and prepares it; every rank then
  // learns which points are left: one byte per point (1 = stored), after one byte saying
  // whether the finished output was found.
  const sim::Bytes plan = group.from_root([&] {
    const std::vector<bool> stored = prepare_parts(run, o, note, outcome, lock);
    sim::Bytes bytes{static_cast<std::byte>(outcome.already_complete ? 1 : 0)};
    for (const bool b : stored) bytes.push_back(static_cast<std::byte>(b ? 1 : 0));
    return bytes;
  });
  if (plan.front() == std::byte{1}) {
    outcome.already_complete = true;
    outcome.reused = n;
    return outcome;
  }
  for (std::size_t i = 0; i < n; ++i) done[i] = plan[1 + i] == std::byte{1};

  std::vector<std::size_t> todo;
  for (std::size_t i = 0; i < n; ++i) {
    if (!done[i]) todo.push_back(i);
  }
  outcome.reused = n - todo.size();
  outcome.computed = todo.size();
  if (outcome.reused > 0) {
    note("resuming: " + std::to_string(outcome.reused) + " of " + std::to_string(n) +
         " points were completed by an earlier run");
  }

  const auto reps = static_cast<std::size_t>(o.replications);
  struct PointWork {
    std::once_flag allocated;
    std::vector<models::ReplicationResult> results;
    std::atomic<std::size_t> done{0};
    // --precision: the controls of the block in hand, their running sums, and the outcome.
    std::vector<models::ControlValues> counts;
    std::optional<models::ControlAccumulator> controls;
    PointPrecision precision;
  };
  std::vector<PointWork> work(todo.size());
  std::atomic<std::size_t> points_done{outcome.reused};
  ProgressPrinter progress("sweep", !o.quiet);

  // Completed points go to one writer thread, which stores each as its part and only then
  // counts it done; the workers keep simulating while a part is written and synced. (The
  // HDF5 library is not thread-safe either: only the writer touches it.)
  std::mutex queue_mutex;
  std::condition_variable queue_cv;
  std::deque<std::size_t> queue;  // slots (indices into todo) of completed points
  bool closing = false;
  std::exception_ptr write_error;
  std::atomic<bool> write_failed{false};
  auto close_queue = [&] {
    {
      const std::lock_guard guard(queue_mutex);
      closing = true;
    }
    queue_cv.notify_all();
  };
  std::jthread writer([&] {
    for (;;) {
      std::size_t slot = 0;
      {
        std::unique_lock guard(queue_mutex);
        queue_cv.wait(guard, [&] { return closing || !queue.empty(); });
        if (queue.empty()) return;  // closing, and everything completed is stored
        slot = queue.front();
        queue.pop_front();
      }
      try {
        PointWork& w = work[slot];
        const models::SweepPoint& point = run.points[todo[slot]];
        const models::RunSummary summary = models::summarize(point.scenario, w.results);
        write_part(dir, run, o, point, w.results, summary, o.precision ? &w.precision : nullptr);
        std::vector<models::ReplicationResult>().swap(w.results);
        points_done.fetch_add(1, std::memory_order_acq_rel);
      } catch (...) {
        write_error = std::current_exception();
        write_failed = true;
        return;
      }
    }
  });
  // Joins the writer on every way out (it first stores the points completed so far).
  struct CloseOnExit {
    std::function<void()> close;
    ~CloseOnExit() { close(); }
  } close_on_exit{close_queue};

  // The writer failed: stop simulating, the failure is reported instead.
  const auto stop_if_store_failed = [&] {
    if (write_failed.load(std::memory_order_relaxed)) {
      throw std::runtime_error("stopped: storing a completed point failed");
    }
  };
  // A completed point: the root's writer stores it; the other ranks only free its results.
  auto complete = [&](std::size_t slot) {
    if (!root) {
      std::vector<models::ReplicationResult>().swap(work[slot].results);
      return;
    }
    {
      const std::lock_guard guard(queue_mutex);
      queue.push_back(slot);
    }
    queue_cv.notify_one();
  };
  // The options of `count` replications of a point from `first`, spread over the ranks.
  const auto on_ranks = [&](std::int64_t first, std::int64_t count) {
    stop_if_store_failed();
    models::RunOptions r;
    r.replications = count;
    r.seed = o.seed;
    r.threads = o.threads;
    r.record_recoveries = o.recovery_times;
    r.stop = o.stop;
    r.first_replication = first;
    r.group = &group;
    return r;
  };

  auto finish_writer = [&] {
    close_queue();
    if (writer.joinable()) writer.join();
  };
  // A failed or stopped sweep that stored no point leaves no parts directory: one holding
  // only its manifest would make the next plain run refuse to start, for nothing.
  auto discard_empty_parts = [&] {
    lock.reset();
    std::error_code ignored;
    fs::remove_all(dir, ignored);
  };

  // With --precision: rounds of one block for every unfinished point (one task per (point,
  // replication) of the block); after each round every point checks its own rule on its
  // whole blocks, as `run --precision` does, so its count does not depend on the threads, on
  // the other points, or on an interruption (a resumed point starts again from replication 0).
  const auto run_to_precision = [&] {
    const models::PrecisionTarget& t = *o.precision;
    std::vector<std::size_t> active(todo.size());
    for (std::size_t slot = 0; slot < todo.size(); ++slot) {
      active[slot] = slot;
      const models::Scenario& s = run.points[todo[slot]].scenario;
      if (t.estimator == models::Estimator::kControl && models::has_controls(s)) {
        work[slot].controls.emplace(models::control_expectations(s));
      }
    }
    std::int64_t so_far = 0;
    while (!active.empty()) {
      const auto block = static_cast<std::size_t>(
          std::min<std::int64_t>(models::kPrecisionBlock, t.max_replications - so_far));
      const auto first = static_cast<std::size_t>(so_far);
      for (const std::size_t slot : active) {
        work[slot].results.resize(first + block);
        if (work[slot].controls) work[slot].counts.assign(block, {});
      }
      if (group.size() > 1) {
        // One point at a time, its block sliced over the ranks.
        for (const std::size_t slot : active) {
          PointWork& w = work[slot];
          const models::Scenario& s = run.points[todo[slot]].scenario;
          const models::RunOptions r = on_ranks(so_far, static_cast<std::int64_t>(block));
          std::ranges::move(models::run_replications(s, r), w.results.begin() + so_far);
          if (w.controls) w.counts = models::control_values_block(s, r);
        }
        progress(points_done.load(), n,
                 "block of " + std::to_string(block) + " replications from " +
                     std::to_string(first) + ", points");
      } else {
        sim::parallel_for(
            active.size() * block, o.threads,
            [&](std::size_t task) {
              stop_if_store_failed();
              PointWork& w = work[active[task / block]];
              const models::Scenario& s = run.points[todo[active[task / block]]].scenario;
              const std::size_t i = task % block;
              w.results[first + i] = models::simulate_replication(
                  s, o.seed, first + i, models::ReplicationOptions{o.recovery_times});
              w.results[first + i].recovery_h.shrink_to_fit();
              if (w.controls) w.counts[i] = models::control_values(s, o.seed, first + i);
            },
            [&](std::size_t done_tasks, std::size_t total) {
              if (done_tasks >= total) return;
              progress(static_cast<std::size_t>(points_done.load()), n,
                       "block of " + std::to_string(block) + " replications from " +
                           std::to_string(first) + ", points");
            },
            o.stop);
      }
      so_far += static_cast<std::int64_t>(block);
      std::vector<std::size_t> still;
      for (const std::size_t slot : active) {
        PointWork& w = work[slot];
        const models::Scenario& s = run.points[todo[slot]].scenario;
        if (w.controls) {
          for (std::size_t i = 0; i < block; ++i) {
            w.controls->add(models::metric_value(s, t.metric, w.results[first + i]), w.counts[i]);
          }
        }
        if (so_far < t.min_replications && so_far < t.max_replications) {
          still.push_back(slot);
          continue;
        }
        PointPrecision& pp = w.precision;
        pp.replications = so_far;
        pp.controlled = w.controls.has_value();
        if (w.controls) {
          const models::ControlledMean m = w.controls->result();
          pp.mean = m.mean;
          pp.half_width = m.ci95;
        } else {
          const sim::SampleSummary plain =
              sim::summarize_mean(models::metric_values(s, t.metric, w.results));
          pp.mean = plain.mean;
          pp.half_width = plain.ci95;
        }
        pp.reached = pp.half_width <= t.half_width;
        if (!pp.reached && so_far < t.max_replications) {
          still.push_back(slot);
          continue;
        }
        complete(slot);
      }
      active = std::move(still);
    }
  };

  // On ranks: one point at a time, its replications sliced over the ranks (each rank's
  // slice on its threads), so that every completed point is stored while the others run.
  const auto run_on_ranks = [&] {
    const std::size_t total = todo.size() * reps;
    for (std::size_t slot = 0; slot < todo.size(); ++slot) {
      models::RunOptions r = on_ranks(0, o.replications);
      r.progress = [&, slot](std::size_t done_reps, std::size_t) {
        progress(slot * reps + done_reps, total,
                 "points " + std::to_string(points_done.load()) + "/" + std::to_string(n) +
                     ", replications");
      };
      work[slot].results = models::run_replications(run.points[todo[slot]].scenario, r);
      complete(slot);
    }
  };

  // One task per (point, replication): points and replications share the thread pool.
  try {
    if (o.precision) {
      run_to_precision();
    } else if (group.size() > 1) {
      run_on_ranks();
    } else {
      sim::parallel_for(
          todo.size() * reps, o.threads,
          [&](std::size_t task) {
            stop_if_store_failed();
            const std::size_t slot = task / reps;
            PointWork& w = work[slot];
            const models::SweepPoint& point = run.points[todo[slot]];
            const std::size_t rep = task % reps;
            std::call_once(w.allocated, [&] { w.results.resize(reps); });
            w.results[rep] = models::simulate_replication(
                point.scenario, o.seed, rep, models::ReplicationOptions{o.recovery_times});
            w.results[rep].recovery_h.shrink_to_fit();  // held until the point is stored
            if (w.done.fetch_add(1, std::memory_order_acq_rel) + 1 == reps) complete(slot);
          },
          [&](std::size_t done_tasks, std::size_t total) {
            if (done_tasks >= total) return;  // reported below, once the writer has caught up
            progress(done_tasks, total,
                     "points " + std::to_string(points_done.load()) + "/" + std::to_string(n) +
                         ", replications");
          },
          o.stop);
    }
  } catch (const sim::Interrupted&) {
    finish_writer();  // stores the points completed so far
    if (!root) throw;
    if (!holds_parts(dir)) {
      discard_empty_parts();
      if (write_error) std::rethrow_exception(write_error);
      throw sim::Interrupted(
          "no point was complete, so nothing was stored; run the same "
          "command again to start over");
    }
    if (write_error) std::rethrow_exception(write_error);
    throw sim::Interrupted(std::to_string(points_done.load()) + " of " + std::to_string(n) +
                           " points are stored in '" + dir.string() +
                           "'; run the same command with --resume to compute the others");
  } catch (...) {
    finish_writer();  // stores the points completed so far
    if (!root) throw;
    if (!holds_parts(dir)) discard_empty_parts();
    if (write_error) std::rethrow_exception(write_error);  // the cause, not "stopped"
    throw;
  }
  finish_writer();
  if (!root) return outcome;  // the root assembles the output
  if (write_error) {
    if (!holds_parts(dir)) discard_empty_parts();
    std::rethrow_exception(write_error);
  }
  progress(
      o.precision ? n : todo.size() * reps, o.precision ? n : todo.size() * reps,
      "points " + std::to_string(points_done.load()) + "/" + std::to_string(n) + ", replications");

  outcome.summary = assemble(dir, run, o, outcome.precision);
  fs::remove_all(dir);  // the output is complete and durable; the parts are not needed
  lock.reset();
  outcome.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return outcome;
}

}  // namespace goodsim::cli
