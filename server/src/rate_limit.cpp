#include <unitclock/server/rate_limit.h>
#include <algorithm>
#include <cmath>

namespace unitclock::server {

Result<RateDecision> takeToken(sql::Database& db, std::int64_t deviceId, const RateLimit& limit,
                               std::int64_t nowMs, double cost) {
  auto q = db.prepare("SELECT tokens, updated_ms FROM rate_buckets WHERE device_id = ?1");
  if (!q) return fail(storageError(q.error()));
  if (auto b = q->bind(1, deviceId); !b) return fail(storageError(b.error()));
  auto row = q->step();
  if (!row) return fail(storageError(row.error()));
  double tokens = limit.burst;
  if (row.value()) {
    double elapsed = std::max<double>(0.0, static_cast<double>(nowMs - q->columnInt64(1))) / 1000.0;
    tokens = std::min(limit.burst, q->columnDouble(0) + elapsed * limit.perSecond);
  }
  q->reset();
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
  auto up = db.prepare(
      "INSERT INTO rate_buckets(device_id, tokens, updated_ms) VALUES(?1, ?2, ?3) "
      "ON CONFLICT(device_id) DO UPDATE SET tokens = excluded.tokens, updated_ms = excluded.updated_ms");
  if (!up) return fail(storageError(up.error()));
  if (!up->bind(1, deviceId) || !up->bind(2, tokens) || !up->bind(3, nowMs))
    return fail(ApiError{500, "", "cannot bind"});
  if (auto r = up->run(); !r) return fail(storageError(r.error()));
  return d;
}

}  // namespace unitclock::server
