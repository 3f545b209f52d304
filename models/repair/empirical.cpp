// Observed repair durations, resampled uniformly with replacement (a bootstrap of the list).

#include <numeric>
#include <vector>

#include "models/repair/repair_distribution.h"
#include "sim/format.h"

namespace goodsim::models {

namespace {

class Empirical final : public RepairDistribution {
 public:
  explicit Empirical(std::vector<double> samples) : samples_(std::move(samples)) {}
  double sample(sim::RandomStream& rng) const override {
    const auto i = static_cast<std::size_t>(rng.uniform() * static_cast<double>(samples_.size()));
    return samples_[std::min(i, samples_.size() - 1)];
  }
  double mean_h() const override {
    return std::accumulate(samples_.begin(), samples_.end(), 0.0) /
           static_cast<double>(samples_.size());
  }
  std::string describe() const override {
    return "empirical, " + std::to_string(samples_.size()) + " observations, mean " +
           sim::human_duration(mean_h());
  }

 private:
  std::vector<double> samples_;
};

}  // namespace

RepairDistributionPtr read_empirical(sim::MapReader& r) {
  const sim::ConfigNode& list = r.required("samples");
  if (!list.is_sequence() || list.items().empty()) {
    throw list.error("expected a non-empty list of durations, e.g. [6h, 20h, 3d], got " +
                     list.describe());
  }
  std::vector<double> samples;
  for (const sim::ConfigNode& item : list.items()) {
    samples.push_back(repair_detail::positive_hours(item));
  }
  return std::make_shared<Empirical>(std::move(samples));
}

}  // namespace goodsim::models
