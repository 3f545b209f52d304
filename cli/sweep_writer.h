#pragma once
// Why: the blocks of replications are stored on one thread while the workers keep simulating,
// and the HDF5 library is not thread-safe: only this writer touches it during a sweep.

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "models/replication_result.h"

namespace goodsim::cli::detail {

// A block of a point's replications, in order, ready to be stored; `last` completes the point.
struct PartBlock {
  std::size_t slot = 0;
  std::vector<models::ReplicationResult> results;
  bool last = false;
};

// Runs `store(block)` on its own thread for every pushed block, in push order. The first
// exception `store` throws stops the writer; it is kept for error(). At most `queue_limit`
// blocks wait: push waits for room, so that a slow disk holds back the workers rather than
// letting simulated blocks pile up in memory.
class PartWriter {
 public:
  PartWriter(std::function<void(PartBlock&)> store, std::size_t queue_limit);
  PartWriter(const PartWriter&) = delete;
  PartWriter& operator=(const PartWriter&) = delete;
  ~PartWriter() { finish(); }

  void push(PartBlock block);
  // Stores what was pushed so far, then ends the thread; safe to call again.
  void finish();
  // Whether a store failed; polled by the workers, so they stop simulating for nothing.
  bool failed() const { return failed_.load(std::memory_order_relaxed); }
  // The failure of a store, or nullptr; read after finish().
  std::exception_ptr error() const { return error_; }

 private:
  void run();

  std::function<void(PartBlock&)> store_;
  std::size_t queue_limit_;
  std::mutex mutex_;
  std::condition_variable cv_;       // the writer waits for work
  std::condition_variable room_cv_;  // pushers wait for room
  std::deque<PartBlock> queue_;
  bool closing_ = false;
  std::exception_ptr error_;
  std::atomic<bool> failed_{false};
  std::jthread thread_;  // last: starts once the members above exist
};

}  // namespace goodsim::cli::detail
