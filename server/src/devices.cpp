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

Result<bool> recordDeviceSeen(StoreConnection& store, std::int64_t deviceId, const DeviceSighting& seen,
                              wire::WireTime now) {
  return store.updateDeviceSeen(DeviceSeenUpdate{deviceId, secondsText(now),
                                                 secondsText(now - kLastSeenResolution), seen.appVersion,
                                                 seen.pendingUploads});
}

}  // namespace unitclock::server
