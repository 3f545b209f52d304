// The table of repair distributions by name: one line per model.

#include <array>
#include <string_view>

#include "models/repair/repair_distribution.h"

namespace goodsim::models {

RepairDistributionPtr read_exponential(sim::MapReader& r);
RepairDistributionPtr read_lognormal(sim::MapReader& r);
RepairDistributionPtr read_fixed(sim::MapReader& r);
RepairDistributionPtr read_empirical(sim::MapReader& r);
RepairDistributionPtr read_uniform(sim::MapReader& r);

namespace {

struct Entry {
  std::string_view name;
  RepairDistributionPtr (*read)(sim::MapReader&);
};

constexpr std::array kRepairModels = {
    Entry{"exponential", read_exponential},
    Entry{"lognormal", read_lognormal},
    Entry{"fixed", read_fixed},
    Entry{"empirical", read_empirical},
    Entry{"uniform", read_uniform},
};

}  // namespace

double repair_detail::positive_hours(const sim::ConfigNode& n) {
  const double h = n.as_hours();
  if (!(h > 0.0)) throw n.error("expected a duration > 0, got " + n.describe());
  return h;
}

RepairDistributionPtr read_repair_distribution(const sim::ConfigNode& node) {
  sim::MapReader r(node);
  std::string model = "exponential";
  const sim::ConfigNode* m = r.optional("model");
  if (m) model = m->as_string();
  for (const Entry& e : kRepairModels) {
    if (e.name != model) continue;
    RepairDistributionPtr d = e.read(r);
    r.finish();
    return d;
  }
  std::string names;
  for (const Entry& e : kRepairModels) names += (names.empty() ? "" : ", ") + std::string(e.name);
  throw m->error("unknown repair model " + m->describe() + "; supported: " + names);
}

}  // namespace goodsim::models
