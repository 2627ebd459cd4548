#pragma once
// The device's background sync: a worker thread that uploads signed sessions to unitclock-server in
// outbox order, pulls the clinic configuration with ETag, and fetches the clinic-wide day summary for the
// supervisor screen. Nothing here blocks the caller: the UI reads state() (a copy, under a mutex) and is
// told about changes through the wake callback, which runs on the worker thread (push an SDL event there).
//
//   SyncWorker worker(std::make_unique<DeviceStoreOutbox>(storePath, clock), options, wake);  //
//   SDL_PushEvent worker.start(); worker.nudge();                 // after signing: try the outbox now
//   SyncState s = worker.state();   // pending count, last success, last error, for the sync indicator
//
// Retry policy: network errors, timeouts, 5xx and 429 leave the session in the outbox and retry after an
// exponential backoff with jitter (429/503: never before the server's Retry-After). Any other 4xx marks
// that session rejected with the server's message (shown to the supervisor) and moves on; 401 and 403
// are about the device, not the session: nothing is rejected and the state says the device must be
// enrolled again.

#include <unitclock/core/result.h>
#include <unitclock/platform/http_client.h>
#include <chrono>
#include <cstdint>
#include <functional>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace unitclock::platform {

// One signed revision waiting for upload, with the JSON body of PUT /api/v1/sessions/{id}.
struct PendingUpload {
  std::int64_t outboxId = 0;
  std::string sessionId;
  int revision = 1;
  std::string body;
};

// The device store's side of sync. Called only from the worker thread, so an implementation may keep its
// own store connection. Return false (or nullopt with `error` set) when the local store fails: the
// worker then backs off and reports it.
class SyncOutbox {
 public:
  virtual ~SyncOutbox() = default;
  // The oldest upload still pending, in the order sessions were signed; nullopt when none (or on error).
  virtual std::optional<PendingUpload> nextUpload(std::string& error) = 0;
  // Up to `max` of the oldest pending uploads, in order (sent together in one request). The default
  // returns just nextUpload(); stores that can read ahead should override it.
  virtual std::vector<PendingUpload> nextUploads(std::size_t max, std::string& error) {
    (void)max;
    std::vector<PendingUpload> out;
    if (auto one = nextUpload(error)) out.push_back(std::move(*one));
    return out;
  }
  virtual std::size_t pendingCount() = 0;
  virtual bool markUploaded(const PendingUpload& upload) = 0;
  // Every upload of one request that the server accepted, in order. The default marks them one by one;
  // a store that can should record them together (DeviceStoreOutbox: one transaction, one flush).
  virtual bool markAllUploaded(const std::vector<PendingUpload>& uploads) {
    for (const auto& u : uploads) {
      if (!markUploaded(u)) return false;
    }
    return true;
  }
  virtual bool markRejected(const PendingUpload& upload, int httpStatus, const std::string& message) = 0;
  // The ETag of the cached configuration (sent as If-None-Match), empty when none is cached.
  virtual std::string configEtag() = 0;
  // A new configuration from the server (roster with PIN hashes, payers, catalog, favourites, schedule).
  virtual bool saveConfig(const std::string& json, const std::string& etag) = 0;
  // The clinic's local date today ("2026-11-26"), for the schedule in the configuration.
  virtual std::string today() = 0;
  // The body of PUT /api/v1/device/unsigned: this device's open and ended-but-unsigned sessions
  // ({"sessions": [...]}, docs/sync-api.md), sent with a sync whenever it changed. nullopt: nothing to
  // report (the default, and on a store error).
  virtual std::optional<std::string> unsignedReport() { return std::nullopt; }
};

struct BackoffPolicy {
  std::chrono::milliseconds initial{1000};
  std::chrono::milliseconds maximum{std::chrono::minutes{5}};
  double jitter = 0.5;  // the delay is drawn uniformly from [delay * (1 - jitter), delay]
};

struct SyncOptions {
  HttpClientOptions client;  // base URL, device token, CA file, insecure flag, timeouts
  BackoffPolicy backoff;
  // Uploads per request (POST /api/v1/sessions/batch; 1 = one PUT per session). A batch is one server
  // transaction, so a backlog costs one disk flush per batch instead of one per session.
  std::size_t batchSize = 50;
  std::chrono::milliseconds configInterval{std::chrono::minutes{5}};  // how often to pull the config
};

struct SyncState {
  bool running = false;
  std::size_t pending = 0;                                           // uploads waiting in the outbox
  std::uint64_t uploaded = 0;                                        // accepted by the server since start
  std::uint64_t rejected = 0;                                        // refused by the server since start
  std::optional<std::chrono::system_clock::time_point> lastSuccess;  // last exchange that worked
  std::string lastError;         // empty after a success; never contains patient data
  bool needsEnrollment = false;  // the server answered 401/403: the device token is missing or revoked
  int consecutiveFailures = 0;
  std::optional<std::chrono::system_clock::time_point> nextAttempt;  // while backing off
  std::string configEtag;
  std::uint64_t configVersion = 0;  // +1 each time a new configuration was saved
  // The clinic-wide summary of the last requested day (JSON of GET /api/v1/days/{date}/summary).
  std::string summaryDate;
  std::string summaryJson;
  std::optional<std::chrono::system_clock::time_point> summaryAt;
};

class SyncWorker {
 public:
  using WakeCallback = std::function<void()>;

  SyncWorker(std::unique_ptr<SyncOutbox> outbox, SyncOptions options, WakeCallback wake = {});
  ~SyncWorker();  // stops and joins
  SyncWorker(const SyncWorker&) = delete;
  SyncWorker& operator=(const SyncWorker&) = delete;

  void start();
  void stop();   // waits for the current request to finish (bounded by the client timeout)
  void nudge();  // something new in the outbox: try now unless backing off
  void pullConfigNow();
  void requestDaySummary(std::string date);  // fetched on the worker thread; see SyncState::summary*
  void setToken(std::string token);          // after enrollment

  SyncState state() const;
  // The same without summaryJson (which can be megabytes): for what is read every frame.
  SyncState status() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

struct Enrollment {
  std::int64_t deviceId = 0;
  std::string clinicId;
  std::string token;  // store it; it is never shown again
};

struct SyncError {
  int httpStatus = 0;  // 0 for transport errors
  std::string message;
  HttpErrc transport = HttpErrc::kTransfer;  // what failed when httpStatus is 0
};

// Exchanges a one-time code for a device token (POST /api/v1/enroll). Blocking: the settings screen runs
// it with enrollDeviceAsync and polls the future each frame.
core::Result<Enrollment, SyncError> enrollDevice(const HttpClientOptions& server, const std::string& code,
                                                 const std::string& deviceLabel);
std::future<core::Result<Enrollment, SyncError>> enrollDeviceAsync(HttpClientOptions server, std::string code,
                                                                   std::string deviceLabel);

}  // namespace unitclock::platform
