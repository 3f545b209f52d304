#include "cli/sweep.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <functional>
#include <iostream>
#include <memory>
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

namespace {
// Replications a worker takes at once: far below a block, and enough that the shared counter
// is touched rarely against the microseconds or more that a replication takes.
constexpr std::size_t kTasksPerTake = 64;
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
  // A point's replications reach its part in blocks of the size `run` streams, in order, and
  // are freed once written: memory holds the blocks in flight and the summaries' figures.
  const auto block_size = static_cast<std::size_t>(models::kStreamBlock);
  const std::size_t blocks_per_point = o.precision ? 0 : (reps + block_size - 1) / block_size;
  struct Block {
    std::once_flag allocated;
    std::vector<models::ReplicationResult> results;
    std::atomic<std::size_t> done{0};
    bool ready = false;  // complete, not yet pushed; guarded by PointWork::mutex
  };
  struct PointWork {
    std::mutex mutex;
    std::unique_ptr<Block[]> blocks;  // without --precision
    std::size_t next_push = 0;        // the first block not yet handed to the writer
    // --precision: the block in hand, its controls, the running sums, and the outcome.
    std::int64_t so_far = 0;
    std::vector<models::ReplicationResult> round;
    std::vector<models::ControlValues> counts;
    std::optional<models::ControlAccumulator> controls;
    std::vector<double> metric;  // the plain mean's values, without the control variate
    PointPrecision precision;
  };
  std::vector<PointWork> work(todo.size());
  if (!o.precision) {
    for (PointWork& w : work) w.blocks = std::make_unique<Block[]>(blocks_per_point);
  }
  std::atomic<std::size_t> points_done{outcome.reused};
  ProgressPrinter progress("sweep", !o.quiet);

  // The blocks go to one writer thread, which appends each to its point's part and completes
  // the part with the point's last block; only then does the point count as done. The workers
  // keep simulating meanwhile. It is joined on every way out, after storing what was pushed;
  // the parts of unfinished points are then dropped with `streams`.
  std::vector<std::unique_ptr<PartStream>> streams(todo.size());
  const unsigned threads = o.threads == 0 ? sim::default_thread_count() : o.threads;
  PartWriter writer(
      [&](PartBlock& b) {
        std::unique_ptr<PartStream>& stream = streams[b.slot];
        if (!stream) {
          std::size_t recoveries = 0;
          if (b.last) {
            for (const auto& r : b.results) recoveries += r.recovery_h.size();
          }
          stream = std::make_unique<PartStream>(dir, run, o, run.points[todo[b.slot]],
                                                o.precision ? 0 : reps, recoveries);
        }
        stream->append(b.results);
        std::vector<models::ReplicationResult>().swap(b.results);
        if (!b.last) return;
        stream->finish(o.precision ? &work[b.slot].precision : nullptr);
        stream.reset();
        points_done.fetch_add(1, std::memory_order_acq_rel);
      },
      2 * static_cast<std::size_t>(threads) + 2);
  const auto close_writer = [&] {
    writer.finish();
    streams.clear();
  };

  // The writer failed: stop simulating, the failure is reported instead.
  const auto stop_if_store_failed = [&] {
    if (writer.failed()) {
      throw std::runtime_error("stopped: storing a completed point failed");
    }
  };
  // A completed block: the root's writer stores it; the other ranks only free it.
  const auto push = [&](std::size_t slot, std::vector<models::ReplicationResult> results,
                        bool last) {
    if (root) writer.push(PartBlock{slot, std::move(results), last});
  };
  // Without --precision, blocks complete in any order: hand them to the writer in order.
  const auto block_done = [&](std::size_t slot, std::size_t b) {
    PointWork& w = work[slot];
    const std::lock_guard guard(w.mutex);
    w.blocks[b].ready = true;
    while (w.next_push < blocks_per_point && w.blocks[w.next_push].ready) {
      const std::size_t k = w.next_push++;
      push(slot, std::move(w.blocks[k].results), k + 1 == blocks_per_point);
    }
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

  // With --precision: a window of unfinished points runs in rounds of one block each (one task
  // per (point, replication) of the round); after each round every point checks its own rule
  // on its whole blocks, as `run --precision` does, so its count does not depend on the
  // threads, on the other points, or on an interruption (a resumed point starts again from
  // replication 0). A finished point leaves the window and the next one enters: the window
  // bounds the parts open and the figures held at once.
  const auto run_to_precision = [&] {
    const models::PrecisionTarget& t = *o.precision;
    const std::size_t window = std::max<std::size_t>(4, 2 * static_cast<std::size_t>(threads));
    std::vector<std::size_t> active;
    std::size_t next_slot = 0;
    for (;;) {
      while (active.size() < window && next_slot < todo.size()) {
        const std::size_t slot = next_slot++;
        const models::Scenario& s = run.points[todo[slot]].scenario;
        if (t.estimator == models::Estimator::kControl && models::has_controls(s)) {
          work[slot].controls.emplace(models::control_expectations(s));
        }
        active.push_back(slot);
      }
      if (active.empty()) break;
      // Each point's block, and where its tasks start in the round.
      std::vector<std::size_t> offset{0};
      for (const std::size_t slot : active) {
        PointWork& w = work[slot];
        const auto block = static_cast<std::size_t>(
            std::min<std::int64_t>(models::kPrecisionBlock, t.max_replications - w.so_far));
        w.round.assign(block, {});
        if (w.controls) w.counts.assign(block, {});
        offset.push_back(offset.back() + block);
      }
      const std::string detail =
          "blocks of " + std::to_string(models::kPrecisionBlock) + " replications, points";
      if (group.size() > 1) {
        // One point at a time, its block sliced over the ranks.
        for (const std::size_t slot : active) {
          PointWork& w = work[slot];
          const models::Scenario& s = run.points[todo[slot]].scenario;
          const models::RunOptions r =
              on_ranks(w.so_far, static_cast<std::int64_t>(w.round.size()));
          w.round = models::run_replications(s, r);
          if (w.controls) w.counts = models::control_values_block(s, r);
        }
        progress(points_done.load(), n, detail);
      } else {
        sim::parallel_for(
            offset.back(), o.threads,
            [&](std::size_t task) {
              stop_if_store_failed();
              const auto k = static_cast<std::size_t>(
                  std::upper_bound(offset.begin(), offset.end(), task) - offset.begin() - 1);
              PointWork& w = work[active[k]];
              const models::Scenario& s = run.points[todo[active[k]]].scenario;
              const std::size_t i = task - offset[k];
              const auto rep = static_cast<std::size_t>(w.so_far) + i;
              w.round[i] = models::simulate_replication(
                  s, o.seed, rep, models::ReplicationOptions{o.recovery_times});
              w.round[i].recovery_h.shrink_to_fit();
              if (w.controls) w.counts[i] = models::control_values(s, o.seed, rep);
            },
            [&](std::size_t done_tasks, std::size_t total) {
              if (done_tasks >= total) return;
              progress(static_cast<std::size_t>(points_done.load()), n, detail);
            },
            o.stop);
      }
      std::vector<std::size_t> still;
      for (const std::size_t slot : active) {
        PointWork& w = work[slot];
        const models::Scenario& s = run.points[todo[slot]].scenario;
        for (std::size_t i = 0; i < w.round.size(); ++i) {
          const double value = models::metric_value(s, t.metric, w.round[i]);
          if (w.controls) {
            w.controls->add(value, w.counts[i]);
          } else {
            w.metric.push_back(value);
          }
        }
        w.so_far += static_cast<std::int64_t>(w.round.size());
        bool last = w.so_far >= t.min_replications || w.so_far >= t.max_replications;
        if (last) {
          PointPrecision& pp = w.precision;
          pp.replications = w.so_far;
          pp.controlled = w.controls.has_value();
          if (w.controls) {
            const models::ControlledMean m = w.controls->result();
            pp.mean = m.mean;
            pp.half_width = m.ci95;
          } else {
            const sim::SampleSummary plain = sim::summarize_mean(w.metric);
            pp.mean = plain.mean;
            pp.half_width = plain.ci95;
          }
          pp.reached = pp.half_width <= t.half_width;
          last = pp.reached || w.so_far >= t.max_replications;
        }
        push(slot, std::move(w.round), last);
        w.round = {};
        if (!last) {
          still.push_back(slot);
          continue;
        }
        w.controls.reset();
        std::vector<double>().swap(w.metric);
        std::vector<models::ControlValues>().swap(w.counts);
      }
      active = std::move(still);
    }
  };

  // On ranks: one point at a time, its replications sliced over the ranks block by block (each
  // rank's slice on its threads) and gathered on the root, which stores each block as it comes.
  const auto run_on_ranks = [&] {
    const std::size_t total = todo.size() * reps;
    for (std::size_t slot = 0; slot < todo.size(); ++slot) {
      models::RunOptions r = on_ranks(0, o.replications);
      r.progress = [&, slot](std::size_t done_reps, std::size_t) {
        progress(slot * reps + done_reps, total,
                 "points " + std::to_string(points_done.load()) + "/" + std::to_string(n) +
                     ", replications");
      };
      std::size_t b = 0;
      models::stream_replications(
          run.points[todo[slot]].scenario, r,
          [&](std::span<const models::ReplicationResult> block) {
            push(slot, {block.begin(), block.end()}, b + 1 == blocks_per_point);
            ++b;
          },
          models::kStreamBlock);
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
            const std::size_t rep = task % reps;
            const std::size_t b = rep / block_size;
            Block& block = work[slot].blocks[b];
            const std::size_t size = std::min(block_size, reps - b * block_size);
            std::call_once(block.allocated, [&] { block.results.resize(size); });
            models::ReplicationResult& r = block.results[rep - b * block_size];
            r = models::simulate_replication(run.points[todo[slot]].scenario, o.seed, rep,
                                             models::ReplicationOptions{o.recovery_times});
            r.recovery_h.shrink_to_fit();  // held until its block is stored
            if (block.done.fetch_add(1, std::memory_order_acq_rel) + 1 == size) {
              block_done(slot, b);
            }
          },
          [&](std::size_t done_tasks, std::size_t total) {
            if (done_tasks >= total) return;  // reported below, once the writer has caught up
            progress(done_tasks, total,
                     "points " + std::to_string(points_done.load()) + "/" + std::to_string(n) +
                         ", replications");
          },
          o.stop,
          // Workers stay within a block or two of one another, so few blocks wait for an
          // earlier one to complete.
          kTasksPerTake);
    }
  } catch (const sim::Interrupted&) {
    close_writer();  // stores the points completed so far
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
    close_writer();  // stores the points completed so far
    if (!root) throw;
    if (!holds_parts(dir)) discard_empty_parts();
    if (writer.error()) std::rethrow_exception(writer.error());  // the cause, not "stopped"
    throw;
  }
  close_writer();
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
