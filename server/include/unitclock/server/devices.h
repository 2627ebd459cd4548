#pragma once
// The clinic's devices as administrators see them: enrollment, revocation, and what each device's own
// requests say about it (when it last called, which app version, how many uploads wait in its outbox).
// `unitclock-server device list` and GET /metrics read them with listDevices.

#include <unitclock/server/store.h>
#include <unitclock/server/wire.h>
#include <chrono>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace unitclock::server {

// DeviceRow (store.h): every device, or those of `clinicFilter` when it is not empty, by id, with
// StoreConnection::listDevices.

// [SECTION] What a device's request says about it

inline constexpr std::size_t kMaxAppVersionBytes = 64;
inline constexpr std::int64_t kMaxPendingUploads = 1'000'000;
// last_seen_at is written at most this often while nothing else changes: a kiosk calls several times a
// minute, and a write per request would add a page to the WAL for nothing.
inline constexpr std::chrono::seconds kLastSeenResolution{60};

struct DeviceSighting {
  std::string appVersion;  // appVersionOf(User-Agent)
  std::optional<std::int64_t>
      pendingUploads;  // pendingUploadsOf(Unitclock-Pending); nullopt keeps the stored one
};

// `unitclock/<version>` as sent (the kiosk's libcurl User-Agent) when it is that and nothing more;
// anything else as printable ASCII (other bytes as '?'), cut to kMaxAppVersionBytes.
std::string appVersionOf(std::string_view userAgent);

// The Unitclock-Pending header: decimal digits, 0..kMaxPendingUploads; anything else is ignored.
std::optional<std::int64_t> pendingUploadsOf(std::string_view header);

// Records an authenticated request of device `deviceId` at `now`, inside the caller's transaction. Writes
// only when the stored last_seen_at is older than kLastSeenResolution or the app version or pending count
// changed; returns whether it wrote.
Result<bool> recordDeviceSeen(StoreConnection& store, std::int64_t deviceId, const DeviceSighting& seen,
                              wire::WireTime now);

// [SECTION] What a device has not signed yet (PUT /api/v1/device/unsigned, docs/sync-api.md)

inline constexpr std::size_t kMaxUnsignedReported = 500;

// {"sessions": [{"id": UUID, "clinician": ID, "date": "YYYY-MM-DD", "state": "open"|"ended",
//   "initials": "AB", "started_at": "2026-11-26T14:03:00Z"}, ...]}: at most kMaxUnsignedReported, no
// other keys, initials 1–4 ASCII letters (the kiosk's own rule), ids, dates and states as the kiosk writes
// them. A 400 names the first field it refuses.
Result<std::vector<DeviceUnsignedRow>> parseUnsignedReport(const nlohmann::json& body, std::int64_t deviceId,
                                                           const std::string& clinicId,
                                                           const std::string& reportedAt);

}  // namespace unitclock::server
