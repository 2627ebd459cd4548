#pragma once
// The SQLite implementation of the store seam (store.h): one file `unitclock-server.db` in the data
// directory, WAL, synchronous=FULL, foreign keys on, versioned migrations (server/src/migrations/). See
// docs/server.md for the tables. Only the SQLite implementation, its backup and the tests that look into
// the file include this header; everything else goes through ServerStore.

#include <unitclock/platform/sqlite.h>
#include <unitclock/server/error.h>
#include <unitclock/server/store.h>
#include <filesystem>
#include <memory>
#include <string>

namespace unitclock::server {

namespace sql = unitclock::platform::sqlite;

inline constexpr const char* kDatabaseFile = "unitclock-server.db";

std::filesystem::path databasePath(const std::filesystem::path& dataDir);

// Creates the data directory (owner-only) and the database, and migrates it to the current schema.
Result<int> initDataDir(const std::filesystem::path& dataDir);

// Opens an existing, initialised database with the connection settings every server connection uses,
// checks its schema version and (when `checkIntegrity`) runs a quick integrity check.
// A missing, corrupt or newer database gives an error and is left untouched.
Result<sql::Database> openDatabase(const std::filesystem::path& dataDir, bool checkIntegrity = false);

// The schema version this build writes.
int schemaVersion();

// Turns a SQLite error into a 500 (or 503 when the database is busy), with a message safe to log.
ApiError storageError(const sql::SqlError& e);

// The store over the database in `dataDir` (openServerStore picks it for --data-dir).
Result<std::unique_ptr<ServerStore>> openSqliteStore(const std::filesystem::path& dataDir);

// A store connection over an open database (tests: the same operations on a database they set up).
std::unique_ptr<StoreConnection> sqliteConnection(sql::Database db);

}  // namespace unitclock::server
