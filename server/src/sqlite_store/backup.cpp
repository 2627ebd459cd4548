#include <sys/stat.h>

#include <unitclock/server/backup.h>
#include <unitclock/server/sqlite_store.h>
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <ctime>
#include <string>
#include <vector>

namespace unitclock::server {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kBackupPrefix = "unitclock-server-";
constexpr std::string_view kBackupSuffix = ".db";

std::string backupName() {
  const auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  const std::time_t t = std::chrono::system_clock::to_time_t(now);
  std::tm tm{};
  ::gmtime_r(&t, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &tm);
  return std::string(kBackupPrefix) + buf + std::string(kBackupSuffix);
}

bool isBackupName(const std::string& name) {
  return name.size() == kBackupPrefix.size() + 16 + kBackupSuffix.size() && name.starts_with(kBackupPrefix) &&
         name.ends_with(kBackupSuffix);
}

ApiError failure(const std::string& message) {
  return ApiError{500, "", message};
}

// Opens `file` read-only and checks it completely; returns its schema version.
Result<int> checkBackup(const fs::path& file) {
  sql::OpenOptions options;
  options.mode = sql::OpenMode::kReadOnly;
  auto db = sql::Database::open(file.string(), options);
  if (!db) return fail(failure("cannot open " + file.string() + ": " + db.error().message));
  auto problems = sql::integrityCheck(db.value(), sql::IntegrityCheckKind::kFull);
  if (!problems) return fail(failure("cannot check " + file.string() + ": " + problems.error().message));
  if (!problems->empty()) return fail(failure(file.string() + " is damaged: " + problems->front()));
  auto version = db.value().userVersion();
  if (!version) return fail(failure("cannot read " + file.string() + ": " + version.error().message));
  if (version.value() < 1) return fail(failure(file.string() + " is not a unitclock-server database"));
  if (version.value() > schemaVersion()) {
    return fail(failure(file.string() + " was written by a newer unitclock-server (schema " +
                        std::to_string(version.value()) + ")"));
  }
  return version.value();
}

}  // namespace

Result<BackupResult> backupDatabase(const fs::path& dataDir, const fs::path& to, int keep) {
  std::error_code ec;
  const bool intoDirectory = fs::is_directory(to, ec);
  const fs::path target = intoDirectory ? to / backupName() : to;
  const fs::path partial = target.string() + ".partial";
  fs::remove(partial, ec);  // a leftover of a backup that was interrupted

  auto db = openDatabase(dataDir);
  if (!db) return fail(db.error());
  auto vacuum = db->prepare("VACUUM INTO ?1");
  if (!vacuum) return fail(failure("cannot back up: " + vacuum.error().message));
  if (auto b = vacuum->bind(1, partial.string()); !b)
    return fail(failure("cannot back up: " + b.error().message));
  const mode_t old = ::umask(0077);  // the copy holds PHI: owner only from its first byte
  auto ran = vacuum->run();
  ::umask(old);
  if (!ran) {
    fs::remove(partial, ec);
    return fail(failure("cannot write " + partial.string() + ": " + ran.error().message));
  }
  ::chmod(partial.c_str(), 0600);
  if (auto checked = checkBackup(partial); !checked) {
    fs::remove(partial, ec);
    return fail(checked.error());
  }
  fs::rename(partial, target, ec);
  if (ec) return fail(failure("cannot rename " + partial.string() + ": " + ec.message()));

  BackupResult result;
  result.file = target;
  result.bytes = fs::file_size(target, ec);
  if (intoDirectory && keep > 0) {
    std::vector<fs::path> backups;
    for (const auto& entry : fs::directory_iterator(to, ec))
      if (entry.is_regular_file() && isBackupName(entry.path().filename().string()))
        backups.push_back(entry.path());
    std::sort(backups.begin(), backups.end());  // the names sort by time
    for (std::size_t i = 0; i + static_cast<std::size_t>(keep) < backups.size(); ++i) {
      if (fs::remove(backups[i], ec)) ++result.removed;
    }
  }
  return result;
}

Result<int> restoreDatabase(const fs::path& backup, const fs::path& dataDir) {
  std::error_code ec;
  if (fs::exists(databasePath(dataDir), ec)) {
    return fail(failure(databasePath(dataDir).string() +
                        " already exists: restore into a new data directory, then point the server at it"));
  }
  if (auto checked = checkBackup(backup); !checked) return fail(checked.error());
  fs::create_directories(dataDir, ec);
  if (ec) return fail(failure("cannot create " + dataDir.string() + ": " + ec.message()));
  ::chmod(dataDir.c_str(), 0700);
  const fs::path partial = databasePath(dataDir).string() + ".partial";
  const mode_t old = ::umask(0077);
  fs::copy_file(backup, partial, fs::copy_options::overwrite_existing, ec);
  ::umask(old);
  if (ec) return fail(failure("cannot copy " + backup.string() + ": " + ec.message()));
  ::chmod(partial.c_str(), 0600);
  fs::rename(partial, databasePath(dataDir), ec);
  if (ec) return fail(failure("cannot rename " + partial.string() + ": " + ec.message()));
  return initDataDir(dataDir);  // migrates an older schema; checks integrity again
}

}  // namespace unitclock::server
