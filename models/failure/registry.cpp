// The table of failure models by name: one line per model.

#include <array>
#include <string_view>

#include "models/failure/failure_clock.h"
#include "models/repair/repair_distribution.h"

namespace goodsim::models {

std::unique_ptr<FailureClock> make_exponential_clock(const FailureSpec&, std::int64_t,
                                                     sim::RandomStream&, sim::PickStream*);
std::unique_ptr<FailureClock> make_weibull_clock(const FailureSpec&, std::int64_t,
                                                 sim::RandomStream&, sim::PickStream*);
std::unique_ptr<FailureClock> make_trace_clock(const FailureSpec&, std::int64_t, sim::RandomStream&,
                                               sim::PickStream*);
void read_exponential_failure(sim::MapReader&, FailureSpec&, TraceCache&);
void read_weibull_failure(sim::MapReader&, FailureSpec&, TraceCache&);
void read_trace_failure(sim::MapReader&, FailureSpec&, TraceCache&);

namespace {

struct Entry {
  std::string_view name;
  bool takes_mtbf;   // false: the model derives the node MTBF itself (a trace)
  bool node_clocks;  // each node in a slot has a clock of its own (not memoryless)
  void (*read)(sim::MapReader&, FailureSpec&, TraceCache&);  // the model's own parameters
  std::unique_ptr<FailureClock> (*make)(const FailureSpec&, std::int64_t, sim::RandomStream&,
                                        sim::PickStream*);
};

constexpr std::array kFailureModels = {
    Entry{"exponential", true, false, read_exponential_failure, make_exponential_clock},
    Entry{"weibull", true, true, read_weibull_failure, make_weibull_clock},
    Entry{"trace", false, false, read_trace_failure, make_trace_clock},
};

const Entry* find(std::string_view name) {
  for (const Entry& e : kFailureModels) {
    if (e.name == name) return &e;
  }
  return nullptr;
}

}  // namespace

bool has_node_clocks(const FailureSpec& spec) {
  const Entry* e = find(spec.model);
  return e && e->node_clocks;
}

std::unique_ptr<FailureClock> make_failure_clock(const FailureSpec& spec, std::int64_t nodes,
                                                 sim::RandomStream& rng,
                                                 sim::PickStream* member_picks) {
  const Entry* e = find(spec.model);
  if (!e) throw std::logic_error("unregistered failure model '" + spec.model + "'");
  return e->make(spec, nodes, rng, member_picks);
}

FailureSpec replication_failure_spec(const FailureSpec& spec, std::uint64_t seed,
                                     std::uint64_t replication) {
  if (!spec.node_mtbf_uncertainty) return spec;
  FailureSpec drawn = spec;
  sim::RandomStream rng(seed, replication, sim::StreamPurpose::kParameters);
  drawn.node_mtbf_h = spec.node_mtbf_uncertainty->sample(rng);
  return drawn;
}

FailureSpec read_failure_spec(const sim::ConfigNode& node, TraceCache& traces) {
  sim::MapReader r(node);
  FailureSpec spec;
  if (const sim::ConfigNode* m = r.optional("model")) {
    spec.model = m->as_string();
    if (!find(spec.model)) {
      std::string names;
      for (const Entry& e : kFailureModels)
        names += (names.empty() ? "" : ", ") + std::string(e.name);
      throw m->error("unknown failure model " + m->describe() + "; supported: " + names);
    }
  }
  const Entry& entry = *find(spec.model);
  if (entry.takes_mtbf) {
    const sim::ConfigNode& mtbf = r.required("node_mtbf");
    if (mtbf.is_map()) {
      // Known only up to a distribution (a fit's sampling distribution, a range for a guess).
      spec.node_mtbf_uncertainty = read_repair_distribution(mtbf);
      spec.node_mtbf_h = spec.node_mtbf_uncertainty->mean_h();
    } else {
      spec.node_mtbf_h = mtbf.as_hours();
      if (!(spec.node_mtbf_h > 0.0)) {
        throw mtbf.error("expected a duration > 0, got " + mtbf.describe());
      }
    }
  }
  entry.read(r, spec, traces);
  r.finish();
  return spec;
}

}  // namespace goodsim::models
