#pragma once
// The fit as text: what `goodsim fit` prints, and the comment heading the fragment it writes.

#include <string>
#include <vector>

#include "models/fit/fragment.h"
#include "models/fit/log_fit.h"

namespace goodsim::models::fit {

// One line per entry, without newlines; the lines name units (hours) and give 95 % CIs.
std::vector<std::string> report_lines(const LogFit& fit, const FragmentChoice& choice);

// A figure in hours (or a count) with digits that suit its size: "6,335", "671.1", "2.35".
std::string figure(double value);

}  // namespace goodsim::models::fit
