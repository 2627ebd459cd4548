// The code catalog and payer profiles as JSON (assets/catalog/codes.json, assets/catalog/payers.json),
// read into and written from core types. The format is described in docs/rules-engine.md.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include <unitclock/core/catalog.h>
#include <unitclock/core/payer.h>
#include <unitclock/core/result.h>

namespace unitclock::platform {

struct DataError {
  enum class Kind {
    kNotFound,    // the file does not exist
    kUnreadable,  // it exists but cannot be read
    kBadJson,     // not valid JSON
    kBadField,    // a field is missing, unknown or of the wrong type or value
    kInvalid      // well-formed but inconsistent (duplicate code, add-on pointing nowhere, ...)
  };
  Kind kind = Kind::kBadJson;
  std::string source;   // the file (or "codes.json" when parsing text)
  std::string message;  // one line naming the item
};

// Parsing text. `source` names the text in error messages.
core::Result<core::Catalog, DataError> parseCatalogJson(std::string_view json,
                                                        std::string_view source = "codes.json");
core::Result<std::vector<core::PayerProfile>, DataError> parsePayersJson(
    std::string_view json, std::string_view source = "payers.json");

// Reading files.
core::Result<core::Catalog, DataError> loadCatalogFile(const std::filesystem::path& file);
core::Result<std::vector<core::PayerProfile>, DataError> loadPayersFile(const std::filesystem::path& file);

// Writing (the server serves these to devices; the tests round-trip them). Pretty-printed, 2 spaces.
std::string catalogToJson(const core::Catalog& catalog);
std::string payersToJson(const std::vector<core::PayerProfile>& payers);

// A catalog directory holds codes.json and payers.json.
struct CatalogData {
  core::Catalog catalog;
  std::vector<core::PayerProfile> payers;
  std::filesystem::path directory;  // empty when compiled in
};

core::Result<CatalogData, DataError> loadCatalogDirectory(const std::filesystem::path& directory);

// The compiled-in catalog and the built-in payers (medicare, commercial).
CatalogData builtinCatalogData();

// A payer by name among `payers`; nullptr when absent.
const core::PayerProfile* findPayer(const std::vector<core::PayerProfile>& payers, std::string_view name);

}  // namespace unitclock::platform
