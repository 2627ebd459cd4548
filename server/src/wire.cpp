#include <unitclock/server/wire.h>
#include <algorithm>
#include <cctype>
#include <charconv>

namespace unitclock::server {
namespace {

using nlohmann::json;

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
  std::optional<ApiError> string(std::string_view key, std::string& out, bool required,
                                 std::size_t maxLen = 200, bool freeText = false) const {
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
  std::optional<ApiError> onlyKeys(std::initializer_list<std::string_view> known) const {
    for (const auto& [key, value] : m_obj.items()) {
      if (std::find(known.begin(), known.end(), key) == known.end())
        return badRequest(path(key), "is not a field of API v1");
    }
    return std::nullopt;
  }

  std::optional<ApiError> integer(std::string_view key, int& out, bool required, int lo, int hi) const {
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

  std::optional<ApiError> timestamp(std::string_view key, std::optional<WireTime>& out, bool required) const {
    std::string text;
    if (auto e = string(key, text, required)) return e;
    if (text.empty()) return std::nullopt;
    out = parseUtcTimestamp(text);
    if (!out) return badRequest(path(key), "must be a UTC timestamp like 2026-11-26T14:03:00Z");
    return std::nullopt;
  }

  std::optional<ApiError> date(std::string_view key, std::string& out, bool required) const {
    if (auto e = string(key, out, required)) return e;
    if (!out.empty() && !isCalendarDate(out)) return badRequest(path(key), "must be a date like 2026-11-26");
    return std::nullopt;
  }

  const json* array(std::string_view key, bool required, std::optional<ApiError>& err) const {
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
  if (jsonNestingDepth(body) > WireLimits::kMaxJsonDepth) {
    return reject("", "the body nests deeper than " + std::to_string(WireLimits::kMaxJsonDepth) + " levels");
  }
  json j = json::parse(body.begin(), body.end(), nullptr, false);
  if (j.is_discarded()) return reject("", "the body is not valid JSON");
  return j;
}

std::string_view toString(Performer p) {
  return p == Performer::Therapist ? "therapist" : "assistant";
}

std::string_view toString(Mode m) {
  switch (m) {
    case Mode::OneOnOne:
      return "one_on_one";
    case Mode::Group:
      return "group";
    case Mode::CoTreatment:
      return "co_treatment";
  }
  return "one_on_one";
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
    } else if (!std::isxdigit(static_cast<unsigned char>(t[i]))) {
      return false;
    }
  }
  return true;
}

std::optional<WireTime> parseUtcTimestamp(std::string_view t) {
  // YYYY-MM-DDTHH:MM:SS[.fff]Z
  if (t.size() < 20 || t.back() != 'Z' || (t[10] != 'T' && t[10] != 't') || t[13] != ':' || t[16] != ':') {
    return std::nullopt;
  }
  if (!isCalendarDate(t.substr(0, 10))) return std::nullopt;
  int hh = 0, mm = 0, ss = 0;
  if (!parseInt(t.substr(11, 2), hh) || !parseInt(t.substr(14, 2), mm) || !parseInt(t.substr(17, 2), ss)) {
    return std::nullopt;
  }
  if (hh > 23 || mm > 59 || ss > 60) return std::nullopt;
  auto rest = t.substr(19, t.size() - 20);
  int millis = 0;
  if (!rest.empty()) {
    if (rest[0] != '.' || rest.size() < 2) return std::nullopt;
    int scale = 100;
    for (char c : rest.substr(1)) {
      if (!std::isdigit(static_cast<unsigned char>(c))) return std::nullopt;
      millis += (c - '0') * scale;
      scale /= 10;
    }
  }
  int y = 0, mo = 0, d = 0;
  parseInt(t.substr(0, 4), y);
  parseInt(t.substr(5, 2), mo);
  parseInt(t.substr(8, 2), d);
  std::chrono::sys_days day = std::chrono::year{y} / std::chrono::month{static_cast<unsigned>(mo)} /
                              std::chrono::day{static_cast<unsigned>(d)};
  return WireTime{day} + std::chrono::hours{hh} + std::chrono::minutes{mm} + std::chrono::seconds{ss} +
         std::chrono::milliseconds{millis};
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

Result<SessionUpload> parseSessionUpload(std::string_view body, std::string_view pathId) {
  auto j = parseJsonBody(body);
  if (!j) return fail(j.error());
  return sessionFromJson(*j, pathId);
}

Result<SessionUpload> sessionFromJson(const json& j, std::string_view pathId) {
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
  if (!isSessionId(s.id)) return reject("id", "must be a session UUID");
  if (s.id != pathId) return reject("id", "does not match the session id in the URL");
  if (auto e = f.integer("revision", s.revision, true, 1, 1000000)) return fail(*e);
  if (auto e = f.string("reason", s.reason, false, 2000, /*freeText=*/true)) return fail(*e);
  if (s.revision > 1 && s.reason.empty()) return reject("reason", "is required for revision 2 and later");
  if (auto e = f.string("rules_version", s.rulesVersion, true, 64)) return fail(*e);
  if (auto e = f.string("status", s.status, true, 16)) return fail(*e);
  if (s.status != "open" && s.status != "ended" && s.status != "signed" && s.status != "voided") {
    return reject("status", "must be one of open, ended, signed, voided");
  }
  if (auto e = f.date("service_date", s.serviceDate, true)) return fail(*e);

  auto pit = j.find("patient");
  if (pit == j.end() || !pit->is_object()) return reject("patient", "is required and must be an object");
  Fields pf(*pit, "patient.");
  if (auto e = pf.onlyKeys({"mrn", "initials"})) return fail(*e);
  if (auto e = pf.string("mrn", s.patientMrn, true, 64)) return fail(*e);
  if (auto e = pf.string("initials", s.patientInitials, false, 4 * WireLimits::kMaxInitialsChars))
    return fail(*e);
  if (utf8Length(s.patientInitials) > WireLimits::kMaxInitialsChars) {
    return reject("patient.initials",
                  "holds at most " + std::to_string(WireLimits::kMaxInitialsChars) + " characters");
  }

  if (auto e = f.string("payer", s.payer, true, 64)) return fail(*e);
  if (auto e = f.string("discipline", s.discipline, true, 8)) return fail(*e);
  if (s.discipline != "ot" && s.discipline != "pt" && s.discipline != "slp") {
    return reject("discipline", "must be one of ot, pt, slp");
  }
  if (auto e = f.string("place_of_service", s.placeOfService, false, 2)) return fail(*e);
  if (s.placeOfService.empty()) s.placeOfService = "11";
  if (auto it = j.find("telehealth"); it != j.end() && !it->is_null()) {
    if (!it->is_boolean()) return reject("telehealth", "must be true or false");
    s.telehealth = it->get<bool>();
  }
  std::optional<ApiError> err;
  if (const json* dx = f.array("diagnoses", false, err)) {
    if (dx->size() > 4) return reject("diagnoses", "holds at most 4 codes");
    for (std::size_t i = 0; i < dx->size(); ++i) {
      const auto& d = (*dx)[i];
      if (!d.is_string() || !isDiagnosis(d.get_ref<const std::string&>())) {
        return reject("diagnoses[" + std::to_string(i) + "]", "must be an ICD-10 code");
      }
      s.diagnoses.push_back(d.get<std::string>());
    }
  } else if (err) {
    return fail(*err);
  }
  if (auto e = f.string("rendering_clinician", s.renderingClinician, true, 64)) return fail(*e);
  if (const json* cl = f.array("clinicians", false, err)) {
    if (cl->size() > WireLimits::kMaxClinicians)
      return reject("clinicians", "holds at most " + std::to_string(WireLimits::kMaxClinicians) + " ids");
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
    if (ev->size() > WireLimits::kMaxEvents)
      return reject("events", "holds at most " + std::to_string(WireLimits::kMaxEvents) + " events");
    s.events = *ev;
  } else {
    return fail(*err);
  }

  if (const json* segs = f.array("segments", true, err)) {
    if (segs->size() > WireLimits::kMaxSegments)
      return reject("segments", "holds at most " + std::to_string(WireLimits::kMaxSegments) + " segments");
    for (std::size_t i = 0; i < segs->size(); ++i) {
      std::string prefix = "segments[" + std::to_string(i) + "].";
      const auto& sj = (*segs)[i];
      if (!sj.is_object()) return reject("segments[" + std::to_string(i) + "]", "must be an object");
      Fields sf(sj, prefix);
      if (auto e = sf.onlyKeys({"code", "performer", "clinician", "mode", "start", "end", "date"}))
        return fail(*e);
      WireSegment seg;
      if (auto e = sf.string("code", seg.code, true, 8)) return fail(*e);
      if (!isCode(seg.code)) return reject(prefix + "code", "must be a procedure code");
      std::string performer = "therapist";
      if (auto e = sf.string("performer", performer, false, 16)) return fail(*e);
      if (performer == "therapist") {
        seg.performer = Performer::Therapist;
      } else if (performer == "assistant") {
        seg.performer = Performer::Assistant;
      } else {
        return reject(prefix + "performer", "must be therapist or assistant");
      }
      if (auto e = sf.string("clinician", seg.clinician, false, 64)) return fail(*e);
      if (seg.clinician.empty()) seg.clinician = s.renderingClinician;
      std::string mode = "one_on_one";
      if (auto e = sf.string("mode", mode, false, 16)) return fail(*e);
      if (mode == "one_on_one") {
        seg.mode = Mode::OneOnOne;
      } else if (mode == "group") {
        seg.mode = Mode::Group;
      } else if (mode == "co_treatment") {
        seg.mode = Mode::CoTreatment;
      } else {
        return reject(prefix + "mode", "must be one_on_one, group or co_treatment");
      }
      std::optional<WireTime> start, end;
      if (auto e = sf.timestamp("start", start, true)) return fail(*e);
      if (auto e = sf.timestamp("end", end, true)) return fail(*e);
      seg.start = *start;
      seg.end = *end;
      if (seg.end < seg.start) return reject(prefix + "end", "is before start");
      if (seg.end - seg.start > std::chrono::hours{24})
        return reject(prefix + "end", "is more than 24 hours after start");
      if (auto e = sf.date("date", seg.date, false)) return fail(*e);
      if (seg.date.empty()) seg.date = s.serviceDate;
      s.segments.push_back(std::move(seg));
    }
  } else {
    return fail(*err);
  }

  if (const json* un = f.array("untimed", false, err)) {
    if (un->size() > WireLimits::kMaxUntimed)
      return reject("untimed", "holds at most " + std::to_string(WireLimits::kMaxUntimed) + " services");
    for (std::size_t i = 0; i < un->size(); ++i) {
      std::string prefix = "untimed[" + std::to_string(i) + "].";
      const auto& uj = (*un)[i];
      if (!uj.is_object()) return reject("untimed[" + std::to_string(i) + "]", "must be an object");
      Fields uf(uj, prefix);
      if (auto e = uf.onlyKeys({"code", "minutes", "clinician", "date"})) return fail(*e);
      WireUntimed u;
      if (auto e = uf.string("code", u.code, true, 8)) return fail(*e);
      if (!isCode(u.code)) return reject(prefix + "code", "must be a procedure code");
      int minutes = 0;
      if (auto e = uf.integer("minutes", minutes, false, 0, 24 * 60)) return fail(*e);
      u.minutes = std::chrono::minutes{minutes};
      if (auto e = uf.string("clinician", u.clinician, false, 64)) return fail(*e);
      if (u.clinician.empty()) u.clinician = s.renderingClinician;
      if (auto e = uf.date("date", u.date, false)) return fail(*e);
      if (u.date.empty()) u.date = s.serviceDate;
      s.untimed.push_back(std::move(u));
    }
  } else if (err) {
    return fail(*err);
  }

  if (const json* ln = f.array("lines", true, err)) {
    if (ln->size() > WireLimits::kMaxLines)
      return reject("lines", "holds at most " + std::to_string(WireLimits::kMaxLines) + " lines");
    for (std::size_t i = 0; i < ln->size(); ++i) {
      std::string prefix = "lines[" + std::to_string(i) + "].";
      const auto& lj = (*ln)[i];
      if (!lj.is_object()) return reject("lines[" + std::to_string(i) + "]", "must be an object");
      Fields lf(lj, prefix);
      if (auto e = lf.onlyKeys({"code", "units", "modifiers", "date"})) return fail(*e);
      WireLine line;
      if (auto e = lf.string("code", line.code, true, 8)) return fail(*e);
      if (!isCode(line.code)) return reject(prefix + "code", "must be a procedure code");
      if (auto e = lf.integer("units", line.units, true, 0, 96)) return fail(*e);
      if (const json* mods = lf.array("modifiers", false, err)) {
        if (mods->size() > 4) return reject(prefix + "modifiers", "holds at most 4 modifiers");
        for (std::size_t k = 0; k < mods->size(); ++k) {
          const auto& m = (*mods)[k];
          if (!m.is_string() || m.get_ref<const std::string&>().size() != 2 ||
              !isCode(m.get_ref<const std::string&>())) {
            return reject(prefix + "modifiers[" + std::to_string(k) + "]",
                          "must be a two-character modifier");
          }
          line.modifiers.push_back(m.get<std::string>());
        }
      } else if (err) {
        return fail(*err);
      }
      if (auto e = lf.date("date", line.date, false)) return fail(*e);
      if (line.date.empty()) line.date = s.serviceDate;
      s.lines.push_back(std::move(line));
    }
  } else {
    return fail(*err);
  }
  return s;
}

}  // namespace unitclock::server
