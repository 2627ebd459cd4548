// The JSON form of a units result, shared by `unitclock-cli units --json` and `unitclock-cli sessions
// export --json`, so a biller sees the same keys and values from both.
#pragma once

#include <unitclock/core/engine.h>
#include <nlohmann/json.hpp>

namespace unitclock::app {

// Adds rule, total_timed_minutes, total_treatment_minutes, total_units, lines (units > 0 only),
// zero_unit_codes, ties and warnings to `doc`, in that order.
void addUnitsJson(nlohmann::ordered_json& doc, const core::UnitsResult& result);

}  // namespace unitclock::app
