// Cost of one Monte Carlo replication (models/replication.h), single-threaded.
//
//   BM_Llama3_16k        the benchmark scenario, scenarios/llama3-16k.yaml
//                        (target: >= 20,000 replications/s)
//   BM_ScaleNodes/nodes  256, 2,048 and 12,500 nodes (100,000 GPUs) at the same node MTBF
//                        and 1,296 h of work; hot spares scaled with the cluster (16 per
//                        2,048 nodes) so that the large cluster is not starved of spares
//   BM_ScaleWork/work_h  324, 1,296 and 2,160 h (90 days) of work on the 2,048-node cluster
//   BM_100kGpu90Days     12,500 nodes x 8 GPUs, 2,160 h of work, 98 spares
//   BM_FixedJobMtbf      256, 2,048 and 12,500 nodes with the node MTBF scaled so that the
//                        job MTBF stays 3.09 h: the same failures, so the same cost
//   BM_CheckpointInterval 5 min, 30 min and 4 h: 15,552 to 324 checkpoints in the job, none of
//                        them an event, so the cost per failure does not change
//   BM_ScaleRepair       mean repair 2, 24 and 150 h on the 2,048-node cluster with 200 spares:
//                        the same failures, but 0.6 to 50 repairs outstanding in the lazily
//                        collected repair heap, whose depth grows as their logarithm
//   BM_Strategy          scenarios/strategies-16k.yaml under each recovery strategy (the same
//                        cluster and failure times; checkpointless and elastic track slots)
//   BM_MultiLevel        scenarios/multilevel-16k.yaml: in-memory checkpoints on node pairs
//   BM_Weibull           Weibull failures (per-node clocks for replacement nodes), shape
//                        0.7 and 1.0 (1.0 is the exponential model by another route), on
//                        llama3-16k and on the 100,000-GPU, 90-day job
//
// Each iteration runs the next replication index of seed 1, as `goodsim run` does. Counters:
// replications/s, events/s (kernel events), failures/s (interruptions), the per-replication
// means events/rep, failures/rep and wall_h (simulated hours), and time/failure (seconds of CPU per
// interruption). The replication cost should follow the number of failures, not nodes x simulated
// time.
//
// The scenarios are read from the repository's YAML with `--set`-style overrides, so the
// benchmark measures exactly what `goodsim run` runs. The repository is found from this
// file's path as the compiler saw it; GOODSIM_SCENARIO_DIR overrides that directory.

#include <benchmark/benchmark.h>

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "models/replication.h"
#include "models/scenario.h"
#include "models/scenario_loader.h"

namespace {

using goodsim::models::Scenario;

std::string scenario_path(const char* file) {
  const char* dir = std::getenv("GOODSIM_SCENARIO_DIR");
  const std::filesystem::path base =
      dir != nullptr ? std::filesystem::path(dir)
                     : std::filesystem::path(__FILE__).parent_path().parent_path() / "scenarios";
  return (base / file).string();
}

// scenarios/<file> with overrides; on failure the benchmark is skipped with the reason.
std::optional<Scenario> scenario(benchmark::State& state, const char* file,
                                 const std::vector<std::string>& overrides = {}) {
  try {
    return goodsim::models::load_scenario(scenario_path(file), overrides);
  } catch (const std::exception& e) {
    state.SkipWithError(e.what());
    return std::nullopt;
  }
}

std::optional<Scenario> llama3_16k(benchmark::State& state,
                                   const std::vector<std::string>& overrides = {}) {
  return scenario(state, "llama3-16k.yaml", overrides);
}

// The same cluster resized: 16 spares per 2,048 nodes, rounded.
std::vector<std::string> nodes_overrides(std::int64_t nodes) {
  const std::int64_t spares = std::llround(16.0 * static_cast<double>(nodes) / 2048.0);
  return {"cluster.nodes=" + std::to_string(nodes), "cluster.spares=" + std::to_string(spares)};
}

void run(benchmark::State& state, const Scenario& scenario) {
  std::uint64_t index = 0;
  std::uint64_t events = 0;
  std::int64_t failures = 0;
  double wall_h = 0.0;
  for (auto _ : state) {
    const auto r = goodsim::models::simulate_replication(scenario, 1, index++);
    events += r.events;
    failures += r.interruptions;
    wall_h += r.wall_h;
    benchmark::DoNotOptimize(r.wall_h);
  }
  using benchmark::Counter;
  const auto ev = static_cast<double>(events);
  const auto fl = static_cast<double>(failures);
  state.counters["replications/s"] =
      Counter(static_cast<double>(state.iterations()), Counter::kIsRate);
  state.counters["events/s"] = Counter(ev, Counter::kIsRate);
  state.counters["failures/s"] = Counter(fl, Counter::kIsRate);
  state.counters["events/rep"] = Counter(ev, Counter::kAvgIterations);
  state.counters["failures/rep"] = Counter(fl, Counter::kAvgIterations);
  state.counters["wall_h"] = Counter(wall_h, Counter::kAvgIterations);
  state.counters["time/failure"] = Counter(fl, Counter::kIsRate | Counter::kInvert);
}

void BM_Llama3_16k(benchmark::State& state) {
  if (const auto s = llama3_16k(state)) run(state, *s);
}

void BM_ScaleNodes(benchmark::State& state) {
  if (const auto s = llama3_16k(state, nodes_overrides(state.range(0)))) run(state, *s);
}

void BM_ScaleWork(benchmark::State& state) {
  const std::string work = "job.work=" + std::to_string(state.range(0)) + "h";
  if (const auto s = llama3_16k(state, {work})) run(state, *s);
}

void BM_100kGpu90Days(benchmark::State& state) {
  std::vector<std::string> overrides = nodes_overrides(12500);
  overrides.push_back("job.work=2160h");
  if (const auto s = llama3_16k(state, overrides)) run(state, *s);
}

void BM_FixedJobMtbf(benchmark::State& state) {
  const double mtbf_h = 6335.0 * static_cast<double>(state.range(0)) / 2048.0;
  std::vector<std::string> overrides = {
      "cluster.nodes=" + std::to_string(state.range(0)),
      "cluster.failure.node_mtbf=" + std::to_string(mtbf_h) + "h"};
  if (const auto s = llama3_16k(state, overrides)) run(state, *s);
}

void BM_CheckpointInterval(benchmark::State& state) {
  const std::string interval = "checkpoint.interval=" + std::to_string(state.range(0)) + "min";
  if (const auto s = llama3_16k(state, {interval})) run(state, *s);
}

void BM_ScaleRepair(benchmark::State& state) {
  const std::string repair = "cluster.repair.mean=" + std::to_string(state.range(0)) + "h";
  if (const auto s = llama3_16k(state, {repair, "cluster.spares=200"})) run(state, *s);
}

// `shape` as text, e.g. "0.7"; `large`: the 100,000-GPU, 90-day job instead of llama3-16k.
void BM_Weibull(benchmark::State& state, const char* shape, bool large) {
  std::vector<std::string> overrides;
  if (large) {
    overrides = nodes_overrides(12500);
    overrides.push_back("job.work=2160h");
  }
  overrides.push_back("cluster.failure.model=weibull");
  overrides.push_back(std::string("cluster.failure.shape=") + shape);
  if (const auto s = llama3_16k(state, overrides)) run(state, *s);
}

BENCHMARK(BM_Llama3_16k)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_ScaleNodes)
    ->ArgName("nodes")
    ->Arg(256)
    ->Arg(2048)
    ->Arg(12500)
    ->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_ScaleWork)
    ->ArgName("work_h")
    ->Arg(324)
    ->Arg(1296)
    ->Arg(2160)
    ->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_100kGpu90Days)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_FixedJobMtbf)
    ->ArgName("nodes")
    ->Arg(256)
    ->Arg(2048)
    ->Arg(12500)
    ->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_CheckpointInterval)
    ->ArgName("minutes")
    ->Arg(5)
    ->Arg(30)
    ->Arg(240)
    ->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_ScaleRepair)
    ->ArgName("repair_h")
    ->Arg(2)
    ->Arg(24)
    ->Arg(150)
    ->Unit(benchmark::kMicrosecond);

// scenarios/strategies-16k.yaml's base point with `strategy`: the same cluster and failures.
void BM_Strategy(benchmark::State& state, const char* strategy) {
  if (const auto s =
          scenario(state, "strategies-16k.yaml", {std::string("recovery.strategy=") + strategy})) {
    run(state, *s);
  }
}

// scenarios/multilevel-16k.yaml: in-memory copies every 10 min, persistent every 2 h.
void BM_MultiLevel(benchmark::State& state) {
  if (const auto s = scenario(state, "multilevel-16k.yaml")) run(state, *s);
}

BENCHMARK_CAPTURE(BM_Strategy, hot_spare, "hot_spare")->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_Strategy, checkpointless, "checkpointless")->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_Strategy, requeue, "requeue")->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_Strategy, elastic, "elastic")->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_MultiLevel)->Unit(benchmark::kMicrosecond);

// Named by job and shape k: k07 = shape 0.7, k10 = shape 1.0.
BENCHMARK_CAPTURE(BM_Weibull, llama3_16k_k07, "0.7", false)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_Weibull, llama3_16k_k10, "1.0", false)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_Weibull, gpu100k_90d_k07, "0.7", true)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
