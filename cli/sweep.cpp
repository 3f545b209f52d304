#include "cli/sweep.h"

#include <atomic>
#include <chrono>
#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>

#include "cli/progress.h"
#include "cli/sweep_assemble.h"
#include "cli/sweep_parts.h"
#include "cli/sweep_resume.h"
#include "cli/sweep_simulate.h"
#include "cli/sweep_writer.h"
#include "sim/error.h"
#include "sim/parallel.h"

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
  std::vector<PointPrecision> precision(todo.size());  // with --precision, set by the simulation
  std::atomic<std::size_t> points_done{outcome.reused};
  ProgressPrinter progress("sweep", !o.quiet);

  // Each point's blocks of replications go, in order, to one writer thread, which appends each
  // to the point's part and completes the part with the point's last block; only then does
  // the point count as done. The workers keep simulating meanwhile. It is joined on every way
  // out, after storing what was pushed; the parts of unfinished points are then dropped with
  // `streams`, leaving nothing.
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
        stream->finish(o.precision ? &precision[b.slot] : nullptr);
        stream.reset();
        points_done.fetch_add(1, std::memory_order_acq_rel);
      },
      2 * static_cast<std::size_t>(threads) + 2);
  const auto close_writer = [&] {
    writer.finish();
    streams.clear();
  };

  SweepSimulation sim;
  sim.run = &run;
  sim.options = &o;
  sim.group = &group;
  sim.todo = todo;
  sim.threads = threads;
  // A completed block: the root's writer stores it; the other ranks only free it.
  sim.push = [&](std::size_t slot, std::vector<models::ReplicationResult> results, bool last) {
    if (root) writer.push(PartBlock{slot, std::move(results), last});
  };
  // The writer failed: stop simulating, the failure is reported instead.
  sim.check_writer = [&] {
    if (writer.failed()) throw std::runtime_error("stopped: storing a completed point failed");
  };
  sim.progress = [&](std::size_t done_count, std::size_t total, const std::string& detail) {
    progress(done_count, total, detail);
  };
  sim.points_done = [&] { return points_done.load(); };

  // A failed or stopped sweep that stored no point leaves no parts directory: one holding
  // only its manifest would make the next plain run refuse to start, for nothing.
  auto discard_empty_parts = [&] {
    lock.reset();
    std::error_code ignored;
    fs::remove_all(dir, ignored);
  };

  try {
    if (o.precision) {
      simulate_to_precision(sim, precision);
    } else if (group.size() > 1) {
      simulate_on_ranks(sim);
    } else {
      simulate_on_threads(sim);
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
