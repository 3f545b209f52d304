// Lognormal repair times: Schroeder & Gibson (DSN 2006) found repair times in HPC systems
// lognormal. Given either as {mean, sigma} (sigma of the log) or as {median, p90}, the form
// operators usually quote.

#include <boost/random/normal_distribution.hpp>
#include <cmath>

#include "models/repair/repair_distribution.h"
#include "sim/format.h"

namespace goodsim::models {

namespace {

constexpr double kZ90 = 1.2815515655446004;  // standard normal 90th percentile

class Lognormal final : public RepairDistribution {
 public:
  Lognormal(double mu, double sigma) : mu_(mu), sigma_(sigma) {}
  double sample(sim::RandomStream& rng) const override {
    return std::exp(mu_ + sigma_ * boost::random::normal_distribution<double>()(rng.engine()));
  }
  double mean_h() const override { return std::exp(mu_ + sigma_ * sigma_ / 2.0); }
  std::string describe() const override {
    return "lognormal, median " + sim::human_duration(std::exp(mu_)) + ", P90 " +
           sim::human_duration(std::exp(mu_ + kZ90 * sigma_)) + ", mean " +
           sim::human_duration(mean_h());
  }

 private:
  double mu_;
  double sigma_;
};

}  // namespace

RepairDistributionPtr read_lognormal(sim::MapReader& r) {
  const sim::ConfigNode* mean = r.optional("mean");
  const sim::ConfigNode* sigma = r.optional("sigma");
  const sim::ConfigNode* median = r.optional("median");
  const sim::ConfigNode* p90 = r.optional("p90");
  if (mean && sigma && !median && !p90) {
    const double s = sigma->as_double();
    if (!(s > 0.0)) throw sigma->error("expected a number > 0, got " + sigma->describe());
    const double m = repair_detail::positive_hours(*mean);
    return std::make_shared<Lognormal>(std::log(m) - s * s / 2.0, s);
  }
  if (median && p90 && !mean && !sigma) {
    const double med = repair_detail::positive_hours(*median);
    const double q90 = repair_detail::positive_hours(*p90);
    if (!(q90 > med)) throw p90->error("expected p90 > median, got " + p90->describe());
    return std::make_shared<Lognormal>(std::log(med), std::log(q90 / med) / kZ90);
  }
  std::string given;
  for (const auto& [key, node] : {std::pair{"mean", mean}, std::pair{"sigma", sigma},
                                  std::pair{"median", median}, std::pair{"p90", p90}}) {
    if (node) given += (given.empty() ? "" : ", ") + std::string(key);
  }
  // At the map itself (the lognormal's own location and key path), naming the expected keys.
  throw r.node().error("a lognormal distribution needs either {mean, sigma} or {median, p90}, " +
                       (given.empty() ? std::string("got none of them") : "got {" + given + "}"));
}

}  // namespace goodsim::models
