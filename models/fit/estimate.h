#pragma once
// A point estimate with its two-sided confidence interval, the unit of every fitted figure.

namespace goodsim::models::fit {

struct Estimate {
  double value = 0.0;
  double lower = 0.0;  // of the 95 % interval (kConfidence)
  double upper = 0.0;

  bool covers(double truth) const { return lower <= truth && truth <= upper; }
};

// Every interval of `goodsim fit` is a 95 % one; the report and the fragment say so.
constexpr double kConfidence = 0.95;

// A test's statistic and its p-value.
struct TestResult {
  double statistic = 0.0;
  double p_value = 1.0;
};

}  // namespace goodsim::models::fit
