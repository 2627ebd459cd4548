// A reader for the system's compiled time zone files (/usr/share/zoneinfo/<Name>, the TZif format of
// RFC 8536, versions 1 to 3; version 4 files read the same way) and for the POSIX TZ rule in their footer.
// It exists so that the clinic's local calendar can be computed without the C library's TZ variable: a
// parsed zone is plain immutable data, safe to share between threads. Private to unitclock_time; the
// public entry points are in <unitclock/platform/time_zone.h>.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <unitclock/core/result.h>

namespace unitclock::platform::zoneinfo {

struct ZoneInfoError {
  std::string message;
  bool missing = false;  // no such file (as opposed to a file that is not valid zone data)
};

// A POSIX TZ string as found in a TZif footer: "CET-1CEST,M3.5.0,M10.5.0/3", "<+0530>-5:30",
// "<-03>3<-02>,M3.5.0/-2,M10.5.0/-1". Offsets here are seconds EAST of UTC (the opposite sign of the
// text). Transition times may lie outside 0..24 h (RFC 8536 allows -167..167 hours).
struct PosixTz {
  // One end of daylight saving time, in one of the three POSIX forms.
  struct Rule {
    enum class Kind {
      kJulianNoLeap,  // "Jn": n = 1..365, February 29 is never counted
      kZeroBasedDay,  // "n": n = 0..365, February 29 is counted in leap years
      kMonthWeekDay,  // "Mm.w.d": month 1..12, week 1..5 (5 = last), weekday 0..6 (0 = Sunday)
    };
    Kind kind = Kind::kMonthWeekDay;
    int day = 0;                          // n for the two day forms
    int month = 0;                        // Mm.w.d only
    int week = 0;                         // Mm.w.d only
    int weekday = 0;                      // Mm.w.d only
    std::chrono::seconds time{2 * 3600};  // local wall time of the change; "/time", default 02:00
  };

  std::string stdName;
  std::chrono::seconds stdOffset{};
  bool hasDst = false;
  std::string dstName;
  std::chrono::seconds dstOffset{};  // default: one hour ahead of standard time
  Rule dstStart;                     // written in standard time
  Rule dstEnd;                       // written in daylight saving time

  // Seconds east of UTC in effect at `utc`.
  std::chrono::seconds utcOffsetAt(std::chrono::sys_seconds utc) const;
};

// Parses a POSIX TZ string (without a leading ':'). Returns nullopt for anything malformed: a missing or
// too-short name, an hour beyond 24 in an offset or beyond 167 in a rule time, a month, week, weekday or
// day out of range, a half-given rule, or trailing characters. A daylight saving zone without a rule gets
// the US rule, as the C library does ("M3.2.0,M11.1.0").
std::optional<PosixTz> parsePosixTz(std::string_view text);

// One compiled zone: the historical transitions, then the footer rule for instants after the last one.
struct ZoneInfo {
  struct LocalTimeType {
    std::chrono::seconds utcOffset{};
    bool isDst = false;
    std::string abbreviation;
  };
  struct LeapSecond {
    std::int64_t occurrence = 0;  // the "right/" zones count leap seconds in their instants
    std::int64_t correction = 0;
  };

  int version = 1;
  std::vector<std::int64_t> transitions;  // UTC seconds, strictly ascending
  std::vector<std::uint8_t> transitionTypes;
  std::vector<LocalTimeType> types;
  std::vector<LeapSecond> leapSeconds;
  std::optional<PosixTz> footer;

  // Seconds east of UTC in effect at `utc`.
  std::chrono::seconds utcOffsetAt(std::chrono::sys_seconds utc) const;
  // The local wall-clock reading at `utc`, as a sys_seconds value (its calendar date is the local date).
  std::chrono::sys_seconds localTimeAt(std::chrono::sys_seconds utc) const;
};

// Parses the bytes of a TZif file. For version 2 and later it reads the 64-bit data block and the
// footer; for version 1 the 32-bit block. Damaged or truncated data is an error, never a guess.
core::Result<ZoneInfo, ZoneInfoError> parseTzif(std::span<const unsigned char> bytes);

// Reads `path` (a regular file of at most 1 MiB) and parses it. Never reads the environment.
core::Result<ZoneInfo, ZoneInfoError> loadTzifFile(const std::string& path);

}  // namespace unitclock::platform::zoneinfo
