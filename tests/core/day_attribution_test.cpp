// Which calendar day minutes belong to (billing-rules.md T1, S3, S25) and how several sessions of one
// patient on one day become one input for the engine. The clinic's days are given as UTC ranges, the
// way platform code converts them from the clinic's time zone.
#include <gtest/gtest.h>

#include <unitclock/core/day.h>
#include <unitclock/core/engine.h>

#include "session_test_fixture.h"

namespace unitclock::core::testing {
namespace {

using std::chrono::sys_days;
using std::chrono::sys_seconds;

// A clinic in New York in November (UTC-5): 2026-11-26 local is [05:00 UTC on the 26th, 05:00 on the 27th).
constexpr auto kOffset = std::chrono::hours{5};
sys_seconds localMidnight(int day) {
  return sys_seconds{sys_days{std::chrono::year{2026} / 11 / day} + kOffset};
}

const TimedService* findTimed(const EngineInput& in, std::string_view code) {
  for (const auto& t : in.timed) {
    if (t.code == code) return &t;
  }
  return nullptr;
}

TEST(DayAttribution, ASessionCrossingLocalMidnightIsSplitAtTheBoundary) {
  // 23:50 local on the 26th = 04:50 UTC on the 27th.
  FakeClock clock(WallTime{localMidnight(27)} - 10min);
  Tablet tablet(clock);
  ASSERT_TRUE(tablet.start("97110").ok());
  clock.advance(25min);  // until 00:15 local
  ASSERT_TRUE(tablet.end().ok());
  const SessionSummary s = tablet.summary();

  const EngineInput day26 = dayInput(tablet.session().header(), s, localMidnight(26), localMidnight(27));
  const EngineInput day27 = dayInput(tablet.session().header(), s, localMidnight(27), localMidnight(28));
  ASSERT_EQ(day26.timed.size(), 1u);
  ASSERT_EQ(day27.timed.size(), 1u);
  EXPECT_EQ(day26.timed[0].therapist, 10min);
  EXPECT_EQ(day27.timed[0].therapist, 15min);
  ASSERT_EQ(day26.timed[0].blocks.size(), 1u);
  EXPECT_EQ(day26.timed[0].blocks[0].end, localMidnight(27));
  EXPECT_EQ(day27.timed[0].blocks[0].start, localMidnight(27));

  // Through the engine: 10 minutes earn 1 unit on the 26th, 15 minutes 1 unit on the 27th; the whole
  // session counted on one day (25 minutes) would have been 2 units.
  const auto u26 = computeUnits(day26, PayerProfile::medicare());
  const auto u27 = computeUnits(day27, PayerProfile::medicare());
  ASSERT_TRUE(u26.ok() && u27.ok());
  EXPECT_EQ(u26->totalUnits, 1);
  EXPECT_EQ(u27->totalUnits, 1);
  EXPECT_EQ(computeUnits(sessionInput(tablet.session().header(), s), PayerProfile::medicare())->totalUnits,
            2);
}

TEST(DayAttribution, MinutesOutsideTheDayAreNotCounted) {
  FakeClock clock(WallTime{localMidnight(26)} + 9h);
  Tablet tablet(clock);
  ASSERT_TRUE(tablet.start("97110").ok());
  clock.advance(30min);
  ASSERT_TRUE(tablet.end().ok());
  const EngineInput other =
      dayInput(tablet.session().header(), tablet.summary(), localMidnight(25), localMidnight(26));
  EXPECT_TRUE(other.timed.empty());
  EXPECT_TRUE(other.untimed.empty());
}

TEST(DayAttribution, AnUntimedServiceBelongsToTheDayItWasRecorded) {
  FakeClock clock(WallTime{localMidnight(27)} - 5min);
  Tablet tablet(clock);
  ASSERT_TRUE(tablet.untimed("97165", 45min).ok());
  clock.advance(10min);
  ASSERT_TRUE(tablet.untimed("97010", 10min).ok());
  const SessionSummary s = tablet.summary();
  const EngineInput day26 = dayInput(tablet.session().header(), s, localMidnight(26), localMidnight(27));
  const EngineInput day27 = dayInput(tablet.session().header(), s, localMidnight(27), localMidnight(28));
  ASSERT_EQ(day26.untimed.size(), 1u);
  EXPECT_EQ(day26.untimed[0].code, "97165");
  EXPECT_EQ(day26.untimed[0].duration, 45min);
  ASSERT_EQ(day27.untimed.size(), 1u);
  EXPECT_EQ(day27.untimed[0].code, "97010");
}

TEST(DayAttribution, GroupTimeBecomes97150AndCoTreatmentCountsOnce) {
  FakeClock clock(at(15, 0));
  Tablet tablet(clock);
  ASSERT_TRUE(tablet.start("97530", Performer::therapist, ActivityMode::group).ok());
  clock.advance(20min);
  ASSERT_TRUE(tablet.switchTo(Performer::assistant).ok());
  clock.advance(10min);
  // Therapist and assistant together with this patient: the minutes count once, as the therapist's (A4).
  ASSERT_TRUE(tablet.start("97116", Performer::therapist, ActivityMode::co_treatment).ok());
  clock.advance(12min);
  ASSERT_TRUE(tablet.end().ok());
  const EngineInput in = sessionInput(tablet.session().header(), tablet.summary());

  ASSERT_EQ(in.untimed.size(), 1u);
  EXPECT_EQ(in.untimed[0].code, "97150");
  EXPECT_EQ(in.untimed[0].duration, 30min);
  EXPECT_EQ(in.untimed[0].assistant, 10min);
  EXPECT_EQ(findTimed(in, "97530"), nullptr);  // the tapped activity is not billed as one-on-one
  const TimedService* gait = findTimed(in, "97116");
  ASSERT_NE(gait, nullptr);
  EXPECT_EQ(gait->therapist, 12min);
  EXPECT_EQ(gait->assistant, 0min);

  const auto units = computeUnits(in, PayerProfile::medicare());
  ASSERT_TRUE(units.ok()) << units.error().message;
  EXPECT_EQ(units->totalTimed, 12min);
  EXPECT_EQ(units->totalTreatment, 42min);
}

TEST(DayAttribution, TheSameUntimedCodeTwiceIsOneServiceWithTheSummedMinutes) {
  FakeClock clock(at(15, 0));
  Tablet tablet(clock);
  ASSERT_TRUE(tablet.untimed("97150", 20min).ok());
  ASSERT_TRUE(tablet.start("97110", Performer::therapist, ActivityMode::group).ok());
  clock.advance(15min);
  ASSERT_TRUE(tablet.end().ok());
  const EngineInput in = sessionInput(tablet.session().header(), tablet.summary());
  ASSERT_EQ(in.untimed.size(), 1u);
  EXPECT_EQ(in.untimed[0].duration, 35min);
  const auto units = computeUnits(in, PayerProfile::medicare());
  ASSERT_TRUE(units.ok()) << units.error().message;
  EXPECT_EQ(units->totalUnits, 1);
}

TEST(DayAttribution, TimedServicesAreInTheOrderFirstPerformed) {
  FakeClock clock(at(15, 0));
  Tablet tablet(clock);
  for (const char* code : {"97140", "97110", "97140", "97530"}) {
    ASSERT_TRUE(tablet.start(code).ok());
    clock.advance(5min);
  }
  ASSERT_TRUE(tablet.end().ok());
  const EngineInput in = sessionInput(tablet.session().header(), tablet.summary());
  ASSERT_EQ(in.timed.size(), 3u);
  EXPECT_EQ(in.timed[0].code, "97140");
  EXPECT_EQ(in.timed[0].therapist, 10min);
  EXPECT_EQ(in.timed[0].blocks.size(), 2u);
  EXPECT_EQ(in.timed[1].code, "97110");
  EXPECT_EQ(in.timed[2].code, "97530");
}

TEST(DayAttribution, AVoidedSessionContributesNothing) {
  FakeClock clock(at(15, 0));
  Tablet tablet(clock);
  ASSERT_TRUE(tablet.start("97110").ok());
  clock.advance(30min);
  ASSERT_TRUE(tablet.voidIt("Wrong patient").ok());
  const EngineInput in = sessionInput(tablet.session().header(), tablet.summary());
  EXPECT_TRUE(in.timed.empty());
  EXPECT_TRUE(in.untimed.empty());
}

// [SECTION] Several sessions of one patient on one day

TEST(PatientDay, TwoSevenMinuteSessionsOfOneCodeMakeOneUnit) {
  FakeClock clock(at(14, 0));
  Tablet morning(clock, patientHeader(1));
  ASSERT_TRUE(morning.start("97110").ok());
  clock.advance(7min);
  ASSERT_TRUE(morning.end().ok());
  clock.advance(3h);
  Tablet afternoon(clock, patientHeader(2), "ota-bob");  // another device, same patient
  ASSERT_TRUE(afternoon.start("97110").ok());
  clock.advance(7min + 30s);
  ASSERT_TRUE(afternoon.end().ok());

  for (const Tablet* t : {&morning, &afternoon}) {
    const auto alone =
        computeUnits(sessionInput(t->session().header(), t->session().derive()), PayerProfile::medicare());
    ASSERT_TRUE(alone.ok());
    EXPECT_EQ(alone->totalUnits, 0);
  }
  const auto merged =
      patientDayInput({&morning.session(), &afternoon.session()}, localMidnight(26), localMidnight(27));
  ASSERT_TRUE(merged.ok()) << merged.error();
  ASSERT_EQ(merged->timed.size(), 1u);
  EXPECT_EQ(merged->timed[0].therapist, 14min + 30s);
  EXPECT_EQ(merged->timed[0].blocks.size(), 2u);
  const auto units = computeUnits(*merged, PayerProfile::medicare());
  ASSERT_TRUE(units.ok());
  EXPECT_EQ(units->totalUnits, 1);
  EXPECT_EQ(units->totalTimed, 14min);
}

TEST(PatientDay, VoidedSessionsAreLeftOut) {
  FakeClock clock(at(14, 0));
  Tablet kept(clock, patientHeader(1));
  ASSERT_TRUE(kept.start("97110").ok());
  clock.advance(10min);
  ASSERT_TRUE(kept.end().ok());
  SessionHeader teleHeader = patientHeader(2);
  teleHeader.telehealth = true;
  Tablet voided(clock, teleHeader);
  ASSERT_TRUE(voided.start("97110").ok());
  clock.advance(10min);
  ASSERT_TRUE(voided.voidIt("Recorded twice").ok());
  const auto merged =
      patientDayInput({&kept.session(), &voided.session()}, localMidnight(26), localMidnight(27));
  ASSERT_TRUE(merged.ok());
  ASSERT_EQ(merged->timed.size(), 1u);
  EXPECT_EQ(merged->timed[0].therapist, 10min);
  EXPECT_FALSE(merged->telehealth);  // not even the voided session's telehealth flag counts
}

TEST(PatientDay, SessionsOfAnotherPatientOrDisciplineAreRefused) {
  FakeClock clock(at(14, 0));
  Tablet ot(clock, patientHeader(1, "MRN-1", "AB", Discipline::ot));
  Tablet pt(clock, patientHeader(2, "MRN-1", "AB", Discipline::pt), "pt-carl");
  Tablet other(clock, patientHeader(3, "MRN-9", "ZZ", Discipline::ot));
  auto r = patientDayInput({&ot.session(), &pt.session()}, localMidnight(26), localMidnight(27));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().find("each discipline is billed on its own"), std::string::npos);
  r = patientDayInput({&ot.session(), &other.session()}, localMidnight(26), localMidnight(27));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().find("another patient"), std::string::npos);
  EXPECT_FALSE(patientDayInput({}, localMidnight(26), localMidnight(27)).ok());
}

}  // namespace
}  // namespace unitclock::core::testing
