// Uniform on [min, max]: a plain range, for a duration known only to lie between two bounds
// (a guessed repair time, or an uncertain node MTBF, cluster.failure.node_mtbf).

#include "models/repair/repair_distribution.h"
#include "sim/format.h"

namespace goodsim::models {

namespace {

class Uniform final : public RepairDistribution {
 public:
  Uniform(double min_h, double max_h) : min_h_(min_h), max_h_(max_h) {}
  double sample(sim::RandomStream& rng) const override {
    return min_h_ + (max_h_ - min_h_) * rng.uniform();
  }
  double mean_h() const override { return 0.5 * (min_h_ + max_h_); }
  std::string describe() const override {
    return "uniform, " + sim::human_duration(min_h_) + " to " + sim::human_duration(max_h_);
  }

 private:
  double min_h_, max_h_;
};

}  // namespace

RepairDistributionPtr read_uniform(sim::MapReader& r) {
  const double min_h = repair_detail::positive_hours(r.required("min"));
  const sim::ConfigNode& max = r.required("max");
  const double max_h = repair_detail::positive_hours(max);
  if (!(max_h > min_h)) throw max.error("expected a duration > min, got " + max.describe());
  return std::make_shared<Uniform>(min_h, max_h);
}

}  // namespace goodsim::models
