#include "models/scenario_loader.h"

#include <cmath>
#include <cstdio>
#include <filesystem>

#include "models/checkpoint/policy.h"
#include "models/config_values.h"
#include "models/failure/failure_clock.h"
#include "models/recovery/strategy.h"
#include "models/repair/repair_distribution.h"
#include "models/slow/slow_nodes.h"

namespace goodsim::models {

namespace {

using sim::ConfigNode;
using sim::MapReader;

using config::int_at_least;
using config::non_negative_hours;
using config::optional_hours;
using config::positive_hours;
using config::positive_number;

Handling read_handling(const ConfigNode& n) {
  const std::string h = n.as_string();
  if (h == "restart") return Handling::kRestart;
  if (h == "swap") return Handling::kSwap;
  if (h == "domain") return Handling::kDomain;
  throw n.error("unknown handling " + n.describe() + "; supported: restart, swap, domain");
}

std::vector<CauseSpec> read_causes(const ConfigNode& list, const ClusterSpec& c) {
  if (!list.is_sequence() || list.items().empty()) {
    throw list.error(
        "expected a non-empty list of causes, e.g. "
        "[{name: gpu, share: 148, handling: swap}], got " +
        list.describe());
  }
  std::vector<CauseSpec> causes;
  for (const ConfigNode& item : list.items()) {
    MapReader r(item);
    CauseSpec cause;
    cause.name = r.required("name").as_string();
    cause.share = positive_number(r.required("share"));
    if (const ConfigNode* h = r.optional("handling")) {
      cause.handling = read_handling(*h);
      if (cause.handling == Handling::kDomain && c.domain_size == 0) {
        throw h->error("handling 'domain' needs cluster.domain_size (nodes per failure domain)");
      }
    }
    if (const ConfigNode* rep = r.optional("repair")) {
      cause.repair.distribution = read_repair_distribution(*rep);
    }
    r.finish();
    for (const CauseSpec& other : causes) {
      if (other.name == cause.name) throw item.error("duplicate cause name '" + cause.name + "'");
    }
    causes.push_back(std::move(cause));
  }
  return causes;
}

MaintenanceSpec read_maintenance(const ConfigNode& n) {
  MapReader r(n);
  MaintenanceSpec m;
  m.every_h = positive_hours(r.required("every"));
  const ConfigNode& duration = r.required("duration");
  m.duration_h = non_negative_hours(duration);
  r.finish();
  return m;
}

SdcSpec read_sdc(const ConfigNode& n) {
  MapReader r(n);
  SdcSpec sdc;
  sdc.node_mtbf_h = positive_hours(r.required("node_mtbf"));
  sdc.detect_h = non_negative_hours(r.required("detect"));
  r.finish();
  return sdc;
}

ClusterSpec read_cluster(const ConfigNode& n, TraceCache& traces) {
  MapReader r(n);
  ClusterSpec c;
  c.nodes = config::int_in(r.required("nodes"), 1, config::kMaxNodes,
                           "100 times the largest clusters built");
  if (const ConfigNode* g = r.optional("gpus_per_node")) {
    c.gpus_per_node = config::int_in(*g, 1, config::kMaxGpusPerNode, "accelerators in one node");
  }
  if (const ConfigNode* s = r.optional("spares")) {
    c.spares = config::int_in(*s, 0, config::kMaxNodes, "as for cluster.nodes");
  }
  c.failure = read_failure_spec(r.required("failure"), traces);
  c.repair.distribution = read_repair_distribution(r.required("repair"));
  if (const ConfigNode* d = r.optional("domain_size")) {
    c.domain_size = int_at_least(*d, 1);
    if (c.domain_size > c.nodes) {
      throw d->error("expected a domain size <= cluster.nodes (" + std::to_string(c.nodes) +
                     "), got " + d->describe());
    }
  }
  if (const ConfigNode* causes = r.optional("causes")) c.causes = read_causes(*causes, c);
  if (const ConfigNode* m = r.optional("maintenance")) c.maintenance = read_maintenance(*m);
  if (const ConfigNode* p = r.optional("pool_failures")) c.pool_failures = p->as_bool();
  if (const ConfigNode* sdc = r.optional("sdc")) c.sdc = read_sdc(*sdc);
  if (const ConfigNode* slow = r.optional("slow")) c.slow = read_slow(*slow);
  r.finish();
  bind_failure_trace(c);
  return c;
}

// Fault-free compute time from the training FLOPs C = 6 N D (Kaplan et al. 2020).
double derive_work_h(const WorkDerivation& d, std::int64_t gpus) {
  const double flops = 6.0 * d.params * d.tokens;
  const double flops_per_s = static_cast<double>(gpus) * d.peak_tflops * 1e12 * d.mfu;
  return flops / flops_per_s / 3600.0;
}

JobSpec read_job(const ConfigNode& n, std::int64_t gpus) {
  MapReader r(n);
  JobSpec j;
  const ConfigNode& work = r.required("work");
  if (work.is_map()) {
    MapReader w(work);
    WorkDerivation d;
    d.params = positive_number(w.required("params"));
    d.tokens = positive_number(w.required("tokens"));
    d.peak_tflops = positive_number(w.required("peak_tflops"));
    const ConfigNode& mfu = w.required("mfu");
    d.mfu = mfu.as_double();
    if (!(d.mfu > 0.0 && d.mfu <= 1.0)) {
      throw mfu.error("expected a fraction in (0, 1], got " + mfu.describe());
    }
    w.finish();
    j.work_h = derive_work_h(d, gpus);
    j.derived_from = d;
  } else {
    j.work_h = positive_hours(work);
  }
  // Below 1 s goodput loses its meaning (and a derived work can underflow to 0: goodput NaN);
  // above 10^7 h the wall cap and the checkpoint count leave the range of exact arithmetic.
  if (!(j.work_h >= config::kMinWorkH && j.work_h <= config::kMaxWorkH)) {
    char got[64];
    std::snprintf(got, sizeof got, "%g h", j.work_h);
    throw work.error(
        std::string("expected a work from 1 s to 10,000,000 h of fault-free compute, ") +
        (work.is_map() ? "derived " + std::string(got) +
                             " (6 x params x tokens / "
                             "(GPUs x peak_tflops x mfu))"
                       : "got " + work.describe()));
  }
  if (const ConfigNode* step = r.optional("step")) j.step_h = positive_hours(*step);
  r.finish();
  return j;
}

CostSpec read_cost(const ConfigNode* n) {
  CostSpec c;
  if (!n) return c;
  MapReader r(*n);
  if (const ConfigNode* p = r.optional("node_hour_usd")) c.node_hour_usd = positive_number(*p);
  // Spares and repairs are priced only on top of a node price.
  const auto extra_price = [&c](const ConfigNode& p) {
    const double v = p.as_double();
    if (!(v >= 0.0)) throw p.error("expected a number >= 0, got " + p.describe());
    if (!c.node_hour_usd) throw p.error("needs cost.node_hour_usd (the price of a job slot)");
    return v;
  };
  if (const ConfigNode* p = r.optional("spare_hour_usd")) c.spare_hour_usd = extra_price(*p);
  if (const ConfigNode* p = r.optional("repair_usd")) c.repair_usd = extra_price(*p);
  r.finish();
  return c;
}

MonteCarloSpec read_montecarlo(const ConfigNode* n) {
  MonteCarloSpec m;
  if (!n) return m;
  MapReader r(*n);
  if (const ConfigNode* reps = r.optional("replications")) m.replications = int_at_least(*reps, 1);
  if (const ConfigNode* seed = r.optional("seed")) {
    m.seed = static_cast<std::uint64_t>(int_at_least(*seed, 0));
  }
  if (const ConfigNode* cap = r.optional("max_wall_factor")) {
    m.max_wall_factor = cap->as_double();
    if (!(m.max_wall_factor >= 1.0 && m.max_wall_factor <= config::kMaxWallFactor)) {
      throw cap->error(
          "expected a number from 1 to 1e6 (a multiple of the work: past 1e6 a hopeless "
          "replication runs for hours before it is stopped), got " +
          cap->describe());
    }
  }
  r.finish();
  return m;
}

// A planned stop (its checkpoint and the maintenance) must end before the next one is due:
// each stop then runs whole, and the job gets to compute between two stops.
void check_maintenance_fits(const ConfigNode& root, const Scenario& s) {
  const MaintenanceSpec& m = s.cluster.maintenance;
  if (m.every_h == 0.0) return;
  const double stop_h = s.checkpoint.write_h + s.checkpoint.persist_h + m.duration_h;
  if (stop_h < m.every_h) return;
  const ConfigNode* d = sim::find_path(root, "cluster.maintenance.duration");
  throw d->error(
      "expected the planned checkpoint (checkpoint.write + checkpoint.persist) plus "
      "the maintenance duration to be shorter than cluster.maintenance.every, got " +
      d->describe());
}

// Issue 11 item 5: a scenario whose replications need more events than any run could take
// (a node MTBF of nanoseconds, maintenance every 1e-300 h) is refused up front, with the
// estimate, rather than run for ever. The estimate is a lower bound: the job computes for at
// least its work, meeting failures, stops, corruptions and slowdowns at these rates.
void check_event_budget(const ConfigNode& root, const Scenario& s) {
  const auto& c = s.cluster;
  const double nodes = static_cast<double>(c.nodes);
  struct Source {
    const char* key;
    const char* what;
    double per_h;
  };
  const double pool = c.pool_failures ? static_cast<double>(c.spares) : 0.0;
  const Source sources[] = {
      {c.failure.trace ? "cluster.failure.file" : "cluster.failure.node_mtbf", "failures",
       (nodes + pool) / c.failure.node_mtbf_h},
      {"cluster.maintenance.every", "maintenance stops",
       c.maintenance.every_h > 0.0 ? 1.0 / c.maintenance.every_h : 0.0},
      {"cluster.sdc.node_mtbf", "silent data corruptions",
       c.sdc ? nodes / c.sdc->node_mtbf_h : 0.0},
      {"cluster.slow.node_mtbs", "slowdowns", c.slow ? nodes / c.slow->node_mtbs_h : 0.0},
  };
  double events = 0.0;
  const Source* top = &sources[0];
  for (const Source& src : sources) {
    events += s.job.work_h * src.per_h;
    if (src.per_h > top->per_h) top = &src;
  }
  if (events <= config::kMaxEstimatedEvents) return;  // and refuses NaN
  const ConfigNode* at = sim::find_path(root, top->key);
  if (!at) at = sim::find_path(root, "cluster");
  char msg[512];
  std::snprintf(msg, sizeof msg,
                "the scenario needs at least %.3g simulated events per replication (%.3g %s per "
                "hour over %.4g h of work), over the limit of %.0e: about 10 s of simulation "
                "per replication, hours for a run. Such rates describe no cluster that can "
                "train; check the value and its unit",
                events, top->per_h, top->what, s.job.work_h, config::kMaxEstimatedEvents);
  throw at->error(msg);
}

}  // namespace

Scenario scenario_from_config(const ConfigNode& root, const std::string& source_file) {
  TraceCache traces;
  return scenario_from_config(root, source_file, traces);
}

Scenario scenario_from_config(const ConfigNode& root, const std::string& source_file,
                              TraceCache& traces) {
  MapReader r(root);
  Scenario s;
  s.source_file = source_file;
  s.name = std::filesystem::path(source_file).stem().string();
  if (const ConfigNode* name = r.optional("name")) s.name = name->as_string();
  r.optional("description");
  s.cluster = read_cluster(r.required("cluster"), traces);
  s.job = read_job(r.required("job"), s.gpus());
  check_event_budget(root, s);  // before the checks that a rate this absurd would trip first
  s.checkpoint = read_checkpoint(r.optional("checkpoint"), s.system_mtbf_h(), s.cluster.nodes);
  check_maintenance_fits(root, s);
  s.recovery = read_recovery(r.optional("recovery"), s.cluster, s.job);
  check_recovery(root, s);
  s.cost = read_cost(r.optional("cost"));
  s.montecarlo = read_montecarlo(r.optional("montecarlo"));
  r.optional("sweep");  // read by models/sweep (goodsim sweep); a scenario is its base point
  r.finish();
  s.resolved_yaml = sim::to_yaml(root);
  return s;
}

Scenario load_scenario(const std::string& path, std::span<const std::string> overrides) {
  ConfigNode root = sim::load_config_file(path);
  for (const std::string& o : overrides) sim::apply_override(root, o);
  return scenario_from_config(root, path);
}

}  // namespace goodsim::models
