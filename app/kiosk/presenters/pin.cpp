// The PIN pad: logging in, and signing or voiding with the logged-in clinician's PIN.
#include <algorithm>
#include <cstdio>

#include "format.h"
#include "presenters.h"

namespace unitclock::app {

namespace {

constexpr const char* kPinLockPrefix = "pin_lock.";

// Persisted lock-out state of one clinician: "failures;lockedUntilMs".
struct PinLock {
  int failures = 0;
  long long lockedUntilMs = 0;
};

PinLock parsePinLock(const std::string& text) {
  PinLock l;
  std::sscanf(text.c_str(), "%d;%lld", &l.failures, &l.lockedUntilMs);
  return l;
}

}  // namespace

void PinPresenter::begin(PinRequest request) {
  m_request = std::move(request);
  m_pin.clear();
}

PinView PinPresenter::build() const {
  PinView v;
  v.title = m_request.purpose == PinPurpose::kSign   ? "Sign with your PIN"
            : m_request.purpose == PinPurpose::kVoid ? "Void with your PIN"
                                                     : "Enter PIN";
  const auto* c = m_ctx.findClinician(m_request.clinicianId);
  v.subtitle = c != nullptr ? c->displayName + " · " + roleLabel(c->role) : "";
  if (m_request.purpose != PinPurpose::kLogin) {
    if (const auto* s = m_ctx.current()) v.subtitle += " · session for " + s->header().patient.initials;
  }
  v.enteredDigits = static_cast<int>(m_pin.size());
  v.error = m_ctx.error;
  v.canSubmit = m_pin.size() >= 4;
  return v;
}

void PinPresenter::apply(const Intent& intent) {
  std::visit(Overloaded{
                 [&](const intent::KeyText& i) { typeInto(Field::kPin, m_pin, i.text); },
                 [&](const intent::PinDigit& i) { typeInto(Field::kPin, m_pin, i.digit); },
                 [&](const intent::KeyDelete&) { deleteFrom(Field::kPin, m_pin); },
                 [&](const intent::PinDelete&) { deleteFrom(Field::kPin, m_pin); },
                 [&](const intent::PinSubmit&) { submit(); },
                 [&](const intent::Back&) {
                   m_pin.clear();
                   if (m_request.purpose == PinPurpose::kSign)
                     m_nav.go(Screen::kReview);
                   else if (m_request.purpose == PinPurpose::kVoid)
                     m_nav.backToVoidPanel(m_request.reason);
                   else
                     m_nav.lock("");
                 },
                 [](const auto&) {},
             },
             intent);
}

void PinPresenter::submit() {
  const auto* c = m_ctx.findClinician(m_request.clinicianId);
  if (c == nullptr) {
    m_ctx.error = "Unknown clinician.";
    return;
  }
  const auto now = m_ctx.clock.wallNow();
  const long long nowMs = now.time_since_epoch().count();
  const std::string key = kPinLockPrefix + c->id;
  PinLock l = parsePinLock(settingOr(m_ctx.store, key, ""));
  if (l.lockedUntilMs > nowMs) {
    m_pin.clear();
    m_ctx.error = "Too many wrong PINs. Try again in " +
                  std::to_string((l.lockedUntilMs - nowMs + 59999) / 60000) +
                  " min, or ask an administrator.";
    return;
  }
  const bool ok = platform::verifyPin(m_pin, c->pinHash);
  m_pin.clear();
  const int maxFailures = m_ctx.options.maxPinFailures;
  if (!ok) {
    ++l.failures;
    std::string text = "Wrong PIN.";
    if (l.failures % maxFailures == 0) {
      // Each lock-out doubles: 1, 2, 4, ... minutes, up to maxLockout.
      const int round = l.failures / maxFailures;
      auto delay = m_ctx.options.firstLockout * (1LL << std::min(round - 1, 12));
      delay = std::min<std::chrono::minutes>(delay, m_ctx.options.maxLockout);
      l.lockedUntilMs = nowMs + std::chrono::duration_cast<std::chrono::milliseconds>(delay).count();
      text = "Too many wrong PINs. " + c->displayName + " is locked out for " +
             std::to_string(delay.count()) + " min.";
    } else {
      text += " " + std::to_string(maxFailures - l.failures % maxFailures) + " tries left before a lock-out.";
    }
    (void)m_ctx.store.setSetting(key, std::to_string(l.failures) + ";" + std::to_string(l.lockedUntilMs),
                                 c->id, now);
    (void)m_ctx.store.appendAudit({0, now, c->id, "login_failed", "", "wrong PIN", {}});
    m_ctx.error = text;
    return;
  }
  if (l.failures != 0 || l.lockedUntilMs != 0) (void)m_ctx.store.setSetting(key, "0;0", c->id, now);
  if (m_request.purpose == PinPurpose::kSign || m_request.purpose == PinPurpose::kVoid) {
    finishSignOrVoid(*c);
    return;
  }
  m_ctx.clinicianId = c->id;
  (void)m_ctx.store.appendAudit({0, now, c->id, "login", "", "", {}});
  m_ctx.lastInput = m_ctx.clock.monotonicNow();
  m_ctx.message.clear();
  const std::string after = m_request.afterLogin;
  m_request.afterLogin.clear();
  if (!after.empty() && m_ctx.sessions.count(after) != 0) {
    m_ctx.sessionId = after;
    m_nav.go(m_ctx.current()->status() == core::SessionStatus::open ? Screen::kSession : Screen::kReview);
  } else {
    m_nav.go(Screen::kHome);
  }
}

void PinPresenter::finishSignOrVoid(const platform::Clinician& c) {
  m_ctx.refreshFromStore();  // the sync worker may have marked it synced meanwhile: the next sequence must
                             // match
  auto* s = m_ctx.current();
  if (s == nullptr) return;
  const bool voiding = m_request.purpose == PinPurpose::kVoid;
  const auto now = m_ctx.clock.now();
  const auto event = voiding
                         ? core::withReason(core::EventType::session_voided, 0, now, c.id, m_request.reason)
                         : core::makeEvent(core::EventType::session_signed, 0, now, c.id);
  auto r = m_ctx.record(*s, event);
  if (!r) {
    if (voiding)
      m_nav.backToVoidPanel(m_request.reason);
    else
      m_nav.go(Screen::kReview);
    m_ctx.error = r.error();
    return;
  }
  m_nav.go(Screen::kHome);
  m_ctx.message.clear();
  m_ctx.lastSigned = s->header().id;
  if (m_ctx.options.sync != nullptr) m_ctx.options.sync->nudge();
}

}  // namespace unitclock::app
