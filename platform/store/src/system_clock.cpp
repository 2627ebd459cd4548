#include <unitclock/platform/system_clock.h>

#include <sys/random.h>

#include <cerrno>
#include <random>

namespace unitclock::platform {

SystemClock::SystemClock() : m_runId(newUuid()) {}

core::WallTime SystemClock::wallNow() const {
  return std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
}

std::chrono::nanoseconds SystemClock::monotonicNow() const {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
      std::chrono::steady_clock::now().time_since_epoch());
}

core::UuidBytes randomUuidBytes() {
  core::UuidBytes bytes{};
  std::size_t filled = 0;
  while (filled < bytes.size()) {
    ssize_t n = ::getrandom(bytes.data() + filled, bytes.size() - filled, 0);
    if (n > 0) {
      filled += static_cast<std::size_t>(n);
    } else if (n < 0 && errno == EINTR) {
      continue;
    } else {
      break;
    }
  }
  if (filled < bytes.size()) {
    std::random_device rd;
    for (; filled < bytes.size(); ++filled) bytes[filled] = static_cast<std::uint8_t>(rd() & 0xff);
  }
  return bytes;
}

std::string newUuid() {
  return core::uuidV4(randomUuidBytes());
}

}  // namespace unitclock::platform
