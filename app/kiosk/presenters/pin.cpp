// The PIN pad: logging in, and signing or voiding with the logged-in clinician's PIN.
#include <algorithm>
#include <cstdio>

#include "format.h"
#include "presenters.h"

namespace unitclock::app {

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
                   else if (!m_ctx.lockedClinician.empty() && m_ctx.current() != nullptr)
                     m_nav.go(Screen::kSession);  // Unlock on a locked session: back to it, still locked
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
  const auto outcome = m_ctx.pins.check(*c, m_pin, now);
  m_pin.clear();
  m_ctx.error = outcome.message;  // why not; or, accepted, a storage problem to know about
  if (!outcome.accepted) return;
  if (m_request.purpose == PinPurpose::kSign || m_request.purpose == PinPurpose::kVoid) {
    finishSignOrVoid(*c);
    return;
  }
  m_ctx.clinicianId = c->id;
  if (auto audited = m_ctx.store.appendAudit({0, now, c->id, "login", "", "", {}}); !audited)
    m_ctx.error =
        "Logged in, but the login could not be written to the audit log: " + audited.error().message;
  m_ctx.lastInput = m_ctx.clock.monotonicNow();
  m_ctx.message.clear();
  const std::string after = m_request.afterLogin;
  m_request.afterLogin.clear();
  if (!after.empty() && m_ctx.session(after) != nullptr) {
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
