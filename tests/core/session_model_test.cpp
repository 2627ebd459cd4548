// The session state machine as a therapist meets it: tapping activities, switching, pausing, changing
// who performs, adding untimed services, ending — and the taps that are refused, with the reason.
#include <gtest/gtest.h>

#include "session_test_fixture.h"

namespace unitclock::core::testing {
namespace {

TEST(SessionRecording, NewSessionStartsOpenWithOneOpeningEvent) {
  FakeClock clock(at(14, 0));
  Tablet tablet(clock);
  const Session& s = tablet.session();
  EXPECT_EQ(s.status(), SessionStatus::open);
  EXPECT_EQ(s.revision(), 1);
  ASSERT_EQ(s.events().size(), 1u);
  EXPECT_EQ(s.events()[0].type, EventType::session_opened);
  EXPECT_EQ(s.events()[0].sequence, 1);
  EXPECT_EQ(s.events()[0].wall, at(14, 0));
  EXPECT_EQ(s.nextSequence(), 2);
}

TEST(SessionRecording, RunningActivityShowsItsElapsedTimeAsTheClockMoves) {
  FakeClock clock(at(14, 0));
  Tablet tablet(clock);
  ASSERT_TRUE(tablet.start("97110").ok());
  clock.advance(9min + 30s);
  const SessionSummary s = tablet.summary();
  ASSERT_TRUE(s.running.has_value());
  EXPECT_EQ(s.running->code, "97110");
  EXPECT_EQ(s.running->since, at(14, 0));
  EXPECT_EQ(s.running->elapsed, 9min + 30s);
  ASSERT_EQ(s.segments.size(), 1u);
  EXPECT_TRUE(s.segments[0].running);
  EXPECT_EQ(s.timedTime, 9min + 30s);
}

TEST(SessionRecording, StartingAnotherActivityStopsThePreviousOne) {
  FakeClock clock(at(14, 0));
  Tablet tablet(clock);
  ASSERT_TRUE(tablet.start("97110").ok());
  clock.advance(12min);
  ASSERT_TRUE(tablet.start("97530").ok());
  clock.advance(10min);
  ASSERT_TRUE(tablet.stop().ok());
  clock.advance(5min);  // nothing running: no time accrues

  const SessionSummary s = tablet.summary();
  ASSERT_EQ(s.segments.size(), 2u);
  EXPECT_EQ(s.segments[0].code, "97110");
  EXPECT_EQ(s.segments[0].start, at(14, 0));
  EXPECT_EQ(s.segments[0].end, at(14, 12));
  EXPECT_EQ(s.segments[1].code, "97530");
  EXPECT_EQ(s.segments[1].end, at(14, 22));
  EXPECT_FALSE(s.running.has_value());
  EXPECT_EQ(timeOf(s, "97110"), 12min);
  EXPECT_EQ(timeOf(s, "97530"), 10min);
  EXPECT_EQ(s.timedTime, 22min);
  EXPECT_EQ(s.treatmentTime, 22min);
}

TEST(SessionRecording, PauseStopsTheClockAndResumeContinuesTheSameActivity) {
  FakeClock clock(at(14, 0));
  Tablet tablet(clock);
  ASSERT_TRUE(tablet.start("97530").ok());
  clock.advance(6min);
  ASSERT_TRUE(tablet.pause(PauseReason::toileting).ok());
  clock.advance(4min);
  {
    const SessionSummary during = tablet.summary();
    EXPECT_EQ(during.pausedFor, PauseReason::toileting);
    EXPECT_FALSE(during.running.has_value());
    EXPECT_EQ(during.pausedTime, 4min);
    EXPECT_EQ(timeOf(during, "97530"), 6min);
  }
  ASSERT_TRUE(tablet.resume().ok());
  clock.advance(5min);
  const SessionSummary s = tablet.summary();
  ASSERT_TRUE(s.running.has_value());
  EXPECT_EQ(s.running->code, "97530");
  EXPECT_EQ(s.running->since, at(14, 10));
  ASSERT_EQ(s.segments.size(), 2u);
  ASSERT_EQ(s.pauses.size(), 1u);
  EXPECT_EQ(s.pauses[0].reason, PauseReason::toileting);
  EXPECT_EQ(s.pauses[0].start, at(14, 6));
  EXPECT_EQ(s.pauses[0].end, at(14, 10));
  EXPECT_EQ(timeOf(s, "97530"), 11min);
  EXPECT_EQ(s.treatmentTime, 11min);  // the 4 minutes of toileting are not treatment time (T3)
  EXPECT_EQ(s.pausedTime, 4min);
}

TEST(SessionRecording, TappingAnActivityDuringAPauseEndsThePauseAndStartsIt) {
  FakeClock clock(at(14, 0));
  Tablet tablet(clock);
  ASSERT_TRUE(tablet.start("97110").ok());
  clock.advance(5min);
  ASSERT_TRUE(tablet.pause(PauseReason::rest).ok());
  clock.advance(2min);
  ASSERT_TRUE(tablet.start("97140").ok());
  clock.advance(3min);
  const SessionSummary s = tablet.summary();
  EXPECT_FALSE(s.pausedFor.has_value());
  ASSERT_EQ(s.pauses.size(), 1u);
  EXPECT_EQ(s.pauses[0].end, at(14, 7));
  EXPECT_EQ(timeOf(s, "97110"), 5min);
  EXPECT_EQ(timeOf(s, "97140"), 3min);
  EXPECT_EQ(tablet.resume().error().errc, SessionErrc::kNotAllowed);  // the pause is over
}

TEST(SessionRecording, PausingWithNothingRunningRecordsThePauseOnly) {
  FakeClock clock(at(14, 0));
  Tablet tablet(clock);
  ASSERT_TRUE(tablet.pause(PauseReason::waiting).ok());
  clock.advance(3min);
  ASSERT_TRUE(tablet.resume().ok());
  clock.advance(3min);
  const SessionSummary s = tablet.summary();
  EXPECT_FALSE(s.running.has_value());
  EXPECT_TRUE(s.segments.empty());
  EXPECT_EQ(s.pausedTime, 3min);
}

TEST(SessionRecording, PerformerSwitchSplitsTheSegmentAndMinutesFollowWhoPerformed) {
  FakeClock clock(at(14, 0));
  Tablet tablet(clock);
  ASSERT_TRUE(tablet.start("97535").ok());
  clock.advance(10min);
  ASSERT_TRUE(tablet.switchTo(Performer::assistant).ok());
  clock.advance(14min);
  ASSERT_TRUE(tablet.switchTo(Performer::therapist).ok());
  clock.advance(2min);
  const SessionSummary s = tablet.summary();
  ASSERT_EQ(s.segments.size(), 3u);
  EXPECT_EQ(s.segments[1].performer, Performer::assistant);
  EXPECT_EQ(s.segments[1].start, at(14, 10));
  ASSERT_EQ(s.codes.size(), 1u);
  EXPECT_EQ(s.codes[0].therapist, 12min);
  EXPECT_EQ(s.codes[0].assistant, 14min);
  EXPECT_EQ(s.running->performer, Performer::therapist);
}

TEST(SessionRecording, PerformerSwitchedDuringAPauseAppliesWhenTheActivityResumes) {
  FakeClock clock(at(14, 0));
  Tablet tablet(clock);
  ASSERT_TRUE(tablet.start("97110").ok());
  clock.advance(5min);
  ASSERT_TRUE(tablet.pause(PauseReason::equipment).ok());
  ASSERT_TRUE(tablet.switchTo(Performer::assistant).ok());
  clock.advance(1min);
  ASSERT_TRUE(tablet.resume().ok());
  clock.advance(8min);
  const SessionSummary s = tablet.summary();
  ASSERT_EQ(s.codes.size(), 1u);
  EXPECT_EQ(s.codes[0].therapist, 5min);
  EXPECT_EQ(s.codes[0].assistant, 8min);
}

TEST(SessionRecording, UntimedServicesCountAsTreatmentTimeButNotTimedTime) {
  FakeClock clock(at(14, 0));
  Tablet tablet(clock);
  ASSERT_TRUE(tablet.untimed("97165", 30min).ok());
  ASSERT_TRUE(tablet.start("97110").ok());
  clock.advance(15min);
  const SessionSummary s = tablet.summary();
  ASSERT_EQ(s.untimed.size(), 1u);
  EXPECT_EQ(s.untimed[0].code, "97165");
  EXPECT_EQ(s.untimed[0].minutes, 30min);
  EXPECT_EQ(s.timedTime, 15min);
  EXPECT_EQ(s.treatmentTime, 45min);
}

TEST(SessionRecording, TimeOnAnUntimedCodesTileIsTreatmentTimeNotTimedTime) {
  FakeClock clock(at(14, 0));
  Tablet tablet(clock);
  ASSERT_TRUE(tablet.start("97166").ok());  // moderate-complexity evaluation, timed on screen
  clock.advance(40min);
  ASSERT_TRUE(tablet.start("97110").ok());
  clock.advance(10min);
  const SessionSummary s = tablet.summary();
  EXPECT_EQ(s.timedTime, 10min);
  EXPECT_EQ(s.treatmentTime, 50min);
}

TEST(SessionRecording, GroupTimeIsTreatmentTimeButNotTimedTime) {
  FakeClock clock(at(14, 0));
  Tablet tablet(clock);
  ASSERT_TRUE(tablet.start("97530", Performer::therapist, ActivityMode::group).ok());
  clock.advance(30min);
  ASSERT_TRUE(tablet.start("97110").ok());
  clock.advance(10min);
  const SessionSummary s = tablet.summary();
  EXPECT_EQ(timeOf(s, "97530", ActivityMode::group), 30min);
  EXPECT_EQ(s.timedTime, 10min);
  EXPECT_EQ(s.treatmentTime, 40min);
}

TEST(SessionRecording, EndingStopsTheRunningActivityAndTheClock) {
  FakeClock clock(at(14, 0));
  Tablet tablet(clock);
  ASSERT_TRUE(tablet.start("97110").ok());
  clock.advance(20min);
  ASSERT_TRUE(tablet.end().ok());
  clock.advance(1h);
  const SessionSummary s = tablet.summary();
  EXPECT_EQ(s.status, SessionStatus::ended);
  EXPECT_FALSE(s.running.has_value());
  EXPECT_EQ(s.timedTime, 20min);
}

TEST(SessionRecording, EveryoneWhoRecordedIsAContributorAfterTheRenderingClinician) {
  FakeClock clock(at(14, 0));
  Tablet tablet(clock, patientHeader(), "ota-bob");
  ASSERT_TRUE(tablet.start("97110", Performer::assistant).ok());
  tablet.actAs("ot-ann");
  ASSERT_TRUE(tablet.end().ok());
  const SessionSummary s = tablet.summary();
  EXPECT_EQ(s.clinicians, (std::vector<std::string>{"ot-ann", "ota-bob"}));
}

TEST(SessionRecording, DiagnosesCanBeChangedBeforeSigning) {
  FakeClock clock(at(14, 0));
  Tablet tablet(clock);
  ASSERT_TRUE(tablet.diagnoses({"M25.511", "R26.89"}).ok());
  EXPECT_EQ(tablet.summary().diagnoses, (std::vector<std::string>{"M25.511", "R26.89"}));
  const auto bad = tablet.diagnoses({"M25.511", "hello"});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().errc, SessionErrc::kInvalidEvent);
  EXPECT_NE(bad.error().message.find("hello"), std::string::npos);
  EXPECT_FALSE(tablet.diagnoses({"M25.511", "R26.89", "G81.94", "Z96.651", "M62.81"}).ok());
  EXPECT_EQ(tablet.summary().diagnoses.size(), 2u);  // refused changes leave the session as it was
}

TEST(SessionRecording, TwoSessionsOnOneDeviceKeepTheirOwnClocks) {
  FakeClock clock(at(14, 0));
  Tablet first(clock, patientHeader(1, "MRN-1", "AB"));
  ASSERT_TRUE(first.start("97110").ok());
  clock.advance(5min);
  Tablet second(clock, patientHeader(2, "MRN-2", "CD"), "pt-carl");
  ASSERT_TRUE(second.start("97530").ok());
  clock.advance(10min);
  ASSERT_TRUE(first.pause(PauseReason::rest).ok());
  clock.advance(3min);
  ASSERT_TRUE(second.start("97140").ok());
  clock.advance(4min);
  ASSERT_TRUE(first.resume().ok());
  clock.advance(6min);
  ASSERT_TRUE(second.end().ok());
  ASSERT_TRUE(first.end().ok());

  const SessionSummary a = first.summary();
  const SessionSummary b = second.summary();
  EXPECT_EQ(timeOf(a, "97110"), 21min);  // 15 + 6, minus the 7-minute rest
  EXPECT_EQ(a.pausedTime, 7min);
  EXPECT_EQ(timeOf(b, "97530"), 13min);
  EXPECT_EQ(timeOf(b, "97140"), 10min);
  EXPECT_EQ(b.pausedTime, 0min);
  EXPECT_EQ(first.session().events().size(), 5u);
  EXPECT_EQ(second.session().events().size(), 4u);
}

// [SECTION] Refused taps

TEST(SessionRules, StoppingWithNothingRunningIsRefused) {
  FakeClock clock(at(14, 0));
  Tablet tablet(clock);
  const auto r = tablet.stop();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().errc, SessionErrc::kNotAllowed);
  EXPECT_EQ(r.error().message, "No activity is running.");
  EXPECT_EQ(tablet.session().events().size(), 1u);
}

TEST(SessionRules, PausingTwiceOrResumingWithoutAPauseIsRefused) {
  FakeClock clock(at(14, 0));
  Tablet tablet(clock);
  EXPECT_EQ(tablet.resume().error().message, "The session is not paused.");
  ASSERT_TRUE(tablet.pause(PauseReason::rest).ok());
  EXPECT_EQ(tablet.pause(PauseReason::rest).error().message, "The session is already paused.");
}

TEST(SessionRules, APauseNeedsAReason) {
  FakeClock clock(at(14, 0));
  Tablet tablet(clock);
  const auto r = tablet.record(makeEvent(EventType::paused, tablet.next(), tablet.now(), "ot-ann"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().errc, SessionErrc::kInvalidEvent);
}

TEST(SessionRules, AnActivityNeedsACodeAndAPerformer) {
  FakeClock clock(at(14, 0));
  Tablet tablet(clock);
  EXPECT_EQ(tablet.start("").error().errc, SessionErrc::kInvalidEvent);
  Event noPerformer = makeEvent(EventType::activity_started, tablet.next(), tablet.now(), "ot-ann");
  noPerformer.code = "97110";
  noPerformer.mode = ActivityMode::one_on_one;
  EXPECT_EQ(tablet.record(noPerformer).error().errc, SessionErrc::kInvalidEvent);
}

TEST(SessionRules, NothingCanBeStartedAfterTheSessionEnded) {
  FakeClock clock(at(14, 0));
  Tablet tablet(clock);
  ASSERT_TRUE(tablet.end().ok());
  const auto r = tablet.start("97110");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().errc, SessionErrc::kNotAllowed);
  EXPECT_EQ(r.error().message, "Starting an activity is not allowed in a session that is ended.");
  EXPECT_EQ(tablet.end().error().errc, SessionErrc::kNotAllowed);
}

TEST(SessionRules, AnOpenSessionCannotBeSigned) {
  FakeClock clock(at(14, 0));
  Tablet tablet(clock);
  EXPECT_EQ(tablet.sign().error().message, "End the session before signing it.");
}

TEST(SessionRules, UntimedMinutesMustBeSensible) {
  FakeClock clock(at(14, 0));
  Tablet tablet(clock);
  EXPECT_EQ(tablet.untimed("97165", -1min).error().errc, SessionErrc::kInvalidEvent);
  EXPECT_EQ(tablet.untimed("97165", 25h).error().errc, SessionErrc::kInvalidEvent);
  EXPECT_EQ(tablet.untimed("97150", 30min, 31min).error().errc, SessionErrc::kInvalidEvent);
  EXPECT_EQ(tablet.untimed("", 30min).error().errc, SessionErrc::kInvalidEvent);
  EXPECT_TRUE(tablet.untimed("97150", 30min, 30min).ok());
}

TEST(SessionRules, EventsMustArriveInSequence) {
  FakeClock clock(at(14, 0));
  Tablet tablet(clock);
  Event e = activityStarted(5, tablet.now(), "ot-ann", "97110", Performer::therapist);
  const auto r = tablet.record(e);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().errc, SessionErrc::kOutOfOrder);
  EXPECT_EQ(r.error().message, "Event number 5 arrived where number 2 was expected.");
}

TEST(SessionRules, TheMonotonicClockCannotGoBackwardsWithinARun) {
  FakeClock clock(at(14, 0));
  Tablet tablet(clock);
  Instant earlier = tablet.now();
  earlier.monotonic -= 1s;
  const auto r =
      tablet.record(activityStarted(tablet.next(), earlier, "ot-ann", "97110", Performer::therapist));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().errc, SessionErrc::kOutOfOrder);
}

TEST(SessionRules, EveryTapSaysWhoMadeIt) {
  FakeClock clock(at(14, 0));
  Tablet tablet(clock);
  const auto r =
      tablet.record(activityStarted(tablet.next(), tablet.now(), "", "97110", Performer::therapist));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().errc, SessionErrc::kInvalidEvent);
}

TEST(SessionRules, ASecondOpeningEventIsRefused) {
  FakeClock clock(at(14, 0));
  Tablet tablet(clock);
  EXPECT_EQ(tablet.simple(EventType::session_opened).error().errc, SessionErrc::kNotAllowed);
}

TEST(SessionRules, CheckTellsWithoutChangingAnything) {
  FakeClock clock(at(14, 0));
  Tablet tablet(clock);
  const Event e = activityStarted(tablet.next(), tablet.now(), "ot-ann", "97110", Performer::therapist);
  EXPECT_TRUE(tablet.session().check(e).ok());
  EXPECT_TRUE(tablet.session().check(e).ok());
  EXPECT_EQ(tablet.session().events().size(), 1u);
  EXPECT_FALSE(tablet.summary().running.has_value());
}

TEST(SessionRules, AnInvalidHeaderIsRefusedWithTheField) {
  const Instant now{at(14, 0), "run-1", 1s};
  SessionHeader h = patientHeader();
  h.id = "not-a-uuid";
  auto r = Session::create(h, now, "ot-ann");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().errc, SessionErrc::kInvalidHeader);
  EXPECT_NE(r.error().message.find("UUID"), std::string::npos);

  h = patientHeader();
  h.patient.mrn = "";
  EXPECT_NE(Session::create(h, now, "ot-ann").error().message.find("MRN"), std::string::npos);
  h = patientHeader();
  h.patient.initials = "J3";
  EXPECT_NE(Session::create(h, now, "ot-ann").error().message.find("initials"), std::string::npos);
  h = patientHeader();
  h.placeOfService = "1";
  EXPECT_NE(Session::create(h, now, "ot-ann").error().message.find("Place of service"), std::string::npos);
  h = patientHeader();
  h.diagnoses = {"M25.511", "M25.511"};
  EXPECT_NE(Session::create(h, now, "ot-ann").error().message.find("twice"), std::string::npos);
  h = patientHeader();
  h.renderingClinicianId = " ";
  EXPECT_NE(Session::create(h, now, "ot-ann").error().message.find("rendering"), std::string::npos);
  h = patientHeader();
  h.diagnoses = {};
  EXPECT_TRUE(Session::create(h, now, "ot-ann").ok());  // billable later once a diagnosis is set
}

// [SECTION] Replay

TEST(SessionReplay, ARestoredSessionDerivesExactlyWhatTheOriginalDid) {
  FakeClock clock(at(14, 0));
  Tablet tablet(clock);
  ASSERT_TRUE(tablet.start("97110").ok());
  clock.advance(12min);
  ASSERT_TRUE(tablet.switchTo(Performer::assistant).ok());
  clock.advance(9min);
  ASSERT_TRUE(tablet.pause(PauseReason::rest).ok());
  clock.advance(2min);
  ASSERT_TRUE(tablet.resume().ok());
  ASSERT_TRUE(tablet.untimed("97010", 10min).ok());
  clock.advance(4min);
  ASSERT_TRUE(tablet.end().ok());

  auto restored = Session::restore(tablet.session().header(), tablet.session().events());
  ASSERT_TRUE(restored.ok()) << restored.error().message;
  const SessionSummary a = tablet.session().derive();
  const SessionSummary b = restored->derive();
  EXPECT_EQ(a.segments, b.segments);
  EXPECT_EQ(a.pauses, b.pauses);
  EXPECT_EQ(a.untimed, b.untimed);
  EXPECT_EQ(a.codes, b.codes);
  EXPECT_EQ(a.treatmentTime, b.treatmentTime);
  EXPECT_EQ(restored->status(), SessionStatus::ended);
  EXPECT_EQ(restored->nextSequence(), tablet.session().nextSequence());
}

TEST(SessionReplay, ALogThatBreaksARuleIsReportedNotAccepted) {
  FakeClock clock(at(14, 0));
  Tablet tablet(clock);
  ASSERT_TRUE(tablet.end().ok());
  std::vector<Event> events = tablet.session().events();
  events.push_back(activityStarted(3, tablet.now(), "ot-ann", "97110", Performer::therapist));
  auto r = Session::restore(tablet.session().header(), events);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().errc, SessionErrc::kNotAllowed);
  EXPECT_EQ(r.error().message.rfind("Event 3 (activity_started) cannot be replayed", 0), 0u)
      << r.error().message;
  EXPECT_EQ(Session::restore(tablet.session().header(), {}).error().errc, SessionErrc::kInvalidEvent);
}

}  // namespace
}  // namespace unitclock::core::testing
