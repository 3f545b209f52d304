#pragma once
// Internals shared by ConfigNode's typed reads and parse_hours() (public, in sim/config.h).

#include <cstdint>
#include <optional>
#include <string_view>

namespace goodsim::sim::detail {

// A finite real number, the whole text ("1.5", "+2", "1e3"); locale-independent.
std::optional<double> parse_real(std::string_view text);

// An integer ("8", "-3", "+5"), or a real that is exactly one ("1e3"); not "8.5" or "8x".
std::optional<std::int64_t> parse_int(std::string_view text);

// Splits "5 min" into its number (into `number`) and the unit part ("min", "" if none); nullopt
// if the text does not start with a number.
std::optional<std::string_view> duration_unit(std::string_view text, double& number);

}  // namespace goodsim::sim::detail
