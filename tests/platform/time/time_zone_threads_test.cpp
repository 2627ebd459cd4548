// The kiosk and the server ask for the clinic's date on several threads while the sync thread (libcurl,
// getaddrinfo) reads the environment and other code may change it. The clinic's calendar must be right on
// every thread and must never read or write the environment. Run this under the sanitizer build too.
#include <unitclock/platform/time_zone.h>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

using namespace unitclock;
using namespace unitclock::platform;
using namespace std::chrono;

namespace {

struct Expectation {
  const char* zone;
  core::WallTime utc;
  year_month_day date;
};

core::WallTime wall(int y, unsigned m, unsigned d, int h, int min) {
  return core::WallTime{sys_days{year{y} / month{m} / day{d}} + hours{h} + minutes{min}};
}

}  // namespace

TEST(ClinicTimeZoneThreads, FourThreadsGetTheRightDatesWhileAnotherChangesTheEnvironment) {
  // Each worked out by hand from the zone's offset at that instant.
  const std::vector<Expectation> cases = {
      {"America/Chicago", wall(2026, 11, 3, 3, 30), year{2026} / 11 / 2},    // 21:30 CST
      {"Asia/Tokyo", wall(2026, 11, 2, 23, 30), year{2026} / 11 / 3},        // 08:30 JST
      {"America/New_York", wall(2026, 3, 8, 4, 59), year{2026} / 3 / 7},     // 23:59 EST
      {"America/New_York", wall(2026, 3, 8, 5, 0), year{2026} / 3 / 8},      // 00:00 EST
      {"America/Santiago", wall(2026, 9, 6, 3, 59), year{2026} / 9 / 5},     // 23:59 -04
      {"America/Santiago", wall(2026, 9, 6, 4, 0), year{2026} / 9 / 6},      // 01:00 -03
      {"Australia/Sydney", wall(2026, 1, 15, 13, 30), year{2026} / 1 / 16},  // 00:30 AEDT
      {"Asia/Kolkata", wall(2026, 6, 30, 18, 29), year{2026} / 6 / 30},      // 23:59 IST
      {"Asia/Kolkata", wall(2026, 6, 30, 18, 30), year{2026} / 7 / 1},       // 00:00 IST
      {"Europe/Berlin", wall(2045, 10, 28, 22, 30), year{2045} / 10 / 29},   // 00:30 CEST, footer years
      {"Pacific/Chatham", wall(2050, 12, 31, 10, 15), year{2051} / 1 / 1},   // 00:00 +13:45
  };
  const char* before = std::getenv("TZ");
  const std::string savedTz = before ? before : "";

  std::atomic<bool> stop{false};
  std::atomic<long> environmentChanges{0};
  // Sets TZ to zones other than the clinic's, and adds and removes variables so the environment array
  // is reallocated, as the process's other threads might.
  std::thread environment([&] {
    const char* zones[] = {"Asia/Kolkata", "America/Los_Angeles", "UTC", "Pacific/Kiritimati"};
    long i = 0;
    while (!stop.load()) {
      ::setenv("TZ", zones[i % 4], 1);
      std::string name = "UNITCLOCK_THREAD_TEST_" + std::to_string(i % 64);
      ::setenv(name.c_str(), "x", 1);
      (void)std::getenv("TZ");
      (void)std::getenv("HTTP_PROXY");
      if (i % 64 == 63) {
        for (int k = 0; k < 64; ++k) ::unsetenv(("UNITCLOCK_THREAD_TEST_" + std::to_string(k)).c_str());
        ::unsetenv("TZ");
      }
      ++i;
      environmentChanges.store(i);
    }
    for (int k = 0; k < 64; ++k) ::unsetenv(("UNITCLOCK_THREAD_TEST_" + std::to_string(k)).c_str());
  });

  constexpr int kCallsPerThread = 20000;
  std::atomic<int> wrong{0};
  std::vector<std::thread> readers;
  for (int r = 0; r < 4; ++r) {
    readers.emplace_back([&, r] {
      for (int i = 0; i < kCallsPerThread; ++i) {
        const auto& c = cases[static_cast<std::size_t>(i + r) % cases.size()];
        auto date = localDate(c.utc, c.zone);
        if (!date.ok() || date.value() != c.date) ++wrong;
        if (i % 500 == 0) {
          auto range = localDayRange(c.date, c.zone);
          if (!range.ok() || range->start > c.utc || range->end <= c.utc) ++wrong;
        }
      }
    });
  }
  for (auto& t : readers) t.join();
  stop.store(true);
  environment.join();

  if (before) {
    ::setenv("TZ", savedTz.c_str(), 1);
  } else {
    ::unsetenv("TZ");
  }
  EXPECT_EQ(wrong.load(), 0) << "dates read wrong while the environment changed";
  EXPECT_GT(environmentChanges.load(), 0) << "the environment changed during the test";
}
