#include <unitclock/server/devices.h>
#include <algorithm>
#include <cctype>

namespace unitclock::server {
namespace {

bool isVersionChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '+' || c == '~' ||
         c == '_';
}

// Timestamps compared as text must have one form: whole seconds, "2026-11-26T14:03:00Z".
std::string secondsText(wire::WireTime t) {
  return formatUtcTimestamp(std::chrono::floor<std::chrono::seconds>(t));
}

}  // namespace

std::string appVersionOf(std::string_view userAgent) {
  constexpr std::string_view kPrefix = "unitclock/";
  const std::string_view version =
      userAgent.substr(0, kPrefix.size()) == kPrefix ? userAgent.substr(kPrefix.size()) : std::string_view{};
  if (!version.empty() && userAgent.size() <= kMaxAppVersionBytes &&
      std::all_of(version.begin(), version.end(), isVersionChar)) {
    return std::string(userAgent);
  }
  std::string out;
  for (char c : userAgent.substr(0, kMaxAppVersionBytes)) {
    const auto u = static_cast<unsigned char>(c);
    out += u >= 0x20 && u < 0x7F ? c : '?';
  }
  return out;
}

std::optional<std::int64_t> pendingUploadsOf(std::string_view header) {
  if (header.empty() || header.size() > 7) return std::nullopt;  // 1,000,000 has 7 digits
  std::int64_t n = 0;
  for (char c : header) {
    if (c < '0' || c > '9') return std::nullopt;
    n = n * 10 + (c - '0');
  }
  if (n > kMaxPendingUploads) return std::nullopt;
  return n;
}

Result<bool> recordDeviceSeen(sql::Database& db, std::int64_t deviceId, const DeviceSighting& seen,
                              wire::WireTime now) {
  // One statement: it reads the row by its key and writes only when the minute is over or what the device
  // said changed, so the common case (a kiosk calling again within the minute) writes nothing.
  auto st = db.prepare(
      "UPDATE devices SET last_seen_at = ?1, app_version = ?2, pending_uploads = coalesce(?3, "
      "pending_uploads) "
      "WHERE id = ?4 AND (last_seen_at IS NULL OR last_seen_at <= ?5 OR app_version IS NOT ?2 "
      "OR (?3 IS NOT NULL AND pending_uploads IS NOT ?3))");
  if (!st) return fail(storageError(st.error()));
  if (!st->bind(1, secondsText(now)) || !st->bind(2, seen.appVersion) || !st->bind(3, seen.pendingUploads) ||
      !st->bind(4, deviceId) || !st->bind(5, secondsText(now - kLastSeenResolution))) {
    return fail(ApiError{500, "", "cannot bind"});
  }
  if (auto r = st->run(); !r) return fail(storageError(r.error()));
  return db.changes() > 0;
}

Result<std::vector<DeviceRow>> listDevices(sql::Database& db, const std::string& clinicFilter) {
  auto q = db.prepare(
      "SELECT id, clinic_id, label, enrolled_at, revoked_at, last_seen_at, app_version, pending_uploads "
      "FROM devices WHERE ?1 = '' OR clinic_id = ?1 ORDER BY id");
  if (!q) return fail(storageError(q.error()));
  if (auto b = q->bind(1, clinicFilter); !b) return fail(storageError(b.error()));
  std::vector<DeviceRow> out;
  while (true) {
    auto row = q->step();
    if (!row) return fail(storageError(row.error()));
    if (!row.value()) break;
    out.push_back(DeviceRow{q->columnInt64(0), q->columnText(1), q->columnText(2), q->columnText(3),
                            q->columnOptionalText(4), q->columnOptionalText(5), q->columnText(6),
                            q->columnOptionalInt64(7)});
  }
  return out;
}

}  // namespace unitclock::server
