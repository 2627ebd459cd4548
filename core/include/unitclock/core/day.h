// From a session's derived segments to the rules engine's input, per calendar day.
//
// Minutes count toward the calendar day in the clinic's time zone (billing-rules.md T1, S25). Core knows
// no time zones: the caller passes the day as [dayStart, dayEnd) in UTC (platform converts a local date
// of the clinic's IANA zone to that range), and a session crossing midnight is cut at the boundary.
//
//   EngineInput in = dayInput(session.header(), session.derive(clock.now()), start, end);
//   auto units = computeUnits(in, payer, catalog);
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include <unitclock/core/catalog.h>
#include <unitclock/core/engine.h>
#include <unitclock/core/result.h>
#include <unitclock/core/session.h>

namespace unitclock::core {

// The engine input for the part of a session inside [dayStart, dayEnd):
//  - one-on-one and co-treatment segments of a timed code → that code's therapist or assistant-alone
//    seconds (by the segment's performer; a co-treatment minute counts once, T4), with a TimeBlock each;
//  - group segments, whatever activity was tapped → 97150, untimed (billing-rules.md §1.12 G2, G4);
//  - segments of an untimed code (an evaluation timed on its tile) → that untimed code's duration;
//  - untimed services added by hand → on the day they were recorded, minutes as entered;
//  - the same untimed code more than once → one service with the summed minutes (one unit per day);
//  - timed services in the order first performed; diagnoses and tie preference from the session.
// A voided session contributes nothing (an input with no services). Seconds are summed exactly and
// the engine floors them to minutes (S4).
EngineInput dayInput(const SessionHeader& header, const SessionSummary& summary,
                     std::chrono::sys_seconds dayStart, std::chrono::sys_seconds dayEnd,
                     const Catalog& catalog = Catalog::builtin());

// The same for the whole session, without cutting at midnight (the live bar and the review screen of
// a session that stays within one day).
EngineInput sessionInput(const SessionHeader& header, const SessionSummary& summary,
                         const Catalog& catalog = Catalog::builtin());

// The calendar-day scope of billing-rules.md S3 across sessions (the server's recomputation): each
// session's part of [dayStart, dayEnd), then merged by the engine's mergeInputs. Voided sessions add
// nothing. Fails, with a sentence naming the session, when the sessions are not of one patient and one
// discipline.
Result<EngineInput, std::string> patientDayInput(const std::vector<const Session*>& sessions,
                                                 std::chrono::sys_seconds dayStart,
                                                 std::chrono::sys_seconds dayEnd,
                                                 const Catalog& catalog = Catalog::builtin());

// The group therapy code that group minutes are billed under.
inline constexpr std::string_view kGroupTherapyCode = "97150";

}  // namespace unitclock::core
