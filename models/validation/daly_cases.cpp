// Daly (2006): the optimum interval and the expected wall time, closed form vs simulated.

#include "models/validation/cases.h"

#include <cmath>

#include "models/daly.h"
#include "models/validation/case_support.h"
#include "sim/format.h"

namespace goodsim::models::validation {

using sim::format_numbers;

void daly_cases(std::vector<ValidationRow>& rows, unsigned threads) {
  struct Case {
    double mtbf_h;
    double published_min;
    const char* label;
    std::int64_t reps;
  };
  const Case cases[] = {{24.0, 117.0, "M = 24 h", 20000},
                        {6.0, 57.0, "M = 6 h", 20000},
                        {0.25, 9.1, "M = 15 min", 1000}};
  const double delta = 5 * kMin, r = 10 * kMin, work = 500.0;
  for (const Case& c : cases) {
    const double ho = daly::higher_order_interval(c.mtbf_h, delta) * 60.0;
    const double exact = daly::exact_optimal_interval(c.mtbf_h, delta) * 60.0;
    const double tol = 0.01 * c.published_min;
    rows.push_back(row("Daly 2006, Fig. 3-5", std::string("optimum interval, ") + c.label,
                       format_numbers("%.1f min", c.published_min),
                       format_numbers("%.1f min (higher order), %.2f min (exact)", ho, exact),
                       "1 %",
                       verdict_of(std::abs(ho - c.published_min) <= tol &&
                                  std::abs(exact - c.published_min) <= tol)));

    const double tau = exact / 60.0;
    const Scenario s = ideal_scenario(1024, c.mtbf_h * 1024, work, tau, delta, r);
    const RunSummary sum = simulate(s, c.reps, threads);
    const double whole = daly::expected_wall_time_discrete(work, c.mtbf_h, tau, delta, r);
    const double continuous = daly::expected_wall_time(work, c.mtbf_h, tau, delta, r);
    rows.push_back(
        row("Daly 2006, T_w", std::string("expected wall time, T_s = 500 h, ") + c.label,
            format_numbers("%.1f h (T_w); %.1f h whole segments", continuous, whole),
            format_numbers("%.1f +/- %.2f h (1 SE)", sum.wall_h.mean, sum.wall_h.std_error),
            "3 SE of the whole-segment form",
            verdict_of(std::abs(sum.wall_h.mean - whole) < 3.0 * sum.wall_h.std_error)));
  }
}

}  // namespace goodsim::models::validation
