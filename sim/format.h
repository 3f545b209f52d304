#pragma once
// Human-readable numbers and durations for terminal output.

#include <string>

namespace goodsim::sim {

// "1,296" / "0.7049"; thousands separators for the integer part.
std::string with_commas(double value, int decimals = 0);
// Picks a readable unit: "45 s", "12 min", "3.09 h", "54.0 d".
std::string human_duration(double hours);

}  // namespace goodsim::sim
