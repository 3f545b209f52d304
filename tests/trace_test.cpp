// Trace replay: the failures of a CSV trace hit their slots at their times, exactly; a failure
// on an empty slot is void; each replication reads the trace from a uniform random cyclic
// offset unless one is given; bad rows are rejected with their line.

#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "models/failure/failure_clock.h"
#include "models/monte_carlo.h"
#include "models/replication.h"
#include "models/scenario_loader.h"
#include "models/sweep.h"
#include "sim/config.h"
#include "tests/test_support.h"

namespace goodsim::models {
namespace {

using test::TempDir;
using test::write_text;

// A scenario and its trace in a fresh directory; `failure` is the cluster.failure map.
Scenario load_with_trace(const TempDir& dir, const std::string& csv, const std::string& failure,
                         const std::string& rest) {
  write_text(dir / "failures.csv", csv);
  write_text(dir / "scenario.yaml", "cluster:\n  nodes: 8\n  spares: 100\n  failure: " + failure +
                                        "\n  repair: {mean: 24h}\n" + rest);
  return load_scenario((dir / "scenario.yaml").string());
}

TEST(Trace, ReplayReproducesTheTracesInterruptionTimesExactly) {
  TempDir dir;
  // No checkpoints: a failure loses everything computed since the job last (re)started, so
  // the lost time and the wall time pin down every interruption time.
  const Scenario s = load_with_trace(
      dir,
      "time,node,cause\n"
      "10h,3,\n"
      "10.2,3,\n"  // slot 3 is still empty (detection until 10.25 h): void
      "25h,5,\n"
      "1590min,0,\n",  // 26.5 h
      "{model: trace, file: failures.csv, offset: 0, span: 1000h}",
      "job: {work: 100h}\nrecovery: {detect: 15min, swap: 15min, restart: 20min, load: 10min}\n");
  const double recovery = 1.0;  // detect + swap + restart + load
  const ReplicationResult r = simulate_replication(s, 1, 0);
  EXPECT_EQ(r.interruptions, 3);
  EXPECT_EQ(r.repairs, 3);
  // Computing 0..10, 11..25, 26..26.5: each stretch is lost.
  EXPECT_DOUBLE_EQ(r.bucket(Bucket::kLost), 10.0 + (25.0 - 11.0) + (26.5 - 26.0));
  EXPECT_DOUBLE_EQ(r.wall_h, 26.5 + recovery + s.job.work_h);
  EXPECT_NEAR(r.bucket_sum(), r.wall_h, 1e-12 * r.wall_h);
  // Every replication replays the same trace from the same (given) offset.
  EXPECT_EQ(simulate_replication(s, 2, 7).wall_h, r.wall_h);
}

TEST(Trace, ATracedCauseDecidesTheHandling) {
  TempDir dir;
  const Scenario s =
      load_with_trace(dir, "time,node,cause\n10h,3,software\n25h,5,gpu\n40h,6,\n",
                      "{model: trace, file: failures.csv, offset: 0, span: 1000h}",
                      "  causes:\n    - {name: software, share: 1, handling: restart}\n"
                      "    - {name: gpu, share: 1000000, handling: swap}\n"
                      "job: {work: 100h}\ncheckpoint: {interval: 1h, write: 1min}\n");
  const ReplicationResult r = simulate_replication(s, 1, 0);
  ASSERT_EQ(r.interruptions_by_cause.size(), 2u);
  // The untraced third failure draws its cause by share: almost surely gpu.
  EXPECT_EQ(r.interruptions_by_cause[0], 1);
  EXPECT_EQ(r.interruptions_by_cause[1], 2);
  EXPECT_EQ(r.repairs, 2);  // a restart sends no node to repair
}

TEST(Trace, EachReplicationStartsAtAUniformRandomOffset) {
  TempDir dir;
  // One failure per 100 h cycle; a 30 h job without checkpoints and with instant recovery is
  // interrupted once if the failure lands in its first 30 h (probability 0.3), never twice.
  const Scenario s =
      load_with_trace(dir, "time,node\n50h,2\n", "{model: trace, file: failures.csv, span: 100h}",
                      "job: {work: 30h}\n");
  const double p = s.job.work_h / s.cluster.failure.trace_span_h;
  const int reps = 4000;
  const auto results = run_replications(s, RunOptions{reps, 5, 1, {}});
  double hit = 0.0, lost = 0.0;
  for (const ReplicationResult& r : results) {
    ASSERT_LE(r.interruptions, 1);
    hit += static_cast<double>(r.interruptions);
    lost += r.bucket(Bucket::kLost);
  }
  const double se = std::sqrt(p * (1.0 - p) / reps);
  EXPECT_NEAR(hit / reps, p, 4.0 * se);
  // The lost time of an interrupted run is uniform on [0, work): mean work / 2.
  const double lost_se = s.job.work_h / std::sqrt(12.0 * hit);
  EXPECT_NEAR(lost / hit, s.job.work_h / 2.0, 4.0 * lost_se);
  // The trace implies its node MTBF: nodes x span / failures.
  EXPECT_DOUBLE_EQ(s.cluster.failure.node_mtbf_h, 8.0 * 100.0);
}

TEST(Trace, AFailureAfterAPlannedStopRollsBackToThePlannedCheckpoint) {
  TempDir dir;
  // Stop at 3 h (progress 3): write 0.1 h, down 0.5 h, restart 0.2 h, compute again at 3.8 h.
  // The failure at 5 h rolls back to progress 3, not 0; the one at 6.3 h falls in the second
  // stop (6 h .. 6.6 h) and is void.
  const Scenario s =
      load_with_trace(dir, "time,node\n5h,0\n6.3h,1\n",
                      "{model: trace, file: failures.csv, offset: 0, span: 1000h}",
                      "  maintenance: {every: 3h, duration: 30min}\n"
                      "job: {work: 4.5h}\ncheckpoint: {write: 6min}\nrecovery: {restart: 12min}\n");
  const ReplicationResult r = simulate_replication(s, 1, 0);
  EXPECT_EQ(r.interruptions, 1);
  EXPECT_EQ(r.planned_interruptions, 2);
  EXPECT_NEAR(r.bucket(Bucket::kLost), 5.0 - 3.8, 1e-12);
  EXPECT_NEAR(r.bucket_sum(), r.wall_h, 1e-12 * r.wall_h);
}

// Loads a scenario whose trace is `csv`, expecting an InputError naming `where` (file:line:)
// and holding `fragment`.
void expect_rejected(const std::string& csv, const std::string& where, const std::string& fragment,
                     const std::string& causes = "") {
  TempDir dir;
  try {
    load_with_trace(dir, csv, "{model: trace, file: failures.csv}", causes + "job: {work: 100h}\n");
    ADD_FAILURE() << "accepted:\n" << csv;
  } catch (const sim::InputError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find(where), std::string::npos) << what;
    EXPECT_NE(what.find(fragment), std::string::npos) << what;
    EXPECT_NE(what.find("cluster.failure.file"), std::string::npos) << what;
  }
}

TEST(Trace, BadRowsAreRejectedWithTheirLineNumber) {
  const std::string file = "failures.csv:";
  expect_rejected("time,node\n1h,0\n2 parsecs,1\n", file + "3:1:", "time: expected a duration");
  expect_rejected("time,node\n-1h,0\n", file + "2:1:", "or a number of hours >= 0, got '-1h'");
  expect_rejected("time,node\n1h,0\n2h,x\n", file + "3:", "node: expected a slot index");
  expect_rejected("time,node\n1h,-2\n", file + "2:", "node: expected a slot index");
  expect_rejected("time,node\n1h,0\n\n4h,8\n",
                  file + "4:1:", "expected a slot index < cluster.nodes (8), got 8");
  expect_rejected("time,node\n1h,0,gpu\n", file + "2:1:", "expected 2 fields (time,node), got 3");
  expect_rejected("time,node,cause\n1h,0,gpu\n",
                  file + "2:1:", "cause: 'gpu' is not a cause of cluster.causes (there are none)");
  expect_rejected("time,node,cause\n1h,0,gpu\n3h,1,psu\n",
                  file + "3:1:", "'psu' is not a cause of cluster.causes (gpu)",
                  "  causes: [{name: gpu, share: 1}]\n");
  expect_rejected("when,node\n1h,0\n", file + "1:1:", "expected the header 'time,node,cause'");
  expect_rejected("time,node\n", file + "1:1:", "no failures in the trace");
}

// Found by tests/fuzz/trace_fuzz: with a span of 100.1 h, 5 x span + span rounds above
// 6 x span, so the failure at time 0 of the 7th repetition came an ulp before the last one of
// the 6th, and the run ended in "internal error: event scheduled in the past".
TEST(Trace, RepetitionsNeverStepBackInTime) {
  TempDir dir;
  const Scenario s = load_with_trace(
      dir, "time,node\n0h,0\n100.1h,1\n", "{model: trace, file: failures.csv, offset: 0}",
      "job: {work: 2000h}\ncheckpoint: {interval: 1h, write: 1min}\n"
      "recovery: {detect: 5min, swap: 5min, restart: 10min, load: 5min}\n");
  sim::RandomStream rng(1, 0, sim::StreamPurpose::kFailures);
  const auto clock = make_failure_clock(s.cluster.failure, s.cluster.nodes, rng, nullptr);
  double last = 0.0;
  for (int i = 0; i < 1000; ++i) {
    ASSERT_GE(clock->next_failure(), last) << "failure " << i;
    last = clock->next_failure();
    clock->take_failure();
  }
  const ReplicationResult r = simulate_replication(s, 1, 0);
  EXPECT_GE(r.interruptions, 20);
}

TEST(Trace, AnErrorOnAHugeRowQuotesAShortExcerptOfIt) {
  const std::string huge(1 << 20, '7');
  for (const std::string& csv : {"time,node\n" + huge + "x,0\n", "time,node\n1h," + huge + "x\n",
                                 "time,node,cause\n1h,0," + huge + "\n"}) {
    TempDir dir;
    try {
      load_with_trace(dir, csv, "{model: trace, file: failures.csv}", "job: {work: 100h}\n");
      ADD_FAILURE() << "accepted";
    } catch (const sim::InputError& e) {
      const std::string what = e.what();
      EXPECT_LT(what.size(), 400u) << what.substr(0, 400);
      EXPECT_NE(what.find("failures.csv:2:"), std::string::npos) << what;
      EXPECT_NE(what.find("bytes)"), std::string::npos) << what;
    }
  }
}

TEST(Trace, TheScenariosOfASweepShareOneCopyOfTheirTrace) {
  TempDir dir;
  write_text(dir / "failures.csv", "time,node,cause\n5h,0,gpu\n7h,3,\n9h,1,software\n");
  write_text(dir / "scenario.yaml",
             "cluster:\n  nodes: 8\n  failure: {model: trace, file: failures.csv}\n"
             "  repair: {mean: 24h}\n"
             "  causes: [{name: software, share: 1, handling: restart}, {name: gpu, share: 1}]\n"
             "job: {work: 10h}\nsweep: {cluster.spares: [0, 1, 2, 3, 4, 5]}\n");
  const sim::ConfigNode root = sim::load_config_file((dir / "scenario.yaml").string());
  const auto points = expand_sweep(root, read_sweep(root), "scenario.yaml");
  ASSERT_EQ(points.size(), 6u);
  const FailureSpec& first = points[0].scenario.cluster.failure;
  for (const SweepPoint& p : points) {
    EXPECT_EQ(p.scenario.cluster.failure.trace.get(), first.trace.get()) << p.index;
  }
  // The trace's causes, in order of first appearance, bound to the cluster's.
  EXPECT_EQ(first.trace->causes, (std::vector<std::string>{"gpu", "software"}));
  EXPECT_EQ(first.trace_causes, (std::vector<int>{1, 0}));
  EXPECT_DOUBLE_EQ(first.trace_span_h, 9.0);
}

TEST(Trace, TheCacheReadsAFileAgainOnlyWhenItChanged) {
  TempDir dir;
  const std::string path = (dir / "failures.csv").string();
  write_text(dir / "failures.csv", "time,node\n5h,0\n");
  TraceCache traces;
  const auto first = traces.load(path);
  EXPECT_EQ(traces.load(path), first);
  EXPECT_EQ(traces.reads(), 1u);
  write_text(dir / "failures.csv", "time,node\n5h,0\n6h,1\n");
  const auto second = traces.load(path);
  EXPECT_EQ(traces.reads(), 2u);
  EXPECT_EQ(second->failures.size(), 2u);
  EXPECT_EQ(first->failures.size(), 1u);  // a scenario that holds the old one keeps it intact
}

TEST(Trace, BadKeysAreRejected) {
  TempDir dir;
  const auto error_of = [&](const std::string& failure) -> std::string {
    try {
      load_with_trace(dir, "time,node\n5h,0\n", failure, "job: {work: 10h}\n");
    } catch (const sim::InputError& e) {
      return e.what();
    }
    return "accepted";
  };
  EXPECT_NE(error_of("{model: trace, file: nowhere.csv}").find("cannot open trace file"),
            std::string::npos);
  EXPECT_NE(error_of("{model: trace, file: failures.csv, span: 4h}")
                .find("expected a duration > 0 and >= the last failure of the trace (5 h)"),
            std::string::npos);
  EXPECT_NE(error_of("{model: trace, file: failures.csv, offset: soon}")
                .find("key 'cluster.failure.offset'"),
            std::string::npos);
  EXPECT_NE(error_of("{model: trace, file: failures.csv, node_mtbf: 100h}")
                .find("node_mtbf is derived from it"),
            std::string::npos);
}

TEST(Trace, ABadRowStopsTheRunWithExitTwoAndWritesNothing) {
  TempDir dir;
  write_text(dir / "failures.csv", "time,node\n1h,0\n2h,zero\n");
  write_text(dir / "scenario.yaml",
             "cluster:\n  nodes: 8\n  failure: {model: trace, file: failures.csv}\n"
             "  repair: {mean: 24h}\njob: {work: 10h}\n");
  const auto before = test::list_dir(dir.path());
  const test::RunResult r =
      test::run_goodsim({"run", "scenario.yaml", "-o", "out.h5", "--quiet"}, dir.path());
  EXPECT_EQ(r.exit_code, 2) << r;
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err.rfind("goodsim: error: failures.csv:3:", 0), 0u) << r;
  EXPECT_EQ(test::list_dir(dir.path()), before);
}

}  // namespace
}  // namespace goodsim::models
