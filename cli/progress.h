#pragma once
// Progress of long runs on stderr: a live line on a terminal, plain log lines otherwise.
// Quiet for runs that finish within a second, so short runs and tests print nothing.

#include <chrono>
#include <cstddef>
#include <string>

namespace goodsim::cli {

// Items per second and seconds left at `elapsed_s`, from the pace since the first completion
// (`first_done` items done at `first_s`): the time before it (reading the scenario, choosing
// an interval, starting threads) belongs to no item, and counting it made the early estimates
// of a sweep 20-40x too long. Both negative while there is no pace yet.
struct Pace {
  double per_s = -1.0;
  double remaining_s = -1.0;
};
Pace pace(std::size_t done, std::size_t total, std::size_t first_done, double first_s,
          double elapsed_s);

class ProgressPrinter {
 public:
  ProgressPrinter(std::string what, bool enabled);
  void operator()(std::size_t done, std::size_t total) { (*this)(done, total, ""); }
  // `detail` goes before the counts: "sweep: points 3/18, replications 1500/9000 (17%), ...".
  void operator()(std::size_t done, std::size_t total, const std::string& detail);

 private:
  std::string what_;
  bool enabled_;
  bool tty_;
  bool printed_ = false;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_log_;
  std::size_t first_done_ = 0;  // items done at the first report of any
  double first_s_ = -1.0;       // ... and when (seconds since start); negative: not yet
};

}  // namespace goodsim::cli
