#include <unitclock/platform/time_zone.h>
#include <unitclock/server/exports.h>
#include <unitclock/server/secrets.h>
#include <array>
#include <cstdio>
#include <map>

namespace unitclock::server {
namespace {

std::string join(const std::vector<std::string>& v, std::string_view sep) {
  std::string out;
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (i) out += sep;
    out += v[i];
  }
  return out;
}

std::string compactDate(const std::string& isoDate) {  // 2026-11-26 → 20261126
  std::string out;
  for (char c : isoDate)
    if (c != '-') out.push_back(c);
  return out;
}

RosterEntry rosterEntry(const DayReport& r, const std::string& id) {
  if (auto it = r.roster.find(id); it != r.roster.end()) return it->second;
  for (const auto& c : r.clinicians)
    if (c.id == id) return RosterEntry{c.name, "", "", ""};
  return {};
}

// Family and given name: the roster's, else the display name split at its last space.
std::pair<std::string, std::string> nameParts(const RosterEntry& e) {
  if (!e.familyName.empty() || !e.givenName.empty()) return {e.familyName, e.givenName};
  auto space = e.name.rfind(' ');
  if (space == std::string::npos) return {e.name, ""};
  return {e.name.substr(space + 1), e.name.substr(0, space)};
}

const char* assistantModifierOf(const core::ClaimLine& line) {
  for (const auto& m : line.modifiers) {
    if (m == "CQ") return "CQ";
    if (m == "CO") return "CO";
  }
  return nullptr;
}

// HL7 table 0396: CPT-4 codes (five digits, or four and a letter for category II/III) are C4; HCPCS
// Level II codes (a letter and four digits: G0283) are HCPCS.
const char* codingSystem(std::string_view code) {
  return !code.empty() && code[0] >= 'A' && code[0] <= 'Z' ? "HCPCS" : "C4";
}

// Joins HL7 components (or fields) and drops the empty ones at the end.
std::string joinTrimmed(const std::vector<std::string>& parts, char sep) {
  std::size_t n = parts.size();
  while (n > 0 && parts[n - 1].empty()) --n;
  std::string out;
  for (std::size_t i = 0; i < n; ++i) {
    if (i) out.push_back(sep);
    out += parts[i];
  }
  return out;
}

constexpr const char* kNpiAuthority = "CMS&2.16.840.1.113883.4.6&ISO";  // HD: NPPES's OID

// XCN: NPI^Family^Given^^^^^^CMS&2.16.840.1.113883.4.6&ISO^L^^^NPI, or, without an NPI, the
// clinician's id assigned by the clinic: ot1^Ortiz^Ana^^^^^^north^L^^^PRN.
std::string xcn(const DayReport& r, const std::string& id) {
  RosterEntry e = rosterEntry(r, id);
  auto [family, given] = nameParts(e);
  std::vector<std::string> c(13);
  c[1] = hl7Escape(family);
  c[2] = hl7Escape(given);
  c[9] = "L";  // XCN-10 name type: legal name
  if (!e.npi.empty()) {
    c[0] = hl7Escape(e.npi);
    c[8] = kNpiAuthority;
    c[12] = "NPI";
  } else {
    c[0] = hl7Escape(id);
    c[8] = hl7Escape(r.clinicId);
    c[12] = "PRN";  // table 0203: provider number
  }
  return joinTrimmed(c, '^');
}

std::string formatOffset(std::chrono::seconds offset) {
  auto total = offset.count() / 60;
  char sign = total < 0 ? '-' : '+';
  if (total < 0) total = -total;
  char buf[48];
  std::snprintf(buf, sizeof buf, "%c%02lld%02lld", sign, static_cast<long long>(total / 60),
                static_cast<long long>(total % 60));
  return buf;
}

// The service date at day precision with the offset in force at the clinic's local noon of that day:
// "20261126-0600" (a DTM may carry an offset at any precision).
Result<std::string> serviceDate(const DayReport& r) {
  auto date = platform::parseIsoDate(r.date);
  if (!date) return fail(ApiError{500, "", "not a date: " + r.date});
  auto range = platform::localDayRange(*date, r.timeZone);
  if (!range) return fail(ApiError{500, "", "clinic " + r.clinicId + ": " + range.error().message});
  auto offset = platform::utcOffsetAt(range->start + std::chrono::hours{12}, r.timeZone);
  if (!offset) return fail(ApiError{500, "", "clinic " + r.clinicId + ": " + offset.error().message});
  return compactDate(r.date) + formatOffset(offset.value());
}

std::string ce(const std::string& code, const char* system) {
  return hl7Escape(code) + "^^" + system;
}

}  // namespace

std::string chargeId(std::string_view clinic, std::string_view date, std::string_view mrn,
                     std::string_view discipline, const core::ClaimLine& line) {
  std::string key = std::string(clinic) + "|" + std::string(date) + "|" + std::string(mrn) + "|" +
                    std::string(discipline) + "|" + line.code;
  if (const char* m = assistantModifierOf(line)) key += std::string("|") + m;
  const std::string hex = sha256Hex(key);
  // 15 hex digits = 60 bits = 12 base32 symbols.
  std::uint64_t bits = std::stoull(hex.substr(0, 15), nullptr, 16);
  static constexpr char kBase32[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  std::string out(12, 'A');
  for (int i = 11; i >= 0; --i) {
    out[static_cast<std::size_t>(i)] = kBase32[bits & 31];
    bits >>= 5;
  }
  return out;
}

Result<std::vector<Charge>> exportCharges(const DayReport& r) {
  std::vector<Charge> out;
  std::map<std::string, const Charge*> seen;
  for (const auto& p : r.patients) {
    if (!p.recomputed || p.held()) continue;
    for (const auto& line : p.result.lines) {
      if (line.units <= 0) continue;
      out.push_back(Charge{chargeId(r.clinicId, r.date, p.mrn, p.discipline, line), &p, &line});
    }
  }
  for (const auto& c : out) {
    if (!seen.emplace(c.id, &c).second) {
      return fail(ApiError{
          500, "",
          "two charges of " + r.date + " share the transaction id " + c.id + "; the export is refused"});
    }
  }
  return out;
}

std::string csvField(std::string_view text) {
  bool quote = text.find_first_of(",\"\r\n\t") != std::string_view::npos;
  // A leading = + - @ TAB or CR would make a spreadsheet evaluate the cell (OWASP, "CSV injection"):
  // prefix it so it stays text.
  bool formula = !text.empty() && (text[0] == '=' || text[0] == '+' || text[0] == '-' || text[0] == '@' ||
                                   text[0] == '\t' || text[0] == '\r');
  std::string out;
  if (quote || formula) out.push_back('"');
  if (formula) out.push_back('\'');
  for (char c : text) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  if (quote || formula) out.push_back('"');
  return out;
}

Result<std::string> chargesCsv(const DayReport& r, const CsvOptions& options) {
  auto charges = exportCharges(r);
  if (!charges) return fail(charges.error());
  std::string out = options.byteOrderMark ? "\xEF\xBB\xBF" : "";
  out +=
      "charge_id,date,clinic,patient_mrn,patient_initials,discipline,payer,code,modifiers,units,diagnoses,"
      "rendering_clinician,rendering_clinician_name,rendering_clinician_npi,place_of_service,sessions\r\n";
  for (const auto& c : charges.value()) {
    const PatientDay& p = *c.patient;
    const RosterEntry who = rosterEntry(r, p.renderingClinician);
    std::vector<std::string> f{c.id,
                               r.date,
                               r.clinicId,
                               p.mrn,
                               p.initials,
                               p.discipline,
                               p.payer,
                               c.line->code,
                               join(c.line->modifiers, ":"),
                               std::to_string(c.line->units),
                               join(p.diagnoses, ":"),
                               p.renderingClinician,
                               who.name,
                               who.npi,
                               p.placeOfService,
                               join(p.signedSessions, ";")};
    for (std::size_t i = 0; i < f.size(); ++i) {
      if (i) out += ',';
      out += csvField(f[i]);
    }
    out += "\r\n";
  }
  return out;
}

std::string hl7Escape(std::string_view text) {
  std::string out;
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    switch (c) {
      case '|':
        out += "\\F\\";
        break;
      case '^':
        out += "\\S\\";
        break;
      case '~':
        out += "\\R\\";
        break;
      case '\\':
        out += "\\E\\";
        break;
      case '&':
        out += "\\T\\";
        break;
      default:
        if (u < 0x20 || u == 0x7F) {
          char buf[16];
          std::snprintf(buf, sizeof buf, "\\X%02X\\", u);
          out += buf;
        } else {
          out.push_back(c);
        }
    }
  }
  return out;
}

Result<std::string> hl7Timestamp(WireTime instant, std::string_view zone) {
  auto offset = platform::utcOffsetAt(instant, zone);
  if (!offset) return fail(ApiError{500, "", offset.error().message});
  auto local = std::chrono::floor<std::chrono::seconds>(instant) + offset.value();
  auto day = std::chrono::floor<std::chrono::days>(local);
  std::chrono::year_month_day ymd{day};
  std::chrono::hh_mm_ss hms{local - day};
  char buf[96];
  std::snprintf(buf, sizeof buf, "%04d%02u%02u%02d%02d%02d", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
                static_cast<int>(hms.seconds().count()));
  return std::string(buf) + formatOffset(offset.value());
}

Result<std::string> chargesHl7(const DayReport& r, const Hl7Options& o) {
  auto charges = exportCharges(r);
  if (!charges) return fail(charges.error());
  auto now = hl7Timestamp(o.now, r.timeZone);
  if (!now) return fail(ApiError{500, "", "clinic " + r.clinicId + ": " + now.error().message});
  auto serviceDay = serviceDate(r);
  if (!serviceDay) return fail(serviceDay.error());
  const std::string processing = o.processingId == "T" ? "T" : "P";
  const std::string clinic = hl7Escape(r.clinicId);
  const std::string stamp = now->substr(0, 14);  // local YYYYMMDDHHMMSS, for control ids
  const std::string header = "|^~\\&|UNITCLOCK|" + clinic + "|BILLING|" + clinic + "|" + *now + "|";
  std::string out;
  if (o.batch) {
    // FHS/BHS: 3-6 applications and facilities, 7 creation time, 9 name, 11 control id.
    out += "FHS" + header + "|charges-" + r.date + ".hl7||F" + stamp + "\r";
    out += "BHS" + header + "|charges-" + r.date + "||B" + stamp + "\r";
  }
  int message = 0;
  const PatientDay* current = nullptr;
  int set = 0;
  auto closeMessage = [&] {
    if (!current) return;
    for (std::size_t i = 0; i < current->diagnoses.size(); ++i) {
      // DG1: 1 set id, 3 code, 6 type (F final), 15 priority (1 = primary).
      std::vector<std::string> f(16);
      f[0] = "DG1";
      f[1] = std::to_string(i + 1);
      f[3] = ce(current->diagnoses[i], "I10");
      f[6] = "F";
      f[15] = std::to_string(i + 1);
      out += joinTrimmed(f, '|') + "\r";
    }
  };
  for (const auto& c : charges.value()) {
    const PatientDay& p = *c.patient;
    if (&p != current) {
      closeMessage();
      current = &p;
      set = 0;
      ++message;
      // MSH-10 (ST 20) is unique per message sent: export time + position. FT1-2 is the stable one.
      const std::string control = stamp + "-" + std::to_string(message);
      out +=
          "MSH" + header + "|DFT^P03^DFT_P03|" + control + "|" + processing + "|2.5.1||||||UNICODE UTF-8\r";
      out += "EVN|P03|" + *now + "\r";
      out += "PID|1||" + hl7Escape(p.mrn) + "^^^" + clinic + "^MR||" + hl7Escape(p.initials) + "\r";
      out += "PV1|1|O|" + clinic + "^^^^^^^^" + hl7Escape(p.placeOfService) + "||||" +
             xcn(r, p.renderingClinician) + "\r";
    }
    ++set;
    std::vector<std::string> dx;
    for (const auto& d : p.diagnoses) dx.push_back(ce(d, "I10"));
    std::vector<std::string> mods;
    for (const auto& m : c.line->modifiers) mods.push_back(hl7Escape(m));
    const char* system = codingSystem(c.line->code);
    // FT1: 1 set id, 2 transaction id, 4 transaction date, 5 posting date, 6 type (CG = charge),
    // 7 transaction code, 10 quantity, 19 diagnoses, 20 performed by, 25 procedure code, 26 modifiers.
    std::vector<std::string> f(27);
    f[0] = "FT1";
    f[1] = std::to_string(set);
    f[2] = c.id;
    f[4] = *serviceDay;
    f[5] = *now;
    f[6] = "CG";
    f[7] = ce(c.line->code, system);
    f[10] = std::to_string(c.line->units);
    f[19] = join(dx, "~");
    f[20] = xcn(r, p.renderingClinician);
    f[25] = ce(c.line->code, system);
    f[26] = join(mods, "~");
    out += joinTrimmed(f, '|') + "\r";
  }
  closeMessage();
  if (o.batch) {
    out += "BTS|" + std::to_string(message) + "\r";
    out += "FTS|1\r";
  }
  return out;
}

Result<std::string> chargesFhir(const DayReport& r, WireTime now) {
  using nlohmann::json;
  auto charges = exportCharges(r);
  if (!charges) return fail(charges.error());
  auto system = [](const std::string& code) {
    return std::string(codingSystem(code)) == "C4" ? "http://www.ama-assn.org/go/cpt"
                                                   : "urn:oid:2.16.840.1.113883.6.285";  // HCPCS
  };
  auto item = [&](const std::string& id, const std::string& status, const std::string& mrn,
                  const std::string& initials, const std::string& rendering,
                  const std::vector<std::string>& diagnoses, const core::ClaimLine& line) {
    const RosterEntry who = rosterEntry(r, rendering);
    json actor{{"display", who.name.empty() ? rendering : who.name}};
    actor["identifier"] =
        who.npi.empty() ? json{{"system", "urn:unitclock:clinician:" + r.clinicId}, {"value", rendering}}
                        : json{{"system", "http://hl7.org/fhir/sid/us-npi"}, {"value", who.npi}};
    json reasons = json::array();
    for (const auto& d : diagnoses)
      reasons.push_back({{"coding", {{{"system", "http://hl7.org/fhir/sid/icd-10-cm"}, {"code", d}}}}});
    json modifiers = json::array();
    for (const auto& m : line.modifiers)
      modifiers.push_back({{"url", "urn:unitclock:fhir:procedure-modifier"}, {"valueCode", m}});
    json resource{{"resourceType", "ChargeItem"},
                  {"id", id},
                  {"identifier", {{{"system", "urn:unitclock:charge-id:" + r.clinicId}, {"value", id}}}},
                  {"status", status},
                  {"code", {{"coding", {{{"system", system(line.code)}, {"code", line.code}}}}}},
                  {"subject",
                   {{"identifier", {{"system", "urn:unitclock:mrn:" + r.clinicId}, {"value", mrn}}},
                    {"display", initials}}},
                  {"occurrenceDateTime", r.date},
                  {"performer", {{{"actor", actor}}}},
                  {"quantity", {{"value", line.units}}},
                  {"reason", reasons}};
    if (!modifiers.empty()) resource["extension"] = modifiers;
    return json{{"fullUrl", "urn:unitclock:charge:" + id}, {"resource", resource}};
  };
  json entries = json::array();
  std::map<std::string, bool> billable;
  for (const auto& c : charges.value()) {
    billable[c.id] = true;
    entries.push_back(item(c.id, "billable", c.patient->mrn, c.patient->initials,
                           c.patient->renderingClinician, c.patient->diagnoses, *c.line));
  }
  // A charge still computed from signed sessions (billed, or held for review) is not in error.
  for (const auto& p : r.patients)
    if (p.recomputed)
      for (const auto& line : p.result.lines)
        billable.emplace(chargeId(r.clinicId, r.date, p.mrn, p.discipline, line), true);
  for (const auto& v : r.voidedCharges) {
    auto id = chargeId(r.clinicId, r.date, v.mrn, v.discipline, v.line);
    if (billable.count(id)) continue;  // still billed (or held) by the patient-day's other sessions
    billable[id] = false;
    entries.push_back(
        item(id, "entered-in-error", v.mrn, v.initials, v.renderingClinician, v.diagnoses, v.line));
  }
  json bundle{{"resourceType", "Bundle"},
              {"type", "collection"},
              {"timestamp", formatUtcTimestamp(std::chrono::floor<std::chrono::seconds>(now))},
              {"entry", entries}};
  return bundle.dump();
}

}  // namespace unitclock::server
