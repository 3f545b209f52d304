#pragma once
// Closed forms for checkpoint/restart under exponential failures (Young 1974, Daly 2006).
// All times in hours. M = system MTBF, delta = checkpoint write, R = restart (+ load).

#include <cstdint>

namespace goodsim::models::daly {

// Young (1974): sqrt(2 delta M).
double young_interval(double mtbf_h, double write_h);
// Daly first order: sqrt(2 delta (M + R)).
double first_order_interval(double mtbf_h, double write_h, double restart_h);
// Daly (2006) higher order: sqrt(2 delta M) [1 + sqrt(delta/2M)/3 + (delta/2M)/9] - delta, or M
// when delta >= 2M.
double higher_order_interval(double mtbf_h, double write_h);
// Exact minimiser of Daly's expected wall time (continuous segment count):
// tau* = M [1 + W0(-exp(-(delta/M + 1)))]. Independent of R and of the work.
double exact_optimal_interval(double mtbf_h, double write_h);

// Expected time to finish `length_h` of uninterrupted work when each failure costs a restart
// of R that can itself fail: M e^{R/M} (e^{L/M} - 1).
double expected_segment_time(double length_h, double mtbf_h, double restart_h);

// Daly's T_w = M e^{R/M} (e^{(tau+delta)/M} - 1) T_s / tau, with n = T_s / tau real.
double expected_wall_time(double work_h, double mtbf_h, double interval_h, double write_h,
                          double restart_h);

// The same model with whole segments and no checkpoint after the last one (goodsim's v1
// semantics): (k-1) S(tau+delta) + S(work - (k-1) tau), k = ceil(work/tau).
double expected_wall_time_discrete(double work_h, double mtbf_h, double interval_h, double write_h,
                                   double restart_h);

}  // namespace goodsim::models::daly
