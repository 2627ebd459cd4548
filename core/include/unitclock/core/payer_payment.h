// Payment facts a device may show as hints (billing-rules.md §1.8, §1.9, §5, §2.6). They never change
// units or modifiers: KX is decided by the server from year-to-date amounts (S22, K5); the 85 % assistant
// rate and the multiple procedure payment reduction only matter for payment estimates (S14, S23).
// Money is integer cents.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

namespace unitclock::core {

using Cents = std::int64_t;

// The two KX threshold buckets: PT and SLP combined, and OT.
enum class TherapyBucket { kPtSlp, kOt };

// The per-beneficiary KX threshold for a calendar year (2019, 2021–2026 known), nullopt for other years.
// The same amount applies to both buckets in every known year.
std::optional<Cents> kxThreshold(int year, TherapyBucket bucket) noexcept;

// True when year-to-date incurred expenses in the bucket (deductible and coinsurance included, K2) exceed
// the threshold, so therapy lines need KX. nullopt when the year's threshold is not known.
std::optional<bool> kxRequired(int year, TherapyBucket bucket, Cents yearToDateIncurred) noexcept;

// The payment basis of a line furnished in whole or in part by an assistant (CQ/CO): 85 % of the
// allowed amount (42 U.S.C. 1395m(v), dates of service from 2022), rounded to the nearest cent.
Cents assistantPaymentBasis(Cents allowed) noexcept;

// The practice-expense part paid for the units of one patient-day under MPPR: the unit with the
// highest practice expense in full, every other unit at 50 % (rounded down to the cent).
// `unitPracticeExpense` lists each unit's practice-expense amount, in any order.
Cents mpprPracticeExpense(std::vector<Cents> unitPracticeExpense);

}  // namespace unitclock::core
