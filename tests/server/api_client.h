#pragma once
// A device's or supervisor's view of a real unitclock-server in the tests: libcurl clients, answers that
// must arrive, and enrollment, as docs/sync-api.md describes them.

#include <chrono>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>

#include <unitclock/platform/http_client.h>

namespace unitclock::server::testing {

inline platform::HttpClient client(const std::string& url, const std::string& token = {},
                                   std::chrono::milliseconds timeout = std::chrono::seconds{20}) {
  platform::HttpClientOptions o;
  o.baseUrl = url;
  o.bearerToken = token;
  o.timeout = timeout;
  auto c = platform::HttpClient::create(o);
  if (!c) throw std::runtime_error(c.error().message);
  return std::move(c).value();
}

// The answer, or an exception when no answer arrived (refused connection, timeout).
inline platform::HttpResponse must(core::Result<platform::HttpResponse, platform::HttpError> r) {
  if (!r) throw std::runtime_error(r.error().message);
  return std::move(r).value();
}

inline nlohmann::json json(const platform::HttpResponse& r) {
  return nlohmann::json::parse(r.body);
}

// Enrolls a device with a one-time code; returns its token.
inline std::string enroll(const std::string& url, const std::string& code,
                          const std::string& label = "kiosk") {
  auto c = client(url);
  auto r = must(c.post("/api/v1/enroll", nlohmann::json{{"code", code}, {"label", label}}.dump()));
  if (r.status != 201) throw std::runtime_error("enroll: " + r.body);
  return json(r)["token"];
}

}  // namespace unitclock::server::testing
