// The device configuration of GET /api/v1/config, read and written (device_config.h).
#include <unitclock/platform/catalog_json.h>
#include <unitclock/platform/wire/device_config.h>
#include <algorithm>
#include <cctype>
#include <set>

namespace unitclock::wire {
namespace {

using core::fail;
using nlohmann::json;

core::Failure<Error> reject(std::string field, std::string message) {
  return fail(Error{std::move(field), std::move(message)});
}

bool hasControlCharacters(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char ch) {
    const auto c = static_cast<unsigned char>(ch);
    return c < 0x20 || c == 0x7F;
  });
}

bool isCode(std::string_view s) {
  if (s.empty() || s.size() > 8) return false;
  return std::all_of(s.begin(), s.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)); });
}

// A string field of `obj`: "" when absent or null (unless required), refused when of another type, too
// long or holding control characters (names and ids end up on screens, in logs and in the store).
std::optional<Error> readString(const json& obj, const std::string& prefix, std::string_view key,
                                std::string& out, bool required, std::size_t maxLen = 200) {
  const std::string path = prefix + std::string(key);
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) {
    if (required) return Error{path, "is required"};
    return std::nullopt;
  }
  if (!it->is_string()) return Error{path, "must be a string"};
  out = it->get<std::string>();
  if (required && out.empty()) return Error{path, "must not be empty"};
  if (out.size() > maxLen) return Error{path, "is too long"};
  if (hasControlCharacters(out)) return Error{path, "must not hold control characters"};
  return std::nullopt;
}

// The array `key` of `obj` (nullptr when absent or null), refused when it is something else or longer
// than `max`, or absent when `required`.
const json* readArray(const json& obj, std::string_view key, std::size_t max, bool required,
                      std::optional<Error>& err) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) {
    if (required) err = Error{std::string(key), "is required"};
    return nullptr;
  }
  if (!it->is_array()) {
    err = Error{std::string(key), "must be an array"};
    return nullptr;
  }
  if (it->size() > max) {
    err = Error{std::string(key), "holds at most " + std::to_string(max) + " entries"};
    return nullptr;
  }
  return &*it;
}

// platform/data names the document as its source ("payers: payer acme: ..."): the field says that already.
Error dataError(const std::string& field, const platform::DataError& e) {
  std::string message = e.message;
  if (message.rfind(field + ": ", 0) == 0) message.erase(0, field.size() + 2);
  return Error{field, message};
}

std::optional<Error> parseRosterEntry(const json& o, const std::string& prefix, RosterEntry& r) {
  if (auto e = readString(o, prefix, "id", r.id, true, 64)) return e;
  if (auto e = readString(o, prefix, "name", r.name, false)) return e;
  std::string role;
  if (auto e = readString(o, prefix, "role", role, true, 16)) return e;
  auto parsed = core::parseRole(role);
  if (!parsed) return Error{prefix + "role", "must be one of ot, ota, pt, pta, slp, supervisor, admin"};
  r.role = *parsed;
  if (auto e = readString(o, prefix, "pin_hash", r.pinHash, false, 512)) return e;
  return std::nullopt;
}

std::optional<Error> parseScheduleEntry(const json& o, const std::string& prefix, ScheduleEntry& s) {
  if (auto e = readString(o, prefix, "time", s.time, false, 16)) return e;
  if (auto e = readString(o, prefix, "mrn", s.mrn, true, 64)) return e;
  if (auto e = readString(o, prefix, "initials", s.initials, false, 32)) return e;
  if (auto e = readString(o, prefix, "payer", s.payer, false, 64)) return e;
  std::string discipline;
  if (auto e = readString(o, prefix, "discipline", discipline, false, 8)) return e;
  if (!discipline.empty()) {
    s.discipline = core::parseDiscipline(discipline);
    if (!s.discipline) return Error{prefix + "discipline", "must be one of ot, pt, slp"};
  }
  if (auto e = readString(o, prefix, "clinician", s.clinician, false, 64)) return e;
  return std::nullopt;
}

// Each element of the array `key` with `parseOne`, into `out`.
template <class T, class ParseOne>
std::optional<Error> parseObjects(const json& j, const char* key, std::size_t max, bool required,
                                  std::vector<T>& out, ParseOne parseOne) {
  std::optional<Error> err;
  const json* list = readArray(j, key, max, required, err);
  if (!list) return err;
  for (std::size_t i = 0; i < list->size(); ++i) {
    const std::string item = std::string(key) + "[" + std::to_string(i) + "]";
    if (!(*list)[i].is_object()) return Error{item, "must be an object"};
    T value;
    if (auto e = parseOne((*list)[i], item + ".", value)) return e;
    out.push_back(std::move(value));
  }
  return std::nullopt;
}

}  // namespace

// [SECTION] The documents an admin sets

Result<std::vector<core::PayerProfile>> parsePayersDocument(const json& j) {
  if (j.is_null() || (j.is_array() && j.empty())) return std::vector<core::PayerProfile>{};
  if (!j.is_object()) return reject("payers", "must be [] or a payer profile document {\"payers\": [...]}");
  auto p = platform::parsePayersJson(j.dump(), "payers");
  if (!p) return fail(dataError("payers", p.error()));
  return std::move(p).value();
}

Result<std::optional<core::Catalog>> parseCatalogDocument(const json& j) {
  if (j.is_null()) return std::optional<core::Catalog>{};
  if (!j.is_object()) return reject("catalog", "must be null or a code catalog document");
  auto c = platform::parseCatalogJson(j.dump(), "catalog");
  if (!c) return fail(dataError("catalog", c.error()));
  return std::optional<core::Catalog>{std::move(c).value()};
}

Result<Favourites> parseFavouritesDocument(const json& j) {
  Favourites out;
  // [] is what earlier servers sent for "none".
  if (j.is_null() || (j.is_array() && j.empty())) return out;
  if (!j.is_object())
    return reject("favourites", "must be an object such as {\"ot\": [\"97530\", \"97110\"]}");
  for (const auto& [key, codes] : j.items()) {
    const std::string path = "favourites." + key;
    auto discipline = core::parseDiscipline(key);
    if (!discipline) return reject(path, "is not a discipline (ot, pt, slp)");
    if (!codes.is_array() || codes.empty())
      return reject(path, "must be a non-empty array of procedure codes");
    if (codes.size() > ConfigLimits::kMaxFavourites)
      return reject(path, "holds at most " + std::to_string(ConfigLimits::kMaxFavourites) + " codes");
    auto& list = out[*discipline];
    for (std::size_t i = 0; i < codes.size(); ++i) {
      const std::string item = path + "[" + std::to_string(i) + "]";
      if (!codes[i].is_string() || !isCode(codes[i].get_ref<const std::string&>()))
        return reject(item, "must be a procedure code");
      const auto& code = codes[i].get_ref<const std::string&>();
      if (std::find(list.begin(), list.end(), code) != list.end()) return reject(item, "repeats " + code);
      list.push_back(code);
    }
  }
  return out;
}

json payersDocument(const std::vector<core::PayerProfile>& payers) {
  if (payers.empty()) return json::array();
  return json::parse(platform::payersToJson(payers));
}

json catalogDocument(const std::optional<core::Catalog>& catalog) {
  if (!catalog) return nullptr;
  return json::parse(platform::catalogToJson(*catalog));
}

json favouritesDocument(const Favourites& favourites) {
  json out = json::object();
  for (const auto& [discipline, codes] : favourites) out[std::string(core::toString(discipline))] = codes;
  return out;
}

// [SECTION] The configuration

Result<DeviceConfig> parseDeviceConfigBody(std::string_view body) {
  auto j = parseJsonBody(body);
  if (!j) return fail(j.error());
  return parseDeviceConfig(*j);
}

Result<DeviceConfig> parseDeviceConfig(const json& j) {
  if (!j.is_object()) return reject("", "the configuration must be a JSON object");
  DeviceConfig c;
  auto clinic = j.find("clinic");
  if (clinic == j.end() || !clinic->is_object()) return reject("clinic", "is required and must be an object");
  if (auto e = readString(*clinic, "clinic.", "id", c.clinic.id, true, 64)) return fail(*e);
  if (auto e = readString(*clinic, "clinic.", "name", c.clinic.name, false)) return fail(*e);
  if (auto e = readString(*clinic, "clinic.", "timezone", c.clinic.timezone, false, 64)) return fail(*e);
  if (auto it = j.find("device_id"); it != j.end() && !it->is_null()) {
    if (!it->is_number_integer()) return reject("device_id", "must be an integer");
    c.deviceId = it->get<std::int64_t>();
  }
  if (auto e = readString(j, "", "date", c.date, false, 10)) return fail(*e);
  if (!c.date.empty() && !isCalendarDate(c.date)) return reject("date", "must be a date like 2026-11-26");

  // Required: the device replaces its roster with this one, and a missing list must not empty it.
  if (auto e = parseObjects(j, "roster", ConfigLimits::kMaxRoster, true, c.roster, parseRosterEntry))
    return fail(*e);
  std::set<std::string> ids;
  for (std::size_t i = 0; i < c.roster.size(); ++i) {
    if (!ids.insert(c.roster[i].id).second)
      return reject("roster[" + std::to_string(i) + "].id", "repeats " + c.roster[i].id);
  }

  if (auto it = j.find("payers"); it != j.end()) {
    auto p = parsePayersDocument(*it);
    if (!p) return fail(p.error());
    c.payers = std::move(p).value();
  }
  if (auto it = j.find("catalog"); it != j.end()) {
    auto cat = parseCatalogDocument(*it);
    if (!cat) return fail(cat.error());
    c.catalog = std::move(cat).value();
  }
  if (auto it = j.find("favourites"); it != j.end()) {
    auto f = parseFavouritesDocument(*it);
    if (!f) return fail(f.error());
    c.favourites = std::move(f).value();
  }
  if (auto e = parseObjects(j, "schedule", ConfigLimits::kMaxSchedule, false, c.schedule, parseScheduleEntry))
    return fail(*e);
  return c;
}

json toJson(const DeviceConfig& c) {
  json out;
  out["clinic"] = {{"id", c.clinic.id}, {"name", c.clinic.name}, {"timezone", c.clinic.timezone}};
  out["device_id"] = c.deviceId;
  out["date"] = c.date;
  json roster = json::array();
  for (const auto& r : c.roster) {
    roster.push_back({{"id", r.id},
                      {"name", r.name},
                      {"role", std::string(core::toString(r.role))},
                      {"pin_hash", r.pinHash}});
  }
  out["roster"] = std::move(roster);
  out["payers"] = payersDocument(c.payers);
  out["catalog"] = catalogDocument(c.catalog);
  out["favourites"] = favouritesDocument(c.favourites);
  out["schedule"] = scheduleDocument(c.schedule);
  return out;
}

Result<std::vector<ScheduleEntry>> parseScheduleDocument(const json& j) {
  std::vector<ScheduleEntry> out;
  const json wrapped{{"schedule", j}};
  if (auto e = parseObjects(wrapped, "schedule", ConfigLimits::kMaxSchedule, true, out, parseScheduleEntry))
    return fail(*e);
  return out;
}

json scheduleDocument(const std::vector<ScheduleEntry>& schedule) {
  json out = json::array();
  for (const auto& s : schedule) {
    out.push_back({{"time", s.time},
                   {"mrn", s.mrn},
                   {"initials", s.initials},
                   {"payer", s.payer},
                   {"discipline", s.discipline ? std::string(core::toString(*s.discipline)) : ""},
                   {"clinician", s.clinician}});
  }
  return out;
}

// [SECTION] Billing rules

BillingRules rulesOf(const DeviceConfig& config) {
  BillingRules rules;
  if (config.catalog) rules.catalog = *config.catalog;
  for (const auto& profile : config.payers) {  // the clinic's profiles replace built-ins of the same name
    auto it = std::find_if(rules.payers.begin(), rules.payers.end(),
                           [&](const core::PayerProfile& p) { return p.name == profile.name; });
    if (it != rules.payers.end()) {
      *it = profile;
    } else {
      rules.payers.push_back(profile);
    }
  }
  return rules;
}

}  // namespace unitclock::wire
