// Where unitclock-cli finds the code catalog and payer profiles.
#pragma once

#include <filesystem>
#include <optional>

#include <unitclock/core/result.h>
#include <unitclock/platform/catalog_json.h>

namespace unitclock::app {

// In order: `override` (--catalog DIR) when given; share/unitclock/catalog next to the installed binary;
// the source tree's assets/catalog (development builds); the compiled-in catalog. A directory that exists
// but holds a bad file is an error, never silently skipped.
core::Result<platform::CatalogData, platform::DataError> loadCliCatalog(
    const std::optional<std::filesystem::path>& override);

}  // namespace unitclock::app
