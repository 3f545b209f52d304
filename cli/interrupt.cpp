#include "cli/interrupt.h"

#include <signal.h>

namespace goodsim::cli {
namespace {

// The one piece of process-wide mutable state in goodsim, because a signal handler can reach
// nothing else: written only by on_signal, read by the threads of parallel_for. A lock-free
// std::atomic is both async-signal-safe (unlike a mutex) and free of data races between
// threads (unlike a plain volatile std::sig_atomic_t, which is only safe within one thread).
std::atomic<int> g_stop_signal{0};
static_assert(std::atomic<int>::is_always_lock_free, "the signal flag must be lock-free");

extern "C" void on_signal(int signal) {
  g_stop_signal.store(signal, std::memory_order_relaxed);
}

}  // namespace

const std::atomic<int>& stop_on_interrupt() {
  struct sigaction action {};
  action.sa_handler = on_signal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESETHAND;  // the second Ctrl-C takes the default action: exit now
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
  return g_stop_signal;
}

int interrupt_signal() {
  return g_stop_signal.load(std::memory_order_relaxed);
}

}  // namespace goodsim::cli
