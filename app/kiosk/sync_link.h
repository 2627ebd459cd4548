#pragma once
// The kiosk's side of sync: starts platform/sync's background worker when the device is enrolled, runs an
// enrollment without blocking a frame, turns the worker's state into the on-screen sync line, and applies
// a new configuration from the server (roster already replaced by the outbox; schedule and clinic name
// here; its payers, catalog and favourites are read by KioskContext::loadSettings). The worker wakes the
// UI loop through the runner's wake callback.

#include <unitclock/platform/wire/day_summary.h>
#include <functional>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <unitclock/core/clock.h>
#include <unitclock/core/result.h>
#include <unitclock/platform/device_store.h>

namespace unitclock::platform {
class SyncWorker;
struct Enrollment;
struct SyncError;
}  // namespace unitclock::platform

namespace unitclock::app {

class SyncLink {
 public:
  SyncLink(std::string storePath, const core::Clock& clock, std::function<void()> wake);
  ~SyncLink();
  SyncLink(const SyncLink&) = delete;
  SyncLink& operator=(const SyncLink&) = delete;

  // Starts the worker when the store has a server URL and a device token (settings server_url, device_token).
  void startIfEnrolled(platform::DeviceStore& store);
  [[nodiscard]] bool configured() const { return m_worker != nullptr; }

  // Enrollment: begins in the background; poll() finishes it (saves the token, starts the worker).
  void beginEnroll(const std::string& url, const std::string& code, const std::string& deviceLabel);
  [[nodiscard]] bool enrolling() const { return m_enrolling; }
  // Call each frame: finishes an enrollment (returns its message: "" on success) and applies a new
  // configuration. Returns true when the roster or settings changed.
  bool poll(platform::DeviceStore& store, std::string& enrollMessage);

  void nudge();
  // The clinic-wide day summary from the server (fetched in the background; the worker wakes the UI).
  void requestDaySummary(const std::string& isoDate);
  // The last clinic-wide day summary the server sent (parsed once when it arrives, not per frame).
  [[nodiscard]] const wire::DaySummary* daySummary() const;
  // "Sync: up to date", "Sync: 2 waiting", "Sync: offline, 3 waiting (retrying)", ...; after a failed
  // enrollment (--server/--enroll-code at start, or Settings) "Sync: enrollment failed: REASON"; empty if
  // not configured.
  [[nodiscard]] std::string statusLine() const;
  // Grows each time the worker changed the store (an upload accepted or refused): the session book
  // reads the store again when it does, and not otherwise.
  [[nodiscard]] std::uint64_t storeChanges() const;
  // Script mode's wait-sync: blocks up to `seconds` until the outbox is empty, or an enrollment has
  // finished or failed (the sync line then says why); error text or "".
  std::string waitUntilEmpty(double seconds);

 private:
  void applyConfig(platform::DeviceStore& store);

  std::string m_storePath;
  const core::Clock& m_clock;
  std::function<void()> m_wake;
  std::unique_ptr<platform::SyncWorker> m_worker;
  std::uint64_t m_configVersion = 0;
  // The summary as parsed from the worker's last answer, and when that answer arrived.
  mutable std::optional<std::chrono::system_clock::time_point> m_summaryAt;
  mutable std::optional<wire::DaySummary> m_summary;
  std::string m_loggedError;  // the sync error last written to the journal
  bool m_enrolling = false;
  std::string m_enrollUrl;
  std::string m_enrollFailure;  // the last enrollment's error, shown in the sync line until one succeeds
  struct Pending;
  std::unique_ptr<Pending> m_pending;
};

}  // namespace unitclock::app
