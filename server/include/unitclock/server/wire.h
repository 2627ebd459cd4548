#pragma once
// The server's side of the device↔server contract (unitclock/platform/wire/session_upload.h owns every
// document): the wire's helpers in this namespace, and its errors as HTTP answers (400 naming the field).

#include <unitclock/platform/wire/session_upload.h>
#include <unitclock/server/error.h>
#include <string_view>

namespace unitclock::server {

using wire::formatUtcTimestamp;
using wire::isCalendarDate;
using wire::isSessionId;
using wire::parseUtcTimestamp;
using wire::WireTime;

inline ApiError badRequest(const wire::Error& e) {
  return badRequest(e.field, e.message);
}

// A JSON body from outside, as wire::parseJsonBody reads it, refused with a 400.
inline Result<nlohmann::json> parseJsonBody(std::string_view body) {
  auto j = wire::parseJsonBody(body);
  if (!j) return fail(badRequest(j.error()));
  return std::move(j).value();
}

}  // namespace unitclock::server
