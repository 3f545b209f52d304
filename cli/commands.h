#pragma once
// The subcommands of the goodsim executable. Each parses its own options and returns the
// process exit code; sim::InputError and usage errors escape to main (exit code 2).

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "sim/process_group.h"

namespace goodsim::cli {

// run, sweep and recommend spread their replications over the ranks of `group` (an MPI
// job, sim/process_group.h); only the root rank writes files and prints.
int run_command(const std::vector<std::string>& args, const sim::ProcessGroup& group);
int sweep_command(const std::vector<std::string>& args, const sim::ProcessGroup& group);
int interval_command(const std::vector<std::string>& args);
int validate_command(const std::vector<std::string>& args);
int recommend_command(const std::vector<std::string>& args, const sim::ProcessGroup& group);
int fit_command(const std::vector<std::string>& args);

// Thrown for bad command-line usage; main prints it with a pointer to --help.
struct UsageError : std::runtime_error {
  UsageError(const std::string& command, const std::string& message)
      : std::runtime_error(message), command(command) {}
  std::string command;
};

// -o PATH: the results replace PATH by a rename, so PATH must be a regular file or not exist
// yet. A device or directory there (-o /dev/null as root) would be replaced, not written to.
// Its directory must exist and take a new file (tried for real): sim::InputError otherwise.
void check_output_path(const std::string& command, const std::string& path);

// Whether two output paths name the same file ("x.h5" and "./x.h5"), whether or not it exists.
bool same_file_path(const std::string& a, const std::string& b);

// --threads: 0 means all cores; negative values are a usage error (not a huge unsigned).
// --threads; 0 = all cores, shared between the ranks of an MPI job on this machine.
unsigned resolve_threads(std::int64_t requested, const std::string& command,
                         const sim::ProcessGroup& group = sim::ProcessGroup());

}  // namespace goodsim::cli
