// Exponential repair times: memoryless, the default and the assumption of model v1.

#include "models/repair/repair_distribution.h"
#include "sim/format.h"

namespace goodsim::models {

namespace {

class Exponential final : public RepairDistribution {
 public:
  explicit Exponential(double mean_h) : mean_h_(mean_h) {}
  double sample(sim::RandomStream& rng) const override { return rng.exponential(mean_h_); }
  double mean_h() const override { return mean_h_; }
  std::string describe() const override {
    return "exponential, mean " + sim::human_duration(mean_h_);
  }

 private:
  double mean_h_;
};

}  // namespace

RepairDistributionPtr exponential_repair(double mean_h) {
  return std::make_shared<Exponential>(mean_h);
}

RepairDistributionPtr read_exponential(sim::MapReader& r) {
  return exponential_repair(repair_detail::positive_hours(r.required("mean")));
}

}  // namespace goodsim::models
