// The CMS total-time rule (billing-rules.md §1.3, §1.4, §2.1, §2.2): the published worked examples and
// every boundary of the unit table, as a Medicare biller would check them.
#include <gtest/gtest.h>

#include "units_test_support.h"

namespace unitclock::core::testing {
namespace {

using namespace std::chrono_literals;

// [SECTION] §2.1 CMS worked examples

TEST(CmsWorkedExamples, E1_TwoCodesOverFifteenMinutesSplitThreeUnitsByTime) {
  auto r = medicare("97112=24 97110=23");
  EXPECT_EQ(r.totalTimed, 47min);
  EXPECT_EQ(r.totalUnits, 3);
  EXPECT_EQ(linesText(r), "97112x2 GO, 97110x1 GO");
  EXPECT_TRUE(r.ties.empty());
}

TEST(CmsWorkedExamples, E2_EqualTimesGiveTwoUnitsToOneCodeAndOneToTheOtherAndReportTheTie) {
  auto r = medicare("97112=20 97110=20");
  EXPECT_EQ(r.totalUnits, 3);
  // Performed first wins by default; never three units of one code.
  EXPECT_EQ(linesText(r), "97112x2 GO, 97110x1 GO");
  ASSERT_EQ(r.ties.size(), 1u);
  EXPECT_EQ(codesText(r.ties[0].candidates), "97112,97110");
  EXPECT_EQ(codesText(r.ties[0].awarded), "97112");
  EXPECT_EQ(r.ties[0].units, 1);
  EXPECT_TRUE(hasWarning(r, "tie"));
}

TEST(CmsWorkedExamples, E2_TheClinicianMaySwapTheTiedUnit) {
  auto in = day("97112=20 97110=20");
  in.tiePreference = {"97110"};
  auto r = compute(in);
  EXPECT_EQ(linesText(r), "97112x1 GO, 97110x2 GO");
  ASSERT_EQ(r.ties.size(), 1u);
  EXPECT_EQ(codesText(r.ties[0].awarded), "97110");
}

TEST(CmsWorkedExamples, E3_RemainderNotTotalMinutesDecidesTheThirdUnit) {
  auto r = medicare("97110=33 97140=7");
  EXPECT_EQ(r.totalUnits, 3);
  EXPECT_EQ(linesText(r), "97110x2 GO, 97140x1 GO");
}

TEST(CmsWorkedExamples, E4_UltrasoundAtEightMinutesEarnsNothingAndStaysDocumented) {
  auto r = medicare("97110=18 97140=13 97116=10 97035=8");
  EXPECT_EQ(r.totalTimed, 49min);
  EXPECT_EQ(r.totalUnits, 3);
  EXPECT_EQ(linesText(r), "97110x1 GO, 97140x1 GO, 97116x1 GO");
  EXPECT_EQ(codesText(r.zeroUnitCodes), "97035");
  ASSERT_EQ(r.codes.size(), 4u);
  EXPECT_EQ(r.codes[3].code, "97035");
  EXPECT_EQ(r.codes[3].total, 8min);
  EXPECT_TRUE(hasWarning(r, "zero-unit-timed"));
}

TEST(CmsWorkedExamples, E5_ThreeSevenMinuteCodesMakeExactlyOneUnitAndATie) {
  auto r = medicare("97112=7 97110=7 97140=7");
  EXPECT_EQ(r.totalUnits, 1);
  EXPECT_EQ(linesText(r), "97112x1 GO");
  ASSERT_EQ(r.ties.size(), 1u);
  EXPECT_EQ(codesText(r.ties[0].candidates), "97112,97110,97140");
  EXPECT_EQ(r.ties[0].units, 1);
  EXPECT_EQ(codesText(r.zeroUnitCodes), "97110,97140");
}

TEST(CmsWorkedExamples, E5_TheClinicianSelectsWhichCodeCarriesTheUnit) {
  auto in = day("97112=7 97110=7 97140=7");
  in.tiePreference = {"97140"};
  auto r = compute(in);
  EXPECT_EQ(linesText(r), "97140x1 GO");
}

TEST(CmsWorkedExamples, E6_TwoShortCodesBillTheOneWithMoreMinutes) {
  auto r = medicare("97110=7 97140=5");
  EXPECT_EQ(linesText(r), "97110x1 GO");
  EXPECT_TRUE(r.ties.empty());
}

// [SECTION] §2.2 unit table boundaries

TEST(CmsUnitTable, EveryPublishedBoundary) {
  const std::pair<int, int> table[] = {{0, 0},   {1, 0},   {7, 0},   {8, 1},   {15, 1}, {22, 1},  {23, 2},
                                       {30, 2},  {37, 2},  {38, 3},  {45, 3},  {52, 3}, {53, 4},  {67, 4},
                                       {68, 5},  {82, 5},  {83, 6},  {97, 6},  {98, 7}, {112, 7}, {113, 8},
                                       {127, 8}, {128, 9}, {142, 9}, {143, 10}};
  for (auto [m, units] : table) {
    SCOPED_TRACE(m);
    EXPECT_EQ(cmsUnits(std::chrono::minutes{m}), units);
    auto r = medicare("97110=" + std::to_string(m));
    EXPECT_EQ(r.totalUnits, units) << "a single code of " << m << " minutes";
  }
}

TEST(CmsUnitTable, ClosedFormMatchesTheTableForEveryMinuteOfADay) {
  for (int m = 8; m <= 24 * 60; ++m) {
    EXPECT_EQ(cmsUnits(std::chrono::minutes{m}), (m + 7) / 15) << m;
  }
}

TEST(CmsUnitTable, TotalOfSeveralCodesFollowsTheSameTable) {
  // 38 minutes over three codes is 3 units; 37 is 2.
  EXPECT_EQ(medicare("97110=13 97112=13 97140=12").totalUnits, 3);
  EXPECT_EQ(medicare("97110=13 97112=12 97140=12").totalUnits, 2);
}

// [SECTION] §2.2 timer seconds (S4: sum the seconds, then floor)

TEST(CmsTimerMinutes, SevenFiftyNineIsSevenMinutesAndEarnsNothing) {
  auto r = medicare("97110=7:59");
  EXPECT_EQ(r.totalTimed, 7min);
  EXPECT_EQ(r.totalUnits, 0);
}

TEST(CmsTimerMinutes, EightMinutesExactlyEarnsOneUnit) {
  EXPECT_EQ(medicare("97110=8:00").totalUnits, 1);
}

TEST(CmsTimerMinutes, TwentyTwoFiftyNineIsStillOneUnit) {
  EXPECT_EQ(medicare("97110=22:59").totalUnits, 1);
}

TEST(CmsTimerMinutes, SecondsOfSeveralSegmentsAreSummedBeforeFlooring) {
  using std::chrono::sys_seconds;
  const sys_seconds t0{std::chrono::sys_days{2026y / 11 / 26}.time_since_epoch() + 14h};
  auto block = [&](int from, int to) {
    return TimeBlock{t0 + std::chrono::seconds{from}, t0 + std::chrono::seconds{to}};
  };
  EngineInput in;
  // Three segments of 2:40 = 8:00 → one unit, though each alone floors to 2 minutes.
  in.timed.push_back(TimedService::fromBlocks("97110", {block(0, 160), block(300, 460), block(600, 760)}));
  auto r = compute(in);
  EXPECT_EQ(r.totalTimed, 8min);
  EXPECT_EQ(r.totalUnits, 1);
  // 2:39 three times = 7:57 → nothing.
  EngineInput shorter;
  shorter.timed.push_back(
      TimedService::fromBlocks("97110", {block(0, 159), block(300, 459), block(600, 759)}));
  EXPECT_EQ(compute(shorter).totalUnits, 0);
}

TEST(CmsTimerMinutes, TherapistAndAssistantSecondsMakeOneMinuteTogether) {
  // 7:30 by the therapist and 0:30 by the assistant alone are 8 minutes of the service.
  auto r = medicare("97110=7:30+0:30");
  EXPECT_EQ(r.totalTimed, 8min);
  EXPECT_EQ(linesText(r), "97110x1 GO");
  EXPECT_EQ(r.codes[0].therapist, 7min);
  EXPECT_EQ(r.codes[0].assistant, 1min);
}

TEST(CmsLiveBar, MinutesToTheNextUnit) {
  using std::chrono::minutes;
  const std::pair<int, int> table[] = {{0, 8},   {7, 1},  {8, 15},  {22, 1},
                                       {23, 15}, {37, 1}, {38, 15}, {50, 3}};
  for (auto [m, next] : table) EXPECT_EQ(minutesToNextCmsUnit(minutes{m}), minutes{next}) << m;
}

}  // namespace
}  // namespace unitclock::core::testing
