// libFuzzer: the upload and batch wire parser (platform/wire/session_upload.h), the bytes every device sends.
#include <unitclock/platform/wire/session_upload.h>
#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace wire = unitclock::wire;
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  if (auto u = wire::parseSessionUploadBody(body, "00000000-0000-4000-8000-000000000001")) {
    (void)wire::toJson(u.value()).dump();  // what a parsed upload writes back must not fail
  }
  // As a batch: each item through the same checks, as the route does.
  if (auto j = wire::parseJsonBody(body); j && j->is_object()) {
    if (auto it = j->find("sessions"); it != j->end() && it->is_array()) {
      for (const auto& item : *it) {
        if (item.is_object() && item.contains("id") && item["id"].is_string()) {
          (void)wire::parseSessionUpload(item, item["id"].get<std::string>());
        }
      }
    }
    (void)j->dump();  // what the server stores: must not recurse past the depth limit
  }
  return 0;
}
