#include "sim/timestamp.h"

#include <cmath>
#include <cstdint>
#include <cstdio>

namespace goodsim::sim {
namespace {

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

struct Civil {
  std::int64_t year;
  unsigned month, day;
};

Civil civil_from_days(std::int64_t z) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return {static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2), m, d};
}

bool leap(std::int64_t y) {
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

unsigned days_in_month(std::int64_t y, unsigned m) {
  static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && leap(y) ? 29 : kDays[m - 1];
}

// Reads exactly `n` digits at text[i], advancing i.
std::optional<int> digits(std::string_view text, std::size_t& i, std::size_t n) {
  if (i + n > text.size()) return std::nullopt;
  int v = 0;
  for (std::size_t k = 0; k < n; ++k) {
    const char c = text[i + k];
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  i += n;
  return v;
}

bool take(std::string_view text, std::size_t& i, char c) {
  if (i < text.size() && text[i] == c) {
    ++i;
    return true;
  }
  return false;
}

// The zone suffix at text[i..]: its offset from UTC in minutes, or nullopt if malformed.
std::optional<int> zone_minutes(std::string_view text, std::size_t i) {
  if (i == text.size()) return 0;  // no zone: UTC
  if (text[i] == 'Z' || text[i] == 'z')
    return i + 1 == text.size() ? std::optional<int>(0) : std::nullopt;
  if (text[i] != '+' && text[i] != '-') return std::nullopt;
  const int sign = text[i] == '-' ? -1 : 1;
  ++i;
  const auto hh = digits(text, i, 2);
  if (!hh || *hh > 23) return std::nullopt;
  int mm = 0;
  if (i < text.size()) {
    take(text, i, ':');
    const auto m = digits(text, i, 2);
    if (!m || *m > 59) return std::nullopt;
    mm = *m;
  }
  if (i != text.size()) return std::nullopt;
  return sign * (*hh * 60 + mm);
}

}  // namespace

std::optional<double> parse_iso8601_hours(std::string_view text) {
  std::size_t i = 0;
  const auto year = digits(text, i, 4);
  if (!year || !take(text, i, '-')) return std::nullopt;
  const auto month = digits(text, i, 2);
  if (!month || !take(text, i, '-')) return std::nullopt;
  const auto day = digits(text, i, 2);
  if (!day || *month < 1 || *month > 12 || *day < 1 ||
      static_cast<unsigned>(*day) > days_in_month(*year, static_cast<unsigned>(*month))) {
    return std::nullopt;
  }
  double seconds = 0.0;
  if (i < text.size() && (text[i] == 'T' || text[i] == 't' || text[i] == ' ')) {
    ++i;
    const auto hour = digits(text, i, 2);
    if (!hour || !take(text, i, ':')) return std::nullopt;
    const auto minute = digits(text, i, 2);
    if (!minute || *hour > 23 || *minute > 59) return std::nullopt;
    seconds = *hour * 3600.0 + *minute * 60.0;
    if (take(text, i, ':')) {
      const auto second = digits(text, i, 2);
      if (!second || *second > 60) return std::nullopt;  // 60: a leap second
      seconds += *second;
      if (take(text, i, '.') || take(text, i, ',')) {
        double scale = 0.1;
        const std::size_t first = i;
        for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i, scale /= 10) {
          seconds += (text[i] - '0') * scale;
        }
        if (i == first) return std::nullopt;
      }
    }
  }
  const auto zone = zone_minutes(text, i);
  if (!zone) return std::nullopt;
  const std::int64_t days =
      days_from_civil(*year, static_cast<unsigned>(*month), static_cast<unsigned>(*day));
  return (static_cast<double>(days) * 86400.0 + seconds - *zone * 60.0) / 3600.0;
}

std::string format_iso8601(double hours) {
  const auto total = static_cast<std::int64_t>(std::llround(hours * 3600.0));
  std::int64_t days = total / 86400;
  std::int64_t secs = total % 86400;
  if (secs < 0) {
    secs += 86400;
    --days;
  }
  const Civil c = civil_from_days(days);
  char buf[48];
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02lld:%02lld:%02lldZ",
                static_cast<long long>(c.year), c.month, c.day, static_cast<long long>(secs / 3600),
                static_cast<long long>(secs / 60 % 60), static_cast<long long>(secs % 60));
  return buf;
}

}  // namespace goodsim::sim
