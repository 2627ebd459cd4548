// Small vocabulary types shared by the rules engine, the session model, the store and the server.
#pragma once

#include <optional>
#include <string_view>

namespace unitclock::core {

// The plan of care a session is billed under; selects GO/GP/GN (billing-rules.md §1.6).
enum class Discipline { ot, pt, slp };

// Who furnished minutes of a service. "assistant" means the OTA/PTA working alone: minutes when the
// therapist and the assistant treat together count as the therapist's (billing-rules.md §1.7 A4).
enum class Performer { therapist, assistant };

// How a payer turns minutes into units of timed codes.
//  cms: total-time rule with largest-remainder allocation (billing-rules.md §1.4).
//  ama: per-code midpoint rule, no pooling, no total cap (billing-rules.md §3).
enum class UnitRule { cms, ama };

// Lower-case names used in JSON, the CLI and the store: "ot" "pt" "slp", "therapist" "assistant",
// "cms" "ama".
std::string_view toString(Discipline discipline) noexcept;
std::string_view toString(Performer performer) noexcept;
std::string_view toString(UnitRule rule) noexcept;

// Parse the names above (exact, lower case). nullopt for anything else.
std::optional<Discipline> parseDiscipline(std::string_view text) noexcept;
std::optional<Performer> parsePerformer(std::string_view text) noexcept;
std::optional<UnitRule> parseUnitRule(std::string_view text) noexcept;

// The discipline modifier for claim lines: GO (OT), GP (PT), GN (SLP).
std::string_view disciplineModifier(Discipline discipline) noexcept;

// The assistant modifier for a discipline: CO (OT), CQ (PT); none for SLP (there is no SLP assistant
// modifier under Medicare Part B).
std::optional<std::string_view> assistantModifier(Discipline discipline) noexcept;

}  // namespace unitclock::core
