// The code catalog: which CPT/HCPCS codes a clinic can record, and how each turns minutes into units.
// Descriptions are in our own words (CPT text is AMA copyright). Kept as data in assets/catalog/codes.json
// (loaded by platform/data); Catalog::builtin() is the same data compiled in, so core works alone.
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include <unitclock/core/result.h>
#include <unitclock/core/types.h>

namespace unitclock::core {

struct CodeInfo {
  std::string code;       // "97110"
  std::string shortName;  // "Therapeutic exercise", our own words
  bool timed = false;     // true: minutes drive units; false: one unit per occurrence (U1)
  // Unit length and midpoint for timed codes (S6). A unit is attained when `midpoint` minutes of it
  // have passed: 15/8 for most codes, 30/16 for 97550, 60/31 for 96125, 120/61 for 97545.
  // Only codes with a 15-minute unit are pooled under the CMS total-time rule; others are counted
  // per code with their own midpoint under every rule.
  std::chrono::minutes unitLength{15};
  std::chrono::minutes midpoint{8};
  // Codes whose first unit is billed under this code and further units under another (S15):
  // 97129 → 97130, 97550 → 97551, 97545 → 97546. The add-on code has `addOnOf` set to the first one.
  // Minutes recorded on either code are one service; the engine splits its units into lines.
  std::string addOnCode;                // on the first code, e.g. "97130" on 97129
  std::string addOnOf;                  // on the add-on code, e.g. "97129" on 97130
  int maxUnitsPerDay = 0;               // 0 = no limit (97129: 1)
  std::vector<Discipline> disciplines;  // who may bill it; empty = every discipline
  bool evaluation = false;              // 97161-97163, 97165-97167, 92521-92524, ...
  bool reEvaluation = false;            // 97164, 97168
  bool group = false;                   // 97150
  bool supervisedModality = false;      // 97010, 97014, G0283, ...
  bool medicareBundled = false;         // Medicare PFS status B (97010): never a separate payment
  bool therapyModifier = true;          // takes GO/GP/GN

  bool allowsDiscipline(Discipline discipline) const;

  friend bool operator==(const CodeInfo&, const CodeInfo&) = default;
};

// An NCCI procedure-to-procedure edit (billing-rules.md §1.10). Indicator 1: billable together with a
// distinct-service modifier (59/XU) on the column-2 code when performed in separate time blocks;
// indicator 0: never together.
struct NcciPair {
  std::string column1;
  std::string column2;
  int modifierIndicator = 1;
  std::string note;  // where the pair comes from, in a few words

  friend bool operator==(const NcciPair&, const NcciPair&) = default;
};

struct CatalogError {
  std::string item;     // the offending code or field
  std::string message;  // a sentence for a person
};

class Catalog {
 public:
  Catalog() = default;

  // Checks the data (no empty or duplicate codes, unit length > 0, 0 < midpoint <= unit length, add-on
  // links pointing both ways to known timed codes, NCCI pairs naming known codes) and builds a catalog.
  static Result<Catalog, CatalogError> make(std::string version, std::vector<CodeInfo> codes,
                                            std::vector<NcciPair> pairs);

  // The compiled-in catalog, identical to assets/catalog/codes.json (a test proves it).
  static const Catalog& builtin();

  const std::string& version() const { return m_version; }
  const std::vector<CodeInfo>& codes() const { return m_codes; }
  const std::vector<NcciPair>& ncciPairs() const { return m_pairs; }

  // nullptr when the code is not in the catalog.
  const CodeInfo* find(std::string_view code) const;
  // The NCCI edit for two codes in either order, nullptr when there is none.
  const NcciPair* findPair(std::string_view a, std::string_view b) const;

 private:
  std::string m_version;
  std::vector<CodeInfo> m_codes;
  std::vector<NcciPair> m_pairs;
};

}  // namespace unitclock::core
