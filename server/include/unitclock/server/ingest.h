#pragma once
// Storing an uploaded session: idempotent per (id, revision, content), revisions kept as history.

#include <unitclock/server/auth.h>
#include <unitclock/server/wire.h>
#include <string>

namespace unitclock::server {

enum class IngestResult { Created, Revised, Voided, Unchanged };

struct IngestOutcome {
  IngestResult result = IngestResult::Created;
  int revision = 1;
};

// `bodyHash` is the SHA-256 of the canonical JSON of the upload; the same hash for the same revision
// is a repeat and changes nothing. Runs inside the caller's transaction.
// A void of the stored revision is accepted as that revision (`Voided`): the device voids a session it
// already uploaded without a new revision, so the body is the stored one with the status `voided`, the same
// event log followed only by `session_synced`/`session_voided` events (the last one the void, with a
// reason), no lines, and a later `ended_at`. A late retry of the signed body after its void is `Unchanged`.
// 409 for an older or conflicting revision, 403 for a session of another clinic.
Result<IngestOutcome> storeSession(sql::Database& db, const Principal& device, const SessionUpload& s,
                                   const nlohmann::json& canonical, const std::string& bodyHash);

// A 4xx answer to a device's upload, recorded (ids, status and message only) so supervisors see it.
// It is listed under the day it concerns: see rejectionDay. `body` is the parsed upload, or null when
// the body was not JSON.
void recordRejection(sql::Database& db, const Principal& device, std::string_view sessionId,
                     const ApiError& e, const nlohmann::json* body);

// The clinic-local calendar day a refused upload belongs to, so a supervisor looking at a day sees the
// refusals of that day's sessions however late they arrive: the body's `service_date` when it is a date;
// else the first segment's (then untimed service's) `date`, or the clinic-local day of its `start`; and
// only when nothing of the body can be read, the clinic-local day on which it `arrived`.
std::string rejectionDay(sql::Database& db, const std::string& clinicId, const nlohmann::json* body,
                         WireTime arrived);

// The clinic's IANA time zone ("UTC" when the clinic is unknown) and its calendar day at `now`.
std::string clinicTimeZone(sql::Database& db, const std::string& clinicId);
std::string clinicToday(sql::Database& db, const std::string& clinicId, WireTime now);

std::string_view toString(IngestResult r);

}  // namespace unitclock::server
