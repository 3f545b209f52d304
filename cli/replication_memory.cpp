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

std::string bytes_text(double bytes) {
  return std::to_string(static_cast<long long>(bytes));
}

// Throws if `need` bytes, held for `what`, exceed the memory.
void check_fit(const std::string& command, const std::string& count, double need,
               const std::string& what, double memory_bytes) {
  if (memory_bytes <= 0.0) memory_bytes = physical_memory_bytes();
  if (memory_bytes <= 0.0) return;  // unknown: nothing to compare against
  if (need <= memory_bytes) return;
  throw UsageError(command, count + " need about " + gigabytes(need) + " of memory for " + what +
                                ", more than this machine's " + gigabytes(memory_bytes) +
                                "; use fewer replications, or --precision to stop as soon as "
                                "the answer is as precise as you need");
}

}  // namespace

double replication_results_bytes(const models::Scenario& s, std::int64_t replications) {
  const double figures = models::priced(s) ? 4.0 : 3.0;
  return 8.0 * (figures + 1.0) * static_cast<double>(replications);
}

double candidate_results_bytes(const models::Scenario& s, std::int64_t replications,
                               std::size_t candidates) {
  return replication_results_bytes(s, replications) +
         16.0 * static_cast<double>(replications) * static_cast<double>(candidates);
}

void check_replications_fit(const std::string& command, const models::Scenario& s,
                            std::int64_t replications, double memory_bytes) {
  const double need = replication_results_bytes(s, replications);
  check_fit(command, std::to_string(replications) + " replications", need,
            "the summary's figures of each (" +
                bytes_text(need / static_cast<double>(replications)) + " bytes each)",
            memory_bytes);
}

void check_candidates_fit(const models::Scenario& s, std::int64_t replications,
                          std::size_t candidates, double memory_bytes) {
  check_fit("recommend",
            std::to_string(candidates) + " candidates of " + std::to_string(replications) +
                " replications",
            candidate_results_bytes(s, replications, candidates),
            "the summary's figures of each replication and every candidate's cost and wall time "
            "of each (16 bytes per candidate and replication)",
            memory_bytes);
}

}  // namespace goodsim::cli
