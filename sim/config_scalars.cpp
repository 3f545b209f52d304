// Scalar text -> numbers and hours in one place, so every typed read and duration agree.

#include "sim/config_scalars.h"

#include <charconv>
#include <cmath>
#include <system_error>

#include "sim/config.h"

namespace goodsim::sim {

namespace {

// Number parsing. from_chars is locale-independent and reports how much it consumed, which the
// duration parser needs to split "1.5h" into number and unit.

// Parses a real number prefix; returns the end of the number or nullptr.
const char* parse_real_prefix(std::string_view text, double& value) {
  const char* begin = text.data();
  const char* end = text.data() + text.size();
  // from_chars rejects a leading '+', YAML users may write one.
  if (begin != end && *begin == '+') {
    ++begin;
    if (begin != end && *begin == '-') return nullptr;
  }
  auto [ptr, ec] = std::from_chars(begin, end, value, std::chars_format::general);
  if (ec != std::errc() || !std::isfinite(value)) return nullptr;
  return ptr;
}

struct DurationUnit {
  std::string_view name;
  double hours;
};

constexpr DurationUnit kDurationUnits[] = {
    {"s", 1.0 / 3600}, {"sec", 1.0 / 3600}, {"min", 1.0 / 60}, {"h", 1},      {"hr", 1},
    {"d", 24},         {"day", 24},         {"days", 24},      {"w", 24 * 7}, {"week", 24 * 7},
};

}  // namespace

namespace detail {

std::optional<double> parse_real(std::string_view text) {
  double value = 0;
  const char* end = parse_real_prefix(text, value);
  if (end != text.data() + text.size()) return std::nullopt;
  return value;
}

std::optional<std::int64_t> parse_int(std::string_view text) {
  std::string_view digits = text;
  if (!digits.empty() && digits.front() == '+') {
    digits.remove_prefix(1);
    if (!digits.empty() && digits.front() == '-') return std::nullopt;
  }
  std::int64_t value = 0;
  auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (ec == std::errc() && ptr == digits.data() + digits.size()) return value;
  if (ec == std::errc::result_out_of_range) return std::nullopt;
  // "1e3": accept reals that are exactly integral and representable.
  std::optional<double> real = parse_real(text);
  if (!real || std::trunc(*real) != *real) return std::nullopt;
  constexpr double kLimit = 9223372036854775808.0;  // 2^63
  if (*real < -kLimit || *real >= kLimit) return std::nullopt;
  return static_cast<std::int64_t>(*real);
}

std::optional<std::string_view> duration_unit(std::string_view text, double& number) {
  const char* end = parse_real_prefix(text, number);
  if (end == nullptr) return std::nullopt;
  std::string_view unit = text.substr(end - text.data());
  if (!unit.empty() && unit.front() == ' ') unit.remove_prefix(1);
  return unit;
}

}  // namespace detail

std::optional<double> parse_hours(std::string_view text) {
  double number = 0;
  std::optional<std::string_view> unit = detail::duration_unit(text, number);
  if (!unit) return std::nullopt;
  if (unit->empty()) {
    // A bare "0" is unambiguous; "5 " (space but no unit) is not.
    if (number == 0 && text.back() != ' ') return 0.0;
    return std::nullopt;
  }
  for (const DurationUnit& candidate : kDurationUnits) {
    if (candidate.name != *unit) continue;
    double hours = number * candidate.hours;
    if (!std::isfinite(hours)) return std::nullopt;
    return hours;
  }
  return std::nullopt;
}

}  // namespace goodsim::sim
