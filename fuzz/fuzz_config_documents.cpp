// libFuzzer: the clinic's configuration documents (payers, catalog) that `config set` accepts and
// every kiosk reads.
#include <unitclock/platform/catalog_json.h>
#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)unitclock::platform::parseCatalogJson(text, "fuzz.json");
  (void)unitclock::platform::parsePayersJson(text, "fuzz.json");
  return 0;
}
