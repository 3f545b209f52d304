#pragma once
// The cluster YAML fragment `goodsim fit -o` writes: cluster.failure, cluster.repair and
// cluster.causes from a fit, commented with the fit itself, for a scenario to `extends:`.

#include <string>

#include "models/fit/log_fit.h"

namespace goodsim::models::fit {

struct FragmentChoice {
  std::string failure_model;  // "exponential" or "weibull"
  std::string repair_model;   // "exponential", "lognormal", "empirical"; "" without repairs
  std::string why_failure;    // "lower AIC", "--failure-model"
  std::string why_repair;
  // Write node_mtbf as the fit's sampling distribution (lognormal: median the estimate, sigma
  // the standard error of its log) instead of the estimate: each replication then draws it.
  bool mtbf_uncertainty = false;
};

// The models with the lower AIC (Weibull needs its fit; lognormal its fit).
FragmentChoice lower_aic_choice(const LogFit& fit);

// Samples written for an empirical repair model: all of them up to this many, else this many
// quantiles (so a huge log gives a bounded fragment).
constexpr std::size_t kMaxEmpiricalSamples = 2000;

// The fragment's text. `command` is the command line, quoted in the header comment.
std::string cluster_fragment(const LogFit& fit, const FragmentChoice& choice,
                             const std::string& command);

}  // namespace goodsim::models::fit
