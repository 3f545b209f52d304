#pragma once
// Runs fn(i) for i in [0, n) on `threads` worker threads. Each index is computed exactly once
// and writes only its own output, so results do not depend on the thread count or on which
// worker picked which index. The calling thread reports progress while it waits.
//
// `stop` (optional) is polled before every index: once it is non-zero (e.g. set by a signal
// handler, cli/interrupt.h) the workers finish the index in hand, start no new one, and
// parallel_for throws Interrupted. Which indices were computed is then undefined.

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <exception>
#include <functional>
#include <limits>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

namespace goodsim::sim {

// Called on the calling thread about every `interval`, and once at the end, with (done, total).
using ProgressCallback = std::function<void(std::size_t done, std::size_t total)>;

unsigned default_thread_count();

// parallel_for stopped early because its `stop` flag was set.
class Interrupted : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// `max_chunk` bounds the indices a worker takes at once, so that the workers stay close to
// one another in [0, n): a caller that completes its output in order (goodsim sweep's blocks)
// then holds little between the slowest and the fastest worker.
template <typename Fn>
void parallel_for(std::size_t n, unsigned threads, Fn&& fn, const ProgressCallback& progress = {},
                  const std::atomic<int>* stop = nullptr,
                  std::size_t max_chunk = std::numeric_limits<std::size_t>::max()) {
  if (threads == 0) threads = default_thread_count();
  if (threads > n) threads = static_cast<unsigned>(n > 0 ? n : 1);
  // Small chunks keep the load balanced; large enough that the counter is not contended.
  const std::size_t chunk = std::clamp<std::size_t>(n / (static_cast<std::size_t>(threads) * 64), 1,
                                                    std::max<std::size_t>(1, max_chunk));
  std::atomic<std::size_t> next{0};
  std::atomic<std::size_t> done{0};
  std::atomic<bool> failed{false};
  const auto stopped = [stop] {
    return stop != nullptr && stop->load(std::memory_order_relaxed) != 0;
  };
  std::exception_ptr error;
  std::mutex error_mutex;

  auto worker = [&] {
    try {
      for (;;) {
        const std::size_t begin = next.fetch_add(chunk, std::memory_order_relaxed);
        if (begin >= n || failed.load(std::memory_order_relaxed)) return;
        const std::size_t end = std::min(n, begin + chunk);
        for (std::size_t i = begin; i < end; ++i) {
          if (stopped()) throw Interrupted("interrupted");
          fn(i);
          // Counted one by one, not per chunk: a chunk of slow replications can take many
          // seconds, and progress would stand at 0 meanwhile.
          done.fetch_add(1, std::memory_order_relaxed);
        }
      }
    } catch (...) {
      std::lock_guard lock(error_mutex);
      if (!error) error = std::current_exception();
      failed = true;
    }
  };

  std::vector<std::jthread> pool;
  pool.reserve(threads);
  for (unsigned t = 0; t < threads; ++t) pool.emplace_back(worker);
  if (progress) {
    // Poll often (short runs should not wait), report rarely.
    auto last_report = std::chrono::steady_clock::now();
    while (done.load() < n && !failed.load()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
      const auto now = std::chrono::steady_clock::now();
      if (now - last_report >= std::chrono::milliseconds(250)) {
        progress(done.load(), n);
        last_report = now;
      }
    }
  }
  pool.clear();  // joins
  if (error) std::rethrow_exception(error);
  if (progress) progress(n, n);
}

}  // namespace goodsim::sim
