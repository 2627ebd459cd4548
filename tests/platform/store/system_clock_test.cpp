// The system clock and the random source behind core's Clock and uuid interfaces (platform/store).
#include <unitclock/core/uuid.h>
#include <unitclock/platform/system_clock.h>

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <set>
#include <string>

using namespace unitclock;
using namespace unitclock::platform;
using namespace std::chrono;

TEST(SystemClock, GivesUtcWallTimeAndMonotonicReadingsWithARunId) {
  SystemClock a, b;
  EXPECT_TRUE(core::isUuidV4(a.runId()));
  EXPECT_NE(a.runId(), b.runId()) << "each run of the app has its own run id";
  auto first = a.now();
  auto second = a.now();
  EXPECT_GE(second.monotonic, first.monotonic);
  auto sys = time_point_cast<milliseconds>(system_clock::now());
  EXPECT_LE(abs((sys - first.wall).count()), 5000);
}

TEST(RandomUuid, IsVersion4AndDoesNotRepeat) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    auto id = newUuid();
    EXPECT_TRUE(core::isUuidV4(id)) << id;
    seen.insert(id);
  }
  EXPECT_EQ(seen.size(), 1000u);
}
