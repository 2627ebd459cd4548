// A thin RAII wrapper over SQLite's C API (Debian's libsqlite3).
//
// Error handling: nothing in this header throws. Every call that can fail returns a SqlResult<T>, which
// holds either the value or a SqlError (SQLite's primary and extended result codes plus its message).
// `SqlResult<void>` is the form for calls that return nothing. Programmer errors (using a moved-from
// handle) report SQLITE_MISUSE instead of crashing.
//
// Ownership: Database owns the connection, Statement owns a prepared statement, Transaction owns an open
// transaction. All three are move-only. A Statement or Transaction must not outlive its Database.
// The sqlite3 handles never appear here; they live in sqlite.cpp.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace unitclock::platform::sqlite {

// Result code used for errors that come from this wrapper rather than from SQLite
// (a schema newer than the caller knows about). Outside SQLite's own code range.
inline constexpr int kNewerSchemaCode = 0x10000;

struct SqlError {
  int code = 0;  // SQLite primary result code (SQLITE_CORRUPT, SQLITE_NOTADB, ...) or kNewerSchemaCode
  int extendedCode = 0;  // SQLite extended result code, equal to `code` when there is none
  std::string message;   // SQLite's message, prefixed with what we were doing
};

template <class T>
class [[nodiscard]] SqlResult {
 public:
  SqlResult(T value) : m_value(std::move(value)) {}         // NOLINT(google-explicit-constructor)
  SqlResult(SqlError error) : m_value(std::move(error)) {}  // NOLINT(google-explicit-constructor)
  bool ok() const { return m_value.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() & { return std::get<0>(m_value); }
  const T& value() const& { return std::get<0>(m_value); }
  T&& value() && { return std::get<0>(std::move(m_value)); }
  T* operator->() { return &std::get<0>(m_value); }
  const T* operator->() const { return &std::get<0>(m_value); }
  const SqlError& error() const { return std::get<1>(m_value); }

 private:
  std::variant<T, SqlError> m_value;
};

template <>
class [[nodiscard]] SqlResult<void> {
 public:
  SqlResult() = default;
  SqlResult(SqlError error) : m_error(std::move(error)) {}  // NOLINT(google-explicit-constructor)
  bool ok() const { return !m_error.has_value(); }
  explicit operator bool() const { return ok(); }
  const SqlError& error() const { return *m_error; }

 private:
  std::optional<SqlError> m_error;
};

enum class OpenMode {
  kReadWriteCreate,  // create the file if missing
  kReadWrite,        // the file must exist
  kReadOnly,         // never writes; safe next to a writer on a WAL database
};

struct OpenOptions {
  OpenMode mode = OpenMode::kReadWriteCreate;
  std::chrono::milliseconds busyTimeout{5000};  // how long a call waits for another connection's lock
  bool checkpointOnClose = true;                // false: closing never writes the WAL back into the main file
};

enum class ColumnType { kInteger, kReal, kText, kBlob, kNull };

class Database;

class Statement {
 public:
  Statement(Statement&&) noexcept;
  Statement& operator=(Statement&&) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement();

  // Parameters are numbered from 1, as in SQL (?1, ?2 ...).
  SqlResult<void> bind(int index, std::int64_t value);
  SqlResult<void> bind(int index, int value) { return bind(index, static_cast<std::int64_t>(value)); }
  SqlResult<void> bind(int index, double value);
  SqlResult<void> bind(int index, std::string_view text);
  SqlResult<void> bind(int index, const char* text) { return bind(index, std::string_view{text}); }
  SqlResult<void> bind(int index, std::span<const std::byte> blob);
  SqlResult<void> bindNull(int index);
  template <class T>
  SqlResult<void> bind(int index, const std::optional<T>& value) {
    return value ? bind(index, *value) : bindNull(index);
  }
  // Named parameters include their prefix: bind(":code", ...).
  template <class T>
  SqlResult<void> bind(std::string_view name, const T& value) {
    auto index = parameterIndex(name);
    if (!index) return index.error();
    return bind(index.value(), value);
  }
  SqlResult<void> bindNull(std::string_view name);
  SqlResult<int> parameterIndex(std::string_view name) const;

  // true: a row is available through the column getters; false: the statement has finished.
  SqlResult<bool> step();
  // Runs the statement to completion (for INSERT/UPDATE/DELETE); then resets it for reuse.
  SqlResult<void> run();
  // Makes the statement runnable again; bindings are kept until clearBindings().
  void reset();
  void clearBindings();

  // Column indexes start at 0. Valid only after step() returned true.
  int columnCount() const;
  std::string columnName(int column) const;
  ColumnType columnType(int column) const;
  bool columnIsNull(int column) const { return columnType(column) == ColumnType::kNull; }
  std::int64_t columnInt64(int column) const;
  int columnInt(int column) const;
  double columnDouble(int column) const;
  std::string columnText(int column) const;  // NULL reads as ""
  std::optional<std::string> columnOptionalText(int column) const;
  std::optional<std::int64_t> columnOptionalInt64(int column) const;
  std::vector<std::byte> columnBlob(int column) const;

  std::string sql() const;

 private:
  friend class Database;
  struct Handle;
  explicit Statement(std::unique_ptr<Handle> handle);
  std::unique_ptr<Handle> m_handle;
};

class Database {
 public:
  static SqlResult<Database> open(const std::string& path, const OpenOptions& options = {});

  Database(Database&&) noexcept;
  Database& operator=(Database&&) noexcept;
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;
  ~Database();

  // Runs one or more statements separated by ';' with no parameters and no results.
  SqlResult<void> exec(std::string_view sql);
  SqlResult<Statement> prepare(std::string_view sql);

  // The first column of the first row of a query, or an error if it returns no row.
  SqlResult<std::int64_t> queryInt64(std::string_view sql);
  SqlResult<std::string> queryText(std::string_view sql);

  std::int64_t lastInsertRowId() const;
  int changes() const;  // rows changed by the last INSERT/UPDATE/DELETE
  bool isReadOnly() const;
  bool inTransaction() const;
  const std::string& path() const;

  SqlResult<int> userVersion();
  SqlResult<void> setUserVersion(int version);

  // Turns the write-back of the WAL on close on or off (SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE).
  SqlResult<void> setCheckpointOnClose(bool enabled);

 private:
  struct Handle;
  explicit Database(std::unique_ptr<Handle> handle);
  std::unique_ptr<Handle> m_handle;
};

enum class TransactionKind { kDeferred, kImmediate, kExclusive };

// Rolls back in its destructor unless commit() succeeded.
class Transaction {
 public:
  static SqlResult<Transaction> begin(Database& db, TransactionKind kind = TransactionKind::kImmediate);

  Transaction(Transaction&&) noexcept;
  Transaction& operator=(Transaction&&) noexcept;
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  ~Transaction();

  SqlResult<void> commit();
  SqlResult<void> rollback();
  bool active() const { return m_db != nullptr; }

 private:
  explicit Transaction(Database* db) : m_db(db) {}
  Database* m_db = nullptr;
};

// One schema step. Steps are applied in order of `version` to a database whose PRAGMA user_version is
// lower, each in its own IMMEDIATE transaction together with the new user_version.
struct Migration {
  int version = 0;
  std::string_view sql;
};

// Returns the user_version after migrating. A database whose user_version is higher than the last
// step's version is left untouched and reported with code kNewerSchemaCode.
SqlResult<int> migrate(Database& db, std::span<const Migration> steps);

enum class IntegrityCheckKind { kQuick, kFull };

// PRAGMA quick_check / integrity_check. Returns the problems found: empty means the database is sound.
SqlResult<std::vector<std::string>> integrityCheck(Database& db,
                                                   IntegrityCheckKind kind = IntegrityCheckKind::kQuick);

// SQLite's English description of a result code, for messages.
std::string errorString(int code);
std::string libraryVersion();

}  // namespace unitclock::platform::sqlite
