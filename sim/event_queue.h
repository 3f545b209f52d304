#pragma once
// The discrete-event kernel: a simulated clock and a queue of future events.
//
// Like SimPy's Environment it knows only `now`, a heap ordered by (time, insertion id) and
// how to pop the next event; what an event *means* is the caller's Payload. Keeping the
// payload a plain value (not a callback) avoids an allocation and an indirect call per event,
// which is what lets a replication run hundreds of failures in tens of microseconds.
//
// Equal times pop in scheduling order (the insertion id breaks ties), so a run is a pure
// function of its inputs. Cancellation is lazy: a cancelled entry stays in the heap and is
// skipped when it surfaces; a generation counter per slot makes stale handles harmless.

#include <cassert>
#include <cstdint>
#include <limits>
#include <optional>
#include <stdexcept>
#include <vector>

namespace goodsim::sim {

// Identifies one scheduled event; a default-constructed handle refers to nothing.
class EventHandle {
 public:
  EventHandle() = default;
  bool valid() const { return slot_ != kNone; }

 private:
  template <typename>
  friend class EventQueue;
  static constexpr std::uint32_t kNone = UINT32_MAX;
  EventHandle(std::uint32_t slot, std::uint32_t generation)
      : slot_(slot), generation_(generation) {}
  std::uint32_t slot_ = kNone;
  std::uint32_t generation_ = 0;
};

template <typename Payload>
class EventQueue {
 public:
  struct Event {
    double time;
    Payload payload;
  };

  double now() const { return now_; }
  bool empty() const { return live_ == 0; }
  std::size_t size() const { return live_; }

  // Schedules `payload` at absolute time `time` (>= now).
  EventHandle schedule_at(double time, Payload payload) {
    if (!(time >= now_)) throw std::logic_error("EventQueue: event scheduled in the past");
    std::uint32_t slot;
    if (free_.empty()) {
      slot = static_cast<std::uint32_t>(slots_.size());
      slots_.push_back(Slot{});
    } else {
      slot = free_.back();
      free_.pop_back();
    }
    Slot& s = slots_[slot];
    s.payload = std::move(payload);
    s.live = true;
    heap_push(Entry{time, next_id_++, slot, s.generation});
    ++live_;
    return EventHandle(slot, s.generation);
  }

  // One recurring event whose time moves, such as a failure clock's next failure: `event`
  // goes to `time` (infinity: none), and the heap is touched only when that time changed, which
  // the common call (the time stays where it was) avoids.
  struct Moving {
    EventHandle handle;
    double time = std::numeric_limits<double>::infinity();
  };
  void move(Moving& event, double time, Payload payload) {
    if (pending(event.handle)) {
      if (time == event.time) return;
      cancel(event.handle);
    }
    event.time = time;
    if (time != std::numeric_limits<double>::infinity()) {
      event.handle = schedule_at(time, std::move(payload));
    }
  }

  EventHandle schedule_in(double delay, Payload payload) {
    return schedule_at(now_ + delay, std::move(payload));
  }

  // True if the handle's event is still waiting to fire.
  bool pending(EventHandle h) const {
    return h.valid() && h.slot_ < slots_.size() && slots_[h.slot_].live &&
           slots_[h.slot_].generation == h.generation_;
  }

  // Cancels a pending event; returns false (and does nothing) if it already fired or was cancelled.
  bool cancel(EventHandle h) {
    if (!pending(h)) return false;
    release(h.slot_);
    // Far-future cancelled entries would otherwise pile up and deepen the heap.
    if (heap_.size() > 2 * live_ + 32) compact();
    return true;
  }

  // Removes and returns the earliest live event and advances the clock to its time.
  std::optional<Event> pop() {
    while (!heap_.empty()) {
      const Entry top = heap_pop();
      Slot& s = slots_[top.slot];
      if (!s.live || s.generation != top.generation) continue;  // cancelled
      now_ = top.time;
      Event ev{top.time, std::move(s.payload)};
      release(top.slot);
      return ev;
    }
    return std::nullopt;
  }

  // Pops the earliest live event only if it comes strictly before `limit`: lets a caller
  // interleave the queue with a deterministic timeline of its own without a separate peek.
  std::optional<Event> pop_before(double limit) {
    const std::optional<double> next = peek_time();
    if (!next || !(*next < limit)) return std::nullopt;
    return pop();
  }

  // Time of the earliest live event, if any (drops cancelled entries on the way).
  std::optional<double> peek_time() {
    while (!heap_.empty()) {
      const Entry& top = heap_.front();
      const Slot& s = slots_[top.slot];
      if (s.live && s.generation == top.generation) return top.time;
      heap_pop();
    }
    return std::nullopt;
  }

  // Forgets every event and resets the clock, keeping allocated capacity for reuse.
  void reset(double start_time = 0.0) {
    heap_.clear();
    slots_.clear();
    free_.clear();
    live_ = 0;
    next_id_ = 0;
    now_ = start_time;
  }

 private:
  struct Entry {
    double time;
    std::uint64_t id;  // insertion order: the deterministic tie-break
    std::uint32_t slot;
    std::uint32_t generation;
  };
  struct Slot {
    Payload payload{};
    std::uint32_t generation = 0;
    bool live = false;
  };

  static bool earlier(const Entry& a, const Entry& b) {
    return a.time < b.time || (a.time == b.time && a.id < b.id);
  }

  void release(std::uint32_t slot) {
    Slot& s = slots_[slot];
    s.live = false;
    ++s.generation;
    free_.push_back(slot);
    --live_;
  }

  void compact() {
    std::vector<Entry> kept;
    kept.reserve(live_);
    for (const Entry& e : heap_) {
      const Slot& s = slots_[e.slot];
      if (s.live && s.generation == e.generation) kept.push_back(e);
    }
    heap_.clear();
    for (const Entry& e : kept) heap_push(e);
  }

  // A 4-ary heap: shallower than binary, and a node's children share a cache line.
  static constexpr std::size_t kArity = 4;

  void heap_push(Entry e) {
    std::size_t i = heap_.size();
    heap_.push_back(e);
    while (i > 0) {
      const std::size_t parent = (i - 1) / kArity;
      if (!earlier(e, heap_[parent])) break;
      heap_[i] = heap_[parent];
      i = parent;
    }
    heap_[i] = e;
  }

  Entry heap_pop() {
    assert(!heap_.empty());
    const Entry top = heap_.front();
    const Entry last = heap_.back();
    heap_.pop_back();
    const std::size_t n = heap_.size();
    if (n == 0) return top;
    std::size_t i = 0;
    for (;;) {
      const std::size_t first = i * kArity + 1;
      if (first >= n) break;
      std::size_t best = first;
      const std::size_t end = first + kArity < n ? first + kArity : n;
      for (std::size_t c = first + 1; c < end; ++c) {
        if (earlier(heap_[c], heap_[best])) best = c;
      }
      if (!earlier(heap_[best], last)) break;
      heap_[i] = heap_[best];
      i = best;
    }
    heap_[i] = last;
    return top;
  }

  std::vector<Entry> heap_;
  std::vector<Slot> slots_;
  std::vector<std::uint32_t> free_;
  std::size_t live_ = 0;
  std::uint64_t next_id_ = 0;
  double now_ = 0.0;
};

}  // namespace goodsim::sim
