#include "cli/precision_args.h"

#include "cli/commands.h"
#include "sim/config.h"

namespace goodsim::cli {

namespace po = boost::program_options;

namespace {

// wall_h takes a duration ("2h", "30min"); goodput and cost_usd a plain number.
double parse_precision_value(const std::string& command, const std::string& text,
                             models::PrecisionMetric metric) {
  if (metric == models::PrecisionMetric::kWallH) {
    if (const auto h = sim::parse_hours(text)) return *h;
    throw UsageError(command,
                     "--precision for wall_h takes a duration (2h, 30min), not '" + text + "'");
  }
  std::size_t used = 0;
  double value = 0.0;
  try {
    value = std::stod(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used == 0 || used != text.size()) {
    throw UsageError(command, "--precision must be a number (0.001), not '" + text + "'");
  }
  return value;
}

}  // namespace

void PrecisionArgs::add_to(po::options_description& opts, const std::string& per) {
  // clang-format off
  opts.add_options()
      ("precision", po::value(&precision),
       ("run blocks of 256 replications" + per + " until the 95% CI half-width of the mean of "
        "--precision-of is at most this (goodput: 0.001; wall_h: a duration, 2h; cost_usd: "
        "dollars); replaces --reps").c_str())
      ("precision-of", po::value(&precision_of)->default_value(precision_of),
       "the figure --precision is for: goodput, wall_h or cost_usd")
      ("estimator", po::value(&estimator)->default_value(estimator),
       "with --precision: plain (the sample mean), control (a control variate on the failure "
       "proposal counts, exponential failures only) or auto (control where it applies)")
      ("min-reps", po::value(&min_reps)->default_value(min_reps),
       ("with --precision: replications" + per + " before the first check (rounded up to whole "
        "blocks)").c_str())
      ("max-reps", po::value(&max_reps)->default_value(max_reps),
       ("with --precision: the cap" + per + "; the run stops there, with a warning, if the "
        "target is not reached").c_str());
  // clang-format on
}

std::optional<models::PrecisionTarget> PrecisionArgs::target(const std::string& command,
                                                             const po::variables_map& vm,
                                                             const ScenarioArgs& a) const {
  if (!vm.count("precision")) {
    for (const char* companion : {"precision-of", "estimator", "min-reps", "max-reps"}) {
      if (!vm[companion].defaulted()) {
        throw UsageError(command, std::string("--") + companion + " needs --precision");
      }
    }
    return std::nullopt;
  }
  if (a.reps) {
    throw UsageError(command,
                     "--reps and --precision exclude each other: --precision chooses the "
                     "count (cap it with --max-reps)");
  }
  models::PrecisionTarget t;
  const auto metric = models::precision_metric_from_string(precision_of);
  if (!metric) {
    throw UsageError(
        command, "--precision-of must be goodput, wall_h or cost_usd, not '" + precision_of + "'");
  }
  t.metric = *metric;
  t.half_width = parse_precision_value(command, precision, t.metric);
  if (!(t.half_width > 0.0)) throw UsageError(command, "--precision must be > 0");
  if (min_reps < 2) throw UsageError(command, "--min-reps must be >= 2");
  if (max_reps < min_reps) throw UsageError(command, "--max-reps must be >= --min-reps");
  if (estimator != "auto" && estimator != "plain" && estimator != "control") {
    throw UsageError(command,
                     "--estimator must be auto, plain or control, not '" + estimator + "'");
  }
  t.min_replications = min_reps;
  t.max_replications = max_reps;
  t.estimator = estimator == "plain" ? models::Estimator::kPlain : models::Estimator::kControl;
  return t;
}

}  // namespace goodsim::cli
