#include "models/meta_ettr.h"

#include <cmath>

namespace goodsim::models::meta {

double expected_ettr(const EttrInputs& in) {
  const double rate = in.nodes * in.failures_per_node_hour;
  return (1.0 - rate * (in.restart_h + in.interval_h / 2.0)) / (1.0 + in.write_h / in.interval_h);
}

double optimal_interval(const EttrInputs& in) {
  return std::sqrt(2.0 * in.write_h / (in.nodes * in.failures_per_node_hour));
}

bool within_stated_range(const EttrInputs& in) {
  const double per_node_day = in.failures_per_node_hour * 24.0;
  const double job_mtbf_days = 1.0 / (in.nodes * per_node_day);
  const double u0_min = in.restart_h * 60.0;
  return per_node_day >= 2.5e-3 && per_node_day <= 1e-2 && in.interval_h >= 0.5 &&
         in.interval_h <= 2.0 && u0_min >= 5.0 - 1e-9 && u0_min <= 20.0 + 1e-9 &&
         job_mtbf_days >= 0.1;
}

}  // namespace goodsim::models::meta
