#pragma once
// Per-device rate limit: a token bucket kept in the database (table rate_buckets), so it holds across
// requests, restarts and several server instances sharing one database. It is read and updated inside
// the request's own transaction.

#include <unitclock/server/database.h>
#include <chrono>
#include <cstdint>

namespace unitclock::server {

struct RateLimit {
  double perSecond = 200.0;  // sustained requests per second per device
  double burst = 1000.0;     // requests a device may make at once after being quiet (a day's backlog)
};

struct RateDecision {
  bool allowed = true;
  std::chrono::seconds retryAfter{0};  // when not allowed: whole seconds until one request is allowed
};

// Takes one request from the device's bucket at time `now` (milliseconds since the epoch).
Result<RateDecision> takeToken(sql::Database& db, std::int64_t deviceId, const RateLimit& limit,
                               std::int64_t nowMs);

}  // namespace unitclock::server
