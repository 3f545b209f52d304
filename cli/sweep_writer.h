#pragma once
// Why: completed points are stored on one thread while the workers keep simulating, and the
// HDF5 library is not thread-safe: only this writer touches it during a sweep.

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>

namespace goodsim::cli::detail {

// Runs `store(slot)` on its own thread for every pushed slot, in push order. The first
// exception `store` throws stops the writer; it is kept for error().
class PartWriter {
 public:
  explicit PartWriter(std::function<void(std::size_t slot)> store);
  PartWriter(const PartWriter&) = delete;
  PartWriter& operator=(const PartWriter&) = delete;
  ~PartWriter() { finish(); }

  void push(std::size_t slot);
  // Stores what was pushed so far, then ends the thread; safe to call again.
  void finish();
  // Whether a store failed; polled by the workers, so they stop simulating for nothing.
  bool failed() const { return failed_.load(std::memory_order_relaxed); }
  // The failure of a store, or nullptr; read after finish().
  std::exception_ptr error() const { return error_; }

 private:
  void run();

  std::function<void(std::size_t)> store_;
  std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<std::size_t> queue_;
  bool closing_ = false;
  std::exception_ptr error_;
  std::atomic<bool> failed_{false};
  std::jthread thread_;  // last: starts once the members above exist
};

}  // namespace goodsim::cli::detail
