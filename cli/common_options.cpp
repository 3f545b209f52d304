// Options several commands share: --threads and the output path.

#include <filesystem>

#include "cli/commands.h"
#include "sim/parallel.h"

namespace goodsim::cli {

void check_output_path(const std::string& command, const std::string& path) {
  std::error_code ec;
  const auto status = std::filesystem::symlink_status(path, ec);
  if (ec || !std::filesystem::exists(status) || std::filesystem::is_regular_file(status) ||
      std::filesystem::is_symlink(status)) {
    return;
  }
  throw UsageError(command, "output '" + path +
                                "' exists and is not a regular file: goodsim writes a new file "
                                "and renames it over the output, which would replace it");
}

unsigned resolve_threads(std::int64_t requested, const std::string& command) {
  if (requested < 0 || requested > 4096) {
    throw UsageError(command, "--threads must be between 0 (all cores) and 4096");
  }
  return requested == 0 ? sim::default_thread_count() : static_cast<unsigned>(requested);
}

}  // namespace goodsim::cli
