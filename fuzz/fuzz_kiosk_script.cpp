// libFuzzer: the kiosk's --script parser (app/kiosk/script.h), which reads files given on the command line.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include "script.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  (void)unitclock::app::parseScript(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
