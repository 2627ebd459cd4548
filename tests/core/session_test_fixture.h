// A tablet in a test: one fake clock and helpers that record what a therapist taps, the way the app
// does (take a clock reading, build the event, apply it). Shared by tests/core/session_*_test.cpp and
// day_*_test.cpp.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <utility>

#include <unitclock/core/clock.h>
#include <unitclock/core/events.h>
#include <unitclock/core/session.h>
#include <unitclock/core/uuid.h>

namespace unitclock::core::testing {

using namespace std::chrono_literals;

// 2026-11-26 at h:m:s UTC.
inline WallTime at(int h, int m, int s = 0) {
  return WallTime{std::chrono::sys_days{std::chrono::year{2026} / 11 / 26} + std::chrono::hours{h} +
                  std::chrono::minutes{m} + std::chrono::seconds{s}};
}

inline std::string testUuid(std::uint8_t seed) {
  UuidBytes b{};
  for (std::size_t i = 0; i < b.size(); ++i) b[i] = static_cast<std::uint8_t>(seed * 31 + i * 7);
  return uuidV4(b);
}

inline SessionHeader patientHeader(std::uint8_t seed = 1, std::string mrn = "MRN-1001",
                                   std::string initials = "JD", Discipline discipline = Discipline::ot) {
  SessionHeader h;
  h.id = testUuid(seed);
  h.clinicId = "clinic-1";
  h.deviceId = "kiosk-3";
  h.patient = Patient{std::move(mrn), std::move(initials)};
  h.payerProfile = "medicare";
  h.discipline = discipline;
  h.placeOfService = "11";
  h.diagnoses = {"M25.511"};
  h.renderingClinicianId = "ot-ann";
  return h;
}

// One session being recorded on a device. Every helper returns the result of Session::apply.
class Tablet {
 public:
  explicit Tablet(FakeClock& clock, SessionHeader header = patientHeader(), std::string clinician = "ot-ann")
      : m_clock(clock),
        m_clinician(std::move(clinician)),
        m_session(Session::create(std::move(header), clock.now(), m_clinician).value()) {}

  Session& session() { return m_session; }
  const Session& session() const { return m_session; }
  const std::string& clinician() const { return m_clinician; }
  void actAs(std::string clinician) { m_clinician = std::move(clinician); }
  std::int64_t next() const { return m_session.nextSequence(); }
  Instant now() const { return m_clock.now(); }

  Result<void, SessionError> record(Event e) { return m_session.apply(e); }
  Result<void, SessionError> start(std::string code, Performer p = Performer::therapist,
                                   ActivityMode mode = ActivityMode::one_on_one) {
    return record(activityStarted(next(), now(), m_clinician, std::move(code), p, mode));
  }
  Result<void, SessionError> simple(EventType type) {
    return record(makeEvent(type, next(), now(), m_clinician));
  }
  Result<void, SessionError> stop() { return simple(EventType::activity_stopped); }
  Result<void, SessionError> pause(PauseReason reason) {
    return record(paused(next(), now(), m_clinician, reason));
  }
  Result<void, SessionError> pauseReason(PauseReason reason) {
    return record(pauseReasonSet(next(), now(), m_clinician, reason));
  }
  Result<void, SessionError> resume() { return simple(EventType::resumed); }
  Result<void, SessionError> switchTo(Performer p) {
    return record(performerSwitched(next(), now(), m_clinician, p));
  }
  Result<void, SessionError> untimed(std::string code, std::chrono::minutes m, std::chrono::minutes a = {}) {
    return record(untimedAdded(next(), now(), m_clinician, std::move(code), m, a));
  }
  Result<void, SessionError> end() { return simple(EventType::session_ended); }
  Result<void, SessionError> sign() { return simple(EventType::session_signed); }
  Result<void, SessionError> reopen(std::string reason) {
    return record(withReason(EventType::session_reopened, next(), now(), m_clinician, std::move(reason)));
  }
  Result<void, SessionError> voidIt(std::string reason) {
    return record(withReason(EventType::session_voided, next(), now(), m_clinician, std::move(reason)));
  }
  Result<void, SessionError> diagnoses(std::vector<std::string> codes) {
    return record(withCodes(EventType::diagnoses_set, next(), now(), m_clinician, std::move(codes)));
  }
  // Edits segment `index` from its current times to [newStart, newEnd).
  Result<void, SessionError> edit(int index, WallTime newStart, WallTime newEnd, std::string reason) {
    const Segment seg = m_session.derive().segments.at(static_cast<std::size_t>(index));
    return record(segmentEdited(next(), now(), m_clinician, index, seg.start, seg.end, newStart, newEnd,
                                std::move(reason)));
  }
  // Appends the clock_jump event if the session detects one now; true when it did.
  bool noticeClock() {
    auto jump = m_session.detectClockJump(now());
    if (!jump) return false;
    EXPECT_TRUE(m_session.apply(*jump).ok());
    return true;
  }

  SessionSummary summary() const { return m_session.derive(now()); }

 private:
  FakeClock& m_clock;
  std::string m_clinician;
  Session m_session;
};

// Total time of one code and mode in a summary (zero if absent).
inline std::chrono::milliseconds timeOf(const SessionSummary& s, std::string_view code,
                                        ActivityMode mode = ActivityMode::one_on_one) {
  for (const CodeTime& c : s.codes) {
    if (c.code == code && c.mode == mode) return c.total();
  }
  return {};
}

}  // namespace unitclock::core::testing
