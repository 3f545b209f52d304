#include "sim/process_group.h"

#include <cstdlib>
#include <cstring>
#include <limits>
#include <string>
#include <utility>

#ifdef GOODSIM_HAVE_MPI
#include <mpi.h>
#endif

namespace goodsim::sim {

Slice slice_of(std::size_t n, int rank, int size) {
  const auto r = static_cast<std::size_t>(rank);
  const auto s = static_cast<std::size_t>(size);
  return {n / s * r + std::min(r, n % s), n / s * (r + 1) + std::min(r + 1, n % s)};
}

bool ProcessGroup::built_with_mpi() {
#ifdef GOODSIM_HAVE_MPI
  return true;
#else
  return false;
#endif
}

#ifdef GOODSIM_HAVE_MPI

namespace {

// Started by mpirun/mpiexec (Open MPI, MPICH) or Slurm's srun: only then is MPI initialised,
// so a plain `goodsim run` starts as fast as a build without MPI and prints nothing of MPI.
bool launched_by_mpi() {
  for (const char* name : {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK", "PMI_SIZE"}) {
    if (std::getenv(name) != nullptr) return true;
  }
  return false;
}

void check(int code, const char* what) {
  if (code == MPI_SUCCESS) return;
  char text[MPI_MAX_ERROR_STRING];
  int length = 0;
  MPI_Error_string(code, text, &length);
  throw std::runtime_error(std::string("MPI ") + what + " failed: " + std::string(text, length));
}

int as_count(std::size_t bytes) {
  if (bytes > static_cast<std::size_t>(std::numeric_limits<int>::max())) {
    throw std::runtime_error("more than 2 GB to exchange between ranks at once (" +
                             std::to_string(bytes >> 20) +
                             " MB); run fewer replications per command or more ranks");
  }
  return static_cast<int>(bytes);
}

// The receive side of a (all-)gather: where each rank's bytes go in one buffer.
struct Receive {
  std::vector<int> counts;
  std::vector<int> offsets;
  Bytes all;
  explicit Receive(std::vector<int> c) : counts(std::move(c)), offsets(counts.size()) {
    std::size_t total = 0;
    for (std::size_t r = 0; r < counts.size(); ++r) {
      offsets[r] = as_count(total);
      total += static_cast<std::size_t>(counts[r]);
    }
    as_count(total);
    all.resize(total);
  }
  // Each rank's bytes, in rank order.
  std::vector<Bytes> split() const {
    std::vector<Bytes> out(counts.size());
    for (std::size_t r = 0; r < counts.size(); ++r) {
      const auto begin = all.begin() + offsets[r];
      out[r].assign(begin, begin + counts[r]);
    }
    return out;
  }
};

}  // namespace

ProcessGroup::ProcessGroup(int& argc, char**& argv) {
  if (!launched_by_mpi()) return;
  // Only the main thread calls MPI; worker threads simulate.
  int provided = 0;
  check(MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided), "initialisation");
  joined_ = true;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
  MPI_Comm_size(MPI_COMM_WORLD, &size_);
  MPI_Comm local;
  MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, rank_, MPI_INFO_NULL, &local);
  MPI_Comm_size(local, &local_size_);
  MPI_Comm_free(&local);
}

ProcessGroup::~ProcessGroup() {
  if (joined_) MPI_Finalize();
}

std::vector<Bytes> ProcessGroup::all_gather(std::span<const std::byte> mine) const {
  if (!joined_) return {Bytes(mine.begin(), mine.end())};
  const int count = as_count(mine.size());
  std::vector<int> counts(static_cast<std::size_t>(size_));
  check(MPI_Allgather(&count, 1, MPI_INT, counts.data(), 1, MPI_INT, MPI_COMM_WORLD),
        "gather of sizes");
  Receive in(std::move(counts));
  check(MPI_Allgatherv(mine.data(), count, MPI_BYTE, in.all.data(), in.counts.data(),
                       in.offsets.data(), MPI_BYTE, MPI_COMM_WORLD),
        "gather of results");
  return in.split();
}

std::vector<Bytes> ProcessGroup::gather(std::span<const std::byte> mine) const {
  if (!joined_) return {Bytes(mine.begin(), mine.end())};
  const int count = as_count(mine.size());
  std::vector<int> counts(is_root() ? static_cast<std::size_t>(size_) : 0);
  check(MPI_Gather(&count, 1, MPI_INT, counts.data(), 1, MPI_INT, 0, MPI_COMM_WORLD),
        "gather of sizes");
  Receive in(std::move(counts));
  check(MPI_Gatherv(mine.data(), count, MPI_BYTE, in.all.data(), in.counts.data(),
                    in.offsets.data(), MPI_BYTE, 0, MPI_COMM_WORLD),
        "gather of results");
  return in.split();
}

Bytes ProcessGroup::from_root(const std::function<Bytes()>& compute) const {
  if (!joined_) return compute();
  Bytes data;
  long long size = -1;  // -1: failed on the root
  std::exception_ptr error;
  if (is_root()) {
    try {
      data = compute();
      size = static_cast<long long>(as_count(data.size()));
    } catch (...) {
      error = std::current_exception();
    }
  }
  check(MPI_Bcast(&size, 1, MPI_LONG_LONG, 0, MPI_COMM_WORLD), "broadcast");
  if (error) std::rethrow_exception(error);
  if (size < 0) throw RootFailed("rank 0 failed");
  data.resize(static_cast<std::size_t>(size));
  check(MPI_Bcast(data.data(), static_cast<int>(size), MPI_BYTE, 0, MPI_COMM_WORLD), "broadcast");
  return data;
}

void ProcessGroup::abort(int exit_code) const {
  if (joined_) MPI_Abort(MPI_COMM_WORLD, exit_code);
  std::exit(exit_code);
}

#else  // a build without MPI: always this process alone

ProcessGroup::ProcessGroup(int&, char**&) {}
ProcessGroup::~ProcessGroup() = default;

std::vector<Bytes> ProcessGroup::all_gather(std::span<const std::byte> mine) const {
  return {Bytes(mine.begin(), mine.end())};
}

std::vector<Bytes> ProcessGroup::gather(std::span<const std::byte> mine) const {
  return {Bytes(mine.begin(), mine.end())};
}

Bytes ProcessGroup::from_root(const std::function<Bytes()>& compute) const {
  return compute();
}

void ProcessGroup::abort(int exit_code) const {
  std::exit(exit_code);
}

#endif

}  // namespace goodsim::sim
