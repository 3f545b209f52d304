#pragma once
// How long a failed node stays in repair before it joins the spare pool.
//
// Each distribution is one file in this folder, registered by name in registry.cpp. To add
// one: write `<name>.cpp` with a class deriving from RepairDistribution and a reader
// `RepairDistributionPtr read_<name>(sim::MapReader&)`, then add one line to the table.

#include <memory>
#include <string>

#include "sim/config.h"
#include "sim/random.h"

namespace goodsim::models {

class RepairDistribution {
 public:
  virtual ~RepairDistribution() = default;
  virtual double sample(sim::RandomStream& rng) const = 0;  // hours
  virtual double mean_h() const = 0;
  virtual std::string describe() const = 0;  // for the run report
};

// Immutable once built, so replications on many threads share one instance.
using RepairDistributionPtr = std::shared_ptr<const RepairDistribution>;

// Reads `cluster.repair`: `model` (default exponential) and that model's parameters.
RepairDistributionPtr read_repair_distribution(const sim::ConfigNode& node);

RepairDistributionPtr exponential_repair(double mean_h);

// Helpers shared by the readers.
namespace repair_detail {
double positive_hours(const sim::ConfigNode& n);
}  // namespace repair_detail

}  // namespace goodsim::models
