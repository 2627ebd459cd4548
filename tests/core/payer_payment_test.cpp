// billing-rules.md §2.6: the numeric facts a device shows as payment hints.
#include <gtest/gtest.h>

#include <unitclock/core/payer_payment.h>

namespace unitclock::core::testing {
namespace {

TEST(PaymentFacts, NKX1_OtIn2024AboveTheThresholdNeedsKx) {
  EXPECT_EQ(kxThreshold(2024, TherapyBucket::kOt), 233000);
  EXPECT_EQ(kxRequired(2024, TherapyBucket::kOt, 233100), true);   // $2,331
  EXPECT_EQ(kxRequired(2024, TherapyBucket::kOt, 233000), false);  // exactly the threshold is not above it
}

TEST(PaymentFacts, NKX2_PtAndSlpIn2025) {
  EXPECT_EQ(kxThreshold(2025, TherapyBucket::kPtSlp), 241000);
}

TEST(PaymentFacts, NKX3_OtIn2026) {
  EXPECT_EQ(kxThreshold(2026, TherapyBucket::kOt), 248000);
}

TEST(PaymentFacts, KnownYearsAndUnknownOnes) {
  EXPECT_EQ(kxThreshold(2019, TherapyBucket::kPtSlp), 204000);
  EXPECT_EQ(kxThreshold(2021, TherapyBucket::kOt), 211000);
  EXPECT_EQ(kxThreshold(2022, TherapyBucket::kOt), 215000);
  EXPECT_EQ(kxThreshold(2023, TherapyBucket::kPtSlp), 223000);
  EXPECT_FALSE(kxThreshold(2020, TherapyBucket::kOt).has_value());
  EXPECT_FALSE(kxThreshold(2027, TherapyBucket::kOt).has_value());
  EXPECT_FALSE(kxRequired(2027, TherapyBucket::kOt, 999999).has_value());
}

TEST(PaymentFacts, NCQ1_AssistantLinesArePaidAtEightyFivePercent) {
  EXPECT_EQ(assistantPaymentBasis(10000), 8500);  // $100.00 → $85.00
  EXPECT_EQ(assistantPaymentBasis(0), 0);
  EXPECT_EQ(assistantPaymentBasis(3333), 2833);  // 2833.05 → nearest cent
}

TEST(PaymentFacts, NMPPR1_SecondAndLaterUnitsPayHalfThePracticeExpense) {
  EXPECT_EQ(mpprPracticeExpense({2000, 2000, 2000}), 4000);  // 20 + 10 + 10
  EXPECT_EQ(mpprPracticeExpense({1000, 3000}), 3500);  // the highest is paid in full, whatever the order
  EXPECT_EQ(mpprPracticeExpense({}), 0);
  EXPECT_EQ(mpprPracticeExpense({1500}), 1500);
}

}  // namespace
}  // namespace unitclock::core::testing
