// Productivity figures a supervisor reads, defined once for the kiosk's supervisor screen and the
// server's day summary.
//
//   auto clock = clockTime(intervals);            // a clinician's segments of the day, in any order
//   double uph = unitsPerHour(timedUnits, clock);
#pragma once

#include <chrono>
#include <utility>
#include <vector>

#include <unitclock/core/events.h>

namespace unitclock::core {

// Time on the clock: the length of the union of the intervals (two sessions at once count once).
std::chrono::milliseconds clockTime(std::vector<std::pair<WallTime, WallTime>> intervals);

// Units per hour: timed units divided by hours on the clock (clockTime of the clinician's segments of
// the day, every mode; untimed services and pauses are not on the clock). 0 when there is no clock time.
double unitsPerHour(int timedUnits, std::chrono::milliseconds clock);

}  // namespace unitclock::core
