#pragma once
// Meta's closed-form approximation of the expected effective training time ratio
// (Kokolis et al., "Revisiting Reliability in Large-Scale ML Research Clusters", HPCA 2025):
//   E[ETTR] ~ (1 - N r_f (u0 + dt/2)) / (1 + w / dt),   optimum dt* = sqrt(2 w / (N r_f))
// with N nodes, r_f failures per node-hour, u0 restart overhead, dt the checkpoint interval
// and w the blocking write. The paper states it is within 5 % of simulation for
// r_f ~ 5e-3 per node-day, dt ~ 1 h, u0 ~ 5-20 min and 1 / (N r_f) >= 0.1 day.

namespace goodsim::models::meta {

struct EttrInputs {
  double nodes = 0.0;
  double failures_per_node_hour = 0.0;
  double restart_h = 0.0;   // u0
  double interval_h = 0.0;  // dt
  double write_h = 0.0;     // w (blocking part)
};

double expected_ettr(const EttrInputs& in);
double optimal_interval(const EttrInputs& in);
// True inside the range where the paper reports 5 % accuracy (with a factor-2 band on r_f and dt).
bool within_stated_range(const EttrInputs& in);

}  // namespace goodsim::models::meta
