// Time as the device sees it: the wall clock can be changed under a running timer, and the app can
// restart in the middle of treatment. Minutes must neither appear nor vanish silently.
#include <gtest/gtest.h>

#include "session_test_fixture.h"

namespace unitclock::core::testing {
namespace {

TEST(SessionClock, WallClockJumpingForwardMidActivityAddsNoMinutesAndIsFlagged) {
  FakeClock clock(at(14, 0));
  Tablet tablet(clock);
  ASSERT_TRUE(tablet.start("97110").ok());
  clock.advance(5min);
  clock.jumpWall(1h);  // someone sets the device clock an hour ahead
  clock.advance(5min);
  EXPECT_EQ(tablet.summary().running->elapsed, 10min);  // before the app even notices

  ASSERT_TRUE(tablet.noticeClock());
  const Event& jump = tablet.session().events().back();
  EXPECT_EQ(jump.type, EventType::clock_jump);
  EXPECT_EQ(jump.wallDelta, 1h + 10min);
  EXPECT_EQ(jump.monotonicDelta, 10min);
  EXPECT_TRUE(jump.clinicianId.empty());

  clock.advance(5min);
  ASSERT_TRUE(tablet.stop().ok());
  const SessionSummary s = tablet.summary();
  EXPECT_EQ(timeOf(s, "97110"), 15min);
  EXPECT_EQ(s.segments[0].start, at(14, 0));
  EXPECT_EQ(s.segments[0].end, at(14, 15));  // on the steady timeline, not the jumped wall clock
  ASSERT_EQ(s.flags.size(), 1u);
  EXPECT_EQ(s.flags[0].id, "clock-jump");
  EXPECT_EQ(s.flags[0].sequence, jump.sequence);
  EXPECT_NE(s.flags[0].message.find("+4200 s"), std::string::npos) << s.flags[0].message;
}

TEST(SessionClock, WallClockJumpingBackwardsIsDetectedAndNeverShortensTheActivity) {
  FakeClock clock(at(14, 0));
  Tablet tablet(clock);
  ASSERT_TRUE(tablet.start("97530").ok());
  clock.advance(20min);
  clock.jumpWall(-30min);
  ASSERT_TRUE(tablet.noticeClock());
  EXPECT_EQ(tablet.session().events().back().wallDelta, -10min);
  clock.advance(3min);
  ASSERT_TRUE(tablet.end().ok());
  EXPECT_EQ(timeOf(tablet.summary(), "97530"), 23min);
  EXPECT_FALSE(tablet.noticeClock());  // the jump is recorded once, not on every later tick
}

TEST(SessionClock, SmallDriftWithinTheToleranceIsNotAJump) {
  FakeClock clock(at(14, 0));
  Tablet tablet(clock);
  ASSERT_TRUE(tablet.start("97110").ok());
  clock.advance(10min);
  clock.jumpWall(1500ms);  // an NTP correction of 1.5 s
  EXPECT_FALSE(tablet.noticeClock());
  clock.jumpWall(1s);  // now 2.5 s apart: over the 2 s tolerance
  EXPECT_TRUE(tablet.noticeClock());
}

TEST(SessionClock, RestartContinuesARunningActivityFromItsPersistedStart) {
  FakeClock clock(at(14, 0));
  Tablet tablet(clock);
  ASSERT_TRUE(tablet.start("97112").ok());
  clock.advance(7min);

  // The app is killed and started again 2 minutes later: a new run whose monotonic clock starts anew.
  clock.advance(2min);
  clock.restart("run-2", 3s);
  auto restored = Session::restore(tablet.session().header(), tablet.session().events());
  ASSERT_TRUE(restored.ok());
  // No jump; the device notes the restart, which anchors the new run on the timeline.
  const auto noted = restored->detectClockJump(clock.now());
  ASSERT_TRUE(noted.has_value());
  EXPECT_EQ(noted->type, EventType::app_restarted);
  ASSERT_TRUE(restored->apply(*noted).ok());
  SessionSummary s = restored->derive(clock.now());
  ASSERT_TRUE(s.running.has_value());
  EXPECT_EQ(s.running->since, at(14, 0));
  EXPECT_EQ(s.running->elapsed, 9min);

  // In the new run, elapsed time again comes from the monotonic clock.
  clock.advance(6min);
  ASSERT_TRUE(
      restored->apply(makeEvent(EventType::activity_stopped, restored->nextSequence(), clock.now(), "ot-ann"))
          .ok());
  s = restored->derive(clock.now());
  EXPECT_EQ(timeOf(s, "97112"), 15min);
  ASSERT_EQ(s.flags.size(), 1u);
  EXPECT_EQ(s.flags[0].id, "restart-while-running");
}

TEST(SessionClock, ARestartWithTheWallClockSetBackIsFlaggedAndTimeNeverRunsBackwards) {
  FakeClock clock(at(14, 0));
  Tablet tablet(clock);
  ASSERT_TRUE(tablet.start("97110").ok());
  clock.advance(10min);
  ASSERT_TRUE(tablet.start("97140").ok());
  clock.advance(1min);

  clock.restart("run-2");
  clock.setWall(at(13, 0));  // the device came back with its clock an hour behind
  auto restored = Session::restore(tablet.session().header(), tablet.session().events());
  ASSERT_TRUE(restored.ok());
  const auto jump = restored->detectClockJump(clock.now());
  ASSERT_TRUE(jump.has_value());
  EXPECT_EQ(jump->wallDelta, -70min);
  EXPECT_FALSE(jump->monotonicDelta.has_value());  // monotonic readings of two runs are not compared
  ASSERT_TRUE(restored->apply(*jump).ok());

  clock.advance(4min);
  const SessionSummary s = restored->derive(clock.now());
  // The timeline resumes at the last recorded time (14:10) and moves on with the new run's monotonic
  // clock: the 97140 segment is 4 minutes, the restart gap cannot be measured and counts nothing.
  EXPECT_EQ(timeOf(s, "97110"), 10min);
  EXPECT_EQ(timeOf(s, "97140"), 4min);
  EXPECT_EQ(s.running->since, at(14, 10));
  ASSERT_GE(s.flags.size(), 2u);
  EXPECT_EQ(s.flags[0].id, "restart-while-running");
  EXPECT_EQ(s.flags[1].id, "clock-jump");
  EXPECT_NE(s.flags[1].message.find("across a restart"), std::string::npos);
}

TEST(SessionClock, AJumpRecordedBeforeARestartIsNotCountedAfterIt) {
  FakeClock clock(at(14, 0));
  Tablet tablet(clock);
  ASSERT_TRUE(tablet.start("97110").ok());
  clock.advance(5min);
  clock.jumpWall(1h);
  ASSERT_TRUE(tablet.noticeClock());
  clock.advance(5min);

  // The app restarts one minute later; the device clock is still an hour ahead of the timeline.
  clock.advance(1min);
  clock.restart("run-2");
  auto restored = Session::restore(tablet.session().header(), tablet.session().events());
  ASSERT_TRUE(restored.ok());
  const auto noted = restored->detectClockJump(clock.now());
  ASSERT_TRUE(noted.has_value());
  EXPECT_EQ(noted->type, EventType::app_restarted);  // the hour was recorded as a jump before the restart
  ASSERT_TRUE(restored->apply(*noted).ok());
  clock.advance(4min);
  ASSERT_TRUE(
      restored->apply(makeEvent(EventType::activity_stopped, restored->nextSequence(), clock.now(), "ot-ann"))
          .ok());
  const SessionSummary s = restored->derive();
  EXPECT_EQ(timeOf(s, "97110"), 15min);  // 5 + 5 + the 1-minute restart + 4, never the hour
  EXPECT_EQ(s.segments[0].end, at(14, 15));
}

// The smallest tap sequence the random tap-sequence property found (session_property_test.cpp): a
// restart while an activity runs, then the wall clock moves forward before anything else is tapped.
// Before the restart was recorded, every reading of the new run was placed by wall clock as restart
// gap, so the 3 s that never elapsed became treatment time.
TEST(SessionClock, AWallClockChangeAfterARestartIsAJumpNotTreatmentTime) {
  FakeClock clock(at(8, 0));
  Tablet tablet(clock);
  ASSERT_TRUE(tablet.start("97535").ok());
  clock.restart("run-2", 0ms);
  ASSERT_TRUE(tablet.noticeClock());  // app_restarted: the new run starts here on the timeline
  EXPECT_EQ(tablet.session().events().back().type, EventType::app_restarted);
  clock.jumpWall(3s);
  ASSERT_TRUE(tablet.noticeClock());  // compared with the restart by monotonic time: a jump
  EXPECT_EQ(tablet.session().events().back().type, EventType::clock_jump);
  EXPECT_EQ(tablet.session().events().back().wallDelta, 3s);
  EXPECT_EQ(tablet.session().events().back().monotonicDelta, 0ms);

  const SessionSummary s = tablet.summary();
  ASSERT_EQ(s.segments.size(), 1u);
  EXPECT_EQ(s.segments[0].duration(), 0ms);  // no time passed, none is counted
  EXPECT_EQ(s.treatmentTime, 0ms);
  ASSERT_EQ(s.flags.size(), 2u);
  EXPECT_EQ(s.flags[0].id, "restart-while-running");
  EXPECT_EQ(s.flags[1].id, "clock-jump");

  // Therapy goes on: only the monotonic minutes count.
  clock.advance(10min);
  ASSERT_TRUE(tablet.stop().ok());
  EXPECT_EQ(timeOf(tablet.summary(), "97535"), 10min);
}

TEST(SessionClock, ARestartIsNotedOnlyWhileSomethingRuns) {
  FakeClock clock(at(8, 0));
  Tablet tablet(clock);
  ASSERT_TRUE(tablet.start("97110").ok());
  clock.advance(5min);
  ASSERT_TRUE(tablet.stop().ok());
  clock.restart("run-2");
  EXPECT_FALSE(tablet.session().detectClockJump(clock.now()).has_value());  // nothing to measure
  const Event restart = makeEvent(EventType::app_restarted, tablet.next(), clock.now(), "");
  EXPECT_EQ(tablet.session().check(restart).error().errc, SessionErrc::kNotAllowed);

  ASSERT_TRUE(tablet.pause(PauseReason::rest).ok());  // the pause is the new run's first event
  clock.restart("run-3");
  ASSERT_TRUE(tablet.noticeClock());
  const Event again = makeEvent(EventType::app_restarted, tablet.next(), clock.now(), "");
  EXPECT_EQ(tablet.session().check(again).error().errc, SessionErrc::kOutOfOrder);  // once per run
}

TEST(SessionClock, TimelineTimeOfANewReadingFollowsTheSameRules) {
  FakeClock clock(at(14, 0));
  Tablet tablet(clock);
  clock.advance(5min);
  clock.jumpWall(2h);
  EXPECT_EQ(tablet.session().timelineTime(clock.now()), at(14, 5));
  clock.restart("run-2");
  EXPECT_EQ(tablet.session().timelineTime(clock.now()), at(16, 5));  // a new run starts from its wall time
}

TEST(SessionClock, ClockJumpsAreNotRecordedOnceTheSessionIsSigned) {
  FakeClock clock(at(14, 0));
  Tablet tablet(clock);
  ASSERT_TRUE(tablet.end().ok());
  ASSERT_TRUE(tablet.sign().ok());
  clock.jumpWall(1h);
  const auto jump = tablet.session().detectClockJump(clock.now());
  ASSERT_TRUE(jump.has_value());
  EXPECT_EQ(tablet.session().check(*jump).error().errc, SessionErrc::kNotAllowed);
}

TEST(SessionClock, TwoSessionsNoticeTheSameJumpEachInItsOwnLog) {
  FakeClock clock(at(14, 0));
  Tablet a(clock, patientHeader(1, "MRN-1", "AB"));
  Tablet b(clock, patientHeader(2, "MRN-2", "CD"));
  ASSERT_TRUE(a.start("97110").ok());
  ASSERT_TRUE(b.start("97530").ok());
  clock.advance(3min);
  clock.jumpWall(-5min);
  EXPECT_TRUE(a.noticeClock());
  EXPECT_TRUE(b.noticeClock());
  clock.advance(3min);
  EXPECT_EQ(timeOf(a.summary(), "97110"), 6min);
  EXPECT_EQ(timeOf(b.summary(), "97530"), 6min);
}

}  // namespace
}  // namespace unitclock::core::testing
