#pragma once
// Backups of the server's SQLite store while it serves, and restoring one into a new data directory.
// `unitclock-server backup` and `restore` call these; docs/deployment.md describes the timer and the
// restore procedure.

#include <unitclock/server/error.h>
#include <filesystem>

namespace unitclock::server {

struct BackupResult {
  std::filesystem::path file;  // the finished backup (mode 0600)
  std::uintmax_t bytes = 0;
  int removed = 0;  // older backups removed by `keep`
};

// A consistent copy of the database at one instant (SQLite's VACUUM INTO, in a read transaction, so uploads
// go on meanwhile), written beside `to` under a temporary name, checked with a full integrity check and
// only then renamed to its final name. `to` is a file, or an existing directory in which the backup is
// named unitclock-server-YYYYMMDDTHHMMSSZ.db. With `keep` > 0 and a directory, only the newest `keep`
// such backups are kept.
Result<BackupResult> backupDatabase(const std::filesystem::path& dataDir, const std::filesystem::path& to,
                                    int keep = 0);

// Restores a backup into `dataDir`, which must not hold a database yet: checks the backup's integrity and
// schema (a newer schema is refused), copies it in owner-only, and migrates it to this build's schema.
// Returns the schema version.
Result<int> restoreDatabase(const std::filesystem::path& backup, const std::filesystem::path& dataDir);

}  // namespace unitclock::server
