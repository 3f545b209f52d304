#include "models/selection.h"

#include <algorithm>
#include <boost/math/distributions/students_t.hpp>
#include <cmath>
#include <stdexcept>

#include "models/monte_carlo.h"
#include "models/precision.h"
#include "sim/statistics.h"

namespace goodsim::models {

namespace {

double mean_of_first(const std::vector<double>& x, std::size_t n) {
  double sum = 0.0;
  for (std::size_t i = 0; i < n; ++i) sum += x[i];
  return sum / static_cast<double>(n);
}

// Sample variance of x_i - y_i over the first n.
double difference_variance(const std::vector<double>& x, const std::vector<double>& y,
                           std::size_t n) {
  double mean = 0.0;
  for (std::size_t i = 0; i < n; ++i) mean += x[i] - y[i];
  mean /= static_cast<double>(n);
  double ss = 0.0;
  for (std::size_t i = 0; i < n; ++i) ss += (x[i] - y[i] - mean) * (x[i] - y[i] - mean);
  return ss / static_cast<double>(n - 1);
}

// Mean and standard error of x_i - y_i over the first n.
sim::SampleSummary paired_difference(const std::vector<double>& x, const std::vector<double>& y,
                                     std::size_t n) {
  std::vector<double> d(n);
  for (std::size_t i = 0; i < n; ++i) d[i] = x[i] - y[i];
  return sim::summarize_mean(d);
}

}  // namespace

SelectionResult select_smallest(const std::vector<Scenario>& candidates,
                                const ReplicationValue& value, const SelectionOptions& o) {
  const std::size_t k = candidates.size();
  if (k < 2) throw std::invalid_argument("selection needs at least two candidates");
  if (!(o.confidence > 0.0 && o.confidence < 1.0)) {
    throw std::invalid_argument("the confidence must be in (0, 1)");
  }
  if (!(o.indifference > 0.0)) throw std::invalid_argument("the indifference zone must be > 0");
  if (o.first_stage < 2 || o.max_replications < o.first_stage) {
    throw std::invalid_argument("the first stage must be >= 2 and at most the cap");
  }
  // KN: eta = ((2 alpha / (k - 1))^(-2 / (n0 - 1)) - 1) / 2, h^2 = 2 eta (n0 - 1).
  const double alpha = (1.0 - o.confidence) / 2.0;  // for KN; the other half for the screen
  const double n0 = static_cast<double>(o.first_stage);
  const double eta =
      0.5 * (std::pow(2.0 * alpha / static_cast<double>(k - 1), -2.0 / (n0 - 1.0)) - 1.0);
  SelectionResult out;
  out.h2 = 2.0 * eta * (n0 - 1.0);
  // Looks: the first at the first stage's block, then one per block up to the cap.
  const auto block_count = [](std::int64_t n) {
    return (n + kPrecisionBlock - 1) / kPrecisionBlock;
  };
  const double looks =
      static_cast<double>(block_count(o.max_replications) - block_count(o.first_stage) + 1);
  out.screen_level = alpha / (static_cast<double>(k - 1) * looks);
  out.candidates.resize(k);
  std::vector<double> s2(k * k, 0.0);  // variances of the paired differences, from n0
  bool variances_known = false;

  const double delta = o.indifference;
  std::int64_t r = 0;
  for (;;) {
    const std::int64_t block = std::min(kPrecisionBlock, o.max_replications - r);
    for (std::size_t c = 0; c < k; ++c) {
      if (out.candidates[c].eliminated) continue;
      RunOptions run;
      run.replications = block;
      run.seed = o.seed;
      run.threads = o.threads;
      run.stop = o.stop;
      run.first_replication = r;
      run.group = o.group;
      for (const ReplicationResult& res : run_replications(candidates[c], run)) {
        out.candidates[c].values.push_back(value(candidates[c], res));
      }
    }
    r += block;
    if (r < o.first_stage && r < o.max_replications) continue;
    const auto n = static_cast<std::size_t>(r);
    std::vector<std::size_t> alive;
    for (std::size_t c = 0; c < k; ++c) {
      if (!out.candidates[c].eliminated) alive.push_back(c);
    }
    if (!variances_known) {  // from the first n0 replications only, as KN prescribes
      const auto first = static_cast<std::size_t>(std::min(o.first_stage, r));
      for (std::size_t i = 0; i < k; ++i) {
        for (std::size_t l = 0; l < k; ++l) {
          if (i != l) {
            s2[i * k + l] =
                difference_variance(out.candidates[i].values, out.candidates[l].values, first);
          }
        }
      }
      variances_known = true;
    }
    std::vector<double> mean(k, 0.0);
    for (const std::size_t c : alive) mean[c] = mean_of_first(out.candidates[c].values, n);
    // Drop i when some l is cheaper by more than W_il(r) = max(0, delta/(2r) (h^2 S^2/delta^2
    // - r)): the triangular continuation region of KN. Exact ties (the same value in every
    // paired replication) keep the first candidate.
    struct Drop {
      std::size_t candidate, by;
      bool screen;
    };
    std::vector<Drop> dropped;
    for (const std::size_t i : alive) {
      for (const std::size_t l : alive) {
        if (i == l) continue;
        const double v = s2[i * k + l];
        const double w = std::max(0.0, delta / (2.0 * static_cast<double>(r)) *
                                           (out.h2 * v / (delta * delta) - static_cast<double>(r)));
        const bool tie = v == 0.0 && mean[i] == mean[l] && l < i;
        if (mean[i] - mean[l] > w || tie) {
          dropped.push_back({i, l, false});
          break;
        }
        const sim::SampleSummary d =
            paired_difference(out.candidates[i].values, out.candidates[l].values, n);
        const boost::math::students_t t(static_cast<double>(n - 1));
        const double quantile = boost::math::quantile(boost::math::complement(t, out.screen_level));
        if (d.mean > quantile * d.std_error) {
          dropped.push_back({i, l, true});
          break;
        }
      }
    }
    for (const Drop& d : dropped) {
      CandidateOutcome& c = out.candidates[d.candidate];
      c.eliminated = true;
      c.eliminated_at = r;
      c.eliminated_by = d.by;
      c.by_screen = d.screen;
    }
    std::size_t left = 0;
    std::size_t best = 0;
    for (std::size_t c = 0; c < k; ++c) {
      if (out.candidates[c].eliminated) continue;
      if (left == 0 || mean[c] < mean[best]) best = c;
      ++left;
    }
    if (left == 1 || r >= o.max_replications) {
      out.best = best;
      out.separated = left == 1;
      return out;
    }
  }
}

}  // namespace goodsim::models
