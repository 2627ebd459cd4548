#include "sync_link.h"

#include "journal.h"

#include <chrono>
#include <nlohmann/json.hpp>
#include <thread>

#include <unitclock/platform/device_store_outbox.h>
#include <unitclock/platform/sync_worker.h>
#include <unitclock/platform/wire/device_config.h>

namespace unitclock::app {

struct SyncLink::Pending {
  std::future<core::Result<platform::Enrollment, platform::SyncError>> future;
};

SyncLink::SyncLink(std::string storePath, const core::Clock& clock, std::function<void()> wake)
    : m_storePath(std::move(storePath)), m_clock(clock), m_wake(std::move(wake)) {}

SyncLink::~SyncLink() {
  if (m_worker) m_worker->stop();
}

namespace {

std::string settingOr(platform::DeviceStore& store, const char* key) {
  auto v = store.setting(key);
  return v && v.value() ? *v.value() : std::string();
}

}  // namespace

void SyncLink::startIfEnrolled(platform::DeviceStore& store) {
  const std::string url = settingOr(store, "server_url");
  const std::string token = settingOr(store, "device_token");
  if (url.empty() || token.empty() || m_worker) return;
  platform::SyncOptions options;
  options.client.baseUrl = url;
  options.client.bearerToken = token;
  options.client.caFile = settingOr(store, "server_ca_file");
  options.client.allowInsecureHttp = settingOr(store, "server_insecure") == "1";
  m_worker = std::make_unique<platform::SyncWorker>(
      std::make_unique<platform::DeviceStoreOutbox>(m_storePath, m_clock), options, m_wake);
  m_worker->start();
}

void SyncLink::beginEnroll(const std::string& url, const std::string& code, const std::string& deviceLabel) {
  platform::HttpClientOptions server;
  server.baseUrl = url;
  m_enrollUrl = url;
  m_pending = std::make_unique<Pending>();
  m_pending->future = platform::enrollDeviceAsync(server, code, deviceLabel);
  m_enrolling = true;
}

namespace {

// An enrollment's failure in words a clinic's administrator can act on; the technical detail goes to
// the journal.
std::string enrollmentProblem(const platform::SyncError& e, const std::string& url) {
  if (e.httpStatus == 0) {
    switch (e.transport) {
      case platform::HttpErrc::kInvalidUrl:
        return "the server URL is not a web address. It looks like https://billing.clinic.example.";
      case platform::HttpErrc::kInsecureRefused:
        return "this device talks to a billing server on another machine only over https. Use the "
               "https:// address.";
      case platform::HttpErrc::kCannotConnect:
        return "the billing server at " + url +
               " could not be reached. Check the address and that this "
               "device is on the clinic's network.";
      case platform::HttpErrc::kTimeout:
        return "the billing server did not answer in time. Try again in a minute.";
      case platform::HttpErrc::kTls:
        return "this device does not trust the billing server's certificate (or it is for another "
               "name). Ask whoever runs the server to check its certificate.";
      case platform::HttpErrc::kTransfer:
        return "the connection to the billing server broke off. Try again.";
    }
  }
  if (e.httpStatus == 403 || e.httpStatus == 401)
    return "the server did not accept the enrollment code (" + e.message +
           "). Check it, or ask the administrator for a new one.";
  if (e.httpStatus == 429) return "too many tries in a short time. Wait a minute, then try again.";
  if (e.httpStatus >= 500)
    return "the billing server had a problem (status " + std::to_string(e.httpStatus) + "). Try again later.";
  return "the server answered " + std::to_string(e.httpStatus) + " (" + e.message + ").";
}

}  // namespace

bool SyncLink::poll(platform::DeviceStore& store, std::string& enrollMessage) {
  bool changed = false;
  if (m_enrolling && m_pending &&
      m_pending->future.wait_for(std::chrono::seconds(0)) == std::future_status::ready) {
    auto result = m_pending->future.get();
    m_enrolling = false;
    m_pending.reset();
    if (!result) {
      enrollMessage = "Enrollment failed: " + enrollmentProblem(result.error(), m_enrollUrl);
      m_enrollFailure = enrollmentProblem(result.error(), m_enrollUrl);
      journal("enrollment with " + m_enrollUrl + " failed: " + result.error().message);
    } else {
      m_enrollFailure.clear();
      const auto now = m_clock.wallNow();
      std::string notSaved;
      for (const auto& [key, value] : {std::pair<const char*, std::string>{"server_url", m_enrollUrl},
                                       {"device_token", result.value().token},
                                       {"clinic_id", result.value().clinicId}}) {
        if (auto r = store.setSetting(key, value, "", now); !r && notSaved.empty())
          notSaved = r.error().message;
      }
      if (!notSaved.empty()) {
        // The one-time code is spent but the device cannot keep its token: say so, never "Enrolled".
        m_enrollFailure = "this device could not save its enrollment (" + notSaved + ")";
        enrollMessage =
            "Enrollment failed: the server accepted the code, but this device could not save "
            "its token (" +
            notSaved +
            "). Free space or fix storage, then enroll again with a "
            "new code.";
        journal("enrollment with " + m_enrollUrl + " could not be saved: " + notSaved);
        return true;
      }
      journal("enrolled with " + m_enrollUrl + " for clinic " + result.value().clinicId);
      enrollMessage.clear();
      startIfEnrolled(store);
      if (m_worker) m_worker->pullConfigNow();
      changed = true;
    }
  }
  if (m_worker) {
    const auto state = m_worker->status();   // every frame: without the day summary's body
    if (state.lastError != m_loggedError) {  // each new sync error once, and when it clears
      journal(state.lastError.empty() ? std::string("sync: the billing server answers again")
                                      : "sync: " + state.lastError);
      m_loggedError = state.lastError;
    }
    if (state.configVersion != m_configVersion) {
      m_configVersion = state.configVersion;
      applyConfig(store);
      changed = true;
    }
  }
  return changed;
}

void SyncLink::applyConfig(platform::DeviceStore& store) {
  // The outbox kept it only after it parsed (DeviceStoreOutbox::saveConfig); the payers, catalog and
  // favourites in it are read by KioskContext::loadSettings.
  auto config = wire::parseDeviceConfigBody(settingOr(store, platform::DeviceStoreOutbox::kConfigSetting));
  if (!config) {
    journal("sync: the clinic's configuration cannot be read: " + config.error().field + ": " +
            config.error().message);
    return;
  }
  const auto now = m_clock.wallNow();
  auto save = [&](const char* key, const std::string& value) {
    if (auto r = store.setSetting(key, value, "", now); !r)
      journal(std::string("sync: the clinic's ") + key + " could not be saved: " + r.error().message);
  };
  if (!config->clinic.name.empty()) save("clinic_name", config->clinic.name);
  if (!config->clinic.timezone.empty()) save("clinic_time_zone", config->clinic.timezone);
  save("schedule", wire::scheduleDocument(config->schedule).dump());  // today's, as /config gives it
}

void SyncLink::requestDaySummary(const std::string& isoDate) {
  if (m_worker) m_worker->requestDaySummary(isoDate);
}

std::uint64_t SyncLink::storeChanges() const {
  if (!m_worker) return 0;
  const auto s = m_worker->status();
  return s.uploaded + s.rejected;
}

const wire::DaySummary* SyncLink::daySummary() const {
  if (!m_worker) return nullptr;
  if (m_worker->status().summaryAt != m_summaryAt) {
    const auto state = m_worker->state();  // with the summary's body, only when a new one arrived
    m_summaryAt = state.summaryAt;
    m_summary.reset();
    if (auto parsed = wire::parseDaySummary(nlohmann::json::parse(state.summaryJson, nullptr, false))) {
      m_summary = std::move(parsed).value();
    } else {
      journal("sync: the server's day summary is not understood (" + parsed.error().field + " " +
              parsed.error().message + ")");
    }
  }
  return m_summary ? &*m_summary : nullptr;
}

void SyncLink::nudge() {
  if (m_worker) m_worker->nudge();
}

std::string SyncLink::statusLine() const {
  if (m_enrolling) return "Sync: enrolling this device…";
  // Shown on every screen with a sync line: a kiosk started with --server/--enroll-code has no other place
  // that would say why it never synced.
  if (!m_worker)
    return m_enrollFailure.empty() ? std::string{} : "Sync: enrollment failed: " + m_enrollFailure;
  const auto s = m_worker->status();
  if (s.needsEnrollment) return "Sync: this device must be enrolled again (Settings)";
  if (!s.lastError.empty()) return "Sync: offline, " + std::to_string(s.pending) + " waiting (retrying)";
  if (s.pending > 0) return "Sync: " + std::to_string(s.pending) + " waiting to upload";
  return "Sync: up to date";
}

std::string SyncLink::waitUntilEmpty(double seconds) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  // An enrollment in flight: wait for its answer (the next frame applies it and starts the worker).
  if (m_enrolling && m_pending) {
    if (m_pending->future.wait_until(deadline) != std::future_status::ready)
      return "enrollment did not finish in time";
    return {};
  }
  // An enrollment that already failed has settled like one that just finished: the screen says why.
  if (!m_worker) return m_enrollFailure.empty() ? std::string("sync is not configured") : std::string();
  m_worker->nudge();

  // Count what is really waiting in the store (a second, read-only connection), including uploads that
  // are backing off; rejected sessions are not waiting.
  platform::StoreOptions ro;
  ro.mode = platform::StoreMode::kReadOnly;
  ro.checkIntegrity = false;
  auto store = platform::DeviceStore::open(m_storePath, ro);
  if (!store) return "cannot read the outbox: " + store.error().message;
  // Right after an enrollment: the first configuration (roster, schedule) too.
  auto cached = store.value().setting(platform::DeviceStoreOutbox::kConfigSetting);
  if (cached && !cached.value()) {
    while (m_worker->status().configVersion == 0 && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  const auto farFuture = m_clock.wallNow() + std::chrono::hours(24 * 365);
  std::size_t waiting = 0;
  while (true) {
    auto pending = store.value().pendingOutbox(farFuture, 1000);
    if (!pending) return "cannot read the outbox: " + pending.error().message;
    waiting = pending.value().size();
    if (waiting == 0) return {};
    if (std::chrono::steady_clock::now() >= deadline) break;
    // A script waits for the background upload on purpose; the app itself never does.
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  const auto s = m_worker->status();
  return std::to_string(waiting) + " session(s) still waiting after " + std::to_string(seconds) + " s" +
         (s.lastError.empty() ? "" : " (last error: " + s.lastError + ")");
}

}  // namespace unitclock::app
