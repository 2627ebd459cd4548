#pragma once
// The session upload of PUT /api/v1/sessions/{id}, as documented in docs/sync-api.md, parsed and
// checked field by field. A malformed body is rejected with the name of the first field at fault.

#include <unitclock/server/error.h>
#include <chrono>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace unitclock::server {

// UTC with millisecond precision, as the device records it.
using WireTime = std::chrono::sys_time<std::chrono::milliseconds>;

enum class Performer { Therapist, Assistant };
enum class Mode { OneOnOne, Group, CoTreatment };

struct WireSegment {
  std::string code;
  Performer performer = Performer::Therapist;
  std::string clinician;  // who performed it
  Mode mode = Mode::OneOnOne;
  WireTime start{};
  WireTime end{};
  std::string date;  // calendar day in the clinic's time zone this segment counts toward
  std::chrono::milliseconds duration() const { return end - start; }
};

struct WireUntimed {
  std::string code;
  std::chrono::minutes minutes{};
  std::string clinician;
  std::string date;
};

struct WireLine {
  std::string code;
  int units = 0;
  std::vector<std::string> modifiers;
  std::string date;  // the calendar day the line bills; the session's service_date when absent
};

struct SessionUpload {
  std::string id;
  int revision = 1;
  std::string reason;  // required from revision 2 on
  std::string rulesVersion;
  std::string status;  // open | ended | signed | voided
  std::string serviceDate;
  std::string patientMrn;
  std::string patientInitials;
  std::string payer;
  std::string discipline;  // ot | pt | slp
  std::string placeOfService;
  bool telehealth = false;
  std::vector<std::string> diagnoses;
  std::string renderingClinician;
  std::vector<std::string> clinicians;
  std::optional<WireTime> startedAt;
  std::optional<WireTime> endedAt;
  nlohmann::json events;  // kept verbatim as the audit record
  std::vector<WireSegment> segments;
  std::vector<WireUntimed> untimed;
  std::vector<WireLine> lines;  // the device's computed charge lines
};

// [SECTION] Limits of API v1 (docs/sync-api.md, "Limits"). What a kiosk records in a day stays far below
// them; they exist so that no body can make the server recurse deeply or do quadratic work.
struct WireLimits {
  static constexpr std::size_t kMaxJsonDepth = 32;     // nested arrays/objects in any body; an upload needs 4
  static constexpr std::size_t kMaxSegments = 500;     // per session (a tap every minute for 8 hours is 480)
  static constexpr std::size_t kMaxEvents = 5000;      // per session: its audit log
  static constexpr std::size_t kMaxUntimed = 100;      // per session
  static constexpr std::size_t kMaxLines = 100;        // per session
  static constexpr std::size_t kMaxClinicians = 16;    // per session
  static constexpr std::size_t kMaxInitialsChars = 8;  // characters (code points), not bytes
};

// The deepest nesting of arrays and objects in `text`, counted without parsing (strings are skipped), so
// that a body can be refused before anything recursive touches it. Stops counting at `stopAt`.
std::size_t jsonNestingDepth(std::string_view text, std::size_t stopAt = WireLimits::kMaxJsonDepth + 1);

// Parses a JSON body from outside: nothing when it is not JSON or nests deeper than kMaxJsonDepth.
Result<nlohmann::json> parseJsonBody(std::string_view body);

// Parses and checks an upload. `pathId` is the {id} of the URL; the body's id must match it.
Result<SessionUpload> parseSessionUpload(std::string_view body, std::string_view pathId);
Result<SessionUpload> sessionFromJson(const nlohmann::json& j, std::string_view pathId);

// "2026-11-26T14:03:00Z" or "2026-11-26T14:03:00.250Z" (digits beyond milliseconds are dropped).
std::optional<WireTime> parseUtcTimestamp(std::string_view text);
std::string formatUtcTimestamp(WireTime t);
bool isCalendarDate(std::string_view text);  // YYYY-MM-DD and a real date
bool isSessionId(std::string_view text);     // 8-4-4-4-12 hex, as the device generates

std::string_view toString(Performer p);
std::string_view toString(Mode m);

}  // namespace unitclock::server
