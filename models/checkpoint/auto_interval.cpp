#include "models/checkpoint/auto_interval.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <limits>
#include <map>
#include <numbers>
#include <stdexcept>
#include <vector>

#include "models/daly.h"
#include "models/replication.h"
#include "sim/error.h"
#include "sim/parallel.h"
#include "sim/statistics.h"

namespace goodsim::models {

namespace {

// The search works on x = ln(interval): the wall time is close to symmetric in it (Daly's T_w
// is a cosh in x about the optimum), and a factor reads the same at any scale.

// Random streams no run uses: a run takes replication indices 0, 1, ... of its seed, the search
// indices from 2^62 of its own seed. So the interval is the same for every --seed and --reps,
// and it is never fitted to the replications it is then judged on.
constexpr std::uint64_t kSearchSeed = 0x6175746f;  // "auto"
constexpr std::uint64_t kFirstIndex = std::uint64_t{1} << 62;

constexpr double kBracketStep = std::numbers::ln2;      // walk from Daly's optimum by factors of 2
constexpr double kMaxShorter = 10 * std::numbers::ln2;  // ... down to Daly / 1024 at most
constexpr double kGridSpacing = 0.1;                    // then 5 intervals 10.5 % apart
constexpr int kGridHalf = 2;                            // (centre +- 2 spacings)
constexpr int kMaxRecentres = 3;                        // the fitted vertex left the grid
constexpr double kInfinity = std::numeric_limits<double>::infinity();

// Mean wall time of candidate intervals on the search's replications, each candidate simulated
// once (cached by x).
class WallTimes {
 public:
  WallTimes(const Scenario& base, const IntervalSearchOptions& o) : base_(base), options_(o) {
    base_.checkpoint.interval_auto = false;
    base_.checkpoint.interval_search.reset();
  }

  const std::vector<double>& at(double x) {
    auto it = cache_.find(x);
    if (it == cache_.end()) it = cache_.emplace(x, simulate(x)).first;
    return it->second;
  }
  double mean(double x) {
    const std::vector<double>& w = at(x);
    double sum = 0.0;
    for (const double v : w) sum += v;  // in index order: the same for any thread count
    return sum / static_cast<double>(w.size());
  }
  // The candidate with the lowest mean so far.
  double best() {
    double x_best = 0.0, f_best = kInfinity;
    for (const auto& entry : cache_) {
      const double f = mean(entry.first);
      if (f < f_best) x_best = entry.first, f_best = f;
    }
    return x_best;
  }
  int candidates() const { return static_cast<int>(cache_.size()); }
  bool simulated(double x) const { return cache_.contains(x); }

 private:
  std::vector<double> simulate(double x) {
    Scenario s = base_;
    s.checkpoint.interval_h = std::exp(x);
    std::vector<double> wall(static_cast<std::size_t>(options_.replications));
    std::atomic<bool> unfinished{false};
    sim::parallel_for(wall.size(), options_.threads, [&](std::size_t i) {
      const ReplicationResult r = simulate_replication(s, kSearchSeed, kFirstIndex + i);
      wall[i] = r.wall_h;
      if (r.unfinished) unfinished = true;
    });
    // A candidate that does not finish (montecarlo.max_wall_factor) is worse than any other.
    if (unfinished) std::fill(wall.begin(), wall.end(), kInfinity);
    return wall;
  }

  Scenario base_;
  IntervalSearchOptions options_;
  std::map<double, std::vector<double>> cache_;
};

// Three candidates with the middle one lowest: the minimum lies between the outer two.
struct Bracket {
  double lo, mid, hi;
};

// From x0, walks downhill by kBracketStep until the mean wall time rises again. At a limit the
// bracket degenerates (mid == lo or hi): the best interval is the limit.
Bracket bracket_minimum(WallTimes& f, double x0, double x_min, double x_max) {
  const auto clamp = [&](double x) { return std::clamp(x, x_min, x_max); };
  const double up = clamp(x0 + kBracketStep), down = clamp(x0 - kBracketStep);
  double dir = 1.0;
  if (!(f.mean(up) < f.mean(x0))) {
    if (!(f.mean(down) < f.mean(x0))) return {down, x0, up};
    dir = -1.0;
  }
  double prev = x0, at = dir > 0 ? up : down;
  for (;;) {
    const double next = clamp(at + dir * kBracketStep);
    if (next == at || !(f.mean(next) < f.mean(at))) {
      return {std::min(prev, next), at, std::max(prev, next)};
    }
    prev = at;
    at = next;
  }
}

// Vertex of the parabola through the bracket's three candidates (inside it, since the middle
// one is lowest). For Daly's cosh-shaped wall time and candidates a factor 2 apart it lies
// within 3 % of the distance to the true minimum: a good centre for the refining grid.
double parabola_vertex(WallTimes& f, const Bracket& b) {
  if (b.mid == b.lo || b.mid == b.hi) return b.mid;
  const double fa = f.mean(b.lo), fb = f.mean(b.mid), fc = f.mean(b.hi);
  const double p = (b.mid - b.lo) * (fb - fc), q = (b.mid - b.hi) * (fb - fa);
  const double denominator = p - q;
  if (!std::isfinite(denominator) || denominator == 0.0) return b.mid;
  const double v = b.mid - 0.5 * ((b.mid - b.lo) * p - (b.mid - b.hi) * q) / denominator;
  return std::clamp(v, b.lo, b.hi);
}

// Vertex (offset from the grid's centre) of the least-squares parabola through the means of
// a symmetric grid; NaN when it has no minimum.
double vertex(const std::vector<double>& mean) {
  double su2 = 0.0, suy = 0.0, su2y = 0.0, s_dev2 = 0.0, sy = 0.0;
  const double n = static_cast<double>(mean.size());
  for (int j = -kGridHalf; j <= kGridHalf; ++j) su2 += kGridSpacing * kGridSpacing * j * j;
  const double mean_u2 = su2 / n;
  for (int j = -kGridHalf; j <= kGridHalf; ++j) {
    const double u = kGridSpacing * j, y = mean[static_cast<std::size_t>(j + kGridHalf)];
    suy += u * y;
    su2y += (u * u - mean_u2) * y;
    s_dev2 += (u * u - mean_u2) * (u * u - mean_u2);
    sy += y;
  }
  const double slope = suy / su2, curvature = su2y / s_dev2;
  if (!std::isfinite(sy) || !(curvature > 0.0)) return std::numeric_limits<double>::quiet_NaN();
  return -slope / (2.0 * curvature);
}

struct GridFit {
  double x = 0.0;   // the chosen ln(interval)
  double se = 0.0;  // its standard error
  bool inside = false;
};

// The parabola's vertex on the grid about `centre`, with its delete-one jackknife standard
// error over the replications. A grid without an inner minimum (a flat or monotone wall time)
// gives its best point, with the grid spacing as the error.
GridFit fit_grid(WallTimes& f, double centre) {
  const double half = kGridHalf * kGridSpacing;
  std::vector<const std::vector<double>*> walls;
  std::vector<double> mean, sum;
  for (int j = -kGridHalf; j <= kGridHalf; ++j) {
    const double x = centre + kGridSpacing * j;
    walls.push_back(&f.at(x));
    mean.push_back(f.mean(x));
    sum.push_back(mean.back() * static_cast<double>(walls.back()->size()));
  }
  const double v = vertex(mean);
  if (!(std::abs(v) <= half)) {
    const auto best = std::min_element(mean.begin(), mean.end()) - mean.begin();
    return {centre + kGridSpacing * static_cast<double>(best - kGridHalf), kGridSpacing, false};
  }
  const std::size_t n = walls.front()->size();
  std::vector<double> loo(n), held(mean.size());
  double loo_mean = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = 0; j < mean.size(); ++j) {
      held[j] = (sum[j] - (*walls[j])[i]) / static_cast<double>(n - 1);
    }
    // Without a minimum, the vertex goes to the end of the grid with the lower mean.
    const double vi = vertex(held);
    loo[i] = std::isfinite(vi) ? std::clamp(vi, -half, half)
                               : (held.front() < held.back() ? -half : half);
    loo_mean += loo[i] / static_cast<double>(n);
  }
  double ss = 0.0;
  for (const double vi : loo) ss += (vi - loo_mean) * (vi - loo_mean);
  return {centre + v, std::sqrt(ss * static_cast<double>(n - 1) / static_cast<double>(n)), true};
}

// Not even the search's starting interval finishes within the wall cap: no interval is
// measurably better, and the run at `interval_h` reports its unfinished replications
// (did-not-finish).
AutoInterval unfinished_search(const WallTimes& f, double interval_h, AutoInterval out) {
  out.interval_h = interval_h;
  out.search.minimum_resolved = false;
  out.search.unfinished = true;
  out.search.candidates = f.candidates();
  out.mean_wall_h = out.daly_exact_mean_wall_h = kInfinity;
  return out;
}

// The chosen candidate `x` against the starting one `x0` (Daly's), on the same replications.
void compare_with_start(WallTimes& f, double x, double x0, AutoInterval& out) {
  const std::vector<double>& chosen = f.at(x);
  const std::vector<double>& daly = f.at(x0);
  out.search.candidates = f.candidates();
  out.mean_wall_h = f.mean(x);
  out.daly_exact_mean_wall_h = f.mean(x0);
  std::vector<double> difference(chosen.size());
  for (std::size_t i = 0; i < chosen.size(); ++i) difference[i] = chosen[i] - daly[i];
  out.wall_difference_se_h = sim::summarize(difference).std_error;
}

// Multi-level: the persistent interval is a multiple k of the in-memory one, so the search
// runs over k on the same replications: from Daly's interval it doubles (or halves) k while
// the mean wall time falls, then narrows the bracket by ternary search on the integers (the
// wall time is unimodal in k as it is in the interval).
std::int64_t best_multiple(WallTimes& f, double unit_h, std::int64_t k0, std::int64_t k_min,
                           std::int64_t k_max) {
  const auto mean = [&](std::int64_t k) {
    return f.mean(std::log(static_cast<double>(k) * unit_h));
  };
  std::int64_t lo = k0, hi = std::min(2 * k0, k_max);
  if (hi > k0 && mean(hi) < mean(k0)) {
    while (hi < k_max && mean(std::min(2 * hi, k_max)) < mean(hi)) {
      lo = hi;
      hi = std::min(2 * hi, k_max);
    }
    hi = std::min(2 * hi, k_max);
  } else {
    while (lo > k_min && mean(std::max(k_min, lo / 2)) < mean(lo)) {
      hi = lo;
      lo = std::max(k_min, lo / 2);
    }
    lo = std::max(k_min, lo / 2);
  }
  while (hi - lo > 2) {
    const std::int64_t a = lo + (hi - lo) / 3, b = hi - (hi - lo) / 3;
    if (mean(a) < mean(b)) {
      hi = b;
    } else {
      lo = a;
    }
  }
  std::int64_t best = lo;
  for (std::int64_t k = lo + 1; k <= hi; ++k) {
    if (mean(k) < mean(best)) best = k;
  }
  return best;
}

// optimise_interval for a multi-level scenario: the best multiple of the in-memory interval.
AutoInterval optimise_multiple(WallTimes& f, const Scenario& base, AutoInterval out) {
  const double unit = base.checkpoint.memory->interval_h;
  // Persistent intervals no longer than an asynchronous persist would stall (or skip) every
  // persistent write: the search keeps above it.
  const auto k_min = static_cast<std::int64_t>(base.checkpoint.persist_h / unit) + 1;
  const auto k_max = std::max(k_min, static_cast<std::int64_t>(base.job.work_h / unit));
  const auto k0 = std::clamp<std::int64_t>(std::llround(out.daly_exact_h / unit), k_min, k_max);
  const auto x = [&](std::int64_t k) { return std::log(static_cast<double>(k) * unit); };
  out.search.multiple_of_h = unit;
  if (!std::isfinite(f.mean(x(k0)))) {
    return unfinished_search(f, static_cast<double>(k0) * unit, out);
  }
  const std::int64_t k = best_multiple(f, unit, k0, k_min, k_max);
  out.interval_h = static_cast<double>(k) * unit;
  // Resolved when both neighbours were simulated and are worse; the error is then below one
  // step of the grid, which is what the search can tell apart.
  const auto simulated_worse = [&](std::int64_t j) {
    return j < k_min || j > k_max || (f.simulated(x(j)) && f.mean(x(j)) > f.mean(x(k)));
  };
  out.search.minimum_resolved = simulated_worse(k - 1) && simulated_worse(k + 1);
  out.search.standard_error_h = 0.0;
  compare_with_start(f, x(k), x(k0), out);
  return out;
}

}  // namespace

AutoInterval optimise_interval(const Scenario& base, const IntervalSearchOptions& options) {
  if (options.replications < 2) {
    throw std::invalid_argument("optimise_interval needs >= 2 replications (a jackknife)");
  }
  const double m = base.system_mtbf_h(), delta = base.checkpoint.write_h;
  AutoInterval out;
  out.young_h = daly::young_interval(m, delta);
  out.daly_h = daly::first_order_interval(m, delta, base.recovery.restart_h + base.recovery.load_h);
  out.daly_exact_h = daly::exact_optimal_interval(m, delta);

  out.search.replications = options.replications;

  WallTimes f(base, options);
  if (base.checkpoint.memory) return optimise_multiple(f, base, out);
  // Intervals beyond the work are all one segment (no checkpoint): the same wall time. The
  // optimum can be far above Daly's, e.g. when recoveries rarely roll back (checkpointless).
  const double x_max = std::log(base.job.work_h);
  const double x0 = std::min(std::log(out.daly_exact_h), x_max);
  if (!std::isfinite(f.mean(x0))) return unfinished_search(f, std::exp(x0), out);
  const double start = parabola_vertex(f, bracket_minimum(f, x0, x0 - kMaxShorter, x_max));

  // The grid stays below x_max, where the wall time stops changing.
  const auto below_max = [&](double x) { return std::min(x, x_max - kGridHalf * kGridSpacing); };
  double centre = below_max(start);
  GridFit fit = fit_grid(f, centre);
  for (int r = 0; r < kMaxRecentres && !fit.inside; ++r) {
    const double next = below_max(f.best());
    if (next == centre) break;  // the best candidate is the grid's centre: a flat bottom
    centre = next;
    fit = fit_grid(f, centre);
  }
  fit.x = std::min(fit.x, x_max);

  out.interval_h = std::exp(fit.x);
  out.search.standard_error_h = out.interval_h * fit.se;  // delta method: d e^x = e^x dx
  out.search.minimum_resolved = fit.inside;
  compare_with_start(f, fit.x, x0, out);
  return out;
}

void resolve_auto_interval(Scenario& scenario, unsigned threads) {
  CheckpointSpec& c = scenario.checkpoint;
  if (!c.interval_auto || c.interval_search) return;
  const AutoInterval a =
      optimise_interval(scenario, IntervalSearchOptions{kIntervalSearchReplications, threads});
  c.interval_h = a.interval_h;
  c.interval_search = a.search;
}

}  // namespace goodsim::models
