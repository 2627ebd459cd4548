#include <unitclock/server/config.h>
#include <unitclock/server/review.h>
#include <unitclock/server/secrets.h>
#include <nlohmann/json.hpp>

namespace unitclock::server {

bool isConfigDocumentName(std::string_view name) {
  return name == "payers" || name == "catalog" || name == "favourites" || name == "review";
}

core::Result<void, std::string> checkConfigDocument(std::string_view name, const nlohmann::json& doc) {
  auto message = [](const wire::Error& e) { return e.field + ": " + e.message; };
  if (name == "payers") {
    if (auto p = wire::parsePayersDocument(doc); !p) return fail(message(p.error()));
  } else if (name == "catalog") {
    if (auto c = wire::parseCatalogDocument(doc); !c) return fail(message(c.error()));
  } else if (name == "favourites") {
    if (auto f = wire::parseFavouritesDocument(doc); !f) return fail(message(f.error()));
  } else if (name == "review") {  // the review policy (review.h); not served to devices
    if (auto r = parseReviewPolicy(doc); !r) return fail(r.error());
  } else {
    return fail("no document " + std::string(name));
  }
  return {};
}

Result<void> loadClinicDocuments(StoreConnection& store, const std::string& clinicId,
                                 wire::DeviceConfig& config) {
  auto documents = store.clinicDocuments(clinicId);
  if (!documents) return fail(documents.error());
  for (const auto& stored : documents.value()) {
    const std::string& name = stored.name;
    const auto doc = nlohmann::json::parse(stored.body, nullptr, false);
    auto broken = [&](const wire::Error& e) {
      return ApiError{500, "",
                      "the " + name + " document of clinic " + clinicId + " cannot be read (" + e.field +
                          ": " + e.message + "); set it again with `unitclock-server config set`"};
    };
    if (doc.is_discarded()) return fail(broken({name, "not valid JSON"}));
    if (name == "payers") {
      auto p = wire::parsePayersDocument(doc);
      if (!p) return fail(broken(p.error()));
      config.payers = std::move(p).value();
    } else if (name == "catalog") {
      auto c = wire::parseCatalogDocument(doc);
      if (!c) return fail(broken(c.error()));
      config.catalog = std::move(c).value();
    } else if (name == "favourites") {
      auto f = wire::parseFavouritesDocument(doc);
      if (!f) return fail(broken(f.error()));
      config.favourites = std::move(f).value();
    }
  }
  return {};
}

Result<ConfigDocument> deviceConfig(StoreConnection& store, const std::string& clinicId,
                                    std::int64_t deviceId, const std::string& date) {
  wire::DeviceConfig config;
  auto clinic = store.findClinic(clinicId);
  if (!clinic) return fail(clinic.error());
  if (!clinic.value()) return fail(ApiError{404, "", "the device's clinic no longer exists"});
  config.clinic = {clinic.value()->id, clinic.value()->name, clinic.value()->timeZone};
  config.deviceId = deviceId;
  config.date = date;

  auto clinicians = store.listClinicians(clinicId);  // by id
  if (!clinicians) return fail(clinicians.error());
  for (const auto& c : clinicians.value()) {
    if (!c.active) continue;
    auto role = core::parseRole(c.role);
    if (!role) {
      return fail(ApiError{
          500, "", "clinician " + c.id + " of clinic " + clinicId + " has no known role ('" + c.role + "')"});
    }
    config.roster.push_back({c.id, c.name, *role, c.pinHash});
  }

  if (auto docs = loadClinicDocuments(store, clinicId, config); !docs) return fail(docs.error());

  auto schedule = store.schedule(clinicId, date);
  if (!schedule) return fail(schedule.error());
  for (const auto& row : schedule.value()) {
    wire::ScheduleEntry e{row.time, row.mrn, row.initials, row.payer, std::nullopt, row.clinicianId};
    if (const std::string& d = row.discipline; !d.empty()) {
      e.discipline = core::parseDiscipline(d);
      if (!e.discipline) {
        return fail(ApiError{500, "",
                             "a schedule entry of clinic " + clinicId + " on " + date +
                                 " has no known discipline ('" + d + "')"});
      }
    }
    config.schedule.push_back(std::move(e));
  }

  ConfigDocument doc;
  doc.body = wire::toJson(config).dump();
  doc.etag = "\"" + sha256Hex(doc.body).substr(0, 32) + "\"";
  return doc;
}

}  // namespace unitclock::server
