// Every repair takes exactly `mean`: useful for hand-checked cases and vendor SLAs.

#include "models/repair/repair_distribution.h"
#include "sim/format.h"

namespace goodsim::models {

namespace {

class Fixed final : public RepairDistribution {
 public:
  explicit Fixed(double h) : h_(h) {}
  double sample(sim::RandomStream&) const override { return h_; }
  double mean_h() const override { return h_; }
  std::string describe() const override { return "fixed, " + sim::human_duration(h_); }

 private:
  double h_;
};

}  // namespace

RepairDistributionPtr read_fixed(sim::MapReader& r) {
  return std::make_shared<Fixed>(repair_detail::positive_hours(r.required("mean")));
}

}  // namespace goodsim::models
