#include <unitclock/server/exports.h>

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

std::string clinicianName(const DayReport& r, const std::string& id) {
  for (const auto& c : r.clinicians)
    if (c.id == id) return c.name;
  return {};
}

}  // namespace

std::string csvField(std::string_view text) {
  bool quote = text.find_first_of(",\"\r\n") != std::string_view::npos;
  // A leading = + - @ would make a spreadsheet evaluate the cell: prefix it so it stays text.
  bool formula = !text.empty() && (text[0] == '=' || text[0] == '+' || text[0] == '-' || text[0] == '@');
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

std::string chargesCsv(const DayReport& r) {
  std::string out =
      "date,clinic,patient_mrn,patient_initials,discipline,payer,code,modifiers,units,diagnoses,"
      "rendering_clinician,rendering_clinician_name,place_of_service,sessions\r\n";
  for (const auto& p : r.patients) {
    if (!p.recomputed) continue;
    for (const auto& line : p.result.lines) {
      std::vector<std::string> f{r.date,
                                 r.clinicId,
                                 p.mrn,
                                 p.initials,
                                 p.discipline,
                                 p.payer,
                                 line.code,
                                 join(line.modifiers, ":"),
                                 std::to_string(line.units),
                                 join(p.diagnoses, ":"),
                                 p.renderingClinician,
                                 clinicianName(r, p.renderingClinician),
                                 p.placeOfService,
                                 join(p.signedSessions, ";")};
      for (std::size_t i = 0; i < f.size(); ++i) {
        if (i) out += ',';
        out += csvField(f[i]);
      }
      out += "\r\n";
    }
  }
  return out;
}

std::string hl7Escape(std::string_view text) {
  std::string out;
  for (char c : text) {
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
      case '\r':
        out += "\\X0D\\";
        break;
      case '\n':
        out += "\\X0A\\";
        break;
      default:
        out.push_back(c);
    }
  }
  return out;
}

std::string chargesHl7(const DayReport& r, std::string_view messageTime) {
  std::string out;
  int message = 0;
  const std::string day = compactDate(r.date);
  const std::string clinic = hl7Escape(r.clinicId);
  for (const auto& p : r.patients) {
    if (!p.recomputed || p.result.lines.empty()) continue;
    ++message;
    // MSH-10 is unique per message sent (export time + position); FT1-2 is stable across exports of
    // the same day, so a practice-management system can recognise a charge it already has.
    const std::string control = std::string(messageTime) + "-" + std::to_string(message);
    const std::string charge = day + "-" + std::to_string(message);
    out += "MSH|^~\\&|UNITCLOCK|" + clinic + "|BILLING|" + clinic + "|" + std::string(messageTime) +
           "||DFT^P03^DFT_P03|" + hl7Escape(control) + "|P|2.5.1\r";
    out += "EVN|P03|" + std::string(messageTime) + "\r";
    out += "PID|1||" + hl7Escape(p.mrn) + "^^^" + clinic + "^MR||" + hl7Escape(p.initials) + "\r";
    const std::string rendering =
        hl7Escape(p.renderingClinician) + "^" + hl7Escape(clinicianName(r, p.renderingClinician));
    out += "PV1|1|O|" + clinic + "^^^^^^^^" + hl7Escape(p.placeOfService) + "||||" + rendering + "\r";
    std::string dx;
    for (std::size_t i = 0; i < p.diagnoses.size(); ++i) {
      if (i) dx += "~";
      dx += hl7Escape(p.diagnoses[i]) + "^^I10";
    }
    int set = 0;
    for (const auto& line : p.result.lines) {
      ++set;
      std::string mods;
      for (std::size_t i = 0; i < line.modifiers.size(); ++i) {
        if (i) mods += "~";
        mods += hl7Escape(line.modifiers[i]);
      }
      // FT1: 1 set id, 2 transaction id, 4 transaction date, 5 posting date, 6 type (CG = charge),
      // 7 transaction code, 10 quantity, 19 diagnoses, 20 performed by, 25 procedure code, 26 modifiers.
      std::string f[27];
      f[1] = std::to_string(set);
      f[2] = hl7Escape(charge + "-" + std::to_string(set));
      f[4] = day;
      f[5] = day;
      f[6] = "CG";
      f[7] = hl7Escape(line.code) + "^^CPT";
      f[10] = std::to_string(line.units);
      f[19] = dx;
      f[20] = rendering;
      f[25] = hl7Escape(line.code) + "^^CPT";
      f[26] = mods;
      out += "FT1";
      for (int i = 1; i <= 26; ++i) out += "|" + f[i];
      out += "\r";
    }
    for (std::size_t i = 0; i < p.diagnoses.size(); ++i) {
      out += "DG1|" + std::to_string(i + 1) + "||" + hl7Escape(p.diagnoses[i]) + "^^I10||||F\r";
    }
  }
  return out;
}

}  // namespace unitclock::server
