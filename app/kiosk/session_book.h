#pragma once
// The session book: the sessions this kiosk shows, in memory, with what the outbox says of each. Every
// session not yet final and every session opened today are in it. Written store-first (an event is
// durable before the screen shows it); read by presenters and views without touching the store; brought
// up to date by refresh() when the store changes underneath (the sync worker marks uploads synced or
// refused), never by a query from a view.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include <unitclock/core/clock.h>
#include <unitclock/core/result.h>
#include <unitclock/core/session.h>
#include <unitclock/platform/device_store.h>

namespace unitclock::app {

class SessionBook {
 public:
  explicit SessionBook(platform::DeviceStore& store) : m_store(store) {}

  // Reads every session not yet final and those opened since `dayStart`, with their latest uploads.
  core::Result<void, std::string> load(core::WallTime dayStart);

  // The store changed underneath: replays the finished sessions whose stored log grew (session_synced)
  // and reads their latest uploads again. Open sessions are this kiosk's own and never change underneath.
  // One listing query plus one outbox query per finished session: called when the sync worker reports a
  // change, not per frame.
  core::Result<void, std::string> refresh();

  // A new day began at `dayStart`: final sessions (synced or voided) of earlier days leave memory.
  void startDay(core::WallTime dayStart);

  // A new session, stored first, then in the book. Returns it.
  core::Result<core::Session*, std::string> open(core::Session session);

  // Store first, then the model. A wall-clock jump detected at `now` is recorded before the event.
  core::Result<void, std::string> record(core::Session& s, core::Event event, core::Instant now);

  [[nodiscard]] const std::map<std::string, core::Session>& sessions() const { return m_sessions; }
  [[nodiscard]] std::map<std::string, core::Session>& sessions() { return m_sessions; }
  [[nodiscard]] core::Session* find(const std::string& id);
  [[nodiscard]] const core::Session* find(const std::string& id) const;
  // The sessions opened since the day start, in the order they were opened.
  [[nodiscard]] std::vector<const core::Session*> today() const;
  // The latest outbox entry of a session (nullptr: never handed to sync).
  [[nodiscard]] const platform::OutboxEntry* latestUpload(const std::string& id) const;

 private:
  core::Result<void, std::string> readUpload(const std::string& id);

  platform::DeviceStore& m_store;
  core::WallTime m_dayStart{};
  std::map<std::string, core::Session> m_sessions;
  std::map<std::string, platform::OutboxEntry> m_uploads;
};

}  // namespace unitclock::app
