#pragma once
// Summaries of Monte Carlo samples: mean with its standard error and confidence interval,
// and empirical quantiles.

#include <span>
#include <vector>

namespace goodsim::sim {

struct SampleSummary {
  std::size_t n = 0;
  double mean = 0.0;
  double stddev = 0.0;     // sample standard deviation (n - 1)
  double std_error = 0.0;  // stddev / sqrt(n)
  double ci95 = 0.0;       // half-width of the 95 % confidence interval of the mean (Student t)
  double min = 0.0;
  double p5 = 0.0;
  double p50 = 0.0;
  double p95 = 0.0;
  double max = 0.0;
};

SampleSummary summarize(std::span<const double> samples);

// Only the mean, standard deviation, standard error and ci95 of summarize (the same bits),
// without the sort the quantiles need: cheap enough to recompute after every block of a run.
SampleSummary summarize_mean(std::span<const double> samples);

// Empirical quantile with linear interpolation between order statistics (Hyndman-Fan type 7,
// numpy's default), so figures match what users compute in notebooks.
double quantile(std::span<const double> sorted_samples, double q);

}  // namespace goodsim::sim
