#include "session_book.h"

#include <algorithm>
#include <set>

namespace unitclock::app {

using core::SessionStatus;

namespace {

core::WallTime openedAt(const core::Session& s) {
  return s.events().empty() ? core::WallTime{} : s.events().front().wall;
}

bool isFinal(SessionStatus status) {
  return status == SessionStatus::synced || status == SessionStatus::voided;
}

}  // namespace

core::Result<void, std::string> SessionBook::load(core::WallTime dayStart) {
  m_dayStart = dayStart;
  m_sessions.clear();
  m_uploads.clear();
  std::set<std::string> ids;
  for (auto status : {SessionStatus::open, SessionStatus::ended, SessionStatus::signed_}) {
    platform::SessionFilter f;
    f.status = status;
    auto rows = m_store.listSessions(f);
    if (!rows) return core::fail(rows.error().message);
    for (const auto& r : rows.value()) ids.insert(r.header.id);
  }
  platform::SessionFilter today;
  today.openedFrom = dayStart;
  auto rows = m_store.listSessions(today);
  if (!rows) return core::fail(rows.error().message);
  for (const auto& r : rows.value()) ids.insert(r.header.id);
  for (const auto& id : ids) {
    auto stored = m_store.loadSession(id);
    if (!stored) return core::fail(stored.error().message);
    auto s = core::Session::restore(stored.value().row.header, stored.value().events);
    if (!s) return core::fail("session " + id + " cannot be replayed: " + s.error().message);
    m_sessions.emplace(id, std::move(s.value()));
    if (auto up = readUpload(id); !up) return up;
  }
  return {};
}

core::Result<void, std::string> SessionBook::readUpload(const std::string& id) {
  auto entries = m_store.outbox(id);
  if (!entries) return core::fail(entries.error().message);
  if (entries.value().empty())
    m_uploads.erase(id);
  else
    m_uploads[id] = entries.value().back();
  return {};
}

core::Result<void, std::string> SessionBook::refresh() {
  std::optional<core::WallTime> earliest;
  for (const auto& [id, s] : m_sessions) {
    if (s.status() == SessionStatus::open) continue;
    const auto at = openedAt(s);
    if (!earliest || at < *earliest) earliest = at;
  }
  if (!earliest) return {};
  platform::SessionFilter f;
  f.openedFrom = *earliest;
  auto rows = m_store.listSessions(f);
  if (!rows) return core::fail(rows.error().message);
  for (const auto& row : rows.value()) {
    auto it = m_sessions.find(row.header.id);
    if (it == m_sessions.end() || it->second.status() == SessionStatus::open) continue;
    if (row.eventCount != static_cast<std::int64_t>(it->second.events().size())) {
      auto stored = m_store.loadSession(row.header.id);
      if (!stored) return core::fail(stored.error().message);
      auto restored = core::Session::restore(stored.value().row.header, stored.value().events);
      if (!restored)
        return core::fail("session " + row.header.id + " cannot be replayed: " + restored.error().message);
      it->second = std::move(restored.value());
    }
    if (auto up = readUpload(row.header.id); !up) return up;
  }
  return {};
}

void SessionBook::startDay(core::WallTime dayStart) {
  if (dayStart == m_dayStart) return;
  m_dayStart = dayStart;
  for (auto it = m_sessions.begin(); it != m_sessions.end();) {
    if (isFinal(it->second.status()) && openedAt(it->second) < dayStart) {
      m_uploads.erase(it->first);
      it = m_sessions.erase(it);
    } else {
      ++it;
    }
  }
}

core::Result<core::Session*, std::string> SessionBook::open(core::Session session) {
  const auto& h = session.header();
  if (auto r = m_store.createSession(h, session.events().front()); !r)
    return core::fail("Could not save: " + r.error().message);
  auto [it, inserted] = m_sessions.insert_or_assign(h.id, std::move(session));
  return &it->second;
}

core::Result<void, std::string> SessionBook::record(core::Session& s, core::Event event, core::Instant now) {
  if (auto jump = s.detectClockJump(now)) {
    if (s.check(*jump)) {
      auto stored = m_store.appendEvent(s.header().id, *jump);
      if (!stored) return core::fail("Could not save: " + stored.error().message);
      (void)s.apply(*jump);  // checked above: cannot fail
    }
  }
  event.sequence = s.nextSequence();
  if (auto ok = s.check(event); !ok) return core::fail(ok.error().message);
  auto stored = m_store.appendEvent(s.header().id, event);
  if (!stored) return core::fail("Could not save: " + stored.error().message);
  if (auto applied = s.apply(event); !applied) return core::fail(applied.error().message);
  // Signing, voiding and correcting change what the outbox holds for the session.
  if (core::statusAfter(event.type)) {
    if (auto up = readUpload(s.header().id); !up) return core::fail("Saved, but " + up.error());
  }
  return {};
}

core::Session* SessionBook::find(const std::string& id) {
  auto it = m_sessions.find(id);
  return it == m_sessions.end() ? nullptr : &it->second;
}

const core::Session* SessionBook::find(const std::string& id) const {
  auto it = m_sessions.find(id);
  return it == m_sessions.end() ? nullptr : &it->second;
}

std::vector<const core::Session*> SessionBook::today() const {
  std::vector<const core::Session*> out;
  for (const auto& [id, s] : m_sessions)
    if (openedAt(s) >= m_dayStart) out.push_back(&s);
  std::stable_sort(out.begin(), out.end(), [](const core::Session* a, const core::Session* b) {
    return openedAt(*a) < openedAt(*b);
  });
  return out;
}

const platform::OutboxEntry* SessionBook::latestUpload(const std::string& id) const {
  auto it = m_uploads.find(id);
  return it == m_uploads.end() ? nullptr : &it->second;
}

}  // namespace unitclock::app
