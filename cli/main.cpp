// goodsim: discrete-event simulation of accelerator-cluster failures and recoveries.

#include <fcntl.h>
#include <unistd.h>

#include <boost/program_options/errors.hpp>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/interrupt.h"
#include "goodsim/version.h"
#include "sim/error.h"
#include "sim/hdf5.h"
#include "sim/parallel.h"
#include "sim/process_group.h"

namespace {

constexpr const char* kUsage =
    R"(goodsim - how much of the paid time on a GPU cluster becomes training progress

usage: goodsim <command> [options]

commands:
  run SCENARIO      simulate a scenario's Monte Carlo replications; print a summary
                    (goodput with 95% CI, percentiles, wall time, badput buckets, cost)
                    and write every replication to an HDF5 file
  sweep SCENARIO    every point of the scenario's sweep block (cartesian product and zip
                    groups) with common random numbers; one HDF5 file with a /summary
                    table; crash-safe, --resume continues an interrupted sweep
  interval          optimum checkpoint interval: Young, Daly first order, Daly higher
                    order and the exact minimiser of Daly's expected wall time
  validate          published figures (Daly, Meta, Llama 3) against goodsim, with
                    tolerances; exit code 3 if any case fails
  recommend SCENARIO --vary KEY=VALUES
                    the cheapest candidate value (or the cheapest meeting --deadline-p95),
                    with paired differences (common random numbers) and the spare-pool
                    Markov chain beside the simulated figures
  fit LOG.csv --nodes N
                    failure models fitted to a failure log (exponential and Weibull with
                    95% CIs, AIC, tests, causes, repair times); -o writes a cluster
                    fragment a scenario can extend

  goodsim <command> --help    options of one command, with units and an example
  goodsim help <command>      the same
  goodsim --version

exit codes: 0 success, 1 internal or I/O error, 2 bad input (scenario, option or file),
            3 validation failed, 4 recommend: no candidate meets the deadline
)";

// In an MPI job only the root rank prints: the others would repeat it line for line. Their
// stdout and stderr go to /dev/null while this object lives; speak() gives stderr back, for a
// failure of their own.
class QuietUnlessRoot {
 public:
  explicit QuietUnlessRoot(bool root) {
    if (root) return;
    std::fflush(nullptr);
    saved_out_ = dup(STDOUT_FILENO);
    saved_err_ = dup(STDERR_FILENO);
    const int null = open("/dev/null", O_WRONLY);
    if (null < 0) return;
    dup2(null, STDOUT_FILENO);
    dup2(null, STDERR_FILENO);
    close(null);
  }
  ~QuietUnlessRoot() {
    speak();
    if (saved_out_ >= 0) {
      dup2(saved_out_, STDOUT_FILENO);
      close(saved_out_);
    }
  }
  QuietUnlessRoot(const QuietUnlessRoot&) = delete;
  QuietUnlessRoot& operator=(const QuietUnlessRoot&) = delete;

  void speak() {
    if (saved_err_ < 0) return;
    std::cerr.flush();
    dup2(saved_err_, STDERR_FILENO);
    close(saved_err_);
    saved_err_ = -1;
  }

 private:
  int saved_out_ = -1;
  int saved_err_ = -1;
};

// Runs one subcommand and turns its errors into exit codes.
//
// In an MPI job every rank reads the same input, so bad input fails on every rank alike and
// each returns 2 (the root says why). Other failures (I/O, internal) may hit one rank only,
// while the others wait for it in a collective: that rank says so and ends the whole job.
int main_command(const std::string& command, const std::vector<std::string>& args,
                 const goodsim::sim::ProcessGroup& group, QuietUnlessRoot& quiet) {
  using namespace goodsim;
  const auto fatal = [&](const std::string& what, int code) {
    if (group.size() == 1) {
      std::cerr << "goodsim: " << what << "\n";
      return code;
    }
    quiet.speak();
    std::cerr << "goodsim " << command << " (rank " << group.rank() << " of " << group.size()
              << "): " << what << "; stopping every rank\n";
    group.abort(code);
  };
  try {
    if (command == "run") return cli::run_command(args, group);
    if (command == "sweep") return cli::sweep_command(args, group);
    const bool single_process = command == "interval" || command == "validate" || command == "fit";
    if (single_process && group.size() > 1) {
      // Each rank would do all of the work again, and fit -o would write its file N times.
      throw cli::UsageError(command,
                            "runs as one process: start it without mpirun (run, sweep "
                            "and recommend spread over MPI ranks)");
    }
    if (command == "interval") return cli::interval_command(args);
    if (command == "validate") return cli::validate_command(args);
    if (command == "recommend") return cli::recommend_command(args, group);
    if (command == "fit") return cli::fit_command(args);
    std::cerr << "goodsim: unknown command '" << command << "'\n\n" << kUsage;
    return 2;
  } catch (const sim::Interrupted& e) {
    // After a live progress line on a terminal, start a line of our own.
    std::cerr << (isatty(STDERR_FILENO) ? "\n" : "") << "goodsim " << command
              << ": interrupted: " << e.what() << "\n";
    const int signal = cli::interrupt_signal();
    return 128 + (signal != 0 ? signal : 2);
  } catch (const sim::InputError& e) {
    std::cerr << "goodsim: error: " << e.what() << "\n";
    return 2;
  } catch (const cli::UsageError& e) {
    std::cerr << "goodsim " << e.command << ": " << e.what() << "\n(see: goodsim " << e.command
              << " --help)\n";
    return 2;
  } catch (const boost::program_options::error& e) {
    std::cerr << "goodsim " << command << ": " << e.what() << "\n(see: goodsim " << command
              << " --help)\n";
    return 2;
  } catch (const sim::RootFailed&) {
    // The root says why and exits with the code that fits; mpirun returns the code of the
    // first rank to fail, so the others step aside with 0.
    return 0;
  } catch (const sim::h5::Error& e) {
    return fatal(std::string("I/O error: ") + e.what(), 1);
  } catch (const std::filesystem::filesystem_error& e) {
    return fatal(std::string("I/O error: ") + e.what(), 1);
  } catch (const std::exception& e) {
    return fatal(std::string("internal error: ") + e.what(), 1);
  }
}

}  // namespace

int main(int argc, char** argv) {
  using namespace goodsim;
  sim::h5::skip_library_cleanup_at_exit();    // first: it must precede any other HDF5 call
  const sim::ProcessGroup group(argc, argv);  // MPI, when started by mpirun or srun
  QuietUnlessRoot quiet(group.is_root());
  const std::vector<std::string> all(argv + 1, argv + argc);
  if (all.size() == 2 && all[0] == "help" && all[1] != "help") {
    return main_command(all[1], {"--help"}, group, quiet);  // goodsim help run = run --help
  }
  if (all.empty() || all[0] == "--help" || all[0] == "-h" || all[0] == "help") {
    std::cout << kUsage;
    return all.empty() ? 2 : 0;
  }
  if (all[0] == "--version") {
    std::cout << "goodsim " << kVersion << " (commit " << kCommit << ")\n";
    return 0;
  }
  return main_command(all[0], std::vector<std::string>(all.begin() + 1, all.end()), group, quiet);
}
