#pragma once
// Ctrl-C (SIGINT) and SIGTERM during a long command: stop cleanly instead of dying mid-write.
//
// The handler only records the signal in one flag; the Monte Carlo driver (sim::parallel_for)
// polls it, finishes the replications in hand and throws sim::Interrupted, and the command
// unwinds normally: temp files are removed by their AtomicFile, a sweep keeps its stored
// points. main turns sim::Interrupted into exit code 128 + the signal number (130 for Ctrl-C).
// The handler is installed once, with SA_RESETHAND: a second Ctrl-C kills at once.

#include <atomic>

namespace goodsim::cli {

// Installs the handler for SIGINT and SIGTERM and returns the flag it sets: 0 until a signal
// arrives, then its number. Only run and sweep call this; other commands keep the default
// action (die at once), since they do not poll the flag.
const std::atomic<int>& stop_on_interrupt();

// The number of the signal that stopped the command, 0 if none.
int interrupt_signal();

}  // namespace goodsim::cli
