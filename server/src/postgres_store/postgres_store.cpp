// The PostgreSQL implementation of the store seam (store.h). The statements are the SQLite store's, in
// PostgreSQL's dialect: `$N` parameters, RETURNING id for new rows, IS DISTINCT FROM for SQLite's IS NOT.
//
// Several server instances share one database, so what SQLite's single writer gave for free is explicit:
// - Writes run in READ COMMITTED, and every read a write decides on locks its row (`FOR UPDATE`): a
//   session's stored revision and a device's rate bucket are read by one instance at a time, so a
//   conflicting revision is a 409 on either instance and a rate limit holds across them.
// - Two instances inserting the same new session at once: the second insert fails on the primary key,
//   which is reported as "run the transaction again" (pgStorageError), and the second run finds the row
//   and answers `unchanged`. The writer retries a bounded number of times (routes.cpp).
// - Reads run in REPEATABLE READ READ ONLY: a day's summary is one snapshot.
#include "postgres_store.h"

#include "../migrations/migrations.h"

#include <algorithm>
#include <optional>
#include <utility>

namespace unitclock::server {
namespace {

using pg::Param;

std::string schemaTable() {
  return "unitclock_schema";
}

// [SECTION] Row readers

ClinicRow clinicOf(const pg::Result& q, int r) {
  return ClinicRow{q.text(r, 0), q.text(r, 1), q.text(r, 2), static_cast<int>(q.int64(r, 3)), q.text(r, 4)};
}

ClinicianRow clinicianOf(const pg::Result& q, int r) {
  return ClinicianRow{q.text(r, 0), q.text(r, 1), q.text(r, 2), q.text(r, 3),      q.text(r, 4),
                      q.text(r, 5), q.text(r, 6), q.text(r, 7), q.int64(r, 8) == 1};
}

RejectionRow rejectionOf(const pg::Result& q, int r) {
  return RejectionRow{q.int64(r, 0), q.text(r, 1), q.text(r, 2),
                      q.int64(r, 3), q.text(r, 4), static_cast<int>(q.int64(r, 5)),
                      q.text(r, 6),  q.text(r, 7), q.text(r, 8)};
}

StoredSession sessionOf(const pg::Result& q, int r) {
  return StoredSession{q.text(r, 0), q.text(r, 1), q.int64(r, 2), static_cast<int>(q.int64(r, 3)),
                       q.text(r, 4), q.text(r, 5), q.text(r, 6),  q.text(r, 7),
                       q.text(r, 8)};
}

StoredRevision revisionOf(const pg::Result& q, int r) {
  return StoredRevision{
      q.text(r, 0), static_cast<int>(q.int64(r, 1)), q.text(r, 2), q.text(r, 3), q.int64(r, 4), q.text(r, 5),
      q.text(r, 6)};
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

constexpr std::string_view kConsoleUserColumns =
    "id, clinic_id, name, role, password_hash, failed_logins, locked_until, created_at, active";

ConsoleUserRow consoleUserOf(const pg::Result& q, int r) {
  return ConsoleUserRow{q.text(r, 0),         q.text(r, 1), q.text(r, 2),
                        q.text(r, 3),         q.text(r, 4), static_cast<int>(q.int64(r, 5)),
                        q.optionalText(r, 6), q.text(r, 7), q.int64(r, 8) != 0};
}

std::string select(std::string_view columns, std::string_view rest) {
  return "SELECT " + std::string(columns) + " " + std::string(rest);
}

Param i64(std::int64_t v) {
  return Param::int64(v);
}

// [SECTION] Schema

// Applies the steps above the database's version in one transaction, under an advisory lock so that
// instances starting together migrate once. Returns the version, or refuses a newer schema.
Result<int> migrateSchema(pg::Connection& db, const std::string& where, bool createIfMissing) {
  // A store at this build's schema is only read, so that a server or a read-only command can start on
  // a read-only standby; the lock and the writes are for a store that needs steps.
  {
    auto current = db.query("SELECT version FROM " + schemaTable());
    if (current && !current->empty() && current->int64(0, 0) == migrations::postgresql().back().version)
      return static_cast<int>(current->int64(0, 0));
  }
  auto tx = pg::Transaction::begin(db);
  if (!tx) return fail(pgStorageError(tx.error()));
  if (auto lock = db.query("SELECT pg_advisory_xact_lock(7478236001)"); !lock)
    return fail(pgStorageError(lock.error()));
  auto exists = db.query("SELECT to_regclass($1::text) IS NOT NULL", {schemaTable()});
  if (!exists) return fail(pgStorageError(exists.error()));
  int version = 0;
  if (exists->boolean(0, 0)) {
    auto v = db.query("SELECT version FROM " + schemaTable());
    if (!v) return fail(pgStorageError(v.error()));
    version = v->empty() ? 0 : static_cast<int>(v->int64(0, 0));
  } else {
    if (!createIfMissing) {
      return fail(ApiError{
          500, "",
          where + " has no unitclock schema: run `unitclock-server init --database " + where + "` first"});
    }
    auto tables = db.query("SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()");
    if (!tables) return fail(pgStorageError(tables.error()));
    if (tables->int64(0, 0) > 0) {
      return fail(ApiError{
          500, "", where + " already holds tables that are not a unitclock server's; left untouched"});
    }
    if (auto c = db.exec("CREATE TABLE " + schemaTable() + "(version BIGINT NOT NULL); INSERT INTO " +
                         schemaTable() + " VALUES (0)");
        !c)
      return fail(pgStorageError(c.error()));
  }
  const auto steps = migrations::postgresql();
  if (version > steps.back().version) {
    return fail(ApiError{500, "", where + " was written by a newer unitclock-server; left untouched"});
  }
  for (const auto& step : steps) {
    if (step.version <= version) continue;
    if (auto r = db.exec(step.sql); !r) {
      auto e = pgStorageError(r.error());
      e.message = "cannot migrate " + where + " to schema " + std::to_string(step.version) + ": " + e.message;
      return fail(e);
    }
    version = step.version;
  }
  if (auto u = db.query("UPDATE " + schemaTable() + " SET version = $1", {i64(version)}); !u)
    return fail(pgStorageError(u.error()));
  if (auto c = tx->commit(); !c) return fail(pgStorageError(c.error()));
  return version;
}

Result<pg::Connection> openConnection(const std::string& url) {
  pg::ConnectOptions options;
  options.applicationName = "unitclock-server";
  auto db = pg::Connection::open(url, options);
  if (!db) {
    return fail(
        ApiError{503, "", "the database " + redactedUrl(url) + " cannot be reached: " + db.error().message});
  }
  return std::move(db).value();
}

// [SECTION] The connection

class PostgresConnection final : public StoreConnection {
 public:
  PostgresConnection(std::string url, pg::Connection db) : m_url(std::move(url)), m_db(std::move(db)) {}

  // A connection lost outside a transaction (the server restarted, a failover) is opened again before
  // the next transaction; inside one, the transaction fails and its caller decides.
  Result<void> begin(TransactionKind kind) override {
    if (auto c = reconnectIfLost(); !c) return c;
    auto tx = pg::Transaction::begin(m_db, kind == TransactionKind::kWrite ? pg::Isolation::kReadCommitted
                                                                           : pg::Isolation::kRepeatableRead);
    if (!tx) return fail(pgStorageError(tx.error()));
    m_tx.emplace(std::move(tx).value());
    m_write = kind == TransactionKind::kWrite;
    if (!m_write) {
      if (auto ro = m_db.exec("SET TRANSACTION READ ONLY"); !ro) return fail(pgStorageError(ro.error()));
    }
    return {};
  }
  Result<void> commit() override {
    if (!m_tx) return fail(ApiError{500, "", "no transaction to commit"});
    auto c = m_tx->commit();
    m_tx.reset();
    m_write = false;
    if (!c) return fail(pgStorageError(c.error()));
    return {};
  }
  void rollback() noexcept override {
    m_tx.reset();  // pg::Transaction rolls back when destroyed
    m_write = false;
  }
  Result<void> savepoint(std::string_view name) override { return exec("SAVEPOINT " + std::string(name)); }
  Result<void> rollbackToSavepoint(std::string_view name) override {
    return exec("ROLLBACK TO SAVEPOINT " + std::string(name));
  }
  Result<void> releaseSavepoint(std::string_view name) override {
    return exec("RELEASE SAVEPOINT " + std::string(name));
  }

  Result<int> checkHealth() override {
    if (auto c = reconnectIfLost(); !c) return fail(c.error());
    auto v = m_db.query("SELECT version FROM " + schemaTable());
    if (!v || v->empty()) {
      return fail(ApiError{
          503, "",
          "the database cannot be read: " + (v ? std::string("no schema version") : v.error().message)});
    }
    const int version = static_cast<int>(v->int64(0, 0));
    if (version != postgresSchemaVersion()) {
      return fail(ApiError{503, "",
                           "the database has schema " + std::to_string(version) + " and this server needs " +
                               std::to_string(postgresSchemaVersion())});
    }
    return version;
  }

  Result<std::int64_t> storeBytes() override {
    auto r = query("SELECT pg_database_size(current_database())", {});
    if (!r) return fail(r.error());
    return r->int64(0, 0);
  }

  // [SECTION] Tokens and enrollment

  Result<std::optional<TokenRecord>> findToken(const std::string& hash) override {
    auto dev = query("SELECT id, clinic_id, revoked_at FROM devices WHERE token_hash = $1", {hash});
    if (!dev) return fail(dev.error());
    if (!dev->empty()) {
      return std::optional<TokenRecord>{
          TokenRecord{TokenRecord::Kind::kDevice, dev->int64(0, 0), "", dev->text(0, 1), !dev->isNull(0, 2)}};
    }
    auto api = query("SELECT id, role, clinic_id, revoked_at FROM api_tokens WHERE token_hash = $1", {hash});
    if (!api) return fail(api.error());
    if (api->empty()) return std::optional<TokenRecord>{};
    return std::optional<TokenRecord>{TokenRecord{TokenRecord::Kind::kApiToken, api->int64(0, 0),
                                                  api->text(0, 1), api->text(0, 2), !api->isNull(0, 3)}};
  }

  Result<std::optional<EnrollmentCodeRecord>> findEnrollmentCode(const std::string& hash) override {
    auto r = query(
        "SELECT clinic_id, expires_at, used_at FROM enrollment_codes WHERE code_hash = $1" + lock(), {hash});
    if (!r) return fail(r.error());
    if (r->empty()) return std::optional<EnrollmentCodeRecord>{};
    return std::optional<EnrollmentCodeRecord>{
        EnrollmentCodeRecord{r->text(0, 0), r->text(0, 1), !r->isNull(0, 2)}};
  }

  Result<void> addEnrollmentCode(const std::string& hash, const std::string& clinicId,
                                 const std::string& createdAt, const std::string& expiresAt) override {
    return execute(
        "INSERT INTO enrollment_codes(code_hash, clinic_id, created_at, expires_at) VALUES($1, $2, $3, $4)",
        {hash, clinicId, createdAt, expiresAt});
  }

  Result<void> markEnrollmentCodeUsed(const std::string& hash, const std::string& usedAt,
                                      std::int64_t deviceId) override {
    return execute("UPDATE enrollment_codes SET used_at = $1, device_id = $2 WHERE code_hash = $3",
                   {usedAt, i64(deviceId), hash});
  }

  Result<std::int64_t> addDevice(const std::string& clinicId, std::string_view label,
                                 const std::string& tokenHash, const std::string& enrolledAt) override {
    return insertReturningId(
        "INSERT INTO devices(clinic_id, label, token_hash, enrolled_at) VALUES($1, $2, $3, $4) RETURNING id",
        {clinicId, label, tokenHash, enrolledAt});
  }

  Result<std::int64_t> addApiToken(const std::string& tokenHash, const std::string& role,
                                   const std::optional<std::string>& clinicId, const std::string& label,
                                   const std::string& createdAt) override {
    return insertReturningId(
        "INSERT INTO api_tokens(token_hash, role, clinic_id, label, created_at) VALUES($1, $2, $3, $4, $5) "
        "RETURNING id",
        {tokenHash, role, clinicId, label, createdAt});
  }

  Result<std::vector<ApiTokenRow>> listApiTokens(const std::string& clinicFilter) override {
    auto r = query(
        "SELECT id, role, clinic_id, label, created_at, revoked_at FROM api_tokens "
        "WHERE $1::text = '' OR clinic_id = $1 ORDER BY id",
        {clinicFilter});
    if (!r) return fail(r.error());
    std::vector<ApiTokenRow> out;
    for (int i = 0; i < r->rows(); ++i) {
      out.push_back(ApiTokenRow{r->int64(i, 0), r->text(i, 1), r->optionalText(i, 2), r->text(i, 3),
                                r->text(i, 4), r->optionalText(i, 5)});
    }
    return out;
  }

  Result<bool> revokeDevice(std::int64_t id, const std::string& at) override {
    return changed("UPDATE devices SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL", {at, i64(id)});
  }
  Result<bool> revokeApiToken(std::int64_t id, const std::string& at) override {
    return changed("UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL",
                   {at, i64(id)});
  }

  // [SECTION] Rate limit: the bucket's row is locked for the rest of the write, so two instances taking
  // from one device's bucket take in turn.

  Result<std::optional<RateBucket>> readRateBucket(std::int64_t bucketId) override {
    auto r =
        query("SELECT tokens, updated_ms FROM rate_buckets WHERE device_id = $1" + lock(), {i64(bucketId)});
    if (!r) return fail(r.error());
    if (r->empty()) return std::optional<RateBucket>{};
    return std::optional<RateBucket>{RateBucket{std::stod(r->text(0, 0)), r->int64(0, 1)}};
  }

  Result<void> writeRateBucket(std::int64_t bucketId, const RateBucket& b) override {
    return execute(
        "INSERT INTO rate_buckets(device_id, tokens, updated_ms) VALUES($1, $2::double precision, $3) "
        "ON CONFLICT(device_id) DO UPDATE SET tokens = excluded.tokens, updated_ms = excluded.updated_ms",
        {i64(bucketId), formatDouble(b.tokens), i64(b.updatedMs)});
  }

  // [SECTION] Devices

  Result<std::vector<DeviceRow>> listDevices(const std::string& clinicFilter) override {
    auto r = query(
        "SELECT id, clinic_id, label, enrolled_at, revoked_at, last_seen_at, app_version, pending_uploads "
        "FROM devices WHERE $1::text = '' OR clinic_id = $1 ORDER BY id",
        {clinicFilter});
    if (!r) return fail(r.error());
    std::vector<DeviceRow> out;
    for (int i = 0; i < r->rows(); ++i) {
      out.push_back(DeviceRow{r->int64(i, 0), r->text(i, 1), r->text(i, 2), r->text(i, 3),
                              r->optionalText(i, 4), r->optionalText(i, 5), r->text(i, 6),
                              r->optionalInt64(i, 7)});
    }
    return out;
  }

  Result<bool> isDeviceOfClinic(std::int64_t deviceId, const std::string& clinicId) override {
    auto r = query("SELECT 1 FROM devices WHERE id = $1 AND clinic_id = $2", {i64(deviceId), clinicId});
    if (!r) return fail(r.error());
    return !r->empty();
  }

  Result<bool> updateDeviceSeen(const DeviceSeenUpdate& s) override {
    return changed(
        "UPDATE devices SET last_seen_at = $1, app_version = $2, "
        "pending_uploads = coalesce($3::bigint, pending_uploads) "
        "WHERE id = $4 AND (last_seen_at IS NULL OR last_seen_at <= $5 OR app_version IS DISTINCT FROM $2 "
        "OR ($3::bigint IS NOT NULL AND pending_uploads IS DISTINCT FROM $3::bigint))",
        {s.seenAt, s.appVersion, Param::int64(s.pendingUploads), i64(s.deviceId), s.staleBefore});
  }

  // [SECTION] Clinics, roster, documents, schedule

  Result<std::optional<ClinicRow>> findClinic(const std::string& clinicId) override {
    return first<ClinicRow>(select(kClinicColumns, "FROM clinics WHERE id = $1"), {clinicId}, clinicOf);
  }

  Result<std::vector<ClinicRow>> listClinics() override {
    return all<ClinicRow>(select(kClinicColumns, "FROM clinics ORDER BY id"), {}, clinicOf);
  }

  Result<void> addClinic(const ClinicRow& c) override {
    return execute(
        "INSERT INTO clinics(id, name, timezone, created_at, min_pin_digits) VALUES($1, $2, $3, $4, $5)",
        {c.id, c.name, c.timeZone, c.createdAt, i64(c.minPinDigits)});
  }

  Result<std::vector<ClinicianRow>> listClinicians(const std::string& clinicFilter) override {
    if (clinicFilter.empty())
      return all<ClinicianRow>(select(kClinicianColumns, "FROM clinicians ORDER BY clinic_id, id"), {},
                               clinicianOf);
    return all<ClinicianRow>(select(kClinicianColumns, "FROM clinicians WHERE clinic_id = $1 ORDER BY id"),
                             {clinicFilter}, clinicianOf);
  }

  Result<std::vector<std::string>> clinicianIds(const std::string& clinicId) override {
    return all<std::string>("SELECT id FROM clinicians WHERE clinic_id = $1", {clinicId},
                            [](const pg::Result& q, int r) { return q.text(r, 0); });
  }

  Result<std::optional<ClinicianRow>> findClinician(const std::string& id) override {
    return first<ClinicianRow>(select(kClinicianColumns, "FROM clinicians WHERE id = $1"), {id}, clinicianOf);
  }

  Result<void> addClinician(const ClinicianRow& c) override {
    return execute(
        "INSERT INTO clinicians(id, clinic_id, name, role, pin_hash, npi, family_name, given_name) "
        "VALUES($1, $2, $3, $4, $5, $6, $7, $8)",
        {c.id, c.clinicId, c.name, c.role, c.pinHash, c.npi, c.familyName, c.givenName});
  }

  Result<void> updateClinician(const ClinicianRow& c) override {
    return execute(
        "UPDATE clinicians SET name = $2, role = $3, npi = COALESCE(NULLIF($4::text, ''), npi), "
        "family_name = COALESCE(NULLIF($5::text, ''), family_name), "
        "given_name = COALESCE(NULLIF($6::text, ''), given_name), active = 1 WHERE id = $1",
        {c.id, c.name, c.role, c.npi, c.familyName, c.givenName});
  }

  Result<void> setClinicianPin(const std::string& id, const std::string& pinHash) override {
    return execute("UPDATE clinicians SET pin_hash = $2 WHERE id = $1", {id, pinHash});
  }

  Result<bool> deactivateClinician(const std::string& id) override {
    return changed("UPDATE clinicians SET active = 0 WHERE id = $1", {id});
  }

  Result<std::vector<ClinicDocument>> clinicDocuments(const std::string& clinicId) override {
    return all<ClinicDocument>("SELECT name, body FROM clinic_documents WHERE clinic_id = $1 ORDER BY name",
                               {clinicId}, [](const pg::Result& q, int r) {
                                 return ClinicDocument{q.text(r, 0), q.text(r, 1)};
                               });
  }

  Result<void> setClinicDocument(const std::string& clinicId, const ClinicDocument& doc) override {
    return execute(
        "INSERT INTO clinic_documents(clinic_id, name, body) VALUES($1, $2, $3) "
        "ON CONFLICT(clinic_id, name) DO UPDATE SET body = excluded.body",
        {clinicId, doc.name, doc.body});
  }

  Result<std::vector<ScheduleRow>> schedule(const std::string& clinicId, const std::string& date) override {
    return all<ScheduleRow>(
        "SELECT clinic_id, date, time, mrn, initials, payer, discipline, clinician_id FROM schedule "
        "WHERE clinic_id = $1 AND date = $2 ORDER BY time, id",
        {clinicId, date}, [](const pg::Result& q, int r) {
          return ScheduleRow{q.text(r, 0), q.text(r, 1), q.text(r, 2), q.text(r, 3),
                             q.text(r, 4), q.text(r, 5), q.text(r, 6), q.text(r, 7)};
        });
  }

  Result<void> addScheduleEntry(const ScheduleRow& e) override {
    return execute(
        "INSERT INTO schedule(clinic_id, date, time, mrn, initials, payer, discipline, clinician_id) "
        "VALUES($1, $2, $3, $4, $5, $6, $7, $8)",
        {e.clinicId, e.date, e.time, e.mrn, e.initials, e.payer, e.discipline, e.clinicianId});
  }

  // [SECTION] Sessions and revisions. In a write, the stored session's row stays locked until the
  // commit: the decision "created, unchanged, new revision or 409" is made by one instance at a time.

  Result<std::optional<StoredSession>> findSession(const std::string& id) override {
    return first<StoredSession>(select(kSessionColumns, "FROM sessions WHERE id = $1" + lock()), {id},
                                sessionOf);
  }

  Result<void> insertSession(const StoredSession& s) override {
    return execute(
        "INSERT INTO sessions(id, clinic_id, device_id, revision, body_hash, service_date, status, facts, "
        "received_at) VALUES($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        {s.id, s.clinicId, i64(s.deviceId), i64(s.revision), s.bodyHash, s.serviceDate, s.status, s.facts,
         s.receivedAt});
  }

  Result<void> updateSession(const StoredSession& s) override {
    return execute(
        "UPDATE sessions SET device_id = $2, revision = $3, body_hash = $4, service_date = $5, status = $6, "
        "facts = $7, received_at = $8 WHERE id = $1",
        {s.id, i64(s.deviceId), i64(s.revision), s.bodyHash, s.serviceDate, s.status, s.facts, s.receivedAt});
  }

  Result<void> updateSessionVoid(const StoredSession& s) override {
    return execute(
        "UPDATE sessions SET device_id = $2, body_hash = $3, status = $4, facts = $5, received_at = $6 "
        "WHERE id = $1",
        {s.id, i64(s.deviceId), s.bodyHash, s.status, s.facts, s.receivedAt});
  }

  Result<bool> setSessionDevice(const std::string& sessionId, const std::string& clinicId,
                                std::int64_t deviceId) override {
    return changed("UPDATE sessions SET device_id = $3 WHERE id = $1 AND clinic_id = $2",
                   {sessionId, clinicId, i64(deviceId)});
  }

  Result<void> insertRevision(const StoredRevision& r) override {
    return execute(
        "INSERT INTO session_revisions(session_id, revision, body_hash, reason, device_id, body, "
        "received_at) "
        "VALUES($1, $2, $3, $4, $5, $6, $7)",
        {r.sessionId, i64(r.revision), r.bodyHash, r.reason, i64(r.deviceId), r.body, r.receivedAt});
  }

  Result<void> updateRevision(const StoredRevision& r) override {
    return execute(
        "UPDATE session_revisions SET body_hash = $3, device_id = $4, body = $5, received_at = $6 "
        "WHERE session_id = $1 AND revision = $2",
        {r.sessionId, i64(r.revision), r.bodyHash, i64(r.deviceId), r.body, r.receivedAt});
  }

  Result<std::optional<StoredRevision>> findRevision(const std::string& sessionId, int revision) override {
    return first<StoredRevision>(
        select(kRevisionColumns, "FROM session_revisions WHERE session_id = $1 AND revision = $2"),
        {sessionId, i64(revision)}, revisionOf);
  }

  Result<std::vector<StoredRevision>> listRevisions(const std::string& sessionId) override {
    return all<StoredRevision>(
        select(kRevisionColumns, "FROM session_revisions WHERE session_id = $1 ORDER BY revision"),
        {sessionId}, revisionOf);
  }

  // One statement for any number of days: the days go as one array.
  Result<void> replaceSessionDays(const std::string& clinicId, const std::string& sessionId,
                                  const std::vector<std::string>& days) override {
    if (auto r = execute("DELETE FROM session_days WHERE session_id = $1", {sessionId}); !r) return r;
    if (days.empty()) return {};
    std::string list = "{";
    for (std::size_t i = 0; i < days.size(); ++i) list += (i ? ",\"" : "\"") + days[i] + "\"";
    list += "}";
    return execute(
        "INSERT INTO session_days(clinic_id, date, session_id) "
        "SELECT $1, d, $3 FROM unnest($2::text[]) AS d ON CONFLICT DO NOTHING",
        {clinicId, list, sessionId});
  }

  // Read in pages of kDayPage sessions by id, so a day of 10,000 sessions never sits in memory whole;
  // the caller's read transaction makes the pages one snapshot.
  Result<void> visitDaySessions(const std::string& clinicId, const std::string& date,
                                const DaySessionVisitor& visit) override {
    static constexpr int kDayPage = 1000;
    std::string after;
    while (true) {
      auto r = query(
          "SELECT s.id, s.facts FROM session_days d JOIN sessions s ON s.id = d.session_id "
          "WHERE d.clinic_id = $1 AND d.date = $2 AND d.session_id > $3 ORDER BY d.session_id LIMIT $4",
          {clinicId, date, after, i64(kDayPage)});
      if (!r) return fail(r.error());
      for (int i = 0; i < r->rows(); ++i) visit(r->text(i, 0), r->text(i, 1));
      if (r->rows() < kDayPage) return {};
      after = r->text(r->rows() - 1, 0);
    }
  }

  // [SECTION] Rejections and releases

  Result<void> addRejection(const RejectionRow& r) override {
    return execute(
        "INSERT INTO rejections(clinic_id, device_id, session_id, status, field, message, received_at, "
        "received_date, day) VALUES($1, $2, $3, $4, $5, $6, $7, substr($7::text, 1, 10), $8)",
        {r.clinicId, i64(r.deviceId), r.sessionId, i64(r.status), r.field, r.message, r.receivedAt, r.day});
  }

  Result<std::vector<RejectionRow>> dayRejections(const std::string& clinicId,
                                                  const std::string& day) override {
    return all<RejectionRow>(
        select(kRejectionColumns, "FROM rejections WHERE clinic_id = $1 AND day = $2 ORDER BY id"),
        {clinicId, day}, rejectionOf);
  }

  Result<std::vector<RejectionRow>> listRejections(const RejectionFilter& f) override {
    return all<RejectionRow>(select(kRejectionColumns,
                                    "FROM rejections WHERE ($1::text = '' OR clinic_id = $1) "
                                    "AND ($2::text = '' OR day = $2) ORDER BY id DESC LIMIT $3"),
                             {f.clinicId, f.day, i64(f.limit)}, rejectionOf);
  }

  Result<std::vector<ChargeReleaseRow>> dayReleases(const std::string& clinicId,
                                                    const std::string& date) override {
    return all<ChargeReleaseRow>(
        "SELECT id, clinic_id, date, patient_mrn, discipline, content_hash, flags, reason, released_by, "
        "released_at FROM charge_releases WHERE clinic_id = $1 AND date = $2 ORDER BY id",
        {clinicId, date}, [](const pg::Result& q, int r) {
          return ChargeReleaseRow{q.int64(r, 0), q.text(r, 1), q.text(r, 2), q.text(r, 3),  q.text(r, 4),
                                  q.text(r, 5),  q.text(r, 6), q.text(r, 7), q.int64(r, 8), q.text(r, 9)};
        });
  }

  Result<std::int64_t> addChargeRelease(const ChargeReleaseRow& r) override {
    return insertReturningId(
        "INSERT INTO charge_releases(clinic_id, date, patient_mrn, discipline, content_hash, flags, reason, "
        "released_by, released_at) VALUES($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
        {r.clinicId, r.date, r.patientMrn, r.discipline, r.contentHash, r.flags, r.reason, i64(r.releasedBy),
         r.releasedAt});
  }

  // [SECTION] The web console

  Result<std::optional<ConsoleUserRow>> findConsoleUser(const std::string& userId) override {
    return first<ConsoleUserRow>(select(kConsoleUserColumns, "FROM console_users WHERE id = $1"), {userId},
                                 consoleUserOf);
  }

  Result<std::vector<ConsoleUserRow>> listConsoleUsers(const std::string& clinicFilter) override {
    return all<ConsoleUserRow>(
        select(kConsoleUserColumns, "FROM console_users WHERE $1::text = '' OR clinic_id = $1 ORDER BY id"),
        {clinicFilter}, consoleUserOf);
  }

  Result<void> putConsoleUser(const ConsoleUserRow& u) override {
    return execute(
        "INSERT INTO console_users(id, clinic_id, name, role, password_hash, failed_logins, locked_until, "
        "created_at, active) VALUES($1, $2, $3, $4, $5, $6, $7, $8, $9) "
        "ON CONFLICT(id) DO UPDATE SET clinic_id = excluded.clinic_id, name = excluded.name, "
        "role = excluded.role, password_hash = excluded.password_hash, failed_logins = "
        "excluded.failed_logins, "
        "locked_until = excluded.locked_until, active = excluded.active",
        {u.id, u.clinicId, u.name, u.role, u.passwordHash, i64(u.failedLogins), u.lockedUntil, u.createdAt,
         i64(u.active ? 1 : 0)});
  }

  Result<void> addConsoleSession(const ConsoleSessionRow& c) override {
    return execute(
        "INSERT INTO console_sessions(token_hash, user_id, csrf_token, created_at, last_active_ms) "
        "VALUES($1, $2, $3, $4, $5)",
        {c.tokenHash, c.userId, c.csrfToken, c.createdAt, i64(c.lastActiveMs)});
  }

  Result<std::optional<ConsoleSessionRow>> findConsoleSession(const std::string& tokenHash) override {
    return first<ConsoleSessionRow>(
        "SELECT token_hash, user_id, csrf_token, created_at, last_active_ms FROM console_sessions "
        "WHERE token_hash = $1",
        {tokenHash}, [](const pg::Result& q, int r) {
          return ConsoleSessionRow{q.text(r, 0), q.text(r, 1), q.text(r, 2), q.text(r, 3), q.int64(r, 4)};
        });
  }

  Result<void> touchConsoleSession(const std::string& tokenHash, std::int64_t lastActiveMs) override {
    return execute("UPDATE console_sessions SET last_active_ms = $1 WHERE token_hash = $2",
                   {i64(lastActiveMs), tokenHash});
  }

  Result<void> endConsoleSession(const std::string& tokenHash) override {
    return execute("DELETE FROM console_sessions WHERE token_hash = $1", {tokenHash});
  }

  Result<void> endConsoleSessionsOf(const std::string& userId) override {
    return execute("DELETE FROM console_sessions WHERE user_id = $1", {userId});
  }

  Result<void> addAudit(const AuditRow& a) override {
    return execute(
        "INSERT INTO audit_log(at, clinic_id, user_id, action, target, detail) VALUES($1, $2, $3, $4, $5, "
        "$6)",
        {a.at, a.clinicId, a.userId, a.action, a.target, a.detail});
  }

  Result<std::vector<AuditRow>> listAudit(const AuditFilter& f) override {
    return all<AuditRow>(
        "SELECT id, at, clinic_id, user_id, action, target, detail FROM audit_log "
        "WHERE ($1::text = '' OR clinic_id = $1) AND ($2::text = '' OR action = $2) "
        "AND ($3::text = '' OR user_id = $3) ORDER BY id DESC LIMIT $4",
        {f.clinicId, f.action, f.userId, i64(f.limit)}, [](const pg::Result& q, int r) {
          return AuditRow{q.int64(r, 0), q.text(r, 1), q.text(r, 2), q.text(r, 3),
                          q.text(r, 4),  q.text(r, 5), q.text(r, 6)};
        });
  }

  Result<void> replaceDeviceUnsigned(std::int64_t deviceId,
                                     const std::vector<DeviceUnsignedRow>& list) override {
    if (auto d = execute("DELETE FROM device_unsigned WHERE device_id = $1", {i64(deviceId)}); !d) return d;
    for (const auto& u : list) {
      if (auto ins = execute("INSERT INTO device_unsigned(device_id, session_id, clinic_id, date, "
                             "clinician_id, initials, state, started_at, reported_at) "
                             "VALUES($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                             {i64(deviceId), u.sessionId, u.clinicId, u.date, u.clinicianId, u.initials,
                              u.state, u.startedAt, u.reportedAt});
          !ins)
        return ins;
    }
    return {};
  }

  Result<std::vector<DeviceUnsignedRow>> dayDeviceUnsigned(const std::string& clinicId,
                                                           const std::string& date) override {
    return all<DeviceUnsignedRow>(
        "SELECT device_id, session_id, clinic_id, date, clinician_id, initials, state, started_at, "
        "reported_at FROM device_unsigned "
        "WHERE clinic_id = $1 AND date = $2 ORDER BY device_id, started_at, session_id",
        {clinicId, date}, [](const pg::Result& q, int r) {
          return DeviceUnsignedRow{q.int64(r, 0), q.text(r, 1), q.text(r, 2), q.text(r, 3), q.text(r, 4),
                                   q.text(r, 5),  q.text(r, 6), q.text(r, 7), q.text(r, 8)};
        });
  }

  Result<std::vector<DayDecisionRow>> dayDecisions(const std::string& clinicId,
                                                   const std::string& date) override {
    return all<DayDecisionRow>(
        "SELECT id, clinic_id, date, kind, subject, content_hash, reason, decided_by, decided_at "
        "FROM day_decisions WHERE clinic_id = $1 AND date = $2 ORDER BY id",
        {clinicId, date}, [](const pg::Result& q, int r) {
          return DayDecisionRow{q.int64(r, 0), q.text(r, 1), q.text(r, 2), q.text(r, 3), q.text(r, 4),
                                q.text(r, 5),  q.text(r, 6), q.text(r, 7), q.text(r, 8)};
        });
  }

  Result<std::int64_t> addDayDecision(const DayDecisionRow& d) override {
    return insertReturningId(
        "INSERT INTO day_decisions(clinic_id, date, kind, subject, content_hash, reason, decided_by, "
        "decided_at) VALUES($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        {d.clinicId, d.date, d.kind, d.subject, d.contentHash, d.reason, d.decidedBy, d.decidedAt});
  }

 private:
  // [SECTION] Statement helpers

  // In a write transaction, rows read to decide a write stay locked until the commit.
  std::string lock() const { return m_write ? " FOR UPDATE" : ""; }

  static std::string formatDouble(double v) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.17g", v);
    return buf;
  }

  Result<void> reconnectIfLost() {
    if (m_db.connected() || m_tx) return {};
    auto db = openConnection(m_url);
    if (!db) return fail(db.error());
    m_db = std::move(db).value();
    return {};
  }

  Result<pg::Result> query(std::string_view text, std::initializer_list<Param> params) {
    if (auto c = reconnectIfLost(); !c) return fail(c.error());
    auto r = m_db.query(text, params);
    if (!r) return fail(pgStorageError(r.error()));
    return std::move(r).value();
  }

  Result<void> exec(const std::string& text) {
    if (auto r = m_db.exec(text); !r) return fail(pgStorageError(r.error()));
    return {};
  }

  Result<void> execute(std::string_view text, std::initializer_list<Param> params) {
    auto r = query(text, params);
    if (!r) return fail(r.error());
    return {};
  }

  Result<bool> changed(std::string_view text, std::initializer_list<Param> params) {
    auto r = query(text, params);
    if (!r) return fail(r.error());
    return r->affectedRows() > 0;
  }

  Result<std::int64_t> insertReturningId(std::string_view text, std::initializer_list<Param> params) {
    auto r = query(text, params);
    if (!r) return fail(r.error());
    return r->int64(0, 0);
  }

  template <class Row, class Read>
  Result<std::vector<Row>> all(std::string_view text, std::initializer_list<Param> params, Read read) {
    auto r = query(text, params);
    if (!r) return fail(r.error());
    std::vector<Row> out;
    out.reserve(static_cast<std::size_t>(r->rows()));
    for (int i = 0; i < r->rows(); ++i) out.push_back(read(*r, i));
    return out;
  }

  template <class Row, class Read>
  Result<std::optional<Row>> first(std::string_view text, std::initializer_list<Param> params, Read read) {
    auto r = query(text, params);
    if (!r) return fail(r.error());
    if (r->empty()) return std::optional<Row>{};
    return std::optional<Row>{read(*r, 0)};
  }

  std::string m_url;
  pg::Connection m_db;
  std::optional<pg::Transaction> m_tx;  // declared after m_db: rolled back before the connection closes
  bool m_write = false;
};

// [SECTION] The store

class PostgresStore final : public ServerStore {
 public:
  explicit PostgresStore(std::string url) : m_url(std::move(url)) {}

  Result<std::unique_ptr<StoreConnection>> connect() override {
    auto db = openConnection(m_url);
    if (!db) return fail(db.error());
    return std::unique_ptr<StoreConnection>(
        std::make_unique<PostgresConnection>(m_url, std::move(db).value()));
  }
  // PostgreSQL checks its own pages (data checksums, if the cluster has them); here: reachable, and the
  // schema this build writes.
  Result<void> checkIntegrity() override {
    auto conn = connect();
    if (!conn) return fail(conn.error());
    auto health = (*conn)->checkHealth();
    if (!health) return fail(health.error());
    return {};
  }
  std::string location() const override { return redactedUrl(m_url); }
  int schemaVersion() const override { return postgresSchemaVersion(); }

 private:
  std::string m_url;
};

}  // namespace

int postgresSchemaVersion() {
  return migrations::postgresql().back().version;
}

bool isPostgresUrl(const std::string& url) {
  return url.rfind("postgresql://", 0) == 0 || url.rfind("postgres://", 0) == 0;
}

std::string redactedUrl(const std::string& url) {
  // scheme://user:password@host → scheme://user:***@host
  const auto scheme = url.find("://");
  if (scheme == std::string::npos) return url;
  const auto at = url.find('@', scheme + 3);
  if (at == std::string::npos) return url;
  const auto colon = url.find(':', scheme + 3);
  if (colon == std::string::npos || colon > at) return url;
  return url.substr(0, colon + 1) + "***" + url.substr(at);
}

ApiError pgStorageError(const pg::PgError& e) {
  // A unique violation is another instance storing the same session (or rate bucket) first: the second
  // run finds its row. Any other key is a real conflict and a plain error.
  const bool raced = e.is(pg::sqlstate::kUniqueViolation) &&
                     (e.constraint == "sessions_pkey" || e.constraint == "session_revisions_pkey" ||
                      e.constraint == "session_days_pkey" || e.constraint == "rate_buckets_pkey");
  if (e.retryable() || raced) {
    ApiError out{503, "", "the store was changed by another request at the same time; try again"};
    out.retryTransaction = true;
    return out;
  }
  // 25006: a read-only database (an instance pointed at a standby during a failover).
  if (e.connectionLost || e.sqlState.rfind("08", 0) == 0 || e.sqlState.rfind("57P", 0) == 0 ||
      e.is("25006")) {
    return ApiError{503, "", "the database cannot be reached (" + e.sqlState + ")"};
  }
  std::string message = "storage error " + e.sqlState;
  if (!e.constraint.empty()) message += " (" + e.constraint + ")";
  return ApiError{500, "", message};
}

Result<std::unique_ptr<ServerStore>> openPostgresStore(const std::string& url) {
  auto db = openConnection(url);
  if (!db) return fail(db.error());
  if (auto v = migrateSchema(*db, redactedUrl(url), /*createIfMissing=*/false); !v) return fail(v.error());
  return std::unique_ptr<ServerStore>(std::make_unique<PostgresStore>(url));
}

Result<int> initPostgresStore(const std::string& url) {
  auto db = openConnection(url);
  if (!db) return fail(db.error());
  return migrateSchema(*db, redactedUrl(url), /*createIfMissing=*/true);
}

}  // namespace unitclock::server
