// Units per hour, one definition for the kiosk's supervisor screen and the server's day summary.
#include <gtest/gtest.h>

#include <unitclock/core/productivity.h>

namespace unitclock::core {
namespace {

using namespace std::chrono_literals;

WallTime at(std::chrono::minutes m) {
  return WallTime{std::chrono::sys_days{std::chrono::year{2026} / 11 / 26}} + m;
}

TEST(ClockTime, CountsOverlappingIntervalsOnce) {
  EXPECT_EQ(clockTime({{at(0min), at(30min)}, {at(20min), at(50min)}, {at(60min), at(70min)}}), 60min);
  EXPECT_EQ(clockTime({}), 0min);
  EXPECT_EQ(clockTime({{at(10min), at(10min)}}), 0min);
}

TEST(UnitsPerHour, IsTimedUnitsOverHoursOnTheClock) {
  EXPECT_DOUBLE_EQ(unitsPerHour(6, 90min), 4.0);
  EXPECT_DOUBLE_EQ(unitsPerHour(3, 0min), 0.0) << "no clock time: no figure, not infinity";
}

}  // namespace
}  // namespace unitclock::core
