#include "controller.h"

#include <set>

#include "access.h"
#include "journal.h"

namespace unitclock::app {

using namespace std::chrono_literals;
using core::SessionStatus;

Controller::Controller(platform::DeviceStore& store, const core::Clock& clock, ControllerOptions options)
    : m_ctx(store, clock, std::move(options)) {}

// [SECTION] Loading

core::Result<void, std::string> Controller::load() {
  m_ctx.loadSettings();
  m_ctx.reloadRoster();
  if (auto lockouts = m_ctx.pins.load(); !lockouts) m_ctx.error = lockouts.error();
  // Retention: synced sessions older than the retention period leave the device; unsynced ones never do.
  // A failed purge only delays it to the next start; it never stops the app.
  if (auto purged = m_ctx.store.purgeExpired(m_ctx.clock.wallNow()); !purged)
    journal("retention: synced sessions could not be removed (" + purged.error().message + "); next start");
  if (auto loaded = m_ctx.book.load(m_ctx.dayStart()); !loaded) return loaded;
  m_screen = m_ctx.roster.empty() ? Screen::kSetup : Screen::kLock;
  m_ctx.focus = m_screen == Screen::kSetup ? Field::kName : Field::kNone;
  return {};
}

// [SECTION] Navigation

Presenter& Controller::presenterOf(Screen screen) {
  switch (screen) {
    case Screen::kSetup:
      return m_setup;
    case Screen::kLock:
      return m_lock;
    case Screen::kPin:
      return m_pin;
    case Screen::kHome:
      return m_home;
    case Screen::kNewSession:
      return m_newSession;
    case Screen::kSession:
      return m_session;
    case Screen::kReview:
      return m_review;
    case Screen::kSupervisor:
      return m_supervisor;
    case Screen::kEvents:
      return m_events;
    case Screen::kSettings:
      return m_settings;
    case Screen::kAddClinician:
      return m_addClinician;
  }
  return m_lock;
}

void Controller::go(Screen screen) {
  if (!m_ctx.clinicianId.empty()) m_ctx.lockedClinician.clear();  // unlocked: taps are theirs again
  m_screen = screen;
  m_ctx.error.clear();
  m_ctx.focus = Field::kNone;
  presenterOf(screen).enter();
}

void Controller::lock(std::string message) {
  go(Screen::kLock);
  m_ctx.clinicianId.clear();
  m_ctx.lockedClinician.clear();
  m_pin.begin({});
  m_ctx.lastSigned.clear();
  m_ctx.message = std::move(message);
}

void Controller::autoLock(std::string message) {
  const auto* s = m_ctx.current();
  if (m_screen != Screen::kSession || s == nullptr || s->status() != SessionStatus::open ||
      !m_ctx.settings.lockedSessionTaps || m_ctx.clinicianId.empty()) {
    lock(std::move(message));
    return;
  }
  m_ctx.lockedClinician = m_ctx.clinicianId;
  m_ctx.clinicianId.clear();
  m_ctx.lastSigned.clear();
  m_ctx.error.clear();
  m_ctx.message = std::move(message);
  m_session.closePanels();
}

void Controller::askPin(PinRequest request) {
  m_pin.begin(std::move(request));
  go(Screen::kPin);
}

void Controller::backToVoidPanel(std::string reason) {
  go(Screen::kReview);
  m_review.openVoidPanel(std::move(reason));
}

void Controller::sessionStarted() {
  m_session.resetPerformer();
  go(Screen::kSession);
}

void Controller::showEvents(std::string sessionId) {
  m_events.show(std::move(sessionId));
  go(Screen::kEvents);
}

void Controller::back() {
  switch (m_screen) {
    case Screen::kPin:
      m_pin.apply(intent::Back{});
      break;
    case Screen::kReview: {
      const auto* s = m_ctx.current();
      go(s != nullptr && s->status() == SessionStatus::open ? Screen::kSession : Screen::kHome);
      break;
    }
    case Screen::kEvents:
      go(Screen::kSupervisor);
      break;
    case Screen::kAddClinician:
      go(Screen::kSettings);
      break;
    case Screen::kSettings:
      go(m_ctx.clinicianId.empty() ? Screen::kLock : Screen::kHome);
      break;
    default:
      go(Screen::kHome);
      break;
  }
}

// [SECTION] Intents

void Controller::applyAll(const Intents& intents) {
  for (const auto& i : intents) apply(i);
}

void Controller::apply(const Intent& intent) {
  // A running session's screen that auto-locked: its timers take one tap, attributed to the session's
  // clinician and audited as a tap on a locked screen; everything else waits for the PIN.
  if (!m_ctx.lockedClinician.empty() && m_screen == Screen::kSession) {
    if (!allowedOnLockedSession(intent)) {
      m_ctx.error = "The screen is locked. Tap Unlock and enter your PIN for that.";
      return;
    }
    if (std::holds_alternative<intent::Lock>(intent)) return lock("");
    if (std::holds_alternative<intent::Unlock>(intent)) {
      askPin({PinPurpose::kLogin, m_ctx.lockedClinician, m_ctx.sessionId, {}});
      return;
    }
    const auto* before = m_ctx.current();
    const std::size_t events = before != nullptr ? before->events().size() : 0;
    m_session.apply(intent);
    // Audited when it changed the session (a tap on the running tile again changes nothing).
    if (const auto* after = m_ctx.current(); after != nullptr && after->events().size() > events) {
      const auto audited = m_ctx.store.appendAudit({0,
                                                    m_ctx.clock.wallNow(),
                                                    m_ctx.lockedClinician,
                                                    "locked_screen_tap",
                                                    m_ctx.sessionId,
                                                    std::string(core::toString(after->events().back().type)),
                                                    {}});
      if (!audited)
        m_ctx.error = "Saved, but the audit log could not record the tap: " + audited.error().message;
    }
    return;
  }
  // Nothing that changes a session happens without a logged-in clinician (e.g. a tap that lands just as
  // the screen auto-locks); what each intent needs is in access.cpp.
  const auto* who = m_ctx.me();
  const Caller caller{!m_ctx.clinicianId.empty(), who != nullptr ? core::parseRole(who->role) : std::nullopt};
  if (const Access need = accessFor(intent); !permits(need, caller)) {
    if (need == Access::kAdministrator && caller.loggedIn) m_ctx.error = "Only an administrator can do that.";
    return;
  }
  if (std::holds_alternative<intent::Lock>(intent)) return lock("");
  if (std::holds_alternative<intent::Back>(intent)) return back();
  presenterOf(m_screen).apply(intent);
}

// [SECTION] Input and time

void Controller::noteInput() {
  m_ctx.lastInput = m_ctx.clock.monotonicNow();
}

void Controller::storeChanged() {
  m_ctx.refreshFromStore();
}

void Controller::tick() {
  if (auto* sync = m_ctx.options.sync) {
    const bool wasEnrolling = sync->enrolling();
    std::string enrollMessage;
    if (sync->poll(m_ctx.store, enrollMessage)) {
      m_ctx.reloadRoster();
      m_ctx.loadSettings();
    }
    if (wasEnrolling && !sync->enrolling()) m_settings.enrollFinished(enrollMessage);
  }
  // The sync worker marks uploads synced or rejected in the store: the book reads it again when it says
  // so, never per frame. A new day lets yesterday's finished sessions go.
  if (const auto* sync = m_ctx.options.sync; sync != nullptr && sync->storeChanges() != m_storeChanges) {
    m_storeChanges = sync->storeChanges();
    storeChanged();
  }
  m_ctx.book.startDay(m_ctx.dayStart());
  // A wall-clock jump while a session is open is recorded (and flagged for review) at once, not only
  // at the next tap; elapsed time keeps coming from the monotonic clock either way.
  const auto now = m_ctx.clock.now();
  for (auto& [id, session] : m_ctx.book.sessions()) {
    if (session.status() != SessionStatus::open) continue;
    if (auto jump = session.detectClockJump(now); jump && session.check(*jump)) {
      if (auto stored = m_ctx.store.appendEvent(id, *jump); !stored)
        m_ctx.error = "Could not save a jump of the wall clock: " + stored.error().message;
      else
        (void)session.apply(*jump);  // checked: cannot fail
    }
  }
  if (m_screen == Screen::kSetup || m_screen == Screen::kLock || !m_ctx.lockedClinician.empty()) return;
  const int minutes = m_ctx.settings.autoLockMinutes;
  if (m_ctx.clock.monotonicNow() - m_ctx.lastInput >= std::chrono::minutes(minutes))
    autoLock("Locked after " + std::to_string(minutes) + " min without a tap. Timers keep running.");
}

std::optional<std::chrono::milliseconds> Controller::nextChangeIn() const {
  // A few milliseconds past the boundary, so the frame lands after the change, not just before it.
  constexpr auto kSlack = 5ms;
  std::optional<std::chrono::milliseconds> next;
  auto consider = [&](std::chrono::milliseconds d) {
    if (!next || d < *next) next = d;
  };
  const auto untilNext = [](std::chrono::milliseconds elapsed, std::chrono::milliseconds period) {
    const auto into = elapsed % period;
    return period - (into < 0ms ? into + period : into);
  };
  if (m_screen != Screen::kSetup && m_screen != Screen::kLock && m_ctx.lockedClinician.empty()) {
    const auto idle =
        std::chrono::duration_cast<std::chrono::milliseconds>(m_ctx.clock.monotonicNow() - m_ctx.lastInput);
    consider(std::max(0ms, std::chrono::minutes(m_ctx.settings.autoLockMinutes) - idle) + kSlack);
  }
  // An enrollment in flight is checked five times a second until it finishes.
  if (m_ctx.options.sync != nullptr && m_ctx.options.sync->enrolling()) consider(200ms);
  const auto now = m_ctx.clock.now();
  if (m_screen == Screen::kSession) {
    if (const auto* s = m_ctx.current(); s != nullptr && s->status() == SessionStatus::open) {
      const auto sum = s->derive(now);
      const auto period =
          m_ctx.settings.showSeconds ? std::chrono::milliseconds(1s) : std::chrono::milliseconds(1min);
      if (sum.running)
        consider(untilNext(sum.running->elapsed, period) + kSlack);
      else if (sum.pausedFor && !sum.pauses.empty())
        consider(untilNext(sum.pauses.back().end - sum.pauses.back().start, period) + kSlack);
    }
  }
  if (m_screen == Screen::kLock || m_screen == Screen::kHome) {
    // The wall clock (HH:MM) and each open session's minutes.
    consider(untilNext(now.wall.time_since_epoch(), 1min) + kSlack);
    for (const auto& [id, s] : m_ctx.book.sessions()) {
      if (s.status() != SessionStatus::open) continue;
      const auto sum = s.derive(now);
      if (sum.running || sum.pausedFor) consider(untilNext(sum.treatmentTime, 1min) + kSlack);
    }
  }
  return next;
}

}  // namespace unitclock::app
