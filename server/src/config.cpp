#include <unitclock/server/config.h>
#include <unitclock/server/secrets.h>
#include <nlohmann/json.hpp>

namespace unitclock::server {

bool isConfigDocumentName(std::string_view name) {
  return name == "payers" || name == "catalog" || name == "favourites";
}

Result<ConfigDocument> deviceConfig(sql::Database& db, const std::string& clinicId, std::int64_t deviceId,
                                    const std::string& date) {
  using nlohmann::json;
  json out;
  auto c = db.prepare("SELECT id, name, timezone FROM clinics WHERE id = ?1");
  if (!c) return fail(storageError(c.error()));
  if (!c->bind(1, clinicId)) return fail(ApiError{500, "", "cannot bind"});
  auto row = c->step();
  if (!row) return fail(storageError(row.error()));
  if (!row.value()) return fail(ApiError{404, "", "the device's clinic no longer exists"});
  out["clinic"] = {{"id", c->columnText(0)}, {"name", c->columnText(1)}, {"timezone", c->columnText(2)}};
  out["device_id"] = deviceId;
  out["date"] = date;

  json roster = json::array();
  auto q = db.prepare(
      "SELECT id, name, role, pin_hash FROM clinicians WHERE clinic_id = ?1 AND active = 1 ORDER BY id");
  if (!q) return fail(storageError(q.error()));
  if (!q->bind(1, clinicId)) return fail(ApiError{500, "", "cannot bind"});
  while (true) {
    auto r = q->step();
    if (!r) return fail(storageError(r.error()));
    if (!r.value()) break;
    roster.push_back({{"id", q->columnText(0)},
                      {"name", q->columnText(1)},
                      {"role", q->columnText(2)},
                      {"pin_hash", q->columnText(3)}});
  }
  out["roster"] = roster;

  out["payers"] = json::array();
  out["catalog"] = nullptr;  // null: the device keeps its built-in catalog
  out["favourites"] = json::array();
  auto d = db.prepare("SELECT name, body FROM clinic_documents WHERE clinic_id = ?1 ORDER BY name");
  if (!d) return fail(storageError(d.error()));
  if (!d->bind(1, clinicId)) return fail(ApiError{500, "", "cannot bind"});
  while (true) {
    auto r = d->step();
    if (!r) return fail(storageError(r.error()));
    if (!r.value()) break;
    auto doc = json::parse(d->columnText(1), nullptr, false);
    if (!doc.is_discarded()) out[d->columnText(0)] = doc;
  }

  json schedule = json::array();
  auto s = db.prepare(
      "SELECT time, mrn, initials, payer, discipline, clinician_id FROM schedule WHERE clinic_id = ?1 AND "
      "date = ?2 "
      "ORDER BY time, id");
  if (!s) return fail(storageError(s.error()));
  if (!s->bind(1, clinicId) || !s->bind(2, date)) return fail(ApiError{500, "", "cannot bind"});
  while (true) {
    auto r = s->step();
    if (!r) return fail(storageError(r.error()));
    if (!r.value()) break;
    schedule.push_back({{"time", s->columnText(0)},
                        {"mrn", s->columnText(1)},
                        {"initials", s->columnText(2)},
                        {"payer", s->columnText(3)},
                        {"discipline", s->columnText(4)},
                        {"clinician", s->columnText(5)}});
  }
  out["schedule"] = schedule;

  ConfigDocument doc;
  doc.body = out.dump();
  doc.etag = "\"" + sha256Hex(doc.body).substr(0, 32) + "\"";
  return doc;
}

}  // namespace unitclock::server
