#include "models/daly.h"

#include <boost/math/special_functions/lambert_w.hpp>
#include <cmath>

#include "models/checkpoint/policy.h"

namespace goodsim::models::daly {

double young_interval(double mtbf_h, double write_h) {
  return std::sqrt(2.0 * write_h * mtbf_h);
}

double first_order_interval(double mtbf_h, double write_h, double restart_h) {
  return std::sqrt(2.0 * write_h * (mtbf_h + restart_h));
}

double higher_order_interval(double mtbf_h, double write_h) {
  if (write_h >= 2.0 * mtbf_h) return mtbf_h;
  const double x = write_h / (2.0 * mtbf_h);
  return std::sqrt(2.0 * write_h * mtbf_h) * (1.0 + std::sqrt(x) / 3.0 + x / 9.0) - write_h;
}

double exact_optimal_interval(double mtbf_h, double write_h) {
  const double arg = -std::exp(-(write_h / mtbf_h + 1.0));
  return mtbf_h * (1.0 + boost::math::lambert_w0(arg));
}

double expected_segment_time(double length_h, double mtbf_h, double restart_h) {
  // expm1 keeps precision when L << M.
  return mtbf_h * std::exp(restart_h / mtbf_h) * std::expm1(length_h / mtbf_h);
}

double expected_wall_time(double work_h, double mtbf_h, double interval_h, double write_h,
                          double restart_h) {
  return expected_segment_time(interval_h + write_h, mtbf_h, restart_h) * work_h / interval_h;
}

double expected_wall_time_discrete(double work_h, double mtbf_h, double interval_h, double write_h,
                                   double restart_h) {
  CheckpointSpec blocking;
  blocking.interval_h = interval_h;
  blocking.write_h = write_h;
  const auto plan = make_checkpoint_policy(work_h, blocking);
  const auto full = static_cast<double>(plan->segments() - 1);
  const double last = work_h - full * plan->interval_h();
  return full * expected_segment_time(plan->interval_h() + write_h, mtbf_h, restart_h) +
         expected_segment_time(last, mtbf_h, restart_h);
}

}  // namespace goodsim::models::daly
