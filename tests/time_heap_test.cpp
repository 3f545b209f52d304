// sim::TimeHeap, the 4-ary min-heap behind repair completions and Weibull replacement clocks:
// it yields the same minimum as a reference heap whatever the order of pushes and pops.

#include "sim/time_heap.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <queue>
#include <random>
#include <vector>

namespace goodsim::sim {
namespace {

TEST(TimeHeap, EarliestMatchesAReferenceHeapUnderRandomPushesAndPops) {
  std::mt19937_64 rng(42);
  std::uniform_real_distribution<double> time(0.0, 1000.0);
  std::bernoulli_distribution push(0.55);
  TimeHeap heap;
  std::priority_queue<double, std::vector<double>, std::greater<>> reference;
  for (int step = 0; step < 200000; ++step) {
    if (reference.empty() || push(rng)) {
      const double t = time(rng);
      heap.push(t);
      reference.push(t);
    } else {
      ASSERT_EQ(heap.earliest(), reference.top()) << "step " << step;
      heap.pop_earliest();
      reference.pop();
    }
    ASSERT_EQ(heap.size(), reference.size());
  }
  while (!reference.empty()) {
    ASSERT_EQ(heap.earliest(), reference.top());
    heap.pop_earliest();
    reference.pop();
  }
  EXPECT_TRUE(heap.empty());
}

TEST(TimeHeap, EqualTimesAndSizesAroundAFullLevel) {
  for (int n = 1; n <= 22; ++n) {  // 1, 5 and 21 fill levels of a 4-ary heap exactly
    TimeHeap heap;
    for (int i = 0; i < n; ++i) heap.push(static_cast<double>((i * 7) % 5));
    std::vector<double> popped;
    while (!heap.empty()) {
      popped.push_back(heap.earliest());
      heap.pop_earliest();
    }
    ASSERT_EQ(popped.size(), static_cast<std::size_t>(n));
    EXPECT_TRUE(std::is_sorted(popped.begin(), popped.end())) << n;
  }
}

}  // namespace
}  // namespace goodsim::sim
