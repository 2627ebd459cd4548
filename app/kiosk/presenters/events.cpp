// Events: every event of one session, for a supervisor.
#include "format.h"
#include "presenters.h"

namespace unitclock::app {

EventsView EventsPresenter::build() const {
  EventsView v;
  const core::Session* session = m_ctx.session(m_sessionId);  // supervisors open today's: in the book
  if (session == nullptr) {
    v.title = "Session not found";
    return v;
  }
  v.title = "Events · " + session->header().patient.initials;
  // What the supervisor should look at: the engine's warnings and the session's review flags.
  if (auto units = m_ctx.unitsFor(*session)) {
    for (const auto& w : units.value().warnings) v.flags.push_back(w.message);
  }
  for (const auto& f : session->derive(m_ctx.clock.now()).flags) v.flags.push_back(f.message);
  const auto& zone = m_ctx.zone;
  for (const auto& e : session->events()) {
    const bool removal = e.type == core::EventType::untimed_changed && e.minutes && e.minutes->count() == 0;
    std::string line = timeOfDay(e.wall, zone, true) + "  " +
                       (removal ? std::string("Removed untimed service") : eventLabel(e.type));
    // Segments are numbered from 1, as on Review ("Edit 2"), in the list as it stood at that event.
    if (core::isSegmentCorrection(e.type) && e.segmentIndex)
      line += " " + std::to_string(*e.segmentIndex + 1);
    if (e.type == core::EventType::segment_recoded) line += " to";
    if (e.type == core::EventType::segment_split && e.newStart)
      line += " at " + timeOfDay(*e.newStart, zone, false);
    if (!e.code.empty()) line += " " + e.code + " " + m_ctx.codeName(e.code);
    if (e.performer) line += e.performer == core::Performer::assistant ? " (assistant)" : " (therapist)";
    if (e.pauseReason) line += ": " + pauseLabel(*e.pauseReason);
    if (e.minutes && !removal) line += " " + std::to_string(e.minutes->count()) + " min";
    for (const auto& c : e.codes) line += " " + c;
    if (e.newStart && e.newEnd)
      line += " to " + timeOfDay(*e.newStart, zone, false) + "–" + timeOfDay(*e.newEnd, zone, false);
    if (!e.reason.empty()) line += " – " + e.reason;
    if (!e.clinicianId.empty()) line += " – " + m_ctx.clinicianName(e.clinicianId);
    v.events.push_back(std::move(line));
  }
  return v;
}

void EventsPresenter::apply(const Intent&) {
  // Only Back and Lock, which the router handles.
}

}  // namespace unitclock::app
