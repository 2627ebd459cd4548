// From taps to units: sessions recorded tap by tap, derived, and run through the real rules engine,
// the way the live bar and the review screen will show them.
#include <gtest/gtest.h>

#include <unitclock/core/day.h>
#include <unitclock/core/engine.h>

#include "session_test_fixture.h"

namespace unitclock::core::testing {
namespace {

UnitsResult unitsOf(const Tablet& tablet, const PayerProfile& payer = PayerProfile::medicare()) {
  const Session& s = tablet.session();
  auto r = computeUnits(sessionInput(s.header(), s.derive(tablet.now())), payer);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
  return r.ok() ? r.value() : UnitsResult{};
}

const ClaimLine* line(const UnitsResult& u, std::string_view code) {
  for (const auto& l : u.lines) {
    if (l.code == code) return &l;
  }
  return nullptr;
}

TEST(SessionUnits, CmsExampleThreeRecordedTapByTap) {
  // 97110 for 33 minutes with a 4-minute rest in the middle, then 7 minutes of 97140.
  FakeClock clock(at(14, 0));
  Tablet tablet(clock);
  ASSERT_TRUE(tablet.start("97110").ok());
  clock.advance(20min);
  ASSERT_TRUE(tablet.pause(PauseReason::rest).ok());
  clock.advance(4min);
  ASSERT_TRUE(tablet.resume().ok());
  clock.advance(13min);
  ASSERT_TRUE(tablet.start("97140").ok());
  clock.advance(7min);
  ASSERT_TRUE(tablet.end().ok());

  const UnitsResult u = unitsOf(tablet);
  EXPECT_EQ(u.totalTimed, 40min);
  EXPECT_EQ(u.totalTreatment, 40min);
  EXPECT_EQ(u.totalUnits, 3);
  ASSERT_NE(line(u, "97110"), nullptr);
  EXPECT_EQ(line(u, "97110")->units, 2);
  EXPECT_EQ(line(u, "97110")->modifiers, (std::vector<std::string>{"GO"}));
  ASSERT_NE(line(u, "97140"), nullptr);
  EXPECT_EQ(line(u, "97140")->units, 1);
}

TEST(SessionUnits, SecondsOfSeveralSegmentsAreSummedBeforeFlooringToMinutes) {
  // 4:30 + 3:40 of one code = 8:10 → 8 minutes → 1 unit (S4). Flooring each piece first would give 4 + 3 = 7.
  FakeClock clock(at(14, 0));
  Tablet tablet(clock);
  ASSERT_TRUE(tablet.start("97110").ok());
  clock.advance(4min + 30s);
  ASSERT_TRUE(tablet.start("97140").ok());
  clock.advance(1min);
  ASSERT_TRUE(tablet.start("97110").ok());
  clock.advance(3min + 40s);
  ASSERT_TRUE(tablet.stop().ok());
  const UnitsResult u = unitsOf(tablet, PayerProfile::commercial());  // per-code rule: 97110 on its own
  ASSERT_NE(line(u, "97110"), nullptr);
  EXPECT_EQ(line(u, "97110")->units, 1);
  EXPECT_EQ(line(u, "97140"), nullptr);
}

TEST(SessionUnits, SevenMinutesFiftyNineSecondsIsStillSevenMinutes) {
  FakeClock clock(at(14, 0));
  Tablet tablet(clock);
  ASSERT_TRUE(tablet.start("97110").ok());
  clock.advance(7min + 59s + 999ms);
  EXPECT_EQ(unitsOf(tablet).totalUnits, 0);
  clock.advance(1ms);
  EXPECT_EQ(unitsOf(tablet).totalUnits, 1);  // the live bar gains its unit at 8:00 exactly
}

TEST(SessionUnits, AssistantMinutesOnMedicareCarryTheAssistantModifier) {
  // 15 minutes by the OT, then 15 by the OTA alone: two units, one with CO.
  FakeClock clock(at(14, 0));
  Tablet tablet(clock);
  ASSERT_TRUE(tablet.start("97530").ok());
  clock.advance(15min);
  ASSERT_TRUE(tablet.switchTo(Performer::assistant).ok());
  clock.advance(15min);
  ASSERT_TRUE(tablet.end().ok());
  const UnitsResult u = unitsOf(tablet);
  EXPECT_EQ(u.totalUnits, 2);
  ASSERT_EQ(u.codes.size(), 1u);
  EXPECT_EQ(u.codes[0].therapist, 15min);
  EXPECT_EQ(u.codes[0].assistant, 15min);
  EXPECT_EQ(u.codes[0].assistantUnits, 1);
  bool withCo = false;
  for (const auto& l : u.lines) {
    withCo = withCo || std::find(l.modifiers.begin(), l.modifiers.end(), "CO") != l.modifiers.end();
  }
  EXPECT_TRUE(withCo);
}

TEST(SessionUnits, GroupTimeEarnsOneUnitOf97150) {
  FakeClock clock(at(14, 0));
  Tablet tablet(clock);
  ASSERT_TRUE(tablet.start("97530", Performer::therapist, ActivityMode::group).ok());
  clock.advance(45min);
  ASSERT_TRUE(tablet.end().ok());
  const UnitsResult u = unitsOf(tablet);
  EXPECT_EQ(u.totalUnits, 1);
  ASSERT_NE(line(u, "97150"), nullptr);
  EXPECT_EQ(line(u, "97150")->units, 1);
  EXPECT_EQ(u.totalTimed, 0min);
  EXPECT_EQ(u.totalTreatment, 45min);
}

TEST(SessionUnits, AnEditAfterTheEndChangesTheUnits) {
  FakeClock clock(at(14, 0));
  Tablet tablet(clock);
  ASSERT_TRUE(tablet.start("97110").ok());
  clock.advance(22min);
  ASSERT_TRUE(tablet.end().ok());
  EXPECT_EQ(unitsOf(tablet).totalUnits, 1);
  ASSERT_TRUE(tablet.edit(0, at(13, 59), at(14, 22), "Started before the timer").ok());
  EXPECT_EQ(unitsOf(tablet).totalUnits, 2);
}

TEST(SessionUnits, TheTieChoiceRecordedAtReviewReachesTheEngine) {
  // CMS Example 2: 20 + 20 minutes, either code may take the second unit.
  FakeClock clock(at(14, 0));
  Tablet tablet(clock);
  ASSERT_TRUE(tablet.start("97112").ok());
  clock.advance(20min);
  ASSERT_TRUE(tablet.start("97110").ok());
  clock.advance(20min);
  ASSERT_TRUE(tablet.end().ok());
  UnitsResult u = unitsOf(tablet);
  ASSERT_EQ(u.ties.size(), 1u);
  const std::string other = u.ties[0].awarded.at(0) == "97112" ? "97110" : "97112";
  ASSERT_TRUE(
      tablet.record(withCodes(EventType::tie_preference_set, tablet.next(), tablet.now(), "ot-ann", {other}))
          .ok());
  u = unitsOf(tablet);
  ASSERT_NE(line(u, other), nullptr);
  EXPECT_EQ(line(u, other)->units, 2);
}

TEST(SessionUnits, ASessionWithoutDiagnosisIsWarned) {
  FakeClock clock(at(14, 0));
  SessionHeader h = patientHeader();
  h.diagnoses = {};
  Tablet tablet(clock, h);
  ASSERT_TRUE(tablet.start("97110").ok());
  clock.advance(15min);
  const UnitsResult u = unitsOf(tablet);
  EXPECT_TRUE(std::any_of(u.warnings.begin(), u.warnings.end(),
                          [](const Warning& w) { return w.id == "no-diagnosis"; }));
}

TEST(SessionUnits, AnUnknownCodeIsReportedByTheEngineNamingIt) {
  FakeClock clock(at(14, 0));
  Tablet tablet(clock);
  ASSERT_TRUE(tablet.start("99999").ok());
  clock.advance(10min);
  const Session& s = tablet.session();
  const auto r = computeUnits(sessionInput(s.header(), s.derive(tablet.now())), PayerProfile::medicare());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().item, "99999");
}

}  // namespace
}  // namespace unitclock::core::testing
