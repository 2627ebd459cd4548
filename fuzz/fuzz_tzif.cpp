// libFuzzer: the TZif reader (platform/time/src/zoneinfo.h) over any bytes a zone file might hold.
#include <cstddef>
#include <cstdint>
#include <span>
#include "zoneinfo.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto zone = unitclock::platform::zoneinfo::parseTzif(std::span<const unsigned char>(data, size));
  (void)zone;
  return 0;
}
