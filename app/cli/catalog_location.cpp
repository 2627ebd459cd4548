#include "catalog_location.h"

#include <system_error>

namespace unitclock::app {

namespace {

std::optional<std::filesystem::path> installedCatalogDir() {
  std::error_code ec;
  auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) return std::nullopt;
  auto dir = exe.parent_path().parent_path() / "share" / "unitclock" / "catalog";
  if (std::filesystem::is_directory(dir, ec)) return dir;
  return std::nullopt;
}

}  // namespace

core::Result<platform::CatalogData, platform::DataError> loadCliCatalog(
    const std::optional<std::filesystem::path>& override) {
  if (override) return platform::loadCatalogDirectory(*override);
  if (auto dir = installedCatalogDir()) return platform::loadCatalogDirectory(*dir);
#ifdef UNITCLOCK_SOURCE_CATALOG_DIR
  std::error_code ec;
  const std::filesystem::path source{UNITCLOCK_SOURCE_CATALOG_DIR};
  if (std::filesystem::is_directory(source, ec)) return platform::loadCatalogDirectory(source);
#endif
  return platform::builtinCatalogData();
}

}  // namespace unitclock::app
