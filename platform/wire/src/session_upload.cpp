#include <unitclock/platform/session_json.h>
#include <unitclock/platform/wire/session_upload.h>
#include <algorithm>
#include <cctype>
#include <charconv>

namespace unitclock::wire {
namespace {

using core::fail;
using nlohmann::json;

Error badRequest(std::string field, std::string message) {
  return Error{std::move(field), std::move(message)};
}
core::Failure<Error> reject(std::string field, std::string message) {
  return fail(badRequest(std::move(field), std::move(message)));
}

// Digits only: from_chars alone would take "-1" (a clock field of T-1:-1:-1Z).
bool parseInt(std::string_view s, int& out) {
  if (s.empty()) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc{} && p == s.data() + s.size();
}

// Field access helpers: each returns an ApiError naming the field path.
class Fields {
 public:
  Fields(const json& obj, std::string prefix) : m_obj(obj), m_prefix(std::move(prefix)) {}

  std::string path(std::string_view key) const { return m_prefix + std::string(key); }

  // Ids, codes, MRNs and names: no control characters (they would end up in HL7, CSV, logs and
  // terminals). Free text (`reason`) passes `freeText` and may hold line breaks and tabs only.
  std::optional<Error> string(std::string_view key, std::string& out, bool required, std::size_t maxLen = 200,
                              bool freeText = false) const {
    auto it = m_obj.find(key);
    if (it == m_obj.end() || it->is_null()) {
      if (required) return badRequest(path(key), "is required");
      return std::nullopt;
    }
    if (!it->is_string()) return badRequest(path(key), "must be a string");
    out = it->get<std::string>();
    if (required && out.empty()) return badRequest(path(key), "must not be empty");
    if (out.size() > maxLen) return badRequest(path(key), "is too long");
    for (char ch : out) {
      const auto c = static_cast<unsigned char>(ch);
      const bool allowedInText = freeText && (c == '\n' || c == '\t');
      if ((c < 0x20 || c == 0x7F) && !allowedInText)
        return badRequest(path(key), "must not hold control characters");
    }
    return std::nullopt;
  }

  // Refuses keys the format does not have: whatever a device sends is stored, so an unknown key would be
  // a place for data nobody reviews.
  std::optional<Error> onlyKeys(std::initializer_list<std::string_view> known) const {
    for (const auto& [key, value] : m_obj.items()) {
      if (std::find(known.begin(), known.end(), key) == known.end())
        return badRequest(path(key), "is not a field of API v1");
    }
    return std::nullopt;
  }

  std::optional<Error> integer(std::string_view key, int& out, bool required, int lo, int hi) const {
    auto it = m_obj.find(key);
    if (it == m_obj.end() || it->is_null()) {
      if (required) return badRequest(path(key), "is required");
      return std::nullopt;
    }
    if (!it->is_number_integer()) return badRequest(path(key), "must be an integer");
    auto v = it->get<long long>();
    if (v < lo || v > hi) {
      return badRequest(path(key), "must be between " + std::to_string(lo) + " and " + std::to_string(hi));
    }
    out = static_cast<int>(v);
    return std::nullopt;
  }

  std::optional<Error> timestamp(std::string_view key, std::optional<WireTime>& out, bool required) const {
    std::string text;
    if (auto e = string(key, text, required)) return e;
    if (text.empty()) return std::nullopt;
    out = parseUtcTimestamp(text);
    if (!out) return badRequest(path(key), "must be a UTC timestamp like 2026-11-26T14:03:00Z");
    return std::nullopt;
  }

  std::optional<Error> date(std::string_view key, std::string& out, bool required) const {
    if (auto e = string(key, out, required)) return e;
    if (!out.empty() && !isCalendarDate(out)) return badRequest(path(key), "must be a date like 2026-11-26");
    return std::nullopt;
  }

  const json* array(std::string_view key, bool required, std::optional<Error>& err) const {
    auto it = m_obj.find(key);
    if (it == m_obj.end() || it->is_null()) {
      if (required) err = badRequest(path(key), "is required");
      return nullptr;
    }
    if (!it->is_array()) {
      err = badRequest(path(key), "must be an array");
      return nullptr;
    }
    return &*it;
  }

 private:
  const json& m_obj;
  std::string m_prefix;
};

bool isCode(std::string_view s) {
  if (s.empty() || s.size() > 8) return false;
  for (char c : s)
    if (!std::isalnum(static_cast<unsigned char>(c))) return false;
  return true;
}

bool isDiagnosis(std::string_view s) {  // ICD-10: letters, digits and a dot
  if (s.empty() || s.size() > 8) return false;
  for (char c : s)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.') return false;
  return true;
}

std::size_t utf8Length(std::string_view s) {
  std::size_t n = 0;
  for (char c : s)
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++n;
  return n;
}

}  // namespace

std::size_t jsonNestingDepth(std::string_view text, std::size_t stopAt) {
  std::size_t depth = 0, deepest = 0;
  bool inString = false, escaped = false;
  for (char c : text) {
    if (inString) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        inString = false;
      }
      continue;
    }
    if (c == '"') {
      inString = true;
    } else if (c == '[' || c == '{') {
      deepest = std::max(deepest, ++depth);
      if (deepest >= stopAt) return deepest;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return deepest;
}

Result<nlohmann::json> parseJsonBody(std::string_view body) {
  if (jsonNestingDepth(body) > Limits::kMaxJsonDepth) {
    return reject("", "the body nests deeper than " + std::to_string(Limits::kMaxJsonDepth) + " levels");
  }
  json j = json::parse(body.begin(), body.end(), nullptr, false);
  if (j.is_discarded()) return reject("", "the body is not valid JSON");
  return j;
}

bool isCalendarDate(std::string_view t) {
  if (t.size() != 10 || t[4] != '-' || t[7] != '-') return false;
  int y = 0, m = 0, d = 0;
  if (!parseInt(t.substr(0, 4), y) || !parseInt(t.substr(5, 2), m) || !parseInt(t.substr(8, 2), d))
    return false;
  std::chrono::year_month_day ymd{std::chrono::year{y}, std::chrono::month{static_cast<unsigned>(m)},
                                  std::chrono::day{static_cast<unsigned>(d)}};
  return y >= 2000 && y <= 2200 && ymd.ok();
}

bool isSessionId(std::string_view t) {
  if (t.size() != 36) return false;
  for (std::size_t i = 0; i < t.size(); ++i) {
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (t[i] != '-') return false;
    } else if (!std::isdigit(static_cast<unsigned char>(t[i])) && (t[i] < 'a' || t[i] > 'f')) {
      return false;
    }
  }
  return true;
}

std::optional<WireTime> parseUtcTimestamp(std::string_view t) {
  return platform::parseWallTime(t);
}

std::string formatUtcTimestamp(WireTime t) {
  auto day = std::chrono::floor<std::chrono::days>(t);
  std::chrono::year_month_day ymd{day};
  std::chrono::hh_mm_ss hms{t - day};
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02ld:%02ld:%02ld", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                static_cast<long>(hms.hours().count()), static_cast<long>(hms.minutes().count()),
                static_cast<long>(hms.seconds().count()));
  std::string out = buf;
  if (auto ms = hms.subseconds().count(); ms != 0) {
    std::snprintf(buf, sizeof buf, ".%03ld", static_cast<long>(ms));
    out += buf;
  }
  return out + "Z";
}

// [SECTION] Parsing an upload

Result<SessionUpload> parseSessionUploadBody(std::string_view body, std::string_view pathId) {
  auto j = parseJsonBody(body);
  if (!j) return fail(j.error());
  return parseSessionUpload(*j, pathId);
}

namespace {

std::optional<Error> parseSegment(const json& sj, const std::string& prefix, const SessionUpload& s,
                                  Segment& seg) {
  Fields sf(sj, prefix);
  if (auto e = sf.onlyKeys({"code", "performer", "clinician", "mode", "start", "end", "date"})) return e;
  if (auto e = sf.string("code", seg.code, true, 8)) return e;
  if (!isCode(seg.code)) return badRequest(prefix + "code", "must be a procedure code");
  std::string performer = "therapist";
  if (auto e = sf.string("performer", performer, false, 16)) return e;
  auto p = core::parsePerformer(performer);
  if (!p) return badRequest(prefix + "performer", "must be therapist or assistant");
  seg.performer = *p;
  if (auto e = sf.string("clinician", seg.clinician, false, 64)) return e;
  if (seg.clinician.empty()) seg.clinician = s.renderingClinician;
  std::string mode = "one_on_one";
  if (auto e = sf.string("mode", mode, false, 16)) return e;
  auto m = core::parseActivityMode(mode);
  if (!m) return badRequest(prefix + "mode", "must be one_on_one, group or co_treatment");
  seg.mode = *m;
  std::optional<WireTime> start, end;
  if (auto e = sf.timestamp("start", start, true)) return e;
  if (auto e = sf.timestamp("end", end, true)) return e;
  seg.start = *start;
  seg.end = *end;
  if (seg.end < seg.start) return badRequest(prefix + "end", "is before start");
  if (seg.end - seg.start > std::chrono::hours{25})  // one calendar day: 25 hours when clocks fall back
    return badRequest(prefix + "end", "is more than one calendar day after start");
  if (auto e = sf.date("date", seg.date, false)) return e;
  if (seg.date.empty()) seg.date = s.serviceDate;
  return std::nullopt;
}

std::optional<Error> parseUntimed(const json& uj, const std::string& prefix, const SessionUpload& s,
                                  Untimed& u) {
  Fields uf(uj, prefix);
  if (auto e = uf.onlyKeys({"code", "minutes", "assistant_minutes", "clinician", "date"})) return e;
  if (auto e = uf.string("code", u.code, true, 8)) return e;
  if (!isCode(u.code)) return badRequest(prefix + "code", "must be a procedure code");
  int minutes = 0, assistant = 0;
  if (auto e = uf.integer("minutes", minutes, false, 0, 24 * 60)) return e;
  if (auto e = uf.integer("assistant_minutes", assistant, false, 0, minutes)) return e;
  u.minutes = std::chrono::minutes{minutes};
  u.assistantMinutes = std::chrono::minutes{assistant};
  if (auto e = uf.string("clinician", u.clinician, false, 64)) return e;
  if (u.clinician.empty()) u.clinician = s.renderingClinician;
  if (auto e = uf.date("date", u.date, false)) return e;
  if (u.date.empty()) u.date = s.serviceDate;
  return std::nullopt;
}

std::optional<Error> parseLine(const json& lj, const std::string& prefix, const SessionUpload& s,
                               Line& line) {
  Fields lf(lj, prefix);
  if (auto e = lf.onlyKeys({"code", "units", "modifiers", "date"})) return e;
  if (auto e = lf.string("code", line.code, true, 8)) return e;
  if (!isCode(line.code)) return badRequest(prefix + "code", "must be a procedure code");
  if (auto e = lf.integer("units", line.units, true, 0, 96)) return e;
  std::optional<Error> err;
  if (const json* mods = lf.array("modifiers", false, err)) {
    if (mods->size() > 4) return badRequest(prefix + "modifiers", "holds at most 4 modifiers");
    for (std::size_t k = 0; k < mods->size(); ++k) {
      const auto& m = (*mods)[k];
      if (!m.is_string() || m.get_ref<const std::string&>().size() != 2 ||
          !isCode(m.get_ref<const std::string&>())) {
        return badRequest(prefix + "modifiers[" + std::to_string(k) + "]",
                          "must be a two-character modifier");
      }
      line.modifiers.push_back(m.get<std::string>());
    }
  } else if (err) {
    return err;
  }
  if (auto e = lf.date("date", line.date, false)) return e;
  if (line.date.empty()) line.date = s.serviceDate;
  return std::nullopt;
}

// Parses each element of the array `key` with `parseOne`, refusing more than `max`.
template <class T, class ParseOne>
std::optional<Error> parseList(const Fields& f, const json& j, const char* key, bool required,
                               std::size_t max, const char* what, std::vector<T>& out, ParseOne parseOne) {
  std::optional<Error> err;
  const json* list = f.array(key, required, err);
  if (!list) return err;
  if (list->size() > max) return badRequest(key, "holds at most " + std::to_string(max) + " " + what);
  (void)j;
  for (std::size_t i = 0; i < list->size(); ++i) {
    const std::string item = std::string(key) + "[" + std::to_string(i) + "]";
    if (!(*list)[i].is_object()) return badRequest(item, "must be an object");
    T value;
    if (auto e = parseOne((*list)[i], item + ".", value)) return e;
    out.push_back(std::move(value));
  }
  return std::nullopt;
}

}  // namespace

Result<SessionUpload> parseSessionUpload(const json& j, std::string_view pathId) {
  if (!j.is_object()) return reject("", "the body must be a JSON object");
  SessionUpload s;
  Fields f(j, "");
  if (auto e = f.onlyKeys({"id",
                           "revision",
                           "reason",
                           "rules_version",
                           "status",
                           "service_date",
                           "patient",
                           "payer",
                           "discipline",
                           "place_of_service",
                           "telehealth",
                           "diagnoses",
                           "rendering_clinician",
                           "clinicians",
                           "started_at",
                           "ended_at",
                           "events",
                           "segments",
                           "untimed",
                           "lines"})) {
    return fail(*e);
  }
  if (auto e = f.string("id", s.id, true, 36)) return fail(*e);
  if (!isSessionId(s.id)) return reject("id", "must be a session UUID in lower case");
  if (s.id != pathId) return reject("id", "does not match the session id in the URL");
  if (auto e = f.integer("revision", s.revision, true, 1, Limits::kMaxRevision)) return fail(*e);
  if (auto e = f.string("reason", s.reason, false, 2000, /*freeText=*/true)) return fail(*e);
  if (s.revision > 1 && s.reason.empty()) return reject("reason", "is required for revision 2 and later");
  if (auto e = f.string("rules_version", s.rulesVersion, true, 64)) return fail(*e);
  std::string status;
  if (auto e = f.string("status", status, true, 16)) return fail(*e);
  auto parsedStatus = core::parseSessionStatus(status);
  if (!parsedStatus || *parsedStatus == core::SessionStatus::synced)
    return reject("status", "must be one of open, ended, signed, voided");
  s.status = *parsedStatus;
  if (auto e = f.date("service_date", s.serviceDate, true)) return fail(*e);

  auto pit = j.find("patient");
  if (pit == j.end() || !pit->is_object()) return reject("patient", "is required and must be an object");
  Fields pf(*pit, "patient.");
  if (auto e = pf.onlyKeys({"mrn", "initials"})) return fail(*e);
  if (auto e = pf.string("mrn", s.patient.mrn, true, 64)) return fail(*e);
  if (auto e = pf.string("initials", s.patient.initials, false, 4 * Limits::kMaxInitialsChars))
    return fail(*e);
  if (utf8Length(s.patient.initials) > Limits::kMaxInitialsChars) {
    return reject("patient.initials",
                  "holds at most " + std::to_string(Limits::kMaxInitialsChars) + " characters");
  }

  if (auto e = f.string("payer", s.payer, true, 64)) return fail(*e);
  std::string discipline;
  if (auto e = f.string("discipline", discipline, true, 8)) return fail(*e);
  auto d = core::parseDiscipline(discipline);
  if (!d) return reject("discipline", "must be one of ot, pt, slp");
  s.discipline = *d;
  s.placeOfService.clear();
  if (auto e = f.string("place_of_service", s.placeOfService, false, 2)) return fail(*e);
  if (s.placeOfService.empty()) s.placeOfService = "11";
  if (auto it = j.find("telehealth"); it != j.end() && !it->is_null()) {
    if (!it->is_boolean()) return reject("telehealth", "must be true or false");
    s.telehealth = it->get<bool>();
  }
  std::optional<Error> err;
  if (const json* dx = f.array("diagnoses", false, err)) {
    if (dx->size() > 4) return reject("diagnoses", "holds at most 4 codes");
    for (std::size_t i = 0; i < dx->size(); ++i) {
      const auto& code = (*dx)[i];
      if (!code.is_string() || !isDiagnosis(code.get_ref<const std::string&>())) {
        return reject("diagnoses[" + std::to_string(i) + "]", "must be an ICD-10 code");
      }
      s.diagnoses.push_back(code.get<std::string>());
    }
  } else if (err) {
    return fail(*err);
  }
  if (auto e = f.string("rendering_clinician", s.renderingClinician, true, 64)) return fail(*e);
  if (const json* cl = f.array("clinicians", false, err)) {
    if (cl->size() > Limits::kMaxClinicians)
      return reject("clinicians", "holds at most " + std::to_string(Limits::kMaxClinicians) + " ids");
    for (std::size_t i = 0; i < cl->size(); ++i) {
      const std::string path = "clinicians[" + std::to_string(i) + "]";
      if (!(*cl)[i].is_string()) return reject(path, "must be a string");
      const auto& id = (*cl)[i].get_ref<const std::string&>();
      if (id.empty() || id.size() > 64 || std::any_of(id.begin(), id.end(), [](char c) {
            return static_cast<unsigned char>(c) < 0x20 || c == 0x7F;
          })) {
        return reject(path, "must be a clinician id");
      }
      s.clinicians.push_back(id);
    }
  } else if (err) {
    return fail(*err);
  }
  if (auto e = f.timestamp("started_at", s.startedAt, false)) return fail(*e);
  if (auto e = f.timestamp("ended_at", s.endedAt, false)) return fail(*e);

  if (const json* ev = f.array("events", true, err)) {
    if (ev->empty()) return reject("events", "must hold the session's log, from session_opened on");
    if (ev->size() > Limits::kMaxEvents)
      return reject("events", "holds at most " + std::to_string(Limits::kMaxEvents) + " events");
    s.events.reserve(ev->size());
    std::size_t edits = 0;
    for (std::size_t i = 0; i < ev->size(); ++i) {
      auto event = platform::eventFromJson((*ev)[i]);
      const std::string path = "events[" + std::to_string(i) + "]";
      if (!event) {
        return reject(event.error().field.empty() ? path : path + "." + event.error().field,
                      event.error().message);
      }
      if (core::isSegmentCorrection(event->type) && ++edits > Limits::kMaxSegmentEdits)
        return reject(path, "is one segment correction more than the " +
                                std::to_string(Limits::kMaxSegmentEdits) + " a session may hold");
      s.events.push_back(std::move(event).value());
    }
  } else {
    return fail(*err);
  }

  if (auto e = parseList(
          f, j, "segments", true, Limits::kMaxSegments, "segments", s.segments,
          [&](const json& o, const std::string& p, Segment& v) { return parseSegment(o, p, s, v); }))
    return fail(*e);
  if (auto e = parseList(
          f, j, "untimed", false, Limits::kMaxUntimed, "services", s.untimed,
          [&](const json& o, const std::string& p, Untimed& v) { return parseUntimed(o, p, s, v); }))
    return fail(*e);
  if (auto e = parseList(f, j, "lines", true, Limits::kMaxLines, "lines", s.lines,
                         [&](const json& o, const std::string& p, Line& v) { return parseLine(o, p, s, v); }))
    return fail(*e);
  return s;
}

// [SECTION] Writing an upload

json toJson(const SessionUpload& s) {
  json j;
  j["id"] = s.id;
  j["revision"] = s.revision;
  if (s.revision > 1 || !s.reason.empty()) j["reason"] = s.reason;
  j["rules_version"] = s.rulesVersion;
  const auto status = s.status == core::SessionStatus::synced ? core::SessionStatus::signed_ : s.status;
  j["status"] = std::string(core::toString(status));
  j["service_date"] = s.serviceDate;
  j["patient"] = {{"mrn", s.patient.mrn}, {"initials", s.patient.initials}};
  j["payer"] = s.payer;
  j["discipline"] = std::string(core::toString(s.discipline));
  j["place_of_service"] = s.placeOfService;
  j["telehealth"] = s.telehealth;
  j["diagnoses"] = s.diagnoses;
  j["rendering_clinician"] = s.renderingClinician;
  j["clinicians"] = s.clinicians;
  if (s.startedAt) j["started_at"] = platform::formatWallTime(*s.startedAt);
  if (s.endedAt) j["ended_at"] = platform::formatWallTime(*s.endedAt);
  json events = json::array();
  for (const auto& e : s.events) events.push_back(platform::eventJson<json>(e));
  j["events"] = std::move(events);
  json segments = json::array();
  for (const auto& seg : s.segments) {
    segments.push_back({{"code", seg.code},
                        {"performer", std::string(core::toString(seg.performer))},
                        {"clinician", seg.clinician},
                        {"mode", std::string(core::toString(seg.mode))},
                        {"start", platform::formatWallTime(seg.start)},
                        {"end", platform::formatWallTime(seg.end)},
                        {"date", seg.date}});
  }
  j["segments"] = std::move(segments);
  json untimed = json::array();
  for (const auto& u : s.untimed) {
    untimed.push_back({{"code", u.code},
                       {"minutes", u.minutes.count()},
                       {"assistant_minutes", u.assistantMinutes.count()},
                       {"clinician", u.clinician},
                       {"date", u.date}});
  }
  j["untimed"] = std::move(untimed);
  json lines = json::array();
  for (const auto& l : s.lines)
    lines.push_back({{"code", l.code}, {"units", l.units}, {"modifiers", l.modifiers}, {"date", l.date}});
  j["lines"] = std::move(lines);
  return j;
}

core::SessionHeader headerOf(const SessionUpload& s, std::string clinicId, std::string deviceId) {
  core::SessionHeader h;
  h.id = s.id;
  h.clinicId = std::move(clinicId);
  h.deviceId = std::move(deviceId);
  h.patient = s.patient;
  h.payerProfile = s.payer;
  h.discipline = s.discipline;
  h.placeOfService = s.placeOfService;
  h.telehealth = s.telehealth;
  h.renderingClinicianId = s.renderingClinician;
  // The header's diagnoses are those chosen at creation; diagnoses_set events in the log replace them, so
  // the log replays to the session's diagnoses either way.
  h.diagnoses = s.diagnoses;
  return h;
}

}  // namespace unitclock::wire
