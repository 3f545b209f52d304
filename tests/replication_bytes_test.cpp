// An MPI run hands replication results between ranks as bytes (models/replication_bytes.h):
// a result read back is the result written, bit for bit, in every field; and the pieces a
// group of one gathers are its own.

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <vector>

#include "models/monte_carlo.h"
#include "models/replication_bytes.h"
#include "models/scenario_loader.h"
#include "sim/process_group.h"

namespace goodsim::test {
namespace {

// Every field set, each to a value of its own, including doubles that compare badly.
models::ReplicationResult every_field_set(int k) {
  models::ReplicationResult r;
  r.wall_h = 1234.5 + k;
  r.goodput = std::nextafter(0.7, 1.0);
  r.interruptions = 3 + k;
  r.planned_interruptions = 4;
  r.repairs = 5;
  r.pool_failures = 6;
  r.sdc_detections = 7;
  r.spare_waits = 8;
  r.slow_episodes = 9;
  r.evictions = 10;
  r.events = 11;
  r.unfinished = true;
  r.recoveries = 12;
  r.peer_recoveries = 13;
  r.fallbacks = 14;
  r.second_faults = 15;
  r.second_fault_fallbacks = 16;
  r.recovery_h = {0.25, std::numeric_limits<double>::denorm_min(), -0.0};
  r.interruptions_by_cause = {17, 18};
  for (std::size_t b = 0; b < models::kBucketCount; ++b) r.buckets_h[b] = 100.0 * k + b;
  return r;
}

bool same_bits(double a, double b) {
  return std::memcmp(&a, &b, sizeof a) == 0;
}

void expect_identical(const models::ReplicationResult& a, const models::ReplicationResult& b) {
  EXPECT_TRUE(same_bits(a.wall_h, b.wall_h));
  EXPECT_TRUE(same_bits(a.goodput, b.goodput));
  EXPECT_EQ(a.interruptions, b.interruptions);
  EXPECT_EQ(a.planned_interruptions, b.planned_interruptions);
  EXPECT_EQ(a.repairs, b.repairs);
  EXPECT_EQ(a.pool_failures, b.pool_failures);
  EXPECT_EQ(a.sdc_detections, b.sdc_detections);
  EXPECT_EQ(a.spare_waits, b.spare_waits);
  EXPECT_EQ(a.slow_episodes, b.slow_episodes);
  EXPECT_EQ(a.evictions, b.evictions);
  EXPECT_EQ(a.events, b.events);
  EXPECT_EQ(a.unfinished, b.unfinished);
  EXPECT_EQ(a.recoveries, b.recoveries);
  EXPECT_EQ(a.peer_recoveries, b.peer_recoveries);
  EXPECT_EQ(a.fallbacks, b.fallbacks);
  EXPECT_EQ(a.second_faults, b.second_faults);
  EXPECT_EQ(a.second_fault_fallbacks, b.second_fault_fallbacks);
  ASSERT_EQ(a.recovery_h.size(), b.recovery_h.size());
  for (std::size_t i = 0; i < a.recovery_h.size(); ++i) {
    EXPECT_TRUE(same_bits(a.recovery_h[i], b.recovery_h[i]));
  }
  EXPECT_EQ(a.interruptions_by_cause, b.interruptions_by_cause);
  for (std::size_t i = 0; i < models::kBucketCount; ++i) {
    EXPECT_TRUE(same_bits(a.buckets_h[i], b.buckets_h[i]));
  }
}

TEST(ReplicationBytes, EveryFieldSurvivesTheRoundTrip) {
  const std::vector<models::ReplicationResult> written = {
      every_field_set(1), {}, every_field_set(2)};
  const std::vector<models::ReplicationResult> read =
      models::results_from_bytes(models::to_bytes(written));
  ASSERT_EQ(read.size(), written.size());
  for (std::size_t i = 0; i < written.size(); ++i) expect_identical(read[i], written[i]);
}

TEST(ReplicationBytes, SimulatedResultsSurviveTheRoundTrip) {
  const models::Scenario s =
      models::load_scenario(std::string(GOODSIM_SOURCE_DIR) + "/scenarios/default.yaml");
  models::RunOptions o;
  o.replications = 20;
  o.seed = 3;
  o.threads = 1;
  o.record_recoveries = true;
  const auto written = models::run_replications(s, o);
  const auto read = models::results_from_bytes(models::to_bytes(written));
  ASSERT_EQ(read.size(), written.size());
  for (std::size_t i = 0; i < written.size(); ++i) expect_identical(read[i], written[i]);
}

TEST(ReplicationBytes, TruncatedOrTrailingBytesAreRefused) {
  sim::Bytes bytes = models::to_bytes(std::vector{every_field_set(1)});
  sim::Bytes longer = bytes;
  longer.push_back(std::byte{0});
  EXPECT_THROW(models::results_from_bytes(longer), std::runtime_error);
  bytes.pop_back();
  EXPECT_THROW(models::results_from_bytes(bytes), std::runtime_error);
}

TEST(ProcessGroup, AloneGathersItsOwnResults) {
  const sim::ProcessGroup alone;
  EXPECT_TRUE(alone.is_root());
  EXPECT_EQ(alone.size(), 1);
  const std::vector<models::ReplicationResult> mine = {every_field_set(4)};
  const auto all = models::all_gather_results(alone, mine);
  ASSERT_EQ(all.size(), 1u);
  expect_identical(all[0], mine[0]);
  EXPECT_EQ(alone.from_root([] { return sim::Bytes{std::byte{7}}; }), sim::Bytes{std::byte{7}});
}

TEST(ProcessGroup, SlicesCoverEveryItemOnceInRankOrder) {
  for (const std::size_t n : {0u, 1u, 5u, 256u, 1001u}) {
    for (const int size : {1, 2, 3, 7}) {
      std::size_t next = 0;
      for (int rank = 0; rank < size; ++rank) {
        const sim::Slice s = sim::slice_of(n, rank, size);
        EXPECT_EQ(s.begin, next);
        EXPECT_LE(s.end - s.begin, n / size + 1);
        next = s.end;
      }
      EXPECT_EQ(next, n) << n << " items on " << size << " ranks";
    }
  }
}

}  // namespace
}  // namespace goodsim::test
