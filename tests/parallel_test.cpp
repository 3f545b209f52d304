// sim::parallel_for: every index exactly once, progress that moves with every index, and a
// stop flag that ends the loop early with sim::Interrupted.

#include "sim/parallel.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

namespace goodsim::sim {
namespace {

TEST(ParallelFor, ProgressCountsEachIndexNotWholeChunks) {
  // 1 thread, 1280 indices: chunks of 20 (n / (threads x 64)), 1 ms per index. Counted per
  // chunk, every report but the last would be a multiple of 20; reports come every 250 ms.
  const std::size_t n = 1280;
  std::vector<std::size_t> reports;
  parallel_for(
      n, 1, [](std::size_t) { std::this_thread::sleep_for(std::chrono::milliseconds(1)); },
      [&](std::size_t done, std::size_t total) {
        EXPECT_EQ(total, n);
        reports.push_back(done);
      });
  ASSERT_GE(reports.size(), 3u);
  EXPECT_EQ(reports.back(), n);
  bool inside_a_chunk = false;
  for (std::size_t i = 0; i + 1 < reports.size(); ++i) inside_a_chunk |= reports[i] % 20 != 0;
  EXPECT_TRUE(inside_a_chunk);
}

TEST(ParallelFor, AStopFlagEndsTheLoopEarlyWithInterrupted) {
  const std::size_t n = 100000;
  std::atomic<int> stop{0};
  std::atomic<std::size_t> calls{0};
  EXPECT_THROW(parallel_for(
                   n, 2,
                   [&](std::size_t) {
                     if (calls.fetch_add(1) == 100) stop = 2;  // as a SIGINT handler would
                   },
                   {}, &stop),
               Interrupted);
  // The workers finish the index in hand and start no new one.
  EXPECT_GE(calls.load(), 101u);
  EXPECT_LE(calls.load(), 102u);
}

TEST(ParallelFor, AFlagSetBeforeTheStartRunsNothing) {
  std::atomic<int> stop{2};
  std::atomic<std::size_t> calls{0};
  EXPECT_THROW(parallel_for(
                   1000, 2, [&](std::size_t) { ++calls; }, {}, &stop),
               Interrupted);
  EXPECT_EQ(calls.load(), 0u);
}

}  // namespace
}  // namespace goodsim::sim
