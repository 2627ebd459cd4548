// A thin RAII wrapper over PostgreSQL's client library (Debian's libpq5), the sibling of sqlite.h.
//
//   auto db = Connection::open("postgresql://unitclock@127.0.0.1:5432/unitclock");
//   if (!db) return db.error();
//   auto tx = Transaction::begin(*db, Isolation::kSerializable);
//   auto rows = db->query("SELECT id, payload FROM sessions WHERE device = $1 AND revision > $2",
//                         {deviceId, Param::int64(since)});
//   if (!rows) return rows.error();  // rows.error().retryable(): run the whole transaction again
//   for (int r = 0; r < rows->rows(); ++r) use(rows->int64(r, 0), rows->bytes(r, 1));
//   if (auto c = tx->commit(); !c) return c.error();
//
// Error handling: nothing in this header throws. Every call that can fail returns a PgResult<T>, which
// holds either the value or a PgError (SQLSTATE, message, and whether the connection is gone).
// `PgResult<void>` is the form for calls that return nothing. Using a moved-from handle reports
// SQLSTATE 08003 (connection_does_not_exist) instead of crashing.
//
// Ownership: Connection owns the connection, Result owns a query's rows, Transaction owns an open
// transaction. All three are move-only. A Transaction must not outlive its Connection; a Result may.
// One Connection is used by one thread at a time. The PGconn/PGresult handles never appear here; they
// live in postgres.cpp.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace unitclock::platform::postgres {

// The SQLSTATEs this code names (PostgreSQL's Appendix A). The 08 class is also used by this wrapper for
// failures libpq reports without one: 08001 when a connection cannot be opened, 08006 when it is lost.
namespace sqlstate {
inline constexpr std::string_view kUnableToConnect = "08001";  // sqlclient_unable_to_establish_sqlconnection
inline constexpr std::string_view kConnectionDoesNotExist = "08003";  // a moved-from handle
inline constexpr std::string_view kConnectionFailure = "08006";
inline constexpr std::string_view kActiveTransaction = "25001";    // BEGIN inside a transaction
inline constexpr std::string_view kInFailedTransaction = "25P02";  // COMMIT after an error: rolled back
inline constexpr std::string_view kNoActiveTransaction = "25P01";  // commit() or rollback() a second time
inline constexpr std::string_view kSerializationFailure = "40001";
inline constexpr std::string_view kDeadlockDetected = "40P01";
inline constexpr std::string_view kUniqueViolation = "23505";
inline constexpr std::string_view kForeignKeyViolation = "23503";
inline constexpr std::string_view kAdminShutdown = "57P01";  // the server is shutting down
}  // namespace sqlstate

struct PgError {
  std::string sqlState;    // five characters ("23505"); see namespace sqlstate for the ones we set ourselves
  std::string message;     // the server's (or libpq's) message, prefixed with what we were doing
  std::string detail;      // the server's DETAIL line ("Key (id)=(1) already exists."), often empty
  std::string constraint;  // the violated constraint's name for class 23 errors, else empty
  // The connection is unusable (server stopped or restarted, network gone, backend terminated): open a
  // new one. A COMMIT that fails this way may or may not have committed.
  bool connectionLost = false;

  // PostgreSQL asks the client to run the whole transaction again: a serialization failure (40001) or a
  // deadlock (40P01). The transaction has been rolled back; retrying the same statement alone is wrong.
  bool retryable() const {
    return sqlState == sqlstate::kSerializationFailure || sqlState == sqlstate::kDeadlockDetected;
  }
  bool is(std::string_view state) const { return sqlState == state; }
};

template <class T>
class [[nodiscard]] PgResult {
 public:
  PgResult(T value) : m_value(std::move(value)) {}        // NOLINT(google-explicit-constructor)
  PgResult(PgError error) : m_value(std::move(error)) {}  // NOLINT(google-explicit-constructor)
  bool ok() const { return m_value.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() & { return std::get<0>(m_value); }
  const T& value() const& { return std::get<0>(m_value); }
  T&& value() && { return std::get<0>(std::move(m_value)); }
  T* operator->() { return &std::get<0>(m_value); }
  const T* operator->() const { return &std::get<0>(m_value); }
  T& operator*() & { return std::get<0>(m_value); }
  const T& operator*() const& { return std::get<0>(m_value); }
  const PgError& error() const { return std::get<1>(m_value); }

 private:
  std::variant<T, PgError> m_value;
};

template <>
class [[nodiscard]] PgResult<void> {
 public:
  PgResult() = default;
  PgResult(PgError error) : m_error(std::move(error)) {}  // NOLINT(google-explicit-constructor)
  bool ok() const { return !m_error.has_value(); }
  explicit operator bool() const { return ok(); }
  const PgError& error() const { return *m_error; }

 private:
  std::optional<PgError> m_error;
};

// One query parameter ($1, $2 ...). Text converts implicitly and its type is left to the server to infer
// from the statement (write `$1::text` where nothing else tells it); std::nullopt is SQL NULL.
// Integers and bytes are explicit: Param::int64 is a bigint (compare it with and store it in integer
// columns freely; a function that takes an integer needs `$1::integer`), Param::bytes a bytea sent in
// binary, so zero bytes and any other byte values arrive unchanged.
class Param {
 public:
  Param(std::nullopt_t) {}                                      // NOLINT(google-explicit-constructor)
  Param(std::string text) : m_value(std::move(text)) {}         // NOLINT(google-explicit-constructor)
  Param(std::string_view text) : m_value(std::string(text)) {}  // NOLINT(google-explicit-constructor)
  Param(const char* text)
      : m_value(text != nullptr ? std::optional<std::string>(text) : std::nullopt) {}  // NOLINT
  Param(std::optional<std::string> text) : m_value(std::move(text)) {}  // NOLINT(google-explicit-constructor)
  // A bare number would otherwise become text (0 even a null pointer): write Param::int64(n).
  Param(int) = delete;
  Param(long) = delete;
  Param(long long) = delete;

  static Param null() { return Param(std::nullopt); }
  static Param int64(std::int64_t value);
  static Param int64(std::optional<std::int64_t> value);
  static Param bytes(std::string_view raw);
  static Param bytes(std::span<const std::byte> raw);

  enum class Kind { kText, kInt64, kBytes };
  Kind kind() const { return m_kind; }
  bool isNull() const { return !m_value.has_value(); }
  // The text form sent for kText and kInt64, the raw bytes for kBytes; nullopt for NULL.
  const std::optional<std::string>& value() const { return m_value; }

 private:
  Param(Kind kind, std::optional<std::string> value) : m_value(std::move(value)), m_kind(kind) {}
  std::optional<std::string> m_value;
  Kind m_kind = Kind::kText;
};

// The rows of one query, in text form, converted on access. Rows and columns are numbered from 0.
// Reading outside the rows and columns there are, or a value that is not of the type asked for (int64()
// of 'abc'), is a programmer error; it reads as 0 or "" rather than crashing.
class Result {
 public:
  Result(Result&&) noexcept;
  Result& operator=(Result&&) noexcept;
  Result(const Result&) = delete;
  Result& operator=(const Result&) = delete;
  ~Result();

  int rows() const;
  int columns() const;
  bool empty() const { return rows() == 0; }
  std::string columnName(int column) const;
  std::optional<int> columnIndex(std::string_view name) const;
  // Rows inserted, updated or deleted by an INSERT/UPDATE/DELETE (with or without RETURNING), else 0.
  std::int64_t affectedRows() const;
  std::string commandTag() const;  // the server's tag: "INSERT 0 1", "SELECT 3", "COMMIT" ...

  bool isNull(int row, int column) const;
  std::string text(int row, int column) const;  // NULL reads as ""
  std::optional<std::string> optionalText(int row, int column) const;
  std::int64_t int64(int row,
                     int column) const;  // integer columns (smallint, integer, bigint); NULL reads as 0
  std::optional<std::int64_t> optionalInt64(int row, int column) const;
  bool boolean(int row, int column) const;       // boolean columns; NULL reads as false
  std::string bytes(int row, int column) const;  // bytea columns, decoded; NULL reads as ""
  std::optional<std::string> optionalBytes(int row, int column) const;

 private:
  friend class Connection;
  struct Handle;
  explicit Result(std::unique_ptr<Handle> handle);
  std::unique_ptr<Handle> m_handle;
};

struct ConnectOptions {
  std::chrono::seconds connectTimeout{10};    // libpq's connect_timeout, per host address tried
  std::string applicationName = "unitclock";  // shown in pg_stat_activity
};

class Connection {
 public:
  // url: postgresql://USER@HOST:PORT/DB (or anything else libpq accepts as a connection string).
  // A malformed URL or an unreachable or refusing server is SQLSTATE 08001 with libpq's message (with a
  // password in the URL shown as ***).
  static PgResult<Connection> open(const std::string& url, const ConnectOptions& options = {});

  Connection(Connection&&) noexcept;
  Connection& operator=(Connection&&) noexcept;
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  ~Connection();

  // Runs one or more statements separated by ';', without parameters; results are dropped.
  PgResult<void> exec(std::string_view sql);
  // Runs one statement with parameters $1..$n (at most 65,535) and returns its rows.
  PgResult<Result> query(std::string_view sql, std::span<const Param> params = {});
  PgResult<Result> query(std::string_view sql, std::initializer_list<Param> params) {
    return query(sql, std::span<const Param>(params.begin(), params.size()));
  }

  // False once the connection has been lost (and for a moved-from handle).
  bool connected() const;
  // In an open transaction, or in one that failed and waits for its ROLLBACK.
  bool inTransaction() const;
  int serverVersion() const;  // 150018 for 15.18; 0 when not connected

 private:
  struct Handle;
  explicit Connection(std::unique_ptr<Handle> handle);
  std::unique_ptr<Handle> m_handle;
};

enum class Isolation { kReadCommitted, kRepeatableRead, kSerializable };

// Rolls back in its destructor unless commit() succeeded.
class Transaction {
 public:
  // BEGIN ISOLATION LEVEL ...; a connection already in a transaction is SQLSTATE 25001.
  static PgResult<Transaction> begin(Connection& db, Isolation isolation = Isolation::kReadCommitted);

  Transaction(Transaction&&) noexcept;
  Transaction& operator=(Transaction&&) noexcept;
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  ~Transaction();

  // Ends the transaction whatever the outcome: PostgreSQL rolls back a COMMIT that fails. A transaction in
  // which a statement failed is rolled back by COMMIT and reported as SQLSTATE 25P02; one that cannot be
  // serialized is 40001 (retryable). On a lost connection the outcome is unknown.
  PgResult<void> commit();
  PgResult<void> rollback();
  bool active() const { return m_db != nullptr; }

 private:
  explicit Transaction(Connection* db) : m_db(db) {}
  Connection* m_db = nullptr;
};

// "name" as an SQL identifier, with embedded double quotes doubled: CREATE DATABASE + quoteIdentifier(x).
std::string quoteIdentifier(std::string_view name);
int libraryVersion();  // libpq's, 150018 for 15.18

}  // namespace unitclock::platform::postgres
