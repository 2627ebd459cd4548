#include <unitclock/core/payer_payment.h>

#include <algorithm>

namespace unitclock::core {

namespace {

struct Threshold {
  int year;
  Cents amount;
};

// billing-rules.md §5. 2020 is not in the spec's table and is left unknown on purpose.
constexpr Threshold kKxThresholds[] = {
    {2019, 204000}, {2021, 211000}, {2022, 215000}, {2023, 223000},
    {2024, 233000}, {2025, 241000}, {2026, 248000},
};

constexpr int kAssistantPercent = 85;  // 42 U.S.C. 1395m(v)(1)
constexpr int kMpprPercent = 50;       // practice expense of the second and later units

}  // namespace

std::optional<Cents> kxThreshold(int year, TherapyBucket) noexcept {
  for (const auto& t : kKxThresholds) {
    if (t.year == year) return t.amount;
  }
  return std::nullopt;
}

std::optional<bool> kxRequired(int year, TherapyBucket bucket, Cents yearToDateIncurred) noexcept {
  auto threshold = kxThreshold(year, bucket);
  if (!threshold) return std::nullopt;
  return yearToDateIncurred > *threshold;
}

Cents assistantPaymentBasis(Cents allowed) noexcept {
  return (allowed * kAssistantPercent + 50) / 100;
}

Cents mpprPracticeExpense(std::vector<Cents> unitPracticeExpense) {
  if (unitPracticeExpense.empty()) return 0;
  std::sort(unitPracticeExpense.begin(), unitPracticeExpense.end(), std::greater<>{});
  Cents total = unitPracticeExpense.front();
  for (std::size_t i = 1; i < unitPracticeExpense.size(); ++i)
    total += unitPracticeExpense[i] * kMpprPercent / 100;
  return total;
}

}  // namespace unitclock::core
