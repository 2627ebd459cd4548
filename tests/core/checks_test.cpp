// Checks before signing, as the review screen shows them: each warning id appears exactly when its
// condition holds.
#include <gtest/gtest.h>

#include "units_test_support.h"

namespace unitclock::core::testing {
namespace {

using namespace std::chrono_literals;

TEST(Checks, NoDiagnosisWhenTheListIsEmpty) {
  auto in = day("97110=15");
  in.diagnoses = std::vector<std::string>{};
  EXPECT_TRUE(hasWarning(compute(in), "no-diagnosis"));
  in.diagnoses = std::vector<std::string>{""};
  EXPECT_TRUE(hasWarning(compute(in), "no-diagnosis"));
}

TEST(Checks, DiagnosisPresentOrNotCheckedRaisesNothing) {
  auto in = day("97110=15");
  in.diagnoses = std::vector<std::string>{"M25.511"};
  EXPECT_FALSE(hasWarning(compute(in), "no-diagnosis"));
  in.diagnoses.reset();
  EXPECT_FALSE(hasWarning(compute(in), "no-diagnosis"));
}

TEST(Checks, NothingBillableWhenNoLineHasUnits) {
  EXPECT_TRUE(hasWarning(medicare("97110=5"), "nothing-billable"));
  EXPECT_TRUE(hasWarning(medicare("97010=15"), "nothing-billable"));  // bundled only
  EXPECT_FALSE(hasWarning(medicare("97110=8"), "nothing-billable"));
}

TEST(Checks, EvaluationAndReEvaluationTogether) {
  auto r = medicare("97165=30 97168=20");
  EXPECT_TRUE(hasWarning(r, "eval-and-reeval"));
  EXPECT_FALSE(hasWarning(medicare("97165=30 97110=20"), "eval-and-reeval"));
  EXPECT_TRUE(hasWarning(medicare("97163=30 97164=20", Discipline::pt), "eval-and-reeval"));
}

TEST(Checks, AssistantMinutesOnAnEvaluation) {
  auto r = medicare("97165=30+10");
  EXPECT_TRUE(hasWarning(r, "assistant-on-evaluation"));
  EXPECT_FALSE(hasWarning(medicare("97165=30"), "assistant-on-evaluation"));
  EXPECT_FALSE(hasWarning(medicare("97150=30+10"), "assistant-on-evaluation"));
}

TEST(Checks, ZeroUnitTimedCodeIsInformationPerCode) {
  auto r = medicare("97110=18 97140=13 97116=10 97035=8");
  ASSERT_EQ(warningCount(r, "zero-unit-timed"), 1);
  for (const auto& w : r.warnings) {
    if (w.id == "zero-unit-timed") {
      EXPECT_EQ(w.code, "97035");
    }
  }
  EXPECT_EQ(warningCount(medicare("97110=33 97140=7"), "zero-unit-timed"), 0);
}

TEST(Checks, PayerUnitsCapExceededWarnsButKeepsTheUnits) {
  PayerProfile payer = PayerProfile::commercial();
  payer.name = "commercial-cap4";
  payer.maxTimedUnitsPerVisit = 4;
  auto over = compute(day("97110=30 97112=30 97140=15"), payer);
  EXPECT_EQ(over.totalUnits, 5);
  EXPECT_TRUE(hasWarning(over, "units-cap-exceeded"));
  auto at = compute(day("97110=30 97112=30"), payer);
  EXPECT_EQ(at.totalUnits, 4);
  EXPECT_FALSE(hasWarning(at, "units-cap-exceeded"));
  // Untimed units do not count toward a timed-unit cap.
  EXPECT_FALSE(hasWarning(compute(day("97110=30 97112=30 97165"), payer), "units-cap-exceeded"));
  // No cap by default.
  EXPECT_FALSE(hasWarning(commercial("97110=60 97112=60"), "units-cap-exceeded"));
}

TEST(Checks, GroupTimeOverlappingOneOnOneTime) {
  using std::chrono::sys_days;
  const std::chrono::sys_seconds nine{sys_days{2026y / 11 / 26}.time_since_epoch() + 9h};
  EngineInput in;
  in.timed.push_back(TimedService::fromBlocks("97530", {{nine, nine + 20min, Performer::therapist}}));
  in.untimed.push_back(
      UntimedService{"97150", 30min, 0s, {{nine + 15min, nine + 45min, Performer::therapist}}});
  EXPECT_TRUE(hasWarning(compute(in), "group-overlap"));
  in.untimed[0].blocks = {{nine + 20min, nine + 50min, Performer::therapist}};  // starts when one-on-one ends
  EXPECT_FALSE(hasWarning(compute(in), "group-overlap"));
  in.untimed[0].blocks.clear();  // no times known: nothing to compare
  EXPECT_FALSE(hasWarning(compute(in), "group-overlap"));
}

TEST(Checks, SessionLongerThanFourHours) {
  EXPECT_TRUE(hasWarning(medicare("97110=200 97150=41"), "long-session"));
  EXPECT_FALSE(hasWarning(medicare("97110=200 97150=40"), "long-session"));
}

TEST(Checks, CodeOfAnotherDiscipline) {
  EXPECT_TRUE(hasWarning(medicare("97161=30 97110=10", Discipline::ot), "code-discipline"));
  EXPECT_FALSE(hasWarning(medicare("97165=30 97110=10", Discipline::ot), "code-discipline"));
  EXPECT_TRUE(hasWarning(medicare("92507=30", Discipline::pt), "code-discipline"));
}

TEST(Checks, ACleanDayHasNoWarnings) {
  auto in = day("97110=33 97530=22", Discipline::ot);
  in.diagnoses = std::vector<std::string>{"M25.511"};
  auto r = compute(in);
  EXPECT_TRUE(r.warnings.empty()) << r.warnings.front().id;
}

TEST(Checks, EveryWarningCarriesAMessage) {
  auto in = day("97165=30+5 97168=10 97110=5 97014=10 97010=5 97140=15 97530=15 97161");
  in.diagnoses = std::vector<std::string>{};
  auto r = compute(in);
  EXPECT_GE(r.warnings.size(), 7u);
  for (const auto& w : r.warnings) {
    EXPECT_FALSE(w.id.empty());
    EXPECT_FALSE(w.message.empty()) << w.id;
  }
}

}  // namespace
}  // namespace unitclock::core::testing
