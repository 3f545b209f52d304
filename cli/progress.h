#pragma once
// Progress of long runs on stderr: a live line on a terminal, plain log lines otherwise.
// Quiet for runs that finish within a second, so short runs and tests print nothing.

#include <chrono>
#include <cstddef>
#include <string>

namespace goodsim::cli {

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
};

}  // namespace goodsim::cli
