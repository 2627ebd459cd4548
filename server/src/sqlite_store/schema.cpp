#include <sqlite3.h>
#include <sys/stat.h>

#include "../migrations/migrations.h"

#include <unitclock/server/sqlite_store.h>
#include <unitclock/server/wire.h>
#include <array>
#include <chrono>
#include <system_error>
#include <vector>

namespace unitclock::server {
namespace {

// The steps as the SQLite wrapper applies them.
const std::vector<sql::Migration>& sqliteSteps() {
  static const std::vector<sql::Migration> steps = [] {
    std::vector<sql::Migration> out;
    for (const auto& s : migrations::sqlite()) out.push_back({s.version, s.sql});
    return out;
  }();
  return steps;
}

ApiError fromSql(const sql::SqlError& e, std::string what) {
  return ApiError{500, "", what + ": " + e.message};
}

Result<sql::Database> openConfigured(const std::filesystem::path& path, sql::OpenMode mode) {
  sql::OpenOptions options;
  options.mode = mode;
  options.busyTimeout = std::chrono::milliseconds{10000};
  auto db = sql::Database::open(path.string(), options);
  if (!db) return fail(fromSql(db.error(), "cannot open " + path.string()));
  if (auto r = db->exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;"); !r) {
    return fail(fromSql(r.error(), "cannot configure " + path.string()));
  }
  return std::move(db).value();
}

}  // namespace

int schemaVersion() {
  return sqliteSteps().back().version;
}

std::filesystem::path databasePath(const std::filesystem::path& dataDir) {
  return dataDir / kDatabaseFile;
}

ApiError storageError(const sql::SqlError& e) {
  if (e.code == SQLITE_BUSY || e.code == SQLITE_LOCKED)
    return ApiError{503, "", "the store is busy, try again"};
  return ApiError{500, "", "storage error " + std::to_string(e.extendedCode)};
}

Result<int> initDataDir(const std::filesystem::path& dataDir) {
  std::error_code ec;
  std::filesystem::create_directories(dataDir, ec);
  if (ec) return fail(ApiError{500, "", "cannot create " + dataDir.string() + ": " + ec.message()});
  ::chmod(dataDir.c_str(), 0700);  // session data is PHI: owner only
  auto path = databasePath(dataDir);
  bool existed = std::filesystem::exists(path);
  mode_t old = ::umask(0077);
  auto db = openConfigured(path, sql::OpenMode::kReadWriteCreate);
  ::umask(old);
  if (!db) return fail(db.error());
  if (existed) {
    auto problems = sql::integrityCheck(*db);
    if (!problems) return fail(fromSql(problems.error(), "cannot check " + path.string()));
    if (!problems->empty())
      return fail(ApiError{500, "", path.string() + " is damaged: " + problems->front()});
  }
  auto v = sql::migrate(*db, sqliteSteps());
  if (!v) {
    if (v.error().code == sql::kNewerSchemaCode) {
      return fail(
          ApiError{500, "", path.string() + " was written by a newer unitclock-server; left untouched"});
    }
    return fail(fromSql(v.error(), "cannot migrate " + path.string()));
  }
  return v.value();
}

Result<sql::Database> openDatabase(const std::filesystem::path& dataDir, bool checkIntegrity) {
  auto path = databasePath(dataDir);
  if (!std::filesystem::exists(path)) {
    return fail(ApiError{500, "",
                         path.string() + " does not exist: run `unitclock-server init --data-dir " +
                             dataDir.string() + "` first"});
  }
  auto db = openConfigured(path, sql::OpenMode::kReadWrite);
  if (!db) return db;
  auto version = db->userVersion();
  if (!version) return fail(fromSql(version.error(), "cannot read " + path.string()));
  if (version.value() > schemaVersion()) {
    return fail(
        ApiError{500, "", path.string() + " was written by a newer unitclock-server; left untouched"});
  }
  if (version.value() < schemaVersion()) {
    auto v = sql::migrate(*db, sqliteSteps());
    if (!v) return fail(fromSql(v.error(), "cannot migrate " + path.string()));
  }
  if (checkIntegrity) {
    auto problems = sql::integrityCheck(*db);
    if (!problems) return fail(fromSql(problems.error(), "cannot check " + path.string()));
    if (!problems->empty())
      return fail(ApiError{500, "", path.string() + " is damaged: " + problems->front()});
  }
  return db;
}

}  // namespace unitclock::server
