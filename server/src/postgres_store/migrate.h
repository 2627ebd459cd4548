#pragma once
// Copying a SQLite server into PostgreSQL (`unitclock-server migrate`, migrate.cpp).

#include <unitclock/server/error.h>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace unitclock::server {

struct MigrateReport {
  std::vector<std::pair<std::string, std::int64_t>> rows;  // per table, in copy order
  int daysVerified = 0;  // clinic days whose summary and exports were compared on both sides
};

using MigrateProgress = std::function<void(const std::string& line)>;

// Copies everything in `dataDir`'s database into the PostgreSQL database at `url` (its schema created if
// missing) in one transaction, then verifies it. A target with any row is refused (409) and left alone;
// a failed copy leaves the target empty; a failed verification names the table or the day that differs.
Result<MigrateReport> migrateSqliteToPostgres(const std::filesystem::path& dataDir, const std::string& url,
                                              const MigrateProgress& progress = {});

}  // namespace unitclock::server
