#include "cli/results_file.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <type_traits>
#include <variant>

#include "goodsim/version.h"
#include "sim/atomic_file.h"
#include "sim/hdf5.h"

namespace goodsim::cli {

std::string utc_now_iso8601() {
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string point_name(std::size_t i) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%06zu", i);
  return buf;
}

namespace {

// Mean hours per badput bucket and mean interruptions per failure cause, after the original
// columns so that notebooks indexing those by position keep working. Causes are the union over
// the points in first-seen order (NaN where a point lacks one), so a sweep whose points name
// different causes still gets one rectangular table.
void append_breakdown_columns(sim::h5::Table& t, std::span<const PointResults> points) {
  using Col = sim::h5::Table::Column;
  for (std::size_t b = 0; b < models::kBucketCount; ++b) {
    std::vector<double> means;
    for (const PointResults& p : points) means.push_back(p.summary->bucket_mean_h[b]);
    t.columns.push_back(
        Col{"bucket_" + std::string(models::kBucketNames[b]) + "_mean_h", "h", means});
  }
  std::vector<std::string> causes;
  for (const PointResults& p : points) {
    for (const auto& c : p.scenario->cluster.causes) {
      if (std::find(causes.begin(), causes.end(), c.name) == causes.end()) {
        causes.push_back(c.name);
      }
    }
  }
  for (const std::string& name : causes) {
    std::vector<double> means;
    for (const PointResults& p : points) {
      const auto& own = p.scenario->cluster.causes;
      const auto it =
          std::find_if(own.begin(), own.end(), [&](const auto& c) { return c.name == name; });
      const auto k = static_cast<std::size_t>(it - own.begin());
      means.push_back(it != own.end() && k < p.summary->interruptions_by_cause_mean.size()
                          ? p.summary->interruptions_by_cause_mean[k]
                          : std::nan(""));
    }
    t.columns.push_back(Col{"cause_" + name + "_interruptions_mean", "count", means});
  }
}

}  // namespace

PointWriter::PointWriter(sim::h5::Group& parent, const models::Scenario& scenario,
                         std::size_t index, bool recovery_times, std::size_t replications_hint,
                         std::size_t recoveries_hint)
    : scenario_(&scenario), group_(parent.create_group(point_name(index))) {
  using E = sim::h5::Group::Element;
  const std::size_t hint = replications_hint;
  const auto doubles = [&](Dataset& d, const char* name, std::string_view units) {
    d = group_.create_growing(name, E::kFloat64, units, hint);
  };
  const auto counts = [&](Dataset& d, const char* name, std::string_view units = "count") {
    d = group_.create_growing(name, E::kInt64, units, hint);
  };
  doubles(wall_, "wall_h", "h");
  doubles(goodput_, "goodput", "1");
  counts(interruptions_, "interruptions");
  counts(recoveries_, "recoveries");
  // 1 where the replication hit montecarlo.max_wall_factor: its figures are censored there.
  counts(unfinished_, "unfinished", "1");
  if (scenario.restores_from_peers()) counts(fallbacks_, "fallbacks");
  // Every recovery of every replication, in replication order: replication i's are the
  // recoveries[i] values after those of replications 0 .. i-1.
  if (recovery_times) {
    recovery_h_ = group_.create_growing("recovery_h", E::kFloat64, "h", recoveries_hint);
  }
  if (scenario.cluster.maintenance.every_h > 0.0) counts(planned_, "planned_interruptions");
  if (scenario.cluster.sdc) counts(sdc_, "sdc_detections");
  if (scenario.cluster.slow) {
    counts(slow_, "slow_episodes");
    counts(evictions_, "evictions");
  }
  const std::vector<std::string> names(models::kBucketNames.begin(), models::kBucketNames.end());
  buckets_ = group_.create_growing_matrix("buckets_h", models::kBucketCount, "h", names, hint);
  if (const auto& causes = scenario.cluster.causes; !causes.empty()) {
    // [replications x causes] as doubles: the matrix writer's type; counts stay exact.
    std::vector<std::string> cause_names;
    for (const auto& c : causes) cause_names.push_back(c.name);
    by_cause_ = group_.create_growing_matrix("interruptions_by_cause", causes.size(), "count",
                                             cause_names, hint);
  }
  // slots + spares + repairs (models/cost.h)
  if (models::priced(scenario)) doubles(cost_, "cost_usd", "USD");
}

namespace {

// One field of every replication of a block, as the dataset's element type.
template <typename T, typename Field>
std::vector<T> column(std::span<const models::ReplicationResult> block, Field field) {
  std::vector<T> out(block.size());
  for (std::size_t i = 0; i < block.size(); ++i) out[i] = static_cast<T>(field(block[i]));
  return out;
}

}  // namespace

void PointWriter::append(std::span<const models::ReplicationResult> block) {
  using R = models::ReplicationResult;
  const auto put = [&](Dataset& d, auto field) {
    if (d) d->append(column<std::int64_t>(block, field));
  };
  wall_->append(column<double>(block, [](const R& r) { return r.wall_h; }));
  goodput_->append(column<double>(block, [](const R& r) { return r.goodput; }));
  put(interruptions_, [](const R& r) { return r.interruptions; });
  put(recoveries_, [](const R& r) { return r.recoveries; });
  put(unfinished_, [](const R& r) { return r.unfinished ? 1 : 0; });
  put(fallbacks_, [](const R& r) { return r.fallbacks; });
  if (recovery_h_) {
    std::vector<double> flat;
    for (const R& r : block) flat.insert(flat.end(), r.recovery_h.begin(), r.recovery_h.end());
    recovery_h_->append(flat);
  }
  put(planned_, [](const R& r) { return r.planned_interruptions; });
  put(sdc_, [](const R& r) { return r.sdc_detections; });
  put(slow_, [](const R& r) { return r.slow_episodes; });
  put(evictions_, [](const R& r) { return r.evictions; });
  std::vector<double> buckets;
  buckets.reserve(block.size() * models::kBucketCount);
  for (const R& r : block) buckets.insert(buckets.end(), r.buckets_h.begin(), r.buckets_h.end());
  buckets_->append(buckets);
  if (by_cause_) {
    const std::size_t causes = scenario_->cluster.causes.size();
    std::vector<double> by_cause(block.size() * causes);
    for (std::size_t i = 0; i < block.size(); ++i) {
      for (std::size_t c = 0; c < causes; ++c) {
        by_cause[i * causes + c] = static_cast<double>(block[i].interruptions_by_cause[c]);
      }
    }
    by_cause_->append(by_cause);
  }
  if (cost_) {
    cost_->append(column<double>(
        block, [&](const R& r) { return models::replication_cost_usd(*scenario_, r); }));
  }
}

void PointWriter::finish(std::span<const models::SweepParameter> parameters) {
  const models::Scenario& s = *scenario_;
  group_.set_attribute("nodes", s.cluster.nodes);
  group_.set_attribute("spares", s.cluster.spares);
  group_.set_attribute("node_mtbf_h", s.cluster.failure.node_mtbf_h);
  group_.set_attribute("checkpoint_interval_h", s.checkpoint.interval_h);
  group_.set_attribute("work_h", s.job.work_h);
  group_.set_attribute("wall_cap_h", s.job.work_h * s.montecarlo.max_wall_factor);
  for (const models::SweepParameter& param : parameters) {
    std::visit([&](const auto& v) { group_.set_attribute(param.name, v); }, param.value);
    if (!param.units.empty()) group_.set_attribute(param.name + ".units", param.units);
  }
}

sim::h5::Table summary_table(std::span<const PointResults> points) {
  using Col = sim::h5::Table::Column;
  std::vector<std::string> names;
  // Swept parameters: every point has the same keys of the same kinds (models/sweep).
  std::vector<Col> params;
  if (!points.empty()) {
    for (const models::SweepParameter& param : points.front().parameters) {
      Col col{param.name, param.units, std::vector<double>()};
      if (std::holds_alternative<std::string>(param.value)) col.values = std::vector<std::string>();
      params.push_back(std::move(col));
    }
  }
  std::vector<double> nodes, spares, mtbf, interval, gm, gci, g5, g50, g95, wm, w95, im, cm, c95;
  std::vector<double> rm, fm, r50, r95, pm, sm, pfm, dnf, slow, evicted;
  for (std::size_t i = 0; i < points.size(); ++i) {
    const auto& s = *points[i].scenario;
    const auto& sum = *points[i].summary;
    names.push_back(point_name(points[i].index));
    for (std::size_t k = 0; k < params.size(); ++k) {
      const auto& value = points[i].parameters[k].value;
      if (auto* text = std::get_if<std::vector<std::string>>(&params[k].values)) {
        text->push_back(std::get<std::string>(value));
      } else {
        std::get<std::vector<double>>(params[k].values)
            .push_back(std::visit(
                [](const auto& v) -> double {
                  if constexpr (std::is_same_v<std::decay_t<decltype(v)>, std::string>) {
                    return std::nan("");
                  } else {
                    return static_cast<double>(v);
                  }
                },
                value));
      }
    }
    nodes.push_back(static_cast<double>(s.cluster.nodes));
    spares.push_back(static_cast<double>(s.cluster.spares));
    mtbf.push_back(s.cluster.failure.node_mtbf_h);
    interval.push_back(s.checkpoint.interval_h);
    gm.push_back(sum.goodput.mean);
    gci.push_back(sum.goodput.ci95);
    g5.push_back(sum.goodput.p5);
    g50.push_back(sum.goodput.p50);
    g95.push_back(sum.goodput.p95);
    wm.push_back(sum.wall_h.mean);
    w95.push_back(sum.wall_h.p95);
    im.push_back(sum.interruptions.mean);
    cm.push_back(sum.cost_usd ? sum.cost_usd->mean : std::nan(""));
    c95.push_back(sum.cost_usd ? sum.cost_usd->p95 : std::nan(""));
    rm.push_back(sum.recoveries_mean);
    fm.push_back(sum.fallbacks_mean);
    r50.push_back(sum.recovery_h ? sum.recovery_h->p50 : std::nan(""));
    r95.push_back(sum.recovery_h ? sum.recovery_h->p95 : std::nan(""));
    pm.push_back(sum.planned_interruptions_mean);
    sm.push_back(sum.sdc_detections_mean);
    pfm.push_back(sum.pool_failures_mean);
    dnf.push_back(static_cast<double>(sum.unfinished));
    slow.push_back(sum.slow_episodes_mean);
    evicted.push_back(sum.evictions_mean);
  }
  sim::h5::Table t;
  t.columns = {Col{"point", "", names}};
  for (Col& col : params) t.columns.push_back(std::move(col));
  t.columns.insert(t.columns.end(), {Col{"nodes", "count", nodes},
                                     Col{"spares", "count", spares},
                                     Col{"node_mtbf_h", "h", mtbf},
                                     Col{"checkpoint_interval_h", "h", interval},
                                     Col{"goodput_mean", "1", gm},
                                     Col{"goodput_ci95", "1", gci},
                                     Col{"goodput_p5", "1", g5},
                                     Col{"goodput_p50", "1", g50},
                                     Col{"goodput_p95", "1", g95},
                                     Col{"wall_mean_h", "h", wm},
                                     Col{"wall_p95_h", "h", w95},
                                     Col{"interruptions_mean", "count", im},
                                     Col{"cost_mean_usd", "USD", cm},
                                     Col{"cost_p95_usd", "USD", c95},
                                     Col{"recoveries_mean", "count", rm},
                                     Col{"fallbacks_mean", "count", fm},
                                     Col{"recovery_p50_h", "h", r50},
                                     Col{"recovery_p95_h", "h", r95},
                                     Col{"planned_interruptions_mean", "count", pm},
                                     Col{"sdc_detections_mean", "count", sm},
                                     Col{"pool_failures_mean", "count", pfm},
                                     Col{"unfinished", "count", dnf},
                                     Col{"slow_episodes_mean", "count", slow},
                                     Col{"evictions_mean", "count", evicted}});
  append_breakdown_columns(t, points);
  if (!points.empty() && points.front().estimate) {
    std::vector<double> reps, em, eci, reached;
    for (const PointResults& p : points) {
      reps.push_back(static_cast<double>(p.summary->wall_h.n));
      em.push_back(p.estimate->mean);
      eci.push_back(p.estimate->ci95);
      reached.push_back(p.estimate->reached ? 1.0 : 0.0);
    }
    t.columns.insert(t.columns.end(),
                     {Col{"replications", "count", reps}, Col{"estimate_mean", "", em},
                      Col{"estimate_ci95", "", eci}, Col{"precision_reached", "1", reached}});
  }
  return t;
}

PointFile::PointFile(const std::string& path, const models::Scenario& scenario, std::size_t index,
                     bool recovery_times, std::size_t replications_hint,
                     std::size_t recoveries_hint)
    : out_(path) {
  file_.emplace(sim::h5::File::create(out_.temp_path().string()));
  root_.emplace(file_->root());
  points_.emplace(root_->create_group("points"));
  point_.emplace(*points_, scenario, index, recovery_times, replications_hint, recoveries_hint);
}

void PointFile::commit(const PointResults& point) {
  point_->finish(point.parameters);
  root_->write_table("summary", summary_table(std::span(&point, 1)));
  // Every handle of the file is closed before the rename, so the close reports a failed
  // final flush (a full disk) instead of the rename publishing a torn file.
  point_.reset();
  points_.reset();
  root_.reset();
  file_->close();
  out_.commit();
}

void write_run_attributes(sim::h5::Group& root, std::uint64_t seed, std::int64_t replications,
                          const PointResults& point, const RunRecord& record) {
  root.set_attribute("goodsim_version", std::string_view(kVersion));
  root.set_attribute("commit", std::string_view(kCommit));
  root.set_attribute("scenario", std::string_view(record.scenario_yaml));
  root.set_attribute("command_line", std::string_view(record.command_line));
  root.set_attribute("threads", static_cast<std::int64_t>(record.threads));
  root.set_attribute("ranks", static_cast<std::int64_t>(record.ranks));
  root.set_attribute("scenario_file", std::string_view(point.scenario->source_file));
  root.set_attribute("seed", static_cast<std::int64_t>(seed));
  root.set_attribute("replications", replications);
  root.set_attribute("created", std::string_view(utc_now_iso8601()));
  if (const auto& p = record.precision) {
    root.set_attribute("precision_of", std::string_view(p->metric));
    root.set_attribute("precision_target", p->target);
    root.set_attribute("precision_half_width", p->achieved);
    root.set_attribute("precision_reached", std::int64_t{p->reached ? 1 : 0});
    root.set_attribute("estimator", std::string_view(p->estimator));
    root.set_attribute("estimate_mean", p->mean);
    root.set_attribute("estimate_std_error", p->std_error);
  }
}

}  // namespace goodsim::cli
