// Supervisor: today on this device per clinician, problems, and the clinic-wide day from the server.
#include <cstdio>
#include <map>

#include <unitclock/core/productivity.h>

#include "format.h"
#include "presenters.h"

namespace unitclock::app {

namespace {

std::string perHour(double unitsPerHour) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", unitsPerHour);
  return buf;
}

}  // namespace

SupervisorView SupervisorPresenter::build() const {
  SupervisorView v;
  const auto now = m_ctx.clock.now();
  v.day = dateText(now.wall, m_ctx.zone);
  struct Agg {
    int sessions = 0;
    long long timed = 0, treatment = 0;
    int units = 0, timedUnits = 0, flags = 0;
    std::vector<std::pair<core::WallTime, core::WallTime>> onTheClock;
  };
  std::map<std::string, Agg> byClinician;
  for (const core::Session* s : m_ctx.book.today()) {
    const auto& header = s->header();
    const auto figures = m_ctx.figuresFor(*s);
    const auto& sum = figures.summary;
    auto& a = byClinician[s->header().renderingClinicianId];
    ++a.sessions;
    a.timed += figures.timed.count();
    a.treatment += figures.treatment.count();
    a.units += figures.totalUnits;
    if (figures.units) {
      for (const auto& code : figures.units->codes)
        if (code.timed) a.timedUnits += code.units;
      a.flags += static_cast<int>(figures.units->warnings.size());
    }
    for (const auto& seg : sum.segments) a.onTheClock.emplace_back(seg.start, seg.end);
    a.flags += static_cast<int>(sum.flags.size());
    SessionRowView r;
    r.sessionId = header.id;
    r.initials = header.patient.initials + " · " + m_ctx.clinicianName(header.renderingClinicianId);
    r.status = m_ctx.statusFor(*s, sum.running.has_value());
    r.minutes = figures.timedText();
    r.units = figures.units ? figures.unitsText() : "–";
    if (const auto* up = m_ctx.latestUpload(header.id); up && up->state == platform::OutboxState::rejected) {
      r.status = "Rejected by the server";
      v.problems.push_back(r.initials + ": rejected by the server – " + up->lastError);
    }
    if (s->status() == core::SessionStatus::ended)
      v.problems.push_back(r.initials + ": ended, not signed yet");
    v.sessions.push_back(std::move(r));
  }
  for (const auto& [id, a] : byClinician) {
    ClinicianDayView c;
    c.clinician = m_ctx.clinicianName(id);
    c.sessions = std::to_string(a.sessions);
    c.minutes = std::to_string(a.timed) + " / " + std::to_string(a.treatment);
    c.units = std::to_string(a.units);
    c.unitsPerHour = perHour(core::unitsPerHour(a.timedUnits, core::clockTime(a.onTheClock)));
    c.flags = a.flags == 0 ? "none" : std::to_string(a.flags);
    v.clinicians.push_back(std::move(c));
  }
  v.sync = m_ctx.syncLine();
  if (m_ctx.options.sync != nullptr) {
    if (const auto* day = m_ctx.options.sync->daySummary()) {
      v.clinicWideTitle = "Clinic-wide (server) · " + std::to_string(day->sessions) + " sessions · " +
                          unitsText(day->totalUnits);
      for (const auto& c : day->clinicians) {
        v.clinicWide.push_back({c.name.empty() ? c.id : c.name, std::to_string(c.sessions),
                                std::to_string(c.timedMinutes) + " / " + std::to_string(c.treatmentMinutes),
                                std::to_string(c.units), perHour(c.unitsPerHour),
                                c.flags.empty() ? "none" : std::to_string(c.flags.size())});
      }
      for (const auto& r : day->rejected) v.problems.push_back("Server: rejected – " + r.message);
      if (!day->unsignedSessions.empty())
        v.problems.push_back("Server: " + std::to_string(day->unsignedSessions.size()) +
                             " unsigned session(s) clinic-wide");
    }
  }
  return v;
}

void SupervisorPresenter::apply(const Intent& intent) {
  if (const auto* show = std::get_if<intent::ShowEvents>(&intent)) m_nav.showEvents(show->sessionId);
}

}  // namespace unitclock::app
