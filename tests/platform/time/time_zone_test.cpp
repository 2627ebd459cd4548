#include <unitclock/platform/time_zone.h>

#include <gtest/gtest.h>

#include <cstdlib>

using namespace unitclock;
using namespace unitclock::platform;
using namespace std::chrono;

namespace {
year_month_day ymd(int y, unsigned m, unsigned d) {
  return year{y} / month{m} / day{d};
}
core::WallTime wallAt(int y, unsigned m, unsigned d, int h, int min) {
  return core::WallTime{sys_days{ymd(y, m, d)} + hours{h} + minutes{min}};
}
}  // namespace

TEST(ClinicTimeZone, EveningInChicagoIsStillTheSameLocalDay) {
  // 2026-11-03 03:30 UTC is 21:30 on Nov 2 in Chicago (CST, UTC-6).
  auto d = localDate(wallAt(2026, 11, 3, 3, 30), "America/Chicago");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d.value(), ymd(2026, 11, 2));
  EXPECT_EQ(localDate(wallAt(2026, 11, 3, 3, 30), "UTC").value(), ymd(2026, 11, 3));
  EXPECT_EQ(localDate(wallAt(2026, 11, 2, 23, 30), "Asia/Tokyo").value(), ymd(2026, 11, 3));
}

TEST(ClinicTimeZone, OrdinaryDayIs24HoursFromLocalMidnight) {
  auto r = localDayRange(ymd(2026, 11, 2), "America/Chicago");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->start, wallAt(2026, 11, 2, 6, 0));
  EXPECT_EQ(r->end, wallAt(2026, 11, 3, 6, 0));
}

TEST(ClinicTimeZone, DaysWhenClocksChangeAre23And25Hours) {
  // US daylight saving 2026: starts March 8, ends November 1.
  auto spring = localDayRange(ymd(2026, 3, 8), "America/New_York");
  ASSERT_TRUE(spring.ok());
  EXPECT_EQ(spring->start, wallAt(2026, 3, 8, 5, 0));
  EXPECT_EQ(spring->end - spring->start, hours{23});
  auto fall = localDayRange(ymd(2026, 11, 1), "America/New_York");
  ASSERT_TRUE(fall.ok());
  EXPECT_EQ(fall->start, wallAt(2026, 11, 1, 4, 0));
  EXPECT_EQ(fall->end - fall->start, hours{25});
}

TEST(ClinicTimeZone, DayWhoseMidnightDoesNotExistStartsAtOneOClock) {
  // Chile moves clocks forward at 24:00 on the first Saturday of September: Sept 6, 2026 begins at 01:00
  // local (UTC-3), i.e. 04:00 UTC.
  auto r = localDayRange(ymd(2026, 9, 6), "America/Santiago");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(localDate(r->start, "America/Santiago").value(), ymd(2026, 9, 6));
  EXPECT_EQ(localDate(r->start - seconds{1}, "America/Santiago").value(), ymd(2026, 9, 5));
  EXPECT_EQ(r->end - r->start, hours{23});
}

TEST(ClinicTimeZone, UnknownZoneIsAnErrorNotSilentlyUtc) {
  EXPECT_FALSE(localDate(wallAt(2026, 11, 2, 12, 0), "America/Springfield").ok());
  EXPECT_FALSE(localDayRange(ymd(2026, 11, 2), "../../etc/passwd").ok());
  EXPECT_FALSE(isKnownTimeZone(""));
  EXPECT_FALSE(isKnownTimeZone("/usr/share/zoneinfo/UTC"));
  EXPECT_TRUE(isKnownTimeZone("Europe/Berlin"));
}

TEST(ClinicTimeZone, LeavesTheProcessTimeZoneAsItWas) {
  ::setenv("TZ", "Asia/Kolkata", 1);
  (void)localDate(wallAt(2026, 11, 2, 12, 0), "America/Chicago");
  ASSERT_NE(std::getenv("TZ"), nullptr);
  EXPECT_STREQ(std::getenv("TZ"), "Asia/Kolkata");
  ::unsetenv("TZ");
  (void)localDayRange(ymd(2026, 11, 2), "Europe/Berlin");
  EXPECT_EQ(std::getenv("TZ"), nullptr);
}

TEST(IsoDate, ParsesOnlyRealDatesInStrictForm) {
  EXPECT_EQ(parseIsoDate("2026-11-02"), ymd(2026, 11, 2));
  EXPECT_EQ(parseIsoDate("2028-02-29"), ymd(2028, 2, 29));
  EXPECT_FALSE(parseIsoDate("2026-02-29"));
  EXPECT_FALSE(parseIsoDate("2026-13-01"));
  EXPECT_FALSE(parseIsoDate("2026-1-02"));
  EXPECT_FALSE(parseIsoDate("02/11/2026"));
  EXPECT_FALSE(parseIsoDate(""));
  EXPECT_EQ(formatIsoDate(ymd(2026, 3, 8)), "2026-03-08");
}

TEST(ClinicTimeZone, OffsetAtAnInstantFollowsTheClockChanges) {
  // Chicago: CST (UTC-6) in November, CDT (UTC-5) in July; the 2026 change back is Nov 1, 07:00 UTC.
  EXPECT_EQ(utcOffsetAt(wallAt(2026, 11, 26, 17, 0), "America/Chicago").value(), hours{-6});
  EXPECT_EQ(utcOffsetAt(wallAt(2026, 7, 1, 17, 0), "America/Chicago").value(), hours{-5});
  EXPECT_EQ(utcOffsetAt(wallAt(2026, 11, 1, 6, 59), "America/Chicago").value(), hours{-5});
  EXPECT_EQ(utcOffsetAt(wallAt(2026, 11, 1, 7, 0), "America/Chicago").value(), hours{-6});
  EXPECT_EQ(utcOffsetAt(wallAt(2026, 11, 26, 17, 0), "Asia/Kolkata").value(), minutes{330});
  EXPECT_EQ(utcOffsetAt(wallAt(2026, 11, 26, 17, 0), "UTC").value(), seconds{0});
  EXPECT_FALSE(utcOffsetAt(wallAt(2026, 11, 26, 17, 0), "Mars/Olympus").ok());
}
