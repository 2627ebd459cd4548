// Sessions recorded the way the app records them: through core::Session, so every event is valid.
#pragma once

#include <unitclock/core/clock.h>
#include <unitclock/core/session.h>
#include <unitclock/platform/device_store.h>

#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <iterator>
#include <string>

namespace unitclock::test {

using namespace std::chrono_literals;

inline core::WallTime wallAt(int year, unsigned month, unsigned day, int hour, int minute) {
  return core::WallTime{
      std::chrono::sys_days{std::chrono::year{year} / std::chrono::month{month} / std::chrono::day{day}} +
      std::chrono::hours{hour} + std::chrono::minutes{minute}};
}

inline core::SessionHeader header(std::string id, std::string mrn = "MRN001", std::string initials = "JD") {
  core::SessionHeader h;
  h.id = std::move(id);
  h.clinicId = "clinic-1";
  h.deviceId = "device-1";
  h.patient = {std::move(mrn), std::move(initials)};
  h.payerProfile = "medicare";
  h.discipline = core::Discipline::ot;
  h.diagnoses = {"M25.511"};
  h.renderingClinicianId = "c-ot-1";
  return h;
}

// Records into a store and a core::Session side by side, as the app's controller does: check, persist,
// then apply.
class Recorder {
 public:
  Recorder(platform::DeviceStore& store, core::SessionHeader h, core::WallTime start)
      : m_store(store), m_clock(start) {
    auto s = core::Session::create(std::move(h), m_clock.now(), "c-ot-1");
    EXPECT_TRUE(s.ok()) << (s.ok() ? "" : s.error().message);
    m_session.emplace(std::move(s).value());
    auto r = m_store.createSession(m_session->header(), m_session->events().front());
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
  }

  core::FakeClock& clock() { return m_clock; }
  const core::Session& session() const { return *m_session; }
  std::int64_t next() const { return m_session->nextSequence(); }

  // Returns the stored sequence, or -1 (and a test failure) when either side refuses the event.
  std::int64_t record(const core::Event& e) {
    auto ok = m_session->check(e);
    EXPECT_TRUE(ok.ok()) << (ok.ok() ? "" : ok.error().message);
    if (!ok) return -1;
    auto seq = m_store.appendEvent(m_session->header().id, e);
    EXPECT_TRUE(seq.ok()) << (seq.ok() ? "" : seq.error().message);
    if (!seq) return -1;
    (void)m_session->apply(e);
    return seq.value();
  }

  std::int64_t start(const std::string& code, core::Performer p = core::Performer::therapist) {
    return record(core::activityStarted(next(), m_clock.now(), "c-ot-1", code, p));
  }
  std::int64_t simple(core::EventType type) {
    return record(core::makeEvent(type, next(), m_clock.now(), "c-ot-1"));
  }
  void advance(std::chrono::milliseconds by) { m_clock.advance(by); }

 private:
  platform::DeviceStore& m_store;
  core::FakeClock m_clock;
  std::optional<core::Session> m_session;
};

inline std::string readFile(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
}

}  // namespace unitclock::test
