#include <unitclock/server/devices.h>
#include <algorithm>
#include <cctype>
#include <set>

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

Result<bool> recordDeviceSeen(StoreConnection& store, std::int64_t deviceId, const DeviceSighting& seen,
                              wire::WireTime now) {
  return store.updateDeviceSeen(DeviceSeenUpdate{deviceId, secondsText(now),
                                                 secondsText(now - kLastSeenResolution), seen.appVersion,
                                                 seen.pendingUploads});
}

Result<std::vector<DeviceUnsignedRow>> parseUnsignedReport(const nlohmann::json& body, std::int64_t deviceId,
                                                           const std::string& clinicId,
                                                           const std::string& reportedAt) {
  if (!body.is_object() || body.size() != 1 || !body.contains("sessions") || !body["sessions"].is_array())
    return reject("sessions", "the body is {\"sessions\": [...]}");
  const auto& list = body["sessions"];
  if (list.size() > kMaxUnsignedReported)
    return reject("sessions", "at most " + std::to_string(kMaxUnsignedReported) + " sessions");
  auto text = [](const nlohmann::json& o, const char* key,
                 std::size_t maxBytes) -> std::optional<std::string> {
    auto it = o.find(key);
    if (it == o.end() || !it->is_string()) return std::nullopt;
    auto v = it->get<std::string>();
    if (v.empty() || v.size() > maxBytes) return std::nullopt;
    if (std::any_of(v.begin(), v.end(),
                    [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; }))
      return std::nullopt;
    return v;
  };
  std::vector<DeviceUnsignedRow> rows;
  std::set<std::string> seen;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const auto& o = list[i];
    const std::string at = "sessions[" + std::to_string(i) + "]";
    if (!o.is_object()) return reject(at, "must be an object");
    for (const auto& [key, value] : o.items()) {
      static const std::set<std::string> known{"id", "clinician", "date", "state", "initials", "started_at"};
      if (!known.count(key)) return reject(at + "." + key, "is not a field of an unsigned session");
    }
    auto id = text(o, "id", 36);
    if (!id || !isSessionId(*id)) return reject(at + ".id", "must be a session id (UUID)");
    if (!seen.insert(*id).second) return reject(at + ".id", "is listed twice");
    auto clinician = text(o, "clinician", 64);
    if (!clinician) return reject(at + ".clinician", "must be a clinician id (1–64 characters)");
    auto date = text(o, "date", 10);
    if (!date || !isCalendarDate(*date)) return reject(at + ".date", "must be a date like 2026-11-26");
    auto state = text(o, "state", 5);
    if (!state || (*state != "open" && *state != "ended"))
      return reject(at + ".state", "must be open or ended");
    auto initials = text(o, "initials", 4);
    if (!initials || !std::all_of(initials->begin(), initials->end(),
                                  [](char c) { return std::isalpha(static_cast<unsigned char>(c)) != 0; }))
      return reject(at + ".initials", "must be 1–4 letters, as the kiosk takes them");
    auto started = text(o, "started_at", 40);
    auto startedAt = started ? parseUtcTimestamp(*started) : std::nullopt;
    if (!startedAt) return reject(at + ".started_at", "must be a UTC time like 2026-11-26T14:03:00Z");
    rows.push_back({deviceId, *id, clinicId, *date, *clinician, *initials, *state,
                    formatUtcTimestamp(*startedAt), reportedAt});
  }
  return rows;
}

}  // namespace unitclock::server
