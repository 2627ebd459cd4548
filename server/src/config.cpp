#include <unitclock/server/config.h>
#include <unitclock/server/secrets.h>
#include <nlohmann/json.hpp>

namespace unitclock::server {

bool isConfigDocumentName(std::string_view name) {
  return name == "payers" || name == "catalog" || name == "favourites";
}

core::Result<void, std::string> checkConfigDocument(std::string_view name, const nlohmann::json& doc) {
  auto message = [](const wire::Error& e) { return e.field + ": " + e.message; };
  if (name == "payers") {
    if (auto p = wire::parsePayersDocument(doc); !p) return fail(message(p.error()));
  } else if (name == "catalog") {
    if (auto c = wire::parseCatalogDocument(doc); !c) return fail(message(c.error()));
  } else if (name == "favourites") {
    if (auto f = wire::parseFavouritesDocument(doc); !f) return fail(message(f.error()));
  } else {
    return fail("no document " + std::string(name));
  }
  return {};
}

Result<void> loadClinicDocuments(sql::Database& db, const std::string& clinicId, wire::DeviceConfig& config) {
  auto d = db.prepare("SELECT name, body FROM clinic_documents WHERE clinic_id = ?1 ORDER BY name");
  if (!d) return fail(storageError(d.error()));
  if (!d->bind(1, clinicId)) return fail(ApiError{500, "", "cannot bind"});
  while (true) {
    auto r = d->step();
    if (!r) return fail(storageError(r.error()));
    if (!r.value()) break;
    const std::string name = d->columnText(0);
    const auto doc = nlohmann::json::parse(d->columnText(1), nullptr, false);
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

Result<ConfigDocument> deviceConfig(sql::Database& db, const std::string& clinicId, std::int64_t deviceId,
                                    const std::string& date) {
  wire::DeviceConfig config;
  auto c = db.prepare("SELECT id, name, timezone FROM clinics WHERE id = ?1");
  if (!c) return fail(storageError(c.error()));
  if (!c->bind(1, clinicId)) return fail(ApiError{500, "", "cannot bind"});
  auto row = c->step();
  if (!row) return fail(storageError(row.error()));
  if (!row.value()) return fail(ApiError{404, "", "the device's clinic no longer exists"});
  config.clinic = {c->columnText(0), c->columnText(1), c->columnText(2)};
  config.deviceId = deviceId;
  config.date = date;

  auto q = db.prepare(
      "SELECT id, name, role, pin_hash FROM clinicians WHERE clinic_id = ?1 AND active = 1 ORDER BY id");
  if (!q) return fail(storageError(q.error()));
  if (!q->bind(1, clinicId)) return fail(ApiError{500, "", "cannot bind"});
  while (true) {
    auto r = q->step();
    if (!r) return fail(storageError(r.error()));
    if (!r.value()) break;
    auto role = core::parseRole(q->columnText(2));
    if (!role) {
      return fail(ApiError{500, "",
                           "clinician " + q->columnText(0) + " of clinic " + clinicId +
                               " has no known role ('" + q->columnText(2) + "')"});
    }
    config.roster.push_back({q->columnText(0), q->columnText(1), *role, q->columnText(3)});
  }

  if (auto docs = loadClinicDocuments(db, clinicId, config); !docs) return fail(docs.error());

  auto s = db.prepare(
      "SELECT time, mrn, initials, payer, discipline, clinician_id FROM schedule WHERE clinic_id = ?1 AND "
      "date = ?2 ORDER BY time, id");
  if (!s) return fail(storageError(s.error()));
  if (!s->bind(1, clinicId) || !s->bind(2, date)) return fail(ApiError{500, "", "cannot bind"});
  while (true) {
    auto r = s->step();
    if (!r) return fail(storageError(r.error()));
    if (!r.value()) break;
    wire::ScheduleEntry e{s->columnText(0), s->columnText(1), s->columnText(2),
                          s->columnText(3), std::nullopt,     s->columnText(5)};
    if (const std::string d = s->columnText(4); !d.empty()) {
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
