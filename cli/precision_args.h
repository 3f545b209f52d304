#pragma once
// --precision and its companions (--precision-of, --estimator, --min-reps, --max-reps), shared
// by `run` and `sweep` (models/precision.h, docs/model.md).

#include <boost/program_options.hpp>
#include <cstdint>
#include <optional>
#include <string>

#include "cli/scenario_args.h"
#include "models/precision.h"

namespace goodsim::cli {

struct PrecisionArgs {
  std::string precision;
  std::string precision_of = "goodput";
  std::string estimator = "auto";
  std::int64_t min_reps = models::PrecisionTarget{}.min_replications;
  std::int64_t max_reps = models::PrecisionTarget{}.max_replications;

  // `per` words the help: "" for run, " per point" for sweep.
  void add_to(boost::program_options::options_description& opts, const std::string& per);

  // nullopt without --precision (and a UsageError if a companion is given alone). Checked
  // before the scenario is read; the estimator is kControl for auto and control, which the
  // caller narrows to what each scenario allows (explicit_control() says which was asked).
  std::optional<models::PrecisionTarget> target(const std::string& command,
                                                const boost::program_options::variables_map& vm,
                                                const ScenarioArgs& a) const;
  bool explicit_control() const { return estimator == "control"; }
};

}  // namespace goodsim::cli
