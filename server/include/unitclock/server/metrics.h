#pragma once
// What a running server counts for the clinic's monitoring, and GET /metrics: the Prometheus text
// exposition format 0.0.4 (`# HELP`, `# TYPE`, one sample per line). Counters live in memory and start
// at zero with the process; gauges of the store and the devices are read from the database per scrape.
// Thread-safe: the HTTP threads and the writer thread count into one Metrics.
//
//   unitclock_http_requests_total{method="PUT",route="/api/v1/sessions/{id}",status="201"} 12
//
// Labels hold route patterns, never paths: no session id, date or other caller-chosen text becomes a
// label, so the number of series stays bounded whatever clients send.

#include <unitclock/server/store.h>
#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

namespace unitclock::server {

inline constexpr const char* kMetricsContentType = "text/plain; version=0.0.4; charset=utf-8";

// The route pattern of a request path ("/api/v1/days/{date}/summary"), or "other" for a path the server
// does not serve. The method as sent when it is one HTTP defines, else "other".
std::string_view routeOf(std::string_view path);
std::string_view methodOf(std::string_view method);

// What became of one uploaded session (PUT, or one item of a batch) whose answer reached the device.
enum class UploadOutcome { created, revised, voided, unchanged, rejected, forbidden, conflict };
inline constexpr std::array kUploadOutcomes{
    UploadOutcome::created,  UploadOutcome::revised,   UploadOutcome::voided,  UploadOutcome::unchanged,
    UploadOutcome::rejected, UploadOutcome::forbidden, UploadOutcome::conflict};
std::string_view toString(UploadOutcome o);
// A refused upload's outcome by its status: 409 conflict, 403 forbidden, any other 4xx rejected.
UploadOutcome refusalOutcome(int status);

// Which limit answered 429: a token's bucket (devices, supervisor tokens) or the per-address limit of
// enrollment attempts and failed tokens.
enum class RateLimit429 { token, address };

// The store and the devices at the moment of a scrape.
struct DeviceGauge {
  std::int64_t id = 0;
  std::string clinic;
  std::string appVersion;
  std::optional<double> lastSeenSeconds;  // Unix time; nullopt before its first request
  std::optional<std::int64_t> pendingUploads;
};
struct StoreGauges {
  std::int64_t databaseBytes = 0;  // the store on disk (SQLite: the database and its WAL file)
  std::int64_t activeDevices = 0;
  std::int64_t revokedDevices = 0;
  std::vector<DeviceGauge> devices;  // active devices only: a revoked one can no longer call
};
Result<StoreGauges> readStoreGauges(StoreConnection& store);

class Metrics {
 public:
  // Upper bounds of the commit histogram, seconds: a flush on an SSD takes about a millisecond, on a
  // busy or failing disk hundreds.
  static constexpr std::array<double, 12> kCommitBuckets{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                         0.05,   0.1,   0.25,   0.5,   1.0,  2.5};

  void countRequest(std::string_view method, std::string_view path, int status);
  void countRateLimited(RateLimit429 limit);
  void countIngest(UploadOutcome outcome, std::uint64_t sessions = 1);
  // One COMMIT of the writer's group transaction (every upload's disk flush).
  void observeCommit(std::chrono::duration<double> seconds);
  // A group of uploads run again because the store asked (PostgreSQL: a deadlock, or another instance
  // storing the same session first).
  void countWriteRetry();

  // The whole exposition: the counters above and `store`.
  std::string render(const StoreGauges& store) const;

 private:
  mutable std::mutex m_mutex;
  std::map<std::tuple<std::string_view, std::string_view, int>, std::uint64_t> m_requests;
  std::array<std::uint64_t, 2> m_rateLimited{};
  std::array<std::uint64_t, kUploadOutcomes.size()> m_ingest{};
  std::array<std::uint64_t, kCommitBuckets.size()> m_commitBuckets{};  // not cumulative; summed when rendered
  std::uint64_t m_commitCount = 0;
  std::uint64_t m_writeRetries = 0;
  double m_commitSum = 0.0;
};

// A label value as the text format writes it: backslash, double quote and line feed escaped.
std::string escapeLabelValue(std::string_view value);

}  // namespace unitclock::server
