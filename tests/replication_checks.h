#pragma once
// Checks on replication results shared by the model tests.

#include <gtest/gtest.h>

#include "models/replication_result.h"
#include "models/scenario.h"

namespace goodsim::models {

// Two replications that must be the same run, bit for bit (the kernel's event count aside:
// bookkeeping events may differ).
inline void expect_identical(const ReplicationResult& a, const ReplicationResult& b) {
  EXPECT_EQ(a.wall_h, b.wall_h);
  EXPECT_EQ(a.goodput, b.goodput);
  EXPECT_EQ(a.interruptions, b.interruptions);
  EXPECT_EQ(a.planned_interruptions, b.planned_interruptions);
  EXPECT_EQ(a.sdc_detections, b.sdc_detections);
  EXPECT_EQ(a.repairs, b.repairs);
  EXPECT_EQ(a.pool_failures, b.pool_failures);
  EXPECT_EQ(a.spare_waits, b.spare_waits);
  EXPECT_EQ(a.recoveries, b.recoveries);
  EXPECT_EQ(a.peer_recoveries, b.peer_recoveries);
  EXPECT_EQ(a.fallbacks, b.fallbacks);
  EXPECT_EQ(a.second_faults, b.second_faults);
  EXPECT_EQ(a.second_fault_fallbacks, b.second_fault_fallbacks);
  EXPECT_EQ(a.recovery_h, b.recovery_h);
  EXPECT_EQ(a.interruptions_by_cause, b.interruptions_by_cause);
  for (std::size_t k = 0; k < kBucketCount; ++k) {
    EXPECT_EQ(a.buckets_h[k], b.buckets_h[k]) << kBucketNames[k];
  }
}

// The buckets partition the wall time, and the productive bucket is the work.
inline void expect_exact_accounting(const Scenario& s, const ReplicationResult& r) {
  EXPECT_NEAR(r.bucket_sum(), r.wall_h, 1e-9 * r.wall_h);
  EXPECT_EQ(r.bucket(Bucket::kProductive), s.job.work_h);
  for (std::size_t k = 0; k < kBucketCount; ++k) {
    EXPECT_GE(r.buckets_h[k], 0.0) << kBucketNames[k];
  }
}

}  // namespace goodsim::models
