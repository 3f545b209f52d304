// Replications streamed to the results file in blocks (issue 11 item 7): the blocks arrive in
// order and hold what run_replications gives, the summary fed block by block is summarize's
// bit for bit, and memory does not grow with the replications beyond the summary's figures.

#include <gtest/gtest.h>
#include <malloc.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <new>
#include <thread>

#include "cli/recommend_search.h"
#include "cli/results_file.h"
#include "cli/sweep.h"
#include "models/monte_carlo.h"
#include "models/precision.h"
#include "models/repair/repair_distribution.h"
#include "test_support.h"

// Live bytes allocated with operator new, counted over the whole test program: a result's
// storage and its vectors come from here. Not under AddressSanitizer, whose own operator new
// is what finds heap bugs there (g++ says so with __SANITIZE_ADDRESS__, clang with
// __has_feature): replacing only some of its operators would pair its nothrow new with our
// delete, which ASan rightly reports as a mismatch.
#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define GOODSIM_UNDER_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__) || defined(GOODSIM_UNDER_ASAN)
#define GOODSIM_COUNTS_HEAP 0
#else
#define GOODSIM_COUNTS_HEAP 1
namespace {
std::atomic<std::int64_t> g_live_bytes{0};
}  // namespace

// Out of line, so that the compiler does not pair an inlined malloc with a delete.
[[gnu::noinline]] void* operator new(std::size_t size) {
  void* p = std::malloc(size == 0 ? 1 : size);
  if (p == nullptr) throw std::bad_alloc();
  g_live_bytes.fetch_add(static_cast<std::int64_t>(malloc_usable_size(p)),
                         std::memory_order_relaxed);
  return p;
}
[[gnu::noinline]] void operator delete(void* p) noexcept {
  if (p == nullptr) return;
  g_live_bytes.fetch_sub(static_cast<std::int64_t>(malloc_usable_size(p)),
                         std::memory_order_relaxed);
  std::free(p);
}
[[gnu::noinline]] void operator delete(void* p, std::size_t) noexcept {
  operator delete(p);
}
#endif

namespace goodsim::test {
namespace {

#if GOODSIM_COUNTS_HEAP
// The most live bytes, above those live before, seen while `work` runs (its threads included),
// polled every 200 us.
template <typename Work>
std::int64_t peak_live_bytes(Work&& work) {
  const std::int64_t before = g_live_bytes.load();
  std::atomic<std::int64_t> peak{0};
  std::atomic<bool> running{true};
  std::jthread watch([&] {
    while (running.load()) {
      peak = std::max(peak.load(), g_live_bytes.load() - before);
      std::this_thread::sleep_for(std::chrono::microseconds(200));
    }
  });
  work();
  running = false;
  watch.join();
  return peak.load();
}
#endif

// Small and fast: about ten failures per replication, priced so that cost_usd is written.
models::Scenario small_scenario() {
  models::Scenario s;
  s.cluster.nodes = 16;
  s.cluster.spares = 2;
  s.cluster.failure.node_mtbf_h = 6.0 * 16;
  s.cluster.repair.distribution = models::exponential_repair(4.0);
  s.job.work_h = 50.0;
  s.checkpoint.interval_h = 1.0;
  s.checkpoint.write_h = 0.05;
  s.recovery.restart_h = 0.1;
  s.cost.node_hour_usd = 10.0;
  return s;
}

models::RunOptions options(std::int64_t replications, unsigned threads) {
  models::RunOptions o;
  o.replications = replications;
  o.seed = 7;
  o.threads = threads;
  return o;
}

TEST(Stream, BlocksArriveInOrderAndHoldWhatRunReplicationsGives) {
  const models::Scenario s = small_scenario();
  const auto whole = models::run_replications(s, options(1000, 2));
  std::vector<std::size_t> sizes;
  std::vector<models::ReplicationResult> streamed;
  models::stream_replications(
      s, options(1000, 2),
      [&](std::span<const models::ReplicationResult> block) {
        sizes.push_back(block.size());
        streamed.insert(streamed.end(), block.begin(), block.end());
      },
      300);
  EXPECT_EQ(sizes, (std::vector<std::size_t>{300, 300, 300, 100}));
  ASSERT_EQ(streamed.size(), whole.size());
  for (std::size_t i = 0; i < whole.size(); ++i) {
    EXPECT_EQ(streamed[i].wall_h, whole[i].wall_h) << i;
    EXPECT_EQ(streamed[i].buckets_h, whole[i].buckets_h) << i;
  }
}

TEST(Stream, TheSummaryFedBlockByBlockIsSummarizeBitForBit) {
  const models::Scenario s = small_scenario();
  const auto all = models::run_replications(s, options(5000, 2));
  models::SummaryAccumulator acc(s);
  for (std::size_t first = 0; first < all.size(); first += 777) {
    acc.add(std::span(all).subspan(first, std::min<std::size_t>(777, all.size() - first)));
  }
  const models::RunSummary a = acc.result();
  const models::RunSummary b = models::summarize(s, all);
  EXPECT_EQ(acc.count(), all.size());
  for (const auto& [x, y] :
       {std::pair{a.goodput, b.goodput}, std::pair{a.wall_h, b.wall_h},
        std::pair{a.interruptions, b.interruptions}, std::pair{*a.cost_usd, *b.cost_usd}}) {
    EXPECT_EQ(x.mean, y.mean);
    EXPECT_EQ(x.std_error, y.std_error);
    EXPECT_EQ(x.ci95, y.ci95);
    EXPECT_EQ(x.p5, y.p5);
    EXPECT_EQ(x.p50, y.p50);
    EXPECT_EQ(x.p95, y.p95);
  }
  EXPECT_EQ(a.bucket_mean_h, b.bucket_mean_h);
  EXPECT_EQ(a.recoveries_mean, b.recoveries_mean);
  EXPECT_EQ(a.events, b.events);
  EXPECT_EQ(a.cost_mean->slots_usd, b.cost_mean->slots_usd);
}

TEST(Stream, ARunToPrecisionStreamedStopsWhereTheHeldOneDoes) {
  const models::Scenario s = small_scenario();
  models::PrecisionTarget t;
  t.metric = models::PrecisionMetric::kWallH;
  t.half_width = 0.2;
  const models::PrecisionRun held = models::run_to_precision(s, options(0, 2), t);
  std::size_t streamed = 0;
  const models::PrecisionRun run = models::run_to_precision(
      s, options(0, 2), t,
      [&](std::span<const models::ReplicationResult> block) { streamed += block.size(); });
  EXPECT_TRUE(run.results.empty());
  EXPECT_EQ(streamed, held.results.size());
  EXPECT_EQ(run.replications, static_cast<std::int64_t>(held.results.size()));
  EXPECT_EQ(run.half_width, held.half_width);
  EXPECT_EQ(run.plain.mean, held.plain.mean);
}

// The regression test of issue 11 item 7: a run streamed to its file with its summary holds
// one block of results and the summary's 8-byte figures, not every result. Holding them all
// would take N x sizeof(ReplicationResult), several times the bound checked here.
TEST(Stream, ARunWrittenToItsFileHoldsOneBlockNotEveryResult) {
#if !GOODSIM_COUNTS_HEAP
  GTEST_SKIP() << "heap counting is off under AddressSanitizer";
#else
  const models::Scenario s = small_scenario();
  constexpr std::int64_t kReps = 40'000;
  constexpr std::int64_t kBlock = 256;
  TempDir dir;
  const std::string path = (dir.path() / "out.h5").string();
  cli::PointFile file(path, s, 0, false);
  models::SummaryAccumulator summary(s);
  const std::int64_t before = g_live_bytes.load();
  std::int64_t peak = 0;
  std::int64_t handed = 0;
  models::stream_replications(
      s, options(kReps, 2),
      [&](std::span<const models::ReplicationResult> block) {
        file.append(block);
        summary.add(block);
        handed += static_cast<std::int64_t>(block.size());
        peak = std::max(peak, g_live_bytes.load() - before);
      },
      kBlock);
  ASSERT_EQ(handed, kReps);
  // The summary's columns (4 figures, capacity up to twice the size) and a few blocks.
  const std::int64_t bound =
      2 * 4 * 8 * kReps + 4 * kBlock * static_cast<std::int64_t>(sizeof(models::ReplicationResult));
  const std::int64_t every_result =
      kReps * static_cast<std::int64_t>(sizeof(models::ReplicationResult));
  ASSERT_GT(every_result, 3 * bound) << "the test no longer tells the two apart";
  EXPECT_LT(peak, bound) << "live bytes at a block: " << peak;
#endif
}

// The same for a sweep (issue 11 item 7): each point's blocks go to its part as they come, so
// a point of many replications holds the blocks in flight and its summary's figures. Before,
// a point's results were all held until the point was stored.
TEST(Stream, ASweepPointHoldsItsBlocksInFlightNotEveryResult) {
#if !GOODSIM_COUNTS_HEAP
  GTEST_SKIP() << "heap counting is off under AddressSanitizer";
#else
  constexpr std::int64_t kReps = 300'000;
  constexpr unsigned kThreads = 2;
  TempDir dir;
  cli::SweepRun run;
  run.fingerprint = "stream-test";
  run.points.push_back(models::SweepPoint{0, {}, small_scenario()});
  cli::SweepOptions o;
  o.output = (dir.path() / "out.h5").string();
  o.replications = kReps;
  o.seed = 7;
  o.threads = kThreads;
  o.quiet = true;
  cli::SweepOutcome outcome;
  const std::int64_t peak = peak_live_bytes([&] { outcome = cli::run_sweep(run, o); });
  ASSERT_EQ(outcome.computed, 1u);
  ASSERT_EQ(outcome.summary.rows(), 1u);
  const auto block =
      models::kStreamBlock * static_cast<std::int64_t>(sizeof(models::ReplicationResult));
  // The summary's columns (4 figures, capacity up to twice the size), the writer's queue
  // (2 x threads + 2 blocks), a block per worker and the one being written, with slack.
  const std::int64_t bound = 2 * 4 * 8 * kReps + (3 * kThreads + 6) * block;
  const std::int64_t every_result =
      kReps * static_cast<std::int64_t>(sizeof(models::ReplicationResult));
  ASSERT_GT(every_result, 2 * bound) << "the test no longer tells the two apart";
  EXPECT_LT(peak, bound) << "peak live bytes: " << peak;
#endif
}

// recommend streams each candidate (issue 11 item 7): a candidate keeps its summary and the
// cost and wall time of each replication for the paired differences, 16 bytes, not every
// result (several hundred bytes each) while the candidates are simulated one after another.
TEST(Stream, RecommendHoldsTheFiguresItRanksNotEveryResult) {
#if !GOODSIM_COUNTS_HEAP
  GTEST_SKIP() << "heap counting is off under AddressSanitizer";
#else
  constexpr std::int64_t kReps = 200'000;
  constexpr std::int64_t kCandidates = 3;
  constexpr unsigned kThreads = 2;
  std::vector<cli::recommend::Evaluated> ev(kCandidates);
  for (std::int64_t k = 0; k < kCandidates; ++k) {
    ev[k].scenario = small_scenario();
    ev[k].scenario.cluster.spares = k;
  }
  const sim::ProcessGroup alone;
  const std::int64_t peak = peak_live_bytes(
      [&] { cli::recommend::simulate_candidates(ev, kReps, 7, kThreads, alone, true); });
  for (const cli::recommend::Evaluated& e : ev) {
    ASSERT_EQ(e.cost.size(), static_cast<std::size_t>(kReps));
    ASSERT_EQ(e.summary.wall_h.n, static_cast<std::size_t>(kReps));
    EXPECT_NEAR(e.wall_h / kReps, e.summary.wall_h.mean, 1e-12 * e.summary.wall_h.mean);
  }
  const auto block =
      models::kStreamBlock * static_cast<std::int64_t>(sizeof(models::ReplicationResult));
  // Every candidate's cost and wall time and one summary's columns (4 figures and the sorted
  // copy), all reserved to their size, the block in hand and one per worker.
  const std::int64_t bound = kCandidates * 2 * 8 * kReps + 5 * 8 * kReps + (kThreads + 2) * block;
  const std::int64_t every_result =
      kReps * static_cast<std::int64_t>(sizeof(models::ReplicationResult));
  ASSERT_GT(every_result, 2 * bound) << "the test no longer tells the two apart";
  EXPECT_LT(peak, bound) << "peak live bytes: " << peak;
#endif
}

}  // namespace
}  // namespace goodsim::test
