// The SQLite implementation of the store seam (store.h). The statements are the ones the server ran inline
// before the seam, unchanged: `?N` parameters, BEGIN IMMEDIATE for writes, row ids from
// last_insert_rowid(), SQLITE_BUSY as 503 (storageError).
#include <sqlite3.h>

#include <unitclock/server/sqlite_store.h>
#include <unitclock/server/wire.h>
#include <chrono>
#include <optional>
#include <system_error>
#include <utility>

namespace unitclock::server {
namespace {

// [SECTION] Statement helpers

// Prepares `text` and binds `values` to ?1, ?2, ...
template <class... T>
Result<sql::Statement> prepared(sql::Database& db, std::string_view text, const T&... values) {
  auto st = db.prepare(text);
  if (!st) return fail(storageError(st.error()));
  [[maybe_unused]] int index = 0;
  std::optional<ApiError> error;
  (
      [&] {
        ++index;
        if (error) return;
        if (auto b = st->bind(index, values); !b) error = storageError(b.error());
      }(),
      ...);
  if (error) return fail(*error);
  return std::move(st).value();
}

// Runs an INSERT, UPDATE or DELETE.
template <class... T>
Result<void> execute(sql::Database& db, std::string_view text, const T&... values) {
  auto st = prepared(db, text, values...);
  if (!st) return fail(st.error());
  if (auto r = st->run(); !r) return fail(storageError(r.error()));
  return {};
}

// Reads every row of a query with `read(statement)`.
template <class Row, class Read, class... T>
Result<std::vector<Row>> rows(sql::Database& db, std::string_view text, Read read, const T&... values) {
  auto st = prepared(db, text, values...);
  if (!st) return fail(st.error());
  std::vector<Row> out;
  while (true) {
    auto row = st->step();
    if (!row) return fail(storageError(row.error()));
    if (!row.value()) break;
    out.push_back(read(*st));
  }
  return out;
}

// Reads the first row of a query, if any.
template <class Row, class Read, class... T>
Result<std::optional<Row>> firstRow(sql::Database& db, std::string_view text, Read read, const T&... values) {
  auto st = prepared(db, text, values...);
  if (!st) return fail(st.error());
  auto row = st->step();
  if (!row) return fail(storageError(row.error()));
  if (!row.value()) return std::optional<Row>{};
  return std::optional<Row>{read(*st)};
}

ClinicRow clinicOf(sql::Statement& q) {
  return ClinicRow{q.columnText(0), q.columnText(1), q.columnText(2), q.columnInt(3), q.columnText(4)};
}

constexpr std::string_view kConsoleUserColumns =
    "id, clinic_id, name, role, password_hash, failed_logins, locked_until, created_at, active";

ConsoleUserRow consoleUserOf(sql::Statement& q) {
  return ConsoleUserRow{q.columnText(0),         q.columnText(1), q.columnText(2),
                        q.columnText(3),         q.columnText(4), q.columnInt(5),
                        q.columnOptionalText(6), q.columnText(7), q.columnInt(8) != 0};
}

ClinicianRow clinicianOf(sql::Statement& q) {
  return ClinicianRow{q.columnText(0), q.columnText(1), q.columnText(2), q.columnText(3),    q.columnText(4),
                      q.columnText(5), q.columnText(6), q.columnText(7), q.columnInt(8) == 1};
}

RejectionRow rejectionOf(sql::Statement& q) {
  return RejectionRow{q.columnInt64(0), q.columnText(1), q.columnText(2), q.columnInt64(3), q.columnText(4),
                      q.columnInt(5),   q.columnText(6), q.columnText(7), q.columnText(8)};
}

StoredSession sessionOf(sql::Statement& q) {
  return StoredSession{q.columnText(0), q.columnText(1), q.columnInt64(2), q.columnInt(3), q.columnText(4),
                       q.columnText(5), q.columnText(6), q.columnText(7),  q.columnText(8)};
}

StoredRevision revisionOf(sql::Statement& q) {
  return StoredRevision{q.columnText(0),  q.columnInt(1),  q.columnText(2), q.columnText(3),
                        q.columnInt64(4), q.columnText(5), q.columnText(6)};
}

constexpr std::string_view kClinicColumns = "id, name, timezone, min_pin_digits, created_at";
constexpr std::string_view kClinicianColumns =
    "id, clinic_id, name, role, pin_hash, npi, family_name, given_name, active";
constexpr std::string_view kRejectionColumns =
    "id, clinic_id, day, device_id, session_id, status, field, message, received_at";
constexpr std::string_view kSessionColumns =
    "id, clinic_id, device_id, revision, body_hash, service_date, status, facts, received_at";
constexpr std::string_view kRevisionColumns =
    "session_id, revision, body_hash, reason, device_id, body, received_at";

std::string select(std::string_view columns, std::string_view rest) {
  return "SELECT " + std::string(columns) + " " + std::string(rest);
}

// [SECTION] The connection

class SqliteConnection final : public StoreConnection {
 public:
  explicit SqliteConnection(sql::Database db) : m_db(std::move(db)) {}

  // Transactions: SQLite's BEGIN DEFERRED for reads (a snapshot from the first read) and BEGIN IMMEDIATE
  // for writes (the write lock at once, so a busy store is a wait, then SQLITE_BUSY, never a deadlock).
  Result<void> begin(TransactionKind kind) override {
    auto tx =
        sql::Transaction::begin(m_db, kind == TransactionKind::kWrite ? sql::TransactionKind::kImmediate
                                                                      : sql::TransactionKind::kDeferred);
    if (!tx) return fail(storageError(tx.error()));
    m_tx.emplace(std::move(tx).value());
    return {};
  }
  Result<void> commit() override {
    if (!m_tx) return fail(ApiError{500, "", "no transaction to commit"});
    auto c = m_tx->commit();
    if (!c) return fail(storageError(c.error()));
    m_tx.reset();
    return {};
  }
  void rollback() noexcept override { m_tx.reset(); }  // sql::Transaction rolls back when destroyed
  Result<void> savepoint(std::string_view name) override {
    if (auto r = m_db.exec("SAVEPOINT " + std::string(name)); !r) return fail(storageError(r.error()));
    return {};
  }
  Result<void> rollbackToSavepoint(std::string_view name) override {
    if (auto r = m_db.exec("ROLLBACK TO " + std::string(name)); !r) return fail(storageError(r.error()));
    return {};
  }
  Result<void> releaseSavepoint(std::string_view name) override {
    if (auto r = m_db.exec("RELEASE " + std::string(name)); !r) return fail(storageError(r.error()));
    return {};
  }

  // Its page cache is dropped first (PRAGMA shrink_memory), or a database deleted, overwritten or on a
  // failing disk would still answer from memory.
  Result<int> checkHealth() override {
    auto unavailable = [](const sql::SqlError& e) {
      return fail(ApiError{503, "", "the database cannot be read: " + sql::errorString(e.code)});
    };
    if (auto shrink = m_db.exec("PRAGMA shrink_memory"); !shrink) return unavailable(shrink.error());
    if (auto one = m_db.queryInt64("SELECT 1"); !one) return unavailable(one.error());
    auto version = m_db.userVersion();
    if (!version) return unavailable(version.error());
    if (version.value() != schemaVersion()) {
      return fail(ApiError{503, "",
                           "the database has schema " + std::to_string(version.value()) +
                               " and this server needs " + std::to_string(schemaVersion())});
    }
    return version.value();
  }

  // page_count × page_size of the database plus its WAL file.
  Result<std::int64_t> storeBytes() override {
    auto pages = m_db.queryInt64("PRAGMA page_count");
    if (!pages) return fail(storageError(pages.error()));
    auto pageSize = m_db.queryInt64("PRAGMA page_size");
    if (!pageSize) return fail(storageError(pageSize.error()));
    std::error_code ec;
    const auto wal = std::filesystem::file_size(m_db.path() + "-wal", ec);  // none after a clean shutdown
    return pages.value() * pageSize.value() + (ec ? 0 : static_cast<std::int64_t>(wal));
  }

  // [SECTION] Tokens and enrollment

  Result<std::optional<TokenRecord>> findToken(const std::string& hash) override {
    auto dev = firstRow<TokenRecord>(
        m_db, "SELECT id, clinic_id, revoked_at FROM devices WHERE token_hash = ?1",
        [](sql::Statement& q) {
          return TokenRecord{TokenRecord::Kind::kDevice, q.columnInt64(0), "", q.columnText(1),
                             !q.columnIsNull(2)};
        },
        hash);
    if (!dev || dev.value()) return dev;
    return firstRow<TokenRecord>(
        m_db, "SELECT id, role, clinic_id, revoked_at FROM api_tokens WHERE token_hash = ?1",
        [](sql::Statement& q) {
          return TokenRecord{TokenRecord::Kind::kApiToken, q.columnInt64(0), q.columnText(1), q.columnText(2),
                             !q.columnIsNull(3)};
        },
        hash);
  }

  Result<std::optional<EnrollmentCodeRecord>> findEnrollmentCode(const std::string& hash) override {
    return firstRow<EnrollmentCodeRecord>(
        m_db, "SELECT clinic_id, expires_at, used_at FROM enrollment_codes WHERE code_hash = ?1",
        [](sql::Statement& q) {
          return EnrollmentCodeRecord{q.columnText(0), q.columnText(1), !q.columnIsNull(2)};
        },
        hash);
  }

  Result<void> addEnrollmentCode(const std::string& hash, const std::string& clinicId,
                                 const std::string& createdAt, const std::string& expiresAt) override {
    return execute(
        m_db,
        "INSERT INTO enrollment_codes(code_hash, clinic_id, created_at, expires_at) VALUES(?1, ?2, ?3, ?4)",
        hash, clinicId, createdAt, expiresAt);
  }

  Result<void> markEnrollmentCodeUsed(const std::string& hash, const std::string& usedAt,
                                      std::int64_t deviceId) override {
    return execute(m_db, "UPDATE enrollment_codes SET used_at = ?1, device_id = ?2 WHERE code_hash = ?3",
                   usedAt, deviceId, hash);
  }

  Result<std::int64_t> addDevice(const std::string& clinicId, std::string_view label,
                                 const std::string& tokenHash, const std::string& enrolledAt) override {
    if (auto r = execute(
            m_db, "INSERT INTO devices(clinic_id, label, token_hash, enrolled_at) VALUES(?1, ?2, ?3, ?4)",
            clinicId, label, tokenHash, enrolledAt);
        !r)
      return fail(r.error());
    return m_db.lastInsertRowId();
  }

  Result<std::int64_t> addApiToken(const std::string& tokenHash, const std::string& role,
                                   const std::optional<std::string>& clinicId, const std::string& label,
                                   const std::string& createdAt) override {
    if (auto r =
            execute(m_db,
                    "INSERT INTO api_tokens(token_hash, role, clinic_id, label, created_at) VALUES(?1, ?2, "
                    "?3, ?4, ?5)",
                    tokenHash, role, clinicId, label, createdAt);
        !r)
      return fail(r.error());
    return m_db.lastInsertRowId();
  }

  Result<std::vector<ApiTokenRow>> listApiTokens(const std::string& clinicFilter) override {
    return rows<ApiTokenRow>(
        m_db,
        "SELECT id, role, clinic_id, label, created_at, revoked_at FROM api_tokens WHERE ?1 = '' OR "
        "clinic_id = ?1 "
        "ORDER BY id",
        [](sql::Statement& q) {
          return ApiTokenRow{q.columnInt64(0), q.columnText(1), q.columnOptionalText(2),
                             q.columnText(3),  q.columnText(4), q.columnOptionalText(5)};
        },
        clinicFilter);
  }

  Result<bool> revokeDevice(std::int64_t id, const std::string& at) override {
    return revoke("UPDATE devices SET revoked_at = ?1 WHERE id = ?2 AND revoked_at IS NULL", id, at);
  }
  Result<bool> revokeApiToken(std::int64_t id, const std::string& at) override {
    return revoke("UPDATE api_tokens SET revoked_at = ?1 WHERE id = ?2 AND revoked_at IS NULL", id, at);
  }

  // [SECTION] Rate limit

  Result<std::optional<RateBucket>> readRateBucket(std::int64_t bucketId) override {
    return firstRow<RateBucket>(
        m_db, "SELECT tokens, updated_ms FROM rate_buckets WHERE device_id = ?1",
        [](sql::Statement& q) {
          return RateBucket{q.columnDouble(0), q.columnInt64(1)};
        },
        bucketId);
  }

  Result<void> writeRateBucket(std::int64_t bucketId, const RateBucket& b) override {
    return execute(
        m_db,
        "INSERT INTO rate_buckets(device_id, tokens, updated_ms) VALUES(?1, ?2, ?3) "
        "ON CONFLICT(device_id) DO UPDATE SET tokens = excluded.tokens, updated_ms = excluded.updated_ms",
        bucketId, b.tokens, b.updatedMs);
  }

  // [SECTION] Devices

  Result<std::vector<DeviceRow>> listDevices(const std::string& clinicFilter) override {
    return rows<DeviceRow>(
        m_db,
        "SELECT id, clinic_id, label, enrolled_at, revoked_at, last_seen_at, app_version, pending_uploads "
        "FROM devices WHERE ?1 = '' OR clinic_id = ?1 ORDER BY id",
        [](sql::Statement& q) {
          return DeviceRow{q.columnInt64(0), q.columnText(1),         q.columnText(2),
                           q.columnText(3),  q.columnOptionalText(4), q.columnOptionalText(5),
                           q.columnText(6),  q.columnOptionalInt64(7)};
        },
        clinicFilter);
  }

  Result<bool> isDeviceOfClinic(std::int64_t deviceId, const std::string& clinicId) override {
    auto found = firstRow<int>(
        m_db, "SELECT 1 FROM devices WHERE id = ?1 AND clinic_id = ?2", [](sql::Statement&) { return 1; },
        deviceId, clinicId);
    if (!found) return fail(found.error());
    return found->has_value();
  }

  // One statement: it reads the row by its key and writes only when the minute is over or what the device
  // said changed, so the common case (a kiosk calling again within the minute) writes nothing.
  Result<bool> updateDeviceSeen(const DeviceSeenUpdate& s) override {
    if (auto r =
            execute(m_db,
                    "UPDATE devices SET last_seen_at = ?1, app_version = ?2, pending_uploads = coalesce(?3, "
                    "pending_uploads) "
                    "WHERE id = ?4 AND (last_seen_at IS NULL OR last_seen_at <= ?5 OR app_version IS NOT ?2 "
                    "OR (?3 IS NOT NULL AND pending_uploads IS NOT ?3))",
                    s.seenAt, s.appVersion, s.pendingUploads, s.deviceId, s.staleBefore);
        !r)
      return fail(r.error());
    return m_db.changes() > 0;
  }

  // [SECTION] Clinics, roster, documents, schedule

  Result<std::optional<ClinicRow>> findClinic(const std::string& clinicId) override {
    return firstRow<ClinicRow>(m_db, select(kClinicColumns, "FROM clinics WHERE id = ?1"), clinicOf,
                               clinicId);
  }

  Result<std::vector<ClinicRow>> listClinics() override {
    return rows<ClinicRow>(m_db, select(kClinicColumns, "FROM clinics ORDER BY id"), clinicOf);
  }

  Result<void> addClinic(const ClinicRow& c) override {
    return execute(
        m_db,
        "INSERT INTO clinics(id, name, timezone, created_at, min_pin_digits) VALUES(?1, ?2, ?3, ?4, ?5)",
        c.id, c.name, c.timeZone, c.createdAt, c.minPinDigits);
  }

  Result<std::vector<ClinicianRow>> listClinicians(const std::string& clinicFilter) override {
    // One clinic's through the index on clinic_id (an `?1 = '' OR` would scan the table).
    if (clinicFilter.empty())
      return rows<ClinicianRow>(m_db, select(kClinicianColumns, "FROM clinicians ORDER BY clinic_id, id"),
                                clinicianOf);
    return rows<ClinicianRow>(m_db,
                              select(kClinicianColumns, "FROM clinicians WHERE clinic_id = ?1 ORDER BY id"),
                              clinicianOf, clinicFilter);
  }

  Result<std::vector<std::string>> clinicianIds(const std::string& clinicId) override {
    return rows<std::string>(
        m_db, "SELECT id FROM clinicians WHERE clinic_id = ?1",
        [](sql::Statement& q) { return q.columnText(0); }, clinicId);
  }

  Result<std::optional<ClinicianRow>> findClinician(const std::string& id) override {
    return firstRow<ClinicianRow>(m_db, select(kClinicianColumns, "FROM clinicians WHERE id = ?1"),
                                  clinicianOf, id);
  }

  Result<void> addClinician(const ClinicianRow& c) override {
    return execute(
        m_db,
        "INSERT INTO clinicians(id, clinic_id, name, role, pin_hash, npi, family_name, given_name) "
        "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        c.id, c.clinicId, c.name, c.role, c.pinHash, c.npi, c.familyName, c.givenName);
  }

  Result<void> updateClinician(const ClinicianRow& c) override {
    return execute(m_db,
                   "UPDATE clinicians SET name = ?2, role = ?3, npi = COALESCE(NULLIF(?4, ''), npi), "
                   "family_name = COALESCE(NULLIF(?5, ''), family_name), "
                   "given_name = COALESCE(NULLIF(?6, ''), given_name), active = 1 WHERE id = ?1",
                   c.id, c.name, c.role, c.npi, c.familyName, c.givenName);
  }

  Result<void> setClinicianPin(const std::string& id, const std::string& pinHash) override {
    return execute(m_db, "UPDATE clinicians SET pin_hash = ?2 WHERE id = ?1", id, pinHash);
  }

  Result<bool> deactivateClinician(const std::string& id) override {
    if (auto r = execute(m_db, "UPDATE clinicians SET active = 0 WHERE id = ?1", id); !r)
      return fail(r.error());
    return m_db.changes() > 0;
  }

  Result<std::vector<ClinicDocument>> clinicDocuments(const std::string& clinicId) override {
    return rows<ClinicDocument>(
        m_db, "SELECT name, body FROM clinic_documents WHERE clinic_id = ?1 ORDER BY name",
        [](sql::Statement& q) {
          return ClinicDocument{q.columnText(0), q.columnText(1)};
        },
        clinicId);
  }

  Result<void> setClinicDocument(const std::string& clinicId, const ClinicDocument& doc) override {
    return execute(m_db,
                   "INSERT INTO clinic_documents(clinic_id, name, body) VALUES(?1, ?2, ?3) "
                   "ON CONFLICT(clinic_id, name) DO UPDATE SET body = excluded.body",
                   clinicId, doc.name, doc.body);
  }

  Result<std::vector<ScheduleRow>> schedule(const std::string& clinicId, const std::string& date) override {
    return rows<ScheduleRow>(
        m_db,
        "SELECT clinic_id, date, time, mrn, initials, payer, discipline, clinician_id FROM schedule "
        "WHERE clinic_id = ?1 AND date = ?2 ORDER BY time, id",
        [](sql::Statement& q) {
          return ScheduleRow{q.columnText(0), q.columnText(1), q.columnText(2), q.columnText(3),
                             q.columnText(4), q.columnText(5), q.columnText(6), q.columnText(7)};
        },
        clinicId, date);
  }

  Result<void> addScheduleEntry(const ScheduleRow& e) override {
    return execute(
        m_db,
        "INSERT INTO schedule(clinic_id, date, time, mrn, initials, payer, discipline, clinician_id) "
        "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        e.clinicId, e.date, e.time, e.mrn, e.initials, e.payer, e.discipline, e.clinicianId);
  }

  // [SECTION] Sessions and revisions

  Result<std::optional<StoredSession>> findSession(const std::string& id) override {
    return firstRow<StoredSession>(m_db, select(kSessionColumns, "FROM sessions WHERE id = ?1"), sessionOf,
                                   id);
  }

  Result<void> insertSession(const StoredSession& s) override {
    return execute(
        m_db,
        "INSERT INTO sessions(id, clinic_id, device_id, revision, body_hash, service_date, status, "
        "facts, received_at) "
        "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        s.id, s.clinicId, s.deviceId, s.revision, s.bodyHash, s.serviceDate, s.status, s.facts, s.receivedAt);
  }

  Result<void> updateSession(const StoredSession& s) override {
    return execute(m_db,
                   "UPDATE sessions SET device_id = ?2, revision = ?3, body_hash = ?4, service_date = ?5, "
                   "status = ?6, facts = ?7, received_at = ?8 WHERE id = ?1",
                   s.id, s.deviceId, s.revision, s.bodyHash, s.serviceDate, s.status, s.facts, s.receivedAt);
  }

  Result<void> updateSessionVoid(const StoredSession& s) override {
    return execute(
        m_db,
        "UPDATE sessions SET device_id = ?2, body_hash = ?3, status = ?4, facts = ?5, received_at = ?6 "
        "WHERE id = ?1",
        s.id, s.deviceId, s.bodyHash, s.status, s.facts, s.receivedAt);
  }

  Result<bool> setSessionDevice(const std::string& sessionId, const std::string& clinicId,
                                std::int64_t deviceId) override {
    if (auto r = execute(m_db, "UPDATE sessions SET device_id = ?3 WHERE id = ?1 AND clinic_id = ?2",
                         sessionId, clinicId, deviceId);
        !r)
      return fail(r.error());
    return m_db.changes() > 0;
  }

  Result<void> insertRevision(const StoredRevision& r) override {
    return execute(m_db,
                   "INSERT INTO session_revisions(session_id, revision, body_hash, reason, device_id, body, "
                   "received_at) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                   r.sessionId, r.revision, r.bodyHash, r.reason, r.deviceId, r.body, r.receivedAt);
  }

  Result<void> updateRevision(const StoredRevision& r) override {
    return execute(m_db,
                   "UPDATE session_revisions SET body_hash = ?3, device_id = ?4, body = ?5, received_at = ?6 "
                   "WHERE session_id = ?1 AND revision = ?2",
                   r.sessionId, r.revision, r.bodyHash, r.deviceId, r.body, r.receivedAt);
  }

  Result<std::optional<StoredRevision>> findRevision(const std::string& sessionId, int revision) override {
    return firstRow<StoredRevision>(
        m_db, select(kRevisionColumns, "FROM session_revisions WHERE session_id = ?1 AND revision = ?2"),
        revisionOf, sessionId, revision);
  }

  Result<std::vector<StoredRevision>> listRevisions(const std::string& sessionId) override {
    return rows<StoredRevision>(
        m_db, select(kRevisionColumns, "FROM session_revisions WHERE session_id = ?1 ORDER BY revision"),
        revisionOf, sessionId);
  }

  Result<void> replaceSessionDays(const std::string& clinicId, const std::string& sessionId,
                                  const std::vector<std::string>& days) override {
    if (auto r = execute(m_db, "DELETE FROM session_days WHERE session_id = ?1", sessionId); !r) return r;
    auto ins = m_db.prepare("INSERT INTO session_days(clinic_id, date, session_id) VALUES(?1, ?2, ?3)");
    if (!ins) return fail(storageError(ins.error()));
    for (const auto& d : days) {
      if (auto b = ins->bind(1, clinicId); !b) return fail(storageError(b.error()));
      if (auto b = ins->bind(2, d); !b) return fail(storageError(b.error()));
      if (auto b = ins->bind(3, sessionId); !b) return fail(storageError(b.error()));
      if (auto r = ins->run(); !r) return fail(storageError(r.error()));
    }
    return {};
  }

  Result<void> visitDaySessions(const std::string& clinicId, const std::string& date,
                                const DaySessionVisitor& visit) override {
    auto st = prepared(m_db,
                       "SELECT s.id, s.facts FROM session_days d JOIN sessions s ON s.id = d.session_id "
                       "WHERE d.clinic_id = ?1 AND d.date = ?2 ORDER BY s.id",
                       clinicId, date);
    if (!st) return fail(st.error());
    while (true) {
      auto row = st->step();
      if (!row) return fail(storageError(row.error()));
      if (!row.value()) break;
      visit(st->columnText(0), st->columnText(1));
    }
    return {};
  }

  // [SECTION] Rejections and releases

  Result<void> addRejection(const RejectionRow& r) override {
    return execute(
        m_db,
        "INSERT INTO rejections(clinic_id, device_id, session_id, status, field, message, received_at, "
        "received_date, day) "
        "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, substr(?7, 1, 10), ?8)",
        r.clinicId, r.deviceId, r.sessionId, r.status, r.field, r.message, r.receivedAt, r.day);
  }

  Result<std::vector<RejectionRow>> dayRejections(const std::string& clinicId,
                                                  const std::string& day) override {
    return rows<RejectionRow>(
        m_db, select(kRejectionColumns, "FROM rejections WHERE clinic_id = ?1 AND day = ?2 ORDER BY id"),
        rejectionOf, clinicId, day);
  }

  Result<std::vector<RejectionRow>> listRejections(const RejectionFilter& f) override {
    return rows<RejectionRow>(
        m_db,
        select(kRejectionColumns,
               "FROM rejections WHERE (?1 = '' OR clinic_id = ?1) AND (?2 = '' OR day = ?2) "
               "ORDER BY id DESC LIMIT ?3"),
        rejectionOf, f.clinicId, f.day, f.limit);
  }

  Result<std::vector<ChargeReleaseRow>> dayReleases(const std::string& clinicId,
                                                    const std::string& date) override {
    return rows<ChargeReleaseRow>(
        m_db,
        "SELECT id, clinic_id, date, patient_mrn, discipline, content_hash, flags, reason, released_by, "
        "released_at "
        "FROM charge_releases WHERE clinic_id = ?1 AND date = ?2 ORDER BY id",
        [](sql::Statement& q) {
          return ChargeReleaseRow{q.columnInt64(0), q.columnText(1), q.columnText(2), q.columnText(3),
                                  q.columnText(4),  q.columnText(5), q.columnText(6), q.columnText(7),
                                  q.columnInt64(8), q.columnText(9)};
        },
        clinicId, date);
  }

  Result<std::int64_t> addChargeRelease(const ChargeReleaseRow& r) override {
    if (auto ins =
            execute(m_db,
                    "INSERT INTO charge_releases(clinic_id, date, patient_mrn, discipline, content_hash, "
                    "flags, reason, released_by, released_at) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                    r.clinicId, r.date, r.patientMrn, r.discipline, r.contentHash, r.flags, r.reason,
                    r.releasedBy, r.releasedAt);
        !ins)
      return fail(ins.error());
    return m_db.lastInsertRowId();
  }

  // [SECTION] The web console

  Result<std::optional<ConsoleUserRow>> findConsoleUser(const std::string& userId) override {
    return firstRow<ConsoleUserRow>(m_db, select(kConsoleUserColumns, "FROM console_users WHERE id = ?1"),
                                    consoleUserOf, userId);
  }

  Result<std::vector<ConsoleUserRow>> listConsoleUsers(const std::string& clinicFilter) override {
    return rows<ConsoleUserRow>(
        m_db, select(kConsoleUserColumns, "FROM console_users WHERE ?1 = '' OR clinic_id = ?1 ORDER BY id"),
        consoleUserOf, clinicFilter);
  }

  Result<void> putConsoleUser(const ConsoleUserRow& u) override {
    return execute(m_db,
                   "INSERT INTO console_users(id, clinic_id, name, role, password_hash, failed_logins, "
                   "locked_until, created_at, active) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) "
                   "ON CONFLICT(id) DO UPDATE SET clinic_id = excluded.clinic_id, name = excluded.name, "
                   "role = excluded.role, password_hash = excluded.password_hash, "
                   "failed_logins = excluded.failed_logins, locked_until = excluded.locked_until, "
                   "active = excluded.active",
                   u.id, u.clinicId, u.name, u.role, u.passwordHash, u.failedLogins, u.lockedUntil,
                   u.createdAt, u.active ? 1 : 0);
  }

  Result<void> addConsoleSession(const ConsoleSessionRow& c) override {
    return execute(
        m_db,
        "INSERT INTO console_sessions(token_hash, user_id, csrf_token, created_at, last_active_ms) "
        "VALUES(?1, ?2, ?3, ?4, ?5)",
        c.tokenHash, c.userId, c.csrfToken, c.createdAt, c.lastActiveMs);
  }

  Result<std::optional<ConsoleSessionRow>> findConsoleSession(const std::string& tokenHash) override {
    return firstRow<ConsoleSessionRow>(
        m_db,
        "SELECT token_hash, user_id, csrf_token, created_at, last_active_ms FROM console_sessions "
        "WHERE token_hash = ?1",
        [](sql::Statement& q) {
          return ConsoleSessionRow{q.columnText(0), q.columnText(1), q.columnText(2), q.columnText(3),
                                   q.columnInt64(4)};
        },
        tokenHash);
  }

  Result<void> touchConsoleSession(const std::string& tokenHash, std::int64_t lastActiveMs) override {
    return execute(m_db, "UPDATE console_sessions SET last_active_ms = ?1 WHERE token_hash = ?2",
                   lastActiveMs, tokenHash);
  }

  Result<void> endConsoleSession(const std::string& tokenHash) override {
    return execute(m_db, "DELETE FROM console_sessions WHERE token_hash = ?1", tokenHash);
  }

  Result<void> endConsoleSessionsOf(const std::string& userId) override {
    return execute(m_db, "DELETE FROM console_sessions WHERE user_id = ?1", userId);
  }

  Result<void> addAudit(const AuditRow& a) override {
    return execute(m_db,
                   "INSERT INTO audit_log(at, clinic_id, user_id, action, target, detail) "
                   "VALUES(?1, ?2, ?3, ?4, ?5, ?6)",
                   a.at, a.clinicId, a.userId, a.action, a.target, a.detail);
  }

  Result<std::vector<AuditRow>> listAudit(const AuditFilter& f) override {
    return rows<AuditRow>(
        m_db,
        "SELECT id, at, clinic_id, user_id, action, target, detail FROM audit_log "
        "WHERE (?1 = '' OR clinic_id = ?1) AND (?2 = '' OR action = ?2) AND (?3 = '' OR user_id = ?3) "
        "ORDER BY id DESC LIMIT ?4",
        [](sql::Statement& q) {
          return AuditRow{q.columnInt64(0), q.columnText(1), q.columnText(2), q.columnText(3),
                          q.columnText(4),  q.columnText(5), q.columnText(6)};
        },
        f.clinicId, f.action, f.userId, f.limit);
  }

  Result<void> replaceDeviceUnsigned(std::int64_t deviceId,
                                     const std::vector<DeviceUnsignedRow>& list) override {
    if (auto d = execute(m_db, "DELETE FROM device_unsigned WHERE device_id = ?1", deviceId); !d) return d;
    for (const auto& u : list) {
      if (auto ins = execute(m_db,
                             "INSERT INTO device_unsigned(device_id, session_id, clinic_id, date, "
                             "clinician_id, initials, state, started_at, reported_at) "
                             "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                             deviceId, u.sessionId, u.clinicId, u.date, u.clinicianId, u.initials, u.state,
                             u.startedAt, u.reportedAt);
          !ins)
        return ins;
    }
    return {};
  }

  Result<std::vector<DeviceUnsignedRow>> dayDeviceUnsigned(const std::string& clinicId,
                                                           const std::string& date) override {
    return rows<DeviceUnsignedRow>(
        m_db,
        "SELECT device_id, session_id, clinic_id, date, clinician_id, initials, state, started_at, "
        "reported_at FROM device_unsigned "
        "WHERE clinic_id = ?1 AND date = ?2 ORDER BY device_id, started_at, session_id",
        [](sql::Statement& q) {
          return DeviceUnsignedRow{q.columnInt64(0), q.columnText(1), q.columnText(2),
                                   q.columnText(3),  q.columnText(4), q.columnText(5),
                                   q.columnText(6),  q.columnText(7), q.columnText(8)};
        },
        clinicId, date);
  }

  Result<std::vector<DayDecisionRow>> dayDecisions(const std::string& clinicId,
                                                   const std::string& date) override {
    return rows<DayDecisionRow>(
        m_db,
        "SELECT id, clinic_id, date, kind, subject, content_hash, reason, decided_by, decided_at "
        "FROM day_decisions WHERE clinic_id = ?1 AND date = ?2 ORDER BY id",
        [](sql::Statement& q) {
          return DayDecisionRow{q.columnInt64(0), q.columnText(1), q.columnText(2),
                                q.columnText(3),  q.columnText(4), q.columnText(5),
                                q.columnText(6),  q.columnText(7), q.columnText(8)};
        },
        clinicId, date);
  }

  Result<std::int64_t> addDayDecision(const DayDecisionRow& d) override {
    if (auto ins =
            execute(m_db,
                    "INSERT INTO day_decisions(clinic_id, date, kind, subject, content_hash, reason, "
                    "decided_by, decided_at) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                    d.clinicId, d.date, d.kind, d.subject, d.contentHash, d.reason, d.decidedBy, d.decidedAt);
        !ins)
      return fail(ins.error());
    return m_db.lastInsertRowId();
  }

 private:
  Result<bool> revoke(std::string_view text, std::int64_t id, const std::string& at) {
    if (auto r = execute(m_db, text, at, id); !r) return fail(r.error());
    return m_db.changes() > 0;
  }

  sql::Database m_db;
  std::optional<sql::Transaction> m_tx;  // declared after m_db: rolled back before the connection closes
};

// [SECTION] The store

class SqliteStore final : public ServerStore {
 public:
  explicit SqliteStore(std::filesystem::path dataDir) : m_dataDir(std::move(dataDir)) {}

  Result<std::unique_ptr<StoreConnection>> connect() override {
    auto db = openDatabase(m_dataDir);
    if (!db) return fail(db.error());
    return sqliteConnection(std::move(db).value());
  }
  Result<void> checkIntegrity() override {
    auto db = openDatabase(m_dataDir, /*checkIntegrity=*/true);
    if (!db) return fail(db.error());
    return {};
  }
  std::string location() const override { return databasePath(m_dataDir).string(); }
  int schemaVersion() const override { return server::schemaVersion(); }

 private:
  std::filesystem::path m_dataDir;
};

}  // namespace

std::unique_ptr<StoreConnection> sqliteConnection(sql::Database db) {
  return std::make_unique<SqliteConnection>(std::move(db));
}

Result<std::unique_ptr<ServerStore>> openSqliteStore(const std::filesystem::path& dataDir) {
  // Opened once here so that a missing, newer or unreadable database is refused at once (and an older one
  // migrated), as before any connection is made.
  auto db = openDatabase(dataDir);
  if (!db) return fail(db.error());
  return std::unique_ptr<ServerStore>(std::make_unique<SqliteStore>(dataDir));
}

std::string nowUtc() {
  return formatUtcTimestamp(std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()));
}

}  // namespace unitclock::server
