#pragma once
// Storing an uploaded session: idempotent per (id, revision, content), revisions kept as history.

#include <unitclock/server/auth.h>
#include <unitclock/server/store.h>
#include <unitclock/server/wire.h>
#include <set>
#include <string>

namespace unitclock::server {

enum class IngestResult { kCreated, kRevised, kVoided, kUnchanged };

struct IngestOutcome {
  IngestResult result = IngestResult::kCreated;
  int revision = 1;
};

// The server's own reading of an upload: the log replayed through core on the clinic's calendar and
// billing rules and described again (wire::describeSession), as the device described it. 400 naming the
// field when the log is one core refuses (`events[3]`), when a derived part disagrees with the log
// (`segments[2].end`, `untimed[0].assistant_minutes`, `status`, ...), or when a clinician the upload
// names is not on the clinic's roster. What the device computed (`lines`) is kept as sent: the day's
// summary compares it with the server's lines (`units-differ`).
// What a replay needs of the clinic, read once per request (a batch replays up to 200 uploads with it).
struct ReplayContext {
  std::set<std::string> roster;  // every clinician id of the clinic, active or not
  wire::BillingRules rules;      // the clinic's payer profiles and catalog (loadBillingRules)
  std::string zone = "UTC";      // the clinic's IANA time zone
};
Result<ReplayContext> loadReplayContext(StoreConnection& store, const std::string& clinicId);
Result<wire::SessionUpload> replayUpload(const ReplayContext& clinic, const Principal& device,
                                         wire::SessionUpload upload);

// `bodyHash` is the SHA-256 of the canonical JSON of the upload; the same hash for the same revision
// is a repeat and changes nothing. Runs inside the caller's transaction.
// A void of the stored revision is accepted as that revision (`kVoided`): the device voids a session it
// already uploaded without a new revision, so the body is the stored one with the status `voided`, the same
// event log followed only by `session_synced`/`session_voided` events (the last one the void, with a
// reason), no lines, and a later `ended_at`. A late retry of the signed body after its void is `kUnchanged`.
// 409 for an older or conflicting revision or one that skips a number (a correction is the stored
// revision + 1); 403 for a session of another clinic, or of another device of the clinic (only the device
// that first uploaded a session, or one an admin transferred it to, may revise or void it).
Result<IngestOutcome> storeSession(StoreConnection& store, const Principal& device,
                                   const wire::SessionUpload& s, const nlohmann::json& canonical,
                                   const std::string& bodyHash);

// A 4xx answer to a device's upload, recorded (ids, status and message only) so supervisors see it.
// It is listed under the day it concerns: see rejectionDay. `body` is the parsed upload, or null when
// the body was not JSON.
void recordRejection(StoreConnection& store, const Principal& device, std::string_view sessionId,
                     const ApiError& e, const nlohmann::json* body);

// The clinic-local calendar day a refused upload belongs to, so a supervisor looking at a day sees the
// refusals of that day's sessions however late they arrive: the body's `service_date` when it is a date;
// else the first segment's (then untimed service's) `date`, or the clinic-local day of its `start`; and
// only when nothing of the body can be read, the clinic-local day on which it `arrived`.
std::string rejectionDay(StoreConnection& store, const std::string& clinicId, const nlohmann::json* body,
                         wire::WireTime arrived);

// The clinic's IANA time zone ("UTC" when the clinic is unknown) and its calendar day at `now`.
std::string clinicTimeZone(StoreConnection& store, const std::string& clinicId);
std::string clinicToday(StoreConnection& store, const std::string& clinicId, wire::WireTime now);

std::string_view toString(IngestResult r);

// `unitclock-server session transfer`: the device allowed to revise and void a session from now on (a
// replaced tablet). 404 when the session or the device is not of the clinic.
Result<bool> transferSession(StoreConnection& store, const std::string& clinicId,
                             const std::string& sessionId, std::int64_t toDevice);

}  // namespace unitclock::server
