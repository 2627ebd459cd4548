// Derived vectors (billing-rules.md §2.3): each row is one patient-day typed the way a biller would type
// it into `unitclock-cli units`, with the claim lines and zero-unit codes worked out by hand from the
// rules. Lines read "CODE xUNITS MODIFIERS" in claim order.
#include <gtest/gtest.h>

#include "units_test_support.h"

namespace unitclock::core::testing {
namespace {

struct Vector {
  const char* name;
  const char* payer;  // "medicare" or "commercial"
  Discipline discipline;
  bool telehealth;
  const char* items;
  const char* lines;
  const char* zeroUnitCodes;
  int totalTimed;
  int totalTreatment;
};

constexpr auto OT = Discipline::ot;
constexpr auto PT = Discipline::pt;
constexpr auto SLP = Discipline::slp;

// clang-format off
const Vector kVectors[] = {
  // --- remainders against total minutes (§1.4.1) ---
  {"SixteenAndFourteenGoesToTheLargerRemainder", "medicare", OT, false, "97110=16 97140=14", "97110x1 GO, 97140x1 GO", "", 30, 30},
  {"ThirtyAndEightGivesTheEightMinuteCodeAUnit", "medicare", OT, false, "97110=30 97140=8", "97110x2 GO, 97140x1 GO", "", 38, 38},
  {"FortyFiveAndSevenLeavesTheSevenUnbilled", "medicare", OT, false, "97110=45 97140=7", "97110x3 GO", "97140", 52, 52},
  {"FortyFiveAndEightEarnsAFourthUnit", "medicare", OT, false, "97110=45 97140=8", "97110x3 GO, 97140x1 GO", "", 53, 53},
  {"TwentyTwoAndEightGoesToTheEight", "medicare", OT, false, "97110=22 97140=8", "97110x1 GO, 97140x1 GO", "", 30, 30},
  {"TwentyNineAndOneGivesBothUnitsToTheLongCode", "medicare", OT, false, "97110=29 97140=1", "97110x2 GO", "97140", 30, 30},
  {"SixtyAndThreeLeavesTheThreeUnbilled", "medicare", OT, false, "97110=60 97140=3", "97110x4 GO", "97140", 63, 63},
  {"FifteenAndFifteenNeedNoRemainder", "medicare", OT, false, "97110=15 97140=15", "97110x1 GO, 97140x1 GO", "", 30, 30},
  {"ThreeFourteensEachEarnOne", "medicare", OT, false, "97110=14 97140=14 97112=14", "97110x1 GO, 97140x1 GO, 97112x1 GO", "", 42, 42},
  // --- codes with 8 minutes or more that earn nothing ---
  {"ThreeTensGiveTwoUnitsAndTheThirdTenNothing", "medicare", OT, false, "97110=10 97112=10 97140=10", "97110x1 GO, 97112x1 GO", "97140", 30, 30},
  {"FourTwelvesGiveThreeUnits", "medicare", OT, false, "97110=12 97112=12 97116=12 97140=12", "97110x1 GO, 97112x1 GO, 97116x1 GO", "97140", 48, 48},
  {"FourNinesGiveTwoUnits", "medicare", OT, false, "97110=9 97140=9 97112=9 97116=9", "97110x1 GO, 97140x1 GO", "97112,97116", 36, 36},
  {"EightAndEightMakeOneUnitUnderCms", "medicare", OT, false, "97110=8 97140=8", "97110x1 GO", "97140", 16, 16},
  // --- pooled short codes ---
  {"TwoSevensPoolIntoOneUnit", "medicare", OT, false, "97530=7 97535=7", "97530x1 GO", "97535", 14, 14},
  {"FourAndFourPoolIntoOneUnit", "medicare", OT, false, "97530=4 97535=4", "97530x1 GO", "97535", 8, 8},
  {"FiveAndTwoStayBelowEight", "medicare", OT, false, "97530=5 97535=2", "", "97530,97535", 7, 7},
  {"OneCodeUnderEightEarnsNothing", "medicare", OT, false, "97110=7", "", "97110", 7, 7},
  // --- ties broken by more total minutes, then performed first ---
  {"EqualRemaindersGoToMoreTotalMinutes", "medicare", OT, false, "97112=20 97110=35", "97112x1 GO, 97110x3 GO", "", 55, 55},
  {"EqualRemaindersAndMinutesGoToPerformedFirst", "medicare", OT, false, "97530=22 97110=22", "97530x2 GO, 97110x1 GO", "", 44, 44},
  // --- untimed codes mixed in (T5: their minutes count only in treatment time) ---
  {"EvaluationAddsOneUnitAndItsMinutes", "medicare", OT, false, "97165=45 97110=33 97530=7", "97110x2 GO, 97530x1 GO, 97165x1 GO", "", 40, 85},
  {"EvaluationWithoutMinutesStillOneUnit", "medicare", OT, false, "97166 97110=23", "97110x2 GO, 97166x1 GO", "", 23, 23},
  {"GroupTherapyDoesNotPoolWithTimedMinutes", "medicare", OT, false, "97110=7 97150=30", "97150x1 GO", "97110", 7, 37},
  {"ReEvaluationAndTreatment", "medicare", OT, false, "97168=30 97535=38", "97535x3 GO, 97168x1 GO", "", 38, 68},
  {"SupervisedModalityIsOneUnit", "medicare", OT, false, "97018=15 97110=8", "97110x1 GO, 97018x1 GO", "", 8, 23},
  {"LongUntimedServiceIsStillOneUnit", "medicare", OT, false, "97150=90", "97150x1 GO", "", 0, 90},
  // --- CQ/CO (§1.7, §2.4) ---
  {"Q1_PtaAndPtOnExerciseWithManualTherapy", "medicare", PT, false, "97110=13+23 97140=30", "97110x1 GP, 97110x1 GP CQ, 97140x2 GP", "", 66, 66},
  {"Q2_OtaFurnishesMostOfTheOnlyUnit", "medicare", OT, false, "97530=5+10", "97530x1 GO CO", "", 15, 15},
  {"Q11_FourteenAndFourteenSplitOneUnitEach", "medicare", OT, false, "97530=14+14", "97530x1 GO, 97530x1 GO CO", "", 28, 28},
  {"AssistantAloneCarriesTheModifierOnEveryUnit", "medicare", OT, false, "97110=0+30", "97110x2 GO CO", "", 30, 30},
  {"TherapistAloneNeedsNoAssistantModifier", "medicare", OT, false, "97110=30", "97110x2 GO", "", 30, 30},
  {"FullFifteenEachGivesOneUnitEach", "medicare", PT, false, "97110=15+15", "97110x1 GP, 97110x1 GP CQ", "", 30, 30},
  {"OneAssistantMinuteBesideAFullUnitChangesNothing", "medicare", OT, false, "97110=20+1", "97110x1 GO", "", 21, 21},
  {"TwoAssistantMinutesOfAShortUnitPassDeMinimis", "medicare", OT, false, "97110=7+2", "97110x1 GO CO", "", 9, 9},
  {"OneAssistantMinuteOfAShortUnitIsDeMinimis", "medicare", OT, false, "97110=7+1", "97110x1 GO", "", 8, 8},
  {"FinalUnitTherapistThirteenOverAssistantEight", "medicare", OT, false, "97110=13+8", "97110x1 GO", "", 21, 21},
  {"FinalUnitAssistantThirteenOverTherapistEight", "medicare", OT, false, "97110=8+13", "97110x1 GO CO", "", 21, 21},
  {"FinalUnitExactTieCarriesTheModifier", "medicare", PT, false, "97110=10+10", "97110x1 GP CQ", "", 20, 20},
  {"FinalUnitTherapistEightOrMoreWinsOverShortAssistant", "medicare", OT, false, "97110=9+5", "97110x1 GO", "", 14, 14},
  {"FinalUnitAssistantEightOrMoreWinsOverShortTherapist", "medicare", OT, false, "97110=5+9", "97110x1 GO CO", "", 14, 14},
  {"FullUnitsEachThenFinalUnitToTheTherapist", "medicare", OT, false, "97110=25+20", "97110x2 GO, 97110x1 GO CO", "", 45, 45},
  {"AssistantCodeWinsTheRemainderUnit", "medicare", OT, false, "97110=0+10 97140=20", "97110x1 GO CO, 97140x1 GO", "", 30, 30},
  {"AssistantShortCodeLosesTheRemainder", "medicare", OT, false, "97110=0+7 97140=8", "97140x1 GO", "97110", 15, 15},
  {"UntimedAssistantShareAboveTenPercent", "medicare", OT, false, "97150=20+3", "97150x1 GO CO", "", 0, 23},
  {"UntimedAssistantShareOfExactlyTenPercent", "medicare", OT, false, "97150=27+3", "97150x1 GO", "", 0, 30},
  {"UntimedAllAssistant", "medicare", PT, false, "97150=0+30", "97150x1 GP CQ", "", 0, 30},
  {"SpeechHasNoAssistantModifier", "medicare", SLP, false, "92507=30+30", "92507x1 GN", "", 0, 60},
  {"CommercialNeverAddsAssistantModifiers", "commercial", OT, false, "97110=0+30", "97110x2 GO", "", 30, 30},
  // --- AMA vs CMS on the same day (§2.5) ---
  {"X1_AmaThreeSevensEarnNothing", "commercial", OT, false, "97112=7 97110=7 97140=7", "", "97112,97110,97140", 21, 21},
  {"X2_AmaGivesEachCodeItsOwnSecondUnit", "commercial", OT, false, "97112=24 97110=23", "97112x2 GO, 97110x2 GO", "", 47, 47},
  {"X3_AmaDoesNotPoolRemainders", "commercial", OT, false, "97112=20 97110=20", "97112x1 GO, 97110x1 GO", "", 40, 40},
  {"X4_AmaSevenMinutesEarnNothing", "commercial", OT, false, "97110=33 97140=7", "97110x2 GO", "97140", 40, 40},
  {"AmaEightAndEightEarnOneEach", "commercial", OT, false, "97110=8 97140=8", "97110x1 GO, 97140x1 GO", "", 16, 16},
  {"CmsTwentyTwosPoolToThree", "medicare", OT, false, "97110=22 97140=22", "97110x2 GO, 97140x1 GO", "", 44, 44},
  {"AmaTwentyTwosStayOneEach", "commercial", OT, false, "97110=22 97140=22", "97110x1 GO, 97140x1 GO", "", 44, 44},
  {"AmaUntimedStillOneUnit", "commercial", OT, false, "97165=60 97110=8", "97110x1 GO, 97165x1 GO", "", 8, 68},
  // --- telehealth (95 last) ---
  {"TelehealthAddsNinetyFiveToEveryLine", "medicare", OT, true, "97110=33 97140=7", "97110x2 GO 95, 97140x1 GO 95", "", 40, 40},
  {"TelehealthCommercial", "commercial", OT, true, "97110=33 97140=7", "97110x2 GO 95", "97140", 40, 40},
  {"TelehealthAfterAssistantModifier", "medicare", PT, true, "97110=10+10", "97110x1 GP CQ 95", "", 20, 20},
  {"TelehealthSpeech", "medicare", SLP, true, "92507=30", "92507x1 GN 95", "", 0, 30},
  // --- substitutions and bundling (S8, S9) ---
  {"MedicareBillsUnattendedStimulationAsG0283", "medicare", OT, false, "97014=15", "G0283x1 GO", "", 0, 15},
  {"CommercialKeeps97014", "commercial", OT, false, "97014=15", "97014x1 GO", "", 0, 15},
  {"SubstitutedCodeKeepsAssistantModifier", "medicare", PT, false, "97014=15+5", "G0283x1 GP CQ", "", 0, 20},
  {"MedicareHotPackIsDocumentedNotCharged", "medicare", OT, false, "97010=10 97110=15", "97110x1 GO", "97010", 15, 25},
  {"CommercialChargesHotPack", "commercial", OT, false, "97010=10 97110=15", "97110x1 GO, 97010x1 GO", "", 15, 25},
  // --- disciplines ---
  {"PhysicalTherapyUsesGP", "medicare", PT, false, "97110=33 97140=7", "97110x2 GP, 97140x1 GP", "", 40, 40},
  {"SpeechUsesGN", "medicare", SLP, false, "92526=30 92507=20", "92526x1 GN, 92507x1 GN", "", 0, 50},
  {"PhysicalTherapyEvaluation", "medicare", PT, false, "97163=60 97110=23", "97110x2 GP, 97163x1 GP", "", 23, 83},
  // --- 97129/97130 (S15) ---
  {"CognitiveFortyMinutesFirstUnitThenAddOns", "medicare", OT, false, "97129=40", "97129x1 GO, 97130x2 GO", "", 40, 40},
  {"CognitiveTenMinutesIsTheFirstUnitOnly", "medicare", OT, false, "97129=10", "97129x1 GO", "", 10, 10},
  {"CognitiveSevenMinutesIsNothing", "medicare", OT, false, "97129=7", "", "97129", 7, 7},
  {"CognitivePoolsWithOtherTimedCodes", "medicare", OT, false, "97129=20 97110=20", "97129x1 GO, 97130x1 GO, 97110x1 GO", "", 40, 40},
  {"AddOnRecordedAloneStartsWithTheFirstCode", "medicare", OT, false, "97130=25", "97129x1 GO, 97130x1 GO", "", 25, 25},
  {"FirstAndAddOnRecordedAreOneService", "medicare", OT, false, "97129=15 97130=20", "97129x1 GO, 97130x1 GO", "", 35, 35},
  {"CognitiveUnderAma", "commercial", OT, false, "97129=40", "97129x1 GO, 97130x2 GO", "", 40, 40},
  {"CognitiveWithAssistantSplit", "medicare", OT, false, "97129=15+15", "97129x1 GO, 97130x1 GO CO", "", 30, 30},
  {"CognitiveAllAssistant", "medicare", OT, false, "97129=0+20", "97129x1 GO CO", "", 20, 20},
  // --- unit lengths other than 15 minutes (S6) ---
  {"CognitiveTestingThirtyMinutesIsBelowTheHourMidpoint", "medicare", OT, false, "96125=30", "", "96125", 30, 30},
  {"CognitiveTestingThirtyOneMinutesIsOneHour", "medicare", OT, false, "96125=31", "96125x1 GO", "", 31, 31},
  {"CognitiveTestingNinetyMinutesIsOneHour", "medicare", OT, false, "96125=90", "96125x1 GO", "", 90, 90},
  {"CognitiveTestingNinetyOneMinutesIsTwoHours", "medicare", OT, false, "96125=91", "96125x2 GO", "", 91, 91},
  {"HourCodeDoesNotPoolWithFifteenMinuteCodes", "medicare", OT, false, "96125=31 97110=10", "96125x1 GO, 97110x1 GO", "", 41, 41},
  {"CaregiverTrainingFifteenMinutesIsNothing", "medicare", OT, false, "97550=15", "", "97550", 15, 15},
  {"CaregiverTrainingSixteenMinutesIsTheFirstUnit", "medicare", OT, false, "97550=16", "97550x1 GO", "", 16, 16},
  {"CaregiverTrainingThirtySevenMinutesIsStillOne", "medicare", OT, false, "97550=37", "97550x1 GO", "", 37, 37},
  {"CaregiverTrainingThirtyEightMinutesAddsAnAddOn", "medicare", OT, false, "97550=38", "97550x1 GO, 97551x1 GO", "", 38, 38},
  {"CaregiverTrainingSixtyMinutes", "medicare", OT, false, "97550=60", "97550x1 GO, 97551x2 GO", "", 60, 60},
  {"CaregiverTrainingBesideAShortTimedCode", "medicare", OT, false, "97550=40 97110=7", "97550x1 GO, 97551x1 GO", "97110", 47, 47},
  {"WorkHardeningSixtyMinutesIsNothing", "medicare", PT, false, "97545=60", "", "97545", 60, 60},
  {"WorkHardeningSixtyOneMinutesIsTheFirstUnit", "medicare", PT, false, "97545=61", "97545x1 GP", "", 61, 61},
  {"WorkHardeningOneFiftyIsStillOne", "medicare", PT, false, "97545=150", "97545x1 GP", "", 150, 150},
  {"WorkHardeningOneFiftyOneAddsAnHour", "medicare", PT, false, "97545=151", "97545x1 GP, 97546x1 GP", "", 151, 151},
  {"WorkHardeningFourHours", "medicare", PT, false, "97545=240", "97545x1 GP, 97546x2 GP", "", 240, 240},
  // --- larger days ---
  {"SixCodeDay", "medicare", OT, false, "97165=40 97110=18 97530=24 97535=12 97140=6 97010=10", "97110x1 GO, 97530x2 GO, 97535x1 GO, 97165x1 GO", "97140,97010", 60, 110},
  {"SixCodeDayCommercial", "commercial", OT, false, "97165=40 97110=18 97530=24 97535=12 97140=6 97010=10", "97110x1 GO, 97530x2 GO, 97535x1 GO, 97165x1 GO, 97010x1 GO", "97140", 60, 110},
  {"TwoHoursOfOneCode", "medicare", OT, false, "97110=127", "97110x8 GO", "", 127, 127},
  {"TwoHoursAndOneMinute", "medicare", OT, false, "97110=128", "97110x9 GO", "", 128, 128},
};
// clang-format on

class DerivedVector : public ::testing::TestWithParam<Vector> {};

TEST_P(DerivedVector, GivesTheHandWorkedClaimLines) {
  const Vector& v = GetParam();
  const PayerProfile payer =
      std::string_view{v.payer} == "medicare" ? PayerProfile::medicare() : PayerProfile::commercial();
  auto r = compute(day(v.items, v.discipline, v.telehealth), payer);
  EXPECT_EQ(linesText(r), v.lines) << v.items;
  EXPECT_EQ(codesText(r.zeroUnitCodes), v.zeroUnitCodes) << v.items;
  EXPECT_EQ(r.totalTimed.count(), v.totalTimed) << v.items;
  EXPECT_EQ(r.totalTreatment.count(), v.totalTreatment) << v.items;
  int sum = 0;
  for (const auto& line : r.lines) {
    EXPECT_GT(line.units, 0);
    sum += line.units;
  }
  EXPECT_EQ(r.totalUnits, sum);
}

INSTANTIATE_TEST_SUITE_P(Day, DerivedVector, ::testing::ValuesIn(kVectors),
                         [](const ::testing::TestParamInfo<Vector>& row) {
                           return std::string{row.param.name};
                         });

TEST(DerivedVectorTable, HoldsAtLeastSixtyDays) {
  EXPECT_GE(std::size(kVectors), 60u);
}

}  // namespace
}  // namespace unitclock::core::testing
