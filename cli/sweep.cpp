#include "cli/sweep.h"

#include <atomic>
#include <chrono>
#include <filesystem>
#include <functional>
#include <iostream>
#include <mutex>
#include <optional>

#include "cli/progress.h"
#include "cli/sweep_assemble.h"
#include "cli/sweep_parts.h"
#include "cli/sweep_resume.h"
#include "cli/sweep_writer.h"
#include "models/control_variate.h"
#include "models/monte_carlo.h"
#include "models/precision.h"
#include "models/replication.h"
#include "sim/error.h"
#include "sim/parallel.h"
#include "sim/statistics.h"

namespace goodsim::cli {

namespace fs = std::filesystem;
using namespace detail;

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
  // counts it done; the workers keep simulating while a part is written and synced. It is
  // joined on every way out, after storing the points completed so far.
  PartWriter writer([&](std::size_t slot) {
    PointWork& w = work[slot];
    const models::SweepPoint& point = run.points[todo[slot]];
    const models::RunSummary summary = models::summarize(point.scenario, w.results);
    write_part(dir, run, o, point, w.results, summary, o.precision ? &w.precision : nullptr);
    std::vector<models::ReplicationResult>().swap(w.results);
    points_done.fetch_add(1, std::memory_order_acq_rel);
  });

  // The writer failed: stop simulating, the failure is reported instead.
  const auto stop_if_store_failed = [&] {
    if (writer.failed()) {
      throw std::runtime_error("stopped: storing a completed point failed");
    }
  };
  // A completed point: the root's writer stores it; the other ranks only free its results.
  auto complete = [&](std::size_t slot) {
    if (!root) {
      std::vector<models::ReplicationResult>().swap(work[slot].results);
      return;
    }
    writer.push(slot);
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
    writer.finish();  // stores the points completed so far
    if (!root) throw;
    if (!holds_parts(dir)) {
      discard_empty_parts();
      if (writer.error()) std::rethrow_exception(writer.error());
      throw sim::Interrupted(
          "no point was complete, so nothing was stored; run the same "
          "command again to start over");
    }
    if (writer.error()) std::rethrow_exception(writer.error());
    throw sim::Interrupted(std::to_string(points_done.load()) + " of " + std::to_string(n) +
                           " points are stored in '" + dir.string() +
                           "'; run the same command with --resume to compute the others");
  } catch (...) {
    writer.finish();  // stores the points completed so far
    if (!root) throw;
    if (!holds_parts(dir)) discard_empty_parts();
    if (writer.error()) std::rethrow_exception(writer.error());  // the cause, not "stopped"
    throw;
  }
  writer.finish();
  if (!root) return outcome;  // the root assembles the output
  if (writer.error()) {
    if (!holds_parts(dir)) discard_empty_parts();
    std::rethrow_exception(writer.error());
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
