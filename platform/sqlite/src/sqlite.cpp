#include <sqlite3.h>

#include <unitclock/platform/sqlite.h>

#include <algorithm>
#include <climits>

namespace unitclock::platform::sqlite {

// [SECTION] Handles

struct Database::Handle {
  sqlite3* db = nullptr;
  std::string path;
  ~Handle() {
    if (db != nullptr) sqlite3_close_v2(db);
  }
};

struct Statement::Handle {
  sqlite3_stmt* stmt = nullptr;
  ~Handle() {
    if (stmt != nullptr) sqlite3_finalize(stmt);
  }
};

namespace {

SqlError errorFrom(sqlite3* db, int rc, std::string_view what) {
  SqlError e;
  e.code = rc & 0xff;
  e.extendedCode = rc;
  const char* detail = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  // sqlite3_errmsg describes the most recent failure on the connection; when rc did not come from a
  // call on it (or the connection could not be opened) the generic text is the better one.
  if (db != nullptr && (sqlite3_extended_errcode(db) & 0xff) != e.code) detail = sqlite3_errstr(rc);
  e.message = std::string(what) + ": " + (detail != nullptr ? detail : "unknown error");
  return e;
}

SqlError misuse(std::string_view what) {
  return SqlError{SQLITE_MISUSE, SQLITE_MISUSE, std::string(what) + ": handle is empty (moved from)"};
}

int toSqliteLength(std::size_t n) {
  return n > static_cast<std::size_t>(INT_MAX) ? -1 : static_cast<int>(n);
}

}  // namespace

// [SECTION] Statement

Statement::Statement(std::unique_ptr<Handle> handle) : m_handle(std::move(handle)) {}
Statement::Statement(Statement&&) noexcept = default;
Statement& Statement::operator=(Statement&&) noexcept = default;
Statement::~Statement() = default;

#define UNITCLOCK_STMT_OR_MISUSE(what) \
  if (!m_handle || m_handle->stmt == nullptr) return misuse(what)

namespace {
SqlResult<void> bindResult(sqlite3_stmt* stmt, int rc, int index) {
  if (rc == SQLITE_OK) return {};
  return errorFrom(sqlite3_db_handle(stmt), rc, "bind parameter " + std::to_string(index));
}
}  // namespace

SqlResult<void> Statement::bind(int index, std::int64_t value) {
  UNITCLOCK_STMT_OR_MISUSE("bind");
  return bindResult(m_handle->stmt, sqlite3_bind_int64(m_handle->stmt, index, value), index);
}

SqlResult<void> Statement::bind(int index, double value) {
  UNITCLOCK_STMT_OR_MISUSE("bind");
  return bindResult(m_handle->stmt, sqlite3_bind_double(m_handle->stmt, index, value), index);
}

SqlResult<void> Statement::bind(int index, std::string_view text) {
  UNITCLOCK_STMT_OR_MISUSE("bind");
  int len = toSqliteLength(text.size());
  if (len < 0) return SqlError{SQLITE_TOOBIG, SQLITE_TOOBIG, "bind parameter: text too long"};
  // SQLITE_TRANSIENT: SQLite copies the text, so the caller's string may go away before step().
  return bindResult(m_handle->stmt,
                    sqlite3_bind_text(m_handle->stmt, index, text.data(), len, SQLITE_TRANSIENT), index);
}

SqlResult<void> Statement::bind(int index, std::span<const std::byte> blob) {
  UNITCLOCK_STMT_OR_MISUSE("bind");
  int len = toSqliteLength(blob.size());
  if (len < 0) return SqlError{SQLITE_TOOBIG, SQLITE_TOOBIG, "bind parameter: blob too long"};
  return bindResult(m_handle->stmt,
                    sqlite3_bind_blob(m_handle->stmt, index, blob.data(), len, SQLITE_TRANSIENT), index);
}

SqlResult<void> Statement::bindNull(int index) {
  UNITCLOCK_STMT_OR_MISUSE("bind");
  return bindResult(m_handle->stmt, sqlite3_bind_null(m_handle->stmt, index), index);
}

SqlResult<void> Statement::bindNull(std::string_view name) {
  auto index = parameterIndex(name);
  if (!index) return index.error();
  return bindNull(index.value());
}

SqlResult<int> Statement::parameterIndex(std::string_view name) const {
  UNITCLOCK_STMT_OR_MISUSE("parameter index");
  std::string n(name);
  int index = sqlite3_bind_parameter_index(m_handle->stmt, n.c_str());
  if (index == 0) return SqlError{SQLITE_RANGE, SQLITE_RANGE, "no parameter named " + n + " in statement"};
  return index;
}

SqlResult<bool> Statement::step() {
  UNITCLOCK_STMT_OR_MISUSE("step");
  int rc = sqlite3_step(m_handle->stmt);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  SqlError e = errorFrom(sqlite3_db_handle(m_handle->stmt), rc, "step");
  sqlite3_reset(m_handle->stmt);  // leaves the statement reusable after an error
  return e;
}

SqlResult<void> Statement::run() {
  for (;;) {
    auto r = step();
    if (!r) return r.error();
    if (!r.value()) break;
  }
  reset();
  return {};
}

void Statement::reset() {
  if (m_handle && m_handle->stmt != nullptr) sqlite3_reset(m_handle->stmt);
}

void Statement::clearBindings() {
  if (m_handle && m_handle->stmt != nullptr) sqlite3_clear_bindings(m_handle->stmt);
}

int Statement::columnCount() const {
  return m_handle && m_handle->stmt ? sqlite3_column_count(m_handle->stmt) : 0;
}

std::string Statement::columnName(int column) const {
  if (!m_handle || !m_handle->stmt) return {};
  const char* n = sqlite3_column_name(m_handle->stmt, column);
  return n != nullptr ? n : "";
}

ColumnType Statement::columnType(int column) const {
  if (!m_handle || !m_handle->stmt) return ColumnType::kNull;
  switch (sqlite3_column_type(m_handle->stmt, column)) {
    case SQLITE_INTEGER:
      return ColumnType::kInteger;
    case SQLITE_FLOAT:
      return ColumnType::kReal;
    case SQLITE_TEXT:
      return ColumnType::kText;
    case SQLITE_BLOB:
      return ColumnType::kBlob;
    default:
      return ColumnType::kNull;
  }
}

std::int64_t Statement::columnInt64(int column) const {
  return m_handle && m_handle->stmt ? sqlite3_column_int64(m_handle->stmt, column) : 0;
}

int Statement::columnInt(int column) const {
  return m_handle && m_handle->stmt ? sqlite3_column_int(m_handle->stmt, column) : 0;
}

double Statement::columnDouble(int column) const {
  return m_handle && m_handle->stmt ? sqlite3_column_double(m_handle->stmt, column) : 0.0;
}

std::string Statement::columnText(int column) const {
  if (!m_handle || !m_handle->stmt) return {};
  const unsigned char* text = sqlite3_column_text(m_handle->stmt, column);
  int len = sqlite3_column_bytes(m_handle->stmt, column);
  if (text == nullptr) return {};
  return std::string(reinterpret_cast<const char*>(text), static_cast<std::size_t>(len));
}

std::optional<std::string> Statement::columnOptionalText(int column) const {
  if (columnIsNull(column)) return std::nullopt;
  return columnText(column);
}

std::optional<std::int64_t> Statement::columnOptionalInt64(int column) const {
  if (columnIsNull(column)) return std::nullopt;
  return columnInt64(column);
}

std::vector<std::byte> Statement::columnBlob(int column) const {
  if (!m_handle || !m_handle->stmt) return {};
  const void* data = sqlite3_column_blob(m_handle->stmt, column);
  int len = sqlite3_column_bytes(m_handle->stmt, column);
  if (data == nullptr || len <= 0) return {};
  const auto* bytes = static_cast<const std::byte*>(data);
  return std::vector<std::byte>(bytes, bytes + len);
}

std::string Statement::sql() const {
  if (!m_handle || !m_handle->stmt) return {};
  const char* s = sqlite3_sql(m_handle->stmt);
  return s != nullptr ? s : "";
}

#undef UNITCLOCK_STMT_OR_MISUSE

// [SECTION] Database

Database::Database(std::unique_ptr<Handle> handle) : m_handle(std::move(handle)) {}
Database::Database(Database&&) noexcept = default;
Database& Database::operator=(Database&&) noexcept = default;
Database::~Database() = default;

#define UNITCLOCK_DB_OR_MISUSE(what) \
  if (!m_handle || m_handle->db == nullptr) return misuse(what)

SqlResult<Database> Database::open(const std::string& path, const OpenOptions& options) {
  int flags = SQLITE_OPEN_NOMUTEX;  // one connection per thread; the handle is never shared
  switch (options.mode) {
    case OpenMode::kReadWriteCreate:
      flags |= SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
      break;
    case OpenMode::kReadWrite:
      flags |= SQLITE_OPEN_READWRITE;
      break;
    case OpenMode::kReadOnly:
      flags |= SQLITE_OPEN_READONLY;
      break;
  }
  auto handle = std::make_unique<Handle>();
  handle->path = path;
  int rc = sqlite3_open_v2(path.c_str(), &handle->db, flags, nullptr);
  if (rc != SQLITE_OK) {
    SqlError e = errorFrom(handle->db, rc, "open " + path);
    return e;  // the handle's destructor closes the half-open connection
  }
  sqlite3_extended_result_codes(handle->db, 1);
  auto ms = std::clamp<std::int64_t>(options.busyTimeout.count(), 0, INT_MAX);
  sqlite3_busy_timeout(handle->db, static_cast<int>(ms));
  Database db(std::move(handle));
  if (!options.checkpointOnClose) {
    if (auto r = db.setCheckpointOnClose(false); !r) return r.error();
  }
  return db;
}

SqlResult<void> Database::exec(std::string_view sql) {
  UNITCLOCK_DB_OR_MISUSE("exec");
  std::string text(sql);
  char* err = nullptr;
  int rc = sqlite3_exec(m_handle->db, text.c_str(), nullptr, nullptr, &err);
  if (rc == SQLITE_OK) return {};
  SqlError e{rc & 0xff, rc, std::string("exec: ") + (err != nullptr ? err : sqlite3_errstr(rc))};
  sqlite3_free(err);
  return e;
}

SqlResult<Statement> Database::prepare(std::string_view sql) {
  UNITCLOCK_DB_OR_MISUSE("prepare");
  int len = toSqliteLength(sql.size());
  if (len < 0) return SqlError{SQLITE_TOOBIG, SQLITE_TOOBIG, "prepare: statement too long"};
  auto handle = std::make_unique<Statement::Handle>();
  int rc =
      sqlite3_prepare_v3(m_handle->db, sql.data(), len, SQLITE_PREPARE_PERSISTENT, &handle->stmt, nullptr);
  if (rc != SQLITE_OK) return errorFrom(m_handle->db, rc, "prepare");
  if (handle->stmt == nullptr) return SqlError{SQLITE_MISUSE, SQLITE_MISUSE, "prepare: empty statement"};
  return Statement(std::move(handle));
}

SqlResult<std::int64_t> Database::queryInt64(std::string_view sql) {
  auto stmt = prepare(sql);
  if (!stmt) return stmt.error();
  auto row = stmt->step();
  if (!row) return row.error();
  if (!row.value()) return SqlError{SQLITE_DONE, SQLITE_DONE, "query returned no row"};
  return stmt->columnInt64(0);
}

SqlResult<std::string> Database::queryText(std::string_view sql) {
  auto stmt = prepare(sql);
  if (!stmt) return stmt.error();
  auto row = stmt->step();
  if (!row) return row.error();
  if (!row.value()) return SqlError{SQLITE_DONE, SQLITE_DONE, "query returned no row"};
  return stmt->columnText(0);
}

std::int64_t Database::lastInsertRowId() const {
  return m_handle && m_handle->db ? sqlite3_last_insert_rowid(m_handle->db) : 0;
}

int Database::changes() const {
  return m_handle && m_handle->db ? sqlite3_changes(m_handle->db) : 0;
}

bool Database::isReadOnly() const {
  return !m_handle || !m_handle->db || sqlite3_db_readonly(m_handle->db, "main") == 1;
}

bool Database::inTransaction() const {
  return m_handle && m_handle->db && sqlite3_get_autocommit(m_handle->db) == 0;
}

const std::string& Database::path() const {
  static const std::string kEmpty;
  return m_handle ? m_handle->path : kEmpty;
}

SqlResult<int> Database::userVersion() {
  auto v = queryInt64("PRAGMA user_version");
  if (!v) return v.error();
  return static_cast<int>(v.value());
}

SqlResult<void> Database::setUserVersion(int version) {
  return exec("PRAGMA user_version = " + std::to_string(version));
}

SqlResult<void> Database::setCheckpointOnClose(bool enabled) {
  UNITCLOCK_DB_OR_MISUSE("configure");
  int rc = sqlite3_db_config(m_handle->db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, enabled ? 0 : 1, nullptr);
  if (rc != SQLITE_OK) return errorFrom(m_handle->db, rc, "configure checkpoint on close");
  return {};
}

#undef UNITCLOCK_DB_OR_MISUSE

// [SECTION] Transaction

SqlResult<Transaction> Transaction::begin(Database& db, TransactionKind kind) {
  const char* sql = "BEGIN IMMEDIATE";
  if (kind == TransactionKind::kDeferred) sql = "BEGIN DEFERRED";
  if (kind == TransactionKind::kExclusive) sql = "BEGIN EXCLUSIVE";
  if (auto r = db.exec(sql); !r) return r.error();
  return Transaction(&db);
}

Transaction::Transaction(Transaction&& other) noexcept : m_db(std::exchange(other.m_db, nullptr)) {}

Transaction& Transaction::operator=(Transaction&& other) noexcept {
  if (this != &other) {
    if (m_db != nullptr) (void)rollback();
    m_db = std::exchange(other.m_db, nullptr);
  }
  return *this;
}

Transaction::~Transaction() {
  if (m_db != nullptr) (void)rollback();
}

SqlResult<void> Transaction::commit() {
  if (m_db == nullptr) return misuse("commit");
  auto r = m_db->exec("COMMIT");
  // A failed COMMIT (SQLITE_BUSY, disk full) leaves the transaction open; the destructor rolls it back.
  if (r) m_db = nullptr;
  return r;
}

SqlResult<void> Transaction::rollback() {
  if (m_db == nullptr) return misuse("rollback");
  Database* db = std::exchange(m_db, nullptr);
  // SQLite may already have rolled back on its own (after SQLITE_FULL, for example); then there is
  // nothing to do and ROLLBACK would only report "no transaction is active".
  if (!db->inTransaction()) return {};
  return db->exec("ROLLBACK");
}

// [SECTION] Migrations and checks

SqlResult<int> migrate(Database& db, std::span<const Migration> steps) {
  auto current = db.userVersion();
  if (!current) return current.error();
  int version = current.value();
  int latest = 0;
  for (const auto& s : steps) latest = std::max(latest, s.version);
  if (version > latest) {
    return SqlError{kNewerSchemaCode, kNewerSchemaCode,
                    "schema version " + std::to_string(version) + " is newer than this build knows (" +
                        std::to_string(latest) + ")"};
  }
  std::vector<Migration> ordered(steps.begin(), steps.end());
  std::sort(ordered.begin(), ordered.end(),
            [](const auto& a, const auto& b) { return a.version < b.version; });
  for (const auto& step : ordered) {
    if (step.version <= version) continue;
    auto tx = Transaction::begin(db);
    if (!tx) return tx.error();
    if (auto r = db.exec(step.sql); !r) {
      SqlError e = r.error();
      e.message = "migration to schema version " + std::to_string(step.version) + ": " + e.message;
      return e;
    }
    if (auto r = db.setUserVersion(step.version); !r) return r.error();
    if (auto r = tx->commit(); !r) return r.error();
    version = step.version;
  }
  return version;
}

SqlResult<std::vector<std::string>> integrityCheck(Database& db, IntegrityCheckKind kind) {
  auto stmt =
      db.prepare(kind == IntegrityCheckKind::kQuick ? "PRAGMA quick_check" : "PRAGMA integrity_check");
  if (!stmt) return stmt.error();
  std::vector<std::string> problems;
  for (;;) {
    auto row = stmt->step();
    if (!row) return row.error();
    if (!row.value()) break;
    std::string line = stmt->columnText(0);
    if (line != "ok") problems.push_back(std::move(line));
  }
  return problems;
}

std::string errorString(int code) {
  if (code == kNewerSchemaCode) return "schema is newer than this build";
  const char* s = sqlite3_errstr(code);
  return s != nullptr ? s : "unknown error";
}

std::string libraryVersion() {
  return sqlite3_libversion();
}

}  // namespace unitclock::platform::sqlite
