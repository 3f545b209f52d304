#include "cli/progress.h"

#include <unistd.h>

#include <cstdio>

namespace goodsim::cli {

ProgressPrinter::ProgressPrinter(std::string what, bool enabled)
    : what_(std::move(what)),
      enabled_(enabled),
      tty_(isatty(STDERR_FILENO) != 0),
      start_(std::chrono::steady_clock::now()),
      last_log_(start_) {}

void ProgressPrinter::operator()(std::size_t done, std::size_t total, const std::string& detail) {
  if (!enabled_) return;
  const auto now = std::chrono::steady_clock::now();
  const double elapsed = std::chrono::duration<double>(now - start_).count();
  const bool finished = done >= total;
  if (!printed_ && (elapsed < 1.0 || finished)) return;
  // Off a terminal (CI logs, files) one line every 10 s is plenty.
  if (!tty_ && !finished && now - last_log_ < std::chrono::seconds(10)) return;
  last_log_ = now;
  const double rate = elapsed > 0 ? static_cast<double>(done) / elapsed : 0.0;
  const double eta = rate > 0 ? static_cast<double>(total - done) / rate : 0.0;
  char eta_text[32] = "?";  // nothing done yet: no rate to extrapolate from
  if (done > 0) std::snprintf(eta_text, sizeof eta_text, "%.0f s", eta);
  std::fprintf(stderr, "%s%s: %s%s%zu/%zu (%.0f%%), %.0f/s, ETA %s%s", tty_ ? "\r" : "",
               what_.c_str(), detail.c_str(), detail.empty() ? "" : " ", done, total,
               100.0 * static_cast<double>(done) / static_cast<double>(total), rate, eta_text,
               tty_ ? "\x1b[K" : "\n");
  if (tty_ && finished) std::fputc('\n', stderr);
  std::fflush(stderr);
  printed_ = true;
}

}  // namespace goodsim::cli
