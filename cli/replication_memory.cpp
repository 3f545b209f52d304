#include "cli/replication_memory.h"

#include <unistd.h>

#include "cli/commands.h"
#include "models/cost.h"
#include "sim/format.h"

namespace goodsim::cli {

namespace {

double physical_memory_bytes() {
  const long pages = ::sysconf(_SC_PHYS_PAGES);
  const long page = ::sysconf(_SC_PAGE_SIZE);
  return pages > 0 && page > 0 ? static_cast<double>(pages) * static_cast<double>(page) : 0.0;
}

std::string gigabytes(double bytes) {
  const double gb = bytes / 1e9;
  return sim::with_commas(gb, gb < 100.0 ? 1 : 0) + " GB";
}

}  // namespace

double replication_results_bytes(const models::Scenario& s, std::int64_t replications,
                                 Holding /*holding*/) {
  const double figures = models::priced(s) ? 4.0 : 3.0;
  return 8.0 * (figures + 1.0) * static_cast<double>(replications);
}

void check_replications_fit(const std::string& command, const models::Scenario& s,
                            std::int64_t replications, Holding holding, double memory_bytes) {
  if (memory_bytes <= 0.0) memory_bytes = physical_memory_bytes();
  if (memory_bytes <= 0.0) return;  // unknown: nothing to compare against
  const double need = replication_results_bytes(s, replications, holding);
  if (need <= memory_bytes) return;
  throw UsageError(command, std::to_string(replications) + " replications need about " +
                                gigabytes(need) + " of memory for the summary's figures of each (" +
                                std::to_string(static_cast<long long>(need / replications)) +
                                " bytes each), more than this machine's " +
                                gigabytes(memory_bytes) +
                                "; use fewer replications, or --precision to stop as soon as "
                                "the answer is as precise as you need");
}

}  // namespace goodsim::cli
