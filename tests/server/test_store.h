#pragma once
// The store options a test's in-process code uses for a data directory on this pass of the server suite
// (server_process.h, "Which store"): SQLite in the directory, or the directory's PostgreSQL schema.

#include <unitclock/server/store.h>
#include <string>

#include "server_process.h"

namespace unitclock::server::testing {

inline StoreOptions testStoreOptions(const std::string& dataDir) {
  if (onPostgres()) return StoreOptions{{}, databaseUrlFor(dataDir)};
  return StoreOptions{dataDir, {}};
}

}  // namespace unitclock::server::testing
