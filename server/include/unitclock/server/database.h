#pragma once
// The server's SQLite store: one file `unitclock-server.db` in the data directory, WAL,
// synchronous=FULL, foreign keys on, versioned migrations. See docs/server.md for the tables.

#include <unitclock/platform/sqlite.h>
#include <unitclock/server/error.h>
#include <filesystem>
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

// Current time as an ISO-8601 UTC string, for created_at columns.
std::string nowUtc();

}  // namespace unitclock::server
