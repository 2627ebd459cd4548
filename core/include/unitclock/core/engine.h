// The rules engine: recorded minutes of one patient × calendar day × discipline → CPT units and
// modifiers, exactly as billing-rules.md describes. Pure: no clock, no I/O. The device and the server
// run the same function; docs/rules-engine.md explains the algorithm and every decision.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <unitclock/core/catalog.h>
#include <unitclock/core/payer.h>
#include <unitclock/core/result.h>
#include <unitclock/core/types.h>

namespace unitclock::core {

// Bumped whenever a rule or its data changes the result for some input; sent with every upload so the
// server can tell why device and server units differ.
inline constexpr std::string_view kRulesVersion = "2026.11-1";

// One stretch of time on a service, as the timer recorded it (UTC). Blocks let the engine tell whether
// two codes of an NCCI pair were performed in separate time blocks; they do not feed minutes.
struct TimeBlock {
  std::chrono::sys_seconds start;
  std::chrono::sys_seconds end;
  Performer performer = Performer::therapist;
};

// A timed (one-on-one) service. Minutes come from `therapist` and `assistant`: all seconds of the code
// in the scope are summed, then floored to whole minutes (S4: 7:59 is 7).
struct TimedService {
  std::string code;
  std::chrono::seconds therapist{};  // therapist alone, or therapist and assistant together (A4)
  std::chrono::seconds assistant{};  // assistant alone
  std::vector<TimeBlock> blocks;     // optional, in the order performed

  // Sums the blocks into therapist/assistant seconds (a block with end < start is kept and makes
  // computeUnits fail, naming the code).
  static TimedService fromBlocks(std::string code, std::vector<TimeBlock> blocks);
};

// An untimed (service-based) code: one unit per day whatever its length (U1). Its minutes count toward
// total treatment minutes only (T5).
struct UntimedService {
  std::string code;
  std::chrono::seconds duration{};   // the whole service, everyone's minutes
  std::chrono::seconds assistant{};  // the part of `duration` furnished by the assistant alone
  std::vector<TimeBlock> blocks;     // optional, for NCCI pairs with evaluations and group therapy
};

struct EngineInput {
  Discipline discipline = Discipline::ot;
  bool telehealth = false;
  std::vector<TimedService> timed;  // in the order performed (first performed first)
  std::vector<UntimedService> untimed;
  // nullopt: diagnoses are not known here and not checked; an empty list raises "no-diagnosis".
  std::optional<std::vector<std::string>> diagnoses;
  // Codes the clinician chose for tied remainder units (Ex. 2, Ex. 5), in order of preference.
  std::vector<std::string> tiePreference;
};

struct ClaimLine {
  std::string code;  // the billed code, after substitutions and add-on splits (97014 → G0283, 97130)
  int units = 0;
  // Stable order: discipline modifier (GO/GP/GN), CQ/CO, 59/XU, 95.
  std::vector<std::string> modifiers;

  friend bool operator==(const ClaimLine&, const ClaimLine&) = default;
};

// What the engine made of one recorded code, whether or not it earned units.
struct CodeResult {
  std::string code;  // as recorded (an add-on code recorded on its own is reported under its first code)
  bool timed = false;
  std::chrono::minutes therapist{};
  std::chrono::minutes assistant{};
  std::chrono::minutes total{};
  int units = 0;           // units of this service (all its lines together)
  int assistantUnits = 0;  // of which carry CQ/CO
  bool bundled = false;    // documented, not charged (97010 on Medicare)
  std::string billedAs;    // the code on the claim when substituted (G0283), else empty
};

// Remainder units that could have gone to other codes with the same remainder (§1.4.1 step 4). The
// engine decides deterministically (tiePreference, then more total minutes, then performed first);
// a review screen may offer the clinician the swap.
struct Tie {
  std::vector<std::string> candidates;  // codes with the tied remainder, in the engine's order
  std::vector<std::string> awarded;     // those that received the remainder unit
  int units = 0;                        // how many remainder units were shared among the candidates
};

// Stable ids (never change meaning; screens and the server key on them):
//   no-diagnosis, nothing-billable, eval-and-reeval, assistant-on-evaluation, zero-unit-timed,
//   units-cap-exceeded, group-overlap, long-session, ncci-pair, ncci-separate-blocks, ncci-overlap,
//   ncci-never, bundled-code, substituted-code, code-discipline, tie
struct Warning {
  std::string id;
  std::string message;  // one sentence for a therapist or biller, no PHI
  std::string code;     // the code concerned, empty when the warning is about the whole day

  friend bool operator==(const Warning&, const Warning&) = default;
};

struct UnitsResult {
  std::string payer;
  UnitRule rule = UnitRule::cms;
  std::chrono::minutes totalTimed{};       // all timed codes (documentation, §1.5)
  std::chrono::minutes totalTreatment{};   // timed + untimed
  int totalUnits = 0;                      // units on claim lines
  std::vector<ClaimLine> lines;            // units > 0 only; codes in the order performed
  std::vector<std::string> zeroUnitCodes;  // documented, not charged: timed codes with 0 units, bundled codes
  std::vector<CodeResult> codes;           // every recorded code: timed first (order performed), then untimed
  std::vector<Tie> ties;
  std::vector<Warning> warnings;
};

struct EngineError {
  enum class Kind {
    kUnknownCode,      // not in the catalog
    kDuplicateCode,    // the same code given twice (a first code and its add-on, 97129 and 97130, are
                       // one service: their minutes are summed, not refused)
    kNegativeTime,     // negative seconds, or a block ending before it starts
    kTooLong,          // more than 24 hours on one item
    kWrongKind,        // a timed code given as untimed, or the reverse
    kAssistantExceeds  // untimed: assistant seconds greater than the duration
  };
  Kind kind = Kind::kUnknownCode;
  std::string item;     // the offending code
  std::string message;  // one line naming the item
};

// Computes units, claim lines, ties and warnings for one patient × day × discipline.
Result<UnitsResult, EngineError> computeUnits(const EngineInput& input, const PayerProfile& payer,
                                              const Catalog& catalog = Catalog::builtin());

// Merges several sessions of one patient × day × discipline (the server's recomputation): seconds of the
// same code are summed and blocks concatenated; timed services keep the order in which each code was
// first performed; an untimed code recorded twice becomes one service with the summed duration (one unit
// per day); diagnoses are united; telehealth if any session was. Fails when disciplines differ.
Result<EngineInput, std::string> mergeInputs(const std::vector<EngineInput>& sessions);

// The CMS unit table (§1.3): 0 below 8 minutes, else floor((m + 7) / 15).
int cmsUnits(std::chrono::minutes minutes) noexcept;

// Units of one code by its own unit length and midpoint: 0 below the midpoint, else
// 1 + floor((m - midpoint) / unitLength). cmsUnits(m) == unitsByMidpoint(m, 15min, 8min).
int unitsByMidpoint(std::chrono::minutes minutes, std::chrono::minutes unitLength,
                    std::chrono::minutes midpoint) noexcept;

// Minutes still needed before the CMS total earns its next unit (for the live bar): 8 - m below 8,
// else the distance to the next 15-minute step at 23, 38, ...
std::chrono::minutes minutesToNextCmsUnit(std::chrono::minutes totalTimed) noexcept;

}  // namespace unitclock::core
