// Why: the three ways a sweep simulates its missing points (cli/sweep_simulate.h).
#include "cli/sweep_simulate.h"

#include <algorithm>
#include <atomic>
#include <memory>
#include <mutex>
#include <optional>

#include "models/control_variate.h"
#include "models/precision.h"
#include "models/replication.h"
#include "sim/parallel.h"
#include "sim/statistics.h"

namespace goodsim::cli::detail {

namespace {

// Replications a worker takes at once: far below a block, and enough that the shared counter
// is touched rarely against the microseconds or more that a replication takes. Workers then
// stay within a block or two of one another, so few blocks wait for an earlier one.
constexpr std::size_t kTasksPerTake = 64;

// A point's replications reach its part in blocks of the size `run` streams.
constexpr auto kBlock = static_cast<std::size_t>(models::kStreamBlock);

std::size_t blocks_of(std::size_t replications) {
  return (replications + kBlock - 1) / kBlock;
}

std::string points_text(const SweepSimulation& s) {
  return "points " + std::to_string(s.points_done()) + "/" + std::to_string(s.run->points.size()) +
         ", replications";
}

}  // namespace

models::RunOptions SweepSimulation::on_ranks(std::int64_t first, std::int64_t count) const {
  check_writer();
  models::RunOptions r;
  r.replications = count;
  r.seed = options->seed;
  r.threads = options->threads;
  r.record_recoveries = options->recovery_times;
  r.stop = options->stop;
  r.first_replication = first;
  r.group = group;
  return r;
}

const models::Scenario& SweepSimulation::scenario(std::size_t slot) const {
  return run->points[todo[slot]].scenario;
}

void simulate_on_threads(const SweepSimulation& s) {
  const auto reps = static_cast<std::size_t>(s.options->replications);
  const std::size_t blocks = blocks_of(reps);
  struct Block {
    std::once_flag allocated;
    std::vector<models::ReplicationResult> results;
    std::atomic<std::size_t> done{0};
    bool ready = false;  // complete, not yet pushed; guarded by Point::mutex
  };
  struct Point {
    std::mutex mutex;
    std::unique_ptr<Block[]> blocks;
    std::size_t next_push = 0;  // the first block not yet handed to the writer
  };
  std::vector<Point> points(s.todo.size());
  for (Point& p : points) p.blocks = std::make_unique<Block[]>(blocks);

  // Blocks complete in any order: they are handed to the writer in order.
  const auto block_done = [&](std::size_t slot, std::size_t b) {
    Point& p = points[slot];
    const std::lock_guard guard(p.mutex);
    p.blocks[b].ready = true;
    while (p.next_push < blocks && p.blocks[p.next_push].ready) {
      const std::size_t k = p.next_push++;
      s.push(slot, std::move(p.blocks[k].results), k + 1 == blocks);
    }
  };
  sim::parallel_for(
      s.todo.size() * reps, s.threads,
      [&](std::size_t task) {
        s.check_writer();
        const std::size_t slot = task / reps;
        const std::size_t rep = task % reps;
        const std::size_t b = rep / kBlock;
        Block& block = points[slot].blocks[b];
        const std::size_t size = std::min(kBlock, reps - b * kBlock);
        std::call_once(block.allocated, [&] { block.results.resize(size); });
        models::ReplicationResult& r = block.results[rep - b * kBlock];
        r = models::simulate_replication(s.scenario(slot), s.options->seed, rep,
                                         models::ReplicationOptions{s.options->recovery_times});
        r.recovery_h.shrink_to_fit();  // held until its block is stored
        if (block.done.fetch_add(1, std::memory_order_acq_rel) + 1 == size) block_done(slot, b);
      },
      [&](std::size_t done_tasks, std::size_t total) {
        if (done_tasks >= total) return;  // reported by the caller, once the writer caught up
        s.progress(done_tasks, total, points_text(s));
      },
      s.options->stop, kTasksPerTake);
}

void simulate_on_ranks(const SweepSimulation& s) {
  const auto reps = static_cast<std::size_t>(s.options->replications);
  const std::size_t total = s.todo.size() * reps;
  for (std::size_t slot = 0; slot < s.todo.size(); ++slot) {
    models::RunOptions r = s.on_ranks(0, s.options->replications);
    r.progress = [&, slot](std::size_t done_reps, std::size_t) {
      s.progress(slot * reps + done_reps, total, points_text(s));
    };
    std::size_t b = 0;
    models::stream_replications(
        s.scenario(slot), r,
        [&](std::span<const models::ReplicationResult> block) {
          s.push(slot, {block.begin(), block.end()}, b + 1 == blocks_of(reps));
          ++b;
        },
        models::kStreamBlock);
  }
}

// A window of unfinished points runs in rounds of one block each (one task per (point,
// replication) of the round); after each round every point checks its own rule on its whole
// blocks, as `run --precision` does, so its count does not depend on the threads, on the other
// points, or on an interruption (a resumed point starts again from replication 0). A finished
// point leaves the window and the next one enters: the window bounds the parts open and the
// figures held at once.
void simulate_to_precision(const SweepSimulation& s, std::vector<PointPrecision>& precision) {
  const models::PrecisionTarget& t = *s.options->precision;
  struct Point {
    std::int64_t so_far = 0;
    std::vector<models::ReplicationResult> round;  // the block in hand
    std::vector<models::ControlValues> counts;     // its controls
    std::optional<models::ControlAccumulator> controls;
    std::vector<double> metric;  // the plain mean's values, without the control variate
  };
  std::vector<Point> points(s.todo.size());
  const std::size_t window = std::max<std::size_t>(4, 2 * static_cast<std::size_t>(s.threads));
  const std::string detail =
      "blocks of " + std::to_string(models::kPrecisionBlock) + " replications, points";
  std::vector<std::size_t> active;
  std::size_t next_slot = 0;
  for (;;) {
    while (active.size() < window && next_slot < s.todo.size()) {
      const std::size_t slot = next_slot++;
      if (t.estimator == models::Estimator::kControl && models::has_controls(s.scenario(slot))) {
        points[slot].controls.emplace(models::control_expectations(s.scenario(slot)));
      }
      active.push_back(slot);
    }
    if (active.empty()) break;
    // Each point's block, and where its tasks start in the round.
    std::vector<std::size_t> offset{0};
    for (const std::size_t slot : active) {
      Point& p = points[slot];
      const auto block = static_cast<std::size_t>(
          std::min<std::int64_t>(models::kPrecisionBlock, t.max_replications - p.so_far));
      p.round.assign(block, {});
      if (p.controls) p.counts.assign(block, {});
      offset.push_back(offset.back() + block);
    }
    if (s.group->size() > 1) {
      // One point at a time, its block sliced over the ranks.
      for (const std::size_t slot : active) {
        Point& p = points[slot];
        const models::RunOptions r =
            s.on_ranks(p.so_far, static_cast<std::int64_t>(p.round.size()));
        p.round = models::run_replications(s.scenario(slot), r);
        if (p.controls) p.counts = models::control_values_block(s.scenario(slot), r);
      }
      s.progress(s.points_done(), s.run->points.size(), detail);
    } else {
      sim::parallel_for(
          offset.back(), s.threads,
          [&](std::size_t task) {
            s.check_writer();
            const auto k = static_cast<std::size_t>(
                std::upper_bound(offset.begin(), offset.end(), task) - offset.begin() - 1);
            Point& p = points[active[k]];
            const models::Scenario& scenario = s.scenario(active[k]);
            const std::size_t i = task - offset[k];
            const auto rep = static_cast<std::size_t>(p.so_far) + i;
            p.round[i] =
                models::simulate_replication(scenario, s.options->seed, rep,
                                             models::ReplicationOptions{s.options->recovery_times});
            p.round[i].recovery_h.shrink_to_fit();
            if (p.controls) p.counts[i] = models::control_values(scenario, s.options->seed, rep);
          },
          [&](std::size_t done_tasks, std::size_t total) {
            if (done_tasks >= total) return;
            s.progress(s.points_done(), s.run->points.size(), detail);
          },
          s.options->stop);
    }
    std::vector<std::size_t> still;
    for (const std::size_t slot : active) {
      Point& p = points[slot];
      for (std::size_t i = 0; i < p.round.size(); ++i) {
        const double value = models::metric_value(s.scenario(slot), t.metric, p.round[i]);
        if (p.controls) {
          p.controls->add(value, p.counts[i]);
        } else {
          p.metric.push_back(value);
        }
      }
      p.so_far += static_cast<std::int64_t>(p.round.size());
      bool last = p.so_far >= t.min_replications || p.so_far >= t.max_replications;
      if (last) {
        PointPrecision& pp = precision[slot];
        pp.replications = p.so_far;
        pp.controlled = p.controls.has_value();
        if (p.controls) {
          const models::ControlledMean m = p.controls->result();
          pp.mean = m.mean;
          pp.half_width = m.ci95;
        } else {
          const sim::SampleSummary plain = sim::summarize_mean(p.metric);
          pp.mean = plain.mean;
          pp.half_width = plain.ci95;
        }
        pp.reached = pp.half_width <= t.half_width;
        last = pp.reached || p.so_far >= t.max_replications;
      }
      s.push(slot, std::exchange(p.round, {}), last);
      if (last) {
        p = Point{};  // frees its figures
      } else {
        still.push_back(slot);
      }
    }
    active = std::move(still);
  }
}

}  // namespace goodsim::cli::detail
