// The lock screen: clinic, time, open sessions' cards and the clinicians who can unlock.
#include <cstdio>

#include "format.h"
#include "presenters.h"

namespace unitclock::app {

LockView LockPresenter::build() const {
  LockView v;
  const auto now = m_ctx.clock.wallNow();
  v.clinic = m_ctx.settings.clinicName;
  v.room = m_ctx.settings.room;
  v.time = timeOfDay(now, m_ctx.zone, false);
  v.date = dateText(now, m_ctx.zone);
  for (const auto& [id, s] : m_ctx.book.sessions())
    if (s.status() == core::SessionStatus::open) v.cards.push_back(m_ctx.cardFor(s));
  for (const auto& c : m_ctx.roster) {
    ClinicianTileView t{c.id, c.displayName, roleLabel(c.role), {}, false};
    if (const auto minutes = m_ctx.pins.minutesLocked(c.id, now); minutes > 0) {
      t.lockedOut = true;
      t.note = "Locked for " + std::to_string(minutes) + " min";
    }
    v.clinicians.push_back(std::move(t));
  }
  v.message = m_ctx.message;
  v.sync = m_ctx.syncLine();
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
