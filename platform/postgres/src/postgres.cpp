#include <libpq-fe.h>

#include <unitclock/platform/postgres.h>

#include <algorithm>
#include <charconv>
#include <climits>
#include <vector>

namespace unitclock::platform::postgres {

// [SECTION] Handles

struct Connection::Handle {
  PGconn* conn = nullptr;
  ~Handle() {
    if (conn != nullptr) PQfinish(conn);
  }
};

struct Result::Handle {
  PGresult* res = nullptr;
  ~Handle() {
    if (res != nullptr) PQclear(res);
  }
};

namespace {

// Built-in type OIDs (pg_type.oid): fixed since PostgreSQL 7, and not in libpq-dev's headers.
constexpr Oid kByteaOid = 17;
constexpr Oid kInt8Oid = 20;

struct ResultDeleter {
  void operator()(PGresult* res) const { PQclear(res); }
};
using OwnedResult = std::unique_ptr<PGresult, ResultDeleter>;

struct PqFree {
  void operator()(unsigned char* p) const { PQfreemem(p); }
};

// libpq's own messages span lines ("...unexpectedly\n\tThis probably means..."): one line, for logs.
std::string oneLine(const char* text) {
  std::string s;
  bool pendingSpace = false;
  for (const char* p = text != nullptr ? text : ""; *p != '\0'; ++p) {
    if (*p == '\n' || *p == '\t' || *p == '\r') {
      pendingSpace = !s.empty();
      continue;
    }
    if (pendingSpace && *p != ' ') s += ' ';
    pendingSpace = false;
    s += *p;
  }
  return s;
}

PgError misuse(std::string_view what) {
  return PgError{std::string(sqlstate::kConnectionDoesNotExist),
                 std::string(what) + ": handle is empty (moved from)",
                 {},
                 {},
                 false};
}

// What went wrong with a statement, from its result (which may be null when libpq could not allocate one)
// and the connection's state after it.
PgError errorFrom(PGconn* conn, const PGresult* res, std::string_view what) {
  PgError e;
  auto field = [res](int code) -> std::string {
    const char* v = res != nullptr ? PQresultErrorField(res, code) : nullptr;
    return v != nullptr ? v : "";
  };
  e.sqlState = field(PG_DIAG_SQLSTATE);
  e.detail = field(PG_DIAG_MESSAGE_DETAIL);
  e.constraint = field(PG_DIAG_CONSTRAINT_NAME);
  std::string text = field(PG_DIAG_MESSAGE_PRIMARY);
  // Errors libpq makes itself (a lost connection) have no fields, only the message.
  if (text.empty() && res != nullptr) text = oneLine(PQresultErrorMessage(res));
  if (text.empty()) text = oneLine(PQerrorMessage(conn));
  if (text.empty() && res != nullptr)
    text = std::string("unexpected result ") + PQresStatus(PQresultStatus(res));
  e.connectionLost = PQstatus(conn) == CONNECTION_BAD;
  if (e.connectionLost) {
    if (e.sqlState.empty()) e.sqlState = sqlstate::kConnectionFailure;
    e.message = std::string(what) + ": connection to the server lost: " + text;
  } else {
    e.message = std::string(what) + ": " + text;
  }
  return e;
}

// A COPY started through exec() or query() would leave the connection waiting for COPY data: end it so the
// connection stays usable. This wrapper does not stream COPY data.
void abandonCopy(PGconn* conn, ExecStatusType status) {
  if (status == PGRES_COPY_IN || status == PGRES_COPY_BOTH) {
    PQputCopyEnd(conn, "COPY is not supported by this client");
  } else if (status == PGRES_COPY_OUT) {
    char* buffer = nullptr;
    while (PQgetCopyData(conn, &buffer, 0) > 0) PQfreemem(buffer);
  }
  while (PGresult* rest = PQgetResult(conn)) PQclear(rest);
}

// libpq's message about a URL it cannot parse quotes the URL: a password in it becomes "***".
std::string withoutPassword(std::string message, const std::string& url) {
  auto scheme = url.find("://");
  if (scheme == std::string::npos) return message;
  auto start = scheme + 3;
  auto at = url.find('@', start);
  auto colon = url.find(':', start);
  if (at == std::string::npos || colon == std::string::npos || colon > at) return message;
  if (url.find_first_of("/?", start) < at) return message;  // no user info: the '@' is later
  std::string password = url.substr(colon + 1, at - colon - 1);
  if (password.empty()) return message;
  for (auto p = message.find(password); p != std::string::npos; p = message.find(password, p + 3)) {
    message.replace(p, password.size(), "***");
  }
  return message;
}

bool isCopy(ExecStatusType s) {
  return s == PGRES_COPY_IN || s == PGRES_COPY_OUT || s == PGRES_COPY_BOTH;
}

}  // namespace

// [SECTION] Param

Param Param::int64(std::int64_t value) {
  return Param(Kind::kInt64, std::to_string(value));
}

Param Param::int64(std::optional<std::int64_t> value) {
  return value ? int64(*value) : Param(Kind::kInt64, std::nullopt);
}

Param Param::bytes(std::string_view raw) {
  return Param(Kind::kBytes, std::string(raw));
}

Param Param::bytes(std::span<const std::byte> raw) {
  return Param(Kind::kBytes, std::string(reinterpret_cast<const char*>(raw.data()), raw.size()));
}

// [SECTION] Result

Result::Result(std::unique_ptr<Handle> handle) : m_handle(std::move(handle)) {}
Result::Result(Result&&) noexcept = default;
Result& Result::operator=(Result&&) noexcept = default;
Result::~Result() = default;

namespace {
bool inRange(const PGresult* res, int row, int column) {
  return res != nullptr && row >= 0 && row < PQntuples(res) && column >= 0 && column < PQnfields(res);
}
}  // namespace

int Result::rows() const {
  return m_handle && m_handle->res ? PQntuples(m_handle->res) : 0;
}

int Result::columns() const {
  return m_handle && m_handle->res ? PQnfields(m_handle->res) : 0;
}

std::string Result::columnName(int column) const {
  if (!m_handle || !m_handle->res || column < 0 || column >= columns()) return {};
  const char* n = PQfname(m_handle->res, column);
  return n != nullptr ? n : "";
}

std::optional<int> Result::columnIndex(std::string_view name) const {
  // Compared exactly: PQfnumber would fold unquoted names to lower case.
  for (int c = 0; c < columns(); ++c) {
    if (columnName(c) == name) return c;
  }
  return std::nullopt;
}

std::string Result::commandTag() const {
  if (!m_handle || !m_handle->res) return {};
  const char* tag = PQcmdStatus(m_handle->res);
  return tag != nullptr ? tag : "";
}

std::int64_t Result::affectedRows() const {
  if (!m_handle || !m_handle->res) return 0;
  const char* n = PQcmdTuples(m_handle->res);
  std::int64_t value = 0;
  if (n != nullptr) std::from_chars(n, n + std::char_traits<char>::length(n), value);
  return value;
}

bool Result::isNull(int row, int column) const {
  if (!m_handle || !inRange(m_handle->res, row, column)) return true;
  return PQgetisnull(m_handle->res, row, column) == 1;
}

std::string Result::text(int row, int column) const {
  if (isNull(row, column)) return {};
  return std::string(PQgetvalue(m_handle->res, row, column),
                     static_cast<std::size_t>(PQgetlength(m_handle->res, row, column)));
}

std::optional<std::string> Result::optionalText(int row, int column) const {
  if (isNull(row, column)) return std::nullopt;
  return text(row, column);
}

std::int64_t Result::int64(int row, int column) const {
  if (isNull(row, column)) return 0;
  const char* v = PQgetvalue(m_handle->res, row, column);
  const char* end = v + PQgetlength(m_handle->res, row, column);
  std::int64_t value = 0;
  auto [ptr, ec] = std::from_chars(v, end, value);
  if (ec != std::errc{} || ptr != end) return 0;
  return value;
}

std::optional<std::int64_t> Result::optionalInt64(int row, int column) const {
  if (isNull(row, column)) return std::nullopt;
  return int64(row, column);
}

bool Result::boolean(int row, int column) const {
  return !isNull(row, column) && PQgetvalue(m_handle->res, row, column)[0] == 't';
}

std::string Result::bytes(int row, int column) const {
  if (isNull(row, column)) return {};
  // The text form of bytea: "\x00ff..." (bytea_output = hex, the default) or the older escape format;
  // PQunescapeBytea reads both.
  std::size_t length = 0;
  const auto* text = reinterpret_cast<const unsigned char*>(PQgetvalue(m_handle->res, row, column));
  std::unique_ptr<unsigned char, PqFree> raw(PQunescapeBytea(text, &length));
  if (!raw) return {};
  return std::string(reinterpret_cast<const char*>(raw.get()), length);
}

std::optional<std::string> Result::optionalBytes(int row, int column) const {
  if (isNull(row, column)) return std::nullopt;
  return bytes(row, column);
}

// [SECTION] Connection

Connection::Connection(std::unique_ptr<Handle> handle) : m_handle(std::move(handle)) {}
Connection::Connection(Connection&&) noexcept = default;
Connection& Connection::operator=(Connection&&) noexcept = default;
Connection::~Connection() = default;

#define UNITCLOCK_CONN_OR_MISUSE(what) \
  if (!m_handle || m_handle->conn == nullptr) return misuse(what)

PgResult<Connection> Connection::open(const std::string& url, const ConnectOptions& options) {
  // The URL goes in as dbname with expand_dbname, so libpq parses it; the keywords after it override
  // what the URL says about the same things.
  std::string timeout = std::to_string(std::max<std::int64_t>(options.connectTimeout.count(), 1));
  const char* keywords[] = {"dbname", "connect_timeout", "application_name", "client_encoding", nullptr};
  const char* values[] = {url.c_str(), timeout.c_str(), options.applicationName.c_str(), "UTF8", nullptr};
  auto handle = std::make_unique<Handle>();
  handle->conn = PQconnectdbParams(keywords, values, 1);
  if (handle->conn == nullptr) {
    return PgError{std::string(sqlstate::kUnableToConnect), "open: out of memory", {}, {}, false};
  }
  if (PQstatus(handle->conn) != CONNECTION_OK) {
    return PgError{std::string(sqlstate::kUnableToConnect),
                   "open: " + withoutPassword(oneLine(PQerrorMessage(handle->conn)), url),
                   {},
                   {},
                   false};
  }
  // NOTICEs and WARNINGs would go to stderr by default; the server's own log has them.
  PQsetNoticeProcessor(
      handle->conn, [](void*, const char*) {}, nullptr);
  return Connection(std::move(handle));
}

PgResult<void> Connection::exec(std::string_view sql) {
  UNITCLOCK_CONN_OR_MISUSE("exec");
  std::string text(sql);
  OwnedResult res(PQexec(m_handle->conn, text.c_str()));
  ExecStatusType status = res ? PQresultStatus(res.get()) : PGRES_FATAL_ERROR;
  if (isCopy(status)) {
    abandonCopy(m_handle->conn, status);
    return PgError{"0A000", "exec: COPY is not supported by this client", {}, {}, false};
  }
  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK || status == PGRES_EMPTY_QUERY) return {};
  return errorFrom(m_handle->conn, res.get(), "exec");
}

PgResult<Result> Connection::query(std::string_view sql, std::span<const Param> params) {
  UNITCLOCK_CONN_OR_MISUSE("query");
  if (params.size() > 65535) {  // the protocol counts parameters in 16 bits
    return PgError{"54023", "query: more than 65,535 parameters", {}, {}, false};  // too_many_arguments
  }
  std::vector<Oid> types(params.size(), 0);  // 0: the server infers the type from the statement
  std::vector<const char*> values(params.size(), nullptr);
  std::vector<int> lengths(params.size(), 0);
  std::vector<int> formats(params.size(), 0);  // 0 text, 1 binary
  for (std::size_t i = 0; i < params.size(); ++i) {
    const Param& p = params[i];
    if (p.kind() == Param::Kind::kInt64) types[i] = kInt8Oid;
    if (p.kind() == Param::Kind::kBytes) {
      types[i] = kByteaOid;
      formats[i] = 1;  // bytea's binary form is the bytes themselves
    }
    if (p.isNull()) continue;
    if (p.value()->size() > static_cast<std::size_t>(INT_MAX)) {
      return PgError{"54000", "query: parameter $" + std::to_string(i + 1) + " is too long", {}, {}, false};
    }
    values[i] = p.value()->data();
    lengths[i] = static_cast<int>(p.value()->size());
  }
  std::string text(sql);
  OwnedResult res(PQexecParams(m_handle->conn, text.c_str(), static_cast<int>(params.size()), types.data(),
                               values.data(), lengths.data(), formats.data(), 0));
  ExecStatusType status = res ? PQresultStatus(res.get()) : PGRES_FATAL_ERROR;
  if (isCopy(status)) {
    abandonCopy(m_handle->conn, status);
    return PgError{"0A000", "query: COPY is not supported by this client", {}, {}, false};
  }
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    return errorFrom(m_handle->conn, res.get(), "query");
  }
  auto handle = std::make_unique<Result::Handle>();
  handle->res = res.release();
  return Result(std::move(handle));
}

bool Connection::connected() const {
  return m_handle && m_handle->conn != nullptr && PQstatus(m_handle->conn) == CONNECTION_OK;
}

bool Connection::inTransaction() const {
  if (!connected()) return false;
  PGTransactionStatusType s = PQtransactionStatus(m_handle->conn);
  return s == PQTRANS_INTRANS || s == PQTRANS_INERROR || s == PQTRANS_ACTIVE;
}

int Connection::serverVersion() const {
  return connected() ? PQserverVersion(m_handle->conn) : 0;
}

#undef UNITCLOCK_CONN_OR_MISUSE

// [SECTION] Transaction

PgResult<Transaction> Transaction::begin(Connection& db, Isolation isolation) {
  if (db.inTransaction()) {
    return PgError{
        std::string(sqlstate::kActiveTransaction), "begin: a transaction is already open", {}, {}, false};
  }
  const char* sql = "BEGIN ISOLATION LEVEL READ COMMITTED";
  if (isolation == Isolation::kRepeatableRead) sql = "BEGIN ISOLATION LEVEL REPEATABLE READ";
  if (isolation == Isolation::kSerializable) sql = "BEGIN ISOLATION LEVEL SERIALIZABLE";
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

PgResult<void> Transaction::commit() {
  if (m_db == nullptr) {
    return PgError{
        std::string(sqlstate::kNoActiveTransaction), "commit: the transaction has ended", {}, {}, false};
  }
  // COMMIT ends the transaction whether it succeeds or not.
  Connection* db = std::exchange(m_db, nullptr);
  auto r = db->query("COMMIT");
  if (!r) return r.error();
  // In a transaction where a statement failed, PostgreSQL answers COMMIT with success and the tag
  // ROLLBACK: nothing was committed.
  if (r->commandTag() == "ROLLBACK") {
    return PgError{std::string(sqlstate::kInFailedTransaction),
                   "commit: rolled back instead, because a statement in the transaction failed",
                   {},
                   {},
                   false};
  }
  return {};
}

PgResult<void> Transaction::rollback() {
  if (m_db == nullptr) {
    return PgError{
        std::string(sqlstate::kNoActiveTransaction), "rollback: the transaction has ended", {}, {}, false};
  }
  Connection* db = std::exchange(m_db, nullptr);
  // A lost connection's transaction is rolled back by the server; there is nothing left to end here.
  if (!db->inTransaction()) return {};
  return db->exec("ROLLBACK");
}

// [SECTION] Helpers

std::string quoteIdentifier(std::string_view name) {
  std::string quoted = "\"";
  for (char c : name) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  quoted += '"';
  return quoted;
}

int libraryVersion() {
  return PQlibVersion();
}

}  // namespace unitclock::platform::postgres
