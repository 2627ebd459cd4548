#pragma once
// GET /api/v1/days/{date}/summary (docs/sync-api.md): the server's truth for one clinic and calendar day,
// written by the server from its recomputation and read once by the kiosk's supervisor screen (which
// never looks at it by string keys).

#include <unitclock/core/engine.h>
#include <unitclock/core/session.h>
#include <unitclock/platform/wire/session_upload.h>
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace unitclock::wire {

struct SummaryLine {
  std::string code;
  int units = 0;
  std::vector<std::string> modifiers;
};

struct SummaryWarning {
  std::string id;
  std::string message;
  std::string code;
};

// The server's recomputation of one patient's day (present when it could be recomputed).
struct SummaryComputation {
  core::UnitRule rule = core::UnitRule::cms;
  int totalUnits = 0;
  long long totalTimedMinutes = 0;
  long long totalTreatmentMinutes = 0;
  std::vector<SummaryLine> lines;
  std::vector<std::string> zeroUnitCodes;
  std::vector<SummaryWarning> warnings;
};

struct SummaryPatient {
  std::string mrn;
  std::string initials;
  core::Discipline discipline = core::Discipline::ot;
  std::string payer;
  std::string renderingClinician;
  std::vector<std::string> sessions;
  std::vector<std::string> signedSessions;
  std::vector<std::string> diagnoses;
  bool recomputed = false;
  std::map<std::string, int> deviceUnits;  // by code, what the devices' signed lines add up to
  std::map<std::string, int> serverUnits;  // by code, the server's lines
  std::vector<std::string> flags;          // flag ids
  bool held = false;
  std::optional<SummaryComputation> server;
};

struct SummaryClinician {
  std::string id;
  std::string name;
  int sessions = 0;
  long long timedMinutes = 0;
  long long treatmentMinutes = 0;
  long long clockMinutes = 0;
  int units = 0;
  double unitsPerHour = 0;  // core::unitsPerHour
  std::vector<std::string> flags;
};

struct SummarySession {
  std::string id;
  core::SessionStatus status = core::SessionStatus::open;
  int revision = 1;
  std::string renderingClinician;
};

struct SummaryRejection {
  std::string sessionId;
  int status = 0;
  std::string field;
  std::string message;
  std::string receivedAt;
  std::int64_t deviceId = 0;
};

struct SummaryHold {
  std::string patientMrn;
  core::Discipline discipline = core::Discipline::ot;
  std::vector<std::string> flags;
  std::vector<std::string> sessions;
};

struct SummaryRelease {
  std::int64_t id = 0;
  std::string patientMrn;
  core::Discipline discipline = core::Discipline::ot;
  std::vector<std::string> flags;
  std::string reason;
  std::string releasedBy;
  std::string releasedAt;
};

struct SummaryFlag {
  std::string id;
  std::string message;
  std::string clinician;
  std::string patientMrn;
  std::string discipline;  // "" when the flag is not about one patient's discipline
  std::vector<std::string> sessions;
};

struct DaySummary {
  std::string clinic;
  std::string date;
  int sessions = 0;
  int totalUnits = 0;
  long long totalTimedMinutes = 0;
  long long totalTreatmentMinutes = 0;
  std::vector<SummaryClinician> clinicians;
  std::vector<SummaryPatient> patients;
  std::vector<SummarySession> unsignedSessions;
  std::vector<SummarySession> voided;
  std::vector<SummaryRejection> rejected;
  std::vector<SummaryHold> held;
  std::vector<SummaryRelease> released;
  std::vector<SummaryFlag> flags;
};

nlohmann::json toJson(const DaySummary& d);
Result<DaySummary> parseDaySummary(const nlohmann::json& j);

}  // namespace unitclock::wire
