// Review, sign, correct, void: what a therapist can change after the end, what signing freezes, and
// that nothing recorded ever disappears from the log.
#include <gtest/gtest.h>

#include "session_test_fixture.h"

namespace unitclock::core::testing {
namespace {

// 14:00–14:20 97110, 14:20–14:30 97140, ended at 14:30.
Tablet endedSession(FakeClock& clock) {
  Tablet tablet(clock);
  EXPECT_TRUE(tablet.start("97110").ok());
  clock.advance(20min);
  EXPECT_TRUE(tablet.start("97140").ok());
  clock.advance(10min);
  EXPECT_TRUE(tablet.end().ok());
  clock.advance(2min);
  return tablet;
}

TEST(SessionEdits, AnEditChangesTheSegmentsTimesAndMinutesAndIsFlagged) {
  FakeClock clock(at(14, 0));
  Tablet tablet = endedSession(clock);
  // The therapist started the timer late: 97110 really began at 13:55.
  ASSERT_TRUE(tablet.edit(0, at(13, 55), at(14, 20), "Timer started late").ok());
  const SessionSummary s = tablet.summary();
  EXPECT_EQ(s.segments[0].start, at(13, 55));
  EXPECT_TRUE(s.segments[0].edited);
  EXPECT_FALSE(s.segments[1].edited);
  EXPECT_EQ(timeOf(s, "97110"), 25min);
  EXPECT_EQ(s.timedTime, 35min);
  ASSERT_EQ(s.flags.size(), 1u);
  EXPECT_EQ(s.flags[0].id, "edited-after-end");
  EXPECT_EQ(s.flags[0].message, "Segment 1 (97110) was edited after the end: Timer started late");

  const Event& e = tablet.session().events().back();
  EXPECT_EQ(e.type, EventType::segment_edited);
  EXPECT_EQ(e.oldStart, at(14, 0));
  EXPECT_EQ(e.newStart, at(13, 55));
  EXPECT_EQ(e.clinicianId, "ot-ann");
}

TEST(SessionEdits, AnEditNeedsAReason) {
  FakeClock clock(at(14, 0));
  Tablet tablet = endedSession(clock);
  const auto r = tablet.edit(0, at(13, 55), at(14, 20), "  ");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().errc, SessionErrc::kMissingReason);
  EXPECT_EQ(timeOf(tablet.summary(), "97110"), 20min);
}

TEST(SessionEdits, SegmentsCannotBeEditedWhileTheSessionIsOpen) {
  FakeClock clock(at(14, 0));
  Tablet tablet(clock);
  ASSERT_TRUE(tablet.start("97110").ok());
  clock.advance(10min);
  ASSERT_TRUE(tablet.stop().ok());
  const auto r = tablet.edit(0, at(14, 0), at(14, 5), "too long");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().errc, SessionErrc::kNotAllowed);
  EXPECT_EQ(r.error().message, "Segments can be corrected after the session has ended.");
}

TEST(SessionEdits, AnEditOfAnUnknownOrChangedSegmentIsRefused) {
  FakeClock clock(at(14, 0));
  Tablet tablet = endedSession(clock);
  const Instant now = tablet.now();
  auto r = tablet.record(segmentEdited(tablet.next(), now, "ot-ann", 7, at(14, 0), at(14, 20), at(14, 0),
                                       at(14, 5), "wrong segment"));
  EXPECT_EQ(r.error().errc, SessionErrc::kUnknownSegment);
  // Old times that no longer match: someone else edited the segment meanwhile.
  r = tablet.record(segmentEdited(tablet.next(), now, "ot-ann", 0, at(14, 1), at(14, 20), at(14, 0),
                                  at(14, 5), "stale screen"));
  EXPECT_EQ(r.error().errc, SessionErrc::kUnknownSegment);
  EXPECT_EQ(r.error().message, "The segment's times changed since the edit began; review it again.");
}

TEST(SessionEdits, AnEditedSegmentMustEndAfterItStartsAndNotInTheFuture) {
  FakeClock clock(at(14, 0));
  Tablet tablet = endedSession(clock);
  EXPECT_EQ(tablet.edit(0, at(14, 10), at(14, 10), "zero").error().errc, SessionErrc::kInvalidEvent);
  EXPECT_EQ(tablet.edit(1, at(14, 20), at(15, 0), "later").error().message,
            "A segment cannot end after the time of the edit.");
}

TEST(SessionEdits, AnEditCannotMakeTwoActivitiesOverlap) {
  FakeClock clock(at(14, 0));
  Tablet tablet = endedSession(clock);
  const auto r = tablet.edit(0, at(14, 0), at(14, 25), "ran over");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().errc, SessionErrc::kOverlap);
  // Numbered from 1, as the review screen and the events list number segments.
  EXPECT_EQ(r.error().message, "The new times overlap segment 2 (97140); one activity runs at a time.");
  // Shortening the next segment first makes room.
  ASSERT_TRUE(tablet.edit(1, at(14, 25), at(14, 30), "97140 began later").ok());
  EXPECT_TRUE(tablet.edit(0, at(14, 0), at(14, 25), "ran over").ok());
  const SessionSummary s = tablet.summary();
  EXPECT_EQ(timeOf(s, "97110"), 25min);
  EXPECT_EQ(timeOf(s, "97140"), 5min);
}

TEST(SessionSigning, SigningFreezesTheSession) {
  FakeClock clock(at(14, 0));
  Tablet tablet = endedSession(clock);
  ASSERT_TRUE(tablet.sign().ok());
  EXPECT_EQ(tablet.session().status(), SessionStatus::signed_);
  EXPECT_EQ(tablet.edit(0, at(13, 55), at(14, 20), "late").error().errc, SessionErrc::kNotAllowed);
  EXPECT_EQ(tablet.untimed("97165", 30min).error().errc, SessionErrc::kNotAllowed);
  EXPECT_EQ(tablet.diagnoses({"R26.89"}).error().errc, SessionErrc::kNotAllowed);
  EXPECT_EQ(tablet.sign().error().errc, SessionErrc::kNotAllowed);
  EXPECT_EQ(tablet.start("97110").error().message,
            "Starting an activity is not allowed in a session that is signed.");
}

TEST(SessionSigning, ACorrectionAfterSigningMakesANewRevisionWithAReason) {
  FakeClock clock(at(14, 0));
  Tablet tablet = endedSession(clock);
  ASSERT_TRUE(tablet.sign().ok());
  const std::vector<Event> signedLog = tablet.session().events();

  EXPECT_EQ(tablet.reopen("").error().errc, SessionErrc::kMissingReason);
  tablet.actAs("sup-dee");
  ASSERT_TRUE(tablet.reopen("Manual therapy was 12 minutes, not 10").ok());
  EXPECT_EQ(tablet.session().status(), SessionStatus::ended);
  EXPECT_EQ(tablet.session().revision(), 2);
  ASSERT_TRUE(tablet.edit(1, at(14, 20), at(14, 32), "Manual therapy was 12 minutes, not 10").ok());
  ASSERT_TRUE(tablet.sign().ok());

  const SessionSummary s = tablet.summary();
  EXPECT_EQ(s.revision, 2);
  EXPECT_EQ(s.status, SessionStatus::signed_);
  EXPECT_EQ(timeOf(s, "97140"), 12min);
  ASSERT_EQ(s.flags.size(), 2u);
  EXPECT_EQ(s.flags[0].id, "revised");
  EXPECT_EQ(s.flags[1].id, "edited-after-end");
  // Nothing was deleted or rewritten: the signed revision's log is still the start of the log.
  const auto& log = tablet.session().events();
  ASSERT_EQ(log.size(), signedLog.size() + 3);
  EXPECT_TRUE(std::equal(signedLog.begin(), signedLog.end(), log.begin()));
  EXPECT_EQ(s.clinicians, (std::vector<std::string>{"ot-ann", "sup-dee"}));
}

TEST(SessionSigning, OnlyASignedSessionCanBeMarkedSyncedAndASyncedOneCanStillBeCorrected) {
  FakeClock clock(at(14, 0));
  Tablet tablet = endedSession(clock);
  EXPECT_EQ(tablet.record(makeEvent(EventType::session_synced, tablet.next(), tablet.now(), "")).error().errc,
            SessionErrc::kNotAllowed);
  EXPECT_EQ(tablet.reopen("not signed yet").error().errc, SessionErrc::kNotAllowed);
  ASSERT_TRUE(tablet.sign().ok());
  ASSERT_TRUE(tablet.record(makeEvent(EventType::session_synced, tablet.next(), tablet.now(), "")).ok());
  EXPECT_EQ(tablet.session().status(), SessionStatus::synced);
  ASSERT_TRUE(tablet.reopen("Wrong patient diagnosis").ok());
  ASSERT_TRUE(tablet.diagnoses({"R26.89"}).ok());
  ASSERT_TRUE(tablet.sign().ok());
  EXPECT_EQ(tablet.session().revision(), 2);
  EXPECT_EQ(tablet.summary().diagnoses, (std::vector<std::string>{"R26.89"}));
}

TEST(SessionVoiding, VoidingNeedsAReasonAndIsFinal) {
  FakeClock clock(at(14, 0));
  Tablet tablet(clock);
  ASSERT_TRUE(tablet.start("97110").ok());
  clock.advance(5min);
  EXPECT_EQ(tablet.voidIt("").error().errc, SessionErrc::kMissingReason);
  ASSERT_TRUE(tablet.voidIt("Opened for the wrong patient").ok());
  clock.advance(5min);
  const SessionSummary s = tablet.summary();
  EXPECT_EQ(s.status, SessionStatus::voided);
  EXPECT_FALSE(s.running.has_value());
  EXPECT_EQ(timeOf(s, "97110"), 5min);  // what happened stays documented
  EXPECT_EQ(tablet.start("97110").error().errc, SessionErrc::kNotAllowed);
  EXPECT_EQ(tablet.voidIt("again").error().errc, SessionErrc::kNotAllowed);
  EXPECT_EQ(tablet.reopen("undo").error().errc, SessionErrc::kNotAllowed);
  EXPECT_EQ(tablet.session().events().size(), 3u);
}

TEST(SessionVoiding, ASignedSessionCanBeVoidedWithAReason) {
  FakeClock clock(at(14, 0));
  Tablet tablet = endedSession(clock);
  ASSERT_TRUE(tablet.sign().ok());
  ASSERT_TRUE(tablet.voidIt("Duplicate of another session").ok());
  EXPECT_EQ(tablet.session().status(), SessionStatus::voided);
  EXPECT_EQ(tablet.session().events()[tablet.session().events().size() - 1].reason,
            "Duplicate of another session");
}

// [SECTION] Untimed services: changed or removed (untimed_changed)

TEST(SessionUntimedChanges, AServiceAddedByMistakeIsRemovedAndTheLaterOnesMoveUp) {
  FakeClock clock(at(14, 0));
  Tablet tablet(clock);
  ASSERT_TRUE(tablet.untimed("97165", 30min).ok());
  ASSERT_TRUE(tablet.untimed("97010", 15min).ok());
  ASSERT_TRUE(tablet.untimed("97150", 20min).ok());
  // While the session runs no reason is needed.
  ASSERT_TRUE(
      tablet.record(untimedChanged(tablet.next(), tablet.now(), "ot-ann", 1, "97010", 0min, 0min, "")).ok());
  auto s = tablet.summary();
  ASSERT_EQ(s.untimed.size(), 2u);
  EXPECT_EQ(s.untimed[0].code, "97165");
  EXPECT_EQ(s.untimed[1].code, "97150");  // now at place 1
  ASSERT_TRUE(
      tablet.record(untimedChanged(tablet.next(), tablet.now(), "ot-ann", 1, "97150", 25min, 5min, "")).ok());
  s = tablet.summary();
  EXPECT_EQ(s.untimed[1].minutes, 25min);
  EXPECT_EQ(s.untimed[1].assistantMinutes, 5min);
  // Nothing leaves the log: both changes are there with who made them.
  EXPECT_EQ(tablet.session().events().back().type, EventType::untimed_changed);
}

TEST(SessionUntimedChanges, AChangeMustNameTheServiceAtItsPlaceAndMinutesWithinBounds) {
  FakeClock clock(at(14, 0));
  Tablet tablet(clock);
  ASSERT_TRUE(tablet.untimed("97165", 30min).ok());
  auto change = [&](int index, std::string code, std::chrono::minutes m, std::chrono::minutes a) {
    return tablet.record(
        untimedChanged(tablet.next(), tablet.now(), "ot-ann", index, std::move(code), m, a, ""));
  };
  EXPECT_EQ(change(1, "97165", 0min, 0min).error().errc, SessionErrc::kInvalidEvent);  // no such place
  EXPECT_EQ(change(-1, "97165", 0min, 0min).error().errc, SessionErrc::kInvalidEvent);
  EXPECT_EQ(change(0, "97010", 0min, 0min).error().errc, SessionErrc::kInvalidEvent);  // another service
  EXPECT_EQ(change(0, "97165", -5min, 0min).error().errc, SessionErrc::kInvalidEvent);
  EXPECT_EQ(change(0, "97165", 10min, 15min).error().errc, SessionErrc::kInvalidEvent);  // assistant > all
  EXPECT_EQ(tablet.summary().untimed[0].minutes, 30min);
}

TEST(SessionUntimedChanges, AfterTheEndAChangeNeedsAReasonAndAfterSigningNoneIsAllowed) {
  FakeClock clock(at(14, 0));
  Tablet tablet(clock);
  ASSERT_TRUE(tablet.untimed("97165", 30min).ok());
  ASSERT_TRUE(tablet.end().ok());
  auto change = [&](std::string reason) {
    return tablet.record(
        untimedChanged(tablet.next(), tablet.now(), "ot-ann", 0, "97165", 45min, 0min, reason));
  };
  EXPECT_EQ(change(" ").error().errc, SessionErrc::kMissingReason);
  ASSERT_TRUE(change("Wrong minutes").ok());
  EXPECT_EQ(tablet.summary().untimed[0].minutes, 45min);
  ASSERT_TRUE(tablet.simple(EventType::session_signed).ok());
  EXPECT_EQ(change("Wrong minutes").error().errc, SessionErrc::kNotAllowed);
}

}  // namespace
}  // namespace unitclock::core::testing

namespace unitclock::core::testing {
namespace {

// [SECTION] Segment corrections: activity, deletion, a missed segment, a split

TEST(SessionSegmentCorrections, AWrongActivityOrPerformerIsCorrectedWithAReasonAndFlagged) {
  FakeClock clock(at(14, 0));
  Tablet tablet = endedSession(clock);
  const Segment seg = tablet.summary().segments[1];
  ASSERT_TRUE(tablet
                  .record(segmentRecoded(tablet.next(), tablet.now(), "ot-ann", 1, seg.start, seg.end,
                                         "97530", Performer::assistant, "Tapped wrong activity"))
                  .ok());
  const SessionSummary s = tablet.summary();
  EXPECT_EQ(s.segments[1].code, "97530");
  EXPECT_EQ(s.segments[1].performer, Performer::assistant);
  EXPECT_TRUE(s.segments[1].edited);
  EXPECT_EQ(timeOf(s, "97140"), 0min);
  EXPECT_EQ(timeOf(s, "97530"), 10min);
  ASSERT_EQ(s.flags.size(), 1u);
  EXPECT_EQ(s.flags[0].message,
            "Segment 2 (97140) was changed to 97530 (assistant) after the end: Tapped wrong activity");
}

TEST(SessionSegmentCorrections, ADeletedSegmentLeavesTheListButNotTheLog) {
  FakeClock clock(at(14, 0));
  Tablet tablet = endedSession(clock);
  ASSERT_TRUE(tablet
                  .record(segmentDeleted(tablet.next(), tablet.now(), "ot-ann", 0, at(14, 0), at(14, 20),
                                         "Tapped by mistake"))
                  .ok());
  const SessionSummary s = tablet.summary();
  ASSERT_EQ(s.segments.size(), 1u);
  EXPECT_EQ(s.segments[0].code, "97140");  // moved up to place 0
  EXPECT_EQ(s.timedTime, 10min);
  EXPECT_EQ(tablet.session().events().back().type, EventType::segment_deleted);
}

TEST(SessionSegmentCorrections, AMissedSegmentIsAddedInTimeOrderWithoutOverlapAndNotInTheFuture) {
  FakeClock clock(at(14, 0));
  Tablet tablet = endedSession(clock);
  ASSERT_TRUE(tablet.edit(1, at(14, 20), at(14, 25), "Forgot to stop").ok());
  auto add = [&](WallTime start, WallTime end, std::string reason = "Forgot to start") {
    return tablet.record(segmentAdded(tablet.next(), tablet.now(), "ot-ann", "97112", Performer::therapist,
                                      ActivityMode::one_on_one, start, end, std::move(reason)));
  };
  EXPECT_EQ(add(at(14, 24), at(14, 28)).error().errc, SessionErrc::kOverlap);
  EXPECT_EQ(add(at(14, 26), at(14, 26)).error().errc, SessionErrc::kInvalidEvent);
  EXPECT_EQ(add(at(14, 26), at(14, 33)).error().message, "A segment cannot end after the time of the edit.");
  EXPECT_EQ(add(at(14, 25), at(14, 30), "").error().errc, SessionErrc::kMissingReason);
  ASSERT_TRUE(add(at(13, 50), at(14, 0)).ok());  // before the first: it becomes segment 1
  const SessionSummary s = tablet.summary();
  ASSERT_EQ(s.segments.size(), 3u);
  EXPECT_EQ(s.segments[0].code, "97112");
  EXPECT_TRUE(s.segments[0].edited);
  EXPECT_EQ(s.segments[1].code, "97110");
  EXPECT_EQ(timeOf(s, "97112"), 10min);
  EXPECT_EQ(s.flags.back().message, "Segment 1 (97112) was added after the end: Forgot to start");
}

TEST(SessionSegmentCorrections, ASplitMakesTwoSegmentsThatCanThenBeCorrectedApart) {
  FakeClock clock(at(14, 0));
  Tablet tablet = endedSession(clock);
  auto split = [&](WallTime atTime) {
    return tablet.record(segmentSplit(tablet.next(), tablet.now(), "ot-ann", 0, at(14, 0), at(14, 20), atTime,
                                      "Changed activity without a tap"));
  };
  EXPECT_EQ(split(at(14, 0)).error().errc, SessionErrc::kInvalidEvent);  // at its start: nothing to split
  EXPECT_EQ(split(at(14, 20)).error().errc, SessionErrc::kInvalidEvent);
  ASSERT_TRUE(split(at(14, 12)).ok());
  SessionSummary s = tablet.summary();
  ASSERT_EQ(s.segments.size(), 3u);
  EXPECT_EQ(s.segments[0].end, at(14, 12));
  EXPECT_EQ(s.segments[1].start, at(14, 12));
  EXPECT_EQ(s.segments[1].code, "97110");
  EXPECT_EQ(s.segments[1].startSequence, s.segments[0].startSequence) << "who tapped it stays the same";
  ASSERT_TRUE(tablet
                  .record(segmentRecoded(tablet.next(), tablet.now(), "ot-ann", 1, at(14, 12), at(14, 20),
                                         "97530", Performer::therapist, "Tapped wrong activity"))
                  .ok());
  s = tablet.summary();
  EXPECT_EQ(timeOf(s, "97110"), 12min);
  EXPECT_EQ(timeOf(s, "97530"), 8min);
  EXPECT_EQ(s.timedTime, 30min);
}

TEST(SessionSegmentCorrections, EachNeedsAReasonAnEndedSessionAndAKnownUnchangedSegment) {
  FakeClock clock(at(14, 0));
  Tablet tablet = endedSession(clock);
  const Instant now = tablet.now();
  const auto recode = [&](int index, WallTime start, WallTime end, std::string reason) {
    return tablet.record(segmentRecoded(tablet.next(), now, "ot-ann", index, start, end, "97530",
                                        Performer::therapist, std::move(reason)));
  };
  EXPECT_EQ(recode(0, at(14, 0), at(14, 20), " ").error().errc, SessionErrc::kMissingReason);
  EXPECT_EQ(recode(5, at(14, 0), at(14, 20), "Wrong activity").error().errc, SessionErrc::kUnknownSegment);
  EXPECT_EQ(recode(5, at(14, 0), at(14, 20), "Wrong activity").error().message, "There is no segment 6.");
  EXPECT_EQ(recode(0, at(14, 1), at(14, 20), "Wrong activity").error().errc, SessionErrc::kUnknownSegment);
  EXPECT_EQ(tablet
                .record(segmentDeleted(tablet.next(), now, "ot-ann", -1, at(14, 0), at(14, 20),
                                       "Tapped by mistake"))
                .error()
                .errc,
            SessionErrc::kUnknownSegment);
  EXPECT_EQ(
      tablet.record(segmentSplit(tablet.next(), now, "ot-ann", 0, at(14, 0), at(14, 20), at(14, 10), ""))
          .error()
          .errc,
      SessionErrc::kMissingReason);
  // After signing, nothing changes without a correction.
  ASSERT_TRUE(tablet.sign().ok());
  EXPECT_EQ(recode(0, at(14, 0), at(14, 20), "Wrong activity").error().errc, SessionErrc::kNotAllowed);
  EXPECT_EQ(tablet
                .record(segmentAdded(tablet.next(), tablet.now(), "ot-ann", "97110", Performer::therapist,
                                     ActivityMode::one_on_one, at(13, 0), at(13, 10), "Forgot to start"))
                .error()
                .errc,
            SessionErrc::kNotAllowed);
  // While the session runs, a correction waits for the end.
  FakeClock clock2(at(9, 0));
  Tablet running(clock2);
  ASSERT_TRUE(running.start("97110").ok());
  clock2.advance(10min);
  EXPECT_EQ(running
                .record(segmentDeleted(running.next(), running.now(), "ot-ann", 0, at(9, 0), at(9, 10),
                                       "Tapped by mistake"))
                .error()
                .errc,
            SessionErrc::kNotAllowed);
}

TEST(SessionSegmentCorrections, ACorrectedLogReplaysToTheSameSegments) {
  FakeClock clock(at(14, 0));
  Tablet tablet = endedSession(clock);
  ASSERT_TRUE(tablet
                  .record(segmentSplit(tablet.next(), tablet.now(), "ot-ann", 0, at(14, 0), at(14, 20),
                                       at(14, 5), "Changed activity without a tap"))
                  .ok());
  ASSERT_TRUE(tablet
                  .record(segmentDeleted(tablet.next(), tablet.now(), "ot-ann", 0, at(14, 0), at(14, 5),
                                         "Tapped by mistake"))
                  .ok());
  ASSERT_TRUE(tablet
                  .record(segmentAdded(tablet.next(), tablet.now(), "ot-ann", "97530", Performer::assistant,
                                       ActivityMode::one_on_one, at(13, 55), at(14, 5), "Forgot to start"))
                  .ok());
  auto restored = Session::restore(tablet.session().header(), tablet.session().events());
  ASSERT_TRUE(restored.ok()) << restored.error().message;
  EXPECT_EQ(restored->derive().segments, tablet.session().derive().segments);
}

}  // namespace
}  // namespace unitclock::core::testing
