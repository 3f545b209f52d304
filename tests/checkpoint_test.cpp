// Checkpoint schedules: segment counting, and the closed-form position of a compute stretch
// after any elapsed time, for blocking and asynchronous checkpoints and degraded speeds.

#include "models/checkpoint/policy.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "models/monte_carlo.h"
#include "models/scenario_loader.h"

namespace goodsim::models {
namespace {

std::unique_ptr<const CheckpointPolicy> Schedule(double work, double interval, double write,
                                                 double persist = 0.0,
                                                 PersistOverlap overlap = PersistOverlap::kStall) {
  CheckpointSpec spec;
  spec.interval_h = interval;
  spec.write_h = write;
  spec.persist_h = persist;
  spec.overlap = overlap;
  return make_checkpoint_policy(work, spec);
}

TEST(CheckpointSchedule, NoCheckpointAfterTheLastSegment) {
  const auto p = Schedule(10.0, 3.0, 0.5);  // segments 3,3,3,1: three writes
  EXPECT_EQ(p->segments(), 4);
  EXPECT_DOUBLE_EQ(p->time_to_finish(p->stretch(0.0, 0)), 10.0 + 3 * 0.5);
  EXPECT_DOUBLE_EQ(p->time_to_finish(p->stretch(9.0, 3)), 1.0);
  EXPECT_DOUBLE_EQ(p->checkpoint_time(p->stretch(0.0, 0)), 1.5);
}

TEST(CheckpointSchedule, IntervalThatDividesTheWorkAddsNoEmptySegment) {
  EXPECT_EQ(Schedule(10.0, 0.1, 0.01)->segments(), 100);
  EXPECT_EQ(Schedule(1296.0, 0.5, 0.05)->segments(), 2592);
}

TEST(CheckpointSchedule, ZeroOrLongIntervalMeansOneSegment) {
  EXPECT_EQ(Schedule(10.0, 0.0, 0.5)->segments(), 1);
  EXPECT_EQ(Schedule(10.0, 20.0, 0.5)->segments(), 1);
  const auto p = Schedule(10.0, 0.0, 0.5);
  EXPECT_DOUBLE_EQ(p->time_to_finish(p->stretch(0.0, 0)), 10.0);
  EXPECT_DOUBLE_EQ(p->cut(p->stretch(0.0, 0), 4.0).reached, 4.0);
}

TEST(CheckpointSchedule, FailureDuringComputeKeepsTheWrittenCheckpoints) {
  const auto p = Schedule(10.0, 3.0, 0.5);
  const auto c = p->cut(p->stretch(0.0, 0), 2 * 3.5 + 1.25);  // two cycles, 1.25 h of compute
  EXPECT_EQ(c.written, 2);
  EXPECT_EQ(c.durable, 2);
  EXPECT_DOUBLE_EQ(c.checkpoint_h, 1.0);
  EXPECT_DOUBLE_EQ(c.reached, 7.25);
  EXPECT_DOUBLE_EQ(c.boundary, 6.0);
  EXPECT_DOUBLE_EQ(c.partial_h, 0.0);
}

TEST(CheckpointSchedule, FailureDuringWriteLosesThatCheckpoint) {
  const auto p = Schedule(10.0, 3.0, 0.5);
  const auto c = p->cut(p->stretch(0.0, 0), 3.25);  // inside the first write
  EXPECT_EQ(c.written, -1);
  EXPECT_EQ(c.durable, -1);
  EXPECT_DOUBLE_EQ(c.reached, 3.0);
  EXPECT_DOUBLE_EQ(c.partial_h, 0.25);
  const auto later = p->cut(p->stretch(0.0, 0), 3.5 + 3.0 + 0.25);  // inside the second
  EXPECT_EQ(later.written, 1);
  EXPECT_DOUBLE_EQ(later.reached, 6.0);
  EXPECT_DOUBLE_EQ(later.partial_h, 0.25);
}

TEST(CheckpointSchedule, FailureInTheLastSegmentCompletesNoExtraCheckpoint) {
  const auto p = Schedule(10.0, 3.0, 0.5);
  const auto c = p->cut(p->stretch(6.0, 2), 3.5 + 0.9);  // one write left, then the final segment
  EXPECT_EQ(c.written, 3);
  EXPECT_DOUBLE_EQ(c.reached, 9.9);
}

TEST(CheckpointSchedule, AsyncCheckpointIsDurableOnlyAfterItsPersist) {
  const auto p = Schedule(10.0, 3.0, 0.5, 1.0);
  const auto s = p->stretch(0.0, 0);
  EXPECT_DOUBLE_EQ(p->time_to_finish(s), 11.5);  // persist < interval: never in the way
  const auto early = p->cut(s, 3.5 + 0.5);
  EXPECT_EQ(early.written, 1);
  EXPECT_EQ(early.durable, -1);
  EXPECT_DOUBLE_EQ(early.checkpoint_h, 0.5);
  EXPECT_EQ(p->cut(s, 3.5 + 1.0).durable, 1);
  EXPECT_EQ(p->cut(s, 2 * 3.5 + 0.2).durable, 1);  // write 2 done, its persist running
}

TEST(CheckpointSchedule, AsyncStallWaitsForThePreviousPersist) {
  const auto p = Schedule(10.0, 3.0, 0.5, 4.0, PersistOverlap::kStall);
  const auto s = p->stretch(0.0, 0);
  EXPECT_DOUBLE_EQ(p->time_to_finish(s), 10.0 + 3 * 0.5 + 2 * 1.0);  // 1 h stall before writes 2, 3
  const auto stalled = p->cut(s, 3.5 + 3.0 + 0.5);
  EXPECT_EQ(stalled.written, 1);
  EXPECT_EQ(stalled.durable, -1);
  EXPECT_DOUBLE_EQ(stalled.reached, 6.0);
  EXPECT_DOUBLE_EQ(stalled.partial_h, 0.5);
  const auto second = p->cut(s, 3.5 + 4.5 + 0.1);  // write 2 done: write 1 durable
  EXPECT_EQ(second.written, 2);
  EXPECT_EQ(second.durable, 1);
  EXPECT_DOUBLE_EQ(second.checkpoint_h, 2 * 0.5 + 1.0);
}

TEST(CheckpointSchedule, AsyncSkipWritesEveryOtherBoundary) {
  const auto p = Schedule(10.0, 3.0, 0.5, 4.0, PersistOverlap::kSkip);
  const auto s = p->stretch(0.0, 0);
  EXPECT_DOUBLE_EQ(p->time_to_finish(s), 10.0 + 2 * 0.5);  // boundaries 1 and 3
  const auto c = p->cut(s, 3.5 + 6.0 + 0.25);
  EXPECT_EQ(c.written, 1);
  EXPECT_EQ(c.durable, 1);
  EXPECT_DOUBLE_EQ(c.reached, 9.0);
  EXPECT_DOUBLE_EQ(c.partial_h, 0.25);
}

TEST(CheckpointSchedule, AsyncWithZeroPersistIsBlocking) {
  const auto blocking = Schedule(10.0, 3.0, 0.5);
  const auto async = Schedule(10.0, 3.0, 0.5, 0.0, PersistOverlap::kSkip);
  for (double e = 0.0; e < 11.5; e += 0.125) {
    const auto a = blocking->cut(blocking->stretch(0.0, 0), e);
    const auto b = async->cut(async->stretch(0.0, 0), e);
    EXPECT_EQ(a.durable, b.durable) << e;
    EXPECT_DOUBLE_EQ(a.reached, b.reached) << e;
    EXPECT_DOUBLE_EQ(a.checkpoint_h, b.checkpoint_h) << e;
    EXPECT_DOUBLE_EQ(a.partial_h, b.partial_h) << e;
  }
}

TEST(CheckpointSchedule, StretchFromMidIntervalAtHalfSpeed) {
  const auto p = Schedule(10.0, 3.0, 0.5);
  const auto s = p->stretch(4.0, 1, 0.5);  // writes boundaries 2 (6 h) and 3 (9 h)
  EXPECT_EQ(s.first, 2);
  EXPECT_DOUBLE_EQ(p->time_to_finish(s), 6.0 / 0.5 + 2 * 0.5);
  const auto c = p->cut(s, 4.0 + 0.5 + 1.0);  // to 6 h, write, then 1 h at half speed
  EXPECT_EQ(c.written, 2);
  EXPECT_DOUBLE_EQ(c.reached, 6.5);
}

TEST(CheckpointSchedule, ResumingOnAnUnwrittenBoundaryWritesItFirst) {
  const auto p = Schedule(10.0, 3.0, 0.5);
  const auto s = p->stretch(6.0, 1);
  EXPECT_EQ(s.first, 2);
  const auto c = p->cut(s, 0.25);
  EXPECT_DOUBLE_EQ(c.reached, 6.0);
  EXPECT_DOUBLE_EQ(c.partial_h, 0.25);
  EXPECT_EQ(p->stretch(6.0, 2).first, 3);  // written and durable: next one
}

std::unique_ptr<const CheckpointPolicy> MultiLevel(
    double work, double interval, double write, double memory_interval, double memory_write,
    double persist = 0.0, PersistOverlap overlap = PersistOverlap::kStall) {
  CheckpointSpec spec;
  spec.interval_h = interval;
  spec.write_h = write;
  spec.persist_h = persist;
  spec.overlap = overlap;
  spec.memory = MemoryLevelSpec{memory_interval, memory_write, 2, 0.0};
  return make_checkpoint_policy(work, spec);
}

TEST(MultiLevelSchedule, EveryKthBoundaryIsPersistentAndCostsTheFullWrite) {
  const auto p = MultiLevel(10.0, 3.0, 0.5, 1.0, 0.1);  // boundaries 1..9; 3, 6, 9 persistent
  EXPECT_EQ(p->segments(), 10);
  EXPECT_TRUE(p->multilevel());
  EXPECT_TRUE(p->persistent(6));
  EXPECT_FALSE(p->persistent(7));
  EXPECT_DOUBLE_EQ(p->checkpoint_time(p->stretch(0.0, 0)), 6 * 0.1 + 3 * 0.5);
  EXPECT_DOUBLE_EQ(p->time_to_finish(p->stretch(0.0, 0)), 10.0 + 6 * 0.1 + 3 * 0.5);
  EXPECT_DOUBLE_EQ(p->time_to_finish(p->stretch(7.0, 7)), 3.0 + 0.1 + 0.5);  // boundaries 8, 9
}

TEST(MultiLevelSchedule, CutReportsTheNewestCheckpointAndTheLastPersistentOne) {
  const auto p = MultiLevel(10.0, 3.0, 0.5, 1.0, 0.1);
  const auto s = p->stretch(0.0, 0);
  // Boundaries 1, 2 (memory), 3 (persistent), 4 (memory) written by 4 + 3 x 0.1 + 0.5 = 4.8 h.
  const auto c = p->cut(s, 4.8 + 0.25);
  EXPECT_EQ(c.written, 4);
  EXPECT_EQ(c.durable, 3);
  EXPECT_DOUBLE_EQ(c.reached, 4.25);
  EXPECT_DOUBLE_EQ(c.checkpoint_h, 3 * 0.1 + 0.5);
  const auto writing = p->cut(s, 3.2 + 0.3);  // inside the persistent write of boundary 3
  EXPECT_EQ(writing.written, 2);
  EXPECT_EQ(writing.durable, -1);
  EXPECT_DOUBLE_EQ(writing.reached, 3.0);
  EXPECT_NEAR(writing.partial_h, 0.3, 1e-12);
}

TEST(MultiLevelSchedule, EqualWritesCutLikeOneLevelOnTheFineGrid) {
  const auto single = Schedule(10.0, 1.0, 0.2);
  const auto multi = MultiLevel(10.0, 3.0, 0.2, 1.0, 0.2);
  for (const double from : {0.0, 2.5}) {
    const auto a = single->stretch(from, 2);
    const auto b = multi->stretch(from, 2);
    for (double e = 0.0; e < 12.0; e += 0.07) {
      const auto x = single->cut(a, e);
      const auto y = multi->cut(b, e);
      EXPECT_EQ(x.written, y.written) << e;
      EXPECT_EQ(y.durable, y.written < 3 ? -1 : y.written / 3 * 3) << e;
      EXPECT_NEAR(x.reached, y.reached, 1e-12) << e;
      EXPECT_NEAR(x.checkpoint_h, y.checkpoint_h, 1e-12) << e;
      EXPECT_NEAR(x.partial_h, y.partial_h, 1e-12) << e;
    }
  }
}

TEST(MultiLevelSchedule, AsyncPersistentCheckpointIsDurableOnlyAfterItsPersist) {
  // Persistent boundaries 3, 6, 9, persisting for 0.8 h after their 0.5 h write; the in-memory
  // level is unchanged by it: no write takes longer, nothing stalls.
  const auto p = MultiLevel(10.0, 3.0, 0.5, 1.0, 0.1, 0.8);
  const auto blocking = MultiLevel(10.0, 3.0, 0.5, 1.0, 0.1);
  const auto s = p->stretch(0.0, 0);
  EXPECT_DOUBLE_EQ(p->time_to_finish(s), blocking->time_to_finish(blocking->stretch(0.0, 0)));
  // Boundary 3's write ends at 3 + 2 x 0.1 + 0.5 = 3.7 h; it is durable from 4.5 h on.
  EXPECT_EQ(p->cut(s, 4.4).written, 3);
  EXPECT_EQ(p->cut(s, 4.4).durable, -1);
  EXPECT_EQ(p->cut(s, 4.6).durable, 3);
  // Boundary 6's write ends at 6 + 4 x 0.1 + 2 x 0.5 = 7.4 h: until 8.2 h boundary 3 is the
  // durable one.
  EXPECT_EQ(p->cut(s, 8.1).durable, 3);
  EXPECT_EQ(p->cut(s, 8.3).durable, 6);
  for (double e = 0.0; e < 12.0; e += 0.05) {  // otherwise the cut is the blocking one
    const auto x = blocking->cut(blocking->stretch(0.0, 0), e), y = p->cut(s, e);
    EXPECT_EQ(x.written, y.written) << e;
    EXPECT_NEAR(x.reached, y.reached, 1e-12) << e;
    EXPECT_LE(y.durable, x.durable) << e;
  }
}

// A persist longer than the wall time between two persistent writes: `stall` delays each
// persistent write but the stretch's first until the previous persist is done.
TEST(MultiLevelSchedule, APersistLongerThanTheIntervalStallsTheNextPersistentWrite) {
  // Boundaries 1..9, persistent 3, 6, 9. From the end of write 3 to the start of write 6:
  // 3 h of compute and two 0.1-h in-memory writes, 3.2 h; the 4-h persist stalls 0.8 h.
  const auto p = MultiLevel(10.0, 3.0, 0.5, 1.0, 0.1, 4.0, PersistOverlap::kStall);
  const auto s = p->stretch(0.0, 0);
  EXPECT_DOUBLE_EQ(p->checkpoint_time(s), 6 * 0.1 + 3 * 0.5 + 2 * 0.8);
  // Write 3 ends at 3.7 h and persists until 7.7 h; write 6 is due at 6.9 h, stalls until
  // 7.7 h and ends at 8.2 h.
  EXPECT_EQ(p->cut(s, 7.5).written, 5);
  EXPECT_EQ(p->cut(s, 7.5).durable, -1);  // boundary 3 still persisting
  EXPECT_DOUBLE_EQ(p->cut(s, 7.5).partial_h, 0.6);
  EXPECT_EQ(p->cut(s, 7.8).durable, 3);
  EXPECT_EQ(p->cut(s, 8.3).written, 6);
  EXPECT_DOUBLE_EQ(p->cut(s, 8.3).checkpoint_h, 4 * 0.1 + 2 * 0.5 + 0.8);
  // A stretch resuming after boundary 3 does not wait: its first persistent write has no
  // persist before it.
  const auto later = p->stretch(3.0, 3);
  EXPECT_DOUBLE_EQ(p->checkpoint_time(later), 4 * 0.1 + 2 * 0.5 + 0.8);
}

// `skip`: the persistent checkpoints that fall due while a persist runs are written as
// in-memory ones.
TEST(MultiLevelSchedule, APersistLongerThanTheIntervalSkipsToInMemoryCheckpoints) {
  // 3.2 h between persistent writes is less than the 4-h persist; 6.5 h (two ratios) is not:
  // boundaries 3 and 9 are persistent, 6 is an in-memory one.
  const auto p = MultiLevel(10.0, 3.0, 0.5, 1.0, 0.1, 4.0, PersistOverlap::kSkip);
  const auto s = p->stretch(0.0, 0);
  EXPECT_DOUBLE_EQ(p->checkpoint_time(s), 7 * 0.1 + 2 * 0.5);
  // Write 3 ends at 3.7 h and persists until 7.7 h; write 6 (in memory) ends at 7.0 h.
  EXPECT_EQ(p->cut(s, 7.2).written, 6);
  EXPECT_EQ(p->cut(s, 7.2).durable, -1);
  EXPECT_EQ(p->cut(s, 7.8).written, 6);
  EXPECT_EQ(p->cut(s, 7.8).durable, 3);
}

// Every hour of a stretch is accounted for, whatever the overlap and the speed.
TEST(MultiLevelSchedule, ACutAccountsForEveryHourWhenPersistsOverlap) {
  for (const PersistOverlap overlap : {PersistOverlap::kStall, PersistOverlap::kSkip}) {
    for (const double persist : {0.5, 4.0, 9.0}) {
      const auto p = MultiLevel(20.0, 3.0, 0.5, 1.0, 0.1, persist, overlap);
      for (const double speed : {1.0, 0.6}) {
        for (const auto& [from, durable] : {std::pair{0.0, 0}, {4.5, 4}}) {
          SCOPED_TRACE(testing::Message() << "overlap " << static_cast<int>(overlap) << " persist "
                                          << persist << " speed " << speed << " from " << from);
          const auto s = p->stretch(from, durable, speed);
          const double total = p->time_to_finish(s);
          std::int64_t written = -1, durable_seen = -1;
          for (int i = 0; i <= 1000; ++i) {
            const double elapsed = total * i / 1000;
            const auto c = p->cut(s, elapsed);
            EXPECT_NEAR((c.reached - from) / speed + c.checkpoint_h + c.partial_h, elapsed, 1e-9);
            EXPECT_GE(c.written, written);
            EXPECT_GE(c.durable, durable_seen);
            EXPECT_LE(c.durable, c.written);
            written = c.written;
            durable_seen = c.durable;
          }
          EXPECT_NEAR(p->cut(s, total).reached, 20.0, 1e-9);
          EXPECT_NEAR(p->cut(s, total).checkpoint_h, p->checkpoint_time(s), 1e-9);
        }
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Policies by name (`checkpoint.policy`, models/checkpoint/registry.cpp).

// A small cluster whose checkpoint section is `checkpoint`, with enough failures that every
// policy's arithmetic matters.
Scenario with_checkpoint(const std::string& checkpoint) {
  return scenario_from_yaml(
      "cluster:\n  nodes: 64\n  spares: 2\n  failure: {model: exponential, node_mtbf: 600h}\n"
      "  repair: {model: exponential, mean: 12h}\n"
      "job: {work: 200h}\n"
      "checkpoint:\n" +
          checkpoint + "recovery: {detect: 5min, swap: 5min, restart: 10min, load: 5min}\n",
      "policy-test.yaml");
}

std::vector<double> wall_times(const Scenario& s) {
  std::vector<double> out;
  for (const ReplicationResult& r : run_replications(s, RunOptions{200, 11, 0, {}})) {
    out.push_back(r.wall_h);
  }
  return out;
}

TEST(CheckpointPolicies, TheKeysGivenImplyThePolicyWhenItIsNotNamed) {
  EXPECT_EQ(with_checkpoint("  interval: 1h\n  write: 2min\n").checkpoint.policy, "blocking");
  EXPECT_EQ(with_checkpoint("  interval: 1h\n  write: 2min\n  persist: 5min\n").checkpoint.policy,
            "async");
  EXPECT_EQ(with_checkpoint("  interval: 1h\n  write: 2min\n  persist: 5min\n"
                            "  memory: {interval: 10min, write: 5s, load: 1min}\n")
                .checkpoint.policy,
            "multilevel");
}

// Every policy's keys may be present, so that one scenario can sweep checkpoint.policy: the
// named policy uses its own and ignores the others', exactly as if they were absent.
TEST(CheckpointPolicies, ANamedPolicyIgnoresTheOtherPoliciesKeys) {
  const std::string all =
      "  interval: 1h\n  write: 2min\n  persist: 5min\n  overlap: skip\n"
      "  memory: {interval: 10min, write: 5s, load: 1min}\n";
  const Scenario blocking = with_checkpoint("  policy: blocking\n" + all);
  EXPECT_EQ(blocking.checkpoint.persist_h, 0.0);
  EXPECT_FALSE(blocking.checkpoint.memory);
  EXPECT_EQ(wall_times(blocking), wall_times(with_checkpoint("  interval: 1h\n  write: 2min\n")));

  const Scenario async = with_checkpoint("  policy: async\n" + all);
  EXPECT_FALSE(async.checkpoint.memory);
  EXPECT_EQ(wall_times(async), wall_times(with_checkpoint("  interval: 1h\n  write: 2min\n"
                                                          "  persist: 5min\n  overlap: skip\n")));

  const Scenario multilevel = with_checkpoint("  policy: multilevel\n" + all);
  EXPECT_EQ(wall_times(multilevel), wall_times(with_checkpoint(all)));
  // The three differ: each name chose its own arithmetic.
  EXPECT_NE(wall_times(blocking), wall_times(async));
  EXPECT_NE(wall_times(async), wall_times(multilevel));
}

// `async` with no persist is the blocking policy, replication by replication (a sweep over
// persist may start at 0).
TEST(CheckpointPolicies, AsyncWithoutAPersistIsBlockingReplicationByReplication) {
  const std::vector<double> blocking =
      wall_times(with_checkpoint("  interval: 1h\n  write: 2min\n"));
  const std::vector<double> async =
      wall_times(with_checkpoint("  policy: async\n  interval: 1h\n  write: 2min\n"));
  ASSERT_EQ(blocking.size(), async.size());
  for (std::size_t i = 0; i < blocking.size(); ++i) {
    EXPECT_NEAR(async[i], blocking[i], 1e-9 * blocking[i]) << "replication " << i;
  }
}

}  // namespace
}  // namespace goodsim::models
