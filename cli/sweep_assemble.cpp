// Why: the sweep's output file, assembled from its parts once every point is stored.
#include "cli/sweep_assemble.h"

#include <string_view>

#include "cli/results_file.h"
#include "cli/sweep_parts.h"
#include "goodsim/version.h"
#include "sim/atomic_file.h"

namespace goodsim::cli::detail {

namespace fs = std::filesystem;

namespace {

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

// Copies group `name` of the part's /points, with its datasets and attributes, to `points`.
void copy_point(const sim::h5::File& part, const std::string& name, sim::h5::Group& points) {
  const sim::h5::Group src = part.root().open_group("points/" + name);
  sim::h5::Group dst = points.create_group(name);
  sim::h5::copy_group_contents(src, dst, part.path() + ":/points/" + name);
}

}  // namespace

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
          precision.push_back(read_point_precision(part.root()));
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

}  // namespace goodsim::cli::detail
