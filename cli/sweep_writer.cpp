// Why: the sweep's one writer thread, which stores each completed point as its part.
#include "cli/sweep_writer.h"

#include <utility>

namespace goodsim::cli::detail {

PartWriter::PartWriter(std::function<void(std::size_t slot)> store)
    : store_(std::move(store)), thread_([this] { run(); }) {}

void PartWriter::push(std::size_t slot) {
  {
    const std::lock_guard guard(mutex_);
    queue_.push_back(slot);
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
    std::size_t slot = 0;
    {
      std::unique_lock guard(mutex_);
      cv_.wait(guard, [&] { return closing_ || !queue_.empty(); });
      if (queue_.empty()) return;  // closing, and everything completed is stored
      slot = queue_.front();
      queue_.pop_front();
    }
    try {
      store_(slot);
    } catch (...) {
      error_ = std::current_exception();
      failed_ = true;
      return;
    }
  }
}

}  // namespace goodsim::cli::detail
