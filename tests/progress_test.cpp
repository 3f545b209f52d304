// The progress line's pace (cli/progress.h): measured from the first completed item, so the
// time spent before it does not stretch the estimate of the time left (issue 11, item 20).

#include <gtest/gtest.h>

#include "cli/progress.h"

namespace goodsim::cli {
namespace {

TEST(ProgressPace, CountsFromTheFirstCompletionNotFromTheStart) {
  // 10 s of set-up, 100 items done by 11 s, 400 more in the next 3 s: 500 of 2,000 at 14 s.
  // The pace since the first completion, 133 per second, leaves 11 s; the old estimate from
  // the start (500 items in 14 s) said 42 s.
  const Pace p = pace(500, 2000, 100, 11.0, 14.0);
  EXPECT_DOUBLE_EQ(p.per_s, 400.0 / 3.0);
  EXPECT_DOUBLE_EQ(p.remaining_s, 1500.0 / (400.0 / 3.0));
}

TEST(ProgressPace, UnknownUntilAnItemCompletesAfterTheFirst) {
  EXPECT_LT(pace(0, 100, 0, -1.0, 5.0).per_s, 0.0);         // nothing done
  EXPECT_LT(pace(10, 100, 10, 2.0, 5.0).remaining_s, 0.0);  // no item since the first
  EXPECT_LT(pace(20, 100, 10, 5.0, 5.0).per_s, 0.0);        // no time since the first
}

TEST(ProgressPace, NothingLeftOnceDone) {
  EXPECT_DOUBLE_EQ(pace(100, 100, 10, 1.0, 10.0).remaining_s, 0.0);
}

}  // namespace
}  // namespace goodsim::cli
