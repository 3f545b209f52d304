#pragma once
// Checked reads of scenario values, shared by the scenario's section readers. Each throws
// InputError at the value's file:line with what was expected.

#include <cstdint>
#include <string>

#include "sim/config.h"

namespace goodsim::models::config {

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

inline double positive_number(const sim::ConfigNode& n) {
  const double v = n.as_double();
  if (!(v > 0.0)) throw n.error("expected a number > 0, got " + n.describe());
  return v;
}

}  // namespace goodsim::models::config
