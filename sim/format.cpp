#include "sim/format.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace goodsim::sim {

std::string with_commas(double value, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, std::abs(value));
  const std::string digits(buf);
  const std::size_t int_len = std::min(digits.find('.'), digits.size());
  std::string out = value < 0 ? "-" : "";
  for (std::size_t i = 0; i < int_len; ++i) {
    if (i > 0 && (int_len - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  out.append(digits, int_len, std::string::npos);
  return out;
}

std::string format_numbers(const char* format, double a, double b, double c, double d) {
  char buf[256];
  const int n = std::snprintf(buf, sizeof buf, format, a, b, c, d);
  if (n < 0) return {};
  if (static_cast<std::size_t>(n) < sizeof buf) return buf;
  std::string out(static_cast<std::size_t>(n), '\0');
  std::snprintf(out.data(), out.size() + 1, format, a, b, c, d);
  return out;
}

std::string human_duration(double hours) {
  char buf[64];
  const double a = std::abs(hours);
  if (a == 0.0) return "0";
  if (a < 1.0 / 60.0) {
    std::snprintf(buf, sizeof buf, "%.3g s", hours * 3600.0);
  } else if (a < 1.0) {
    std::snprintf(buf, sizeof buf, "%.3g min", hours * 60.0);
  } else if (a < 72.0) {
    std::snprintf(buf, sizeof buf, "%.3g h", hours);
  } else {
    return with_commas(hours, 0) + " h";
  }
  return buf;
}

}  // namespace goodsim::sim
