#pragma once
// Storing an uploaded session: idempotent per (id, revision, content), revisions kept as history.

#include <unitclock/server/auth.h>
#include <unitclock/server/wire.h>
#include <string>

namespace unitclock::server {

enum class IngestResult { Created, Revised, Unchanged };

struct IngestOutcome {
  IngestResult result = IngestResult::Created;
  int revision = 1;
};

// `bodyHash` is the SHA-256 of the canonical JSON of the upload; the same hash for the same revision
// is a repeat and changes nothing. Runs inside the caller's transaction.
// 409 for an older or conflicting revision, 403 for a session of another clinic.
Result<IngestOutcome> storeSession(sql::Database& db, const Principal& device, const SessionUpload& s,
                                   const nlohmann::json& canonical, const std::string& bodyHash);

// A 4xx answer to a device's upload, recorded (ids, status and message only) so supervisors see it.
void recordRejection(sql::Database& db, const Principal& device, std::string_view sessionId,
                     const ApiError& e);

std::string_view toString(IngestResult r);

}  // namespace unitclock::server
