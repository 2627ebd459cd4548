#pragma once
// A session's event log in JSON, one form for every place that writes it: the upload body of
// PUT /api/v1/sessions/{id} (platform/sync, docs/sync-api.md) and `unitclock-cli sessions show --json`.
// Field names are the wire's; a field is present only when the event uses it (clinician always is).
//
//   {"sequence": 2, "type": "activity_started", "at": "2026-11-26T14:01:00.000Z", "clinician": "ot1",
//    "code": "97110", "performer": "therapist", "mode": "one_on_one"}

#include <unitclock/core/events.h>
#include <unitclock/core/result.h>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace unitclock::platform {

// The event fields, by their JSON names (types and enum values as in core/events.h).
namespace event_field {
inline constexpr std::string_view kSequence = "sequence";
inline constexpr std::string_view kType = "type";
inline constexpr std::string_view kAt = "at";
inline constexpr std::string_view kClinician = "clinician";
inline constexpr std::string_view kCode = "code";
inline constexpr std::string_view kPerformer = "performer";
inline constexpr std::string_view kMode = "mode";
inline constexpr std::string_view kPauseReason = "pause_reason";
inline constexpr std::string_view kMinutes = "minutes";
inline constexpr std::string_view kAssistantMinutes = "assistant_minutes";
inline constexpr std::string_view kCodes = "codes";
inline constexpr std::string_view kSegmentIndex = "segment_index";
inline constexpr std::string_view kOldStart = "old_start";
inline constexpr std::string_view kOldEnd = "old_end";
inline constexpr std::string_view kNewStart = "new_start";
inline constexpr std::string_view kNewEnd = "new_end";
inline constexpr std::string_view kReason = "reason";
inline constexpr std::string_view kWallDeltaMs = "wall_delta_ms";
inline constexpr std::string_view kMonotonicDeltaMs = "monotonic_delta_ms";
// Which process run read the monotonic clock, and its reading: the server replays the log with the same
// time policy as the device (docs/session-model.md), so it needs both.
inline constexpr std::string_view kRun = "run";
inline constexpr std::string_view kMonotonicNs = "monotonic_ns";
}  // namespace event_field

// A UTC instant as the wire writes it: ISO-8601 with milliseconds and Z, "2026-11-26T14:03:00.250Z".
std::string formatWallTime(core::WallTime t);

// One event as a JSON object. Json is nlohmann::json (the upload: keys sorted) or nlohmann::ordered_json
// (the CLI: keys in the order above); both are instantiated in session_json.cpp.
template <class Json>
Json eventJson(const core::Event& e);

// "2026-11-26T14:03:00Z" or "2026-11-26T14:03:00.250Z" (digits beyond milliseconds are dropped); nothing
// for anything else, including local times and offsets.
std::optional<core::WallTime> parseWallTime(std::string_view text);

// An event read back from its JSON object, with every field checked by the names and values above.
// A failure names the field ("code", "performer", ...) and says what is wrong, in one sentence.
struct EventFieldError {
  std::string field;
  std::string message;
};
core::Result<core::Event, EventFieldError> eventFromJson(const nlohmann::json& j);

}  // namespace unitclock::platform
