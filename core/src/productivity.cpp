#include <unitclock/core/productivity.h>

#include <algorithm>

namespace unitclock::core {

std::chrono::milliseconds clockTime(std::vector<std::pair<WallTime, WallTime>> intervals) {
  std::sort(intervals.begin(), intervals.end());
  std::chrono::milliseconds total{};
  WallTime start{}, end{};
  bool open = false;
  for (const auto& [a, b] : intervals) {
    if (b <= a) continue;
    if (!open || a > end) {
      if (open) total += end - start;
      start = a;
      end = b;
      open = true;
    } else {
      end = std::max(end, b);
    }
  }
  if (open) total += end - start;
  return total;
}

double unitsPerHour(int timedUnits, std::chrono::milliseconds clock) {
  if (clock.count() <= 0) return 0.0;
  return static_cast<double>(timedUnits) / (static_cast<double>(clock.count()) / 3'600'000.0);
}

}  // namespace unitclock::core
