#pragma once
// Human-readable numbers and durations for terminal output.

#include <string>

namespace goodsim::sim {

// "1,296" / "0.7049"; thousands separators for the integer part.
std::string with_commas(double value, int decimals = 0);
// printf with up to four numbers: format_numbers("%.4f +/- %.4f", mean, ci95). Arguments the
// format does not use are ignored, as printf ignores them; the result is never truncated.
std::string format_numbers(const char* format, double a, double b = 0, double c = 0, double d = 0);
// Picks a readable unit: "45 s", "12 min", "3.09 h", "54.0 d".
std::string human_duration(double hours);

}  // namespace goodsim::sim
