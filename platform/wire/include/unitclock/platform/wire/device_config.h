#pragma once
// The configuration of GET /api/v1/config (docs/sync-api.md): everything a device needs offline — its
// clinic, the roster with PIN hashes, the payer profiles, code catalog and favourite activities an admin
// set with `unitclock-server config set`, and one day's schedule. The one definition both ends build
// from: the server writes it (toJson), the device reads it (parseDeviceConfig), and both bill with the
// rules it names (rulesOf), so a clinic's own payer profile bills alike on the kiosk and on the server.
//
//   auto config = wire::parseDeviceConfig(json);     // device: a refusal names the field ("roster[2].role")
//   wire::BillingRules rules = wire::rulesOf(*config);
//   std::string body = wire::toJson(*config).dump();  // server

#include <unitclock/core/catalog.h>
#include <unitclock/core/payer.h>
#include <unitclock/core/role.h>
#include <unitclock/core/types.h>
#include <unitclock/platform/wire/session_upload.h>
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace unitclock::wire {

struct ClinicInfo {
  std::string id;
  std::string name;
  std::string timezone;  // IANA name ("America/Chicago"); "" when the server has none
  friend bool operator==(const ClinicInfo&, const ClinicInfo&) = default;
};

// One active clinician of the clinic.
struct RosterEntry {
  std::string id;
  std::string name;
  core::Role role = core::Role::ot;
  std::string pinHash;  // Argon2id (libsodium crypto_pwhash_str format); "" while the clinician has no PIN
  friend bool operator==(const RosterEntry&, const RosterEntry&) = default;
};

// One appointment of the day's schedule. Everything but the patient is optional ("" when not given).
struct ScheduleEntry {
  std::string time;  // clinic-local "09:30"
  std::string mrn;
  std::string initials;
  std::string payer;  // a payer profile's name
  std::optional<core::Discipline> discipline;
  std::string clinician;  // a roster id
  friend bool operator==(const ScheduleEntry&, const ScheduleEntry&) = default;
};

// Favourite activity codes per discipline, in tile order. A discipline that is not listed keeps the
// device's own favourites.
using Favourites = std::map<core::Discipline, std::vector<std::string>>;

struct DeviceConfig {
  ClinicInfo clinic;
  std::int64_t deviceId = 0;
  std::string date;  // the clinic-local day of `schedule`, "2026-11-26"
  std::vector<RosterEntry> roster;
  std::vector<core::PayerProfile> payers;  // the clinic's own profiles; empty: the built-in ones only
  std::optional<core::Catalog> catalog;    // nullopt: the built-in catalog
  Favourites favourites;
  std::vector<ScheduleEntry> schedule;
};

// Limits a device holds a configuration to (a clinic is far below them).
struct ConfigLimits {
  static constexpr std::size_t kMaxRoster = 1000;
  static constexpr std::size_t kMaxSchedule = 2000;
  static constexpr std::size_t kMaxFavourites = 24;  // codes per discipline: tiles on one screen
};

// Reads a configuration as the server sends it. Keys this version does not know are ignored, so that a
// newer server can add fields without cutting older kiosks off their roster; a known field of the wrong
// form is refused, naming it.
Result<DeviceConfig> parseDeviceConfig(const nlohmann::json& j);
Result<DeviceConfig> parseDeviceConfigBody(std::string_view body);
nlohmann::json toJson(const DeviceConfig& config);

// The documents an admin sets with `unitclock-server config set`, each as it appears in /config. The
// server checks a document with these before storing it, so it never serves one a device would refuse.
//   payers:     [] (none) or the format of assets/catalog/payers.json, {"payers": [...]}
//   catalog:    null (none) or the format of assets/catalog/codes.json
//   favourites: {} (none) or {"ot": ["97530", "97110"], "pt": [...], "slp": [...]}
Result<std::vector<core::PayerProfile>> parsePayersDocument(const nlohmann::json& j);
Result<std::optional<core::Catalog>> parseCatalogDocument(const nlohmann::json& j);
Result<Favourites> parseFavouritesDocument(const nlohmann::json& j);
nlohmann::json payersDocument(const std::vector<core::PayerProfile>& payers);
nlohmann::json catalogDocument(const std::optional<core::Catalog>& catalog);
nlohmann::json favouritesDocument(const Favourites& favourites);
//   schedule:   [{"time": "09:30", "mrn": "MRN1", "initials": "AB", "payer": "medicare", "discipline": "ot",
//                 "clinician": "c-ana"}, ...] as in /config (the kiosk keeps the day's in its settings)
Result<std::vector<ScheduleEntry>> parseScheduleDocument(const nlohmann::json& j);
nlohmann::json scheduleDocument(const std::vector<ScheduleEntry>& schedule);

// The rules a clinic bills with: the built-in payer profiles with the clinic's own replacing those of the
// same name and added after them, and the clinic's catalog or the built-in one. The server computes
// every day with these; the device computes what it shows and uploads with them.
BillingRules rulesOf(const DeviceConfig& config);

}  // namespace unitclock::wire
