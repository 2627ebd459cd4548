#include <unitclock/core/payer.h>

#include <array>

namespace unitclock::core {

PayerProfile PayerProfile::medicare() {
  PayerProfile p;
  p.name = "medicare";
  p.displayName = "Medicare Part B";
  p.rule = UnitRule::cms;
  p.disciplineModifiers = true;
  p.assistantModifiers = true;
  p.assistantDeMinimisPercent = 10;
  p.substitutions = {{"97014", "G0283"}};
  p.dropBundledCodes = true;
  p.telehealthModifier = true;
  p.distinctServiceModifier = "59";
  p.maxTimedUnitsPerVisit = 0;
  return p;
}

PayerProfile PayerProfile::commercial() {
  PayerProfile p;
  p.name = "commercial";
  p.displayName = "Commercial (AMA per-code rule)";
  p.rule = UnitRule::ama;
  p.disciplineModifiers = true;
  p.assistantModifiers = false;
  p.assistantDeMinimisPercent = 10;
  p.substitutions = {};
  p.dropBundledCodes = false;
  p.telehealthModifier = true;
  p.distinctServiceModifier = "59";
  p.maxTimedUnitsPerVisit = 0;
  return p;
}

Result<void, std::string> PayerProfile::validate() const {
  if (name.empty()) return fail(std::string{"payer profile has an empty name"});
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    if (!ok) {
      return fail("payer profile name '" + name + "' may use only a-z, 0-9, '_' and '-'");
    }
  }
  if (assistantDeMinimisPercent < 0 || assistantDeMinimisPercent > 100) {
    return fail("payer profile '" + name + "': assistant de minimis percent must be 0..100");
  }
  if (maxTimedUnitsPerVisit < 0) {
    return fail("payer profile '" + name + "': max timed units per visit must be 0 (no cap) or more");
  }
  for (const auto& s : substitutions) {
    if (s.from.empty() || s.to.empty() || s.from == s.to) {
      return fail("payer profile '" + name + "': a substitution needs two different codes");
    }
  }
  static constexpr std::array<std::string_view, 5> kDistinct{"59", "XE", "XS", "XP", "XU"};
  bool known = false;
  for (auto m : kDistinct) known = known || m == distinctServiceModifier;
  if (!known) {
    return fail("payer profile '" + name + "': distinct-service modifier '" + distinctServiceModifier +
                "' is not one of 59, XE, XS, XP, XU");
  }
  return {};
}

std::optional<PayerProfile> builtinPayer(std::string_view name) {
  if (name == "medicare") return PayerProfile::medicare();
  if (name == "commercial") return PayerProfile::commercial();
  return std::nullopt;
}

std::vector<PayerProfile> builtinPayers() {
  return {PayerProfile::medicare(), PayerProfile::commercial()};
}

}  // namespace unitclock::core
