#pragma once
// The server's store seam: every read and write the server makes, as typed operations on one abstract
// connection. Routes, ingest, the day summary, exports and the admin commands go through it and never
// see SQL; each backend implements it once (SQLite: server/src/sqlite_store/; PostgreSQL:
// server/src/postgres_store/).
//
//   auto store = openServerStore({.dataDir = "/var/lib/unitclock-server"});
//   auto conn = (*store)->connect();
//   auto tx = StoreTransaction::begin(**conn, TransactionKind::kWrite);
//   auto who = (*conn)->findToken(sha256Hex(token));
//   ...
//   tx->commit();
//
// A connection is used by one thread at a time, and holds at most one transaction (with savepoints in
// it). Operations run inside the caller's transaction, or on their own when there is none. Errors are
// values: 503 when the store asks to be retried (busy), 500 otherwise, with messages that name ids only.
// Timestamps are ISO-8601 UTC text ("2026-11-26T14:03:00Z"), as stored.

#include <unitclock/server/error.h>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace unitclock::server {

// [SECTION] Who calls

enum class Role { kDevice, kSupervisor };

struct Principal {
  Role role = Role::kDevice;
  std::int64_t deviceId = 0;  // for devices
  std::int64_t tokenId = 0;   // for supervisor tokens
  std::string clinicId;       // empty for a supervisor token valid for every clinic
};

// What a token's hash names: a device's token or an API (supervisor) token.
struct TokenRecord {
  enum class Kind { kDevice, kApiToken };
  Kind kind = Kind::kDevice;
  std::int64_t id = 0;
  std::string role;      // API tokens: "supervisor"; devices: ""
  std::string clinicId;  // "" for an API token valid for every clinic
  bool revoked = false;
};

struct EnrollmentCodeRecord {
  std::string clinicId;
  std::string expiresAt;
  bool used = false;
};

struct ApiTokenRow {
  std::int64_t id = 0;
  std::string role;
  std::optional<std::string> clinicId;  // nullopt: every clinic
  std::string label;
  std::string createdAt;
  std::optional<std::string> revokedAt;
};

// [SECTION] Clinics and their configuration

struct ClinicRow {
  std::string id;
  std::string name;
  std::string timeZone = "UTC";  // IANA
  int minPinDigits = 6;
  std::string createdAt;
};

struct ClinicianRow {
  std::string id;
  std::string clinicId;
  std::string name;
  std::string role;     // core's spelling ("ot", "supervisor")
  std::string pinHash;  // Argon2id string, "" when none
  std::string npi;      // "" when unknown
  std::string familyName;
  std::string givenName;
  bool active = true;
};

// A clinic's document set with `config set` (payers, catalog, favourites), as stored JSON text.
struct ClinicDocument {
  std::string name;
  std::string body;
};

struct ScheduleRow {
  std::string clinicId;
  std::string date;  // YYYY-MM-DD
  std::string time;
  std::string mrn;
  std::string initials;
  std::string payer;
  std::string discipline;  // "" when not given
  std::string clinicianId;
};

// [SECTION] Devices

struct DeviceRow {
  std::int64_t id = 0;
  std::string clinic;
  std::string label;                           // given at enrollment ("Room 3 kiosk")
  std::string enrolledAt;                      // ISO-8601 UTC, e.g. "2026-11-26T14:03:00Z"
  std::optional<std::string> revokedAt;        // set by `device revoke`
  std::optional<std::string> lastSeenAt;       // its last authenticated request, to the minute (devices.h)
  std::string appVersion;                      // "unitclock/0.1.0" from its User-Agent; "" before it called
  std::optional<std::int64_t> pendingUploads;  // as it last reported them (Unitclock-Pending)
};

// An authenticated request of a device (devices.h: recordDeviceSeen decides the times).
struct DeviceSeenUpdate {
  std::int64_t deviceId = 0;
  std::string seenAt;       // whole seconds
  std::string staleBefore;  // last_seen_at at or before this is rewritten
  std::string appVersion;
  std::optional<std::int64_t> pendingUploads;  // nullopt keeps the stored one
};

// A session a device reports as not yet signed (PUT /api/v1/device/unsigned, devices.h): open, or ended
// and waiting for its signature. Initials only: the server holds no more of the patient until it is signed.
struct DeviceUnsignedRow {
  std::int64_t deviceId = 0;
  std::string sessionId;
  std::string clinicId;
  std::string date;  // the clinic-local day it was opened
  std::string clinicianId;
  std::string initials;
  std::string state;      // "open" or "ended"
  std::string startedAt;  // ISO-8601 UTC
  std::string reportedAt;
};

// [SECTION] Sessions

struct StoredSession {
  std::string id;
  std::string clinicId;
  std::int64_t deviceId = 0;
  int revision = 1;
  std::string bodyHash;
  std::string serviceDate;
  std::string status;
  std::string facts;  // the latest upload's canonical JSON, log included (what a day's summary reads)
  std::string receivedAt;
};

struct StoredRevision {
  std::string sessionId;
  int revision = 1;
  std::string bodyHash;
  std::string reason;
  std::int64_t deviceId = 0;
  std::string body;  // canonical JSON as uploaded
  std::string receivedAt;
};

struct RejectionRow {
  std::int64_t id = 0;  // given by the store
  std::string clinicId;
  std::string day;  // the clinic-local day it concerns (ingest.h: rejectionDay)
  std::int64_t deviceId = 0;
  std::string sessionId;
  int status = 0;
  std::string field;
  std::string message;
  std::string receivedAt;
};

struct RejectionFilter {
  std::string clinicId;  // "" for every clinic
  std::string day;       // "" for every day
  std::int64_t limit = 100;
};

// A supervisor's release of a held patient-day (docs/sync-api.md, "Held charges").
struct ChargeReleaseRow {
  std::int64_t id = 0;  // given by the store
  std::string clinicId;
  std::string date;
  std::string patientMrn;
  std::string discipline;
  std::string contentHash;
  std::string flags;  // JSON array of flag ids
  std::string reason;
  std::int64_t releasedBy = 0;  // api token id
  std::string releasedAt;
};

// A device's token bucket (rate_limit.h).
struct RateBucket {
  double tokens = 0.0;
  std::int64_t updatedMs = 0;  // milliseconds since the epoch
};

// [SECTION] The web console (console.h): its users, their signed-in sessions, the audit log, and the
// decisions they take on a clinic's day.

struct ConsoleUserRow {
  std::string id;
  std::string clinicId;
  std::string name;
  std::string role;          // "supervisor", "biller" or "admin"
  std::string passwordHash;  // Argon2id string
  int failedLogins = 0;      // wrong passwords since the last good sign-in
  std::optional<std::string> lockedUntil;
  std::string createdAt;
  bool active = true;
};

// A signed-in browser: the cookie's value is known only to it; the store keeps its SHA-256.
struct ConsoleSessionRow {
  std::string tokenHash;
  std::string userId;
  std::string csrfToken;  // sent back by the page on every state change
  std::string createdAt;
  std::int64_t lastActiveMs = 0;  // milliseconds since the epoch, for the idle logoff
};

struct AuditRow {
  std::int64_t id = 0;  // given by the store
  std::string at;
  std::string clinicId;
  std::string userId;
  std::string action;  // "sign-in", "approve", "release", "download", ...
  std::string target;  // ids and dates only
  std::string detail;  // the reason given, or what was refused
};

struct AuditFilter {
  std::string clinicId;  // "" for every clinic
  std::string action;    // "" for every action
  std::string userId;    // "" for everyone
  std::int64_t limit = 200;
};

// A console user's decision on a clinic's day, valid for the content it was taken on (`contentHash`):
//  kind "approve"      subject = clinician id: the clinician's day is approved
//  kind "acknowledge"  subject = the flag's key (console.h): the flag was looked at and accepted
//  kind "release"      subject = "MRN|discipline": a held patient-day is released
struct DayDecisionRow {
  std::int64_t id = 0;  // given by the store
  std::string clinicId;
  std::string date;
  std::string kind;
  std::string subject;
  std::string contentHash;
  std::string reason;
  std::string decidedBy;  // console user id
  std::string decidedAt;
};

// [SECTION] The connection

enum class TransactionKind {
  kRead,   // a consistent snapshot that never blocks writers
  kWrite,  // takes the write lock at once (SQLite: BEGIN IMMEDIATE)
};

class StoreConnection {
 public:
  virtual ~StoreConnection() = default;

  // [SECTION] Transactions and savepoints (nested all-or-nothing units inside a transaction)
  virtual Result<void> begin(TransactionKind kind) = 0;
  virtual Result<void> commit() = 0;
  virtual void rollback() noexcept = 0;
  virtual Result<void> savepoint(std::string_view name) = 0;
  virtual Result<void> rollbackToSavepoint(std::string_view name) = 0;
  virtual Result<void> releaseSavepoint(std::string_view name) = 0;

  // [SECTION] Health: a real read of the store (no cache), and its schema version; 503 naming why not.
  virtual Result<int> checkHealth() = 0;
  // The store's size on disk in bytes, for GET /metrics.
  virtual Result<std::int64_t> storeBytes() = 0;

  // [SECTION] Tokens and enrollment
  virtual Result<std::optional<TokenRecord>> findToken(const std::string& tokenHash) = 0;
  virtual Result<std::optional<EnrollmentCodeRecord>> findEnrollmentCode(const std::string& codeHash) = 0;
  virtual Result<void> addEnrollmentCode(const std::string& codeHash, const std::string& clinicId,
                                         const std::string& createdAt, const std::string& expiresAt) = 0;
  virtual Result<void> markEnrollmentCodeUsed(const std::string& codeHash, const std::string& usedAt,
                                              std::int64_t deviceId) = 0;
  // Returns the new device's id.
  virtual Result<std::int64_t> addDevice(const std::string& clinicId, std::string_view label,
                                         const std::string& tokenHash, const std::string& enrolledAt) = 0;
  // Returns the new token's id.
  virtual Result<std::int64_t> addApiToken(const std::string& tokenHash, const std::string& role,
                                           const std::optional<std::string>& clinicId,
                                           const std::string& label, const std::string& createdAt) = 0;
  virtual Result<std::vector<ApiTokenRow>> listApiTokens(const std::string& clinicFilter) = 0;
  // False when there is no such unrevoked device or token.
  virtual Result<bool> revokeDevice(std::int64_t id, const std::string& at) = 0;
  virtual Result<bool> revokeApiToken(std::int64_t id, const std::string& at) = 0;

  // [SECTION] Rate limit: a bucket per device (supervisor tokens under their negated id)
  virtual Result<std::optional<RateBucket>> readRateBucket(std::int64_t bucketId) = 0;
  virtual Result<void> writeRateBucket(std::int64_t bucketId, const RateBucket& bucket) = 0;

  // [SECTION] Devices
  virtual Result<std::vector<DeviceRow>> listDevices(const std::string& clinicFilter) = 0;
  virtual Result<bool> isDeviceOfClinic(std::int64_t deviceId, const std::string& clinicId) = 0;
  // Writes only when the stored last_seen_at is at or before `staleBefore`, or the app version or the
  // pending count changed; returns whether it wrote.
  virtual Result<bool> updateDeviceSeen(const DeviceSeenUpdate& seen) = 0;
  // The device's report replaces its previous one.
  virtual Result<void> replaceDeviceUnsigned(std::int64_t deviceId,
                                             const std::vector<DeviceUnsignedRow>& rows) = 0;
  // What the clinic's devices reported as not signed on `date`, by device then start.
  virtual Result<std::vector<DeviceUnsignedRow>> dayDeviceUnsigned(const std::string& clinicId,
                                                                   const std::string& date) = 0;

  // [SECTION] Clinics, roster, documents, schedule
  virtual Result<std::optional<ClinicRow>> findClinic(const std::string& clinicId) = 0;
  virtual Result<std::vector<ClinicRow>> listClinics() = 0;
  virtual Result<void> addClinic(const ClinicRow& clinic) = 0;
  // A clinic's clinicians, active or not, by id; every clinic's (by clinic, id) for an empty filter.
  virtual Result<std::vector<ClinicianRow>> listClinicians(const std::string& clinicFilter) = 0;
  // The ids of a clinic's clinicians, active or not (whom an upload may name): read per upload, so lean.
  virtual Result<std::vector<std::string>> clinicianIds(const std::string& clinicId) = 0;
  virtual Result<std::optional<ClinicianRow>> findClinician(const std::string& clinicianId) = 0;
  virtual Result<void> addClinician(const ClinicianRow& c) = 0;
  // Sets name and role and makes them active; an NPI or name part that is "" keeps the stored one.
  virtual Result<void> updateClinician(const ClinicianRow& c) = 0;
  virtual Result<void> setClinicianPin(const std::string& clinicianId, const std::string& pinHash) = 0;
  // False when there is no such clinician.
  virtual Result<bool> deactivateClinician(const std::string& clinicianId) = 0;
  virtual Result<std::vector<ClinicDocument>> clinicDocuments(const std::string& clinicId) = 0;  // by name
  virtual Result<void> setClinicDocument(const std::string& clinicId, const ClinicDocument& doc) = 0;
  // By time, then in the order added.
  virtual Result<std::vector<ScheduleRow>> schedule(const std::string& clinicId, const std::string& date) = 0;
  virtual Result<void> addScheduleEntry(const ScheduleRow& entry) = 0;

  // [SECTION] Sessions and their revisions (ingest.h: storeSession decides what to write)
  virtual Result<std::optional<StoredSession>> findSession(const std::string& sessionId) = 0;
  virtual Result<void> insertSession(const StoredSession& s) = 0;
  // Updates every field of the stored session `s.id`.
  virtual Result<void> updateSession(const StoredSession& s) = 0;
  // A void of the stored revision: device, hash, status, facts and time change, nothing else.
  virtual Result<void> updateSessionVoid(const StoredSession& s) = 0;
  // False when the session is not one of the clinic's.
  virtual Result<bool> setSessionDevice(const std::string& sessionId, const std::string& clinicId,
                                        std::int64_t deviceId) = 0;
  virtual Result<void> insertRevision(const StoredRevision& r) = 0;
  // Replaces hash, device, body and time of revision (r.sessionId, r.revision).
  virtual Result<void> updateRevision(const StoredRevision& r) = 0;
  virtual Result<std::optional<StoredRevision>> findRevision(const std::string& sessionId, int revision) = 0;
  virtual Result<std::vector<StoredRevision>> listRevisions(const std::string& sessionId) = 0;  // by revision
  // The clinic-local days a session counts on (for loading a day), replacing the previous ones.
  virtual Result<void> replaceSessionDays(const std::string& clinicId, const std::string& sessionId,
                                          const std::vector<std::string>& days) = 0;
  // Every session counted on the clinic's day, by id, handed to `visit(id, facts)` one at a time as it is
  // read: a day of 10,000 sessions holds 20 MB of facts, parsed while still in cache.
  using DaySessionVisitor = std::function<void(const std::string& id, const std::string& facts)>;
  virtual Result<void> visitDaySessions(const std::string& clinicId, const std::string& date,
                                        const DaySessionVisitor& visit) = 0;

  // [SECTION] Rejections and releases
  virtual Result<void> addRejection(const RejectionRow& r) = 0;
  // The clinic's rejections of a day, oldest first.
  virtual Result<std::vector<RejectionRow>> dayRejections(const std::string& clinicId,
                                                          const std::string& day) = 0;
  // Newest first, at most filter.limit.
  virtual Result<std::vector<RejectionRow>> listRejections(const RejectionFilter& filter) = 0;
  virtual Result<std::vector<ChargeReleaseRow>> dayReleases(const std::string& clinicId,
                                                            const std::string& date) = 0;  // oldest first
  // Returns the new release's id.
  virtual Result<std::int64_t> addChargeRelease(const ChargeReleaseRow& r) = 0;

  // [SECTION] The web console
  virtual Result<std::optional<ConsoleUserRow>> findConsoleUser(const std::string& userId) = 0;
  // By id; every clinic's for an empty filter.
  virtual Result<std::vector<ConsoleUserRow>> listConsoleUsers(const std::string& clinicFilter) = 0;
  // Adds the user, or replaces every field of the stored one with this id.
  virtual Result<void> putConsoleUser(const ConsoleUserRow& u) = 0;
  virtual Result<void> addConsoleSession(const ConsoleSessionRow& s) = 0;
  virtual Result<std::optional<ConsoleSessionRow>> findConsoleSession(const std::string& tokenHash) = 0;
  virtual Result<void> touchConsoleSession(const std::string& tokenHash, std::int64_t lastActiveMs) = 0;
  virtual Result<void> endConsoleSession(const std::string& tokenHash) = 0;
  // Ends every session of a user (a new password, a deactivation).
  virtual Result<void> endConsoleSessionsOf(const std::string& userId) = 0;
  virtual Result<void> addAudit(const AuditRow& row) = 0;
  // Newest first, at most filter.limit.
  virtual Result<std::vector<AuditRow>> listAudit(const AuditFilter& filter) = 0;
  // The clinic's decisions of a day, oldest first.
  virtual Result<std::vector<DayDecisionRow>> dayDecisions(const std::string& clinicId,
                                                           const std::string& date) = 0;
  // Returns the new decision's id.
  virtual Result<std::int64_t> addDayDecision(const DayDecisionRow& d) = 0;
};

// Rolls back in its destructor unless commit() succeeded.
class StoreTransaction {
 public:
  static Result<StoreTransaction> begin(StoreConnection& conn, TransactionKind kind) {
    if (auto b = conn.begin(kind); !b) return fail(b.error());
    return StoreTransaction(&conn);
  }
  StoreTransaction(StoreTransaction&& o) noexcept : m_conn(o.m_conn) { o.m_conn = nullptr; }
  StoreTransaction& operator=(StoreTransaction&&) = delete;
  StoreTransaction(const StoreTransaction&) = delete;
  StoreTransaction& operator=(const StoreTransaction&) = delete;
  ~StoreTransaction() {
    if (m_conn) m_conn->rollback();
  }
  Result<void> commit() {
    auto c = m_conn->commit();
    if (c) m_conn = nullptr;
    return c;
  }

 private:
  explicit StoreTransaction(StoreConnection* conn) : m_conn(conn) {}
  StoreConnection* m_conn = nullptr;
};

// [SECTION] The store: where the data lives, and connections to it

// Where the data lives: exactly one of the two is set.
struct StoreOptions {
  std::filesystem::path dataDir;  // --data-dir: SQLite, the file unitclock-server.db in it
  std::string databaseUrl;  // --database postgresql://USER@HOST:PORT/DB: PostgreSQL, shared by instances
};

class ServerStore {
 public:
  virtual ~ServerStore() = default;
  // A new connection, for one thread at a time.
  virtual Result<std::unique_ptr<StoreConnection>> connect() = 0;
  // A connection that also checks the store's integrity (at start-up).
  virtual Result<void> checkIntegrity() = 0;
  // Where the store is, for messages ("/var/lib/unitclock-server/unitclock-server.db").
  virtual std::string location() const = 0;
  // The schema version this build writes to this backend.
  virtual int schemaVersion() const = 0;
};

// Opens an existing, initialised store (migrating an older schema). A missing, corrupt or newer store is
// an error and is left untouched.
Result<std::unique_ptr<ServerStore>> openServerStore(const StoreOptions& options);

// Creates the store (for SQLite the owner-only data directory and its database; for PostgreSQL the schema
// in an empty database) or migrates an existing one to the current schema; returns the schema version.
Result<int> initServerStore(const StoreOptions& options);

// Where the store is, for messages, before it is opened (the SQLite file's path, or the URL without its
// password).
std::string storeLocation(const StoreOptions& options);

// Current time as an ISO-8601 UTC string to the second, for created_at columns.
std::string nowUtc();

}  // namespace unitclock::server
