#pragma once
// A min-heap of times (hours), 4-ary: half the levels of a binary heap, and the four children
// of a node are adjacent in memory. Times arrive in random order, so a branch on which child
// is least would mispredict about half the time (std::pop_heap does, once per level); here the
// least of four is picked with comparisons folded into indices. The models keep failure
// clocks and repair completions in it.

#include <cstddef>
#include <vector>

namespace goodsim::sim {

class TimeHeap {
 public:
  bool empty() const { return times_.empty(); }
  std::size_t size() const { return times_.size(); }
  double earliest() const { return times_.front(); }

  void push(double t) {
    times_.push_back(t);
    sift_up(times_.size() - 1, t);
  }

  // Removes the earliest time: the hole at the root sinks along least children to a leaf
  // (Floyd), then the last time fills it from there; it is late, so it rarely climbs.
  void pop_earliest() {
    const double last = times_.back();
    times_.pop_back();
    if (times_.empty()) return;
    sift_up(sink_hole(), last);
  }

 private:
  static constexpr std::size_t kArity = 4;

  // Moves the hole at the root down to a leaf; returns its final index.
  std::size_t sink_hole() {
    const std::size_t n = times_.size();
    std::size_t hole = 0;
    for (std::size_t first = 1; first < n; first = kArity * hole + 1) {
      const std::size_t least = first + kArity <= n ? least_of_four(first) : least_of_few(first, n);
      times_[hole] = times_[least];
      hole = least;
    }
    return hole;
  }

  std::size_t least_of_four(std::size_t first) const {
    const double* c = &times_[first];
    const std::size_t a = first + static_cast<std::size_t>(c[1] < c[0]);
    const std::size_t b = first + 2 + static_cast<std::size_t>(c[3] < c[2]);
    return times_[b] < times_[a] ? b : a;
  }

  std::size_t least_of_few(std::size_t first, std::size_t n) const {
    std::size_t least = first;
    for (std::size_t i = first + 1; i < n; ++i) {
      if (times_[i] < times_[least]) least = i;
    }
    return least;
  }

  void sift_up(std::size_t hole, double t) {
    while (hole > 0) {
      const std::size_t parent = (hole - 1) / kArity;
      if (!(t < times_[parent])) break;
      times_[hole] = times_[parent];
      hole = parent;
    }
    times_[hole] = t;
  }

  std::vector<double> times_;
};

}  // namespace goodsim::sim
