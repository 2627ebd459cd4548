#pragma once
// The PostgreSQL implementation of the store seam (store.h), selected by --database postgresql://…:
// one database shared by every server instance, versioned migrations (server/src/migrations/), and the
// same operations with the same meaning as the SQLite store. Only store.cpp, migrate.cpp and the tests
// include this header; everything else goes through ServerStore.

#include <unitclock/platform/postgres.h>
#include <unitclock/server/error.h>
#include <unitclock/server/store.h>
#include <memory>
#include <string>

namespace unitclock::server {

namespace pg = unitclock::platform::postgres;

// The store over the database at `url`: a missing schema, a newer one or an unreachable server is an
// error; an older schema is migrated.
Result<std::unique_ptr<ServerStore>> openPostgresStore(const std::string& url);

// Creates the schema in an empty database or migrates it to the current version; returns the version.
// Safe to run from several instances at once (an advisory lock orders them).
Result<int> initPostgresStore(const std::string& url);

// The schema version this build writes to PostgreSQL.
int postgresSchemaVersion();

// Turns a libpq error into a 503 that asks for the transaction to be run again (serialization failure,
// deadlock, a key another instance inserted first), a 503 for a lost server, else a 500. Messages name
// the SQLSTATE and constraint only, never values (which could be patient data).
ApiError pgStorageError(const pg::PgError& e);

// `url` with any password replaced by ***, for messages and logs.
std::string redactedUrl(const std::string& url);

// True for a --database value this build can use (postgresql:// or postgres://).
bool isPostgresUrl(const std::string& url);

}  // namespace unitclock::server
