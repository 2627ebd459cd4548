#pragma once
// Server-side truth for one clinic and calendar day: every stored session whose minutes count toward the
// day, units recomputed per patient × day × discipline with the core engine across all devices, the
// day's flags, and per-clinician and per-patient figures. Summaries and both exports are views of it.

#include <unitclock/core/engine.h>
#include <unitclock/core/payer.h>
#include <unitclock/platform/wire/day_summary.h>
#include <unitclock/server/store.h>
#include <unitclock/server/wire.h>
#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace unitclock::server {

// Stable ids:
//  units-differ         device and server units disagree for a patient's day
//  one-on-one-overlap   a clinician was in one-on-one with two patients in the same minute
//  units-exceed-time    a clinician's billed timed units exceed what their clock time allows
//  unsigned             a session was not signed
//  rejected             the server refused an upload from a device of the clinic that day
//  payer-unknown        a session names a payer profile the server does not know; not recomputed
//  engine-error         the engine refused a patient's day (unknown code, ...); not recomputed
//  payer-mismatch       sessions of one patient's day name different payers (the first one is used)
//  npi-missing          the rendering clinician of a billed patient-day has no NPI on the roster
//  stored-session-unreadable  a session stored by an older version cannot be read; it is not billed
//  + every core engine warning id (no-diagnosis, ncci-overlap, ...) raised on a patient's day
struct DayFlag {
  std::string id;
  std::string message;  // ids and numbers only, no patient data
  std::string clinician;
  std::string patientMrn;
  std::string discipline;
  std::vector<std::string> sessions;
};

// A supervisor's release of a held patient-day (POST /api/v1/days/{date}/release): its audit record.
// It holds only for the content it was given for (`PatientDay::contentHash`).
struct ChargeRelease {
  std::int64_t id = 0;
  std::int64_t releasedBy = 0;  // the supervisor token's id; 0 when a console user released it
  std::string releasedAt;       // UTC, ISO-8601
  std::string reason;
  std::vector<std::string> flags;  // the hold flags it released
  std::string releasedByUser;      // the console user's id; "" when a supervisor token released it
};

struct PatientDay {
  std::string mrn;
  std::string initials;
  std::string discipline;
  std::string payer;
  std::string placeOfService;
  bool telehealth = false;
  std::string renderingClinician;  // of the first signed session
  std::vector<std::string> diagnoses;
  std::vector<std::string> sessions;        // every non-voided session counting toward the day
  std::vector<std::string> signedSessions;  // the ones recomputed and exported
  // Units by billed code and modifiers: what the devices showed, summed over the signed sessions' lines of
  // the day, and what the server computes for the patient's day. They differ (`units-differ`) when a
  // device billed with other rules, or when sessions of one day together round differently than each alone.
  using LineKey = std::pair<std::string, std::vector<std::string>>;
  std::map<LineKey, int> deviceLines;
  std::map<LineKey, int> serverLines;
  bool recomputed = false;
  core::UnitsResult result;  // valid when recomputed
  std::vector<DayFlag> flags;
  // The flags that hold this patient-day out of every export until a supervisor releases it: its own
  // engine-error, a one-on-one
  // overlap in one of its sessions, units-exceed-time of a clinician who furnished part of it.
  std::vector<std::string> holdFlags;
  // SHA-256 of what the patient-day bills (signed sessions and revisions, payer, rendering clinician,
  // diagnoses, lines) and its hold flags: a release holds while this is unchanged.
  std::string contentHash;
  std::optional<ChargeRelease> release;  // set by loadDay when a release matches contentHash
  // What the clinic's review policy still waits for before this patient-day is exported (review.h):
  // "approval" (a clinician's day is not approved), "co-sign" (an assistant's session is not co-signed).
  std::vector<std::string> waitingFor;
  bool held() const { return (!holdFlags.empty() && !release) || !waitingFor.empty(); }
};

struct ClinicianDay {
  std::string id;
  std::string name;
  int sessions = 0;  // as rendering clinician
  std::chrono::milliseconds timed{};
  std::chrono::milliseconds treatment{};
  std::chrono::milliseconds clock{};  // union of all the clinician's segments
  int units = 0;                      // server timed units attributed to the clinician
  std::vector<DayFlag> flags;
};

struct SessionRef {
  std::string id;
  std::string status;
  int revision = 1;
  std::string renderingClinician;
};

struct RejectionRef {
  std::string sessionId;
  int status = 0;
  std::string field;
  std::string message;
  std::string receivedAt;
  std::int64_t deviceId = 0;
};

// What the exports name a clinician by (the roster: `clinician add --npi --family-name --given-name`).
struct RosterEntry {
  std::string name;
  std::string npi;  // "" when unknown
  std::string familyName;
  std::string givenName;
};

// A charge line that voided sessions of a patient-day would have billed, computed as if they were
// signed: what a billing system may already hold and should mark entered-in-error (FHIR export).
struct VoidedCharge {
  std::string mrn;
  std::string initials;
  std::string discipline;
  std::string renderingClinician;
  std::vector<std::string> diagnoses;
  std::vector<std::string> sessions;
  core::ClaimLine line;
};

// One segment of the day on a clinician's timeline (the console's Day page): who furnished it, for which
// session and code, when.
struct TimelineBar {
  std::string clinician;
  std::string sessionId;
  std::string code;
  std::string initials;
  core::Performer performer = core::Performer::therapist;
  core::ActivityMode mode = core::ActivityMode::one_on_one;
  WireTime start{};
  WireTime end{};
  bool signedSession = false;
  int revision = 1;  // of the session
};

// An untimed service of the day (an evaluation, 97010, ...): who recorded it for which session, and
// whether an assistant furnished part of it alone (its CO/CQ minutes).
struct UntimedMark {
  std::string clinician;
  std::string sessionId;
  std::string initials;
  bool assistant = false;
  bool signedSession = false;
  int revision = 1;
};

// How a clinic reviews its days before charges leave (review.h; the clinic document "review").
struct ReviewPolicy {
  bool approvedOnly = false;      // export a patient-day only once its clinicians' days are approved
  bool cosignAssistants = false;  // an assistant's signed session waits for a supervisor's co-sign
};

struct DayReport {
  std::string clinicId;
  std::string date;
  std::string timeZone = "UTC";  // the clinic's IANA zone (clinic add --timezone)
  std::map<std::string, RosterEntry> roster;
  int sessionCount = 0;
  std::vector<PatientDay> patients;
  std::vector<ClinicianDay> clinicians;
  std::vector<SessionRef> unsignedSessions;
  std::vector<SessionRef> voidedSessions;
  std::vector<VoidedCharge> voidedCharges;
  std::vector<RejectionRef> rejections;
  std::vector<DayFlag> flags;             // every flag of the day, also listed under its patient or clinician
  std::vector<TimelineBar> timeline;      // every non-voided session's segments on the day, by start
  std::vector<UntimedMark> untimed;       // every non-voided session's untimed services on the day
  std::vector<DayDecisionRow> decisions;  // the console's decisions on the day (loadDay), oldest first
  ReviewPolicy policy;                    // the clinic's, as loadDay found it
};

// The code catalog and payer profiles a clinic bills with: its documents set with `unitclock-server
// config set` (catalog, payers), else the built-in ones. Payers named in neither are flagged.
using BillingRules = wire::BillingRules;

// The computation itself, on sessions already loaded (benchmarks and unit tests call it directly).
DayReport computeDay(const std::string& clinicId, const std::string& date,
                     const std::vector<wire::SessionUpload>& sessions,
                     const std::map<std::string, std::string>& clinicianNames = {},
                     const BillingRules& rules = BillingRules{}, const std::string& timeZone = "UTC");

// The clinic's billing rules from its documents; a document that does not parse is an error (500)
// naming it, never a silent fallback.
Result<BillingRules> loadBillingRules(StoreConnection& store, const std::string& clinicId);

// Loads the day's sessions, rejections and clinician names and computes the report.
Result<DayReport> loadDay(StoreConnection& store, const std::string& clinicId, const std::string& date);

// The day as the wire's document (platform/wire/day_summary.h), and its JSON.
wire::DaySummary toSummary(const DayReport& report);
nlohmann::json toJson(const DayReport& report);

}  // namespace unitclock::server
