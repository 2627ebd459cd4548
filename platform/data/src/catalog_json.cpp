#include <unitclock/platform/catalog_json.h>

#include <fstream>
#include <initializer_list>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

namespace unitclock::platform {

namespace {

using core::fail;
using json = nlohmann::json;
using ordered_json = nlohmann::ordered_json;

// [SECTION] Strict field reading: unknown keys and wrong types are errors that name the item.

class Fields {
 public:
  Fields(const json& object, std::string where, std::string source)
      : m_object(object), m_where(std::move(where)), m_source(std::move(source)) {}

  std::optional<DataError> onlyKeys(std::initializer_list<std::string_view> keys) const {
    for (const auto& [key, value] : m_object.items()) {
      bool known = false;
      for (auto k : keys) known = known || k == key;
      if (!known) return error("unknown field '" + key + "'");
    }
    return std::nullopt;
  }

  template <class T>
  std::optional<DataError> read(std::string_view key, T& out, bool required = false) const {
    auto it = m_object.find(std::string{key});
    if (it == m_object.end()) {
      if (required) return error("missing field '" + std::string{key} + "'");
      return std::nullopt;
    }
    if constexpr (std::is_same_v<T, bool>) {
      if (!it->is_boolean()) return error("field '" + std::string{key} + "' must be true or false");
      out = it->template get<bool>();
    } else if constexpr (std::is_same_v<T, int>) {
      if (!it->is_number_integer()) return error("field '" + std::string{key} + "' must be a whole number");
      auto v = it->template get<long long>();
      if (v < 0 || v > 100000) return error("field '" + std::string{key} + "' is out of range");
      out = static_cast<int>(v);
    } else {
      if (!it->is_string()) return error("field '" + std::string{key} + "' must be a string");
      out = it->template get<std::string>();
    }
    return std::nullopt;
  }

  DataError error(std::string what) const {
    return DataError{DataError::Kind::kBadField, m_source, m_source + ": " + m_where + ": " + what};
  }

  const json& object() const { return m_object; }

 private:
  const json& m_object;
  std::string m_where;
  std::string m_source;
};

core::Result<json, DataError> parseText(std::string_view text, std::string_view source) {
  json doc = json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) {
    return fail(
        DataError{DataError::Kind::kBadJson, std::string{source}, std::string{source} + ": not valid JSON"});
  }
  if (!doc.is_object()) {
    return fail(DataError{DataError::Kind::kBadJson, std::string{source},
                          std::string{source} + ": the top level must be a JSON object"});
  }
  return doc;
}

core::Result<std::string, DataError> readFile(const std::filesystem::path& file) {
  std::error_code ec;
  if (!std::filesystem::exists(file, ec)) {
    return fail(DataError{DataError::Kind::kNotFound, file.string(), file.string() + ": file not found"});
  }
  std::ifstream in(file, std::ios::binary);
  std::ostringstream text;
  if (in) text << in.rdbuf();
  if (!in || in.bad()) {
    return fail(DataError{DataError::Kind::kUnreadable, file.string(), file.string() + ": cannot be read"});
  }
  return text.str();
}

std::optional<DataError> readDisciplines(const Fields& f, std::vector<core::Discipline>& out) {
  auto it = f.object().find("disciplines");
  if (it == f.object().end()) return std::nullopt;
  if (!it->is_array()) return f.error("field 'disciplines' must be a list such as [\"ot\", \"slp\"]");
  for (const auto& d : *it) {
    auto parsed = d.is_string() ? core::parseDiscipline(d.get<std::string>()) : std::nullopt;
    if (!parsed) return f.error("field 'disciplines' holds something other than ot, pt or slp");
    out.push_back(*parsed);
  }
  return std::nullopt;
}

// [SECTION] Catalog

core::Result<core::CodeInfo, DataError> readCode(const json& item, std::size_t index,
                                                 std::string_view source) {
  std::string where = "codes[" + std::to_string(index) + "]";
  if (!item.is_object()) {
    return fail(DataError{DataError::Kind::kBadField, std::string{source},
                          std::string{source} + ": " + where + " must be an object"});
  }
  if (auto it = item.find("code"); it != item.end() && it->is_string())
    where = "code " + it->get<std::string>();
  Fields f(item, where, std::string{source});
  core::CodeInfo c;
  int unitMinutes = 15;
  int midpointMinutes = 8;
  if (auto e = f.onlyKeys({"code", "short_name", "timed", "unit_minutes", "midpoint_minutes", "add_on_code",
                           "add_on_of", "max_units_per_day", "disciplines", "evaluation", "re_evaluation",
                           "group", "supervised_modality", "medicare_bundled", "therapy_modifier"})) {
    return fail(*e);
  }
  for (auto e :
       {f.read("code", c.code, true), f.read("short_name", c.shortName, true), f.read("timed", c.timed, true),
        f.read("unit_minutes", unitMinutes), f.read("midpoint_minutes", midpointMinutes),
        f.read("add_on_code", c.addOnCode), f.read("add_on_of", c.addOnOf),
        f.read("max_units_per_day", c.maxUnitsPerDay), f.read("evaluation", c.evaluation),
        f.read("re_evaluation", c.reEvaluation), f.read("group", c.group),
        f.read("supervised_modality", c.supervisedModality), f.read("medicare_bundled", c.medicareBundled),
        f.read("therapy_modifier", c.therapyModifier), readDisciplines(f, c.disciplines)}) {
    if (e) return fail(*e);
  }
  c.unitLength = std::chrono::minutes{unitMinutes};
  c.midpoint = std::chrono::minutes{midpointMinutes};
  return c;
}

core::Result<core::NcciPair, DataError> readPair(const json& item, std::size_t index,
                                                 std::string_view source) {
  std::string where = "ncci_pairs[" + std::to_string(index) + "]";
  if (!item.is_object()) {
    return fail(DataError{DataError::Kind::kBadField, std::string{source},
                          std::string{source} + ": " + where + " must be an object"});
  }
  Fields f(item, where, std::string{source});
  core::NcciPair p;
  if (auto e = f.onlyKeys({"column1", "column2", "modifier_indicator", "note"})) return fail(*e);
  for (auto e : {f.read("column1", p.column1, true), f.read("column2", p.column2, true),
                 f.read("modifier_indicator", p.modifierIndicator, true), f.read("note", p.note)}) {
    if (e) return fail(*e);
  }
  return p;
}

// [SECTION] Payers

core::Result<core::PayerProfile, DataError> readPayer(const json& item, std::size_t index,
                                                      std::string_view source) {
  std::string where = "payers[" + std::to_string(index) + "]";
  if (!item.is_object()) {
    return fail(DataError{DataError::Kind::kBadField, std::string{source},
                          std::string{source} + ": " + where + " must be an object"});
  }
  if (auto it = item.find("name"); it != item.end() && it->is_string())
    where = "payer " + it->get<std::string>();
  Fields f(item, where, std::string{source});
  core::PayerProfile p;
  std::string rule;
  if (auto e =
          f.onlyKeys({"name", "display_name", "rule", "discipline_modifiers", "assistant_modifiers",
                      "assistant_de_minimis_percent", "substitutions", "drop_bundled_codes",
                      "telehealth_modifier", "distinct_service_modifier", "max_timed_units_per_visit"})) {
    return fail(*e);
  }
  for (auto e :
       {f.read("name", p.name, true), f.read("display_name", p.displayName), f.read("rule", rule, true),
        f.read("discipline_modifiers", p.disciplineModifiers),
        f.read("assistant_modifiers", p.assistantModifiers),
        f.read("assistant_de_minimis_percent", p.assistantDeMinimisPercent),
        f.read("drop_bundled_codes", p.dropBundledCodes), f.read("telehealth_modifier", p.telehealthModifier),
        f.read("distinct_service_modifier", p.distinctServiceModifier),
        f.read("max_timed_units_per_visit", p.maxTimedUnitsPerVisit)}) {
    if (e) return fail(*e);
  }
  auto parsedRule = core::parseUnitRule(rule);
  if (!parsedRule) return fail(f.error("field 'rule' must be \"cms\" or \"ama\""));
  p.rule = *parsedRule;
  if (auto it = item.find("substitutions"); it != item.end()) {
    if (!it->is_object())
      return fail(f.error("field 'substitutions' must be an object such as {\"97014\": \"G0283\"}"));
    for (const auto& [from, to] : it->items()) {
      if (!to.is_string()) return fail(f.error("substitution for " + from + " must be a code string"));
      p.substitutions.push_back({from, to.get<std::string>()});
    }
  }
  if (auto valid = p.validate(); !valid) {
    return fail(DataError{DataError::Kind::kInvalid, std::string{source},
                          std::string{source} + ": " + valid.error()});
  }
  return p;
}

}  // namespace

core::Result<core::Catalog, DataError> parseCatalogJson(std::string_view text, std::string_view source) {
  auto doc = parseText(text, source);
  if (!doc) return fail(doc.error());
  Fields top(doc.value(), "top level", std::string{source});
  if (auto e = top.onlyKeys({"version", "codes", "ncci_pairs"})) return fail(*e);
  std::string version;
  if (auto e = top.read("version", version, true)) return fail(*e);
  const json& codes = doc.value()["codes"];
  if (!codes.is_array()) return fail(top.error("field 'codes' must be a list"));
  std::vector<core::CodeInfo> infos;
  for (std::size_t i = 0; i < codes.size(); ++i) {
    auto c = readCode(codes[i], i, source);
    if (!c) return fail(c.error());
    infos.push_back(std::move(c).value());
  }
  std::vector<core::NcciPair> pairs;
  if (doc.value().contains("ncci_pairs")) {
    const json& list = doc.value()["ncci_pairs"];
    if (!list.is_array()) return fail(top.error("field 'ncci_pairs' must be a list"));
    for (std::size_t i = 0; i < list.size(); ++i) {
      auto p = readPair(list[i], i, source);
      if (!p) return fail(p.error());
      pairs.push_back(std::move(p).value());
    }
  }
  auto catalog = core::Catalog::make(version, std::move(infos), std::move(pairs));
  if (!catalog) {
    return fail(DataError{DataError::Kind::kInvalid, std::string{source},
                          std::string{source} + ": " + catalog.error().message});
  }
  return std::move(catalog).value();
}

core::Result<std::vector<core::PayerProfile>, DataError> parsePayersJson(std::string_view text,
                                                                         std::string_view source) {
  auto doc = parseText(text, source);
  if (!doc) return fail(doc.error());
  Fields top(doc.value(), "top level", std::string{source});
  if (auto e = top.onlyKeys({"payers"})) return fail(*e);
  auto it = doc.value().find("payers");
  if (it == doc.value().end() || !it->is_array()) return fail(top.error("field 'payers' must be a list"));
  std::vector<core::PayerProfile> payers;
  std::set<std::string> names;
  for (std::size_t i = 0; i < it->size(); ++i) {
    auto p = readPayer((*it)[i], i, source);
    if (!p) return fail(p.error());
    if (!names.insert(p.value().name).second) {
      return fail(DataError{DataError::Kind::kInvalid, std::string{source},
                            std::string{source} + ": payer " + p.value().name + " appears twice"});
    }
    payers.push_back(std::move(p).value());
  }
  return payers;
}

core::Result<core::Catalog, DataError> loadCatalogFile(const std::filesystem::path& file) {
  auto text = readFile(file);
  if (!text) return fail(text.error());
  return parseCatalogJson(text.value(), file.string());
}

core::Result<std::vector<core::PayerProfile>, DataError> loadPayersFile(const std::filesystem::path& file) {
  auto text = readFile(file);
  if (!text) return fail(text.error());
  return parsePayersJson(text.value(), file.string());
}

std::string catalogToJson(const core::Catalog& catalog) {
  ordered_json doc;
  doc["version"] = catalog.version();
  doc["codes"] = ordered_json::array();
  const core::CodeInfo defaults;
  for (const auto& c : catalog.codes()) {
    ordered_json o;
    o["code"] = c.code;
    o["short_name"] = c.shortName;
    o["timed"] = c.timed;
    if (c.unitLength != defaults.unitLength) o["unit_minutes"] = c.unitLength.count();
    if (c.midpoint != defaults.midpoint) o["midpoint_minutes"] = c.midpoint.count();
    if (!c.addOnCode.empty()) o["add_on_code"] = c.addOnCode;
    if (!c.addOnOf.empty()) o["add_on_of"] = c.addOnOf;
    if (c.maxUnitsPerDay != 0) o["max_units_per_day"] = c.maxUnitsPerDay;
    if (!c.disciplines.empty()) {
      o["disciplines"] = ordered_json::array();
      for (auto d : c.disciplines) o["disciplines"].push_back(std::string{core::toString(d)});
    }
    if (c.evaluation) o["evaluation"] = true;
    if (c.reEvaluation) o["re_evaluation"] = true;
    if (c.group) o["group"] = true;
    if (c.supervisedModality) o["supervised_modality"] = true;
    if (c.medicareBundled) o["medicare_bundled"] = true;
    if (c.therapyModifier != defaults.therapyModifier) o["therapy_modifier"] = c.therapyModifier;
    doc["codes"].push_back(std::move(o));
  }
  doc["ncci_pairs"] = ordered_json::array();
  for (const auto& p : catalog.ncciPairs()) {
    ordered_json o;
    o["column1"] = p.column1;
    o["column2"] = p.column2;
    o["modifier_indicator"] = p.modifierIndicator;
    if (!p.note.empty()) o["note"] = p.note;
    doc["ncci_pairs"].push_back(std::move(o));
  }
  return doc.dump(2) + "\n";
}

std::string payersToJson(const std::vector<core::PayerProfile>& payers) {
  ordered_json doc;
  doc["payers"] = ordered_json::array();
  for (const auto& p : payers) {
    ordered_json o;
    o["name"] = p.name;
    o["display_name"] = p.displayName;
    o["rule"] = std::string{core::toString(p.rule)};
    o["discipline_modifiers"] = p.disciplineModifiers;
    o["assistant_modifiers"] = p.assistantModifiers;
    o["assistant_de_minimis_percent"] = p.assistantDeMinimisPercent;
    o["substitutions"] = ordered_json::object();
    for (const auto& s : p.substitutions) o["substitutions"][s.from] = s.to;
    o["drop_bundled_codes"] = p.dropBundledCodes;
    o["telehealth_modifier"] = p.telehealthModifier;
    o["distinct_service_modifier"] = p.distinctServiceModifier;
    o["max_timed_units_per_visit"] = p.maxTimedUnitsPerVisit;
    doc["payers"].push_back(std::move(o));
  }
  return doc.dump(2) + "\n";
}

core::Result<CatalogData, DataError> loadCatalogDirectory(const std::filesystem::path& directory) {
  std::error_code ec;
  if (!std::filesystem::is_directory(directory, ec)) {
    return fail(DataError{DataError::Kind::kNotFound, directory.string(),
                          directory.string() + ": not a catalog directory"});
  }
  auto catalog = loadCatalogFile(directory / "codes.json");
  if (!catalog) return fail(catalog.error());
  auto payers = loadPayersFile(directory / "payers.json");
  if (!payers) return fail(payers.error());
  // Payers may substitute only codes the catalog knows.
  for (const auto& p : payers.value()) {
    for (const auto& s : p.substitutions) {
      for (const auto& code : {s.from, s.to}) {
        if (catalog.value().find(code) == nullptr) {
          return fail(DataError{DataError::Kind::kInvalid, (directory / "payers.json").string(),
                                (directory / "payers.json").string() + ": payer " + p.name + " substitutes " +
                                    code + ", which is not in the catalog"});
        }
      }
    }
  }
  return CatalogData{std::move(catalog).value(), std::move(payers).value(), directory};
}

CatalogData builtinCatalogData() {
  return CatalogData{core::Catalog::builtin(), core::builtinPayers(), {}};
}

const core::PayerProfile* findPayer(const std::vector<core::PayerProfile>& payers, std::string_view name) {
  for (const auto& p : payers) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

}  // namespace unitclock::platform
