// `unitclock-server migrate --from DATA_DIR --to postgresql://…`: copies a SQLite server into an empty
// PostgreSQL database, table by table and column by column (both schemas have the same tables and
// columns, migrations.h), keeps every id (so device and supervisor tokens, which are stored as hashes,
// stay valid and the devices' session ids still match), and then verifies the copy: the same rows in
// every table, and for every stored clinic day the same day summary and the same CSV, HL7 and FHIR
// exports computed from either side.
#include "migrate.h"

#include "postgres_store.h"

#include <unitclock/server/exports.h>
#include <unitclock/server/sqlite_store.h>
#include <unitclock/server/summary.h>
#include <array>
#include <string>
#include <vector>

namespace unitclock::server {
namespace {

// Parents before children, so every foreign key finds its row.
constexpr std::array<std::string_view, 18> kTables{
    "clinics",          "clinicians",    "devices",         "enrollment_codes",  "api_tokens",
    "clinic_documents", "schedule",      "sessions",        "session_revisions", "session_days",
    "rejections",       "rate_buckets",  "charge_releases", "console_users",     "console_sessions",
    "audit_log",        "day_decisions", "device_unsigned"};
// The tables whose `id` PostgreSQL gives (identity columns): their counters continue after the copy.
constexpr std::array<std::string_view, 7> kIdentityTables{
    "devices", "api_tokens", "schedule", "rejections", "charge_releases", "audit_log", "day_decisions"};
constexpr int kRowsPerInsert = 200;

ApiError sqliteError(const sql::SqlError& e, const std::string& what) {
  return ApiError{500, "", what + ": " + e.message};
}

Result<std::int64_t> copyTable(sql::Database& from, pg::Connection& to, std::string_view table) {
  auto st = from.prepare("SELECT * FROM " + std::string(table));
  if (!st) return fail(sqliteError(st.error(), "cannot read " + std::string(table)));
  std::vector<std::string> columns;
  std::vector<pg::Param> batch;
  std::int64_t copied = 0;
  int rowsInBatch = 0;
  auto flush = [&]() -> Result<void> {
    if (rowsInBatch == 0) return {};
    std::string text = "INSERT INTO " + std::string(table) + "(";
    for (std::size_t c = 0; c < columns.size(); ++c) text += (c ? ", " : "") + columns[c];
    text += ") VALUES ";
    int n = 0;
    for (int r = 0; r < rowsInBatch; ++r) {
      text += r ? ", (" : "(";
      for (std::size_t c = 0; c < columns.size(); ++c) text += (c ? ", $" : "$") + std::to_string(++n);
      text += ")";
    }
    auto ins = to.query(text, batch);
    if (!ins) return fail(pgStorageError(ins.error()));
    copied += rowsInBatch;
    batch.clear();
    rowsInBatch = 0;
    return {};
  };
  while (true) {
    auto row = st->step();
    if (!row) return fail(sqliteError(row.error(), "cannot read " + std::string(table)));
    if (!row.value()) break;
    if (columns.empty())
      for (int c = 0; c < st->columnCount(); ++c) columns.push_back(st->columnName(c));
    // Every value as text; PostgreSQL reads it as the column's type (bigint, double precision, text).
    for (int c = 0; c < st->columnCount(); ++c) {
      batch.emplace_back(st->columnIsNull(c) ? std::optional<std::string>{} : st->columnText(c));
    }
    if (++rowsInBatch == kRowsPerInsert) {
      if (auto f = flush(); !f) return fail(f.error());
    }
  }
  if (auto f = flush(); !f) return fail(f.error());
  return copied;
}

Result<std::int64_t> countRows(StoreConnection&, pg::Connection& db, std::string_view table) {
  auto r = db.query("SELECT count(*) FROM " + std::string(table));
  if (!r) return fail(pgStorageError(r.error()));
  return r->int64(0, 0);
}

// What a day looks like from one store: the summary JSON and the three exports at a fixed instant.
Result<std::vector<std::string>> dayViews(StoreConnection& db, const std::string& clinic,
                                          const std::string& date) {
  auto tx = StoreTransaction::begin(db, TransactionKind::kRead);
  if (!tx) return fail(tx.error());
  auto report = loadDay(db, clinic, date);
  if (!report) return fail(report.error());
  const WireTime at{};  // the exports' own timestamps: the same instant on both sides
  std::vector<std::string> out{toJson(*report).dump()};
  auto csv = chargesCsv(*report);
  auto hl7 = chargesHl7(*report, Hl7Options{at, "P", false});
  auto fhir = chargesFhir(*report, at);
  // An export a day cannot have (an unknown time zone) must fail the same way on both sides.
  out.push_back(csv ? *csv : "error: " + csv.error().message);
  out.push_back(hl7 ? *hl7 : "error: " + hl7.error().message);
  out.push_back(fhir ? *fhir : "error: " + fhir.error().message);
  return out;
}

}  // namespace

Result<MigrateReport> migrateSqliteToPostgres(const std::filesystem::path& dataDir, const std::string& url,
                                              const MigrateProgress& progress) {
  auto say = [&](const std::string& line) {
    if (progress) progress(line);
  };
  auto source = openDatabase(dataDir, /*checkIntegrity=*/true);
  if (!source) return fail(source.error());
  if (auto v = initPostgresStore(url); !v) return fail(v.error());
  auto target = pg::Connection::open(url);
  if (!target) return fail(pgStorageError(target.error()));

  // [SECTION] Refuse a target that holds anything
  for (auto table : kTables) {
    auto r = target->query("SELECT EXISTS (SELECT 1 FROM " + std::string(table) + ")");
    if (!r) return fail(pgStorageError(r.error()));
    if (r->boolean(0, 0)) {
      return fail(
          ApiError{409, "to",
                   redactedUrl(url) + " is not empty (table " + std::string(table) +
                       " has rows): migrate copies into an empty database only; nothing was changed"});
    }
  }

  // [SECTION] Copy, in one transaction: all of it or nothing
  MigrateReport report;
  {
    // A snapshot of the SQLite side: a server still serving while this runs cannot tear the copy.
    auto read = sql::Transaction::begin(*source, sql::TransactionKind::kDeferred);
    if (!read) return fail(sqliteError(read.error(), "cannot read " + databasePath(dataDir).string()));
    auto tx = pg::Transaction::begin(*target);
    if (!tx) return fail(pgStorageError(tx.error()));
    for (auto table : kTables) {
      auto n = copyTable(*source, *target, table);
      if (!n) return fail(n.error());
      report.rows.emplace_back(std::string(table), n.value());
      say("copied " + std::string(table) + ": " + std::to_string(n.value()) + " rows");
    }
    for (auto table : kIdentityTables) {
      const std::string t(table);
      if (auto r = target->query("SELECT setval(pg_get_serial_sequence('" + t +
                                 "', 'id'), "
                                 "coalesce((SELECT max(id) FROM " +
                                 t + "), 0) + 1, false)");
          !r)
        return fail(pgStorageError(r.error()));
    }
    if (auto c = tx->commit(); !c) return fail(pgStorageError(c.error()));
  }

  // [SECTION] Verify: row counts, then every stored day from both sides
  auto sqliteStore = openSqliteStore(dataDir);
  if (!sqliteStore) return fail(sqliteStore.error());
  auto pgStore = openPostgresStore(url);
  if (!pgStore) return fail(pgStore.error());
  auto left = (*sqliteStore)->connect();
  if (!left) return fail(left.error());
  auto right = (*pgStore)->connect();
  if (!right) return fail(right.error());
  for (const auto& [table, n] : report.rows) {
    auto m = countRows(**right, *target, table);
    if (!m) return fail(m.error());
    if (m.value() != n) {
      return fail(ApiError{500, "",
                           "verification failed: " + table + " has " + std::to_string(n) +
                               " rows in SQLite and " + std::to_string(m.value()) + " in PostgreSQL"});
    }
  }
  auto days = source->prepare("SELECT DISTINCT clinic_id, date FROM session_days ORDER BY clinic_id, date");
  if (!days) return fail(sqliteError(days.error(), "cannot list the stored days"));
  while (true) {
    auto row = days->step();
    if (!row) return fail(sqliteError(row.error(), "cannot list the stored days"));
    if (!row.value()) break;
    const std::string clinic = days->columnText(0), date = days->columnText(1);
    auto a = dayViews(**left, clinic, date);
    if (!a) return fail(a.error());
    auto b = dayViews(**right, clinic, date);
    if (!b) return fail(b.error());
    static constexpr std::array<const char*, 4> kViews{"day summary", "CSV export", "HL7 export",
                                                       "FHIR export"};
    for (std::size_t i = 0; i < a->size(); ++i) {
      if ((*a)[i] != (*b)[i]) {
        return fail(ApiError{500, "",
                             "verification failed: the " + std::string(kViews[i]) + " of " + clinic + " on " +
                                 date + " differs between SQLite and PostgreSQL"});
      }
    }
    ++report.daysVerified;
  }
  say("verified " + std::to_string(report.daysVerified) +
      " clinic days: summaries and CSV, HL7 and FHIR exports "
      "are identical");
  return report;
}

}  // namespace unitclock::server
