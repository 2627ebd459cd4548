#include <unitclock/platform/device_store.h>

#include <unitclock/core/role.h>
#include <unitclock/platform/sqlite.h>
#include <unitclock/platform/time_zone.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <filesystem>

namespace unitclock::platform {

namespace sql = platform::sqlite;
using core::fail;

// [SECTION] Schema

namespace {

// Version 1. Times are UTC milliseconds since 1970 (INTEGER); monotonic readings are nanoseconds.
// Lists of codes are stored comma-separated (CPT/HCPCS and ICD-10 codes never contain a comma).
constexpr std::string_view kSchemaV1 = R"sql(
PRAGMA application_id = 1430473803;
CREATE TABLE sessions (
  id                     TEXT PRIMARY KEY,
  clinic_id              TEXT NOT NULL,
  device_id              TEXT NOT NULL,
  patient_mrn            TEXT NOT NULL,
  patient_initials       TEXT NOT NULL,
  payer_profile          TEXT NOT NULL,
  discipline             TEXT NOT NULL,
  place_of_service       TEXT NOT NULL,
  telehealth             INTEGER NOT NULL DEFAULT 0,
  diagnoses              TEXT NOT NULL DEFAULT '',
  rendering_clinician_id TEXT NOT NULL,
  status                 TEXT NOT NULL DEFAULT 'open'
                         CHECK (status IN ('open','ended','signed','synced','voided')),
  revision               INTEGER NOT NULL DEFAULT 1,
  opened_at              INTEGER NOT NULL,
  last_event_at          INTEGER NOT NULL,
  event_count            INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
CREATE INDEX sessions_by_opened ON sessions(opened_at);
CREATE INDEX sessions_by_status ON sessions(status, last_event_at);

CREATE TABLE events (
  session_id        TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
  seq               INTEGER NOT NULL CHECK (seq >= 1),
  type              TEXT NOT NULL,
  wall_ms           INTEGER NOT NULL,
  run_id            TEXT NOT NULL,
  mono_ns           INTEGER NOT NULL,
  clinician_id      TEXT NOT NULL DEFAULT '',
  code              TEXT NOT NULL DEFAULT '',
  performer         TEXT,
  mode              TEXT,
  pause_reason      TEXT,
  minutes           INTEGER,
  assistant_minutes INTEGER,
  codes             TEXT NOT NULL DEFAULT '',
  segment_index     INTEGER,
  old_start_ms      INTEGER,
  old_end_ms        INTEGER,
  new_start_ms      INTEGER,
  new_end_ms        INTEGER,
  reason            TEXT NOT NULL DEFAULT '',
  wall_delta_ms     INTEGER,
  mono_delta_ms     INTEGER,
  PRIMARY KEY (session_id, seq)
) WITHOUT ROWID;

CREATE TABLE outbox (
  id              INTEGER PRIMARY KEY,
  session_id      TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
  revision        INTEGER NOT NULL,
  state           TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending','sent','rejected')),
  attempts        INTEGER NOT NULL DEFAULT 0,
  last_error      TEXT NOT NULL DEFAULT '',
  created_at      INTEGER NOT NULL,
  next_attempt_at INTEGER,
  sent_at         INTEGER,
  UNIQUE (session_id, revision)
);
CREATE INDEX outbox_by_state ON outbox(state, id);

CREATE TABLE audit_log (
  id           INTEGER PRIMARY KEY,
  at           INTEGER NOT NULL,
  clinician_id TEXT NOT NULL DEFAULT '',
  action       TEXT NOT NULL,
  session_id   TEXT NOT NULL DEFAULT '',
  detail       TEXT NOT NULL DEFAULT '',
  synced_at    INTEGER
);
CREATE INDEX audit_by_session ON audit_log(session_id) WHERE session_id <> '';

CREATE TABLE settings (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE clinicians (
  id           TEXT PRIMARY KEY,
  display_name TEXT NOT NULL,
  role         TEXT NOT NULL,
  pin_hash     TEXT NOT NULL DEFAULT '',
  active       INTEGER NOT NULL DEFAULT 1
) WITHOUT ROWID;
)sql";

// PRAGMA application_id of a device store: "UCLK" in ASCII. Tells our file from another SQLite database.
constexpr std::int64_t kApplicationId = 0x55434C4B;

// PIN lock-outs in columns of their own (before: settings "pin_lock.ID" = "failures;lockedUntilMs"), and
// roles in core's lower-case spelling (core::toString(Role); before, as given: "OT").
constexpr std::string_view kSchemaV2 = R"sql(
CREATE TABLE pin_lockouts (
  clinician_id    TEXT PRIMARY KEY,
  failures        INTEGER NOT NULL DEFAULT 0 CHECK (failures >= 0),
  locked_until_ms INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
INSERT INTO pin_lockouts(clinician_id, failures, locked_until_ms)
  SELECT substr(key, 10),
         max(0, CAST(substr(value, 1, instr(value, ';') - 1) AS INTEGER)),
         CAST(substr(value, instr(value, ';') + 1) AS INTEGER)
  FROM settings WHERE key LIKE 'pin\_lock.%' ESCAPE '\' AND instr(value, ';') > 0;
DELETE FROM settings WHERE key LIKE 'pin\_lock.%' ESCAPE '\';
UPDATE clinicians SET role = lower(role);
)sql";

constexpr std::array<sql::Migration, 2> kMigrations{sql::Migration{1, kSchemaV1},
                                                    sql::Migration{2, kSchemaV2}};
static_assert(kMigrations.back().version == kStoreSchemaVersion);

constexpr char kSqliteMagic[] = "SQLite format 3";  // the first 16 bytes of every database, with its NUL

std::int64_t toMs(core::WallTime t) {
  return t.time_since_epoch().count();
}
core::WallTime fromMs(std::int64_t ms) {
  return core::WallTime{std::chrono::milliseconds{ms}};
}

std::string joinCodes(const std::vector<std::string>& codes) {
  std::string out;
  for (const auto& c : codes) {
    if (!out.empty()) out += ',';
    out += c;
  }
  return out;
}

std::vector<std::string> splitCodes(std::string_view text) {
  std::vector<std::string> out;
  while (!text.empty()) {
    auto comma = text.find(',');
    out.emplace_back(text.substr(0, comma));
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return out;
}

StoreError ioError(const sql::SqlError& e, std::string_view what) {
  StoreErrc errc = StoreErrc::io;
  if (e.code == 11 /*SQLITE_CORRUPT*/ || e.code == 26 /*SQLITE_NOTADB*/) errc = StoreErrc::corrupt;
  if (e.code == 8 /*SQLITE_READONLY*/) errc = StoreErrc::read_only_location;
  if (e.code == sql::kNewerSchemaCode) errc = StoreErrc::newer_schema;
  return StoreError{errc, std::string(what) + ": " + e.message};
}

template <class T>
StoreResult<T> failIo(const sql::SqlError& e, std::string_view what) {
  return fail(ioError(e, what));
}

StoreError error(StoreErrc errc, std::string message) {
  return StoreError{errc, std::move(message)};
}

std::string_view statusName(core::SessionStatus s) {
  return core::toString(s);
}

bool isAudited(core::EventType type) {
  return core::isSegmentCorrection(type) || type == core::EventType::session_signed ||
         type == core::EventType::session_reopened || type == core::EventType::session_voided;
}

// [SECTION] Opening: checks that never write

struct FileFacts {
  bool exists = false;
  std::uintmax_t size = 0;
};

std::string directoryOf(const std::string& path) {
  auto parent = std::filesystem::path(path).parent_path();
  return parent.empty() ? std::string(".") : parent.string();
}

StoreResult<FileFacts> inspectFile(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return FileFacts{};
    return fail(error(StoreErrc::cannot_open, "cannot open " + path + ": " + std::strerror(errno)));
  }
  if (!S_ISREG(st.st_mode)) return fail(error(StoreErrc::cannot_open, path + " is not a regular file"));
  FileFacts facts{true, static_cast<std::uintmax_t>(st.st_size)};
  if (facts.size == 0) return facts;  // an empty file holds nothing to lose; SQLite treats it as new
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return fail(error(StoreErrc::cannot_open, "cannot open " + path + ": " + std::strerror(errno)));
  char header[16] = {};
  ssize_t n = ::read(fd, header, sizeof header);
  ::close(fd);
  if (n != static_cast<ssize_t>(sizeof header) ||
      std::memcmp(header, kSqliteMagic, sizeof kSqliteMagic) != 0) {
    return fail(
        error(StoreErrc::corrupt, path + " is not a Unitclock database (damaged or another kind of file)"));
  }
  if (facts.size < 512) {
    return fail(error(StoreErrc::corrupt, path + " is truncated (" + std::to_string(facts.size) + " bytes)"));
  }
  return facts;
}

// Creates the file with mode 0600 before SQLite touches it. SQLite gives the -wal and -shm files the
// same permissions as the database file, so they are owner-only too.
StoreResult<void> createPrivateFile(const std::string& path) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, S_IRUSR | S_IWUSR);
  if (fd < 0) {
    if (errno == EACCES || errno == EROFS || errno == EPERM) {
      return fail(error(StoreErrc::read_only_location,
                        "cannot create " + path + ": " + std::strerror(errno) + " (folder is read-only)"));
    }
    return fail(error(StoreErrc::cannot_open, "cannot create " + path + ": " + std::strerror(errno)));
  }
  ::fchmod(fd, S_IRUSR | S_IWUSR);  // in case a umask or ACL widened nothing but narrowed differently
  ::close(fd);
  return {};
}

// Makes an existing database and its WAL companions owner-only (older files, files copied in).
void restrictPermissions(const std::string& path) {
  for (const char* suffix : {"", "-wal", "-shm"}) {
    std::string p = path + suffix;
    struct stat st {};
    if (::stat(p.c_str(), &st) == 0 && (st.st_mode & 077) != 0) ::chmod(p.c_str(), S_IRUSR | S_IWUSR);
  }
}

}  // namespace

std::string_view toString(StoreErrc errc) noexcept {
  switch (errc) {
    case StoreErrc::cannot_open:
      return "cannot_open";
    case StoreErrc::corrupt:
      return "corrupt";
    case StoreErrc::newer_schema:
      return "newer_schema";
    case StoreErrc::read_only_location:
      return "read_only_location";
    case StoreErrc::not_found:
      return "not_found";
    case StoreErrc::conflict:
      return "conflict";
    case StoreErrc::invalid:
      return "invalid";
    case StoreErrc::io:
      return "io";
  }
  return "io";
}

std::string_view toString(OutboxState state) noexcept {
  switch (state) {
    case OutboxState::pending:
      return "pending";
    case OutboxState::sent:
      return "sent";
    case OutboxState::rejected:
      return "rejected";
  }
  return "pending";
}

namespace {
std::optional<OutboxState> parseOutboxState(std::string_view s) {
  if (s == "pending") return OutboxState::pending;
  if (s == "sent") return OutboxState::sent;
  if (s == "rejected") return OutboxState::rejected;
  return std::nullopt;
}
}  // namespace

// [SECTION] Impl

struct DeviceStore::Impl {
  sql::Database db;
  std::string path;
  bool readOnly = false;
  // Prepared once: the tap → commit path runs these on every event.
  std::optional<sql::Statement> selectSessionState;
  std::optional<sql::Statement> insertEventStmt;
  std::optional<sql::Statement> updateSession;
  std::optional<sql::Statement> insertOutbox;
  std::optional<sql::Statement> insertAudit;

  explicit Impl(sql::Database d) : db(std::move(d)) {}

  StoreResult<sql::Statement*> cached(std::optional<sql::Statement>& slot, std::string_view text) {
    if (!slot) {
      auto s = db.prepare(text);
      if (!s) return failIo<sql::Statement*>(s.error(), "prepare");
      slot.emplace(std::move(s).value());
    }
    slot->reset();
    slot->clearBindings();
    return &*slot;
  }

  StoreResult<void> writable() const {
    if (readOnly) return fail(error(StoreErrc::read_only_location, path + " was opened read-only"));
    return {};
  }

  StoreResult<std::int64_t> addAudit(const AuditEntry& e);
  // appendEvent's checks and writes, inside the caller's transaction.
  StoreResult<std::int64_t> insertEvent(const std::string& sessionId, const core::Event& event);
};

DeviceStore::DeviceStore(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
DeviceStore::DeviceStore(DeviceStore&&) noexcept = default;
DeviceStore& DeviceStore::operator=(DeviceStore&&) noexcept = default;
DeviceStore::~DeviceStore() = default;

const std::string& DeviceStore::path() const {
  return m_impl->path;
}
bool DeviceStore::readOnly() const {
  return m_impl->readOnly;
}

// [SECTION] open

StoreResult<DeviceStore> DeviceStore::open(const std::string& path, const StoreOptions& options) {
  const bool readOnly = options.mode == StoreMode::kReadOnly;
  auto facts = inspectFile(path);
  if (!facts) return fail(facts.error());
  if (readOnly && !facts->exists) return fail(error(StoreErrc::cannot_open, path + " does not exist"));

  if (!readOnly) {
    // WAL mode needs to create path-wal and path-shm next to the file, so the folder must be writable.
    const std::string dir = directoryOf(path);
    if (::access(dir.c_str(), W_OK) != 0) {
      int err = errno;
      if (err == ENOENT) return fail(error(StoreErrc::cannot_open, "folder " + dir + " does not exist"));
      return fail(
          error(StoreErrc::read_only_location, "folder " + dir + " is read-only: " + std::strerror(err)));
    }
    if (facts->exists && ::access(path.c_str(), R_OK | W_OK) != 0) {
      return fail(error(StoreErrc::read_only_location, path + " is read-only: " + std::strerror(errno)));
    }
    if (!facts->exists) {
      if (auto r = createPrivateFile(path); !r) return fail(r.error());
    }
  }

  // Phase 1: read and check without writing anything. Closing must not checkpoint either, so that a
  // file we refuse is left byte for byte as it was.
  sql::OpenOptions openOptions;
  openOptions.mode = readOnly ? sql::OpenMode::kReadOnly : sql::OpenMode::kReadWrite;
  openOptions.busyTimeout = options.busyTimeout;
  openOptions.checkpointOnClose = false;
  auto db = sql::Database::open(path, openOptions);
  if (!db) {
    auto e = ioError(db.error(), "open " + path);
    if (e.errc == StoreErrc::io) e.errc = StoreErrc::cannot_open;
    return fail(e);
  }
  auto version = db->userVersion();
  if (!version) {
    auto e = ioError(version.error(), "read " + path);
    if (e.errc == StoreErrc::io && version.error().code == 14 /*SQLITE_CANTOPEN*/) {
      e.errc = readOnly ? StoreErrc::cannot_open : StoreErrc::read_only_location;
    }
    return fail(e);
  }
  // Another program's SQLite database is not ours to migrate: refuse it as we refuse any foreign file.
  auto appId = db->queryInt64("PRAGMA application_id");
  auto objects = db->queryInt64("SELECT count(*) FROM sqlite_schema");
  if (!appId || !objects) return fail(ioError(!appId ? appId.error() : objects.error(), "read " + path));
  // Stores written before the application id was introduced (same day, development builds) have id 0.
  const bool foreignId = appId.value() != 0 && appId.value() != kApplicationId;
  if (foreignId || (version.value() == 0 && objects.value() > 0)) {
    return fail(
        error(StoreErrc::corrupt, path + " is a SQLite database of another program, not a Unitclock store"));
  }
  if (version.value() > kStoreSchemaVersion) {
    return fail(error(StoreErrc::newer_schema,
                      path + " was written by a newer Unitclock (schema " + std::to_string(version.value()) +
                          ", this build knows " + std::to_string(kStoreSchemaVersion) + "); update the app"));
  }
  if (options.checkIntegrity && facts->exists && facts->size > 0) {
    auto problems = sql::integrityCheck(db.value(), sql::IntegrityCheckKind::kQuick);
    if (!problems) return fail(ioError(problems.error(), "check " + path));
    if (!problems->empty()) {
      return fail(error(StoreErrc::corrupt, path + " is damaged: " + problems->front()));
    }
  }
  if (readOnly && version.value() < kStoreSchemaVersion) {
    return fail(error(StoreErrc::cannot_open,
                      path + " has no Unitclock data yet (schema " + std::to_string(version.value()) + ")"));
  }

  // Phase 2 (read-write only): the file is ours and sound; set it up and migrate.
  if (!readOnly) {
    restrictPermissions(path);
    if (auto r = db->exec("PRAGMA journal_mode=WAL"); !r) return fail(ioError(r.error(), "set up " + path));
    if (auto r = db->setCheckpointOnClose(true); !r) return fail(ioError(r.error(), "set up " + path));
    auto migrated = sql::migrate(db.value(), kMigrations);
    if (!migrated) return fail(ioError(migrated.error(), "migrate " + path));
    if (appId.value() == 0) {
      if (auto r = db->exec("PRAGMA application_id = " + std::to_string(kApplicationId)); !r) {
        return fail(ioError(r.error(), "set up " + path));
      }
    }
  }
  // Per connection: FULL makes every commit fsync the WAL, so an acknowledged event survives power loss.
  if (auto r = db->exec("PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON"); !r) {
    return fail(ioError(r.error(), "set up " + path));
  }
  if (readOnly) {
    // query_only: a second guard beside SQLITE_OPEN_READONLY.
    (void)db->exec("PRAGMA query_only=1");
  }

  auto impl = std::make_unique<Impl>(std::move(db).value());
  impl->path = path;
  impl->readOnly = readOnly;
  return DeviceStore(std::move(impl));
}

// [SECTION] Sessions and events

namespace {

StoreResult<void> bindEvent(sql::Statement& s, const std::string& sessionId, const core::Event& e) {
  auto codes = joinCodes(e.codes);
  std::optional<std::string> performer, mode, pause;
  if (e.performer) performer = std::string(core::toString(*e.performer));
  if (e.mode) mode = std::string(core::toString(*e.mode));
  if (e.pauseReason) pause = std::string(core::toString(*e.pauseReason));
  auto optMs = [](const std::optional<core::WallTime>& t) -> std::optional<std::int64_t> {
    if (!t) return std::nullopt;
    return toMs(*t);
  };
  auto optCount = [](const auto& d) -> std::optional<std::int64_t> {
    if (!d) return std::nullopt;
    return static_cast<std::int64_t>(d->count());
  };
  std::optional<std::int64_t> segmentIndex;
  if (e.segmentIndex) segmentIndex = *e.segmentIndex;
  sql::SqlResult<void> results[] = {
      s.bind(1, sessionId),
      s.bind(2, e.sequence),
      s.bind(3, core::toString(e.type)),
      s.bind(4, toMs(e.wall)),
      s.bind(5, e.runId),
      s.bind(6, static_cast<std::int64_t>(e.monotonic.count())),
      s.bind(7, e.clinicianId),
      s.bind(8, e.code),
      s.bind(9, performer),
      s.bind(10, mode),
      s.bind(11, pause),
      s.bind(12, optCount(e.minutes)),
      s.bind(13, optCount(e.assistantMinutes)),
      s.bind(14, codes),
      s.bind(15, segmentIndex),
      s.bind(16, optMs(e.oldStart)),
      s.bind(17, optMs(e.oldEnd)),
      s.bind(18, optMs(e.newStart)),
      s.bind(19, optMs(e.newEnd)),
      s.bind(20, e.reason),
      s.bind(21, optCount(e.wallDelta)),
      s.bind(22, optCount(e.monotonicDelta)),
  };
  for (const auto& r : results) {
    if (!r) return fail(ioError(r.error(), "store event"));
  }
  return {};
}

constexpr std::string_view kEventColumns =
    "session_id, seq, type, wall_ms, run_id, mono_ns, clinician_id, code, performer, mode, pause_reason, "
    "minutes, assistant_minutes, codes, segment_index, old_start_ms, old_end_ms, new_start_ms, new_end_ms, "
    "reason, wall_delta_ms, mono_delta_ms";

StoreResult<core::Event> readEvent(const sql::Statement& s) {
  core::Event e;
  auto bad = [&](std::string_view what) {
    return fail(error(StoreErrc::corrupt, "event " + std::to_string(s.columnInt64(1)) +
                                              " of a session has an "
                                              "unknown " +
                                              std::string(what)));
  };
  e.sequence = s.columnInt64(1);
  auto type = core::parseEventType(s.columnText(2));
  if (!type) return bad("type");
  e.type = *type;
  e.wall = fromMs(s.columnInt64(3));
  e.runId = s.columnText(4);
  e.monotonic = std::chrono::nanoseconds{s.columnInt64(5)};
  e.clinicianId = s.columnText(6);
  e.code = s.columnText(7);
  if (auto p = s.columnOptionalText(8)) {
    e.performer = core::parsePerformer(*p);
    if (!e.performer) return bad("performer");
  }
  if (auto m = s.columnOptionalText(9)) {
    e.mode = core::parseActivityMode(*m);
    if (!e.mode) return bad("activity mode");
  }
  if (auto r = s.columnOptionalText(10)) {
    e.pauseReason = core::parsePauseReason(*r);
    if (!e.pauseReason) return bad("pause reason");
  }
  if (auto v = s.columnOptionalInt64(11)) e.minutes = std::chrono::minutes{*v};
  if (auto v = s.columnOptionalInt64(12)) e.assistantMinutes = std::chrono::minutes{*v};
  e.codes = splitCodes(s.columnText(13));
  if (auto v = s.columnOptionalInt64(14)) e.segmentIndex = static_cast<int>(*v);
  if (auto v = s.columnOptionalInt64(15)) e.oldStart = fromMs(*v);
  if (auto v = s.columnOptionalInt64(16)) e.oldEnd = fromMs(*v);
  if (auto v = s.columnOptionalInt64(17)) e.newStart = fromMs(*v);
  if (auto v = s.columnOptionalInt64(18)) e.newEnd = fromMs(*v);
  e.reason = s.columnText(19);
  if (auto v = s.columnOptionalInt64(20)) e.wallDelta = std::chrono::milliseconds{*v};
  if (auto v = s.columnOptionalInt64(21)) e.monotonicDelta = std::chrono::milliseconds{*v};
  return e;
}

constexpr std::string_view kSessionColumns =
    "id, clinic_id, device_id, patient_mrn, patient_initials, payer_profile, discipline, place_of_service, "
    "telehealth, diagnoses, rendering_clinician_id, status, revision, opened_at, last_event_at, event_count";

StoreResult<SessionRow> readSessionRow(const sql::Statement& s) {
  SessionRow row;
  auto& h = row.header;
  h.id = s.columnText(0);
  h.clinicId = s.columnText(1);
  h.deviceId = s.columnText(2);
  h.patient.mrn = s.columnText(3);
  h.patient.initials = s.columnText(4);
  h.payerProfile = s.columnText(5);
  auto discipline = core::parseDiscipline(s.columnText(6));
  if (!discipline) return fail(error(StoreErrc::corrupt, "session " + h.id + " has an unknown discipline"));
  h.discipline = *discipline;
  h.placeOfService = s.columnText(7);
  h.telehealth = s.columnInt64(8) != 0;
  h.diagnoses = splitCodes(s.columnText(9));
  h.renderingClinicianId = s.columnText(10);
  auto status = core::parseSessionStatus(s.columnText(11));
  if (!status) return fail(error(StoreErrc::corrupt, "session " + h.id + " has an unknown status"));
  row.status = *status;
  row.revision = s.columnInt(12);
  row.openedAt = fromMs(s.columnInt64(13));
  row.lastEventAt = fromMs(s.columnInt64(14));
  row.eventCount = s.columnInt64(15);
  return row;
}

StoreResult<void> checkStorable(const std::vector<std::string>& codes) {
  for (const auto& c : codes) {
    if (c.empty() || c.find(',') != std::string::npos) {
      return fail(error(StoreErrc::invalid, "a code list entry is empty or contains ','"));
    }
  }
  return {};
}

}  // namespace

StoreResult<std::int64_t> DeviceStore::Impl::addAudit(const AuditEntry& e) {
  auto s = cached(
      insertAudit,
      "INSERT INTO audit_log(at, clinician_id, action, session_id, detail) VALUES (?1, ?2, ?3, ?4, ?5)");
  if (!s) return fail(s.error());
  sql::Statement& st = *s.value();
  sql::SqlResult<void> rs[] = {st.bind(1, toMs(e.at)), st.bind(2, e.clinicianId), st.bind(3, e.action),
                               st.bind(4, e.sessionId), st.bind(5, e.detail)};
  for (const auto& r : rs) {
    if (!r) return failIo<std::int64_t>(r.error(), "audit");
  }
  if (auto r = st.run(); !r) return failIo<std::int64_t>(r.error(), "audit");
  return db.lastInsertRowId();
}

StoreResult<void> DeviceStore::createSession(const core::SessionHeader& h, const core::Event& opened) {
  if (auto w = m_impl->writable(); !w) return w;
  if (opened.type != core::EventType::session_opened || opened.sequence != 1) {
    return fail(error(StoreErrc::invalid, "a session starts with session_opened, sequence 1"));
  }
  if (h.id.empty()) return fail(error(StoreErrc::invalid, "a session needs an id"));
  if (auto r = checkStorable(h.diagnoses); !r) return r;
  auto& db = m_impl->db;
  auto tx = sql::Transaction::begin(db);
  if (!tx) return fail(ioError(tx.error(), "create session"));
  auto ins = db.prepare(std::string("INSERT INTO sessions(") + std::string(kSessionColumns) +
                        ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, 'open', 1, ?12, ?12, 1)");
  if (!ins) return fail(ioError(ins.error(), "create session"));
  sql::SqlResult<void> rs[] = {ins->bind(1, h.id),
                               ins->bind(2, h.clinicId),
                               ins->bind(3, h.deviceId),
                               ins->bind(4, h.patient.mrn),
                               ins->bind(5, h.patient.initials),
                               ins->bind(6, h.payerProfile),
                               ins->bind(7, core::toString(h.discipline)),
                               ins->bind(8, h.placeOfService),
                               ins->bind(9, h.telehealth ? 1 : 0),
                               ins->bind(10, joinCodes(h.diagnoses)),
                               ins->bind(11, h.renderingClinicianId),
                               ins->bind(12, toMs(opened.wall))};
  for (const auto& r : rs) {
    if (!r) return fail(ioError(r.error(), "create session"));
  }
  if (auto r = ins->run(); !r) {
    if (r.error().code == 19 /*SQLITE_CONSTRAINT*/) {
      return fail(error(StoreErrc::conflict, "session " + h.id + " already exists"));
    }
    return fail(ioError(r.error(), "create session"));
  }
  auto ev = m_impl->cached(m_impl->insertEventStmt,
                           std::string("INSERT INTO events(") + std::string(kEventColumns) +
                               ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, "
                               "?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22)");
  if (!ev) return fail(ev.error());
  if (auto r = bindEvent(*ev.value(), h.id, opened); !r) return r;
  if (auto r = ev.value()->run(); !r) return fail(ioError(r.error(), "create session"));
  if (auto r = tx->commit(); !r) return fail(ioError(r.error(), "create session"));
  return {};
}

StoreResult<std::int64_t> DeviceStore::appendEvent(const std::string& sessionId, const core::Event& event) {
  if (auto w = m_impl->writable(); !w) return fail(w.error());
  auto tx = sql::Transaction::begin(m_impl->db);
  if (!tx) return failIo<std::int64_t>(tx.error(), "record event");
  auto seq = m_impl->insertEvent(sessionId, event);
  if (!seq) return seq;
  if (auto r = tx->commit(); !r) return failIo<std::int64_t>(r.error(), "commit event");
  return seq;
}

StoreResult<std::int64_t> DeviceStore::Impl::insertEvent(const std::string& sessionId,
                                                         const core::Event& event) {
  if (auto r = checkStorable(event.codes); !r) return fail(r.error());
  auto& impl = *this;
  auto state = impl.cached(impl.selectSessionState,
                           "SELECT event_count, status, revision FROM sessions WHERE id = ?1");
  if (!state) return fail(state.error());
  sql::Statement& st = *state.value();
  if (auto r = st.bind(1, sessionId); !r) return failIo<std::int64_t>(r.error(), "record event");
  auto row = st.step();
  if (!row) return failIo<std::int64_t>(row.error(), "record event");
  if (!row.value()) return fail(error(StoreErrc::not_found, "no session " + sessionId));
  const std::int64_t count = st.columnInt64(0);
  const auto statusBefore = core::parseSessionStatus(st.columnText(1));
  int revision = st.columnInt(2);
  st.reset();
  if (event.sequence != count + 1) {
    return fail(error(StoreErrc::conflict, "event sequence " + std::to_string(event.sequence) +
                                               " for session " + sessionId + ", expected " +
                                               std::to_string(count + 1)));
  }

  auto ins =
      impl.cached(impl.insertEventStmt, std::string("INSERT INTO events(") + std::string(kEventColumns) +
                                            ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, "
                                            "?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22)");
  if (!ins) return fail(ins.error());
  if (auto r = bindEvent(*ins.value(), sessionId, event); !r) return fail(r.error());
  if (auto r = ins.value()->run(); !r) return failIo<std::int64_t>(r.error(), "record event");

  // The status machine is core's (core::statusAfter); the column follows it.
  auto newStatus = core::statusAfter(event.type).value_or(statusBefore.value_or(core::SessionStatus::open));
  if (core::beginsRevision(event.type)) ++revision;
  auto upd = impl.cached(impl.updateSession,
                         "UPDATE sessions SET event_count = ?2, status = ?3, revision = ?4, "
                         "last_event_at = max(last_event_at, ?5) WHERE id = ?1");
  if (!upd) return fail(upd.error());
  sql::Statement& us = *upd.value();
  sql::SqlResult<void> rs[] = {us.bind(1, sessionId), us.bind(2, event.sequence),
                               us.bind(3, statusName(newStatus)), us.bind(4, revision),
                               us.bind(5, toMs(event.wall))};
  for (const auto& r : rs) {
    if (!r) return failIo<std::int64_t>(r.error(), "record event");
  }
  if (auto r = us.run(); !r) return failIo<std::int64_t>(r.error(), "record event");

  // Signing hands the revision to the sync worker in the same transaction: either both are on disk or
  // neither is. Voiding a session that was already handed over sends the void too.
  bool enqueue = event.type == core::EventType::session_signed;
  if (event.type == core::EventType::session_voided) {
    auto any = impl.db.prepare("SELECT count(*) FROM outbox WHERE session_id = ?1");
    if (!any) return failIo<std::int64_t>(any.error(), "record event");
    if (auto r = any->bind(1, sessionId); !r) return failIo<std::int64_t>(r.error(), "record event");
    auto stepped = any->step();
    if (!stepped) return failIo<std::int64_t>(stepped.error(), "record event");
    enqueue = any->columnInt64(0) > 0;
  }
  if (enqueue) {
    auto ob = impl.cached(
        impl.insertOutbox,
        "INSERT INTO outbox(session_id, revision, state, created_at) VALUES (?1, ?2, 'pending', ?3) "
        "ON CONFLICT(session_id, revision) DO UPDATE SET state = 'pending', attempts = 0, "
        "last_error = '', next_attempt_at = NULL, sent_at = NULL");
    if (!ob) return fail(ob.error());
    sql::Statement& os = *ob.value();
    sql::SqlResult<void> ors[] = {os.bind(1, sessionId), os.bind(2, revision), os.bind(3, toMs(event.wall))};
    for (const auto& r : ors) {
      if (!r) return failIo<std::int64_t>(r.error(), "record event");
    }
    if (auto r = os.run(); !r) return failIo<std::int64_t>(r.error(), "queue upload");
  }
  if (isAudited(event.type)) {
    AuditEntry a;
    a.at = event.wall;
    a.clinicianId = event.clinicianId;
    a.action = std::string(core::toString(event.type));
    a.sessionId = sessionId;
    a.detail = event.reason;
    if (auto r = impl.addAudit(a); !r) return fail(r.error());
  }
  return event.sequence;
}

StoreResult<StoredSession> DeviceStore::loadSession(const std::string& sessionId) {
  auto& db = m_impl->db;
  // One read transaction, so the row and the events are one consistent snapshot even while the app writes.
  auto tx = sql::Transaction::begin(db, sql::TransactionKind::kDeferred);
  if (!tx) return failIo<StoredSession>(tx.error(), "load session");
  auto s = db.prepare(std::string("SELECT ") + std::string(kSessionColumns) + " FROM sessions WHERE id = ?1");
  if (!s) return failIo<StoredSession>(s.error(), "load session");
  if (auto r = s->bind(1, sessionId); !r) return failIo<StoredSession>(r.error(), "load session");
  auto row = s->step();
  if (!row) return failIo<StoredSession>(row.error(), "load session");
  if (!row.value()) return fail(error(StoreErrc::not_found, "no session " + sessionId));
  auto sessionRow = readSessionRow(s.value());
  if (!sessionRow) return fail(sessionRow.error());
  StoredSession out;
  out.row = std::move(sessionRow).value();

  auto ev = db.prepare(std::string("SELECT ") + std::string(kEventColumns) +
                       " FROM events WHERE session_id = ?1 ORDER BY seq");
  if (!ev) return failIo<StoredSession>(ev.error(), "load events");
  if (auto r = ev->bind(1, sessionId); !r) return failIo<StoredSession>(r.error(), "load events");
  for (;;) {
    auto more = ev->step();
    if (!more) return failIo<StoredSession>(more.error(), "load events");
    if (!more.value()) break;
    auto e = readEvent(ev.value());
    if (!e) return fail(e.error());
    if (e->sequence != static_cast<std::int64_t>(out.events.size()) + 1) {
      return fail(error(StoreErrc::corrupt, "session " + sessionId + " is missing event " +
                                                std::to_string(out.events.size() + 1)));
    }
    out.events.push_back(std::move(e).value());
  }
  (void)tx->commit();
  return out;
}

StoreResult<std::vector<SessionRow>> DeviceStore::listSessions(const SessionFilter& filter) {
  std::string text = std::string("SELECT ") + std::string(kSessionColumns) + " FROM sessions WHERE 1";
  if (filter.status) text += " AND status = :status";
  if (filter.openedFrom) text += " AND opened_at >= :from";
  if (filter.openedTo) text += " AND opened_at < :to";
  text += " ORDER BY opened_at, id";
  auto s = m_impl->db.prepare(text);
  if (!s) return failIo<std::vector<SessionRow>>(s.error(), "list sessions");
  if (filter.status) (void)s->bind(":status", statusName(*filter.status));
  if (filter.openedFrom) (void)s->bind(":from", toMs(*filter.openedFrom));
  if (filter.openedTo) (void)s->bind(":to", toMs(*filter.openedTo));
  std::vector<SessionRow> out;
  for (;;) {
    auto more = s->step();
    if (!more) return failIo<std::vector<SessionRow>>(more.error(), "list sessions");
    if (!more.value()) break;
    auto row = readSessionRow(s.value());
    if (!row) return fail(row.error());
    out.push_back(std::move(row).value());
  }
  return out;
}

StoreResult<std::vector<SessionRow>> DeviceStore::sessionsOnDay(std::chrono::year_month_day date,
                                                                std::optional<core::SessionStatus> status) {
  auto zone = clinicTimeZone();
  if (!zone) return fail(zone.error());
  auto range = localDayRange(date, zone.value());
  if (!range) return fail(error(StoreErrc::invalid, "clinic time zone: " + range.error().message));
  auto rows = listSessions({.status = status, .openedFrom = std::nullopt, .openedTo = range->end});
  if (!rows) return rows;
  std::vector<SessionRow> out;
  for (auto& row : rows.value()) {
    if (row.lastEventAt >= range->start) out.push_back(std::move(row));
  }
  return out;
}

StoreResult<std::int64_t> DeviceStore::countSessions() {
  auto n = m_impl->db.queryInt64("SELECT count(*) FROM sessions");
  if (!n) return failIo<std::int64_t>(n.error(), "count sessions");
  return n.value();
}

// [SECTION] Outbox

namespace {

constexpr std::string_view kOutboxColumns =
    "id, session_id, revision, state, attempts, last_error, created_at, next_attempt_at, sent_at";

StoreResult<std::vector<OutboxEntry>> readOutbox(sql::Statement& s) {
  std::vector<OutboxEntry> out;
  for (;;) {
    auto more = s.step();
    if (!more) return failIo<std::vector<OutboxEntry>>(more.error(), "read outbox");
    if (!more.value()) break;
    OutboxEntry e;
    e.id = s.columnInt64(0);
    e.sessionId = s.columnText(1);
    e.revision = s.columnInt(2);
    auto state = parseOutboxState(s.columnText(3));
    if (!state) return fail(error(StoreErrc::corrupt, "outbox entry has an unknown state"));
    e.state = *state;
    e.attempts = s.columnInt(4);
    e.lastError = s.columnText(5);
    e.createdAt = fromMs(s.columnInt64(6));
    if (auto v = s.columnOptionalInt64(7)) e.nextAttemptAt = fromMs(*v);
    if (auto v = s.columnOptionalInt64(8)) e.sentAt = fromMs(*v);
    out.push_back(std::move(e));
  }
  return out;
}

}  // namespace

StoreResult<std::vector<OutboxEntry>> DeviceStore::pendingOutbox(core::WallTime now, int limit) {
  auto s = m_impl->db.prepare(std::string("SELECT ") + std::string(kOutboxColumns) +
                              " FROM outbox WHERE state = 'pending' AND coalesce(next_attempt_at, 0) <= ?1 "
                              "ORDER BY id LIMIT ?2");
  if (!s) return failIo<std::vector<OutboxEntry>>(s.error(), "read outbox");
  (void)s->bind(1, toMs(now));
  (void)s->bind(2, limit);
  return readOutbox(s.value());
}

StoreResult<std::vector<OutboxEntry>> DeviceStore::outbox(const std::string& sessionId) {
  auto s = m_impl->db.prepare(std::string("SELECT ") + std::string(kOutboxColumns) +
                              " FROM outbox WHERE session_id = ?1 ORDER BY id");
  if (!s) return failIo<std::vector<OutboxEntry>>(s.error(), "read outbox");
  (void)s->bind(1, sessionId);
  return readOutbox(s.value());
}

namespace {
StoreResult<void> updateOutbox(sql::Database& db, std::string_view text, std::int64_t id,
                               std::optional<std::string_view> textArg, std::optional<std::int64_t> timeArg) {
  auto s = db.prepare(text);
  if (!s) return fail(ioError(s.error(), "update outbox"));
  (void)s->bind(1, id);
  if (textArg) (void)s->bind(2, *textArg);
  if (timeArg) (void)s->bind(3, *timeArg);
  if (auto r = s->run(); !r) return fail(ioError(r.error(), "update outbox"));
  if (db.changes() == 0) return fail(error(StoreErrc::not_found, "no outbox entry " + std::to_string(id)));
  return {};
}
}  // namespace

namespace {
constexpr std::string_view kMarkSent =
    "UPDATE outbox SET state = 'sent', attempts = attempts + 1, sent_at = ?3, last_error = '', "
    "next_attempt_at = NULL WHERE id = ?1";
}  // namespace

StoreResult<void> DeviceStore::markOutboxSent(std::int64_t outboxId, core::WallTime at) {
  if (auto w = m_impl->writable(); !w) return w;
  return updateOutbox(m_impl->db, kMarkSent, outboxId, std::nullopt, toMs(at));
}

StoreResult<void> DeviceStore::markOutboxSent(const std::vector<SentUpload>& uploads, core::WallTime at) {
  if (auto w = m_impl->writable(); !w) return w;
  if (uploads.empty()) return {};
  auto& impl = *m_impl;
  auto tx = sql::Transaction::begin(impl.db);
  if (!tx) return fail(ioError(tx.error(), "record uploads"));
  auto mark = impl.db.prepare(kMarkSent);
  if (!mark) return fail(ioError(mark.error(), "record uploads"));
  // Checked inside this transaction, so a void recorded at any moment before it is never marked sent.
  auto voidedSince = impl.db.prepare(
      "SELECT count(*) FROM outbox o JOIN sessions s ON s.id = o.session_id "
      "WHERE o.id = ?1 AND s.status = 'voided' AND s.revision = o.revision");
  if (!voidedSince) return fail(ioError(voidedSince.error(), "record uploads"));
  for (const SentUpload& u : uploads) {
    if (!u.voidUploaded) {
      voidedSince->reset();
      if (auto r = voidedSince->bind(1, u.outboxId); !r) return fail(ioError(r.error(), "record uploads"));
      auto stepped = voidedSince->step();
      if (!stepped) return fail(ioError(stepped.error(), "record uploads"));
      if (voidedSince->columnInt64(0) > 0) continue;  // the void waits in this entry
    }
    mark->reset();
    mark->clearBindings();
    sql::SqlResult<void> rs[] = {mark->bind(1, u.outboxId), mark->bind(3, toMs(at))};
    for (const auto& r : rs) {
      if (!r) return fail(ioError(r.error(), "record uploads"));
    }
    if (auto r = mark->run(); !r) return fail(ioError(r.error(), "record uploads"));
    if (impl.db.changes() == 0) {
      return fail(error(StoreErrc::not_found, "no outbox entry " + std::to_string(u.outboxId)));
    }
    if (u.syncedEvent) {
      if (u.syncedEvent->type != core::EventType::session_synced) {
        return fail(error(StoreErrc::invalid, "outbox entry " + std::to_string(u.outboxId) +
                                                  ": only a session_synced event records an upload"));
      }
      if (auto r = impl.insertEvent(u.sessionId, *u.syncedEvent); !r) return fail(r.error());
    }
  }
  // One commit, one flush, for the whole batch; any error above rolled everything back.
  if (auto r = tx->commit(); !r) return fail(ioError(r.error(), "commit uploads"));
  return {};
}

StoreResult<void> DeviceStore::markOutboxFailed(std::int64_t outboxId, std::string_view err,
                                                core::WallTime retryAt) {
  if (auto w = m_impl->writable(); !w) return w;
  return updateOutbox(m_impl->db,
                      "UPDATE outbox SET attempts = attempts + 1, last_error = ?2, next_attempt_at = ?3 "
                      "WHERE id = ?1 AND state = 'pending'",
                      outboxId, err, toMs(retryAt));
}

StoreResult<void> DeviceStore::markOutboxRejected(std::int64_t outboxId, std::string_view reason) {
  if (auto w = m_impl->writable(); !w) return w;
  return updateOutbox(m_impl->db,
                      "UPDATE outbox SET state = 'rejected', attempts = attempts + 1, last_error = ?2, "
                      "next_attempt_at = NULL WHERE id = ?1",
                      outboxId, reason, std::nullopt);
}

// [SECTION] Audit log

namespace {
StoreResult<std::vector<AuditEntry>> readAudit(sql::Statement& s) {
  std::vector<AuditEntry> out;
  for (;;) {
    auto more = s.step();
    if (!more) return failIo<std::vector<AuditEntry>>(more.error(), "read audit log");
    if (!more.value()) break;
    AuditEntry a;
    a.id = s.columnInt64(0);
    a.at = fromMs(s.columnInt64(1));
    a.clinicianId = s.columnText(2);
    a.action = s.columnText(3);
    a.sessionId = s.columnText(4);
    a.detail = s.columnText(5);
    if (auto v = s.columnOptionalInt64(6)) a.syncedAt = fromMs(*v);
    out.push_back(std::move(a));
  }
  return out;
}
constexpr std::string_view kAuditSelect =
    "SELECT id, at, clinician_id, action, session_id, detail, synced_at FROM audit_log ";
}  // namespace

StoreResult<std::int64_t> DeviceStore::appendAudit(const AuditEntry& entry) {
  if (auto w = m_impl->writable(); !w) return fail(w.error());
  return m_impl->addAudit(entry);
}

StoreResult<std::vector<AuditEntry>> DeviceStore::unsyncedAudit(int limit) {
  auto s = m_impl->db.prepare(std::string(kAuditSelect) + "WHERE synced_at IS NULL ORDER BY id LIMIT ?1");
  if (!s) return failIo<std::vector<AuditEntry>>(s.error(), "read audit log");
  (void)s->bind(1, limit);
  return readAudit(s.value());
}

StoreResult<std::vector<AuditEntry>> DeviceStore::auditForSession(const std::string& sessionId) {
  auto s = m_impl->db.prepare(std::string(kAuditSelect) + "WHERE session_id = ?1 ORDER BY id");
  if (!s) return failIo<std::vector<AuditEntry>>(s.error(), "read audit log");
  (void)s->bind(1, sessionId);
  return readAudit(s.value());
}

StoreResult<void> DeviceStore::markAuditSynced(std::int64_t upToId, core::WallTime at) {
  if (auto w = m_impl->writable(); !w) return w;
  auto s = m_impl->db.prepare("UPDATE audit_log SET synced_at = ?2 WHERE id <= ?1 AND synced_at IS NULL");
  if (!s) return fail(ioError(s.error(), "update audit log"));
  (void)s->bind(1, upToId);
  (void)s->bind(2, toMs(at));
  if (auto r = s->run(); !r) return fail(ioError(r.error(), "update audit log"));
  return {};
}

// [SECTION] Settings

namespace {

StoreResult<int> parseRetentionDays(std::string_view text) {
  int days = 0;
  for (char c : text) {
    if (c < '0' || c > '9' || days > 100000) {
      return fail(error(StoreErrc::invalid, "setting retention_days is not a whole number of days"));
    }
    days = days * 10 + (c - '0');
  }
  if (text.empty() || days < 1)
    return fail(error(StoreErrc::invalid, "setting retention_days must be at least 1"));
  return days;
}

// Settings that every calendar day and every purge depend on are checked before they are written, so a
// bad value is refused and the clinic keeps the one it had.
StoreResult<void> checkSetting(std::string_view key, std::string_view value) {
  if (key == "retention_days") {
    if (auto days = parseRetentionDays(value); !days) return fail(days.error());
  } else if (key == "clinic_time_zone" && !isKnownTimeZone(value)) {
    return fail(error(StoreErrc::invalid, "setting clinic_time_zone: unknown time zone \"" +
                                              std::string(value) +
                                              "\" (use an IANA name such as America/Chicago)"));
  }
  return {};
}

}  // namespace

StoreResult<std::optional<std::string>> DeviceStore::setting(std::string_view key) {
  auto s = m_impl->db.prepare("SELECT value FROM settings WHERE key = ?1");
  if (!s) return failIo<std::optional<std::string>>(s.error(), "read setting");
  (void)s->bind(1, key);
  auto row = s->step();
  if (!row) return failIo<std::optional<std::string>>(row.error(), "read setting");
  if (!row.value()) return std::optional<std::string>{};
  return std::optional<std::string>{s->columnText(0)};
}

StoreResult<void> DeviceStore::setSetting(std::string_view key, std::string_view value,
                                          std::string_view changedBy, core::WallTime at) {
  if (auto w = m_impl->writable(); !w) return w;
  if (auto ok = checkSetting(key, value); !ok) return ok;
  auto& db = m_impl->db;
  auto tx = sql::Transaction::begin(db);
  if (!tx) return fail(ioError(tx.error(), "save setting"));
  auto s = db.prepare(
      "INSERT INTO settings(key, value) VALUES (?1, ?2) "
      "ON CONFLICT(key) DO UPDATE SET value = excluded.value");
  if (!s) return fail(ioError(s.error(), "save setting"));
  (void)s->bind(1, key);
  (void)s->bind(2, value);
  if (auto r = s->run(); !r) return fail(ioError(r.error(), "save setting"));
  AuditEntry a;
  a.at = at;
  a.clinicianId = std::string(changedBy);
  a.action = "setting_changed";
  a.detail = std::string(key);  // the name only: a value could be a server URL or a code, never needed here
  if (auto r = m_impl->addAudit(a); !r) return fail(r.error());
  if (auto r = tx->commit(); !r) return fail(ioError(r.error(), "save setting"));
  return {};
}

StoreResult<std::string> DeviceStore::clinicTimeZone() {
  auto v = setting("clinic_time_zone");
  if (!v) return fail(v.error());
  return v.value().value_or("UTC");
}

StoreResult<int> DeviceStore::retentionDays() {
  auto v = setting("retention_days");
  if (!v) return fail(v.error());
  if (!v.value()) return kDefaultRetentionDays;
  return parseRetentionDays(*v.value());
}

// [SECTION] Roster

namespace {
StoreResult<void> upsert(sql::Database& db, const Clinician& c) {
  // Roles in core's spelling ("ot", "supervisor", "admin"), whatever case they were given in.
  const auto role = core::parseRole(c.role);
  if (!role)
    return fail(error(StoreErrc::invalid, "clinician " + c.id + " has no known role ('" + c.role + "')"));
  auto s = db.prepare(
      "INSERT INTO clinicians(id, display_name, role, pin_hash, active) VALUES (?1, ?2, ?3, ?4, ?5) "
      "ON CONFLICT(id) DO UPDATE SET display_name = excluded.display_name, role = excluded.role, "
      "pin_hash = excluded.pin_hash, active = excluded.active");
  if (!s) return fail(ioError(s.error(), "save clinician"));
  (void)s->bind(1, c.id);
  (void)s->bind(2, c.displayName);
  (void)s->bind(3, core::toString(*role));
  (void)s->bind(4, c.pinHash);
  (void)s->bind(5, c.active ? 1 : 0);
  if (auto r = s->run(); !r) return fail(ioError(r.error(), "save clinician"));
  return {};
}

Clinician readClinician(const sql::Statement& s) {
  return Clinician{s.columnText(0), s.columnText(1), s.columnText(2), s.columnText(3), s.columnInt64(4) != 0};
}
}  // namespace

StoreResult<void> DeviceStore::upsertClinician(const Clinician& clinician) {
  if (auto w = m_impl->writable(); !w) return w;
  if (clinician.id.empty()) return fail(error(StoreErrc::invalid, "a clinician needs an id"));
  return upsert(m_impl->db, clinician);
}

StoreResult<std::optional<Clinician>> DeviceStore::clinician(std::string_view id) {
  auto s =
      m_impl->db.prepare("SELECT id, display_name, role, pin_hash, active FROM clinicians WHERE id = ?1");
  if (!s) return failIo<std::optional<Clinician>>(s.error(), "read roster");
  (void)s->bind(1, id);
  auto row = s->step();
  if (!row) return failIo<std::optional<Clinician>>(row.error(), "read roster");
  if (!row.value()) return std::optional<Clinician>{};
  return std::optional<Clinician>{readClinician(s.value())};
}

StoreResult<std::vector<Clinician>> DeviceStore::roster() {
  auto s = m_impl->db.prepare(
      "SELECT id, display_name, role, pin_hash, active FROM clinicians ORDER BY display_name, id");
  if (!s) return failIo<std::vector<Clinician>>(s.error(), "read roster");
  std::vector<Clinician> out;
  for (;;) {
    auto more = s->step();
    if (!more) return failIo<std::vector<Clinician>>(more.error(), "read roster");
    if (!more.value()) break;
    out.push_back(readClinician(s.value()));
  }
  return out;
}

StoreResult<void> DeviceStore::replaceRoster(const std::vector<Clinician>& clinicians) {
  if (auto w = m_impl->writable(); !w) return w;
  auto& db = m_impl->db;
  auto tx = sql::Transaction::begin(db);
  if (!tx) return fail(ioError(tx.error(), "replace roster"));
  if (auto r = db.exec("DELETE FROM clinicians"); !r) return fail(ioError(r.error(), "replace roster"));
  for (const auto& c : clinicians) {
    if (c.id.empty()) return fail(error(StoreErrc::invalid, "a clinician needs an id"));
    if (auto r = upsert(db, c); !r) return r;
  }
  if (auto r = tx->commit(); !r) return fail(ioError(r.error(), "replace roster"));
  return {};
}

// [SECTION] PIN lock-outs

StoreResult<std::map<std::string, PinLockout>> DeviceStore::pinLockouts() {
  using Out = std::map<std::string, PinLockout>;
  auto s = m_impl->db.prepare("SELECT clinician_id, failures, locked_until_ms FROM pin_lockouts");
  if (!s) return failIo<Out>(s.error(), "read PIN lock-outs");
  Out out;
  for (;;) {
    auto more = s->step();
    if (!more) return failIo<Out>(more.error(), "read PIN lock-outs");
    if (!more.value()) break;
    out[s->columnText(0)] = PinLockout{s->columnInt(1), s->columnInt64(2)};
  }
  return out;
}

StoreResult<void> DeviceStore::savePinLockout(std::string_view clinicianId, PinLockout state,
                                              const std::optional<AuditEntry>& audit) {
  if (auto w = m_impl->writable(); !w) return w;
  if (clinicianId.empty() || state.failures < 0)
    return fail(error(StoreErrc::invalid, "a PIN lock-out needs a clinician and a count of 0 or more"));
  auto& db = m_impl->db;
  auto tx = sql::Transaction::begin(db);
  if (!tx) return fail(ioError(tx.error(), "save PIN lock-out"));
  auto s = db.prepare(
      "INSERT INTO pin_lockouts(clinician_id, failures, locked_until_ms) VALUES (?1, ?2, ?3) "
      "ON CONFLICT(clinician_id) DO UPDATE SET failures = excluded.failures, "
      "locked_until_ms = excluded.locked_until_ms");
  if (!s) return fail(ioError(s.error(), "save PIN lock-out"));
  sql::SqlResult<void> bound[] = {s->bind(1, clinicianId), s->bind(2, state.failures),
                                  s->bind(3, state.lockedUntilMs)};
  for (const auto& b : bound)
    if (!b) return fail(ioError(b.error(), "save PIN lock-out"));
  if (auto r = s->run(); !r) return fail(ioError(r.error(), "save PIN lock-out"));
  if (audit) {
    if (auto r = m_impl->addAudit(*audit); !r) return fail(r.error());
  }
  if (auto r = tx->commit(); !r) return fail(ioError(r.error(), "save PIN lock-out"));
  return {};
}

// [SECTION] Retention

StoreResult<PurgeReport> DeviceStore::purgeExpired(core::WallTime now) {
  auto days = retentionDays();
  if (!days) return fail(days.error());
  return purgeSyncedBefore(now - std::chrono::days{days.value()});
}

StoreResult<PurgeReport> DeviceStore::purgeSyncedBefore(core::WallTime cutoff) {
  if (auto w = m_impl->writable(); !w) return fail(w.error());
  auto& db = m_impl->db;
  auto tx = sql::Transaction::begin(db);
  if (!tx) return failIo<PurgeReport>(tx.error(), "purge");
  // Synced: the server accepted the latest revision (status synced) and no outbox entry is still
  // waiting or rejected. A voided session goes once its void has been sent.
  auto pick = db.exec(
      "CREATE TEMP TABLE IF NOT EXISTS purge_ids(id TEXT PRIMARY KEY) WITHOUT ROWID; DELETE FROM purge_ids;");
  if (!pick) return failIo<PurgeReport>(pick.error(), "purge");
  auto sel = db.prepare(
      "INSERT INTO purge_ids SELECT s.id FROM sessions s WHERE s.last_event_at < ?1 AND "
      "(s.status = 'synced' OR (s.status = 'voided' AND EXISTS (SELECT 1 FROM outbox o WHERE o.session_id = "
      "s.id)))"
      " AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.session_id = s.id AND o.state <> 'sent')");
  if (!sel) return failIo<PurgeReport>(sel.error(), "purge");
  (void)sel->bind(1, toMs(cutoff));
  if (auto r = sel->run(); !r) return failIo<PurgeReport>(r.error(), "purge");
  PurgeReport report;
  auto n = db.queryInt64("SELECT count(*) FROM purge_ids");
  if (!n) return failIo<PurgeReport>(n.error(), "purge");
  report.sessions = static_cast<int>(n.value());
  if (auto r = db.exec("DELETE FROM events WHERE session_id IN (SELECT id FROM purge_ids)"); !r) {
    return failIo<PurgeReport>(r.error(), "purge");
  }
  report.events = db.changes();
  if (auto r = db.exec("DELETE FROM sessions WHERE id IN (SELECT id FROM purge_ids); DELETE FROM purge_ids");
      !r) {
    return failIo<PurgeReport>(r.error(), "purge");  // outbox rows go by ON DELETE CASCADE
  }
  auto audit = db.prepare("DELETE FROM audit_log WHERE synced_at IS NOT NULL AND at < ?1");
  if (!audit) return failIo<PurgeReport>(audit.error(), "purge");
  (void)audit->bind(1, toMs(cutoff));
  if (auto r = audit->run(); !r) return failIo<PurgeReport>(r.error(), "purge");
  report.auditEntries = db.changes();
  if (auto r = tx->commit(); !r) return failIo<PurgeReport>(r.error(), "purge");
  return report;
}

StoreResult<std::vector<std::string>> DeviceStore::integrityProblems() {
  auto r = sql::integrityCheck(m_impl->db, sql::IntegrityCheckKind::kFull);
  if (!r) return failIo<std::vector<std::string>>(r.error(), "integrity check");
  return std::move(r).value();
}

}  // namespace unitclock::platform
