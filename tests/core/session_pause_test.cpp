// A pause stops billing at the tap: the reason can be chosen then, or later (issue: Pause kept billing
// until a reason was tapped).
#include <gtest/gtest.h>

#include "session_test_fixture.h"

namespace unitclock::core::testing {
namespace {

TEST(SessionPause, APauseWithoutAReasonStopsTheClockAtTheTap) {
  FakeClock clock(at(14, 0));
  Tablet t(clock);
  ASSERT_TRUE(t.start("97110").ok());
  clock.advance(10min);
  ASSERT_TRUE(t.pause(PauseReason::not_given).ok());
  clock.advance(5min);  // the therapist helps the patient before looking at the screen again
  auto s = t.summary();
  ASSERT_TRUE(s.pausedFor.has_value());
  EXPECT_EQ(*s.pausedFor, PauseReason::not_given);
  EXPECT_FALSE(s.running.has_value());
  EXPECT_EQ(s.timedTime, 10min) << "nothing of the pause is billed";
  EXPECT_EQ(s.pausedTime, 5min);
}

TEST(SessionPause, TheReasonChosenLaterBelongsToThePauseGoingOnOrTheLastOne) {
  FakeClock clock(at(14, 0));
  Tablet t(clock);
  ASSERT_TRUE(t.start("97110").ok());
  clock.advance(8min);
  ASSERT_TRUE(t.pause(PauseReason::not_given).ok());
  clock.advance(1min);
  ASSERT_TRUE(t.pauseReason(PauseReason::toileting).ok());
  EXPECT_EQ(*t.summary().pausedFor, PauseReason::toileting);
  clock.advance(4min);
  ASSERT_TRUE(t.resume().ok());
  clock.advance(7min);
  ASSERT_TRUE(t.pause(PauseReason::not_given).ok());
  clock.advance(2min);
  ASSERT_TRUE(t.resume().ok());
  ASSERT_TRUE(t.pauseReason(PauseReason::rest).ok()) << "after Resume, for the pause just ended";
  auto s = t.summary();
  ASSERT_EQ(s.pauses.size(), 2u);
  EXPECT_EQ(s.pauses[0].reason, PauseReason::toileting);
  EXPECT_EQ(s.pauses[0].end - s.pauses[0].start, 5min);
  EXPECT_EQ(s.pauses[1].reason, PauseReason::rest);
  EXPECT_EQ(s.timedTime, 15min);
  // The log replays to the same figures (the server and a restarted kiosk read it so).
  auto restored = Session::restore(t.session().header(), t.session().events());
  ASSERT_TRUE(restored.ok());
  EXPECT_EQ(restored->derive(clock.now()).pauses, s.pauses);
}

TEST(SessionPause, AReasonNeedsAPauseAndIsARealReason) {
  FakeClock clock(at(14, 0));
  Tablet t(clock);
  ASSERT_TRUE(t.start("97110").ok());
  auto none = t.pauseReason(PauseReason::rest);
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.error().errc, SessionErrc::kNotAllowed);
  ASSERT_TRUE(t.pause(PauseReason::not_given).ok());
  auto notAReason = t.pauseReason(PauseReason::not_given);
  ASSERT_FALSE(notAReason.ok());
  EXPECT_EQ(notAReason.error().errc, SessionErrc::kInvalidEvent);
  ASSERT_TRUE(t.end().ok());
  ASSERT_TRUE(t.sign().ok());
  EXPECT_FALSE(t.pauseReason(PauseReason::rest).ok()) << "a signed session's pauses stay as signed";
}

}  // namespace
}  // namespace unitclock::core::testing
