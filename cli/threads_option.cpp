#include "cli/commands.h"
#include "sim/parallel.h"

namespace goodsim::cli {

unsigned resolve_threads(std::int64_t requested, const std::string& command) {
  if (requested < 0 || requested > 4096) {
    throw UsageError(command, "--threads must be between 0 (all cores) and 4096");
  }
  return requested == 0 ? sim::default_thread_count() : static_cast<unsigned>(requested);
}

}  // namespace goodsim::cli
