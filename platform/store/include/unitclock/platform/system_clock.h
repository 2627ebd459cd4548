// The real clocks and randomness behind core's Clock and uuid interfaces.
#pragma once

#include <string>

#include <unitclock/core/clock.h>
#include <unitclock/core/uuid.h>

namespace unitclock::platform {

// Wall time from the system clock (UTC), monotonic time from the steady clock. The run id is a random
// UUID made when the clock is constructed: construct one per process run.
class SystemClock final : public core::Clock {
 public:
  SystemClock();
  core::WallTime wallNow() const override;
  std::chrono::nanoseconds monotonicNow() const override;
  std::string runId() const override { return m_runId; }

 private:
  std::string m_runId;
};

// 16 bytes from the operating system's random source (getrandom, which reads the same pool as
// /dev/urandom). Falls back to std::random_device only if getrandom is unavailable.
core::UuidBytes randomUuidBytes();

// A fresh version-4 UUID string.
std::string newUuid();

}  // namespace unitclock::platform
