#include "models/scenario_loader.h"

#include <cmath>
#include <filesystem>

#include "models/checkpoint/memory_level.h"
#include "models/config_values.h"
#include "models/daly.h"
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

ClusterSpec read_cluster(const ConfigNode& n) {
  MapReader r(n);
  ClusterSpec c;
  c.nodes = int_at_least(r.required("nodes"), 1);
  if (const ConfigNode* g = r.optional("gpus_per_node")) c.gpus_per_node = int_at_least(*g, 1);
  if (const ConfigNode* s = r.optional("spares")) c.spares = int_at_least(*s, 0);
  c.failure = read_failure_spec(r.required("failure"));
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
  if (const ConfigNode* step = r.optional("step")) j.step_h = positive_hours(*step);
  r.finish();
  return j;
}

CheckpointSpec read_checkpoint(const ConfigNode* n, double system_mtbf_h, std::int64_t nodes) {
  CheckpointSpec c;
  if (!n) return c;  // no checkpoints: every failure restarts the job from scratch
  MapReader r(*n);
  c.write_h = optional_hours(r, "write", 0.0);
  if (const ConfigNode* i = r.optional("interval")) {
    if (i->is_scalar() && i->scalar() == "auto") {
      if (!(c.write_h > 0.0)) {
        throw i->error(
            "interval 'auto' needs a checkpoint write time > 0 (key 'checkpoint.write')");
      }
      c.interval_auto = true;
      c.interval_h = daly::exact_optimal_interval(system_mtbf_h, c.write_h);
    } else {
      const double h = i->as_hours();
      if (!(h >= 0.0)) {
        throw i->error("expected a duration >= 0 (0 = no checkpoints) or 'auto', got " +
                       i->describe());
      }
      c.interval_h = h;
    }
  }
  c.persist_h = optional_hours(r, "persist", 0.0);
  if (const ConfigNode* o = r.optional("overlap")) {
    const std::string v = o->as_string();
    if (v == "stall") {
      c.overlap = PersistOverlap::kStall;
    } else if (v == "skip") {
      c.overlap = PersistOverlap::kSkip;
    } else {
      throw o->error("unknown overlap " + o->describe() +
                     "; supported: stall (block until the persist is done), skip (skip the "
                     "checkpoint that falls due)");
    }
  }
  if (const ConfigNode* m = r.optional("memory")) c.memory = read_memory_level(*m, c, nodes);
  r.finish();
  return c;
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
    if (!(m.max_wall_factor >= 1.0)) {
      throw cap->error("expected a number >= 1 (a multiple of the work), got " + cap->describe());
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

}  // namespace

Scenario scenario_from_config(const ConfigNode& root, const std::string& source_file) {
  MapReader r(root);
  Scenario s;
  s.source_file = source_file;
  s.name = std::filesystem::path(source_file).stem().string();
  if (const ConfigNode* name = r.optional("name")) s.name = name->as_string();
  r.optional("description");
  s.cluster = read_cluster(r.required("cluster"));
  s.job = read_job(r.required("job"), s.gpus());
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
