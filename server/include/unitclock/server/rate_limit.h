#pragma once
// Per-device rate limit: a token bucket kept in the database (table rate_buckets), so it holds across
// requests, restarts and several server instances sharing one database. It is read and updated inside
// the request's own transaction.

#include <unitclock/server/store.h>
#include <chrono>
#include <cstdint>

namespace unitclock::server {

struct RateLimit {
  double perSecond = 600.0;  // sustained requests per second per device (docs/server.md: why)
  double burst = 3000.0;     // requests a device may make at once after being quiet (weeks of backlog)
};

struct RateDecision {
  bool allowed = true;
  std::chrono::seconds retryAfter{0};  // when not allowed: whole seconds until one request is allowed
};

// Takes `cost` requests (one per session in a batch) from the device's bucket at time `now`
// (milliseconds since the epoch). Nothing is taken when they are not all available.
Result<RateDecision> takeToken(StoreConnection& store, std::int64_t deviceId, const RateLimit& limit,
                               std::int64_t nowMs, double cost = 1.0);

}  // namespace unitclock::server
