// Why: the sweep's one writer thread, which stores the blocks of each point in its part.
#include "cli/sweep_writer.h"

#include <algorithm>
#include <utility>

namespace goodsim::cli::detail {

PartWriter::PartWriter(std::function<void(PartBlock&)> store, std::size_t queue_limit)
    : store_(std::move(store)),
      queue_limit_(std::max<std::size_t>(1, queue_limit)),
      thread_([this] { run(); }) {}

void PartWriter::push(PartBlock block) {
  {
    std::unique_lock guard(mutex_);
    // A failed writer takes nothing more: the workers see failed() and stop.
    room_cv_.wait(guard, [&] { return queue_.size() < queue_limit_ || failed(); });
    if (failed()) return;
    queue_.push_back(std::move(block));
  }
  cv_.notify_one();
}

void PartWriter::finish() {
  {
    const std::lock_guard guard(mutex_);
    closing_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void PartWriter::run() {
  for (;;) {
    PartBlock block;
    {
      std::unique_lock guard(mutex_);
      cv_.wait(guard, [&] { return closing_ || !queue_.empty(); });
      if (queue_.empty()) return;  // closing, and everything completed is stored
      block = std::move(queue_.front());
      queue_.pop_front();
    }
    room_cv_.notify_one();
    try {
      store_(block);
    } catch (...) {
      const std::lock_guard guard(mutex_);
      error_ = std::current_exception();
      failed_ = true;
      room_cv_.notify_all();
      return;
    }
  }
}

}  // namespace goodsim::cli::detail
