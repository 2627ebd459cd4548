// Picks the store's backend from its options: --data-dir is SQLite, --database postgresql://… PostgreSQL.
#include "postgres_store/postgres_store.h"

#include <unitclock/server/sqlite_store.h>
#include <unitclock/server/store.h>

namespace unitclock::server {
namespace {

Result<void> checkOptions(const StoreOptions& options) {
  if (!options.databaseUrl.empty() && !options.dataDir.empty()) {
    return fail(ApiError{400, "database", "--data-dir and --database name two stores: give one"});
  }
  if (options.databaseUrl.empty() && options.dataDir.empty()) {
    return fail(
        ApiError{400, "data-dir", "no store given: --data-dir DIR (SQLite) or --database postgresql://…"});
  }
  if (!options.databaseUrl.empty() && !isPostgresUrl(options.databaseUrl)) {
    return fail(ApiError{400, "database",
                         "--database takes a postgresql://USER@HOST:PORT/DB URL; for SQLite use --data-dir"});
  }
  return {};
}

}  // namespace

Result<std::unique_ptr<ServerStore>> openServerStore(const StoreOptions& options) {
  if (auto ok = checkOptions(options); !ok) return fail(ok.error());
  if (!options.databaseUrl.empty()) return openPostgresStore(options.databaseUrl);
  return openSqliteStore(options.dataDir);
}

Result<int> initServerStore(const StoreOptions& options) {
  if (auto ok = checkOptions(options); !ok) return fail(ok.error());
  if (!options.databaseUrl.empty()) return initPostgresStore(options.databaseUrl);
  return initDataDir(options.dataDir);
}

std::string storeLocation(const StoreOptions& options) {
  if (!options.databaseUrl.empty()) return redactedUrl(options.databaseUrl);
  return databasePath(options.dataDir).string();
}

}  // namespace unitclock::server
