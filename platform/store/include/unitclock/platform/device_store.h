// The device store: one SQLite file holding every session recorded on this device, its event log, the
// upload outbox, the audit log, settings and the cached roster. See docs/storage.md for the schema,
// durability guarantees and the errors below.
//
//   auto store = DeviceStore::open(path);
//   if (!store) showErrorScreen(store.error());       // the file is left exactly as it was
//   store->createSession(session.header(), session.events().front());
//   auto seq = store->appendEvent(id, event);         // durable (fsync'd) when it returns
//
// One DeviceStore is one connection; use it from one thread at a time. Any number of read-only stores
// (StoreMode::kReadOnly) may read the same file while a writer is using it (WAL readers).
// Nothing here throws: every call returns a core::Result.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <unitclock/core/events.h>
#include <unitclock/core/result.h>
#include <unitclock/core/session.h>

namespace unitclock::platform {

enum class StoreErrc {
  cannot_open,         // missing (read-only mode), not a regular file, or the OS refused to open it
  corrupt,             // not a SQLite database, damaged, or truncated
  newer_schema,        // written by a newer Unitclock; this build must not touch it
  read_only_location,  // the file or its folder cannot be written (WAL needs both)
  not_found,           // no such session / clinician / outbox entry
  conflict,            // the event's sequence is not the next one, or the session already exists
  invalid,             // a value that cannot be stored (e.g. a code containing ',')
  io,                  // any other SQLite failure (disk full, I/O error, busy)
};
std::string_view toString(StoreErrc errc) noexcept;  // "cannot_open", ...

struct StoreError {
  StoreErrc errc = StoreErrc::io;
  std::string message;  // one line for the error screen or stderr; names the file, never patient data
};

template <class T>
using StoreResult = core::Result<T, StoreError>;

enum class StoreMode {
  kReadWrite,  // the app: creates the file (0600) if missing, migrates, writes
  kReadOnly,   // inspection (unitclock-cli sessions): never writes, never creates, safe beside the app
};

struct StoreOptions {
  StoreMode mode = StoreMode::kReadWrite;
  bool checkIntegrity = true;  // PRAGMA quick_check on open; a failure is StoreErrc::corrupt
  std::chrono::milliseconds busyTimeout{5000};
};

// The schema version this build writes (PRAGMA user_version).
inline constexpr int kStoreSchemaVersion = 2;
inline constexpr int kDefaultRetentionDays = 30;

// [SECTION] Rows

struct SessionRow {
  core::SessionHeader header;
  core::SessionStatus status = core::SessionStatus::open;
  int revision = 1;
  core::WallTime openedAt{};     // wall time of session_opened
  core::WallTime lastEventAt{};  // wall time of the latest event
  std::int64_t eventCount = 0;
};

struct StoredSession {
  SessionRow row;
  std::vector<core::Event> events;  // in sequence order, 1..n
};

struct SessionFilter {
  std::optional<core::SessionStatus> status;
  std::optional<core::WallTime> openedFrom;  // inclusive
  std::optional<core::WallTime> openedTo;    // exclusive
};

enum class OutboxState { pending, sent, rejected };
std::string_view toString(OutboxState state) noexcept;  // "pending" "sent" "rejected"

// One signed revision waiting for (or done with) upload.
struct OutboxEntry {
  std::int64_t id = 0;
  std::string sessionId;
  int revision = 1;
  OutboxState state = OutboxState::pending;
  int attempts = 0;
  std::string lastError;  // the network error or the server's reason for a rejection
  core::WallTime createdAt{};
  std::optional<core::WallTime> nextAttemptAt;  // backoff: not before this time
  std::optional<core::WallTime> sentAt;
};

// An outbox entry the server accepted, for DeviceStore::markOutboxSent(batch): the entry is marked sent
// and, when given, the session_synced event is appended to `sessionId`'s log (checked like appendEvent).
// `voidUploaded` says the body the server took was the session's void. When it was not, and the session
// has since been voided in the entry's revision, the void queued the entry again: it stays pending (the
// void is uploaded next) and the rest of the batch is recorded as usual.
struct SentUpload {
  std::int64_t outboxId = 0;
  std::string sessionId;
  std::optional<core::Event> syncedEvent;
  bool voidUploaded = false;
};

struct AuditEntry {
  std::int64_t id = 0;
  core::WallTime at{};
  std::string clinicianId;  // who; empty for the device itself
  std::string action;       // "segment_edited", "session_signed", "login", "setting_changed", ...
  std::string sessionId;    // empty when not about a session
  std::string detail;       // no PHI: reasons, setting names, never patient names or MRNs
  std::optional<core::WallTime> syncedAt;
};

struct Clinician {
  std::string id;
  std::string displayName;
  std::string role;     // core::Role in its spelling: "ot" "ota" "pt" "pta" "slp" "supervisor" "admin"
                        // (any case is accepted and stored lower-case; an unknown role is refused)
  std::string pinHash;  // Argon2id string from the crypto module (opaque to the store)
  bool active = true;
  friend bool operator==(const Clinician&, const Clinician&) = default;
};

// Wrong PINs in a row for one clinician on this device, and until when they are locked out (0: not).
struct PinLockout {
  int failures = 0;
  std::int64_t lockedUntilMs = 0;  // Unix time in milliseconds
  friend bool operator==(const PinLockout&, const PinLockout&) = default;
};

struct PurgeReport {
  int sessions = 0;
  std::int64_t events = 0;
  int auditEntries = 0;
};

// [SECTION] DeviceStore

class DeviceStore {
 public:
  static StoreResult<DeviceStore> open(const std::string& path, const StoreOptions& options = {});

  DeviceStore(DeviceStore&&) noexcept;
  DeviceStore& operator=(DeviceStore&&) noexcept;
  DeviceStore(const DeviceStore&) = delete;
  DeviceStore& operator=(const DeviceStore&) = delete;
  ~DeviceStore();

  const std::string& path() const;
  bool readOnly() const;

  // Sessions and events. `opened` is the session's first event (session_opened, sequence 1).
  StoreResult<void> createSession(const core::SessionHeader& header, const core::Event& opened);
  // Appends the next event (event.sequence must be the stored count + 1) and commits it with
  // synchronous=FULL before returning its sequence. A session_signed event also puts the revision in
  // the outbox, in the same transaction; edits, signing, reopening and voiding also go to the audit log.
  StoreResult<std::int64_t> appendEvent(const std::string& sessionId, const core::Event& event);
  StoreResult<StoredSession> loadSession(const std::string& sessionId);
  StoreResult<std::vector<SessionRow>> listSessions(const SessionFilter& filter = {});
  // Sessions with any event on `date` in the clinic's time zone (setting clinic_time_zone): opened before
  // the day ends and last touched after it begins, so a session crossing midnight is on both days.
  StoreResult<std::vector<SessionRow>> sessionsOnDay(
      std::chrono::year_month_day date, std::optional<core::SessionStatus> status = std::nullopt);
  StoreResult<std::int64_t> countSessions();

  // Outbox (sync bookkeeping).
  StoreResult<std::vector<OutboxEntry>> pendingOutbox(core::WallTime now, int limit = 100);
  StoreResult<std::vector<OutboxEntry>> outbox(const std::string& sessionId);
  StoreResult<void> markOutboxSent(std::int64_t outboxId, core::WallTime at);
  // A whole batch the server accepted, in ONE transaction (one flush): every entry marked sent and every
  // given session_synced event appended, in order, or nothing at all. An unknown entry is not_found; an
  // event whose sequence is not its session's next is conflict (so a batch built before the app recorded
  // another event changes nothing); any other event type is invalid.
  StoreResult<void> markOutboxSent(const std::vector<SentUpload>& uploads, core::WallTime at);
  StoreResult<void> markOutboxFailed(std::int64_t outboxId, std::string_view error, core::WallTime retryAt);
  StoreResult<void> markOutboxRejected(std::int64_t outboxId, std::string_view reason);

  // Audit log.
  StoreResult<std::int64_t> appendAudit(const AuditEntry& entry);
  StoreResult<std::vector<AuditEntry>> unsyncedAudit(int limit = 500);
  StoreResult<std::vector<AuditEntry>> auditForSession(const std::string& sessionId);
  StoreResult<void> markAuditSynced(std::int64_t upToId, core::WallTime at);

  // Settings: key → text. Every change is audited in the same transaction. clinic_time_zone (a zone in
  // /usr/share/zoneinfo) and retention_days (whole days, at least 1) are checked first: a bad value is
  // StoreErrc::invalid and the previous value stays.
  StoreResult<std::optional<std::string>> setting(std::string_view key);
  StoreResult<void> setSetting(std::string_view key, std::string_view value, std::string_view changedBy,
                               core::WallTime at);
  StoreResult<std::string> clinicTimeZone();  // setting "clinic_time_zone", default "UTC"
  StoreResult<int> retentionDays();           // setting "retention_days", default 30

  // Roster (clinicians with role and PIN hash, as served by the server or entered by an admin).
  StoreResult<void> upsertClinician(const Clinician& clinician);
  StoreResult<std::optional<Clinician>> clinician(std::string_view id);
  StoreResult<std::vector<Clinician>> roster();
  StoreResult<void> replaceRoster(const std::vector<Clinician>& clinicians);

  // PIN lock-outs, one row per clinician who has ever mistyped. Saving one writes `audit` ("login_failed",
  // "login") in the same transaction, so the count and its record never disagree.
  StoreResult<std::map<std::string, PinLockout>> pinLockouts();
  StoreResult<void> savePinLockout(std::string_view clinicianId, PinLockout state,
                                   const std::optional<AuditEntry>& audit);

  // Retention: removes synced sessions (every outbox entry sent) whose latest event is older than
  // `retentionDays` before `now`, with their events and outbox entries, plus synced audit entries older
  // than that. Sessions that are open, ended, signed, rejected or not yet uploaded are never removed.
  StoreResult<PurgeReport> purgeExpired(core::WallTime now);
  StoreResult<PurgeReport> purgeSyncedBefore(core::WallTime cutoff);

  // PRAGMA integrity_check (full), for a supervisor's "check storage" action.
  StoreResult<std::vector<std::string>> integrityProblems();

 private:
  struct Impl;
  explicit DeviceStore(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> m_impl;
};

}  // namespace unitclock::platform
