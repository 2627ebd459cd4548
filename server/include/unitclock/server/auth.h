#pragma once
// Who is calling: a device (enrolled with a one-time code) or a supervisor (a token made by an admin).
// Tokens arrive as `Authorization: Bearer <token>`; only their SHA-256 hashes are stored.

#include <unitclock/server/store.h>
#include <cstdint>
#include <string>
#include <string_view>

namespace unitclock::server {

// 401 when the header is missing or the token unknown, 403 when it was revoked.
Result<Principal> authenticate(StoreConnection& store, std::string_view authorizationHeader);

// 403 unless the principal may see `clinicId`.
Result<std::string> clinicFor(const Principal& who, std::string_view requestedClinic);

struct Enrollment {
  std::int64_t deviceId = 0;
  std::string clinicId;
  std::string token;  // shown once to the device
};

// Exchanges a one-time code for a device token. 403 for an unknown, used or expired code.
Result<Enrollment> enrollDevice(StoreConnection& store, std::string_view code, std::string_view label);

}  // namespace unitclock::server
