// recommend's report (cli/recommend_report.h), a section a function, in the order printed.

#include "cli/recommend_report.h"

#include <algorithm>
#include <cmath>

#include "cli/report.h"
#include "cli/text_table.h"
#include "models/cost.h"
#include "sim/format.h"

namespace goodsim::cli::recommend {

using sim::format_numbers;

namespace {

// Money in one unit for a whole table: "$113.212 M".
struct Money {
  double scale = 1.0;
  const char* suffix = "";
  int decimals = 0;

  explicit Money(double largest) {
    if (largest >= 1e6) {
      scale = 1e6, suffix = " M", decimals = 3;
    } else if (largest >= 1e4) {
      scale = 1e3, suffix = " k", decimals = 2;
    }
  }
  std::string operator()(double usd, bool sign = false) const {
    const std::string digits = sim::with_commas(std::abs(usd) / scale, decimals);
    const std::string s = usd < 0 ? "-" : (sign ? "+" : "");
    return s + "$" + digits + suffix;
  }
  std::string bare(double usd) const { return sim::with_commas(usd / scale, decimals) + suffix; }
};

// A probability: 4 decimals, small ones in scientific notation so that they do not read as 0.
std::string probability(double p) {
  if (p == 0.0) return "0";
  return p < 1e-3 ? format_numbers("%.1e", p) : format_numbers("%.4f", p);
}

std::string ratio_text(double num, double den) {
  return den > 0.0 ? probability(num / den) : "-";
}

// The report's sections, sharing what they show.
struct Report {
  std::ostream& out;
  const models::Scenario& base;
  const std::string& key;
  const std::vector<Evaluated>& ev;
  const std::vector<std::size_t>& eligible;
  const std::size_t rec;
  const std::size_t other;
  const std::optional<double> deadline_h;
  const RunFacts& run;
  const bool any_dnf;
  const Money money;

  // The last column: "DNF n/N" for a candidate that did not finish, else met or missed the
  // deadline (empty without one).
  std::string status(const Evaluated& e) const {
    if (!finished(e)) {
      return "DNF " + std::to_string(e.summary.unfinished) + "/" + std::to_string(run.replications);
    }
    return deadline_h ? (meets_deadline(e, deadline_h) ? "met" : "missed") : "";
  }

  void header() const {
    print_scenario(out, base);
    print_vary(out, key, ev);
    out << "objective  "
        << (deadline_h ? "the cheapest candidate with P95 wall time <= " +
                             sim::with_commas(*deadline_h, 1) + " h"
                       : std::string("the lowest expected cost"))
        << "\n";
    out << "prices     $" << sim::with_commas(*base.cost.node_hour_usd, 2)
        << " per slot node-hour, $" << sim::with_commas(models::spare_hour_usd(base), 2)
        << " per spare node-hour, $" << sim::with_commas(base.cost.repair_usd, 2)
        << " per repair\n";
    out << "runs       " << sim::with_commas(static_cast<double>(run.replications))
        << " replications per candidate, seed " << run.seed << " for every candidate, "
        << workers_text(run.threads, run.ranks) << ", " << format_numbers("%.2f s", run.seconds)
        << "\n";
    out << "           Common random numbers: replication i of every candidate sees the same\n"
           "           failure proposals and repair times, so candidates are compared on the same\n"
           "           luck and their differences are not drowned by noise. Differences are\n"
           "           estimated from paired replications.\n\n";
  }

  // The candidates, each against the recommended one, and what DNF means if any did not finish.
  void candidates() const {
    TextTable t({true, true, true, true, false, false});
    t.row({key, "goodput (95% CI)", "P95 wall", "expected cost (95% CI)",
           rec == kNone ? "" : "vs recommended (paired 95% CI)",
           deadline_h ? "deadline" : (any_dnf ? "finished" : "")});
    for (std::size_t i = 0; i < ev.size(); ++i) {
      const Evaluated& e = ev[i];
      const auto& g = e.summary.goodput;
      const auto& c = *e.summary.cost_usd;
      std::string vs;
      if (i == rec) {
        vs = "(recommended)";
      } else if (rec != kNone) {
        const sim::SampleSummary d = paired(e.cost, ev[rec].cost);
        vs = money(d.mean, true) + " +/- " + money.bare(d.ci95);
      }
      t.row({e.candidate.text, format_numbers("%.4f +/- %.4f", g.mean, g.ci95),
             sim::with_commas(e.summary.wall_h.p95, 1) + " h",
             money(c.mean) + " +/- " + money.bare(c.ci95), vs, status(e)});
    }
    t.print(out);
    out << "\n";
    if (any_dnf) {
      out << "DNF n/N: n of N replications did not finish within "
          << format_numbers("%g", base.montecarlo.max_wall_factor)
          << " x the work (montecarlo.max_wall_factor);\n"
             "their costs are censored there, too low, so such a candidate is never "
             "recommended\n\n";
    }
  }

  // Why nothing is recommended; returns the exit code.
  int no_recommendation() const {
    if (!deadline_h) {
      out << "no recommendation: no candidate finishes all its replications (exit code "
          << kExitNoCandidateMeetsDeadline << ")\n";
      return kExitNoCandidateMeetsDeadline;
    }
    std::size_t fastest = 0;
    for (std::size_t i = 1; i < ev.size(); ++i) {
      if (ev[i].summary.wall_h.p95 < ev[fastest].summary.wall_h.p95) fastest = i;
    }
    out << "no recommendation: no candidate has a P95 wall time <= "
        << sim::with_commas(*deadline_h, 1) << " h; the fastest, " << key << " = "
        << ev[fastest].candidate.text << ", has P95 "
        << sim::with_commas(ev[fastest].summary.wall_h.p95, 1) << " h (exit code "
        << kExitNoCandidateMeetsDeadline << ")\n";
    return kExitNoCandidateMeetsDeadline;
  }

  // The recommended candidate, and its paired difference with the runner-up (or with the cheapest
  // candidate that misses the deadline).
  void recommended() const {
    const Evaluated& best = ev[rec];
    out << "recommend  " << key << " = " << best.candidate.text << "\n";
    out << "           expected cost " << money(best.summary.cost_usd->mean) << " +/- "
        << money.bare(best.summary.cost_usd->ci95) << " (95% CI), $"
        << format_numbers("%.2f per productive GPU-hour\n",
                          *best.summary.usd_per_productive_gpu_hour);
    out << "           goodput " << format_numbers("%.4f", best.summary.goodput.mean)
        << ", wall time mean " << sim::with_commas(best.summary.wall_h.mean, 1) << " h, P95 "
        << sim::with_commas(best.summary.wall_h.p95, 1) << " h\n";
    if (other != kNone) {
      const Evaluated& o = ev[other];
      const sim::SampleSummary d = paired(o.cost, best.cost);
      const double unpaired =
          std::hypot(o.summary.cost_usd->std_error, best.summary.cost_usd->std_error);
      const auto dollars = [](double usd) {
        return std::string(usd < 0 ? "-$" : "$") + sim::with_commas(std::abs(usd));
      };
      out << "           vs " << key << " = " << o.candidate.text
          << (eligible.size() >= 2   ? " (runner-up)"
              : !finished(ev[other]) ? " (did not finish: its cost is censored, too low)"
                                     : " (the cheapest that misses the deadline)")
          << ": " << (d.mean >= 0 ? "+" : "") << dollars(d.mean) << " expected cost\n";
      out << "           SE of the difference " << dollars(d.std_error)
          << " from paired replications (unpaired: " << dollars(unpaired) << ")";
      if (d.std_error > 0.0) {
        out << format_numbers("\n           the difference is %.1f paired SEs; ",
                              std::abs(d.mean) / d.std_error)
            << format_numbers("common random numbers make it %.1fx sharper",
                              unpaired / d.std_error);
      }
      out << "\n";
    }
    out << "\n";
  }

  // What a spare costs (the seed article's arithmetic).
  void spare_cost() const {
    const Evaluated& best = ev[rec];
    const double price = models::spare_hour_usd(best.scenario);
    const double wall = best.summary.wall_h.mean;
    out << "what a spare costs\n";
    out << "  one spare costs $" << sim::with_commas(price * wall)
        << " over the expected wall time\n  ($" << sim::with_commas(price, 2) << "/node-h x "
        << sim::with_commas(wall, 1) << " h, the mean wall time at " << key << " = "
        << best.candidate.text << ")\n";
    out << "  the seed article's arithmetic: $" << sim::with_commas(price, 2)
        << "/node-h x 1,200 h = $" << sim::with_commas(price * 1200.0)
        << " for a 1,200-hour run\n  (this job's fault-free work, "
        << sim::with_commas(best.scenario.job.work_h, 1) << " h: $"
        << sim::with_commas(price * best.scenario.job.work_h) << ")\n";
  }

  // When a spare pays for itself: consecutive spare counts, paired.
  void spare_payback() const {
    std::vector<std::size_t> order(ev.size());
    for (std::size_t i = 0; i < ev.size(); ++i) order[i] = i;
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
      return ev[a].scenario.cluster.spares < ev[b].scenario.cluster.spares;
    });
    out << "\nwhen a spare pays for itself (each step from the previous candidate, paired)\n";
    TextTable t({false, true, true, true, true, false});
    t.row({"spares", "added spares cost", "saving: shorter run", "slot-hours saved",
           "net change (95% CI)", "verdict"});
    for (std::size_t j = 1; j < order.size(); ++j) {
      const Evaluated& lo = ev[order[j - 1]];
      const Evaluated& hi = ev[order[j]];
      const auto& s = hi.scenario;
      const double added = static_cast<double>(s.cluster.spares - lo.scenario.cluster.spares);
      const double added_cost = models::spare_hour_usd(s) * added * hi.summary.wall_h.mean;
      const sim::SampleSummary dw = paired(lo.wall, hi.wall);  // hours the run gets shorter
      const double paid_before =
          *s.cost.node_hour_usd * static_cast<double>(s.cluster.nodes) +
          models::spare_hour_usd(lo.scenario) * static_cast<double>(lo.scenario.cluster.spares);
      const sim::SampleSummary net = paired(hi.cost, lo.cost);
      const char* verdict = net.mean + net.ci95 < 0.0   ? "pays for itself"
                            : net.mean - net.ci95 > 0.0 ? "does not pay"
                                                        : "within noise";
      t.row({std::to_string(lo.scenario.cluster.spares) + " -> " + std::to_string(s.cluster.spares),
             money(added_cost, true), money(-paid_before * dw.mean, true),
             sim::with_commas(static_cast<double>(s.cluster.nodes) * dw.mean),
             money(net.mean, true) + " +/- " + money.bare(net.ci95), verdict});
    }
    t.print(out, "  ");
    out << "  added spares cost = spare price x added spares x the new expected wall time;\n"
           "  saving = the node-hour price of the nodes already paid for x the hours the run\n"
           "  gets shorter; net = the paired difference in expected cost (repairs included).\n";
  }

  // The spare-pool Markov chain beside the simulated figures.
  void spare_chain() const {
    out << "\nspare pool: simulated vs the Markov chain (docs/cost-and-spares.md)\n";
    // Shown when one candidate has a chain: a strategy without a pool shows "-" among others.
    if (std::none_of(ev.begin(), ev.end(),
                     [](const Evaluated& e) { return e.chain.has_value(); })) {
      out << "  chain not shown: " << ev.front().chain_missing << "\n";
      return;
    }
    TextTable t({true, true, true, true, true, true, true});
    t.row({key, "P(empty) sim", "chain", "stalled sim", "chain", "node wait (chain)",
           "in repair (chain)"});
    for (const Evaluated& e : ev) {
      const auto& c = e.chain;
      const bool pool = e.scenario.holds_spare_pool();  // requeue waits for no spare
      t.row({e.candidate.text, pool ? ratio_text(e.spare_waits, e.repairs) : "-",
             c ? probability(c->p_failure_finds_pool_empty) : "-",
             pool ? ratio_text(e.wait_spares_h, e.wall_h) : "-",
             c ? probability(c->p_slot_empty) : "-",
             c && c->p_failure_finds_pool_empty > 0
                 ? format_numbers("%.2f h", c->mean_wait_if_waiting_h)
                 : "-",
             c ? format_numbers("%.2f", c->mean_in_repair) : "-"});
    }
    t.print(out, "  ");
    out << "  P(empty): the fraction of failures that find the pool empty (simulated: recoveries\n"
           "  that waited / nodes sent to repair; chain: P(r >= spares) weighted by the failure\n"
           "  rate). stalled: the fraction of the wall time spent waiting for spares (simulated:\n"
           "  wait_spares / wall; chain: P(r > spares)). node wait: the mean time a failed slot\n"
           "  waits for a node when the pool is empty (Little's law). r = nodes in repair. The\n"
           "  chain refills a slot the moment a node is free and is at equilibrium; the simulator\n"
           "  detects first, fills all empty slots at once and starts with every node healthy.\n";
  }
};

double largest_mean_cost(const std::vector<Evaluated>& ev) {
  double largest = 0.0;
  for (const Evaluated& e : ev) largest = std::max(largest, e.summary.cost_usd->mean);
  return largest;
}

}  // namespace

void print_vary(std::ostream& out, const std::string& key, const std::vector<Evaluated>& ev) {
  out << "vary       " << key << ": " << ev.size() << " candidates (";
  for (std::size_t i = 0; i < ev.size(); ++i) out << (i ? ", " : "") << ev[i].candidate.text;
  out << ")\n";
}

int print_recommendation(std::ostream& out, const models::Scenario& base, const std::string& key,
                         const std::vector<Evaluated>& ev, const Ranking& ranking,
                         std::optional<double> deadline_h, const RunFacts& run) {
  const bool any_dnf =
      std::any_of(ev.begin(), ev.end(), [](const Evaluated& e) { return !finished(e); });
  const Report report{out,
                      base,
                      key,
                      ev,
                      ranking.eligible,
                      ranking.recommended,
                      ranking.compared,
                      deadline_h,
                      run,
                      any_dnf,
                      Money(largest_mean_cost(ev))};
  report.header();
  report.candidates();
  if (report.rec == kNone) return report.no_recommendation();
  report.recommended();
  report.spare_cost();
  if (key == "cluster.spares") report.spare_payback();
  report.spare_chain();
  return 0;
}

}  // namespace goodsim::cli::recommend
