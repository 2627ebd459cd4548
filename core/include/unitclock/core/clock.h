// The clocks the session model is fed from. Core never reads a clock itself (STYLE.md rule 1): callers
// take a reading from a Clock and pass it in. Platform supplies the real one (system wall clock +
// steady clock); tests and script mode use FakeClock.
#pragma once

#include <chrono>
#include <string>
#include <utility>

#include <unitclock/core/events.h>

namespace unitclock::core {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual WallTime wallNow() const = 0;
  virtual std::chrono::nanoseconds monotonicNow() const = 0;
  // Names this run of the monotonic clock (e.g. a UUID made at process start): readings with
  // different run ids are never compared.
  virtual std::string runId() const = 0;

  Instant now() const { return Instant{wallNow(), runId(), monotonicNow()}; }
};

// A clock that moves only when told to. advance() moves both clocks together (normal time passing);
// jumpWall() moves only the wall clock (someone changed the device's time); restart() starts a new
// run, as a process restart does: the monotonic reading starts from an arbitrary new origin.
class FakeClock final : public Clock {
 public:
  explicit FakeClock(WallTime start, std::string runId = "run-1",
                     std::chrono::nanoseconds monotonicOrigin = std::chrono::seconds{1000})
      : m_wall(start), m_runId(std::move(runId)), m_monotonic(monotonicOrigin) {}

  WallTime wallNow() const override { return m_wall; }
  std::chrono::nanoseconds monotonicNow() const override { return m_monotonic; }
  std::string runId() const override { return m_runId; }

  void advance(std::chrono::milliseconds by) {
    m_wall += by;
    m_monotonic += by;
  }
  void jumpWall(std::chrono::milliseconds by) { m_wall += by; }
  void setWall(WallTime to) { m_wall = to; }
  void restart(std::string newRunId, std::chrono::nanoseconds monotonicOrigin = std::chrono::seconds{5}) {
    m_runId = std::move(newRunId);
    m_monotonic = monotonicOrigin;
  }

 private:
  WallTime m_wall;
  std::string m_runId;
  std::chrono::nanoseconds m_monotonic;
};

}  // namespace unitclock::core
