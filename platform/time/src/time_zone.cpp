#include <unitclock/platform/time_zone.h>

#include <cstdio>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <unordered_map>

#include "zoneinfo.h"

namespace unitclock::platform {

namespace {

using namespace std::chrono;

constexpr const char* kZoneInfoDir = "/usr/share/zoneinfo/";

// A name that can only resolve to a file under the zone directory.
bool isSafeZoneName(std::string_view zone) {
  if (zone.empty() || zone.front() == '/' || zone.find("..") != std::string_view::npos) return false;
  for (char c : zone) {
    bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '/' ||
              c == '_' || c == '-' || c == '+';
    if (!ok) return false;
  }
  return true;
}

TimeZoneError unknownZone(std::string_view zone) {
  return TimeZoneError{"unknown time zone \"" + std::string(zone) + "\""};
}

// Parsed zones by name, loaded once per process and never changed afterwards: threads share the
// immutable ZoneInfo through a shared_ptr, and the lock guards only the map. A failed load is not
// remembered, so a zone installed later is found on the next call.
class ZoneCache {
 public:
  core::Result<std::shared_ptr<const zoneinfo::ZoneInfo>, TimeZoneError> get(std::string_view zone) {
    if (!isSafeZoneName(zone)) return core::fail(unknownZone(zone));
    std::string name(zone);
    {
      std::shared_lock lock(m_mutex);
      if (auto it = m_zones.find(name); it != m_zones.end()) return it->second;
    }
    // Read and parse outside the lock; if two threads load the same zone, the first one stored wins.
    auto loaded = zoneinfo::loadTzifFile(kZoneInfoDir + name);
    if (!loaded) {
      if (loaded.error().missing) return core::fail(unknownZone(zone));
      return core::fail(
          TimeZoneError{"time zone \"" + name + "\" cannot be read: " + loaded.error().message});
    }
    auto parsed = std::make_shared<const zoneinfo::ZoneInfo>(std::move(loaded.value()));
    std::unique_lock lock(m_mutex);
    auto [it, inserted] = m_zones.emplace(std::move(name), std::move(parsed));
    return it->second;
  }

 private:
  std::shared_mutex m_mutex;
  std::unordered_map<std::string, std::shared_ptr<const zoneinfo::ZoneInfo>> m_zones;
};

// Never destroyed: a thread still running while the process exits (the sync thread) may ask for a date
// after static destructors have run.
ZoneCache& zoneCache() {
  static auto* cache = new ZoneCache;
  return *cache;
}

year_month_day dateAt(const zoneinfo::ZoneInfo& zone, sys_seconds utc) {
  return year_month_day{floor<days>(zone.localTimeAt(utc))};
}

// The first second whose local date is on or after `date`. Local dates never repeat within a 36-hour
// window of midnight in any real zone, so a binary search around the local midnight is exact even on days
// whose midnight does not exist (a change at 00:00, as in Chile) and on 23- and 25-hour days.
sys_seconds firstSecondOf(const zoneinfo::ZoneInfo& zone, year_month_day date) {
  sys_seconds midnight{sys_days{date}};
  // Local midnight read with the offset in force around it: within an hour or so of the answer.
  sys_seconds guess = midnight - zone.utcOffsetAt(midnight - zone.utcOffsetAt(midnight));
  sys_seconds lo = guess - hours{36};  // local date < date here
  sys_seconds hi = guess + hours{36};  // local date >= date here
  while (hi - lo > seconds{1}) {
    sys_seconds mid = lo + (hi - lo) / 2;
    if (dateAt(zone, mid) < date) {
      lo = mid;
    } else {
      hi = mid;
    }
  }
  return hi;
}

}  // namespace

bool isKnownTimeZone(std::string_view zone) {
  return zoneCache().get(zone).ok();
}

core::Result<std::chrono::year_month_day, TimeZoneError> localDate(core::WallTime utc,
                                                                   std::string_view zone) {
  auto info = zoneCache().get(zone);
  if (!info) return core::fail(info.error());
  return dateAt(**info, floor<seconds>(utc));
}

core::Result<UtcRange, TimeZoneError> localDayRange(std::chrono::year_month_day date, std::string_view zone) {
  if (!date.ok()) return core::fail(TimeZoneError{"not a calendar date"});
  auto info = zoneCache().get(zone);
  if (!info) return core::fail(info.error());
  auto next = year_month_day{sys_days{date} + days{1}};
  return UtcRange{core::WallTime{firstSecondOf(**info, date)}, core::WallTime{firstSecondOf(**info, next)}};
}

core::Result<std::chrono::seconds, TimeZoneError> utcOffsetAt(core::WallTime utc, std::string_view zone) {
  auto info = zoneCache().get(zone);
  if (!info) return core::fail(info.error());
  return (*info)->utcOffsetAt(floor<seconds>(utc));
}

std::optional<std::chrono::year_month_day> parseIsoDate(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  auto number = [&](std::size_t from, std::size_t len) -> std::optional<int> {
    int v = 0;
    for (std::size_t i = from; i < from + len; ++i) {
      if (text[i] < '0' || text[i] > '9') return std::nullopt;
      v = v * 10 + (text[i] - '0');
    }
    return v;
  };
  auto y = number(0, 4), m = number(5, 2), d = number(8, 2);
  if (!y || !m || !d) return std::nullopt;
  std::chrono::year_month_day date{std::chrono::year{*y}, std::chrono::month{static_cast<unsigned>(*m)},
                                   std::chrono::day{static_cast<unsigned>(*d)}};
  if (!date.ok()) return std::nullopt;
  return date;
}

std::string formatIsoDate(std::chrono::year_month_day date) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(date.year()),
                static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()));
  return buf;
}

}  // namespace unitclock::platform
