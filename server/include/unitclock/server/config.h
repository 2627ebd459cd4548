#pragma once
// What a device pulls: its clinic, the roster (with Argon2id PIN hashes), payer profiles, the code
// catalog, favourites and the schedule of one day. The ETag is a hash of the exact body.

#include <unitclock/server/database.h>
#include <cstdint>
#include <string>

namespace unitclock::server {

struct ConfigDocument {
  std::string body;  // JSON
  std::string etag;  // quoted, as sent in the ETag header
};

Result<ConfigDocument> deviceConfig(sql::Database& db, const std::string& clinicId, std::int64_t deviceId,
                                    const std::string& date);

// The documents a clinic admin can set with `unitclock-server config set`.
bool isConfigDocumentName(std::string_view name);  // payers, catalog, favourites

}  // namespace unitclock::server
