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

Result<Principal> authenticate(sql::Database& db, std::string_view header) {
  auto token = bearerToken(header);
  if (token.empty()) return fail(ApiError{401, "", "an Authorization: Bearer token is required"});
  if (token.size() > 200) return fail(ApiError{401, "", "the token is not valid"});
  auto hash = sha256Hex(token);

  auto dev = db.prepare("SELECT id, clinic_id, revoked_at FROM devices WHERE token_hash = ?1");
  if (!dev) return fail(storageError(dev.error()));
  if (auto b = dev->bind(1, hash); !b) return fail(storageError(b.error()));
  auto row = dev->step();
  if (!row) return fail(storageError(row.error()));
  if (row.value()) {
    if (!dev->columnIsNull(2)) return fail(ApiError{403, "", "this device's token was revoked"});
    return Principal{Role::kDevice, dev->columnInt64(0), 0, dev->columnText(1)};
  }

  auto tok = db.prepare("SELECT id, role, clinic_id, revoked_at FROM api_tokens WHERE token_hash = ?1");
  if (!tok) return fail(storageError(tok.error()));
  if (auto b = tok->bind(1, hash); !b) return fail(storageError(b.error()));
  row = tok->step();
  if (!row) return fail(storageError(row.error()));
  if (!row.value()) return fail(ApiError{401, "", "the token is not valid"});
  if (!tok->columnIsNull(3)) return fail(ApiError{403, "", "this token was revoked"});
  if (tok->columnText(1) != "supervisor")
    return fail(ApiError{403, "", "this token has no role the server knows"});
  return Principal{Role::kSupervisor, 0, tok->columnInt64(0), tok->columnText(2)};
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

Result<Enrollment> enrollDevice(sql::Database& db, std::string_view code, std::string_view label) {
  auto hash = sha256Hex(normalizeEnrollmentCode(code));
  auto now = nowUtc();
  auto q = db.prepare("SELECT clinic_id, expires_at, used_at FROM enrollment_codes WHERE code_hash = ?1");
  if (!q) return fail(storageError(q.error()));
  if (auto b = q->bind(1, hash); !b) return fail(storageError(b.error()));
  auto row = q->step();
  if (!row) return fail(storageError(row.error()));
  if (!row.value()) return fail(ApiError{403, "code", "the enrollment code is not valid"});
  if (!q->columnIsNull(2)) return fail(ApiError{403, "code", "the enrollment code was already used"});
  if (q->columnText(1) < now) return fail(ApiError{403, "code", "the enrollment code has expired"});
  Enrollment e;
  e.clinicId = q->columnText(0);
  q->reset();
  e.token = newToken();

  auto ins =
      db.prepare("INSERT INTO devices(clinic_id, label, token_hash, enrolled_at) VALUES(?1, ?2, ?3, ?4)");
  if (!ins) return fail(storageError(ins.error()));
  if (!ins->bind(1, e.clinicId) || !ins->bind(2, label) || !ins->bind(3, sha256Hex(e.token)) ||
      !ins->bind(4, now)) {
    return fail(ApiError{500, "", "cannot bind"});
  }
  if (auto r = ins->run(); !r) return fail(storageError(r.error()));
  e.deviceId = db.lastInsertRowId();
  auto use = db.prepare("UPDATE enrollment_codes SET used_at = ?1, device_id = ?2 WHERE code_hash = ?3");
  if (!use) return fail(storageError(use.error()));
  if (!use->bind(1, now) || !use->bind(2, e.deviceId) || !use->bind(3, hash))
    return fail(ApiError{500, "", "cannot bind"});
  if (auto r = use->run(); !r) return fail(storageError(r.error()));
  return e;
}

}  // namespace unitclock::server
