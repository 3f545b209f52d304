#include "models/fit/fragment.h"

#include <boost/math/distributions/normal.hpp>
#include <cmath>
#include <cstdio>
#include <sstream>

#include "goodsim/version.h"
#include "models/fit/report.h"
#include "sim/statistics.h"

namespace goodsim::models::fit {
namespace {

// Durations with enough digits to reproduce the fit, in the scenario format's units.
std::string hours(double h) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.6gh", h);
  return buf;
}

std::string number(double x) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.6g", x);
  return buf;
}

// A YAML double-quoted scalar.
std::string quoted(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

std::string empirical_samples(const RepairFit& r) {
  std::vector<double> samples = r.sorted_h;
  if (samples.size() > kMaxEmpiricalSamples) {
    samples.clear();
    for (std::size_t i = 0; i < kMaxEmpiricalSamples; ++i) {
      const double p = (static_cast<double>(i) + 0.5) / kMaxEmpiricalSamples;
      samples.push_back(sim::quantile(r.sorted_h, p));
    }
  }
  std::string out = "[";
  for (std::size_t i = 0; i < samples.size(); ++i) {
    out += (i ? ", " : "") + hours(samples[i]);
  }
  return out + "]";
}

std::string repair_line(const RepairFit& r, const std::string& model) {
  if (model == "exponential")
    return "{model: exponential, mean: " + hours(r.exponential.mean_h.value) + "}";
  if (model == "lognormal") {
    return "{model: lognormal, mean: " + hours(r.lognormal->mean_h) +
           ", sigma: " + number(r.lognormal->sigma.value) + "}";
  }
  return "{model: empirical, samples: " + empirical_samples(r) + "}";
}

// node_mtbf: the estimate, or its sampling distribution. The log of an MTBF estimate is close to
// normal: sd 1 / sqrt(d) for the exponential, the Wald standard error for the Weibull mean.
std::string node_mtbf(const LogFit& fit, const FragmentChoice& choice) {
  const bool weibull = choice.failure_model == "weibull";
  const Estimate& mtbf = weibull ? fit.weibull->mean_h : fit.exponential.mtbf_h;
  if (!choice.mtbf_uncertainty) return hours(mtbf.value);
  const double z95 = boost::math::quantile(boost::math::normal_distribution<double>(), 0.975);
  const double z90 = boost::math::quantile(boost::math::normal_distribution<double>(), 0.9);
  const double sigma = weibull ? std::log(mtbf.upper / mtbf.value) / z95
                               : 1.0 / std::sqrt(static_cast<double>(fit.exponential.failures));
  return "{model: lognormal, median: " + hours(mtbf.value) +
         ", p90: " + hours(mtbf.value * std::exp(z90 * sigma)) + "}";
}

}  // namespace

FragmentChoice lower_aic_choice(const LogFit& fit) {
  FragmentChoice c;
  const bool weibull = fit.weibull && fit.weibull->aic < fit.exponential.aic;
  c.failure_model = weibull ? "weibull" : "exponential";
  c.why_failure = fit.weibull ? "lower AIC" : "the only fit";
  if (fit.repair) {
    const bool lognormal =
        fit.repair->lognormal && fit.repair->lognormal->aic < fit.repair->exponential.aic;
    c.repair_model = lognormal ? "lognormal" : "exponential";
    c.why_repair = fit.repair->lognormal ? "lower AIC" : "the only fit";
  }
  return c;
}

std::string cluster_fragment(const LogFit& fit, const FragmentChoice& choice,
                             const std::string& command) {
  std::ostringstream out;
  out << "# Cluster fragment written by goodsim fit (goodsim " << kVersion << "):\n"
      << "#   " << command << "\n"
      << "# A scenario uses it with `extends:` and gives cluster.nodes, spares, the job, ...\n"
      << "# Method and assumptions: docs/fitting.md. The fit:\n#\n";
  for (const std::string& line : report_lines(fit, choice)) {
    out << (line.empty() ? "#" : "# " + line) << "\n";
  }
  out << "cluster:\n";
  if (choice.mtbf_uncertainty) {
    out << "  # node_mtbf is the fit's sampling distribution: each replication draws its own\n";
  }
  if (choice.failure_model == "weibull") {
    out << "  failure: {model: weibull, shape: " << number(fit.weibull->shape.value)
        << ", node_mtbf: " << node_mtbf(fit, choice) << "}\n";
  } else {
    out << "  failure: {model: exponential, node_mtbf: " << node_mtbf(fit, choice) << "}\n";
  }
  if (fit.repair) {
    out << "  repair: " << repair_line(*fit.repair, choice.repair_model) << "\n";
  }
  if (!fit.causes.empty()) {
    // The log shows repairs, not how the job recovered: a cause never repaired is taken for
    // a restart in place, every other for the default swap.
    out << "  # shares are the counts. Handling is inferred: restart for a cause none of whose\n"
        << "  # failures has a repair end, else swap (the default); domain failures must be\n"
        << "  # marked by hand (handling: domain and cluster.domain_size)\n"
        << "  causes:\n";
    for (const CauseShare& c : fit.causes) {
      out << "    - {name: " << quoted(c.name) << ", share: " << c.count
          << (fit.has_repair_end && c.repaired == 0 ? ", handling: restart" : "") << "}\n";
    }
  }
  return out.str();
}

}  // namespace goodsim::models::fit
