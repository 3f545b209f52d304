// libFuzzer harness for the failure-trace CSV reader (scripts/fuzz). The input is the text of
// a trace file. A trace that reads is bound to a small cluster and replayed for a while: its
// failure times must never go back in time. Bad input must end in sim::InputError.

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <sstream>
#include <string>

#include "models/failure/failure_clock.h"
#include "models/failure/trace_cache.h"
#include "sim/error.h"
#include "sim/random.h"

namespace {

using namespace goodsim;

void replay(const models::ClusterSpec& c) {
  sim::RandomStream rng(1, 0, sim::StreamPurpose::kFailures);
  const auto clock = models::make_failure_clock(c.failure, c.nodes, rng, nullptr);
  double last = 0.0;
  for (int i = 0; i < 64; ++i) {
    const double t = clock->next_failure();
    if (!(t >= last) || clock->next_slot() >= c.nodes || clock->next_cause() >= 2) {
      __builtin_trap();  // a replay that goes back in time or leaves the cluster
    }
    last = t;
    clock->take_failure();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::istringstream in(std::string(reinterpret_cast<const char*>(data), size));
  try {
    models::ClusterSpec c;
    c.nodes = 4096;
    c.causes = {models::CauseSpec{"gpu", 1.0, models::Handling::kSwap, {}},
                models::CauseSpec{"software", 1.0, models::Handling::kRestart, {}}};
    c.failure.model = "trace";
    c.failure.trace =
        std::make_shared<const models::FailureTrace>(models::read_failure_trace(in, "fuzz.csv"));
    c.failure.trace_span_h = c.failure.trace->last_h();
    if (!(c.failure.trace_span_h > 0.0)) return 0;  // the loader asks for a span then
    models::bind_failure_trace(c);
    replay(c);
  } catch (const sim::InputError&) {
    // Rejected with a location.
  }
  return 0;
}
