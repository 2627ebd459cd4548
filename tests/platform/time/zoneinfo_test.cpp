// The clinic's calendar must match what the operating system says for every zone a clinic can pick. The
// C library is the reference; it is asked in a child process (fork, set TZ there, compute, send the
// answers back through a pipe) so this process's environment is never changed by the comparison.
#include <unitclock/platform/time_zone.h>

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fstream>
#include <functional>
#include <iterator>
#include <random>
#include <string>
#include <vector>

#include "zoneinfo.h"

using namespace unitclock;
using namespace unitclock::platform;
using namespace std::chrono;

namespace {

// What the C library says about one instant.
struct CLibraryReading {
  std::int64_t utcOffset = 0;  // tm_gmtoff, seconds east of UTC
  std::int32_t year = 0;
  std::uint32_t month = 0;
  std::uint32_t day = 0;
};

// Runs `work` in a forked child and returns what it produced. The child sets TZ in its own copy of the
// environment only.
template <class T>
std::vector<T> inChildProcess(const std::function<std::vector<T>()>& work) {
  int fds[2];
  if (::pipe(fds) != 0) {
    ADD_FAILURE() << "pipe failed";
    return {};
  }
  pid_t pid = ::fork();
  if (pid < 0) {
    ADD_FAILURE() << "fork failed";
    return {};
  }
  if (pid == 0) {
    ::close(fds[0]);
    std::vector<T> out = work();
    const char* p = reinterpret_cast<const char*>(out.data());
    std::size_t left = out.size() * sizeof(T);
    while (left > 0) {
      auto n = ::write(fds[1], p, left);
      if (n <= 0) ::_exit(2);
      p += n;
      left -= static_cast<std::size_t>(n);
    }
    ::_exit(0);
  }
  ::close(fds[1]);
  std::vector<char> bytes;
  char buf[65536];
  for (;;) {
    auto n = ::read(fds[0], buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    bytes.insert(bytes.end(), buf, buf + n);
  }
  ::close(fds[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "the C library child process failed";
  std::vector<T> out(bytes.size() / sizeof(T));
  std::memcpy(out.data(), bytes.data(), out.size() * sizeof(T));
  return out;
}

void useZoneInThisProcess(const std::string& tz) {
  ::setenv("TZ", tz.c_str(), 1);
  ::tzset();
}

CLibraryReading readLocalTime(std::int64_t t) {
  std::time_t tt = static_cast<std::time_t>(t);
  std::tm tm{};
  ::localtime_r(&tt, &tm);
  return CLibraryReading{tm.tm_gmtoff, tm.tm_year + 1900, static_cast<std::uint32_t>(tm.tm_mon + 1),
                         static_cast<std::uint32_t>(tm.tm_mday)};
}

std::vector<CLibraryReading> cLibraryReadings(const std::string& tz,
                                              const std::vector<std::int64_t>& instants) {
  return inChildProcess<CLibraryReading>([&] {
    useZoneInThisProcess(tz);
    std::vector<CLibraryReading> out;
    out.reserve(instants.size());
    for (auto t : instants) out.push_back(readLocalTime(t));
    return out;
  });
}

std::int64_t secondsAt(int y, unsigned m, unsigned d) {
  return sys_seconds{sys_days{year{y} / month{m} / day{d}}}.time_since_epoch().count();
}

std::vector<std::int64_t> randomInstants(std::mt19937_64& rng, std::size_t count, std::int64_t from,
                                         std::int64_t to) {
  std::uniform_int_distribution<std::int64_t> pick(from, to);
  std::vector<std::int64_t> out;
  for (std::size_t i = 0; i < count; ++i) out.push_back(pick(rng));
  return out;
}

year_month_day ymd(int y, unsigned m, unsigned d) {
  return year{y} / month{m} / day{d};
}

sys_seconds at(int y, unsigned m, unsigned d, int h, int min, int s = 0) {
  return sys_seconds{sys_days{ymd(y, m, d)}} + hours{h} + minutes{min} + seconds{s};
}

const std::vector<std::string> kClinicZones = {
    "UTC",
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Phoenix",
    "America/Los_Angeles",
    "America/Anchorage",
    "Pacific/Honolulu",
    "America/St_Johns",
    "America/Havana",     // changes at midnight
    "America/Santiago",   // changes at 24:00, southern hemisphere
    "America/Sao_Paulo",  // no DST since 2019
    "America/Nuuk",       // footer rule times below zero
    "Europe/London",
    "Europe/Dublin",  // negative DST in the zone data
    "Europe/Berlin",
    "Africa/Casablanca",  // DST suspended every Ramadan, listed transition by transition
    "Asia/Tehran",
    "Asia/Kolkata",
    "Asia/Kathmandu",
    "Australia/Sydney",
    "Australia/Lord_Howe",  // half-hour DST
    "Pacific/Auckland",
    "Pacific/Chatham",  // +12:45 / +13:45
};

// Instants one second either side of every change of offset between `from` and `to`, as this reader sees
// them (scanned every six hours, then pinned to the second). A change this reader missed shows up in the
// random instants instead.
std::vector<std::int64_t> instantsAroundChanges(const zoneinfo::ZoneInfo& zone, std::int64_t from,
                                                std::int64_t to) {
  std::vector<std::int64_t> out;
  constexpr std::int64_t kStep = 6 * 3600;
  auto offset = [&](std::int64_t t) { return zone.utcOffsetAt(sys_seconds{seconds{t}}); };
  for (std::int64_t t = from; t + kStep <= to; t += kStep) {
    if (offset(t) == offset(t + kStep)) continue;
    std::int64_t lo = t, hi = t + kStep;  // offset(lo) != offset(hi)
    while (hi - lo > 1) {
      std::int64_t mid = lo + (hi - lo) / 2;
      (offset(mid) == offset(lo) ? lo : hi) = mid;
    }
    out.insert(out.end(), {hi - 2, hi - 1, hi, hi + 1});
  }
  return out;
}

std::vector<unsigned char> fileBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::vector<unsigned char>(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

}  // namespace

// [SECTION] Zone files against the C library

TEST(ZoneInfo, EveryClinicZoneAgreesWithTheOperatingSystemFrom1970To2060) {
  std::mt19937_64 rng(20261126);
  const std::int64_t from = secondsAt(1970, 1, 1), to = secondsAt(2061, 1, 1);
  std::size_t compared = 0, changes = 0;
  for (const auto& name : kClinicZones) {
    SCOPED_TRACE(name);
    auto zone = zoneinfo::loadTzifFile("/usr/share/zoneinfo/" + name);
    ASSERT_TRUE(zone.ok()) << zone.error().message;
    auto instants = randomInstants(rng, 2000, from, to);
    auto edges = instantsAroundChanges(*zone, from, to);
    changes += edges.size() / 4;
    instants.insert(instants.end(), edges.begin(), edges.end());
    auto expected = cLibraryReadings(":" + name, instants);
    ASSERT_EQ(expected.size(), instants.size());
    int failures = 0;
    for (std::size_t i = 0; i < instants.size() && failures < 5; ++i) {
      sys_seconds t{seconds{instants[i]}};
      auto date = localDate(core::WallTime{t}, name);
      ASSERT_TRUE(date.ok());
      bool same = zone->utcOffsetAt(t).count() == expected[i].utcOffset &&
                  date.value() == ymd(expected[i].year, expected[i].month, expected[i].day);
      if (!same) {
        ++failures;
        ADD_FAILURE() << "at " << instants[i] << " (" << formatIsoDate(year_month_day{floor<days>(t)})
                      << " UTC): C library says offset " << expected[i].utcOffset << " s, date "
                      << expected[i].year << "-" << expected[i].month << "-" << expected[i].day
                      << "; this reader says " << zone->utcOffsetAt(t).count() << " s, "
                      << formatIsoDate(date.value());
      }
      ++compared;
    }
  }
  // Every zone but UTC, Phoenix and Kolkata changes its clocks at least once in 90 years.
  EXPECT_GT(changes, 1000u);
  EXPECT_GE(compared, kClinicZones.size() * 2000);
}

TEST(ZoneInfo, DayRangesMatchTheOperatingSystemsLocalMidnights) {
  // The day's start as the C library finds it: the first second whose local date is that day.
  std::mt19937_64 rng(7);
  std::uniform_int_distribution<int> pickDay(0, 33000);  // 1971 .. 2060
  for (const auto& name : kClinicZones) {
    SCOPED_TRACE(name);
    std::vector<std::int64_t> days;
    for (int i = 0; i < 150; ++i) days.push_back(pickDay(rng) + 365);
    // And the days the clocks change in 2026, where the edge cases are.
    auto zone = zoneinfo::loadTzifFile("/usr/share/zoneinfo/" + name);
    ASSERT_TRUE(zone.ok());
    for (auto t : instantsAroundChanges(*zone, secondsAt(2026, 1, 1), secondsAt(2027, 1, 1)))
      days.push_back(t / 86400);
    auto starts = inChildProcess<std::int64_t>([&] {
      useZoneInThisProcess(":" + name);
      std::vector<std::int64_t> out;
      for (auto d : days) {
        year_month_day date{sys_days{std::chrono::days{d}}};
        std::tm tm{};
        tm.tm_year = static_cast<int>(date.year()) - 1900;
        tm.tm_mon = static_cast<int>(static_cast<unsigned>(date.month())) - 1;
        tm.tm_mday = static_cast<int>(static_cast<unsigned>(date.day()));
        tm.tm_isdst = -1;
        std::int64_t guess = ::mktime(&tm);
        std::int64_t lo = guess - 36 * 3600, hi = guess + 36 * 3600;
        while (hi - lo > 1) {
          std::int64_t mid = lo + (hi - lo) / 2;
          auto r = readLocalTime(mid);
          (ymd(r.year, r.month, r.day) < date ? lo : hi) = mid;
        }
        out.push_back(hi);
      }
      return out;
    });
    ASSERT_EQ(starts.size(), days.size());
    for (std::size_t i = 0; i + 1 < days.size(); ++i) {
      year_month_day date{sys_days{std::chrono::days{days[i]}}};
      auto range = localDayRange(date, name);
      ASSERT_TRUE(range.ok());
      EXPECT_EQ(range->start, core::WallTime{seconds{starts[i]}}) << formatIsoDate(date);
    }
  }
}

TEST(ZoneInfo, LeapSecondZonesAgreeWithTheOperatingSystem) {
  // The "right/" zones count leap seconds; a clinic would not choose one, but they must not read wrong.
  const std::string name = "right/America/Chicago";
  auto zone = zoneinfo::loadTzifFile("/usr/share/zoneinfo/" + name);
  if (!zone.ok()) GTEST_SKIP() << "no leap-second zones installed";
  EXPECT_FALSE(zone->leapSeconds.empty());
  std::mt19937_64 rng(3);
  auto instants = randomInstants(rng, 2000, secondsAt(1970, 1, 1), secondsAt(2061, 1, 1));
  // Around midnight Chicago time after a leap second, where the correction decides the date.
  for (int y = 1990; y < 2017; ++y) {
    auto midnight = secondsAt(y, 7, 1) + 5 * 3600;
    instants.insert(instants.end(), {midnight + 10, midnight + 20, midnight + 30, midnight + 40});
  }
  auto expected = cLibraryReadings(":" + name, instants);
  ASSERT_EQ(expected.size(), instants.size());
  for (std::size_t i = 0; i < instants.size(); ++i) {
    auto date = localDate(core::WallTime{seconds{instants[i]}}, name);
    ASSERT_TRUE(date.ok());
    ASSERT_EQ(date.value(), ymd(expected[i].year, expected[i].month, expected[i].day)) << instants[i];
  }
}

// [SECTION] The footer rule

TEST(PosixTzRule, ReadsNamesOffsetsAndTheThreeRuleForms) {
  auto us = zoneinfo::parsePosixTz("EST5EDT,M3.2.0,M11.1.0");
  ASSERT_TRUE(us);
  EXPECT_EQ(us->stdName, "EST");
  EXPECT_EQ(us->stdOffset, hours{-5});
  EXPECT_TRUE(us->hasDst);
  EXPECT_EQ(us->dstName, "EDT");
  EXPECT_EQ(us->dstOffset, hours{-4}) << "DST defaults to one hour ahead";
  EXPECT_EQ(us->dstStart.kind, zoneinfo::PosixTz::Rule::Kind::kMonthWeekDay);
  EXPECT_EQ(us->dstStart.month, 3);
  EXPECT_EQ(us->dstStart.week, 2);
  EXPECT_EQ(us->dstStart.weekday, 0);
  EXPECT_EQ(us->dstStart.time, hours{2}) << "the change defaults to 02:00";

  auto india = zoneinfo::parsePosixTz("<+0530>-5:30");
  ASSERT_TRUE(india);
  EXPECT_EQ(india->stdName, "+0530");
  EXPECT_EQ(india->stdOffset, hours{5} + minutes{30});
  EXPECT_FALSE(india->hasDst);

  auto odd = zoneinfo::parsePosixTz("<-0325>3:25:45<-02>+2:00:15,J60/2:30,300/-1:15:30");
  ASSERT_TRUE(odd);
  EXPECT_EQ(odd->stdOffset, -(hours{3} + minutes{25} + seconds{45}));
  EXPECT_EQ(odd->dstOffset, -(hours{2} + seconds{15}));
  EXPECT_EQ(odd->dstStart.kind, zoneinfo::PosixTz::Rule::Kind::kJulianNoLeap);
  EXPECT_EQ(odd->dstStart.day, 60);
  EXPECT_EQ(odd->dstStart.time, hours{2} + minutes{30});
  EXPECT_EQ(odd->dstEnd.kind, zoneinfo::PosixTz::Rule::Kind::kZeroBasedDay);
  EXPECT_EQ(odd->dstEnd.day, 300);
  EXPECT_EQ(odd->dstEnd.time, -(hours{1} + minutes{15} + seconds{30}));

  auto longTime = zoneinfo::parsePosixTz("ABC3DEF,M3.5.0/167,M10.5.0/-167");
  ASSERT_TRUE(longTime) << "RFC 8536 allows rule times up to 167 hours either way";
  EXPECT_EQ(longTime->dstStart.time, hours{167});

  auto noRule = zoneinfo::parsePosixTz("EST5EDT");
  ASSERT_TRUE(noRule) << "DST without a rule gets the C library's default, the US rule";
  EXPECT_EQ(noRule->dstStart.month, 3);
  EXPECT_EQ(noRule->dstEnd.month, 11);
}

TEST(PosixTzRule, RejectsMalformedRules) {
  for (const char* bad : {"",
                          "5",
                          "EST",
                          "ES5",
                          "<AB>5",
                          "<EST5",
                          "<E$T>5",
                          "EST25",
                          "EST5:60",
                          "EST5ED",
                          "EST5EDT,",
                          "EST5EDT,M3.2.0",
                          "EST5EDT,M3.2.0,",
                          "EST5EDT,M13.1.0,M11.1.0",
                          "EST5EDT,M0.1.0,M11.1.0",
                          "EST5EDT,M3.6.0,M11.1.0",
                          "EST5EDT,M3.0.0,M11.1.0",
                          "EST5EDT,M3.2.7,M11.1.0",
                          "EST5EDT,J0,J365",
                          "EST5EDT,J366,J1",
                          "EST5EDT,366,1",
                          "EST5EDT,M3.2.0/168,M11.1.0",
                          "EST5EDT,M3.2.0,M11.1.0x",
                          "EST5EDT4x",
                          "EST5 ",
                          "EST5EDT;M3.2.0,M11.1.0",
                          "EST5EDT,M3.2.0/2:,M11.1.0"}) {
    EXPECT_FALSE(zoneinfo::parsePosixTz(bad)) << '"' << bad << '"';
  }
}

TEST(PosixTzRule, SwitchesAtTheRightSecond) {
  auto offsetAt = [](const char* rule, sys_seconds t) {
    return zoneinfo::parsePosixTz(rule)->utcOffsetAt(t);
  };
  // US 2026: DST from March 8 02:00 EST (07:00 UTC) to November 1 02:00 EDT (06:00 UTC).
  const char* us = "EST5EDT,M3.2.0,M11.1.0";
  EXPECT_EQ(offsetAt(us, at(2026, 3, 8, 6, 59, 59)), hours{-5});
  EXPECT_EQ(offsetAt(us, at(2026, 3, 8, 7, 0)), hours{-4});
  EXPECT_EQ(offsetAt(us, at(2026, 11, 1, 5, 59, 59)), hours{-4});
  EXPECT_EQ(offsetAt(us, at(2026, 11, 1, 6, 0)), hours{-5});
  // Southern hemisphere: DST over New Year. Sydney 2026: ends April 5 03:00 AEDT, starts October 4 02:00.
  const char* sydney = "AEST-10AEDT,M10.1.0,M4.1.0/3";
  EXPECT_EQ(offsetAt(sydney, at(2026, 1, 1, 0, 0)), hours{11});
  EXPECT_EQ(offsetAt(sydney, at(2026, 4, 4, 15, 59, 59)), hours{11});
  EXPECT_EQ(offsetAt(sydney, at(2026, 4, 4, 16, 0)), hours{10});
  EXPECT_EQ(offsetAt(sydney, at(2026, 10, 3, 15, 59, 59)), hours{10});
  EXPECT_EQ(offsetAt(sydney, at(2026, 10, 3, 16, 0)), hours{11});
  // Dublin writes winter as the "daylight" part: IST +1 standard, GMT in winter.
  const char* dublin = "IST-1GMT0,M10.5.0,M3.5.0/1";
  EXPECT_EQ(offsetAt(dublin, at(2026, 1, 15, 12, 0)), hours{0});
  EXPECT_EQ(offsetAt(dublin, at(2026, 7, 15, 12, 0)), hours{1});
  EXPECT_EQ(offsetAt(dublin, at(2026, 3, 29, 0, 59, 59)), hours{0});
  EXPECT_EQ(offsetAt(dublin, at(2026, 3, 29, 1, 0)), hours{1});
  // Greenland's rule times are negative hours: March's last Sunday at -1:00 is Saturday 23:00 local.
  const char* nuuk = "<-02>2<-01>,M3.5.0/-1,M10.5.0/0";
  EXPECT_EQ(offsetAt(nuuk, at(2026, 3, 29, 0, 59, 59)), hours{-2});
  EXPECT_EQ(offsetAt(nuuk, at(2026, 3, 29, 1, 0)), hours{-1});
  // DST all year, written as a change on January 1 and one after December 31.
  const char* always = "EST5EDT,0/0,J365/25";
  for (auto t : {at(2026, 1, 1, 5, 0), at(2026, 1, 1, 4, 30), at(2026, 6, 1, 0, 0), at(2026, 12, 31, 23, 0),
                 at(2028, 2, 29, 12, 0)})
    EXPECT_EQ(offsetAt(always, t), hours{-4});
  // Julian day 60 is March 1 even in a leap year; zero-based day 59 is February 29 in one.
  EXPECT_EQ(offsetAt("ABC3DEF,J60/0,J300/0", at(2028, 3, 1, 2, 59, 59)), hours{-3});
  EXPECT_EQ(offsetAt("ABC3DEF,J60/0,J300/0", at(2028, 3, 1, 3, 0)), hours{-2});
  EXPECT_EQ(offsetAt("ABC3DEF,59/0,300/0", at(2028, 2, 29, 3, 0)), hours{-2});
  EXPECT_EQ(offsetAt("ABC3DEF,59/0,300/0", at(2027, 2, 28, 3, 0)), hours{-3});
  EXPECT_EQ(offsetAt("ABC3DEF,59/0,300/0", at(2027, 3, 1, 3, 0)), hours{-2});
  // Week 5 means the last such weekday, even in a month with only four.
  EXPECT_EQ(offsetAt("ABC3DEF,M2.5.0/0,M10.1.0", at(2026, 2, 22, 2, 59, 59)), hours{-3});
  EXPECT_EQ(offsetAt("ABC3DEF,M2.5.0/0,M10.1.0", at(2026, 2, 22, 3, 0)), hours{-2});
  // No DST: the same offset at every instant.
  EXPECT_EQ(offsetAt("<+0545>-5:45", at(2040, 7, 1, 0, 0)), hours{5} + minutes{45});
}

TEST(PosixTzRule, HandWrittenRulesAgreeWithTheOperatingSystem) {
  std::mt19937_64 rng(11);
  for (const char* rule :
       {"EST5EDT,M3.2.0,M11.1.0", "AEST-10AEDT,M10.1.0,M4.1.0/3", "IST-1GMT0,M10.5.0,M3.5.0/1",
        "<-02>2<-01>,M3.5.0/-1,M10.5.0/0", "CET-1CEST,M3.5.0,M10.5.0/3",
        "<+1245>-12:45<+1345>,M9.5.0/2:45,M4.1.0/3:45", "NZST-12NZDT,M9.5.0,M4.1.0/3",
        "<-04>4<-03>,M9.1.6/24,M4.1.6/24", "ABC3DEF,J60/2,J300/2", "ABC3DEF,59/2,300/2",
        "ABC-3:25:45DEF-4,M2.5.0/0,M10.1.0", "<+0545>-5:45", "LHST-10:30LHDT-11,M10.1.0,M4.1.0"}) {
    SCOPED_TRACE(rule);
    auto tz = zoneinfo::parsePosixTz(rule);
    ASSERT_TRUE(tz);
    auto instants = randomInstants(rng, 2000, secondsAt(1970, 1, 1), secondsAt(2061, 1, 1));
    // One second either side of each change from 2020 to 2030.
    for (std::int64_t t = secondsAt(2020, 1, 1); t < secondsAt(2030, 1, 1); t += 3600) {
      if (tz->utcOffsetAt(sys_seconds{seconds{t}}) != tz->utcOffsetAt(sys_seconds{seconds{t + 3600}}))
        for (std::int64_t s = t; s <= t + 3600; s += 1) instants.push_back(s);
    }
    auto expected = cLibraryReadings(rule, instants);
    ASSERT_EQ(expected.size(), instants.size());
    int failures = 0;
    for (std::size_t i = 0; i < instants.size() && failures < 5; ++i) {
      auto mine = tz->utcOffsetAt(sys_seconds{seconds{instants[i]}}).count();
      if (mine != expected[i].utcOffset) {
        ++failures;
        ADD_FAILURE() << "at " << instants[i] << ": C library " << expected[i].utcOffset << ", this reader "
                      << mine;
      }
    }
  }
}

// [SECTION] Damaged zone files

TEST(ZoneInfo, ReadsTheSixtyFourBitDataAndTheFooterOfARealFile) {
  auto zone = zoneinfo::loadTzifFile("/usr/share/zoneinfo/America/Chicago");
  ASSERT_TRUE(zone.ok()) << zone.error().message;
  EXPECT_GE(zone->version, 2);
  ASSERT_TRUE(zone->footer);
  EXPECT_EQ(zone->footer->stdName, "CST");
  EXPECT_LT(zone->transitions.front(), std::int64_t{-2147483648LL}) << "64-bit data reaches before 1901";
  EXPECT_TRUE(zone->leapSeconds.empty());
}

TEST(ZoneInfo, DamagedFilesAreErrorsNotGuesses) {
  auto good = fileBytes("/usr/share/zoneinfo/America/Chicago");
  ASSERT_GT(good.size(), 100u);
  ASSERT_TRUE(zoneinfo::parseTzif(good).ok());
  // Every truncation fails cleanly (the last byte is the footer's closing newline).
  for (std::size_t n = 0; n < good.size(); ++n) {
    std::span<const unsigned char> cut(good.data(), n);
    EXPECT_FALSE(zoneinfo::parseTzif(cut).ok()) << "truncated to " << n << " bytes";
  }
  auto damaged = [&](std::size_t at, unsigned char value) {
    auto copy = good;
    copy[at] = value;
    return zoneinfo::parseTzif(copy);
  };
  EXPECT_FALSE(damaged(0, 'X').ok()) << "magic";
  EXPECT_FALSE(damaged(4, '9').ok()) << "version";
  auto footerStart = good.size() - 2;
  while (good[footerStart - 1] != '\n') --footerStart;
  EXPECT_FALSE(damaged(footerStart, '!').ok()) << "footer rule";
  // Random damage anywhere: parsed or refused, never a crash or an out-of-bounds read.
  std::mt19937 rng(5);
  std::uniform_int_distribution<std::size_t> pos(0, good.size() - 1);
  std::uniform_int_distribution<int> byte(0, 255);
  for (int i = 0; i < 3000; ++i) {
    auto copy = good;
    for (int k = 0; k < 3; ++k) copy[pos(rng)] = static_cast<unsigned char>(byte(rng));
    auto parsed = zoneinfo::parseTzif(copy);
    if (parsed.ok()) (void)parsed->utcOffsetAt(sys_seconds{seconds{1800000000}});
  }
}

TEST(ZoneInfo, ReadsVersionOneFiles) {
  // A version 1 file: two transitions, two local time types ("AAA" +1 h, "BBB" +2 h DST), no footer.
  std::vector<unsigned char> v1 = {'T', 'Z', 'i', 'f', 0};
  v1.resize(20, 0);
  auto be32 = [&](std::uint32_t v) {
    for (int s = 24; s >= 0; s -= 8) v1.push_back(static_cast<unsigned char>(v >> s));
  };
  for (std::uint32_t count : {0u, 0u, 0u, 2u, 2u, 8u}) be32(count);  // isut isstd leap time type char
  be32(1000000000);
  be32(1100000000);
  v1.insert(v1.end(), {1, 0});
  be32(3600);
  v1.insert(v1.end(), {0, 0});
  be32(7200);
  v1.insert(v1.end(), {1, 4});
  v1.insert(v1.end(), {'A', 'A', 'A', 0, 'B', 'B', 'B', 0});
  auto zone = zoneinfo::parseTzif(v1);
  ASSERT_TRUE(zone.ok()) << zone.error().message;
  EXPECT_EQ(zone->version, 1);
  EXPECT_FALSE(zone->footer);
  EXPECT_EQ(zone->types[1].abbreviation, "BBB");
  EXPECT_TRUE(zone->types[1].isDst);
  EXPECT_EQ(zone->utcOffsetAt(sys_seconds{seconds{999999999}}), hours{1}) << "type 0 before the first";
  EXPECT_EQ(zone->utcOffsetAt(sys_seconds{seconds{1000000000}}), hours{2});
  EXPECT_EQ(zone->utcOffsetAt(sys_seconds{seconds{1100000000}}), hours{1});
  EXPECT_EQ(zone->utcOffsetAt(sys_seconds{seconds{4000000000}}), hours{1}) << "no footer: the last type";
  v1[44 + 8 + 1] = 2;  // the second transition names type 2, which does not exist
  EXPECT_FALSE(zoneinfo::parseTzif(v1).ok());
}

TEST(ZoneInfo, InstantsAndDatesAtTheEndsOfTheCalendarGiveAnAnswerWithoutOverflow) {
  // Garbage timestamps from a damaged record still get a date (wrong but harmless), never a crash; the
  // sanitizer build checks for overflow here.
  for (const char* name : {"America/Chicago", "Australia/Sydney", "right/Europe/Berlin"}) {
    if (!isKnownTimeZone(name)) continue;
    EXPECT_TRUE(localDate(core::WallTime::max(), name).ok()) << name;
    EXPECT_TRUE(localDate(core::WallTime::min(), name).ok()) << name;
    EXPECT_TRUE(localDate(core::WallTime{}, name).ok()) << name;
    auto first = localDayRange(ymd(-32767, 1, 1), name);
    ASSERT_TRUE(first.ok()) << name;
    auto last = localDayRange(ymd(32767, 12, 30), name);
    ASSERT_TRUE(last.ok()) << name;
    EXPECT_EQ(last->end - last->start, hours{24}) << name;
  }
}

// [SECTION] Names a clinic setting might hold

TEST(ClinicTimeZoneNames, OnlyRealZoneFilesAreKnown) {
  EXPECT_TRUE(isKnownTimeZone("America/Argentina/Buenos_Aires"));
  EXPECT_TRUE(isKnownTimeZone("Etc/GMT+5"));
  EXPECT_TRUE(isKnownTimeZone("UTC"));
  for (const char* bad : {"zone.tab", "America", "America/", "America/New York", "Europe/Berlin\n",
                          "Europe//Berlin/..", "./UTC", "UTC/", "Etc/GMT+5;", "America/Chicago\\"}) {
    EXPECT_FALSE(isKnownTimeZone(bad)) << bad;
    auto date = localDate(core::WallTime{seconds{1800000000}}, bad);
    ASSERT_FALSE(date.ok()) << bad;
    EXPECT_FALSE(date.error().message.empty());
  }
  auto unknown = localDate(core::WallTime{seconds{0}}, "America/Springfield");
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().message, "unknown time zone \"America/Springfield\"");
}

TEST(ClinicTimeZoneNames, AskingNeverTouchesTheEnvironment) {
  // A process whose TZ says something else entirely gets the clinic's zone anyway, and keeps its TZ.
  const char* before = std::getenv("TZ");
  std::string saved = before ? before : "";
  ::setenv("TZ", "Asia/Tokyo", 1);
  char* pointer = std::getenv("TZ");
  EXPECT_EQ(localDate(core::WallTime{at(2026, 11, 3, 3, 30)}, "America/Chicago").value(), ymd(2026, 11, 2));
  EXPECT_TRUE(localDayRange(ymd(2026, 3, 8), "America/New_York").ok());
  EXPECT_EQ(std::getenv("TZ"), pointer) << "the same string, not a copy written back";
  if (before) {
    ::setenv("TZ", saved.c_str(), 1);
  } else {
    ::unsetenv("TZ");
  }
}
