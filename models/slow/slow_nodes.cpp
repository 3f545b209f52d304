#include "models/slow/slow_nodes.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "models/config_values.h"
#include "models/repair/repair_distribution.h"
#include "sim/format.h"

namespace goodsim::models {

namespace {

double factor_at_least_one(const sim::ConfigNode& n) {
  const double f = n.as_double();
  if (!(f >= 1.0 && f <= 1000.0)) {
    throw n.error(
        "expected a slowdown factor in [1, 1000] (how many times longer a step takes "
        "on the slow node; 1 = not slow), got " +
        n.describe());
  }
  return f;
}

SlowdownSpec read_slowdown(const sim::ConfigNode& n) {
  SlowdownSpec s;
  if (n.is_scalar()) {
    s.factors = {factor_at_least_one(n)};
    return s;
  }
  if (n.is_sequence()) {
    if (n.items().empty()) throw n.error("expected a non-empty list of {factor, share}");
    s.kind = SlowdownSpec::Kind::kDiscrete;
    double total = 0.0;
    for (const sim::ConfigNode& item : n.items()) {
      sim::MapReader r(item);
      s.factors.push_back(factor_at_least_one(r.required("factor")));
      total += config::positive_number(r.required("share"));
      s.cdf.push_back(total);
      r.finish();
    }
    for (double& c : s.cdf) c /= total;
    return s;
  }
  sim::MapReader r(n);
  const sim::ConfigNode& model = r.required("model");
  if (model.as_string() != "uniform") {
    throw model.error("unknown slowdown model " + model.describe() +
                      "; supported: a number (fixed), {model: uniform, min, max}, or a list of "
                      "{factor, share}");
  }
  s.kind = SlowdownSpec::Kind::kUniform;
  const double lo = factor_at_least_one(r.required("min"));
  const sim::ConfigNode& max = r.required("max");
  const double hi = factor_at_least_one(max);
  if (!(hi >= lo)) throw max.error("expected max >= min (" + std::to_string(lo) + ")");
  s.factors = {lo, hi};
  r.finish();
  return s;
}

SlowMitigation read_mitigation(const sim::ConfigNode& n) {
  const std::string m = n.as_string();
  if (m == "tolerate") return SlowMitigation::kTolerate;
  if (m == "evict") return SlowMitigation::kEvict;
  if (m == "threshold") return SlowMitigation::kThreshold;
  throw n.error("unknown mitigation " + n.describe() +
                "; supported: tolerate (run at the slow node's speed), evict (swap every slow "
                "node for a spare once detected), threshold (evict only past `threshold`)");
}

std::string factor_text(double f) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%gx", f);
  return buf;
}

}  // namespace

SlowSpec read_slow(const sim::ConfigNode& node) {
  sim::MapReader r(node);
  SlowSpec s;
  s.node_mtbs_h = config::positive_hours(r.required("node_mtbs"));
  s.slowdown = read_slowdown(r.required("slowdown"));
  s.duration.distribution = read_repair_distribution(r.required("duration"));
  s.detect_h = config::optional_hours(r, "detect", 0.0);
  if (const sim::ConfigNode* m = r.optional("mitigation")) s.mitigation = read_mitigation(*m);
  // Read whichever mitigation is chosen: a sweep over cluster.slow.mitigation needs it.
  const sim::ConfigNode* threshold = r.optional("threshold");
  s.evict_above = SlowNodes::kNever;
  s.after_h = SlowNodes::kNever;
  if (threshold) {
    sim::MapReader t(*threshold);
    if (const sim::ConfigNode* f = t.optional("slowdown")) s.evict_above = factor_at_least_one(*f);
    if (const sim::ConfigNode* a = t.optional("after")) {
      s.after_h =
          a->is_scalar() && a->scalar() == "ski_rental" ? -1.0 : config::non_negative_hours(*a);
    }
    if (s.evict_above == SlowNodes::kNever && s.after_h == SlowNodes::kNever) {
      throw threshold->error("expected `slowdown`, `after`, or both");
    }
    t.finish();
  } else if (s.mitigation == SlowMitigation::kThreshold) {
    throw node.error(
        "mitigation 'threshold' needs `threshold:` with `slowdown` (evict at detection a "
        "node at least this slow) and/or `after` (a duration, or ski_rental: evict a node "
        "still slow once the capacity lost to it equals the cost of an eviction)");
  }
  if (const sim::ConfigNode* rep = r.optional("repair")) {
    s.repair.distribution = read_repair_distribution(*rep);
  }
  if (const sim::ConfigNode* l = r.optional("lemons")) {
    sim::MapReader lr(*l);
    const sim::ConfigNode& share = lr.required("share");
    s.lemon_share = share.as_double();
    if (!(s.lemon_share >= 0.0 && s.lemon_share <= 1.0)) {
      throw share.error(
          "expected a fraction in [0, 1] of slow nodes that are repeat offenders, "
          "got " +
          share.describe());
    }
    s.lemon_gap_h = config::positive_hours(lr.required("every"));
    lr.finish();
  }
  r.finish();
  return s;
}

double sample_slowdown(const SlowdownSpec& spec, sim::RandomStream& rng) {
  switch (spec.kind) {
    case SlowdownSpec::Kind::kFixed:
      return spec.factors[0];
    case SlowdownSpec::Kind::kUniform:
      return spec.factors[0] + (spec.factors[1] - spec.factors[0]) * rng.uniform();
    case SlowdownSpec::Kind::kDiscrete: {
      const double u = rng.uniform();
      std::size_t i = 0;
      while (i + 1 < spec.cdf.size() && u >= spec.cdf[i]) ++i;
      return spec.factors[i];
    }
  }
  return 1.0;
}

double mean_slowdown(const SlowdownSpec& spec) {
  switch (spec.kind) {
    case SlowdownSpec::Kind::kFixed:
      return spec.factors[0];
    case SlowdownSpec::Kind::kUniform:
      return 0.5 * (spec.factors[0] + spec.factors[1]);
    case SlowdownSpec::Kind::kDiscrete: {
      double mean = 0.0, previous = 0.0;
      for (std::size_t i = 0; i < spec.factors.size(); ++i) {
        mean += spec.factors[i] * (spec.cdf[i] - previous);
        previous = spec.cdf[i];
      }
      return mean;
    }
  }
  return 1.0;
}

std::string describe_slowdown(const SlowdownSpec& spec) {
  switch (spec.kind) {
    case SlowdownSpec::Kind::kFixed:
      return factor_text(spec.factors[0]);
    case SlowdownSpec::Kind::kUniform:
      return "uniform " + factor_text(spec.factors[0]) + ".." + factor_text(spec.factors[1]);
    case SlowdownSpec::Kind::kDiscrete: {
      std::string out;
      double previous = 0.0;
      for (std::size_t i = 0; i < spec.factors.size(); ++i) {
        char share[32];
        std::snprintf(share, sizeof share, " (%.0f %%)", 100.0 * (spec.cdf[i] - previous));
        previous = spec.cdf[i];
        out += (i ? ", " : "") + factor_text(spec.factors[i]) + share;
      }
      return out;
    }
  }
  return "";
}

std::string describe_slow(const SlowSpec& s) {
  std::string out = "each node slow every " + sim::human_duration(s.node_mtbs_h) +
                    " on average, slowdown " + describe_slowdown(s.slowdown) + ", lasting " +
                    s.duration.distribution->describe() + "; detected after " +
                    sim::human_duration(s.detect_h) + ", ";
  switch (s.mitigation) {
    case SlowMitigation::kTolerate:
      out += "tolerated";
      break;
    case SlowMitigation::kEvict:
      out += "evicted";
      break;
    case SlowMitigation::kThreshold:
      out += "evicted if";
      if (s.evict_above != SlowNodes::kNever) out += " at least " + factor_text(s.evict_above);
      if (s.evict_above != SlowNodes::kNever && s.after_h != SlowNodes::kNever) out += " or";
      if (s.after_h < 0.0) out += " past the ski-rental bound";
      if (s.after_h >= 0.0 && s.after_h != SlowNodes::kNever)
        out += " still slow after " + sim::human_duration(s.after_h);
      break;
  }
  if (s.repair.distribution)
    out += "; evicted nodes repaired in " + s.repair.distribution->describe();
  if (s.lemon_share > 0.0) {
    char buf[96];
    std::snprintf(buf, sizeof buf, "; %.0f %% repeat offenders (slow again every ",
                  100.0 * s.lemon_share);
    out += buf + sim::human_duration(s.lemon_gap_h) + ")";
  }
  return out;
}

SlowNodes::SlowNodes(const SlowSpec& spec, std::int64_t nodes, double eviction_h,
                     std::uint64_t seed, std::uint64_t index)
    : spec_(spec),
      nodes_d_(static_cast<double>(nodes)),
      gap_h_(spec.node_mtbs_h / static_cast<double>(nodes)),
      eviction_h_(eviction_h),
      rng_(seed, index, sim::StreamPurpose::kSlow) {}

std::int64_t SlowNodes::pick_slot() {
  const auto slot = static_cast<std::int64_t>(rng_.uniform() * nodes_d_);
  return std::min(slot, static_cast<std::int64_t>(nodes_d_) - 1);
}

bool SlowNodes::lands_on_empty(std::int64_t empty) {
  return empty > 0 && rng_.uniform() * nodes_d_ < static_cast<double>(empty);
}

bool SlowNodes::holds(std::int64_t slot) const {
  return std::any_of(episodes_.begin(), episodes_.end(),
                     [slot](const Episode& e) { return e.slot == slot; });
}

void SlowNodes::begin(double t, std::int64_t slot) {
  Episode e{slot, 1.0, kNever, kNever, kNever, false, false};
  e.lemon = spec_.lemon_share > 0.0 && rng_.uniform() < spec_.lemon_share;
  start(e, t);
  episodes_.push_back(e);
}

void SlowNodes::start(Episode& e, double t) {
  e.factor = sample_slowdown(spec_.slowdown, rng_);
  e.end = t + spec_.duration.distribution->sample(rng_);
  e.decision = decision_time(t, e.factor);
  e.relapse = kNever;
  e.waiting = false;
}

// When the mitigation evicts a node that turned slow at `onset`, if it is still slow then.
// A slowdown of 1 costs nothing and is never acted on: it cannot be told from a healthy node.
double SlowNodes::decision_time(double onset, double factor) const {
  if (!(factor > 1.0)) return kNever;
  const double detected = onset + spec_.detect_h;
  switch (spec_.mitigation) {
    case SlowMitigation::kTolerate:
      return kNever;
    case SlowMitigation::kEvict:
      return detected;
    case SlowMitigation::kThreshold:
      break;
  }
  if (factor >= spec_.evict_above) return detected;
  if (spec_.after_h == kNever) return kNever;
  // Ski rental: running slow loses 1 - 1/factor of the job's capacity per hour; buy (evict)
  // once the rent paid equals the price: a 2-competitive rule, whatever the duration law.
  const double after = spec_.after_h >= 0.0 ? spec_.after_h : eviction_h_ / (1.0 - 1.0 / factor);
  return onset + std::max(spec_.detect_h, after);
}

double SlowNodes::next_of(const Episode& e) const {
  return std::min({e.end, e.decision, e.relapse});
}

double SlowNodes::next_time() const {
  double t = kNever;
  for (const Episode& e : episodes_) t = std::min(t, next_of(e));
  return t;
}

SlowNodes::Due SlowNodes::advance(double t) {
  const auto it = std::min_element(
      episodes_.begin(), episodes_.end(),
      [this](const Episode& a, const Episode& b) { return next_of(a) < next_of(b); });
  Episode& e = *it;
  const std::int64_t slot = e.slot;
  if (e.relapse <= t) {
    start(e, t);
    return {Action::kRelapsed, slot};
  }
  if (e.decision <= t && e.decision < e.end) return {Action::kEvict, slot};
  // The slowdown ends by itself; a repeat offender stays, dormant, to turn slow again.
  if (e.lemon) {
    e.factor = 1.0;
    e.end = e.decision = kNever;
    e.waiting = false;
    e.relapse = t + rng_.exponential(spec_.lemon_gap_h);
  } else {
    episodes_.erase(it);
  }
  return {Action::kRecovered, slot};
}

void SlowNodes::postpone(std::int64_t slot, double when) {
  for (Episode& e : episodes_) {
    if (e.slot != slot) continue;
    e.decision = when;
    e.waiting = when == kNever;
  }
}

void SlowNodes::resume_decisions(double t) {
  for (Episode& e : episodes_) {
    if (!e.waiting) continue;
    e.decision = t;
    e.waiting = false;
  }
}

void SlowNodes::left(std::int64_t slot) {
  std::erase_if(episodes_, [slot](const Episode& e) { return e.slot == slot; });
}

void SlowNodes::left_somewhere(double occupied) {
  if (episodes_.empty()) return;
  const double u = rng_.uniform() * occupied;
  if (u < static_cast<double>(episodes_.size())) {
    episodes_.erase(episodes_.begin() + static_cast<std::ptrdiff_t>(u));
  }
}

double SlowNodes::speed() const {
  double slowest = 1.0;
  for (const Episode& e : episodes_) slowest = std::max(slowest, e.factor);
  return 1.0 / slowest;
}

}  // namespace goodsim::models
