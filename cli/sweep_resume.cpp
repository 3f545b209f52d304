// Why: checks of the output and the parts an earlier run left, before a sweep starts.
#include "cli/sweep_resume.h"

#include <filesystem>
#include <limits>

#include "cli/commands.h"
#include "sim/atomic_file.h"
#include "sim/error.h"

namespace goodsim::cli::detail {

namespace fs = std::filesystem;

namespace {

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

}  // namespace

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

}  // namespace goodsim::cli::detail
