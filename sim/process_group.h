#pragma once
// The processes of one run: a single process, or the ranks of an MPI job (mpirun, srun).
//
// This is goodsim's only contact with MPI. A build without MPI, or a process not started by
// an MPI launcher, is a group of one, and every collective below is then the identity, so
// callers never test how they were built. MPI is initialised by the constructor and finalised
// by the destructor: create one ProcessGroup, in main, before any other thread starts.

#include <cstddef>
#include <cstring>
#include <functional>
#include <span>
#include <stdexcept>
#include <type_traits>
#include <vector>

namespace goodsim::sim {

using Bytes = std::vector<std::byte>;

// A collective run on the root (from_root) failed there; the root reports the cause, the other
// ranks only stop.
class RootFailed : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class ProcessGroup {
 public:
  ProcessGroup() = default;  // this process alone
  // Joins the MPI job when the process was started by an MPI launcher and goodsim was built
  // with MPI; otherwise this process alone.
  ProcessGroup(int& argc, char**& argv);
  ~ProcessGroup();
  ProcessGroup(const ProcessGroup&) = delete;
  ProcessGroup& operator=(const ProcessGroup&) = delete;

  static bool built_with_mpi();

  int rank() const { return rank_; }
  int size() const { return size_; }
  bool is_root() const { return rank_ == 0; }
  // Ranks sharing this machine (with this one): they share its cores.
  int ranks_on_this_machine() const { return local_size_; }

  // Every rank's bytes, in rank order, on every rank. Called by all ranks together.
  std::vector<Bytes> all_gather(std::span<const std::byte> mine) const;

  // Every rank's bytes, in rank order, on the root only (the others get an empty vector).
  // Called by all ranks together.
  std::vector<Bytes> gather(std::span<const std::byte> mine) const;

  // Runs `compute` on the root only and returns its bytes on every rank. When it throws on
  // the root, the root rethrows and every other rank throws RootFailed, so no rank waits for
  // data that never comes. Called by all ranks together.
  Bytes from_root(const std::function<Bytes()>& compute) const;

  // Ends every rank of the job with `exit_code` (for a failure the other ranks cannot see).
  [[noreturn]] void abort(int exit_code) const;

 private:
  int rank_ = 0;
  int size_ = 1;
  int local_size_ = 1;
  bool joined_ = false;  // MPI initialised by this object
};

// Every rank's values, concatenated in rank order, on every rank (plain values: copied as bytes).
template <typename T>
std::vector<T> all_gather_values(const ProcessGroup& group, std::span<const T> mine) {
  static_assert(std::is_trivially_copyable_v<T>);
  if (group.size() == 1) return {mine.begin(), mine.end()};
  std::vector<T> all;
  for (const Bytes& part : group.all_gather(std::as_bytes(mine))) {
    const std::size_t first = all.size();
    all.resize(first + part.size() / sizeof(T));
    std::memcpy(all.data() + first, part.data(), part.size() / sizeof(T) * sizeof(T));
  }
  return all;
}

// The slice [begin, end) of n items that `rank` of `size` handles: contiguous, sizes differing
// by at most one, in rank order.
struct Slice {
  std::size_t begin = 0;
  std::size_t end = 0;
};
Slice slice_of(std::size_t n, int rank, int size);

}  // namespace goodsim::sim
