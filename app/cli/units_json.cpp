#include "units_json.h"

namespace unitclock::app {

void addUnitsJson(nlohmann::ordered_json& doc, const core::UnitsResult& r) {
  using Json = nlohmann::ordered_json;
  doc["rule"] = std::string{core::toString(r.rule)};
  doc["total_timed_minutes"] = r.totalTimed.count();
  doc["total_treatment_minutes"] = r.totalTreatment.count();
  doc["total_units"] = r.totalUnits;
  doc["lines"] = Json::array();
  for (const auto& line : r.lines) {
    doc["lines"].push_back({{"code", line.code}, {"units", line.units}, {"modifiers", line.modifiers}});
  }
  doc["zero_unit_codes"] = r.zeroUnitCodes;
  doc["ties"] = Json::array();
  for (const auto& tie : r.ties) {
    doc["ties"].push_back({{"candidates", tie.candidates}, {"awarded", tie.awarded}, {"units", tie.units}});
  }
  doc["warnings"] = Json::array();
  for (const auto& w : r.warnings) doc["warnings"].push_back({{"id", w.id}, {"message", w.message}});
}

}  // namespace unitclock::app
