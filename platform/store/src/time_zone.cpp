#include <unitclock/platform/time_zone.h>

#include <sys/stat.h>

#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <mutex>
#include <optional>
#include <string>

namespace unitclock::platform {

namespace {

constexpr const char* kZoneInfoDir = "/usr/share/zoneinfo/";

std::mutex& tzMutex() {
  static std::mutex m;
  return m;
}

// Sets TZ for the lifetime of the guard and restores the previous value (or its absence) afterwards.
class ScopedTz {
 public:
  explicit ScopedTz(std::string_view zone) : m_lock(tzMutex()) {
    if (const char* old = std::getenv("TZ"); old != nullptr) m_previous = old;
    std::string value = ":" + std::string(zone);  // ':' = a file under the zoneinfo directory
    ::setenv("TZ", value.c_str(), 1);
    ::tzset();
  }
  ScopedTz(const ScopedTz&) = delete;
  ScopedTz& operator=(const ScopedTz&) = delete;
  ~ScopedTz() {
    if (m_previous) {
      ::setenv("TZ", m_previous->c_str(), 1);
    } else {
      ::unsetenv("TZ");
    }
    ::tzset();
  }

 private:
  std::lock_guard<std::mutex> m_lock;
  std::optional<std::string> m_previous;
};

std::chrono::year_month_day dateOf(std::time_t t) {
  std::tm tm{};
  ::localtime_r(&t, &tm);
  return std::chrono::year_month_day{std::chrono::year{tm.tm_year + 1900},
                                     std::chrono::month{static_cast<unsigned>(tm.tm_mon + 1)},
                                     std::chrono::day{static_cast<unsigned>(tm.tm_mday)}};
}

// The first second whose local date is on or after `date` (TZ already set). Local dates never repeat
// within a 48-hour window of midnight in any real zone, so a binary search around mktime's guess is exact
// even on days whose midnight does not exist (a DST change at 00:00).
std::time_t firstSecondOf(std::chrono::year_month_day date) {
  std::tm tm{};
  tm.tm_year = static_cast<int>(date.year()) - 1900;
  tm.tm_mon = static_cast<int>(static_cast<unsigned>(date.month())) - 1;
  tm.tm_mday = static_cast<int>(static_cast<unsigned>(date.day()));
  tm.tm_isdst = -1;
  std::time_t guess = ::mktime(&tm);
  std::time_t lo = guess - 36 * 3600;  // local date < date here
  std::time_t hi = guess + 36 * 3600;  // local date >= date here
  while (hi - lo > 1) {
    std::time_t mid = lo + (hi - lo) / 2;
    if (dateOf(mid) < date) {
      lo = mid;
    } else {
      hi = mid;
    }
  }
  return hi;
}

core::WallTime fromSeconds(std::time_t t) {
  return core::WallTime{std::chrono::seconds{t}};
}

}  // namespace

bool isKnownTimeZone(std::string_view zone) {
  if (zone.empty() || zone.front() == '/' || zone.find("..") != std::string_view::npos) return false;
  for (char c : zone) {
    bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '/' ||
              c == '_' || c == '-' || c == '+';
    if (!ok) return false;
  }
  std::string path = std::string(kZoneInfoDir) + std::string(zone);
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

core::Result<std::chrono::year_month_day, TimeZoneError> localDate(core::WallTime utc,
                                                                   std::string_view zone) {
  // glibc silently falls back to UTC for a zone it cannot find: check first.
  if (!isKnownTimeZone(zone))
    return core::fail(TimeZoneError{"unknown time zone \"" + std::string(zone) + "\""});
  auto secs = std::chrono::floor<std::chrono::seconds>(utc).time_since_epoch().count();
  ScopedTz tz(zone);
  return dateOf(static_cast<std::time_t>(secs));
}

core::Result<UtcRange, TimeZoneError> localDayRange(std::chrono::year_month_day date, std::string_view zone) {
  if (!date.ok()) return core::fail(TimeZoneError{"not a calendar date"});
  if (!isKnownTimeZone(zone))
    return core::fail(TimeZoneError{"unknown time zone \"" + std::string(zone) + "\""});
  auto next = std::chrono::year_month_day{std::chrono::sys_days{date} + std::chrono::days{1}};
  ScopedTz tz(zone);
  return UtcRange{fromSeconds(firstSecondOf(date)), fromSeconds(firstSecondOf(next))};
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
