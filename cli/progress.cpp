#include "cli/progress.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>

namespace goodsim::cli {

ProgressPrinter::ProgressPrinter(std::string what, bool enabled)
    : what_(std::move(what)),
      enabled_(enabled),
      tty_(isatty(STDERR_FILENO) != 0),
      start_(std::chrono::steady_clock::now()),
      last_log_(start_) {}

Pace pace(std::size_t done, std::size_t total, std::size_t first_done, double first_s,
          double elapsed_s) {
  if (first_s < 0.0 || done <= first_done || !(elapsed_s > first_s)) return {};
  const double per_s = static_cast<double>(done - first_done) / (elapsed_s - first_s);
  return {per_s, static_cast<double>(total - std::min(done, total)) / per_s};
}

void ProgressPrinter::operator()(std::size_t done, std::size_t total, const std::string& detail) {
  if (!enabled_) return;
  const auto now = std::chrono::steady_clock::now();
  const double elapsed = std::chrono::duration<double>(now - start_).count();
  if (first_s_ < 0.0 && done > 0) {
    first_done_ = done;
    first_s_ = elapsed;
  }
  const bool finished = done >= total;
  if (!printed_ && (elapsed < 1.0 || finished)) return;
  // Off a terminal (CI logs, files) one line every 10 s is plenty.
  if (!tty_ && !finished && now - last_log_ < std::chrono::seconds(10)) return;
  last_log_ = now;
  const Pace p = pace(done, total, first_done_, first_s_, elapsed);
  char rate_text[32] = "?";  // no pace yet: nothing to extrapolate from
  char eta_text[32] = "?";
  if (p.per_s >= 0.0) {
    std::snprintf(rate_text, sizeof rate_text, "%.0f", p.per_s);
    std::snprintf(eta_text, sizeof eta_text, "%.0f s", p.remaining_s);
  }
  std::fprintf(stderr, "%s%s: %s%s%zu/%zu (%.0f%%), %s/s, ETA %s%s", tty_ ? "\r" : "",
               what_.c_str(), detail.c_str(), detail.empty() ? "" : " ", done, total,
               100.0 * static_cast<double>(done) / static_cast<double>(total), rate_text, eta_text,
               tty_ ? "\x1b[K" : "\n");
  if (tty_ && finished) std::fputc('\n', stderr);
  std::fflush(stderr);
  printed_ = true;
}

}  // namespace goodsim::cli
