#include <unitclock/core/catalog.h>

#include <algorithm>
#include <set>

namespace unitclock::core {

namespace {

using std::chrono::minutes;

constexpr auto kOt = Discipline::ot;
constexpr auto kPt = Discipline::pt;
constexpr auto kSlp = Discipline::slp;

CodeInfo timed15(std::string code, std::string name) {
  CodeInfo c;
  c.code = std::move(code);
  c.shortName = std::move(name);
  c.timed = true;
  return c;
}

CodeInfo untimed(std::string code, std::string name) {
  CodeInfo c;
  c.code = std::move(code);
  c.shortName = std::move(name);
  c.timed = false;
  return c;
}

CodeInfo with(CodeInfo c, std::vector<Discipline> disciplines) {
  c.disciplines = std::move(disciplines);
  return c;
}

CodeInfo evaluation(std::string code, std::string name, std::vector<Discipline> disciplines) {
  CodeInfo c = untimed(std::move(code), std::move(name));
  c.evaluation = true;
  c.disciplines = std::move(disciplines);
  return c;
}

CodeInfo reEvaluation(std::string code, std::string name, std::vector<Discipline> disciplines) {
  CodeInfo c = untimed(std::move(code), std::move(name));
  c.reEvaluation = true;
  c.disciplines = std::move(disciplines);
  return c;
}

CodeInfo modality(std::string code, std::string name) {
  CodeInfo c = untimed(std::move(code), std::move(name));
  c.supervisedModality = true;
  return c;
}

CodeInfo lengths(CodeInfo c, minutes unitLength, minutes midpoint) {
  c.unitLength = unitLength;
  c.midpoint = midpoint;
  return c;
}

CodeInfo firstOf(CodeInfo c, std::string addOn) {
  c.addOnCode = std::move(addOn);
  c.maxUnitsPerDay = 1;
  return c;
}

CodeInfo addOnOf(CodeInfo c, std::string first) {
  c.addOnOf = std::move(first);
  return c;
}

// billing-rules.md §6, with PT and SLP evaluation codes added so every discipline can record a day.
std::vector<CodeInfo> builtinCodes() {
  std::vector<CodeInfo> codes;
  // Evaluations and re-evaluations (untimed; typical times do not set units, U2).
  codes.push_back(evaluation("97161", "PT evaluation, low complexity", {kPt}));
  codes.push_back(evaluation("97162", "PT evaluation, moderate complexity", {kPt}));
  codes.push_back(evaluation("97163", "PT evaluation, high complexity", {kPt}));
  codes.push_back(reEvaluation("97164", "PT re-evaluation", {kPt}));
  codes.push_back(evaluation("97165", "OT evaluation, low complexity", {kOt}));
  codes.push_back(evaluation("97166", "OT evaluation, moderate complexity", {kOt}));
  codes.push_back(evaluation("97167", "OT evaluation, high complexity", {kOt}));
  codes.push_back(reEvaluation("97168", "OT re-evaluation", {kOt}));
  codes.push_back(evaluation("92521", "Evaluation of speech fluency", {kSlp}));
  codes.push_back(evaluation("92522", "Evaluation of speech sound production", {kSlp}));
  codes.push_back(evaluation("92523", "Evaluation of speech sound production and language", {kSlp}));
  codes.push_back(evaluation("92524", "Behavioural and qualitative analysis of voice", {kSlp}));
  codes.push_back(evaluation("92610", "Evaluation of swallowing and oral function", {kSlp, kOt}));
  // Timed procedures, 15-minute units.
  codes.push_back(timed15("97110", "Therapeutic exercise"));
  codes.push_back(timed15("97112", "Neuromuscular re-education"));
  codes.push_back(timed15("97113", "Aquatic therapy with exercise"));
  codes.push_back(timed15("97116", "Gait training"));
  codes.push_back(timed15("97124", "Massage"));
  codes.push_back(timed15("97140", "Manual therapy techniques"));
  codes.push_back(timed15("97530", "Therapeutic activities"));
  codes.push_back(timed15("97533", "Sensory integration techniques"));
  codes.push_back(timed15("97535", "Self-care and home management training"));
  codes.push_back(timed15("97537", "Community and work reintegration training"));
  codes.push_back(timed15("97542", "Wheelchair management training"));
  codes.push_back(timed15("97750", "Physical performance test with report"));
  codes.push_back(timed15("97760", "Orthotic management and training, first encounter"));
  codes.push_back(timed15("97761", "Prosthetic training, first encounter"));
  codes.push_back(timed15("97763", "Orthotic or prosthetic training, later encounter"));
  // Attended modalities (timed, constant attendance).
  codes.push_back(timed15("97032", "Attended electrical stimulation"));
  codes.push_back(timed15("97033", "Iontophoresis"));
  codes.push_back(timed15("97034", "Contrast baths"));
  codes.push_back(timed15("97035", "Therapeutic ultrasound"));
  codes.push_back(timed15("97036", "Hubbard tank"));
  // Cognitive intervention: first 15 minutes once per day, further units on the add-on (S15).
  codes.push_back(firstOf(timed15("97129", "Cognitive function intervention, first 15 min"), "97130"));
  codes.push_back(addOnOf(timed15("97130", "Cognitive function intervention, each further 15 min"), "97129"));
  // Unit lengths other than 15 minutes (S6).
  codes.push_back(firstOf(lengths(timed15("97550", "Caregiver training without the patient, first 30 min"),
                                  minutes{30}, minutes{16}),
                          "97551"));
  codes.push_back(
      addOnOf(timed15("97551", "Caregiver training without the patient, each further 15 min"), "97550"));
  codes.push_back(firstOf(
      lengths(timed15("97545", "Work hardening, first 2 hours"), minutes{120}, minutes{61}), "97546"));
  codes.push_back(addOnOf(
      lengths(timed15("97546", "Work hardening, each further hour"), minutes{60}, minutes{31}), "97545"));
  codes.push_back(with(lengths(timed15("96125", "Standardised cognitive performance testing, per hour"),
                               minutes{60}, minutes{31}),
                       {kOt, kSlp}));
  // Untimed treatment and group.
  {
    CodeInfo g = untimed("97150", "Therapeutic procedures in a group");
    g.group = true;
    codes.push_back(g);
  }
  codes.push_back(with(untimed("92507", "Treatment of speech, language or voice"), {kSlp}));
  {
    CodeInfo g = with(untimed("92508", "Treatment of speech, language or voice, group"), {kSlp});
    g.group = true;
    codes.push_back(g);
  }
  codes.push_back(
      with(untimed("92526", "Treatment of swallowing and oral function for feeding"), {kOt, kSlp}));
  {
    CodeInfo g = untimed("97552", "Group caregiver training without the patient");
    g.group = true;
    codes.push_back(g);
  }
  codes.push_back(untimed("97597", "Selective wound debridement, first 20 sq cm"));
  codes.push_back(untimed("97598", "Selective wound debridement, each further 20 sq cm"));
  // Supervised modalities (untimed).
  {
    CodeInfo c = modality("97010", "Hot or cold packs");
    c.medicareBundled = true;
    codes.push_back(c);
  }
  codes.push_back(modality("97012", "Mechanical traction"));
  codes.push_back(modality("97014", "Unattended electrical stimulation"));
  codes.push_back(modality("G0283", "Unattended electrical stimulation under a therapy plan"));
  codes.push_back(modality("97016", "Vasopneumatic device"));
  codes.push_back(modality("97018", "Paraffin bath"));
  codes.push_back(modality("97022", "Whirlpool"));
  return codes;
}

// billing-rules.md §1.10 (N3-N6). Column order for the evaluation and group pairs is not stated by the
// sources found: evaluations are put in column 1, 97150 in column 2. Refresh from the quarterly table.
std::vector<NcciPair> builtinPairs() {
  std::vector<NcciPair> pairs;
  pairs.push_back({"97140", "97530", 1, "N3: manual therapy and therapeutic activities"});
  pairs.push_back({"97530", "97116", 1, "N4: reinstated Oct 2020"});
  pairs.push_back({"97164", "97530", 1, "N4: reinstated Oct 2020"});
  for (const char* eval : {"97161", "97162", "97163"}) {
    pairs.push_back({eval, "97140", 1, "N4: reinstated Oct 2020"});
  }
  for (const char* code : {"97110", "97112", "97113", "97116", "97140"}) {
    pairs.push_back({"97164", code, 1, "N4: reinstated Oct 2020"});
  }
  for (const char* code : {"97110", "97112", "97116"}) {
    pairs.push_back({code, "97150", 1, "N4/N6: group and one-on-one in separate time periods"});
  }
  pairs.push_back({"97164", "97150", 1, "N4: reinstated Oct 2020"});
  for (const char* code : {"97110", "97112", "97116", "97140", "97530", "97535", "97150"}) {
    pairs.push_back({"97168", code, 1, "N5: OT re-evaluation pairs (verify current table)"});
  }
  for (const char* eval : {"97165", "97166", "97167"}) {
    pairs.push_back({eval, "97140", 1, "N5: Jan 2020 edit (verify current table)"});
  }
  return pairs;
}

}  // namespace

bool CodeInfo::allowsDiscipline(Discipline discipline) const {
  return disciplines.empty() ||
         std::find(disciplines.begin(), disciplines.end(), discipline) != disciplines.end();
}

Result<Catalog, CatalogError> Catalog::make(std::string version, std::vector<CodeInfo> codes,
                                            std::vector<NcciPair> pairs) {
  Catalog catalog;
  catalog.m_version = std::move(version);
  std::set<std::string, std::less<>> seen;
  for (const auto& c : codes) {
    if (c.code.empty()) return fail(CatalogError{"code", "a catalog entry has an empty code"});
    if (!seen.insert(c.code).second) {
      return fail(CatalogError{c.code, "code " + c.code + " appears twice in the catalog"});
    }
    if (c.timed) {
      if (c.unitLength <= minutes{0}) {
        return fail(CatalogError{c.code, "code " + c.code + " has a unit length that is not positive"});
      }
      if (c.midpoint <= minutes{0} || c.midpoint > c.unitLength) {
        return fail(CatalogError{
            c.code, "code " + c.code + " needs a midpoint between 1 minute and its unit length"});
      }
    }
    if (c.maxUnitsPerDay < 0) {
      return fail(CatalogError{c.code, "code " + c.code + " has a negative maximum of units per day"});
    }
    if (!c.addOnCode.empty() && !c.addOnOf.empty()) {
      return fail(CatalogError{c.code, "code " + c.code + " cannot be both a first code and an add-on"});
    }
  }
  catalog.m_codes = std::move(codes);
  for (const auto& c : catalog.m_codes) {
    if (!c.addOnCode.empty()) {
      const CodeInfo* addOn = catalog.find(c.addOnCode);
      if (addOn == nullptr || addOn->addOnOf != c.code || !addOn->timed || !c.timed) {
        return fail(CatalogError{c.code, "code " + c.code + " names add-on " + c.addOnCode +
                                             ", which must be a timed code whose add_on_of is " + c.code});
      }
    }
    if (!c.addOnOf.empty()) {
      const CodeInfo* first = catalog.find(c.addOnOf);
      if (first == nullptr || first->addOnCode != c.code) {
        return fail(CatalogError{c.code, "code " + c.code + " is an add-on of " + c.addOnOf +
                                             ", which must name it as its add-on"});
      }
    }
  }
  for (const auto& p : pairs) {
    if (catalog.find(p.column1) == nullptr || catalog.find(p.column2) == nullptr) {
      return fail(CatalogError{p.column1 + "/" + p.column2, "NCCI pair " + p.column1 + "/" + p.column2 +
                                                                " names a code not in the catalog"});
    }
    if (p.column1 == p.column2) {
      return fail(
          CatalogError{p.column1, "NCCI pair " + p.column1 + "/" + p.column2 + " names one code twice"});
    }
    if (p.modifierIndicator != 0 && p.modifierIndicator != 1) {
      return fail(CatalogError{p.column1 + "/" + p.column2, "NCCI pair " + p.column1 + "/" + p.column2 +
                                                                " has an indicator other than 0 or 1"});
    }
  }
  catalog.m_pairs = std::move(pairs);
  return catalog;
}

const Catalog& Catalog::builtin() {
  static const Catalog catalog = [] {
    auto made = Catalog::make("2026.11-1", builtinCodes(), builtinPairs());
    // The compiled-in data is checked by tests; a failure here is a programmer error.
    return made.ok() ? std::move(made).value() : Catalog{};
  }();
  return catalog;
}

const CodeInfo* Catalog::find(std::string_view code) const {
  for (const auto& c : m_codes) {
    if (c.code == code) return &c;
  }
  return nullptr;
}

const NcciPair* Catalog::findPair(std::string_view a, std::string_view b) const {
  for (const auto& p : m_pairs) {
    if ((p.column1 == a && p.column2 == b) || (p.column1 == b && p.column2 == a)) return &p;
  }
  return nullptr;
}

}  // namespace unitclock::core
