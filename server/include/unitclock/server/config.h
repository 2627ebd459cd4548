#pragma once
// What a device pulls: its clinic, the roster (with Argon2id PIN hashes), payer profiles, the code
// catalog, favourites and the schedule of one day, as wire::DeviceConfig (platform/wire/device_config.h
// owns the document). The ETag is a hash of the exact body.

#include <unitclock/platform/wire/device_config.h>
#include <unitclock/server/store.h>
#include <cstdint>
#include <string>

namespace unitclock::server {

struct ConfigDocument {
  std::string body;  // JSON
  std::string etag;  // quoted, as sent in the ETag header
};

Result<ConfigDocument> deviceConfig(StoreConnection& store, const std::string& clinicId,
                                    std::int64_t deviceId, const std::string& date);

// The documents a clinic admin can set with `unitclock-server config set`.
bool isConfigDocumentName(std::string_view name);  // payers, catalog, favourites

// Checks a document before `config set` stores it, with the parser devices read it with; the error
// names what is wrong.
core::Result<void, std::string> checkConfigDocument(std::string_view name, const nlohmann::json& doc);

// The clinic's documents (payers, catalog, favourites) read into `config`, the rest of it untouched. A
// stored document that does not parse is an error (500) naming it, never a silent fallback.
Result<void> loadClinicDocuments(StoreConnection& store, const std::string& clinicId,
                                 wire::DeviceConfig& config);

}  // namespace unitclock::server
