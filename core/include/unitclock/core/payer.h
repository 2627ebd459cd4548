// Payer profiles: the settings of billing-rules.md §4 that change what a device bills.
// Built in: "medicare" (CMS total-time rule, GO/GP/GN, CQ/CO, 97014 → G0283, 97010 bundled, 95 for
// telehealth) and "commercial" (AMA per-code rule, GO/GP/GN, no assistant modifiers, 95 for telehealth).
// Custom profiles come from assets/catalog/payers.json or the server (loaded by platform/data).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <unitclock/core/result.h>
#include <unitclock/core/types.h>

namespace unitclock::core {

struct CodeSubstitution {
  std::string from;  // "97014"
  std::string to;    // "G0283"

  friend bool operator==(const CodeSubstitution&, const CodeSubstitution&) = default;
};

struct PayerProfile {
  std::string name;                    // "medicare"; lower-case id used by the CLI, JSON and the store
  std::string displayName;             // "Medicare Part B"
  UnitRule rule = UnitRule::cms;       // S2
  bool disciplineModifiers = true;     // GO/GP/GN on therapy codes (§1.6)
  bool assistantModifiers = false;     // CQ/CO (S13)
  int assistantDeMinimisPercent = 10;  // S10: modifier when assistant share is strictly greater
  std::vector<CodeSubstitution> substitutions;  // S8
  bool dropBundledCodes = false;                // S9: Medicare-bundled codes documented, not charged
  bool telehealthModifier = true;               // S19: modifier 95 on every line of a telehealth visit
  std::string distinctServiceModifier = "59";   // S17: "59" or "XU"
  int maxTimedUnitsPerVisit = 0;                // S16: 0 = no cap; a cap only raises a warning

  friend bool operator==(const PayerProfile&, const PayerProfile&) = default;

  static PayerProfile medicare();
  static PayerProfile commercial();

  // Checks a custom profile: non-empty lower-case name of [a-z0-9_-], percent in 0..100, cap >= 0,
  // substitutions with non-empty codes, distinct-service modifier one of 59, XE, XS, XP, XU.
  Result<void, std::string> validate() const;
};

// The built-in profiles by name ("medicare", "commercial"); nullopt for any other name.
std::optional<PayerProfile> builtinPayer(std::string_view name);

// The built-in profiles, medicare first.
std::vector<PayerProfile> builtinPayers();

}  // namespace unitclock::core
