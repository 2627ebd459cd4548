#pragma once
// Server-side truth for one clinic and calendar day: every stored session whose minutes count toward the
// day, units recomputed per patient × day × discipline with the core engine across all devices, the
// day's flags, and per-clinician and per-patient figures. Summaries and both exports are views of it.

#include <unitclock/core/engine.h>
#include <unitclock/core/payer.h>
#include <unitclock/server/database.h>
#include <unitclock/server/wire.h>
#include <chrono>
#include <map>
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
//  + every core engine warning id (no-diagnosis, ncci-overlap, ...) raised on a patient's day
struct DayFlag {
  std::string id;
  std::string message;  // ids and numbers only, no patient data
  std::string clinician;
  std::string patientMrn;
  std::string discipline;
  std::vector<std::string> sessions;
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
  std::map<std::string, int> deviceUnits;   // by billed code, summed over the signed sessions
  std::map<std::string, int> serverUnits;   // by billed code
  bool recomputed = false;
  core::UnitsResult result;  // valid when recomputed
  std::vector<DayFlag> flags;
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

struct DayReport {
  std::string clinicId;
  std::string date;
  int sessionCount = 0;
  std::vector<PatientDay> patients;
  std::vector<ClinicianDay> clinicians;
  std::vector<SessionRef> unsignedSessions;
  std::vector<SessionRef> voidedSessions;
  std::vector<RejectionRef> rejections;
  std::vector<DayFlag> flags;  // every flag of the day, also listed under its patient or clinician
};

// The code catalog and payer profiles a clinic bills with: its documents set with `unitclock-server
// config set` (catalog, payers), else the built-in ones. Payers named in neither are flagged.
struct BillingRules {
  core::Catalog catalog = core::Catalog::builtin();
  std::vector<core::PayerProfile> payers = core::builtinPayers();
  const core::PayerProfile* findPayer(std::string_view name) const;
};

// The computation itself, on sessions already loaded (benchmarks and unit tests call it directly).
DayReport computeDay(const std::string& clinicId, const std::string& date,
                     const std::vector<SessionUpload>& sessions,
                     const std::map<std::string, std::string>& clinicianNames = {},
                     const BillingRules& rules = BillingRules{});

// The clinic's billing rules from its documents; a document that does not parse is an error (500)
// naming it, never a silent fallback.
Result<BillingRules> loadBillingRules(sql::Database& db, const std::string& clinicId);

// Loads the day's sessions, rejections and clinician names and computes the report.
Result<DayReport> loadDay(sql::Database& db, const std::string& clinicId, const std::string& date);

nlohmann::json toJson(const DayReport& report);

}  // namespace unitclock::server
