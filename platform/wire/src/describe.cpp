// A session described from its header and event log: what the device uploads and what the server derives
// again to check it (session_upload.h).
#include <unitclock/core/day.h>
#include <unitclock/core/engine.h>
#include <unitclock/platform/wire/session_upload.h>
#include <cstdio>
#include <set>

namespace unitclock::wire {

DayOf utcDays() {
  return [](core::WallTime t) -> std::optional<LocalDay> {
    auto day = std::chrono::floor<std::chrono::days>(t);
    std::chrono::year_month_day ymd{day};
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                  static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
    return LocalDay{buf, core::WallTime{day}, core::WallTime{day + std::chrono::days{1}}};
  };
}

const core::PayerProfile* BillingRules::findPayer(std::string_view name) const {
  for (const auto& p : payers)
    if (p.name == name) return &p;
  return nullptr;
}

core::Result<core::UnitsResult, std::string> dayUnits(const std::vector<const core::Session*>& sessions,
                                                      const LocalDay& day, const core::PayerProfile& payer,
                                                      const core::Catalog& catalog) {
  auto input = core::patientDayInput(sessions, std::chrono::floor<std::chrono::seconds>(day.start),
                                     std::chrono::floor<std::chrono::seconds>(day.end), catalog);
  if (!input) return core::fail(input.error());
  auto units = core::computeUnits(input.value(), payer, catalog);
  if (!units) return core::fail(units.error().message);
  return std::move(units).value();
}

core::Result<SessionUpload, std::string> describeSession(const core::SessionHeader& header,
                                                         const std::vector<core::Event>& events,
                                                         const DayOf& dayOf, const BillingRules& rules,
                                                         std::string* billingError) {
  if (billingError != nullptr) billingError->clear();
  if (events.empty()) return core::fail("session " + header.id + " has no events");
  auto session = core::Session::restore(header, events);
  if (!session) return core::fail("session " + header.id + ": " + session.error().message);
  const core::SessionSummary summary = session->derive();
  auto opened = dayOf(events.front().wall);
  if (!opened) return core::fail("session " + header.id + ": the clinic's calendar day is unknown");

  SessionUpload u;
  u.id = header.id;
  u.revision = summary.revision;
  for (const auto& e : events)
    if (e.type == core::EventType::session_reopened) u.reason = e.reason;
  if (u.revision == 1) u.reason.clear();
  u.rulesVersion = std::string(core::kRulesVersion);
  u.status = summary.status == core::SessionStatus::synced ? core::SessionStatus::signed_ : summary.status;
  u.serviceDate = opened->date;
  u.patient = header.patient;
  u.payer = header.payerProfile;
  u.discipline = header.discipline;
  u.placeOfService = header.placeOfService;
  u.telehealth = header.telehealth;
  u.diagnoses = summary.diagnoses;
  u.renderingClinician = header.renderingClinicianId;
  u.clinicians = summary.clinicians;
  u.startedAt = events.front().wall;
  u.endedAt = events.back().wall;
  u.events = events;

  // Who tapped the event at `sequence` (the rendering clinician for events the device recorded itself).
  auto tappedBy = [&](std::int64_t sequence) {
    if (sequence >= 1 && static_cast<std::size_t>(sequence) <= events.size()) {
      const auto& who = events[static_cast<std::size_t>(sequence - 1)].clinicianId;
      if (!who.empty()) return who;
    }
    return header.renderingClinicianId;
  };

  // Segments, cut at the clinic's local midnight; each names who tapped its start.
  std::vector<LocalDay> days;
  std::set<std::string> seen;
  auto noteDay = [&](const LocalDay& d) {
    if (seen.insert(d.date).second) days.push_back(d);
  };
  noteDay(*opened);
  const auto tooLong =
      core::fail("session " + header.id + " spans more than " + std::to_string(Limits::kMaxSessionDays) +
                 " days or " + std::to_string(Limits::kMaxSegments) + " segments");
  const core::WallTime latest = events.front().wall + std::chrono::days{Limits::kMaxSessionDays};
  for (const auto& seg : summary.segments) {
    if (seg.end > latest || seg.start > latest || u.segments.size() >= Limits::kMaxSegments) return tooLong;
    core::WallTime from = seg.start;
    while (from < seg.end) {
      if (u.segments.size() >= Limits::kMaxSegments) return tooLong;
      auto day = dayOf(from);
      if (!day) return core::fail("session " + header.id + ": the clinic's calendar day is unknown");
      noteDay(*day);
      const core::WallTime to = std::min(seg.end, day->end);
      u.segments.push_back(
          {seg.code, seg.performer, tappedBy(seg.startSequence), seg.mode, from, to, day->date});
      if (to <= from) break;
      from = to;
    }
  }
  for (const auto& entry : summary.untimed) {
    if (entry.at > latest) return tooLong;
    auto day = dayOf(entry.at);
    if (!day) return core::fail("session " + header.id + ": the clinic's calendar day is unknown");
    noteDay(*day);
    u.untimed.push_back(
        {entry.code, entry.minutes, entry.assistantMinutes, tappedBy(entry.sequence), day->date});
  }

  // The charge lines, per day, as the review screen showed them. A payer the rules do not know bills
  // nothing here; the server flags it.
  if (const auto* payer = rules.findPayer(header.payerProfile);
      payer != nullptr && u.status != core::SessionStatus::voided) {
    const std::vector<const core::Session*> one{&session.value()};
    for (const auto& d : days) {
      auto units = dayUnits(one, d, *payer, rules.catalog);
      if (!units) {  // the device shows it; the server refuses to store what it cannot bill
        if (billingError != nullptr && billingError->empty()) *billingError = d.date + ": " + units.error();
        continue;
      }
      for (const auto& l : units->lines) u.lines.push_back({l.code, l.units, l.modifiers, d.date});
    }
  }
  return u;
}

}  // namespace unitclock::wire
