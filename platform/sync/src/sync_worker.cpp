#include <unitclock/platform/wire/answers.h>
#include <nlohmann/json.hpp>

#include <unitclock/platform/sync_worker.h>
#include <algorithm>
#include <atomic>
#include <cmath>
#include <condition_variable>
#include <mutex>
#include <random>
#include <thread>

namespace unitclock::platform {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

bool retryable(int status) {
  return status == 429 || status >= 500;
}

std::optional<milliseconds> retryAfter(const HttpResponse& r) {
  auto v = r.header("retry-after");
  if (!v || v->empty() || v->size() > 9) return std::nullopt;
  if (!std::all_of(v->begin(), v->end(), [](unsigned char c) { return std::isdigit(c); }))
    return std::nullopt;
  return milliseconds{std::stoll(*v) * 1000};
}

std::string serverMessage(const HttpResponse& r) {
  std::string message;
  if (auto e = wire::parseErrorBody(nlohmann::json::parse(r.body, nullptr, false))) {
    message = e->field.empty() ? e->message : e->field + ": " + e->message;
  }
  if (message.empty()) message = "the server answered " + std::to_string(r.status);
  return message;
}

}  // namespace

struct SyncWorker::Impl {
  std::unique_ptr<SyncOutbox> outbox;
  SyncOptions options;
  WakeCallback wake;

  mutable std::mutex mutex;
  std::condition_variable cv;
  SyncState state;
  bool stopping = false;
  bool nudged = false;
  bool configForced = true;  // pull once at start
  std::string summaryRequest;
  std::string unsignedSent;  // the last unsigned report the server took
  bool unsignedUnsupported = false;
  std::optional<std::string> newToken;
  Clock::time_point backoffUntil{};
  Clock::time_point nextConfigPull{};
  std::thread thread;
  std::mt19937_64 rng{std::random_device{}()};
  Clock::time_point lastWake{};

  void notify(bool force) {
    if (!wake) return;
    auto now = Clock::now();
    // A catch-up of thousands of uploads would otherwise wake the UI thousands of times.
    if (!force && now - lastWake < milliseconds{200}) return;
    lastWake = now;
    wake();
  }

  void succeeded() {
    std::lock_guard lock(mutex);
    state.lastSuccess = std::chrono::system_clock::now();
    state.lastError.clear();
    state.consecutiveFailures = 0;
    state.needsEnrollment = false;
    state.nextAttempt.reset();
  }

  // Schedules the next attempt after a failure; `hint` is the server's Retry-After.
  void failed(std::string error, std::optional<milliseconds> hint, bool enrollment = false) {
    std::lock_guard lock(mutex);
    state.lastError = std::move(error);
    state.needsEnrollment = enrollment;
    ++state.consecutiveFailures;
    milliseconds delay;
    if (hint) {
      std::uniform_int_distribution<long long> extra(0, hint->count() / 10 + 100);
      delay = *hint + milliseconds{extra(rng)};
    } else {
      double base = static_cast<double>(options.backoff.initial.count()) *
                    std::pow(2.0, std::min(state.consecutiveFailures - 1, 30));
      base = std::min(base, static_cast<double>(options.backoff.maximum.count()));
      std::uniform_real_distribution<double> u(1.0 - options.backoff.jitter, 1.0);
      delay = milliseconds{static_cast<long long>(base * u(rng))};
    }
    backoffUntil = Clock::now() + delay;
    state.nextAttempt = std::chrono::system_clock::now() + delay;
  }

  void updatePending() {
    auto n = outbox->pendingCount();
    std::lock_guard lock(mutex);
    state.pending = n;
  }

  // Unitclock-Pending (docs/sync-api.md): the uploads waiting in the outbox besides the `carried` ones
  // this request holds, so that the server's device list reads 0 once a catch-up's last batch arrived.
  std::map<std::string, std::string> pendingHeader(std::size_t carried) {
    std::lock_guard lock(mutex);
    return {{"Unitclock-Pending", std::to_string(state.pending - std::min(state.pending, carried))}};
  }

  // One pass: summary, config, uploads. Returns after the first retryable failure.
  void cycle(HttpClient& client) {
    updatePending();  // sessions signed since the last pass count in what this pass reports
    std::string summaryDate;
    bool pullConfig = false;
    {
      std::lock_guard lock(mutex);
      summaryDate = std::exchange(summaryRequest, {});
      pullConfig = configForced || Clock::now() >= nextConfigPull;
      configForced = false;
      if (newToken) client.setBearerToken(*std::exchange(newToken, std::nullopt));
    }
    if (pullConfig && !pullConfigOnce(client)) return;
    if (!summaryDate.empty() && !fetchSummary(client, summaryDate)) return;
    if (!uploadAll(client)) return;
    reportUnsigned(client);
  }

  // The device's unsigned sessions, when they changed since the server last answered them. A server that
  // does not know the request (404, 405) is not asked again while the app runs; a report the server refused
  // (400) is not sent again until it changes; a failure of the exchange is tried with the next pass.
  void reportUnsigned(HttpClient& client) {
    if (unsignedUnsupported) return;
    auto report = outbox->unsignedReport();
    if (!report || *report == unsignedSent) return;
    auto r = client.put("/api/v1/device/unsigned", *report, pendingHeader(0));
    if (!r) return;
    if (r->status == 404 || r->status == 405) unsignedUnsupported = true;
    // Taken, or refused as it is (a 4xx other than those): not sent again until it changes.
    if ((r->status >= 200 && r->status < 300) || (r->status >= 400 && r->status < 500 && r->status != 429))
      unsignedSent = std::move(*report);
  }

  bool pullConfigOnce(HttpClient& client) {
    std::map<std::string, std::string> headers;
    auto etag = outbox->configEtag();
    if (!etag.empty()) headers["If-None-Match"] = etag;
    headers.merge(pendingHeader(0));
    auto r = client.get("/api/v1/config?date=" + outbox->today(), headers);
    if (!r) {
      failed(r.error().message, std::nullopt);
      notify(true);
      return false;
    }
    if (r->status == 401 || r->status == 403) {
      failed("the server does not accept this device: enroll it again (" + serverMessage(*r) + ")",
             std::nullopt, true);
      notify(true);
      return false;
    }
    if (r->status == 304 || r->status == 200) {
      bool changed = false;
      if (r->status == 200) {
        auto newEtag = r->header("etag").value_or("");
        if (!outbox->saveConfig(r->body, newEtag)) {
          failed("the configuration could not be saved on this device", std::nullopt);
          notify(true);
          return false;
        }
        std::lock_guard lock(mutex);
        state.configEtag = newEtag;
        ++state.configVersion;
        changed = true;
      }
      succeeded();
      {
        std::lock_guard lock(mutex);
        nextConfigPull = Clock::now() + options.configInterval;
      }
      notify(changed);
      return true;
    }
    failed("configuration: " + serverMessage(*r), retryable(r->status) ? retryAfter(*r) : std::nullopt);
    notify(true);
    return false;
  }

  bool fetchSummary(HttpClient& client, const std::string& date) {
    auto r = client.get("/api/v1/days/" + date + "/summary");
    if (!r || r->status != 200) {
      {
        std::lock_guard lock(mutex);
        if (summaryRequest.empty()) summaryRequest = date;  // try again with the next attempt
      }
      if (!r) {
        failed(r.error().message, std::nullopt);
      } else {
        failed("day summary: " + serverMessage(*r), retryable(r->status) ? retryAfter(*r) : std::nullopt,
               r->status == 401 || r->status == 403);
      }
      notify(true);
      return false;
    }
    succeeded();
    {
      std::lock_guard lock(mutex);
      state.summaryDate = date;
      state.summaryJson = r->body;
      state.summaryAt = std::chrono::system_clock::now();
    }
    notify(true);
    return true;
  }

  // What to do with one session's answer. Returns false when the worker must stop and back off.
  bool settle(const PendingUpload& up, int status, const std::string& message,
              std::optional<milliseconds> hint) {
    if (status >= 200 && status < 300) {
      if (!outbox->markUploaded(up)) {
        failed("the upload was accepted but could not be recorded on this device", std::nullopt);
        return false;
      }
      succeeded();
      std::lock_guard lock(mutex);
      ++state.uploaded;
      return true;
    }
    if (retryable(status)) {
      failed("upload: " + message, hint);
      return false;
    }
    if (status == 401 || status == 403) {
      failed("the server does not accept this device: enroll it again (" + message + ")", std::nullopt, true);
      return false;
    }
    if (!outbox->markRejected(up, status, message)) {
      failed("a rejection could not be recorded on this device", std::nullopt);
      return false;
    }
    succeeded();  // the server answered; the exchange itself worked
    std::lock_guard lock(mutex);
    ++state.rejected;
    return true;
  }

  // One PUT per session. Returns false after a failure (already recorded).
  bool uploadOneByOne(HttpClient& client, const std::vector<PendingUpload>& batch) {
    for (const auto& up : batch) {
      auto r = client.put("/api/v1/sessions/" + up.sessionId, up.body, pendingHeader(1));
      if (!r) {
        failed(r.error().message, std::nullopt);
        return false;
      }
      if (!settle(up, r->status, serverMessage(*r), retryAfter(*r))) return false;
      updatePending();
      notify(false);
    }
    return true;
  }

  bool uploadBatch(HttpClient& client, const std::vector<PendingUpload>& batch) {
    std::string body = "{\"sessions\":[";
    for (std::size_t i = 0; i < batch.size(); ++i) {
      if (i) body += ',';
      body += batch[i].body;
    }
    body += "]}";
    auto r = client.post("/api/v1/sessions/batch", body, pendingHeader(batch.size()));
    if (!r) {
      failed(r.error().message, std::nullopt);
      return false;
    }
    const int status = r->status;
    if (status == 404 || status == 405 || status == 413 || status == 400) {
      // An older server, or a batch too large for it: let each session be judged on its own.
      return uploadOneByOne(client, batch);
    }
    if (status != 200) {
      if (status == 401 || status == 403) {
        failed("the server does not accept this device: enroll it again (" + serverMessage(*r) + ")",
               std::nullopt, true);
      } else {
        failed("upload: " + serverMessage(*r), retryable(status) ? retryAfter(*r) : std::nullopt);
      }
      return false;
    }
    auto answer = wire::parseBatchAnswer(nlohmann::json::parse(r->body, nullptr, false));
    if (!answer || answer->results.size() != batch.size()) {
      failed("the server's answer to an upload is not understood", std::nullopt);
      return false;
    }
    // Accepted uploads are recorded together (one store transaction), before any later answer of the
    // batch is acted on, so the outbox stays in order.
    std::vector<PendingUpload> accepted;
    auto recordAccepted = [&] {
      if (accepted.empty()) return true;
      if (!outbox->markAllUploaded(accepted)) {
        failed("the upload was accepted but could not be recorded on this device", std::nullopt);
        return false;
      }
      succeeded();
      {
        std::lock_guard lock(mutex);
        state.uploaded += accepted.size();
      }
      accepted.clear();
      return true;
    };
    for (std::size_t i = 0; i < batch.size(); ++i) {
      const auto& item = answer->results[i];
      const int itemStatus = item.status;
      if (item.accepted()) {
        accepted.push_back(batch[i]);
        continue;
      }
      if (!recordAccepted()) return false;
      std::string message = item.field.empty() ? item.message : item.field + ": " + item.message;
      if (message.empty()) message = "the server answered " + std::to_string(itemStatus);
      if (!settle(batch[i], itemStatus, message, std::nullopt)) return false;
    }
    return recordAccepted();
  }

  // Every pending upload, in order. Returns whether the outbox was emptied.
  bool uploadAll(HttpClient& client) {
    while (true) {
      {
        std::lock_guard lock(mutex);
        if (stopping) return false;
      }
      std::string error;
      auto batch = outbox->nextUploads(std::max<std::size_t>(options.batchSize, 1), error);
      if (batch.empty()) {
        if (!error.empty()) failed("local store: " + error, std::nullopt);
        updatePending();
        notify(true);
        return error.empty();
      }
      bool ok = options.batchSize <= 1 ? uploadOneByOne(client, batch) : uploadBatch(client, batch);
      updatePending();
      if (!ok) {
        notify(true);
        return false;
      }
      notify(false);
    }
  }

  void run() {
    auto client = HttpClient::create(options.client);
    if (!client) {
      std::lock_guard lock(mutex);
      state.lastError = client.error().message;
    }
    updatePending();
    notify(true);
    std::unique_lock lock(mutex);
    while (!stopping) {
      if (client && Clock::now() >= backoffUntil) {
        lock.unlock();
        cycle(client.value());
        lock.lock();
        if (stopping) break;
      }
      const auto now = Clock::now();
      // Backing off: try again when the delay is over. Otherwise: at the next config pull, or on a nudge.
      auto wakeAt = backoffUntil > now ? backoffUntil : std::min(nextConfigPull, now + std::chrono::hours{1});
      cv.wait_until(lock, wakeAt, [&] { return stopping || (nudged && Clock::now() >= backoffUntil); });
      nudged = false;
    }
    state.running = false;
  }
};

SyncWorker::SyncWorker(std::unique_ptr<SyncOutbox> outbox, SyncOptions options, WakeCallback wake)
    : m_impl(std::make_unique<Impl>()) {
  m_impl->outbox = std::move(outbox);
  m_impl->options = std::move(options);
  m_impl->wake = std::move(wake);
}

SyncWorker::~SyncWorker() {
  stop();
}

void SyncWorker::start() {
  std::lock_guard lock(m_impl->mutex);
  if (m_impl->thread.joinable()) return;
  m_impl->stopping = false;
  m_impl->state.running = true;
  m_impl->thread = std::thread([impl = m_impl.get()] { impl->run(); });
}

void SyncWorker::stop() {
  {
    std::lock_guard lock(m_impl->mutex);
    m_impl->stopping = true;
  }
  m_impl->cv.notify_all();
  if (m_impl->thread.joinable()) m_impl->thread.join();
}

void SyncWorker::nudge() {
  {
    std::lock_guard lock(m_impl->mutex);
    m_impl->nudged = true;
  }
  m_impl->cv.notify_all();
}

void SyncWorker::pullConfigNow() {
  {
    std::lock_guard lock(m_impl->mutex);
    m_impl->configForced = true;
    m_impl->nudged = true;
  }
  m_impl->cv.notify_all();
}

void SyncWorker::requestDaySummary(std::string date) {
  {
    std::lock_guard lock(m_impl->mutex);
    m_impl->summaryRequest = std::move(date);
    m_impl->nudged = true;
  }
  m_impl->cv.notify_all();
}

void SyncWorker::setToken(std::string token) {
  {
    std::lock_guard lock(m_impl->mutex);
    m_impl->newToken = std::move(token);
    m_impl->configForced = true;
    m_impl->nudged = true;
    m_impl->backoffUntil = Clock::time_point{};
    m_impl->state.needsEnrollment = false;
  }
  m_impl->cv.notify_all();
}

SyncState SyncWorker::state() const {
  std::lock_guard lock(m_impl->mutex);
  return m_impl->state;
}

SyncState SyncWorker::status() const {
  std::lock_guard lock(m_impl->mutex);
  // Everything but the summary's body: moved aside (not copied) while the rest is copied.
  std::string body = std::move(m_impl->state.summaryJson);
  SyncState out = m_impl->state;
  m_impl->state.summaryJson = std::move(body);
  return out;
}

core::Result<Enrollment, SyncError> enrollDevice(const HttpClientOptions& server, const std::string& code,
                                                 const std::string& deviceLabel) {
  HttpClientOptions o = server;
  o.bearerToken.clear();
  auto client = HttpClient::create(o);
  if (!client) return core::fail(SyncError{0, client.error().message, client.error().errc});
  auto r = client->post("/api/v1/enroll", nlohmann::json{{"code", code}, {"label", deviceLabel}}.dump());
  if (!r) return core::fail(SyncError{0, r.error().message, r.error().errc});
  if (r->status != 201) return core::fail(SyncError{r->status, serverMessage(*r)});
  auto e = wire::parseEnrollment(nlohmann::json::parse(r->body, nullptr, false));
  if (!e) return core::fail(SyncError{r->status, "the server's answer to the enrollment is not understood"});
  return Enrollment{e->deviceId, e->clinicId, e->token};
}

std::future<core::Result<Enrollment, SyncError>> enrollDeviceAsync(HttpClientOptions server, std::string code,
                                                                   std::string deviceLabel) {
  return std::async(std::launch::async,
                    [server = std::move(server), code = std::move(code), label = std::move(deviceLabel)] {
                      return enrollDevice(server, code, label);
                    });
}

}  // namespace unitclock::platform
