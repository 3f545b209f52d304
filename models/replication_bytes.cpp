#include "models/replication_bytes.h"

#include <cstring>
#include <stdexcept>
#include <type_traits>

namespace goodsim::models {

namespace {

// Appends fields to `out`: plain values as their bytes, lists as a count and their elements.
class Writer {
 public:
  explicit Writer(sim::Bytes& out) : out_(out) {}
  template <typename T>
  void operator()(const T& value) {
    static_assert(std::is_trivially_copyable_v<T>);
    const std::size_t at = out_.size();
    out_.resize(at + sizeof(T));
    std::memcpy(out_.data() + at, &value, sizeof(T));
  }
  template <typename T>
  void operator()(const std::vector<T>& values) {
    (*this)(static_cast<std::uint64_t>(values.size()));
    for (const T& v : values) (*this)(v);
  }

 private:
  sim::Bytes& out_;
};

// Reads fields back in the same order, refusing to run past the end.
class Reader {
 public:
  explicit Reader(std::span<const std::byte> in) : in_(in) {}
  template <typename T>
  void operator()(T& value) {
    static_assert(std::is_trivially_copyable_v<T>);
    if (in_.size() < sizeof(T)) throw std::runtime_error("replication results: truncated bytes");
    std::memcpy(&value, in_.data(), sizeof(T));
    in_ = in_.subspan(sizeof(T));
  }
  template <typename T>
  void operator()(std::vector<T>& values) {
    std::uint64_t n = 0;
    (*this)(n);
    if (n > in_.size() / sizeof(T)) throw std::runtime_error("replication results: bad length");
    values.resize(n);
    for (T& v : values) (*this)(v);
  }
  bool empty() const { return in_.empty(); }

 private:
  std::span<const std::byte> in_;
};

// A field added to ReplicationResult changes its size: add it to fields() below, then here.
static_assert(sizeof(void*) != 8 || sizeof(ReplicationResult) == 288,
              "ReplicationResult changed: list the new field in fields()");

// One list of the fields, for both directions.
template <typename Io, typename R>
void fields(Io& io, R& r) {
  io(r.wall_h);
  io(r.goodput);
  io(r.interruptions);
  io(r.planned_interruptions);
  io(r.repairs);
  io(r.pool_failures);
  io(r.sdc_detections);
  io(r.spare_waits);
  io(r.slow_episodes);
  io(r.evictions);
  io(r.events);
  io(r.unfinished);
  io(r.recoveries);
  io(r.peer_recoveries);
  io(r.fallbacks);
  io(r.second_faults);
  io(r.second_fault_fallbacks);
  io(r.recovery_h);
  io(r.interruptions_by_cause);
  io(r.buckets_h);
}

}  // namespace

sim::Bytes to_bytes(std::span<const ReplicationResult> results) {
  sim::Bytes out;
  out.reserve(sizeof(std::uint64_t) + results.size() * sizeof(ReplicationResult));
  Writer put(out);
  put(static_cast<std::uint64_t>(results.size()));
  for (const ReplicationResult& r : results) fields(put, r);
  return out;
}

std::vector<ReplicationResult> results_from_bytes(std::span<const std::byte> bytes) {
  Reader get(bytes);
  std::uint64_t n = 0;
  get(n);
  if (n > bytes.size()) throw std::runtime_error("replication results: bad count");
  std::vector<ReplicationResult> out(n);
  for (ReplicationResult& r : out) fields(get, r);
  if (!get.empty()) throw std::runtime_error("replication results: trailing bytes");
  return out;
}

namespace {

std::vector<ReplicationResult> concatenated(const std::vector<sim::Bytes>& parts) {
  std::vector<ReplicationResult> all;
  for (const sim::Bytes& part : parts) {
    std::vector<ReplicationResult> results = results_from_bytes(part);
    all.insert(all.end(), std::make_move_iterator(results.begin()),
               std::make_move_iterator(results.end()));
  }
  return all;
}

}  // namespace

std::vector<ReplicationResult> all_gather_results(const sim::ProcessGroup& group,
                                                  std::span<const ReplicationResult> mine) {
  if (group.size() == 1) return {mine.begin(), mine.end()};
  return concatenated(group.all_gather(to_bytes(mine)));
}

std::vector<ReplicationResult> gather_results(const sim::ProcessGroup& group,
                                              std::span<const ReplicationResult> mine) {
  if (group.size() == 1) return {mine.begin(), mine.end()};
  return concatenated(group.gather(to_bytes(mine)));
}

}  // namespace goodsim::models
