#include <unitclock/server/rate_limit.h>
#include <algorithm>
#include <cmath>

namespace unitclock::server {

Result<RateDecision> takeToken(StoreConnection& store, std::int64_t deviceId, const RateLimit& limit,
                               std::int64_t nowMs, double cost) {
  auto stored = store.readRateBucket(deviceId);
  if (!stored) return fail(stored.error());
  double tokens = limit.burst;
  if (const auto& b = stored.value()) {
    double elapsed = std::max<double>(0.0, static_cast<double>(nowMs - b->updatedMs)) / 1000.0;
    tokens = std::min(limit.burst, b->tokens + elapsed * limit.perSecond);
  }
  RateDecision d;
  // A batch is charged every session it holds. One larger than the burst waits for a full bucket and
  // then leaves it in debt, which the refill pays back before the device's next request.
  cost = std::max(cost, 1.0);
  const double needed = std::min(cost, limit.burst);
  if (tokens < needed) {
    d.allowed = false;
    d.retryAfter = std::chrono::seconds{std::max<std::int64_t>(
        1, static_cast<std::int64_t>(std::ceil((needed - tokens) / std::max(limit.perSecond, 1e-6))))};
  } else {
    tokens -= cost;
  }
  if (auto w = store.writeRateBucket(deviceId, RateBucket{tokens, nowMs}); !w) return fail(w.error());
  return d;
}

}  // namespace unitclock::server
