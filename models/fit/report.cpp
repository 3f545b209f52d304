#include "models/fit/report.h"

#include <cmath>
#include <cstdio>

#include "sim/format.h"
#include "sim/statistics.h"
#include "sim/timestamp.h"

namespace goodsim::models::fit {
namespace {

std::string printf_text(const char* format, double value) {
  char buf[64];
  std::snprintf(buf, sizeof buf, format, value);
  return buf;
}

std::string interval(const Estimate& e) {
  // Appending piecewise sidesteps a GCC 12 -Wrestrict false positive on operator+.
  std::string out = "[";
  return out.append(figure(e.lower)).append(", ").append(figure(e.upper)).append("]");
}

std::string p_value(double p) {
  return printf_text(p < 1e-4 ? "%.1e" : "%.4f", p);
}

std::string per_1000(const Estimate& rate) {
  const char* f = rate.upper * 1000 < 10 ? "%.3f" : "%.1f";
  return printf_text(f, 1000 * rate.value) + " [" + printf_text(f, 1000 * rate.lower) + ", " +
         printf_text(f, 1000 * rate.upper) + "]";
}

std::string pad(std::string text, std::size_t width) {
  if (text.size() < width) text.append(width - text.size(), ' ');
  return text;
}

std::string percent(double x) {
  return printf_text("%.1f", 100 * x);
}

std::string when(const LogFit& fit, double h) {
  if (fit.timestamps) return sim::format_iso8601(h);
  return figure(h - fit.window.start_h) + " h";
}

void add_header(std::vector<std::string>& out, const LogFit& fit) {
  const Window& w = fit.window;
  out.push_back("log        " + fit.file + ": " +
                sim::with_commas(static_cast<double>(fit.failures)) + " failures on " +
                sim::with_commas(static_cast<double>(fit.nodes_named)) + " named nodes; " +
                sim::with_commas(static_cast<double>(fit.nodes)) + " nodes observed (--nodes)");
  out.push_back("window     " + when(fit, w.start_h) + " .. " + when(fit, w.end_h) + " = " +
                figure(w.hours()) + " h (start: " +
                (w.start_given ? std::string(fit.timestamps ? "--window-start" : "the log's zero")
                               : "first failure") +
                ", end: " + (w.end_given ? "--window-end" : "last failure") + ")");
  out.push_back("exposure   " + figure(fit.exponential.exposure_h) +
                " node-h = " + sim::with_commas(static_cast<double>(fit.nodes)) + " nodes x " +
                figure(w.hours()) + " h - " + figure(fit.downtime_h) + " node-h in repair");
  std::string failures = "failures   " +
                         sim::with_commas(static_cast<double>(fit.exponential.failures)) +
                         " in the rate fits";
  if (fit.opening > 0) {
    failures += " (+ " + std::to_string(fit.opening) +
                " at the window start: it opens there, so they are not counted)";
  }
  out.push_back(failures);
}

std::string shape_text(const Estimate& k) {
  return printf_text("%.3f", k.value) + " [" + printf_text("%.3f", k.lower) + ", " +
         printf_text("%.3f", k.upper) + "]";
}

// One row of the time-to-failure table.
std::string model_row(const char* model, const Estimate& mtbf, const std::string& shape,
                      double log_l, double aic, bool written, const std::string& why) {
  char buf[256];
  std::snprintf(buf, sizeof buf, "  %-12s %-28s %-22s %10s %9s", model,
                (figure(mtbf.value) + " " + interval(mtbf)).c_str(), shape.c_str(),
                figure(log_l).c_str(), figure(aic).c_str());
  return buf + (written ? "   <- written (" + why + ")" : std::string());
}

void add_lifetime(std::vector<std::string>& out, const LogFit& fit, const FragmentChoice& c) {
  const ExponentialFit& e = fit.exponential;
  out.push_back("");
  out.push_back("node time to failure (each node a renewal process; estimates with 95% CIs)");
  char head[128];
  std::snprintf(head, sizeof head, "  %-12s %-28s %-22s %10s %9s", "model", "node MTBF (h)",
                "shape", "log L", "AIC");
  out.push_back(head);
  out.push_back(model_row("exponential", e.mtbf_h, "1 (fixed)", e.log_likelihood, e.aic,
                          c.failure_model == "exponential", c.why_failure));
  if (!fit.weibull) {
    out.push_back("  weibull      not fitted: it needs 2 failures in the rate fits");
  } else {
    const WeibullFit& w = *fit.weibull;
    out.push_back(model_row("weibull", w.mean_h, shape_text(w.shape), w.log_likelihood, w.aic,
                            c.failure_model == "weibull", c.why_failure));
    const TestResult& t = *fit.shape_one;
    std::string verdict;
    if (t.p_value >= 0.05) {
      verdict = "no evidence against the exponential (shape 1 fits)";
    } else if (w.shape.value < 1) {
      verdict =
          "exponential rejected: shape < 1, a node fails sooner after a failure or repair "
          "(infant mortality)";
    } else {
      verdict = "exponential rejected: shape > 1, failures come with age (wear-out)";
    }
    out.push_back("shape = 1    likelihood-ratio chi2(1) = " + printf_text("%.2f", t.statistic) +
                  ", p = " + p_value(t.p_value));
    out.push_back("             " + verdict);
  }
  std::string trend;
  if (fit.trend.p_value >= 0.05) {
    trend = "no evidence of a changing rate (steady state)";
  } else if (fit.trend.statistic < 0) {
    trend =
        "the rate falls over the window: early life (a new fleet, burn-in, or clocks that all\n"
        "             started near the window start); the steady rate is nearer the second half's";
  } else {
    trend = "the rate rises over the window (aging, a degrading fleet): the fit is its average";
  }
  out.push_back("trend        Laplace U = " + printf_text("%.2f", fit.trend.statistic) +
                ", p = " + p_value(fit.trend.p_value));
  out.push_back("             failures per 1,000 node-h: first half " +
                per_1000(fit.rate_first_half) + ", second half " + per_1000(fit.rate_second_half));
  const auto nl = trend.find('\n');
  out.push_back("             " + trend.substr(0, nl));
  if (nl != std::string::npos) out.push_back(trend.substr(nl + 1));
}

void add_causes(std::vector<std::string>& out, const LogFit& fit) {
  if (fit.causes.empty()) return;
  std::int64_t with_cause = 0;
  for (const CauseShare& c : fit.causes) with_cause += c.count;
  out.push_back("");
  out.push_back(
      "causes (" + sim::with_commas(static_cast<double>(with_cause)) + " failures with a cause" +
      (fit.without_cause > 0 ? ", " + std::to_string(fit.without_cause) + " without" : "") +
      "; share in %, exact 95% CI)");
  std::size_t width = 0;
  for (const CauseShare& c : fit.causes) width = std::max(width, c.name.size());
  for (const CauseShare& c : fit.causes) {
    out.push_back("  " + pad(c.name, width) + "  " +
                  printf_text("%6.0f", static_cast<double>(c.count)) + "  " +
                  printf_text("%5.1f", 100 * c.share.value) + " [" + percent(c.share.lower) + ", " +
                  percent(c.share.upper) + "]");
  }
}

void add_repair(std::vector<std::string>& out, const LogFit& fit, const FragmentChoice& c) {
  out.push_back("");
  if (!fit.repair) {
    out.push_back("repair       no repair ends in the log: the scenario gives cluster.repair");
    return;
  }
  const RepairFit& r = *fit.repair;
  const auto mark = [&](const char* model) {
    return c.repair_model == model ? "   <- written (" + c.why_repair + ")" : std::string();
  };
  out.push_back("repair time (" + sim::with_commas(static_cast<double>(r.count)) + " repair ends" +
                (fit.without_repair_end > 0
                     ? ", " + std::to_string(fit.without_repair_end) + " failures without"
                     : "") +
                "; 95% CIs)");
  out.push_back("  exponential  mean " + figure(r.exponential.mean_h.value) + " h " +
                interval(r.exponential.mean_h) + "   AIC " + figure(r.exponential.aic) +
                mark("exponential"));
  if (r.lognormal) {
    const LognormalRepairFit& l = *r.lognormal;
    out.push_back("  lognormal    median " + figure(l.median_h.value) + " h " +
                  interval(l.median_h) + ", sigma " + printf_text("%.3f", l.sigma.value) + " [" +
                  printf_text("%.3f", l.sigma.lower) + ", " + printf_text("%.3f", l.sigma.upper) +
                  "]   AIC " + figure(l.aic) + mark("lognormal"));
    out.push_back("               (mean " + figure(l.mean_h) + " h, P90 " + figure(l.p90_h) +
                  " h)");
  } else {
    out.push_back("  lognormal    not fitted: it needs 2 different durations");
  }
  const auto q = [&](double p) { return figure(sim::quantile(r.sorted_h, p)); };
  out.push_back("  empirical    " + sim::with_commas(static_cast<double>(r.count)) +
                " samples: P10 " + q(0.1) + " h, P50 " + q(0.5) + " h, P90 " + q(0.9) + " h, max " +
                q(1.0) + " h" + mark("empirical"));
}

}  // namespace

std::string figure(double value) {
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  const double a = std::abs(value);
  if (a >= 1000) return sim::with_commas(value, 0);
  if (a >= 100) return printf_text("%.1f", value);
  if (a >= 1 || a == 0) return printf_text("%.2f", value);
  return printf_text("%.3g", value);
}

std::vector<std::string> report_lines(const LogFit& fit, const FragmentChoice& choice) {
  std::vector<std::string> out;
  add_header(out, fit);
  add_lifetime(out, fit, choice);
  add_causes(out, fit);
  add_repair(out, fit, choice);
  return out;
}

}  // namespace goodsim::models::fit
