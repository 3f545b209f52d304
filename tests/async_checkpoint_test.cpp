// Asynchronous checkpoints (models/checkpoint/policy.h): a persist that overlaps computing,
// stall and skip, durability only once a persist ends, and exact accounting of a stretch.

#include <gtest/gtest.h>

#include <cstdint>
#include <map>
#include <string>
#include <utility>

#include "models/checkpoint/policy.h"
#include "models/monte_carlo.h"
#include "models/replication.h"
#include "tests/replication_checks.h"
#include "tests/strategy_scenarios.h"
#include "tests/test_support.h"

namespace goodsim::models {
namespace {

// ---------------------------------------------------------------------------------------------
// Asynchronous checkpoints (models/checkpoint/policy.h).

Scenario checkpointed(double persist_h, PersistOverlap overlap) {
  Scenario s = cluster(16, 4.0, 100.0);
  s.cluster.spares = 2;
  s.recovery = hot_spare_recovery(0.05, 0.1, 0.1, 0.05);
  s.checkpoint.interval_h = 1.0;
  s.checkpoint.write_h = 0.1;
  s.checkpoint.persist_h = persist_h;
  s.checkpoint.overlap = overlap;
  return s;
}

TEST(AsyncCheckpoint, NoPersistIsABlockingCheckpointWhateverTheOverlap) {
  const Scenario blocking = checkpointed(0.0, PersistOverlap::kStall);
  const Scenario skipping = checkpointed(0.0, PersistOverlap::kSkip);
  for (std::uint64_t i = 0; i < 50; ++i) {
    const ReplicationResult a = simulate_replication(blocking, 31, i);
    const ReplicationResult b = simulate_replication(skipping, 31, i);
    EXPECT_GT(a.interruptions, 0);
    expect_identical(a, b);
  }
}

TEST(AsyncCheckpoint, APersistShorterThanTheIntervalCostsNothingWithoutFailures) {
  // 10 h of work in 1 h segments: boundaries 1..9 are written, 0.1 h each.
  Scenario s = checkpointed(0.9, PersistOverlap::kStall);
  s.job.work_h = 10.0;
  s.cluster.failure.node_mtbf_h = 1e15;
  const ReplicationResult r = simulate_replication(s, 32, 0);
  ASSERT_EQ(r.interruptions, 0);
  EXPECT_NEAR(r.bucket(Bucket::kCheckpoint), 9 * 0.1, 1e-12);
  EXPECT_NEAR(r.wall_h, 10.0 + 9 * 0.1, 1e-12);
}

TEST(AsyncCheckpoint, StallWaitsForThePreviousPersistBeforeEachWrite) {
  // Persist 2.5 h, interval 1 h: each write but the first waits 1.5 h for its predecessor's
  // persist. 9 writes of 0.1 h and 8 stalls of 1.5 h.
  Scenario s = checkpointed(2.5, PersistOverlap::kStall);
  s.job.work_h = 10.0;
  s.cluster.failure.node_mtbf_h = 1e15;
  const ReplicationResult r = simulate_replication(s, 33, 0);
  ASSERT_EQ(r.interruptions, 0);
  EXPECT_NEAR(r.bucket(Bucket::kCheckpoint), 9 * 0.1 + 8 * 1.5, 1e-12);
  EXPECT_NEAR(r.wall_h, 10.0 + 9 * 0.1 + 8 * 1.5, 1e-12);
}

TEST(AsyncCheckpoint, SkipWritesOnlyTheBoundariesAfterEachPersist) {
  // Persist 2.5 h, interval 1 h: after the write at boundary 1, boundaries 2 and 3 fall due
  // while it persists and are skipped; 4 is written, then 7. 3 writes of 0.1 h, no stall.
  Scenario s = checkpointed(2.5, PersistOverlap::kSkip);
  s.job.work_h = 10.0;
  s.cluster.failure.node_mtbf_h = 1e15;
  const ReplicationResult r = simulate_replication(s, 34, 0);
  ASSERT_EQ(r.interruptions, 0);
  EXPECT_NEAR(r.bucket(Bucket::kCheckpoint), 3 * 0.1, 1e-12);
  EXPECT_NEAR(r.wall_h, 10.0 + 3 * 0.1, 1e-12);
}

TEST(AsyncCheckpoint, ACheckpointIsDurableOnlyOnceItsPersistEnds) {
  CheckpointSpec spec;
  spec.interval_h = 1.0;
  spec.write_h = 0.1;
  spec.persist_h = 0.5;
  const auto schedule = make_checkpoint_policy(10.0, spec);
  const CheckpointPolicy::Stretch from_start = schedule->stretch(0.0, 0);
  // Write 1 ends at 1.1 h; its persist at 1.6 h.
  const CheckpointPolicy::Cut persisting = schedule->cut(from_start, 1.4);
  EXPECT_EQ(persisting.written, 1);
  EXPECT_LT(persisting.durable, 1);
  const CheckpointPolicy::Cut persisted = schedule->cut(from_start, 1.7);
  EXPECT_EQ(persisted.written, 1);
  EXPECT_EQ(persisted.durable, 1);
  // Write 2 ends at 2.2 h: while it persists, boundary 1 is the durable one.
  const CheckpointPolicy::Cut second = schedule->cut(from_start, 2.3);
  EXPECT_EQ(second.written, 2);
  EXPECT_EQ(second.durable, 1);
}

// Where a stretch stands after any elapsed time accounts for every hour of it: progress at
// the stretch's speed, completed writes and stalls, and the write or stall in progress.
TEST(AsyncCheckpoint, ACutAccountsForEveryHourOfTheStretch) {
  const double work = 10.0;
  for (const PersistOverlap overlap : {PersistOverlap::kStall, PersistOverlap::kSkip}) {
    for (const double persist : {0.0, 0.5, 2.5}) {
      CheckpointSpec spec;
      spec.interval_h = 1.0;
      spec.write_h = 0.1;
      spec.persist_h = persist;
      spec.overlap = overlap;
      const auto schedule = make_checkpoint_policy(work, spec);
      for (const double speed : {1.0, 0.75, 0.5}) {
        for (const auto& [from, durable] : {std::pair{0.0, 0}, {2.0, 2}, {3.3, 2}}) {
          SCOPED_TRACE(testing::Message() << "overlap " << static_cast<int>(overlap) << " persist "
                                          << persist << " speed " << speed << " from " << from);
          const CheckpointPolicy::Stretch s = schedule->stretch(from, durable, speed);
          const double total = schedule->time_to_finish(s);
          double reached = from;
          std::int64_t written = -1;
          std::map<std::int64_t, double> written_at;  // boundary -> when its write completed
          const double dt = total / 2000;
          for (int i = 0; i <= 2000; ++i) {
            const double elapsed = dt * i;
            const CheckpointPolicy::Cut c = schedule->cut(s, elapsed);
            EXPECT_NEAR((c.reached - from) / speed + c.checkpoint_h + c.partial_h, elapsed, 1e-9);
            EXPECT_GE(c.reached, reached);
            EXPECT_GE(c.written, written);
            // Durable exactly `persist` after the write completed (to the grid's resolution).
            if (c.written > written) written_at[c.written] = elapsed;
            EXPECT_LE(c.durable, c.written);
            if (c.durable >= 0) {
              ASSERT_EQ(written_at.count(c.durable), 1u) << c.durable;
              EXPECT_GE(elapsed - written_at[c.durable], persist - dt);
            }
            if (c.written >= 0 && elapsed - written_at[c.written] >= persist + dt) {
              EXPECT_EQ(c.durable, c.written);
            }
            reached = c.reached;
            written = c.written;
          }
          const CheckpointPolicy::Cut end = schedule->cut(s, total);
          EXPECT_NEAR(end.reached, work, 1e-9);
          EXPECT_NEAR(end.checkpoint_h, schedule->checkpoint_time(s), 1e-9);
          EXPECT_EQ(end.partial_h, 0.0);
        }
      }
    }
  }
}

TEST(AsyncCheckpoint, AFailureDuringAPersistRollsBackToThePreviousCheckpoint) {
  // Persist 0.5 h after each 0.1 h write (never a stall): a failure within a persist loses the
  // progress since the checkpoint before, so async loses more than blocking.
  const auto lost = [](double persist_h) {
    Scenario s = checkpointed(persist_h, PersistOverlap::kStall);
    double sum = 0.0;
    for (const ReplicationResult& r : run_replications(s, RunOptions{300, 35, 1, {}})) {
      expect_exact_accounting(s, r);
      sum += r.bucket(Bucket::kLost);
    }
    return sum;
  };
  EXPECT_GT(lost(0.5), lost(0.0));
}

}  // namespace
}  // namespace goodsim::models
