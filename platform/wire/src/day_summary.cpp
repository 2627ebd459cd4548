#include <unitclock/platform/wire/day_summary.h>

namespace unitclock::wire {

using nlohmann::json;

namespace {

// Reading: a missing key keeps the default; a key of the wrong type is an error naming it.
class Reader {
 public:
  Reader(const json& j, std::string prefix) : m_j(j), m_prefix(std::move(prefix)) {}
  std::optional<Error> error;

  template <class T>
  void get(const char* key, T& out) {
    if (error) return;
    auto it = m_j.find(key);
    if (it == m_j.end() || it->is_null()) return;
    try {
      out = it->get<T>();
    } catch (const json::exception&) {
      error = Error{m_prefix + key, "has the wrong type"};
    }
  }
  template <class T, class Parse>
  void getEnum(const char* key, T& out, Parse parse) {
    std::string text;
    get(key, text);
    if (error || text.empty()) return;
    if (auto v = parse(text)) {
      out = *v;
    } else {
      error = Error{m_prefix + key, "'" + text + "' is not a known value"};
    }
  }
  template <class T, class ParseOne>
  void list(const char* key, std::vector<T>& out, ParseOne parseOne) {
    if (error) return;
    auto it = m_j.find(key);
    if (it == m_j.end() || it->is_null()) return;
    if (!it->is_array()) {
      error = Error{m_prefix + key, "must be an array"};
      return;
    }
    for (std::size_t i = 0; i < it->size(); ++i) {
      const auto& item = (*it)[i];
      const std::string path = m_prefix + key + "[" + std::to_string(i) + "].";
      if (!item.is_object()) {
        error = Error{path.substr(0, path.size() - 1), "must be an object"};
        return;
      }
      Reader r(item, path);
      T value;
      parseOne(r, value);
      if (r.error) {
        error = r.error;
        return;
      }
      out.push_back(std::move(value));
    }
  }
  const json& object() const { return m_j; }

 private:
  const json& m_j;
  std::string m_prefix;
};

json session(const SummarySession& s) {
  return json{{"id", s.id},
              {"status", std::string(core::toString(s.status))},
              {"revision", s.revision},
              {"rendering_clinician", s.renderingClinician}};
}

void readSession(Reader& r, SummarySession& s) {
  r.get("id", s.id);
  r.getEnum("status", s.status, core::parseSessionStatus);
  r.get("revision", s.revision);
  r.get("rendering_clinician", s.renderingClinician);
}

}  // namespace

json toJson(const DaySummary& d) {
  json out;
  out["clinic"] = d.clinic;
  out["date"] = d.date;
  out["sessions"] = d.sessions;
  out["totals"] = {{"units", d.totalUnits},
                   {"timed_minutes", d.totalTimedMinutes},
                   {"treatment_minutes", d.totalTreatmentMinutes}};
  json clinicians = json::array();
  for (const auto& c : d.clinicians) {
    clinicians.push_back({{"id", c.id},
                          {"name", c.name},
                          {"sessions", c.sessions},
                          {"timed_minutes", c.timedMinutes},
                          {"treatment_minutes", c.treatmentMinutes},
                          {"clock_minutes", c.clockMinutes},
                          {"units", c.units},
                          {"units_per_hour", c.unitsPerHour},
                          {"flags", c.flags}});
  }
  out["clinicians"] = std::move(clinicians);
  json patients = json::array();
  for (const auto& p : d.patients) {
    json pj{{"mrn", p.mrn},
            {"initials", p.initials},
            {"discipline", std::string(core::toString(p.discipline))},
            {"payer", p.payer},
            {"rendering_clinician", p.renderingClinician},
            {"sessions", p.sessions},
            {"signed_sessions", p.signedSessions},
            {"diagnoses", p.diagnoses},
            {"recomputed", p.recomputed},
            {"device_units", p.deviceUnits},
            {"server_units", p.serverUnits},
            {"flags", p.flags},
            {"held", p.held}};
    if (p.server) {
      const auto& s = *p.server;
      json lines = json::array();
      for (const auto& l : s.lines)
        lines.push_back({{"code", l.code}, {"units", l.units}, {"modifiers", l.modifiers}});
      json warnings = json::array();
      for (const auto& w : s.warnings)
        warnings.push_back({{"id", w.id}, {"message", w.message}, {"code", w.code}});
      pj["server"] = {{"rule", std::string(core::toString(s.rule))},
                      {"total_units", s.totalUnits},
                      {"total_timed_minutes", s.totalTimedMinutes},
                      {"total_treatment_minutes", s.totalTreatmentMinutes},
                      {"lines", std::move(lines)},
                      {"zero_unit_codes", s.zeroUnitCodes},
                      {"warnings", std::move(warnings)}};
    }
    patients.push_back(std::move(pj));
  }
  out["patients"] = std::move(patients);
  json unsignedSessions = json::array(), voided = json::array();
  for (const auto& s : d.unsignedSessions) unsignedSessions.push_back(session(s));
  for (const auto& s : d.voided) voided.push_back(session(s));
  out["unsigned"] = std::move(unsignedSessions);
  out["voided"] = std::move(voided);
  json rejected = json::array();
  for (const auto& x : d.rejected) {
    rejected.push_back({{"session_id", x.sessionId},
                        {"status", x.status},
                        {"field", x.field},
                        {"message", x.message},
                        {"received_at", x.receivedAt},
                        {"device_id", x.deviceId}});
  }
  out["rejected"] = std::move(rejected);
  json held = json::array(), released = json::array();
  for (const auto& h : d.held) {
    held.push_back({{"patient_mrn", h.patientMrn},
                    {"discipline", std::string(core::toString(h.discipline))},
                    {"flags", h.flags},
                    {"sessions", h.sessions}});
  }
  for (const auto& r : d.released) {
    released.push_back({{"id", r.id},
                        {"patient_mrn", r.patientMrn},
                        {"discipline", std::string(core::toString(r.discipline))},
                        {"flags", r.flags},
                        {"reason", r.reason},
                        {"released_by", r.releasedBy},
                        {"released_at", r.releasedAt}});
  }
  out["held"] = std::move(held);
  out["released"] = std::move(released);
  json flags = json::array();
  for (const auto& f : d.flags) {
    flags.push_back({{"id", f.id},
                     {"message", f.message},
                     {"clinician", f.clinician},
                     {"patient_mrn", f.patientMrn},
                     {"discipline", f.discipline},
                     {"sessions", f.sessions}});
  }
  out["flags"] = std::move(flags);
  return out;
}

Result<DaySummary> parseDaySummary(const json& j) {
  if (!j.is_object()) return core::fail(Error{"", "the day summary must be a JSON object"});
  DaySummary d;
  Reader r(j, "");
  r.get("clinic", d.clinic);
  r.get("date", d.date);
  r.get("sessions", d.sessions);
  if (auto it = j.find("totals"); it != j.end() && it->is_object()) {
    Reader t(*it, "totals.");
    t.get("units", d.totalUnits);
    t.get("timed_minutes", d.totalTimedMinutes);
    t.get("treatment_minutes", d.totalTreatmentMinutes);
    if (t.error) return core::fail(*t.error);
  }
  r.list("clinicians", d.clinicians, [](Reader& c, SummaryClinician& v) {
    c.get("id", v.id);
    c.get("name", v.name);
    c.get("sessions", v.sessions);
    c.get("timed_minutes", v.timedMinutes);
    c.get("treatment_minutes", v.treatmentMinutes);
    c.get("clock_minutes", v.clockMinutes);
    c.get("units", v.units);
    c.get("units_per_hour", v.unitsPerHour);
    c.get("flags", v.flags);
  });
  r.list("patients", d.patients, [](Reader& p, SummaryPatient& v) {
    p.get("mrn", v.mrn);
    p.get("initials", v.initials);
    p.getEnum("discipline", v.discipline, core::parseDiscipline);
    p.get("payer", v.payer);
    p.get("rendering_clinician", v.renderingClinician);
    p.get("sessions", v.sessions);
    p.get("signed_sessions", v.signedSessions);
    p.get("diagnoses", v.diagnoses);
    p.get("recomputed", v.recomputed);
    p.get("device_units", v.deviceUnits);
    p.get("server_units", v.serverUnits);
    p.get("flags", v.flags);
    p.get("held", v.held);
    auto it = p.object().find("server");
    if (it == p.object().end() || !it->is_object()) return;
    Reader s(*it, "server.");
    SummaryComputation c;
    s.getEnum("rule", c.rule, core::parseUnitRule);
    s.get("total_units", c.totalUnits);
    s.get("total_timed_minutes", c.totalTimedMinutes);
    s.get("total_treatment_minutes", c.totalTreatmentMinutes);
    s.get("zero_unit_codes", c.zeroUnitCodes);
    s.list("lines", c.lines, [](Reader& l, SummaryLine& line) {
      l.get("code", line.code);
      l.get("units", line.units);
      l.get("modifiers", line.modifiers);
    });
    s.list("warnings", c.warnings, [](Reader& w, SummaryWarning& warning) {
      w.get("id", warning.id);
      w.get("message", warning.message);
      w.get("code", warning.code);
    });
    if (s.error) {
      p.error = s.error;
      return;
    }
    v.server = std::move(c);
  });
  r.list("unsigned", d.unsignedSessions, readSession);
  r.list("voided", d.voided, readSession);
  r.list("rejected", d.rejected, [](Reader& x, SummaryRejection& v) {
    x.get("session_id", v.sessionId);
    x.get("status", v.status);
    x.get("field", v.field);
    x.get("message", v.message);
    x.get("received_at", v.receivedAt);
    x.get("device_id", v.deviceId);
  });
  r.list("held", d.held, [](Reader& h, SummaryHold& v) {
    h.get("patient_mrn", v.patientMrn);
    h.getEnum("discipline", v.discipline, core::parseDiscipline);
    h.get("flags", v.flags);
    h.get("sessions", v.sessions);
  });
  r.list("released", d.released, [](Reader& x, SummaryRelease& v) {
    x.get("id", v.id);
    x.get("patient_mrn", v.patientMrn);
    x.getEnum("discipline", v.discipline, core::parseDiscipline);
    x.get("flags", v.flags);
    x.get("reason", v.reason);
    x.get("released_by", v.releasedBy);
    x.get("released_at", v.releasedAt);
  });
  r.list("flags", d.flags, [](Reader& f, SummaryFlag& v) {
    f.get("id", v.id);
    f.get("message", v.message);
    f.get("clinician", v.clinician);
    f.get("patient_mrn", v.patientMrn);
    f.get("discipline", v.discipline);
    f.get("sessions", v.sessions);
  });
  if (r.error) return core::fail(*r.error);
  return d;
}

}  // namespace unitclock::wire
