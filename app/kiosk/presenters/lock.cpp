// The lock screen: clinic, time, open sessions' cards and the clinicians who can unlock.
#include <cstdio>

#include "format.h"
#include "presenters.h"

namespace unitclock::app {

namespace {

// Persisted lock-out state of one clinician: "failures;lockedUntilMs".
long long lockedUntilMs(const std::string& text) {
  int failures = 0;
  long long until = 0;
  std::sscanf(text.c_str(), "%d;%lld", &failures, &until);
  return until;
}

}  // namespace

LockView LockPresenter::build() const {
  LockView v;
  const auto now = m_ctx.clock.wallNow();
  v.clinic = m_ctx.settings.clinicName;
  v.room = m_ctx.settings.room;
  v.time = timeOfDay(now, m_ctx.zone, false);
  v.date = dateText(now, m_ctx.zone);
  for (const auto& [id, s] : m_ctx.sessions)
    if (s.status() == core::SessionStatus::open) v.cards.push_back(m_ctx.cardFor(s));
  const long long nowMs = now.time_since_epoch().count();
  for (const auto& c : m_ctx.roster) {
    ClinicianTileView t{c.id, c.displayName, roleLabel(c.role), {}, false};
    const long long until = lockedUntilMs(settingOr(m_ctx.store, "pin_lock." + c.id, ""));
    if (until > nowMs) {
      t.lockedOut = true;
      t.note = "Locked for " + std::to_string((until - nowMs + 59999) / 60000) + " min";
    }
    v.clinicians.push_back(std::move(t));
  }
  v.message = m_ctx.message;
  if (m_ctx.options.sync != nullptr) v.sync = m_ctx.options.sync->statusLine();
  return v;
}

void LockPresenter::apply(const Intent& intent) {
  std::visit(
      Overloaded{
          [&](const intent::ChooseClinician& i) {
            m_nav.askPin({PinPurpose::kLogin, i.clinicianId, {}, {}});
          },
          [&](const intent::OpenCard& i) {
            if (const auto* target = m_ctx.session(i.sessionId))
              m_nav.askPin({PinPurpose::kLogin, target->header().renderingClinicianId, i.sessionId, {}});
          },
          [](const auto&) {},
      },
      intent);
}

}  // namespace unitclock::app
