#pragma once
// ISO 8601 date-times as hours since 1970-01-01T00:00:00Z, the one time scale goodsim uses for
// calendar timestamps in input files (failure logs).

#include <optional>
#include <string>
#include <string_view>

namespace goodsim::sim {

// "2024-05-01T12:00:00Z", "2024-05-01 12:00:00+02:00", "2024-05-01T12:00Z",
// "2024-05-01T12:00:00.250Z", "2024-05-01" (midnight). A zone is Z, +HH:MM, +HHMM or +HH;
// without one the time is read as UTC. Returns nullopt for anything else, including dates
// that do not exist (2023-02-29) and out-of-range fields.
std::optional<double> parse_iso8601_hours(std::string_view text);

// Hours since the epoch as "2024-05-01T12:00:00Z" (rounded to the second).
std::string format_iso8601(double hours);

}  // namespace goodsim::sim
