// Home: the logged-in clinician's sessions of today and what became of the one signed last.
#include <algorithm>

#include <unitclock/platform/time_zone.h>

#include "format.h"
#include "presenters.h"

namespace unitclock::app {

using core::SessionStatus;

HomeView HomePresenter::build() const {
  HomeView v;
  const auto* me = m_ctx.me();
  v.clinician = me != nullptr ? me->displayName : "";
  v.role = me != nullptr ? roleLabel(me->role) : "";
  v.canSupervise = me != nullptr && isSupervisor(me->role);
  v.canAdminister = me != nullptr && isAdmin(me->role);
  const auto now = m_ctx.clock.now();
  const auto dayStart = startOfLocalDay(now.wall, m_ctx.zone);
  for (const auto& [id, s] : m_ctx.book.sessions()) {
    const auto figures = m_ctx.figuresFor(s);
    const auto& sum = figures.summary;
    const bool mine =
        std::find(sum.clinicians.begin(), sum.clinicians.end(), m_ctx.clinicianId) != sum.clinicians.end();
    if (!mine && s.header().renderingClinicianId != m_ctx.clinicianId) continue;
    if (s.status() != SessionStatus::open && s.status() != SessionStatus::ended &&
        (sum.segments.empty() ? true : sum.segments.front().start < dayStart))
      continue;
    SessionRowView r;
    r.sessionId = id;
    r.initials = s.header().patient.initials;
    r.status = m_ctx.statusFor(s, sum.running.has_value());
    r.minutes = figures.timedText();
    if (r.status == "Rejected by the server") {
      if (const auto up = m_ctx.latestUpload(id))
        v.notices.push_back(r.initials + ": rejected by the server – " + up->lastError +
                            ". Open it and tap Correct to fix it.");
    }
    r.units = figures.unitsText();
    v.sessions.push_back(std::move(r));
  }
  v.message = m_ctx.message.empty() ? m_ctx.afterSignMessage() : m_ctx.message;
  v.sync = m_ctx.syncLine();
  return v;
}

void HomePresenter::apply(const Intent& intent) {
  std::visit(Overloaded{
                 [&](const intent::NewSession&) {
                   m_ctx.message.clear();
                   m_nav.go(Screen::kNewSession);
                 },
                 [&](const intent::OpenSession& i) {
                   m_ctx.refreshFromStore();
                   if (const auto* target = m_ctx.session(i.sessionId)) {
                     m_ctx.sessionId = i.sessionId;
                     m_ctx.message.clear();
                     m_nav.go(target->status() == SessionStatus::open ? Screen::kSession : Screen::kReview);
                   }
                 },
                 [&](const intent::GoSupervisor&) {
                   m_nav.go(Screen::kSupervisor);
                   if (m_ctx.options.sync != nullptr) {
                     if (auto date = platform::localDate(m_ctx.clock.wallNow(), m_ctx.zone))
                       m_ctx.options.sync->requestDaySummary(platform::formatIsoDate(date.value()));
                   }
                 },
                 [&](const intent::GoSettings&) {
                   m_ctx.message.clear();
                   m_nav.go(Screen::kSettings);
                 },
                 [](const auto&) {},
             },
             intent);
}

}  // namespace unitclock::app
