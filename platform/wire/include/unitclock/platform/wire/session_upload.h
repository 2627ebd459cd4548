#pragma once
// The session upload of PUT /api/v1/sessions/{id} and POST /api/v1/sessions/batch (docs/sync-api.md):
// the one definition both ends build from. The device describes a session from its header and event log
// (describeSession) and writes it (toJson); the server parses it field by field (parseSessionUpload),
// replays the same log through core, describes it again with the same function and compares.
//
//   auto upload = wire::describeSession(header, events, dayOf, rules);   // device and server alike
//   std::string body = wire::toJson(*upload).dump();
//   auto back = wire::parseSessionUpload(body, id);                      // server: a 400 names the field

#include <unitclock/core/catalog.h>
#include <unitclock/core/engine.h>
#include <unitclock/core/events.h>
#include <unitclock/core/payer.h>
#include <unitclock/core/result.h>
#include <unitclock/core/session.h>
#include <unitclock/core/types.h>
#include <chrono>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace unitclock::wire {

// UTC with millisecond precision, as the device records it.
using WireTime = core::WallTime;

// What is wrong with a document from the other side: the field at fault ("segments[2].end") and a
// sentence. The server answers it as a 400.
struct Error {
  std::string field;
  std::string message;
};
template <class T>
using Result = core::Result<T, Error>;

// [SECTION] Limits of API v1 (docs/sync-api.md, "Limits"). What a kiosk records in a day stays far below
// them; they exist so that no body can make the server recurse deeply or do quadratic work.
struct Limits {
  static constexpr std::size_t kMaxJsonDepth = 32;     // nested arrays/objects in any body; an upload needs 4
  static constexpr std::size_t kMaxSegments = 500;     // per session (a tap every minute for 8 hours is 480)
  static constexpr std::size_t kMaxEvents = 5000;      // per session: its audit log
  static constexpr std::size_t kMaxUntimed = 100;      // per session
  static constexpr std::size_t kMaxLines = 100;        // per session
  static constexpr std::size_t kMaxClinicians = 16;    // per session
  static constexpr std::size_t kMaxInitialsChars = 8;  // characters (code points), not bytes
  static constexpr int kMaxRevision = 1000;            // corrections of one session
  static constexpr std::size_t kMaxSegmentEdits =
      100;  // segment corrections per session (core::isSegmentCorrection; each replays the log)
  static constexpr int kMaxSessionDays = 31;  // calendar days one session may touch
};

// The deepest nesting of arrays and objects in `text`, counted without parsing (strings are skipped), so
// that a body can be refused before anything recursive touches it. Stops counting at `stopAt`.
std::size_t jsonNestingDepth(std::string_view text, std::size_t stopAt = Limits::kMaxJsonDepth + 1);

// Parses a JSON body from outside: nothing when it is not JSON or nests deeper than kMaxJsonDepth.
Result<nlohmann::json> parseJsonBody(std::string_view body);

// "2026-11-26T14:03:00Z" or "2026-11-26T14:03:00.250Z" (digits beyond milliseconds are dropped).
std::optional<WireTime> parseUtcTimestamp(std::string_view text);
std::string formatUtcTimestamp(WireTime t);  // milliseconds only when there are some
bool isCalendarDate(std::string_view text);  // YYYY-MM-DD and a real date
// A session id as devices generate it: a lower-case 8-4-4-4-12 hex UUID. Upper case is refused, so one
// session can never be stored twice under two spellings.
bool isSessionId(std::string_view text);

// [SECTION] The document

struct Segment {
  std::string code;
  core::Performer performer = core::Performer::therapist;
  std::string clinician;  // who tapped its start
  core::ActivityMode mode = core::ActivityMode::one_on_one;
  WireTime start{};
  WireTime end{};
  std::string date;  // calendar day in the clinic's time zone this part counts toward
  std::chrono::milliseconds duration() const { return end - start; }
  friend bool operator==(const Segment&, const Segment&) = default;
};

struct Untimed {
  std::string code;
  std::chrono::minutes minutes{};
  std::chrono::minutes assistantMinutes{};  // of those, furnished by an assistant alone (CO/CQ)
  std::string clinician;                    // who recorded it
  std::string date;
  friend bool operator==(const Untimed&, const Untimed&) = default;
};

struct Line {
  std::string code;
  int units = 0;
  std::vector<std::string> modifiers;
  std::string date;  // the calendar day the line bills
  friend bool operator==(const Line&, const Line&) = default;
};

struct SessionUpload {
  std::string id;
  int revision = 1;
  std::string reason;  // the reopen's reason; required from revision 2 on
  std::string rulesVersion;
  core::SessionStatus status = core::SessionStatus::open;  // never `synced` on the wire: that is `signed`
  std::string serviceDate;                                 // the clinic-local day the session opened
  core::Patient patient;
  std::string payer;
  core::Discipline discipline = core::Discipline::ot;
  std::string placeOfService = "11";
  bool telehealth = false;
  std::vector<std::string> diagnoses;
  std::string renderingClinician;
  std::vector<std::string> clinicians;
  std::optional<WireTime> startedAt;
  std::optional<WireTime> endedAt;
  std::vector<core::Event> events;  // the log: the record everything else is derived from
  // Derived from the log; the server derives them again and refuses an upload that disagrees.
  std::vector<Segment> segments;
  std::vector<Untimed> untimed;
  std::vector<Line> lines;  // what the device showed and the clinician signed, per day
};

// Parses and checks an upload. `pathId` is the {id} of the URL; the body's id must match it.
Result<SessionUpload> parseSessionUploadBody(std::string_view body, std::string_view pathId);
Result<SessionUpload> parseSessionUpload(const nlohmann::json& j, std::string_view pathId);
// Text is parseSessionUploadBody: a std::string would silently become a JSON string here.
Result<SessionUpload> parseSessionUpload(const std::string& text, std::string_view pathId) = delete;
Result<SessionUpload> parseSessionUpload(const char* text, std::string_view pathId) = delete;
nlohmann::json toJson(const SessionUpload& s);

// The header the log was recorded under (for core::Session::restore), on the clinic and device that sent it.
core::SessionHeader headerOf(const SessionUpload& s, std::string clinicId, std::string deviceId);

// [SECTION] Describing a session from its log

// The clinic's calendar day containing an instant: its local date and its UTC range [start, end).
struct LocalDay {
  std::string date;  // "2026-11-26"
  core::WallTime start{};
  core::WallTime end{};
};
using DayOf = std::function<std::optional<LocalDay>(core::WallTime)>;

// Days in UTC (a clinic whose zone is UTC, and tests).
DayOf utcDays();

// The codes and payer profiles a clinic bills with: the built-in ones, or what its admin set on the
// server (`unitclock-server config set`), which the server serves to its devices in /config.
struct BillingRules {
  core::Catalog catalog = core::Catalog::builtin();
  std::vector<core::PayerProfile> payers = core::builtinPayers();
  const core::PayerProfile* findPayer(std::string_view name) const;
};

// The upload of a session as its log says: segments cut at the clinic's local midnight, untimed services
// with their assistant minutes, and the charge lines per calendar day under `rules`. Fails (with a
// sentence) when the log cannot be replayed, a day cannot be placed, or the log spans more days or
// segments than Limits allow (checked as it goes, so no log makes it cut a segment millions of times).
// `billingError`, when given, receives why a day could not be billed under `rules` ("" when all could).
core::Result<SessionUpload, std::string> describeSession(const core::SessionHeader& header,
                                                         const std::vector<core::Event>& events,
                                                         const DayOf& dayOf, const BillingRules& rules,
                                                         std::string* billingError = nullptr);

// The charge lines of sessions of one patient and one discipline for one day [start, end) of the
// clinic (billing-rules.md S3): each session's part of the day, merged, computed under `payer`. Both the
// device (per session, in describeSession) and the server (per patient-day) use it.
core::Result<core::UnitsResult, std::string> dayUnits(const std::vector<const core::Session*>& sessions,
                                                      const LocalDay& day, const core::PayerProfile& payer,
                                                      const core::Catalog& catalog);

}  // namespace unitclock::wire
