#include <unitclock/server/auth.h>
#include <unitclock/server/secrets.h>

namespace unitclock::server {
namespace {

std::string_view bearerToken(std::string_view header) {
  constexpr std::string_view kPrefix = "Bearer ";
  if (header.size() <= kPrefix.size() || header.substr(0, kPrefix.size()) != kPrefix) return {};
  auto token = header.substr(kPrefix.size());
  while (!token.empty() && token.back() == ' ') token.remove_suffix(1);
  return token;
}

}  // namespace

Result<Principal> authenticate(StoreConnection& store, std::string_view header) {
  auto token = bearerToken(header);
  if (token.empty()) return fail(ApiError{401, "", "an Authorization: Bearer token is required"});
  if (token.size() > 200) return fail(ApiError{401, "", "the token is not valid"});
  auto found = store.findToken(sha256Hex(token));
  if (!found) return fail(found.error());
  if (!found.value()) return fail(ApiError{401, "", "the token is not valid"});
  const TokenRecord& t = *found.value();
  if (t.kind == TokenRecord::Kind::kDevice) {
    if (t.revoked) return fail(ApiError{403, "", "this device's token was revoked"});
    return Principal{Role::kDevice, t.id, 0, t.clinicId};
  }
  if (t.revoked) return fail(ApiError{403, "", "this token was revoked"});
  if (t.role != "supervisor") return fail(ApiError{403, "", "this token has no role the server knows"});
  return Principal{Role::kSupervisor, 0, t.id, t.clinicId};
}

Result<std::string> clinicFor(const Principal& who, std::string_view requested) {
  if (!who.clinicId.empty()) {
    if (!requested.empty() && requested != who.clinicId) {
      return fail(ApiError{403, "clinic", "this token is not valid for that clinic"});
    }
    return who.clinicId;
  }
  if (requested.empty()) return fail(ApiError{400, "clinic", "the clinic query parameter is required"});
  return std::string(requested);
}

Result<Enrollment> enrollDevice(StoreConnection& store, std::string_view code, std::string_view label) {
  auto hash = sha256Hex(normalizeEnrollmentCode(code));
  auto now = nowUtc();
  auto found = store.findEnrollmentCode(hash);
  if (!found) return fail(found.error());
  if (!found.value()) return fail(ApiError{403, "code", "the enrollment code is not valid"});
  if (found.value()->used) return fail(ApiError{403, "code", "the enrollment code was already used"});
  if (found.value()->expiresAt < now) return fail(ApiError{403, "code", "the enrollment code has expired"});
  Enrollment e;
  e.clinicId = found.value()->clinicId;
  e.token = newToken();
  auto device = store.addDevice(e.clinicId, label, sha256Hex(e.token), now);
  if (!device) return fail(device.error());
  e.deviceId = device.value();
  if (auto r = store.markEnrollmentCodeUsed(hash, now, e.deviceId); !r) return fail(r.error());
  return e;
}

}  // namespace unitclock::server
