// Throughput of the discrete-event kernel (sim/event_queue.h) in the classic "hold" model:
// the queue holds K events; each step pops the earliest and schedules one replacement at
// now + a random delay, so the queue size stays K. One event = one schedule + one pop.
// Target (docs/performance.md): at least 20 million events/s.
//
// Variants:
//   BM_Hold          exponential delays, pop()
//   BM_HoldPopBefore the same through pop_before(limit), the call the replication loop uses
//   BM_HoldCancel    cancel-heavy: every step also schedules a "timeout" and cancels the
//                    previous one, so half of all scheduled events are cancelled
//   BM_HoldTies      tie-heavy: integer delays in {0, 1, 2, 3}, so thousands of events share
//                    each time and the insertion-id tie-break decides the order
//   BM_HoldStdPriorityQueue  yardstick: std::priority_queue (a binary heap) of the same
//                    (time, insertion id, payload) entries, without handles or cancellation
//
// Delays come from a pre-drawn table so that the random number generator's cost is not
// counted as the kernel's; the table is long enough (65,536) that its period does not matter.

#include <benchmark/benchmark.h>

#include <cstdint>
#include <limits>
#include <queue>
#include <random>
#include <vector>

#include "sim/event_queue.h"

namespace {

using Queue = goodsim::sim::EventQueue<std::uint32_t>;

constexpr std::size_t kTableSize = std::size_t{1} << 16;
constexpr std::size_t kTableMask = kTableSize - 1;

// Exponential delays with mean 1, fixed seed.
const std::vector<double>& exponential_delays() {
  static const std::vector<double> table = [] {
    std::mt19937_64 engine(20240601);
    std::exponential_distribution<double> exp1(1.0);
    std::vector<double> t(kTableSize);
    for (double& d : t) d = exp1(engine);
    return t;
  }();
  return table;
}

// Integer delays 0..3: many events share each time.
const std::vector<double>& tied_delays() {
  static const std::vector<double> table = [] {
    std::mt19937_64 engine(20240602);
    std::uniform_int_distribution<int> pick(0, 3);
    std::vector<double> t(kTableSize);
    for (double& d : t) d = static_cast<double>(pick(engine));
    return t;
  }();
  return table;
}

void fill(Queue& q, std::size_t k, const std::vector<double>& delays) {
  q.reset();
  for (std::size_t i = 0; i < k; ++i) {
    q.schedule_at(delays[i & kTableMask], static_cast<std::uint32_t>(i));
  }
}

void set_event_counters(benchmark::State& state, double events) {
  state.SetItemsProcessed(static_cast<std::int64_t>(events));
  state.counters["events/s"] = benchmark::Counter(events, benchmark::Counter::kIsRate);
}

void hold(benchmark::State& state, const std::vector<double>& delays) {
  const auto k = static_cast<std::size_t>(state.range(0));
  Queue q;
  fill(q, k, delays);
  std::size_t next = k;
  for (auto _ : state) {
    const auto ev = q.pop();
    q.schedule_in(delays[next++ & kTableMask], ev->payload);
  }
  benchmark::DoNotOptimize(q.now());
  set_event_counters(state, static_cast<double>(state.iterations()));
  state.counters["queue"] = static_cast<double>(q.size());
}

void BM_Hold(benchmark::State& state) {
  hold(state, exponential_delays());
}

void BM_HoldTies(benchmark::State& state) {
  hold(state, tied_delays());
}

void BM_HoldPopBefore(benchmark::State& state) {
  const std::vector<double>& delays = exponential_delays();
  const auto k = static_cast<std::size_t>(state.range(0));
  Queue q;
  fill(q, k, delays);
  std::size_t next = k;
  const double limit = std::numeric_limits<double>::infinity();
  for (auto _ : state) {
    const auto ev = q.pop_before(limit);
    q.schedule_in(delays[next++ & kTableMask], ev->payload);
  }
  benchmark::DoNotOptimize(q.now());
  set_event_counters(state, static_cast<double>(state.iterations()));
}

// Each step: pop one event, schedule its replacement, cancel the previous step's timeout and
// schedule a new one (the pattern of a recovery that restarts and supersedes its pending
// "spares check"). Two schedules, one cancel, one pop per step; the live size stays K while
// the cancelled entries wait in the heap for lazy removal. "events/s" counts popped events.
// A timeout that fires before it is cancelled gets no replacement, so the size stays K.
void BM_HoldCancel(benchmark::State& state) {
  constexpr std::uint32_t kTimeout = UINT32_MAX;
  const std::vector<double>& delays = exponential_delays();
  const auto k = static_cast<std::size_t>(state.range(0));
  Queue q;
  fill(q, k - 1, delays);
  std::size_t next = k;
  goodsim::sim::EventHandle timeout = q.schedule_at(delays[next++ & kTableMask], kTimeout);
  std::int64_t cancelled = 0;
  for (auto _ : state) {
    const auto ev = q.pop();
    if (ev->payload != kTimeout) q.schedule_in(delays[next++ & kTableMask], ev->payload);
    cancelled += q.cancel(timeout) ? 1 : 0;
    timeout = q.schedule_in(delays[next++ & kTableMask], kTimeout);
  }
  benchmark::DoNotOptimize(q.now());
  set_event_counters(state, static_cast<double>(state.iterations()));
  state.counters["cancels/s"] =
      benchmark::Counter(static_cast<double>(cancelled), benchmark::Counter::kIsRate);
  state.counters["queue"] = static_cast<double>(q.size());
}

void BM_HoldStdPriorityQueue(benchmark::State& state) {
  struct Entry {
    double time;
    std::uint64_t id;
    std::uint32_t payload;
  };
  const auto later = [](const Entry& a, const Entry& b) {
    return a.time > b.time || (a.time == b.time && a.id > b.id);
  };
  const std::vector<double>& delays = exponential_delays();
  const auto k = static_cast<std::size_t>(state.range(0));
  std::priority_queue<Entry, std::vector<Entry>, decltype(later)> q(later);
  std::uint64_t id = 0;
  for (std::size_t i = 0; i < k; ++i) {
    q.push(Entry{delays[i & kTableMask], id++, static_cast<std::uint32_t>(i)});
  }
  std::size_t next = k;
  for (auto _ : state) {
    const Entry e = q.top();
    q.pop();
    q.push(Entry{e.time + delays[next++ & kTableMask], id++, e.payload});
  }
  benchmark::DoNotOptimize(q.top().time);
  set_event_counters(state, static_cast<double>(state.iterations()));
}

void queue_sizes(benchmark::internal::Benchmark* b) {
  b->ArgName("K")->Arg(16)->Arg(1024)->Arg(65536);
}

BENCHMARK(BM_Hold)->Apply(queue_sizes);
BENCHMARK(BM_HoldPopBefore)->Apply(queue_sizes);
BENCHMARK(BM_HoldCancel)->Apply(queue_sizes);
BENCHMARK(BM_HoldTies)->Apply(queue_sizes);
BENCHMARK(BM_HoldStdPriorityQueue)->Apply(queue_sizes);

}  // namespace

BENCHMARK_MAIN();
