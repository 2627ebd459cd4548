// The clinic's calendar: which local date a UTC instant falls on, and which UTC instants make up a local
// date, for an IANA time zone ("America/Chicago"). Minutes count toward the clinic's calendar day, so the
// supervisor's "today" and the billing day are computed here, in platform code, never in core.
//
// gcc 12's libstdc++ has no std::chrono::tzdb (locate_zone arrived in gcc 13/14), so this reads the
// system's compiled zone files (/usr/share/zoneinfo, Debian's tzdata) itself: each zone is parsed once and
// then shared, read-only, by every thread. Nothing here reads or changes the environment (TZ), so these
// functions are safe to call from any thread while other threads use getenv/setenv. See docs/storage.md.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include <unitclock/core/events.h>
#include <unitclock/core/result.h>

namespace unitclock::platform {

struct TimeZoneError {
  std::string message;
};

// The UTC instants of one local calendar day: [start, end). Usually 24 h; 23 h or 25 h on the days the
// clocks change.
struct UtcRange {
  core::WallTime start{};
  core::WallTime end{};
};

// True if `zone` names a readable zone file under the system zoneinfo ("UTC", "Europe/Berlin"); rejects
// empty names, absolute paths, "..", characters outside [A-Za-z0-9_+-/], and files that are not zone data
// ("zone.tab").
bool isKnownTimeZone(std::string_view zone);

core::Result<std::chrono::year_month_day, TimeZoneError> localDate(core::WallTime utc, std::string_view zone);
core::Result<UtcRange, TimeZoneError> localDayRange(std::chrono::year_month_day date, std::string_view zone);

// The zone's offset from UTC in force at `utc` (local = utc + offset): -6 h for America/Chicago in
// November, -5 h in July. For timestamps that carry their offset (HL7 `-0600`, ISO `-06:00`).
core::Result<std::chrono::seconds, TimeZoneError> utcOffsetAt(core::WallTime utc, std::string_view zone);

// "YYYY-MM-DD" (strict: four-digit year, two-digit month and day, a real calendar date).
std::optional<std::chrono::year_month_day> parseIsoDate(std::string_view text);
std::string formatIsoDate(std::chrono::year_month_day date);

}  // namespace unitclock::platform
