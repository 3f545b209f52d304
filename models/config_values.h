#pragma once
// Checked reads of scenario values, shared by the scenario's section readers. Each throws
// InputError at the value's file:line with what was expected.

#include <cstdint>
#include <string>

#include "sim/config.h"

namespace goodsim::models::config {

// Ranges that make physical sense (issue 11 item 4). Past them the arithmetic breaks (int64
// overflow of nodes x GPUs or of the checkpoint count, a gamma function that overflows) long
// before the physics is interesting, so such values are refused, naming the range.
inline constexpr std::int64_t kMaxNodes = 10'000'000;  // 100x the largest clusters built
inline constexpr std::int64_t kMaxGpusPerNode = 1024;
inline constexpr double kMinWorkH = 1.0 / 3600.0;      // 1 s of fault-free compute
inline constexpr double kMaxWorkH = 1e7;               // 1,141 years
inline constexpr double kMinIntervalH = 1.0 / 3600.0;  // 1 s between checkpoints
// Below 0.05, Gamma(1 + 1/shape) (the scale for a given mean) exceeds 1e18 and the failure
// times span hundreds of orders of magnitude: they no longer fit the double-precision clock.
inline constexpr double kMinWeibullShape = 0.05;
inline constexpr double kMaxWeibullShape = 50.0;
inline constexpr double kMaxWallFactor = 1e6;
// Kernel events one replication may take: a lower bound on them is checked when the scenario
// is read (failures, maintenance stops and corruptions over the work), and a replication that
// reaches the hard budget stops there as did-not-finish. At ~10^7 events/s on one core, 10^8
// events are 10 s per replication: thousands of them would take hours.
inline constexpr double kMaxEstimatedEvents = 1e8;
inline constexpr std::uint64_t kMaxEventsPerReplication = 1'000'000'000;

inline double positive_hours(const sim::ConfigNode& n) {
  const double h = n.as_hours();
  if (!(h > 0.0)) throw n.error("expected a duration > 0, got " + n.describe());
  return h;
}

inline double non_negative_hours(const sim::ConfigNode& n) {
  const double h = n.as_hours();
  if (!(h >= 0.0)) throw n.error("expected a duration >= 0, got " + n.describe());
  return h;
}

inline double optional_hours(sim::MapReader& r, std::string_view key, double fallback) {
  const sim::ConfigNode* n = r.optional(key);
  return n ? non_negative_hours(*n) : fallback;
}

inline std::int64_t int_at_least(const sim::ConfigNode& n, std::int64_t min) {
  const std::int64_t v = n.as_int();
  if (v < min) {
    throw n.error("expected an integer >= " + std::to_string(min) + ", got " + n.describe());
  }
  return v;
}

// An integer in [min, max]; `why` says what the upper bound stands for.
inline std::int64_t int_in(const sim::ConfigNode& n, std::int64_t min, std::int64_t max,
                           const std::string& why) {
  const std::int64_t v = int_at_least(n, min);
  if (v > max) {
    throw n.error("expected an integer from " + std::to_string(min) + " to " + std::to_string(max) +
                  " (" + why + "), got " + n.describe());
  }
  return v;
}

inline double positive_number(const sim::ConfigNode& n) {
  const double v = n.as_double();
  if (!(v > 0.0)) throw n.error("expected a number > 0, got " + n.describe());
  return v;
}

}  // namespace goodsim::models::config
