#include <nlohmann/json.hpp>

#include <unitclock/core/day.h>
#include <unitclock/core/engine.h>
#include <unitclock/core/payer.h>
#include <unitclock/platform/session_json.h>
#include <unitclock/platform/session_upload.h>
#include <set>

namespace unitclock::platform {

using nlohmann::json;

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

core::Result<std::string, std::string> buildSessionUpload(const core::SessionHeader& header,
                                                          const std::vector<core::Event>& events,
                                                          const DayOf& dayOf, const core::Catalog& catalog) {
  auto session = core::Session::restore(header, events);
  if (!session) return core::fail("session " + header.id + ": " + session.error().message);
  const core::SessionSummary summary = session->derive();
  if (events.empty()) return core::fail("session " + header.id + " has no events");
  auto opened = dayOf(events.front().wall);
  if (!opened) return core::fail("session " + header.id + ": the clinic's calendar day is unknown");

  json j;
  j["id"] = header.id;
  j["revision"] = summary.revision;
  std::string reason;
  for (const auto& e : events)
    if (e.type == core::EventType::session_reopened) reason = e.reason;
  if (summary.revision > 1) j["reason"] = reason;
  j["rules_version"] = std::string(core::kRulesVersion);
  auto status = summary.status == core::SessionStatus::synced ? core::SessionStatus::signed_ : summary.status;
  j["status"] = std::string(core::toString(status));
  j["service_date"] = opened->date;
  j["patient"] = {{"mrn", header.patient.mrn}, {"initials", header.patient.initials}};
  j["payer"] = header.payerProfile;
  j["discipline"] = std::string(core::toString(header.discipline));
  j["place_of_service"] = header.placeOfService;
  j["telehealth"] = header.telehealth;
  j["diagnoses"] = summary.diagnoses;
  j["rendering_clinician"] = header.renderingClinicianId;
  j["clinicians"] = summary.clinicians;
  j["started_at"] = formatWallTime(events.front().wall);
  j["ended_at"] = formatWallTime(events.back().wall);
  json evs = json::array();
  for (const auto& e : events) evs.push_back(eventJson<json>(e));
  j["events"] = evs;

  // Segments, cut at the clinic's local midnight; each names who tapped its start.
  std::vector<LocalDay> days;
  std::set<std::string> seen;
  auto noteDay = [&](const LocalDay& d) {
    if (seen.insert(d.date).second) days.push_back(d);
  };
  noteDay(*opened);
  json segs = json::array();
  for (const auto& seg : summary.segments) {
    std::string clinician = header.renderingClinicianId;
    if (seg.startSequence >= 1 && static_cast<std::size_t>(seg.startSequence) <= events.size()) {
      const auto& who = events[static_cast<std::size_t>(seg.startSequence - 1)].clinicianId;
      if (!who.empty()) clinician = who;
    }
    core::WallTime from = seg.start;
    while (from < seg.end) {
      auto day = dayOf(from);
      if (!day) return core::fail("session " + header.id + ": the clinic's calendar day is unknown");
      noteDay(*day);
      core::WallTime to = std::min(seg.end, day->end);
      segs.push_back({{"code", seg.code},
                      {"performer", std::string(core::toString(seg.performer))},
                      {"clinician", clinician},
                      {"mode", std::string(core::toString(seg.mode))},
                      {"start", formatWallTime(from)},
                      {"end", formatWallTime(to)},
                      {"date", day->date}});
      if (to <= from) break;
      from = to;
    }
  }
  j["segments"] = segs;
  json untimed = json::array();
  for (const auto& u : summary.untimed) {
    auto day = dayOf(u.at);
    if (!day) return core::fail("session " + header.id + ": the clinic's calendar day is unknown");
    noteDay(*day);
    untimed.push_back({{"code", u.code}, {"minutes", u.minutes.count()}, {"date", day->date}});
  }
  j["untimed"] = untimed;

  // The device's lines, per day, as the review screen showed them.
  json lines = json::array();
  if (auto payer = core::builtinPayer(header.payerProfile); payer && status != core::SessionStatus::voided) {
    for (const auto& d : days) {
      auto input = core::dayInput(header, summary, std::chrono::floor<std::chrono::seconds>(d.start),
                                  std::chrono::floor<std::chrono::seconds>(d.end), catalog);
      auto units = core::computeUnits(input, *payer, catalog);
      if (!units) continue;  // the server recomputes and flags what it cannot bill
      for (const auto& l : units->lines) {
        lines.push_back({{"code", l.code}, {"units", l.units}, {"modifiers", l.modifiers}, {"date", d.date}});
      }
    }
  }
  j["lines"] = lines;
  return j.dump();
}

}  // namespace unitclock::platform
