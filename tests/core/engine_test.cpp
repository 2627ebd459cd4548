// The engine's contract beyond single vectors: refused input names the item, NCCI pairs with and without
// separate time blocks, modifier order, custom payer settings, and merging sessions of one day.
#include <gtest/gtest.h>

#include "units_test_support.h"

namespace unitclock::core::testing {
namespace {

using namespace std::chrono_literals;
using std::chrono::sys_seconds;

sys_seconds at(int hour, int minute) {
  return sys_seconds{std::chrono::sys_days{2026y / 11 / 26}.time_since_epoch() + std::chrono::hours{hour} +
                     std::chrono::minutes{minute}};
}

TimeBlock block(int h1, int m1, int h2, int m2, Performer p = Performer::therapist) {
  return TimeBlock{at(h1, m1), at(h2, m2), p};
}

EngineError errorOf(const EngineInput& in) {
  auto r = computeUnits(in, PayerProfile::medicare());
  EXPECT_FALSE(r.ok());
  return r.ok() ? EngineError{} : r.error();
}

// [SECTION] Refused input

TEST(EngineInputErrors, UnknownCodeIsNamed) {
  auto e = errorOf(day("97110=10 99999=5"));
  EXPECT_EQ(e.kind, EngineError::Kind::kUnknownCode);
  EXPECT_EQ(e.item, "99999");
  EXPECT_NE(e.message.find("99999"), std::string::npos);
}

TEST(EngineInputErrors, TheSameTimedCodeTwiceIsRefused) {
  auto e = errorOf(day("97110=10 97140=5 97110=3"));
  EXPECT_EQ(e.kind, EngineError::Kind::kDuplicateCode);
  EXPECT_EQ(e.item, "97110");
}

TEST(EngineInputErrors, TheSameUntimedCodeTwiceIsRefused) {
  auto e = errorOf(day("97165 97165=10"));
  EXPECT_EQ(e.kind, EngineError::Kind::kDuplicateCode);
  EXPECT_EQ(e.item, "97165");
}

TEST(EngineInputErrors, TheSameAddOnTwiceIsRefused) {
  auto e = errorOf(day("97130=10 97130=10"));
  EXPECT_EQ(e.kind, EngineError::Kind::kDuplicateCode);
}

TEST(EngineInputErrors, NegativeTherapistOrAssistantTimeIsRefused) {
  EngineInput in;
  in.timed.push_back({"97110", -60s, 0s, {}});
  EXPECT_EQ(errorOf(in).kind, EngineError::Kind::kNegativeTime);
  EngineInput a;
  a.timed.push_back({"97110", 60s, -1s, {}});
  EXPECT_EQ(errorOf(a).kind, EngineError::Kind::kNegativeTime);
  EngineInput u;
  u.untimed.push_back({"97150", -5min, 0s, {}});
  EXPECT_EQ(errorOf(u).kind, EngineError::Kind::kNegativeTime);
  EXPECT_EQ(errorOf(u).item, "97150");
}

TEST(EngineInputErrors, ABlockEndingBeforeItStartsIsRefused) {
  EngineInput in;
  in.timed.push_back(TimedService::fromBlocks("97110", {block(10, 30, 10, 0)}));
  auto e = errorOf(in);
  EXPECT_EQ(e.kind, EngineError::Kind::kNegativeTime);
  EXPECT_EQ(e.item, "97110");
}

TEST(EngineInputErrors, MoreThanADayOnOneCodeIsRefused) {
  EngineInput in;
  in.timed.push_back({"97110", 24h, 1s, {}});
  EXPECT_EQ(errorOf(in).kind, EngineError::Kind::kTooLong);
  EngineInput exactly;
  exactly.timed.push_back({"97110", 24h, 0s, {}});
  EXPECT_TRUE(computeUnits(exactly, PayerProfile::medicare()).ok());
  EngineInput family;  // a first code and its add-on together are one service
  family.timed.push_back({"97129", 13h, 0s, {}});
  family.timed.push_back({"97130", 12h, 0s, {}});
  EXPECT_EQ(errorOf(family).kind, EngineError::Kind::kTooLong);
}

TEST(EngineInputErrors, TimedAndUntimedCodesMustBeRecordedAsSuch) {
  EngineInput untimedAsTimed;
  untimedAsTimed.timed.push_back({"97165", 30min, 0s, {}});
  EXPECT_EQ(errorOf(untimedAsTimed).kind, EngineError::Kind::kWrongKind);
  EngineInput timedAsUntimed;
  timedAsUntimed.untimed.push_back({"97110", 30min, 0s, {}});
  EXPECT_EQ(errorOf(timedAsUntimed).kind, EngineError::Kind::kWrongKind);
}

TEST(EngineInputErrors, UntimedAssistantMinutesCannotExceedTheService) {
  EngineInput in;
  in.untimed.push_back({"97150", 10min, 11min, {}});
  auto e = errorOf(in);
  EXPECT_EQ(e.kind, EngineError::Kind::kAssistantExceeds);
  EXPECT_EQ(e.item, "97150");
}

TEST(EngineInputErrors, AnEmptyDayIsNotAnErrorButNothingIsBillable) {
  auto r = compute(EngineInput{});
  EXPECT_TRUE(r.lines.empty());
  EXPECT_EQ(r.totalUnits, 0);
  EXPECT_TRUE(hasWarning(r, "nothing-billable"));
}

// [SECTION] Per-code results

TEST(EngineCodes, EveryRecordedCodeIsReportedWithMinutesAndUnits) {
  auto r = medicare("97110=13+23 97140=30 97165=40", Discipline::pt);
  ASSERT_EQ(r.codes.size(), 3u);
  EXPECT_EQ(r.codes[0].code, "97110");
  EXPECT_TRUE(r.codes[0].timed);
  EXPECT_EQ(r.codes[0].therapist, 13min);
  EXPECT_EQ(r.codes[0].assistant, 23min);
  EXPECT_EQ(r.codes[0].total, 36min);
  EXPECT_EQ(r.codes[0].units, 2);
  EXPECT_EQ(r.codes[0].assistantUnits, 1);
  EXPECT_FALSE(r.codes[2].timed);
  EXPECT_EQ(r.codes[2].units, 1);
  EXPECT_EQ(r.payer, "medicare");
  EXPECT_EQ(r.rule, UnitRule::cms);
}

TEST(EngineCodes, SubstitutedAndBundledCodesSayWhatHappened) {
  auto r = medicare("97014=15 97010=10");
  ASSERT_EQ(r.codes.size(), 2u);
  EXPECT_EQ(r.codes[0].billedAs, "G0283");
  EXPECT_TRUE(r.codes[1].bundled);
  EXPECT_EQ(r.codes[1].units, 0);
  EXPECT_TRUE(hasWarning(r, "substituted-code"));
  EXPECT_TRUE(hasWarning(r, "bundled-code"));
}

TEST(EngineCodes, RulesVersionIsSet) {
  EXPECT_FALSE(kRulesVersion.empty());
}

// [SECTION] Ties

TEST(EngineTies, FourTiedCodesForThreeUnitsReportOneTie) {
  auto r = medicare("97110=12 97112=12 97116=12 97140=12");
  ASSERT_EQ(r.ties.size(), 1u);
  EXPECT_EQ(codesText(r.ties[0].candidates), "97110,97112,97116,97140");
  EXPECT_EQ(codesText(r.ties[0].awarded), "97110,97112,97116");
  EXPECT_EQ(r.ties[0].units, 3);
}

TEST(EngineTies, PreferenceOrdersTheClinicianChoice) {
  auto in = day("97110=10 97112=10 97140=10");
  in.tiePreference = {"97140"};
  auto r = compute(in);
  EXPECT_EQ(linesText(r), "97110x1 GO, 97140x1 GO");
  ASSERT_EQ(r.ties.size(), 1u);
  EXPECT_EQ(codesText(r.ties[0].candidates), "97140,97110,97112");
  EXPECT_EQ(codesText(r.ties[0].awarded), "97140,97110");
}

TEST(EngineTies, DifferentTotalsWithEqualRemaindersAreStillATieTheClinicianMaySwap) {
  auto r = medicare("97112=20 97110=35");
  ASSERT_EQ(r.ties.size(), 1u);
  EXPECT_EQ(codesText(r.ties[0].awarded), "97110");
  auto in = day("97112=20 97110=35");
  in.tiePreference = {"97112"};
  EXPECT_EQ(linesText(compute(in)), "97112x2 GO, 97110x2 GO");
}

TEST(EngineTies, NoTieWhenEveryCandidateGetsAUnit) {
  EXPECT_TRUE(medicare("97110=14 97140=14 97112=14").ties.empty());
  EXPECT_TRUE(medicare("97110=33 97140=7").ties.empty());
}

TEST(EngineTies, PreferenceForAnAddOnCodeCountsForItsFamily) {
  auto in = day("97110=20 97129=20");
  in.tiePreference = {"97130"};
  EXPECT_EQ(linesText(compute(in)), "97110x1 GO, 97129x1 GO, 97130x1 GO");
}

TEST(EngineTies, AmaHasNoTies) {
  EXPECT_TRUE(commercial("97112=7 97110=7 97140=7").ties.empty());
}

// [SECTION] NCCI pairs (§1.10)

TEST(EngineNcci, SeparateTimeBlocksAddFiftyNineToTheColumnTwoCode) {
  // The CMS example: manual therapy 10 min, therapeutic activities 15 min, manual therapy 5 min.
  EngineInput in;
  in.timed.push_back(TimedService::fromBlocks("97140", {block(9, 0, 9, 10), block(9, 25, 9, 30)}));
  in.timed.push_back(TimedService::fromBlocks("97530", {block(9, 10, 9, 25)}));
  auto r = compute(in);
  EXPECT_EQ(linesText(r), "97140x1 GO, 97530x1 GO 59");
  EXPECT_TRUE(hasWarning(r, "ncci-separate-blocks"));
}

TEST(EngineNcci, OverlappingBlocksWarnAndAddNoModifier) {
  EngineInput in;
  in.timed.push_back(TimedService::fromBlocks("97140", {block(9, 0, 9, 15)}));
  in.timed.push_back(TimedService::fromBlocks("97530", {block(9, 10, 9, 25)}));
  auto r = compute(in);
  EXPECT_EQ(linesText(r), "97140x1 GO, 97530x1 GO");
  EXPECT_TRUE(hasWarning(r, "ncci-overlap"));
  EXPECT_FALSE(hasWarning(r, "ncci-separate-blocks"));
}

TEST(EngineNcci, WithoutBlocksOnlyAWarningNoSuggestion) {
  auto r = medicare("97140=15 97530=15");
  EXPECT_EQ(linesText(r), "97140x1 GO, 97530x1 GO");
  EXPECT_EQ(warningCount(r, "ncci-pair"), 1);
}

TEST(EngineNcci, PayerMayPreferXu) {
  PayerProfile payer = PayerProfile::medicare();
  payer.distinctServiceModifier = "XU";
  EngineInput in;
  in.timed.push_back(TimedService::fromBlocks("97140", {block(9, 0, 9, 15)}));
  in.timed.push_back(TimedService::fromBlocks("97530", {block(9, 15, 9, 30)}));
  EXPECT_EQ(linesText(compute(in, payer)), "97140x1 GO, 97530x1 GO XU");
}

TEST(EngineNcci, ModifierOrderIsDisciplineAssistantDistinctTelehealth) {
  EngineInput in;
  in.discipline = Discipline::pt;
  in.telehealth = true;
  in.timed.push_back(TimedService::fromBlocks("97140", {block(9, 0, 9, 15)}));
  in.timed.push_back(TimedService::fromBlocks("97530", {block(9, 15, 9, 30, Performer::assistant)}));
  EXPECT_EQ(linesText(compute(in)), "97140x1 GP 95, 97530x1 GP CQ 59 95");
}

TEST(EngineNcci, APairWhoseColumnTwoCodeEarnedNothingRaisesNothing) {
  EngineInput in;
  in.timed.push_back(TimedService::fromBlocks("97140", {block(9, 0, 9, 20)}));
  in.timed.push_back(TimedService::fromBlocks("97530", {block(9, 20, 9, 23)}));
  auto r = compute(in);  // 23 min → 2 units, both to 97140 (remainder 5 beats 3)
  EXPECT_EQ(linesText(r), "97140x2 GO");
  EXPECT_EQ(codesText(r.zeroUnitCodes), "97530");
  EXPECT_FALSE(hasWarning(r, "ncci-separate-blocks"));
  EXPECT_FALSE(hasWarning(r, "ncci-pair"));
}

TEST(EngineNcci, GroupTherapyInItsOwnBlockIsSeparateFromOneOnOne) {
  EngineInput in;
  in.discipline = Discipline::pt;
  in.timed.push_back(TimedService::fromBlocks("97110", {block(9, 0, 9, 20)}));
  in.untimed.push_back(UntimedService{"97150", 30min, 0s, {block(9, 30, 10, 0)}});
  EXPECT_EQ(linesText(compute(in)), "97110x1 GP, 97150x1 GP 59");
}

TEST(EngineNcci, NeverTogetherPairsWarnThatColumnTwoIsDenied) {
  std::vector<CodeInfo> codes = Catalog::builtin().codes();
  auto catalog = Catalog::make("test", codes, {{"97110", "97112", 0, "test pair"}});
  ASSERT_TRUE(catalog.ok());
  auto r = computeUnits(day("97110=15 97112=15"), PayerProfile::medicare(), catalog.value());
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(hasWarning(r.value(), "ncci-never"));
  EXPECT_EQ(linesText(r.value()), "97110x1 GO, 97112x1 GO");
}

// [SECTION] Payer settings

TEST(EnginePayerSettings, DisciplineModifiersCanBeTurnedOff) {
  PayerProfile payer = PayerProfile::commercial();
  payer.disciplineModifiers = false;
  payer.telehealthModifier = false;
  EXPECT_EQ(linesText(compute(day("97110=33 97140=7", Discipline::ot, true), payer)), "97110x2");
}

TEST(EnginePayerSettings, AssistantModifiersOnACommercialProfile) {
  PayerProfile payer = PayerProfile::commercial();
  payer.assistantModifiers = true;
  EXPECT_EQ(linesText(compute(day("97530=14+14"), payer)), "97530x1 GO, 97530x1 GO CO");
}

TEST(EnginePayerSettings, DeMinimisPercentIsASetting) {
  PayerProfile payer = PayerProfile::medicare();
  payer.assistantDeMinimisPercent = 20;  // 3 of 15 is not more than 20 %
  EXPECT_EQ(linesText(compute(day("97110=7+3"), payer)), "97110x1 GO");
  payer.assistantDeMinimisPercent = 10;
  EXPECT_EQ(linesText(compute(day("97110=7+3"), payer)), "97110x1 GO CO");
}

TEST(EnginePayerSettings, CmsRuleOnACustomProfileWithoutAssistantModifiers) {
  PayerProfile payer = PayerProfile::medicare();
  payer.name = "medicaid-state";
  payer.assistantModifiers = false;
  payer.substitutions.clear();
  payer.dropBundledCodes = false;
  auto r = compute(day("97110=0+30 97014=10 97010=5"), payer);
  EXPECT_EQ(linesText(r), "97110x2 GO, 97014x1 GO, 97010x1 GO");
  EXPECT_EQ(r.payer, "medicaid-state");
}

// [SECTION] Merging the sessions of one patient-day (the server's recomputation)

TEST(EngineMerge, TwoSevenMinuteSessionsOfOneCodeMakeOneUnit) {
  auto merged = mergeInputs({day("97110=7"), day("97110=7")});
  ASSERT_TRUE(merged.ok());
  auto r = compute(merged.value());
  EXPECT_EQ(linesText(r), "97110x1 GO");
  EXPECT_EQ(r.totalTimed, 14min);
  // Each session alone earns nothing.
  EXPECT_EQ(medicare("97110=7").totalUnits, 0);
}

TEST(EngineMerge, SessionsOfOneDayPoolAcrossCodes) {
  auto merged = mergeInputs({day("97110=20"), day("97140=13 97110=13")});
  ASSERT_TRUE(merged.ok());
  auto r = compute(merged.value());
  EXPECT_EQ(r.totalTimed, 46min);
  EXPECT_EQ(linesText(r), "97110x2 GO, 97140x1 GO");
}

TEST(EngineMerge, AnUntimedCodeInTwoSessionsIsOneUnitWithBothDurations) {
  auto merged = mergeInputs({day("97150=30"), day("97150=20+5")});
  ASSERT_TRUE(merged.ok());
  ASSERT_EQ(merged.value().untimed.size(), 1u);
  EXPECT_EQ(merged.value().untimed[0].duration, 55min);
  EXPECT_EQ(merged.value().untimed[0].assistant, 5min);
  EXPECT_EQ(linesText(compute(merged.value())), "97150x1 GO");
}

TEST(EngineMerge, DifferentDisciplinesAreRefused) {
  auto merged = mergeInputs({day("97110=7", Discipline::ot), day("97110=7", Discipline::pt)});
  EXPECT_FALSE(merged.ok());
}

TEST(EngineMerge, OrderFollowsTheFirstBlockOfEachCode) {
  EngineInput morning;
  morning.timed.push_back(TimedService::fromBlocks("97530", {block(11, 0, 11, 20)}));
  EngineInput earlier;
  earlier.timed.push_back(TimedService::fromBlocks("97110", {block(9, 0, 9, 20)}));
  auto merged = mergeInputs({morning, earlier});
  ASSERT_TRUE(merged.ok());
  ASSERT_EQ(merged.value().timed.size(), 2u);
  EXPECT_EQ(merged.value().timed[0].code, "97110");
}

TEST(EngineMerge, DiagnosesAreUnitedAndTelehealthKept) {
  EngineInput a = day("97110=10");
  a.diagnoses = std::vector<std::string>{"M25.511"};
  EngineInput b = day("97110=10", Discipline::ot, true);
  b.diagnoses = std::vector<std::string>{"M25.511", "R26.89"};
  auto merged = mergeInputs({a, b});
  ASSERT_TRUE(merged.ok());
  ASSERT_TRUE(merged.value().diagnoses.has_value());
  EXPECT_EQ(merged.value().diagnoses->size(), 2u);
  EXPECT_TRUE(merged.value().telehealth);
}

TEST(EngineMerge, NoSessionsIsAnEmptyDay) {
  auto merged = mergeInputs({});
  ASSERT_TRUE(merged.ok());
  EXPECT_TRUE(merged.value().timed.empty());
}

}  // namespace
}  // namespace unitclock::core::testing
