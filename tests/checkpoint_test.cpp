// Blocking periodic checkpoints: segment counting and the closed-form split of an interrupted
// compute stretch into completed writes and lost time.

#include "models/checkpoint/periodic.h"

#include <gtest/gtest.h>

namespace goodsim::models {
namespace {

TEST(PeriodicCheckpoints, NoCheckpointAfterTheLastSegment) {
  const PeriodicCheckpoints p(10.0, 3.0, 0.5);  // segments 3,3,3,1: three writes
  EXPECT_EQ(p.segments(), 4);
  EXPECT_DOUBLE_EQ(p.time_to_finish(0), 10.0 + 3 * 0.5);
  EXPECT_DOUBLE_EQ(p.time_to_finish(3), 1.0);
}

TEST(PeriodicCheckpoints, IntervalThatDividesTheWorkAddsNoEmptySegment) {
  EXPECT_EQ(PeriodicCheckpoints(10.0, 0.1, 0.01).segments(), 100);
  EXPECT_EQ(PeriodicCheckpoints(1296.0, 0.5, 0.05).segments(), 2592);
}

TEST(PeriodicCheckpoints, ZeroOrLongIntervalMeansOneSegment) {
  EXPECT_EQ(PeriodicCheckpoints(10.0, 0.0, 0.5).segments(), 1);
  EXPECT_EQ(PeriodicCheckpoints(10.0, 20.0, 0.5).segments(), 1);
  EXPECT_DOUBLE_EQ(PeriodicCheckpoints(10.0, 0.0, 0.5).time_to_finish(0), 10.0);
}

TEST(PeriodicCheckpoints, FailureDuringComputeLosesOnlyThePartialSegment) {
  const PeriodicCheckpoints p(10.0, 3.0, 0.5);
  const auto cut = p.interrupt_after(0, 2 * 3.5 + 1.25);  // two cycles, then 1.25 h of compute
  EXPECT_EQ(cut.new_checkpoints, 2);
  EXPECT_DOUBLE_EQ(cut.checkpoint_h, 1.0);
  EXPECT_DOUBLE_EQ(cut.lost_h, 1.25);
}

TEST(PeriodicCheckpoints, FailureDuringWriteLosesThatCheckpoint) {
  const PeriodicCheckpoints p(10.0, 3.0, 0.5);
  const auto cut = p.interrupt_after(0, 3.25);  // inside the first write
  EXPECT_EQ(cut.new_checkpoints, 0);
  EXPECT_DOUBLE_EQ(cut.lost_h, 3.25);
}

TEST(PeriodicCheckpoints, FailureInTheLastSegmentCompletesNoExtraCheckpoint) {
  const PeriodicCheckpoints p(10.0, 3.0, 0.5);
  const auto cut = p.interrupt_after(2, 3.5 + 0.9);  // one write left, then the final segment
  EXPECT_EQ(cut.new_checkpoints, 1);
  EXPECT_DOUBLE_EQ(cut.lost_h, 0.9);
}

}  // namespace
}  // namespace goodsim::models
