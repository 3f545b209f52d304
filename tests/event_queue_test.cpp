// The kernel: events pop in time order, equal times in scheduling order, cancelled events
// never fire, and the clock never goes backwards.

#include "sim/event_queue.h"

#include <gtest/gtest.h>

#include <limits>
#include <random>
#include <vector>

namespace goodsim::sim {
namespace {

TEST(EventQueue, PopsInTimeOrder) {
  EventQueue<int> q;
  q.schedule_at(3.0, 3);
  q.schedule_at(1.0, 1);
  q.schedule_at(2.0, 2);
  std::vector<int> order;
  while (auto e = q.pop()) order.push_back(e->payload);
  EXPECT_EQ(order, (std::vector<int>{1, 2, 3}));
}

TEST(EventQueue, EqualTimesPopInSchedulingOrder) {
  EventQueue<int> q;
  for (int i = 0; i < 100; ++i) q.schedule_at(5.0, i);
  q.schedule_at(4.0, -1);
  std::vector<int> order;
  while (auto e = q.pop()) order.push_back(e->payload);
  ASSERT_EQ(order.size(), 101u);
  EXPECT_EQ(order.front(), -1);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(order[static_cast<std::size_t>(i) + 1], i);
}

// A moving event keeps one pending entry: moving it to the same time keeps its place among
// equal times (no new entry), a new time replaces it, infinity removes it.
TEST(EventQueue, MovingEventHasOneEntryAtItsLatestTime) {
  EventQueue<int> q;
  EventQueue<int>::Moving m;
  q.move(m, 2.0, 1);
  q.schedule_at(2.0, 2);
  q.move(m, 2.0, 1);  // unchanged: still ahead of the other event at 2.0
  EXPECT_EQ(q.size(), 2u);
  std::vector<int> order;
  while (auto e = q.pop()) order.push_back(e->payload);
  EXPECT_EQ(order, (std::vector<int>{1, 2}));

  q.move(m, 5.0, 7);
  q.move(m, 3.0, 8);
  EXPECT_EQ(q.size(), 1u);
  auto e = q.pop();
  ASSERT_TRUE(e);
  EXPECT_EQ(e->time, 3.0);
  EXPECT_EQ(e->payload, 8);

  q.move(m, 4.0, 9);  // fired: scheduled again
  q.move(m, std::numeric_limits<double>::infinity(), 9);
  EXPECT_TRUE(q.empty());
}

TEST(EventQueue, CancelledEventNeverFires) {
  EventQueue<int> q;
  q.schedule_at(1.0, 1);
  const EventHandle h = q.schedule_at(2.0, 2);
  q.schedule_at(3.0, 3);
  EXPECT_TRUE(q.pending(h));
  EXPECT_TRUE(q.cancel(h));
  EXPECT_FALSE(q.pending(h));
  EXPECT_FALSE(q.cancel(h));  // twice is a no-op
  EXPECT_EQ(q.size(), 2u);
  std::vector<int> order;
  while (auto e = q.pop()) order.push_back(e->payload);
  EXPECT_EQ(order, (std::vector<int>{1, 3}));
}

TEST(EventQueue, StaleHandleDoesNotCancelTheEventThatReusedItsSlot) {
  EventQueue<int> q;
  const EventHandle first = q.schedule_at(1.0, 1);
  ASSERT_TRUE(q.pop());
  const EventHandle second = q.schedule_at(2.0, 2);  // reuses the freed slot
  EXPECT_FALSE(q.cancel(first));
  EXPECT_TRUE(q.pending(second));
  auto e = q.pop();
  ASSERT_TRUE(e);
  EXPECT_EQ(e->payload, 2);
}

TEST(EventQueue, DefaultHandleRefersToNothing) {
  EventQueue<int> q;
  EventHandle h;
  EXPECT_FALSE(h.valid());
  EXPECT_FALSE(q.cancel(h));
}

TEST(EventQueue, ClockIsMonotoneAndEqualsEventTime) {
  EventQueue<int> q;
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> u(0.0, 10.0);
  std::vector<EventHandle> handles;
  for (int i = 0; i < 2000; ++i) handles.push_back(q.schedule_at(u(rng), i));
  for (std::size_t i = 0; i < handles.size(); i += 3) q.cancel(handles[i]);
  double last = 0.0;
  std::size_t popped = 0;
  while (auto e = q.pop()) {
    EXPECT_GE(e->time, last);
    EXPECT_EQ(q.now(), e->time);
    last = e->time;
    // Scheduling relative to now while popping keeps the order valid.
    if (popped++ % 7 == 0) q.schedule_in(u(rng), -1);
    if (popped > 10000) break;
  }
  EXPECT_TRUE(q.empty());
}

TEST(EventQueue, RejectsEventsInThePast) {
  EventQueue<int> q;
  q.schedule_at(5.0, 1);
  ASSERT_TRUE(q.pop());
  EXPECT_THROW(q.schedule_at(4.0, 2), std::logic_error);
}

TEST(EventQueue, ManyCancellationsKeepHeapSmall) {
  EventQueue<int> q;
  // The replication cancels a far-future "job done" event at every failure.
  for (int i = 0; i < 10000; ++i) {
    const EventHandle far = q.schedule_at(1e9 + i, i);
    q.cancel(far);
  }
  q.schedule_at(1.0, 42);
  EXPECT_EQ(q.size(), 1u);
  auto e = q.pop();
  ASSERT_TRUE(e);
  EXPECT_EQ(e->payload, 42);
  EXPECT_FALSE(q.pop());
}

}  // namespace
}  // namespace goodsim::sim
