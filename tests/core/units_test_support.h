// Helpers for the rules-engine tests: a day written the way a biller types it into `unitclock-cli units`
// ("97110=33 97140=7+3 97165", minutes or M:SS), and claim lines printed as "97110x2 GO, 97140x1 GO CO".
#pragma once

#include <gtest/gtest.h>

#include <charconv>
#include <sstream>
#include <string>
#include <string_view>

#include <unitclock/core/engine.h>

namespace unitclock::core::testing {

// "33" → 33 min; "7:59" → 7 min 59 s.
inline std::chrono::seconds parseTime(std::string_view text) {
  auto colon = text.find(':');
  long long m = 0;
  long long s = 0;
  std::from_chars(text.data(), text.data() + (colon == std::string_view::npos ? text.size() : colon), m);
  if (colon != std::string_view::npos) std::from_chars(text.data() + colon + 1, text.data() + text.size(), s);
  return std::chrono::seconds{m * 60 + s};
}

// Items separated by spaces, in the order performed: CODE (untimed), CODE=T or CODE=T+A. A code the
// built-in catalog does not call timed goes to the untimed list (T+A = its whole duration).
inline EngineInput day(std::string_view items, Discipline discipline = Discipline::ot,
                       bool telehealth = false) {
  EngineInput in;
  in.discipline = discipline;
  in.telehealth = telehealth;
  std::istringstream words{std::string{items}};
  std::string word;
  while (words >> word) {
    auto eq = word.find('=');
    std::string code = word.substr(0, eq);
    std::chrono::seconds t{};
    std::chrono::seconds a{};
    if (eq != std::string::npos) {
      std::string_view rest = std::string_view{word}.substr(eq + 1);
      auto plus = rest.find('+');
      t = parseTime(rest.substr(0, plus));
      if (plus != std::string_view::npos) a = parseTime(rest.substr(plus + 1));
    }
    const CodeInfo* info = Catalog::builtin().find(code);
    if (info != nullptr && !info->timed) {
      in.untimed.push_back(UntimedService{code, t + a, a, {}});
    } else {
      in.timed.push_back(TimedService{code, t, a, {}});
    }
  }
  return in;
}

inline std::string linesText(const UnitsResult& r) {
  std::string out;
  for (const auto& line : r.lines) {
    if (!out.empty()) out += ", ";
    out += line.code + "x" + std::to_string(line.units);
    for (const auto& m : line.modifiers) out += " " + m;
  }
  return out;
}

inline std::string codesText(const std::vector<std::string>& codes) {
  std::string out;
  for (const auto& c : codes) out += (out.empty() ? "" : ",") + c;
  return out;
}

inline bool hasWarning(const UnitsResult& r, std::string_view id) {
  for (const auto& w : r.warnings) {
    if (w.id == id) return true;
  }
  return false;
}

inline int warningCount(const UnitsResult& r, std::string_view id) {
  int n = 0;
  for (const auto& w : r.warnings) n += w.id == id ? 1 : 0;
  return n;
}

// Computes and fails the test (returning an empty result) if the engine reports an error.
inline UnitsResult compute(const EngineInput& in, const PayerProfile& payer = PayerProfile::medicare()) {
  auto r = computeUnits(in, payer);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
  return r.ok() ? r.value() : UnitsResult{};
}

inline UnitsResult medicare(std::string_view items, Discipline d = Discipline::ot, bool telehealth = false) {
  return compute(day(items, d, telehealth), PayerProfile::medicare());
}

inline UnitsResult commercial(std::string_view items, Discipline d = Discipline::ot,
                              bool telehealth = false) {
  return compute(day(items, d, telehealth), PayerProfile::commercial());
}

}  // namespace unitclock::core::testing
