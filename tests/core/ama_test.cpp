// The AMA per-code rule (billing-rules.md §3, §2.5) used by the commercial profile.
#include <gtest/gtest.h>

#include "units_test_support.h"

namespace unitclock::core::testing {
namespace {

using namespace std::chrono_literals;

TEST(AmaRule, X1_ShortCodesAreNeverPooled) {
  EXPECT_EQ(medicare("97112=7 97110=7 97140=7").totalUnits, 1);
  auto r = commercial("97112=7 97110=7 97140=7");
  EXPECT_EQ(r.totalUnits, 0);
  EXPECT_EQ(r.rule, UnitRule::ama);
  EXPECT_EQ(r.payer, "commercial");
}

TEST(AmaRule, X2_TotalIsNotCappedByTotalMinutes) {
  EXPECT_EQ(medicare("97112=24 97110=23").totalUnits, 3);
  EXPECT_EQ(commercial("97112=24 97110=23").totalUnits, 4);
}

TEST(AmaRule, X3_RemaindersAreNotCombined) {
  EXPECT_EQ(medicare("97112=20 97110=20").totalUnits, 3);
  EXPECT_EQ(commercial("97112=20 97110=20").totalUnits, 2);
}

TEST(AmaRule, X4_SevenMinutesEarnNothingEvenBesideALongCode) {
  EXPECT_EQ(linesText(medicare("97110=33 97140=7")), "97110x2 GO, 97140x1 GO");
  EXPECT_EQ(linesText(commercial("97110=33 97140=7")), "97110x2 GO");
}

TEST(AmaRule, EachCodeFollowsTheUnitTableOnItsOwn) {
  for (int m = 0; m <= 200; ++m) {
    auto r = commercial("97110=" + std::to_string(m) + " 97140=" + std::to_string(200 - m));
    ASSERT_EQ(r.codes.size(), 2u);
    EXPECT_EQ(r.codes[0].units, cmsUnits(std::chrono::minutes{m})) << m;
    EXPECT_EQ(r.codes[1].units, cmsUnits(std::chrono::minutes{200 - m})) << m;
  }
}

TEST(AmaRule, NeitherRuleIsAlwaysHigher) {
  // X1 and X2 go opposite ways.
  EXPECT_GT(medicare("97112=7 97110=7 97140=7").totalUnits, commercial("97112=7 97110=7 97140=7").totalUnits);
  EXPECT_LT(medicare("97112=24 97110=23").totalUnits, commercial("97112=24 97110=23").totalUnits);
}

TEST(AmaRule, UnitsByMidpointForOtherUnitLengths) {
  using std::chrono::minutes;
  EXPECT_EQ(unitsByMidpoint(minutes{30}, minutes{60}, minutes{31}), 0);
  EXPECT_EQ(unitsByMidpoint(minutes{31}, minutes{60}, minutes{31}), 1);
  EXPECT_EQ(unitsByMidpoint(minutes{90}, minutes{60}, minutes{31}), 1);
  EXPECT_EQ(unitsByMidpoint(minutes{91}, minutes{60}, minutes{31}), 2);  // "a second hour ... 91 minutes"
  EXPECT_EQ(unitsByMidpoint(minutes{16}, minutes{30}, minutes{16}), 1);
  EXPECT_EQ(unitsByMidpoint(minutes{15}, minutes{30}, minutes{16}), 0);
}

}  // namespace
}  // namespace unitclock::core::testing
