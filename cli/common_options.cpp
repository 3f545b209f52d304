// Options several commands share: --threads and the output path.

#include <filesystem>

#include "cli/commands.h"
#include "sim/atomic_file.h"
#include "sim/error.h"
#include "sim/parallel.h"

namespace goodsim::cli {

void check_output_path(const std::string& command, const std::string& path) {
  std::error_code ec;
  const auto status = std::filesystem::symlink_status(path, ec);
  const bool replaceable = ec || !std::filesystem::exists(status) ||
                           std::filesystem::is_regular_file(status) ||
                           std::filesystem::is_symlink(status);
  if (!replaceable) {
    throw UsageError(command, "output '" + path +
                                  "' exists and is not a regular file: goodsim writes a new file "
                                  "and renames it over the output, which would replace it");
  }
  // Before any simulation: finding out after hours of it would waste them.
  if (const auto why = sim::why_not_writable(path)) {
    throw sim::InputError(sim::SourceLocation{path}, "", "cannot write the output: " + *why);
  }
}

bool same_file_path(const std::string& a, const std::string& b) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const auto full = [&](const std::string& p) { return fs::weakly_canonical(fs::absolute(p), ec); };
  return full(a) == full(b);
}

unsigned resolve_threads(std::int64_t requested, const std::string& command,
                         const sim::ProcessGroup& group) {
  if (requested < 0 || requested > 4096) {
    throw UsageError(command, "--threads must be between 0 (all cores) and 4096");
  }
  if (requested > 0) return static_cast<unsigned>(requested);
  // Ranks on one machine would otherwise each start a thread per core.
  const auto ranks = static_cast<unsigned>(group.ranks_on_this_machine());
  return std::max(1u, sim::default_thread_count() / ranks);
}

}  // namespace goodsim::cli
