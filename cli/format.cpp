#include "cli/format.h"

#include <cmath>
#include <cstdio>

namespace goodsim::cli {

std::string with_commas(double value, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, std::abs(value));
  std::string digits(buf);
  const std::size_t dot = digits.find('.');
  std::string int_part = digits.substr(0, dot);
  const std::string frac = dot == std::string::npos ? "" : digits.substr(dot);
  for (int i = static_cast<int>(int_part.size()) - 3; i > 0; i -= 3) int_part.insert(static_cast<std::size_t>(i), ",");
  return (value < 0 ? "-" : "") + int_part + frac;
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

}  // namespace goodsim::cli
