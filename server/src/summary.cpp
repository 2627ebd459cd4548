#include <unitclock/core/catalog.h>
#include <unitclock/core/day.h>
#include <unitclock/core/payer.h>
#include <unitclock/core/productivity.h>
#include <unitclock/platform/time_zone.h>
#include <unitclock/platform/wire/day_summary.h>
#include <unitclock/server/config.h>
#include <unitclock/server/ingest.h>
#include <unitclock/server/review.h>
#include <unitclock/server/secrets.h>
#include <unitclock/server/summary.h>
#include <algorithm>
#include <set>

namespace unitclock::server {
namespace {

using std::chrono::seconds;
using wire::SessionUpload;
using wire::WireTime;
constexpr std::chrono::milliseconds kOverlapTolerance{
    60000};  // a shared whole minute; device clocks may differ by seconds

bool isTimedCode(const core::Catalog& catalog, const std::string& code) {
  const auto* info = catalog.find(code);
  return info == nullptr || info->timed;  // unknown codes go to the engine as timed, which names them
}

std::string disciplineOf(const SessionUpload& s) {
  return std::string(core::toString(s.discipline));
}
std::string statusOf(const SessionUpload& s) {
  return std::string(core::toString(s.status));
}

// The session as its log says, or why the log cannot be replayed (a session stored before the server
// replayed logs). A voided session `asIfSigned` is its log without the void: what it would have billed.
core::Result<core::Session, std::string> replay(const std::string& clinicId, const SessionUpload& s,
                                                bool asIfSigned = false) {
  std::vector<core::Event> events = s.events;
  if (asIfSigned) {
    while (!events.empty() && (events.back().type == core::EventType::session_voided ||
                               events.back().type == core::EventType::session_synced)) {
      events.pop_back();
    }
  }
  if (events.empty()) return core::fail("session " + s.id + " has no event log");
  auto session = core::Session::restore(wire::headerOf(s, clinicId, "stored"), events);
  if (!session) return core::fail("session " + s.id + " cannot be replayed: " + session.error().message);
  return std::move(session).value();
}

struct OneOnOne {
  WireTime start, end;
  const SessionUpload* session;
};

// [SECTION] Holds. A patient-day whose units may be wrong (a clinician billing more time than the clock
// shows, or one-on-one with two patients at once) or could not be computed is held out of every export
// until a supervisor releases it (docs/sync-api.md, "Held charges").
void markHolds(DayReport& r, const std::vector<SessionUpload>& sessions) {
  std::map<std::string, const SessionUpload*> byId;
  for (const auto& s : sessions) byId[s.id] = &s;
  for (auto& p : r.patients) {
    std::set<std::string> furnishedBy;
    nlohmann::json content{{"payer", p.payer},
                           {"rendering", p.renderingClinician},
                           {"diagnoses", p.diagnoses},
                           {"sessions", nlohmann::json::array()}};
    for (const auto& id : p.signedSessions) {
      const SessionUpload* s = byId.at(id);
      content["sessions"].push_back({id, s->revision});
      for (const auto& seg : s->segments)
        if (seg.date == r.date) furnishedBy.insert(seg.clinician);
    }
    std::set<std::string> holds;
    for (const auto& f : p.flags)
      if (f.id == "engine-error") holds.insert(f.id);
    for (const auto& c : r.clinicians) {
      for (const auto& f : c.flags) {
        if (f.id == "units-exceed-time" && furnishedBy.count(c.id)) holds.insert(f.id);
        if (f.id != "one-on-one-overlap") continue;
        for (const auto& sid : f.sessions)
          if (std::find(p.signedSessions.begin(), p.signedSessions.end(), sid) != p.signedSessions.end())
            holds.insert(f.id);
      }
    }
    p.holdFlags.assign(holds.begin(), holds.end());
    nlohmann::json lines = nlohmann::json::array();
    if (p.recomputed)
      for (const auto& l : p.result.lines) lines.push_back({l.code, l.units, l.modifiers});
    content["lines"] = lines;
    content["holds"] = p.holdFlags;
    p.contentHash = sha256Hex(content.dump());
  }
}

// What each patient-day's voided sessions would have billed had they been signed: a billing system may
// hold those charges from an earlier export, and the FHIR export marks them entered-in-error.
void collectVoidedCharges(DayReport& r, const std::vector<SessionUpload>& sessions, const BillingRules& rules,
                          const wire::LocalDay& day) {
  std::map<std::pair<std::string, std::string>, std::vector<const SessionUpload*>> scopes;
  for (const auto& s : sessions)
    if (s.status == core::SessionStatus::voided) scopes[{s.patient.mrn, disciplineOf(s)}].push_back(&s);
  for (const auto& [key, list] : scopes) {
    const core::PayerProfile* payer = rules.findPayer(list.front()->payer);
    if (!payer) continue;
    std::vector<core::Session> replayed;
    VoidedCharge v{
        key.first, list.front()->patient.initials, key.second, list.front()->renderingClinician, {}, {}, {}};
    for (const auto* s : list) {
      auto session = replay(r.clinicId, *s, /*asIfSigned=*/true);
      if (!session) continue;
      replayed.push_back(std::move(session).value());
      v.sessions.push_back(s->id);
      for (const auto& d : s->diagnoses)
        if (std::find(v.diagnoses.begin(), v.diagnoses.end(), d) == v.diagnoses.end())
          v.diagnoses.push_back(d);
    }
    std::vector<const core::Session*> pointers;
    for (const auto& x : replayed) pointers.push_back(&x);
    if (pointers.empty()) continue;
    auto units = wire::dayUnits(pointers, day, *payer, rules.catalog);
    if (!units) continue;
    for (const auto& line : units.value().lines) {
      if (line.units <= 0) continue;
      v.line = line;
      r.voidedCharges.push_back(v);
    }
  }
}

}  // namespace

DayReport computeDay(const std::string& clinicId, const std::string& date,
                     const std::vector<SessionUpload>& sessions,
                     const std::map<std::string, std::string>& clinicianNames, const BillingRules& rules,
                     const std::string& timeZone) {
  const auto& catalog = rules.catalog;
  wire::LocalDay day{date, {}, {}};
  if (auto ymd = platform::parseIsoDate(date)) {
    if (auto range = platform::localDayRange(*ymd, timeZone)) {
      day.start = range->start;
      day.end = range->end;
    }
  }
  DayReport r;
  r.timeZone = timeZone;
  r.clinicId = clinicId;
  r.date = date;
  r.sessionCount = static_cast<int>(sessions.size());

  // [SECTION] Group by patient × discipline (the day is fixed).
  std::map<std::pair<std::string, std::string>, std::vector<const SessionUpload*>> scopes;
  for (const auto& s : sessions) {
    if (s.status == core::SessionStatus::voided) {
      r.voidedSessions.push_back({s.id, statusOf(s), s.revision, s.renderingClinician});
      continue;
    }
    if (s.status != core::SessionStatus::signed_) {
      r.unsignedSessions.push_back({s.id, statusOf(s), s.revision, s.renderingClinician});
      DayFlag f{"unsigned",           "session " + s.id + " is " + statusOf(s) + ", not signed",
                s.renderingClinician, s.patient.mrn,
                disciplineOf(s),      {s.id}};
      r.flags.push_back(f);
    }
    scopes[{s.patient.mrn, disciplineOf(s)}].push_back(&s);
  }

  std::map<std::string, ClinicianDay> clinicians;
  auto clinician = [&](const std::string& id) -> ClinicianDay& {
    auto& c = clinicians[id];
    if (c.id.empty()) {
      c.id = id;
      if (auto it = clinicianNames.find(id); it != clinicianNames.end()) c.name = it->second;
    }
    return c;
  };
  std::map<std::string, int> clinicianScopes;  // rounding allowance per clinician, see units-exceed-time

  // [SECTION] Recompute each patient's day with the engine.
  for (auto& [key, list] : scopes) {
    PatientDay p;
    p.mrn = key.first;
    p.discipline = key.second;
    const SessionUpload* first = nullptr;
    std::vector<core::Session> replayed;
    std::vector<std::string> replayErrors;
    std::map<std::string, std::map<std::string, std::chrono::milliseconds>> secondsByCodeAndClinician;
    replayed.reserve(list.size());
    for (const auto* s : list) {
      p.sessions.push_back(s->id);
      if (p.initials.empty()) p.initials = s->patient.initials;
      if (s->status != core::SessionStatus::signed_) continue;
      p.signedSessions.push_back(s->id);
      if (!first) {
        first = s;
        p.payer = s->payer;
        p.placeOfService = s->placeOfService;
        p.renderingClinician = s->renderingClinician;
      } else if (s->payer != first->payer) {
        p.flags.push_back({"payer-mismatch",
                           "sessions " + first->id + " and " + s->id + " name different payers",
                           s->renderingClinician,
                           p.mrn,
                           p.discipline,
                           {first->id, s->id}});
      }
      p.telehealth = p.telehealth || s->telehealth;
      for (const auto& d : s->diagnoses)
        if (std::find(p.diagnoses.begin(), p.diagnoses.end(), d) == p.diagnoses.end())
          p.diagnoses.push_back(d);
      for (const auto& line : s->lines)
        if (line.units > 0 && line.date == date) p.deviceLines[{line.code, line.modifiers}] += line.units;
      for (const auto& seg : s->segments)
        if (seg.date == date) secondsByCodeAndClinician[seg.code][seg.clinician] += seg.duration();
      if (auto session = replay(clinicId, *s)) {
        replayed.push_back(std::move(session).value());
      } else {
        replayErrors.push_back(session.error());
      }
    }
    if (first) {
      const core::PayerProfile* payer = rules.findPayer(first->payer);
      if (!payer) {
        p.flags.push_back({"payer-unknown", "payer profile '" + first->payer + "' is not known to the server",
                           first->renderingClinician, p.mrn, p.discipline, p.signedSessions});
      } else {
        std::vector<const core::Session*> pointers;
        for (const auto& x : replayed) pointers.push_back(&x);
        auto units = replayErrors.empty()
                         ? wire::dayUnits(pointers, day, *payer, catalog)
                         : core::Result<core::UnitsResult, std::string>(core::fail(replayErrors.front()));
        {
          if (!units) {
            p.flags.push_back({"engine-error", units.error(), first->renderingClinician, p.mrn, p.discipline,
                               p.signedSessions});
          } else {
            p.recomputed = true;
            p.result = std::move(units).value();
            for (const auto& line : p.result.lines)
              if (line.units > 0) p.serverLines[{line.code, line.modifiers}] += line.units;
            for (const auto& w : p.result.warnings) {
              p.flags.push_back(
                  {w.id, w.message, first->renderingClinician, p.mrn, p.discipline, p.signedSessions});
            }
            if (p.serverLines != p.deviceLines) {
              p.flags.push_back(
                  {"units-differ",
                   "the lines the device showed (codes, units, modifiers) differ from the server's "
                   "for this patient's day",
                   first->renderingClinician, p.mrn, p.discipline, p.signedSessions});
            }
            // Attribute each timed code's units to the clinician who furnished most of its time.
            std::set<std::string> credited;
            for (const auto& c : p.result.codes) {
              if (!c.timed || c.units == 0) continue;
              auto& who = secondsByCodeAndClinician[c.code];
              if (who.empty()) continue;
              auto best = std::max_element(who.begin(), who.end(),
                                           [](const auto& a, const auto& b) { return a.second < b.second; });
              clinician(best->first).units += c.units;
              if (payer->rule == core::UnitRule::ama || credited.insert(best->first).second) {
                ++clinicianScopes[best->first];
              }
            }
          }
        }
      }
    }
    r.patients.push_back(std::move(p));
  }

  // [SECTION] Per clinician: time, sessions, overlaps.
  std::map<std::string, std::vector<std::pair<WireTime, WireTime>>> intervals;
  std::map<std::string, std::vector<OneOnOne>> oneOnOne;
  for (const auto& s : sessions) {
    if (s.status == core::SessionStatus::voided) continue;
    ++clinician(s.renderingClinician).sessions;
    for (const auto& seg : s.segments) {
      if (seg.date != date) continue;
      r.timeline.push_back({seg.clinician, s.id, seg.code, s.patient.initials, seg.performer, seg.mode,
                            seg.start, seg.end, s.status == core::SessionStatus::signed_, s.revision});
      auto& c = clinician(seg.clinician);
      c.treatment += seg.duration();
      if (seg.mode != core::ActivityMode::group && isTimedCode(catalog, seg.code)) c.timed += seg.duration();
      intervals[seg.clinician].push_back({seg.start, seg.end});
      if (seg.mode == core::ActivityMode::one_on_one)
        oneOnOne[seg.clinician].push_back({seg.start, seg.end, &s});
    }
    for (const auto& u : s.untimed) {
      if (u.date != date) continue;
      clinician(u.clinician).treatment += std::chrono::duration_cast<seconds>(u.minutes);
      r.untimed.push_back({u.clinician, s.id, s.patient.initials, u.assistantMinutes.count() > 0,
                           s.status == core::SessionStatus::signed_, s.revision});
    }
  }
  for (auto& [id, iv] : intervals) clinician(id).clock = core::clockTime(std::move(iv));

  // One-on-one overlaps as a sweep over segments in order of start. Each session open at that moment is
  // kept once, with the latest end of its segments so far (`openEnd`), in a multimap ordered by that end
  // (`byEnd`), so sessions that end before the tolerance past this start leave in log time. The sessions
  // still open then overlap this segment by at least the tolerance. Each pair of sessions is reported
  // once, and at most kMaxOverlapFlags per clinician (the first ones in time): past that the supervisor
  // has enough to look at, and no upload can make the day's summary quadratic in its output.
  constexpr std::size_t kMaxOverlapFlags = 50;
  for (auto& [id, list] : oneOnOne) {
    std::sort(list.begin(), list.end(), [](const auto& a, const auto& b) { return a.start < b.start; });
    std::set<std::pair<std::string, std::string>> reported;
    std::multimap<WireTime, const SessionUpload*> byEnd;
    std::map<const SessionUpload*, std::multimap<WireTime, const SessionUpload*>::iterator> openEnd;
    std::size_t flagged = 0;
    for (const auto& b : list) {
      const auto expired = byEnd.upper_bound(b.start + kOverlapTolerance - std::chrono::milliseconds{1});
      for (auto it = byEnd.begin(); it != expired; ++it) openEnd.erase(it->second);
      byEnd.erase(byEnd.begin(), expired);
      if (b.end - b.start >= kOverlapTolerance && flagged < kMaxOverlapFlags) {
        for (const auto& [end, a] : byEnd) {
          if (a == b.session || a->patient.mrn == b.session->patient.mrn) continue;
          auto key = std::minmax(a->id, b.session->id);
          if (!reported.insert({key.first, key.second}).second) continue;
          DayFlag f{"one-on-one-overlap",
                    "clinician " + id + " was in one-on-one in sessions " + key.first + " and " + key.second +
                        " at the same time (" + wire::formatUtcTimestamp(b.start) + ")",
                    id,
                    "",
                    "",
                    {key.first, key.second}};
          clinician(id).flags.push_back(f);
          if (++flagged == kMaxOverlapFlags) break;
        }
      }
      if (auto it = openEnd.find(b.session); it == openEnd.end()) {
        openEnd.emplace(b.session, byEnd.emplace(b.end, b.session));
      } else if (it->second->first < b.end) {
        byEnd.erase(it->second);
        it->second = byEnd.emplace(b.end, b.session);
      }
    }
  }

  for (auto& [id, c] : clinicians) {
    // Every patient's day (CMS) or code (AMA) can round up by at most 7 minutes: with k of them,
    // honest clock time M allows at most floor((M + 7k) / 15) timed units.
    auto minutes = std::chrono::duration_cast<std::chrono::minutes>(c.clock).count();
    int k = clinicianScopes[id];
    long long allowed = (minutes + 7LL * k) / 15;
    if (c.units > allowed) {
      c.flags.push_back({"units-exceed-time",
                         "clinician " + id + " has " + std::to_string(c.units) + " timed units but " +
                             std::to_string(minutes) + " minutes on the clock allow at most " +
                             std::to_string(allowed),
                         id,
                         "",
                         "",
                         {}});
    }
    r.clinicians.push_back(c);
  }
  markHolds(r, sessions);
  collectVoidedCharges(r, sessions, rules, day);
  for (const auto& p : r.patients) r.flags.insert(r.flags.end(), p.flags.begin(), p.flags.end());
  for (const auto& c : r.clinicians) r.flags.insert(r.flags.end(), c.flags.begin(), c.flags.end());
  return r;
}

Result<BillingRules> loadBillingRules(StoreConnection& store, const std::string& clinicId) {
  // The documents read as devices read them from /config, and the rules derived as devices derive them.
  wire::DeviceConfig documents;
  if (auto loaded = loadClinicDocuments(store, clinicId, documents); !loaded) return fail(loaded.error());
  return wire::rulesOf(documents);
}

static Result<bool> loadReleases(StoreConnection& store, DayReport& r) {
  auto releases = store.dayReleases(r.clinicId, r.date);
  if (!releases) return fail(releases.error());
  for (const auto& row : releases.value()) {
    for (auto& p : r.patients) {
      if (p.mrn != row.patientMrn || p.discipline != row.discipline) continue;
      if (p.holdFlags.empty() || p.contentHash != row.contentHash) continue;
      auto flags = nlohmann::json::parse(row.flags, nullptr, false);
      ChargeRelease rel{row.id, row.releasedBy, row.releasedAt, row.reason, {}, ""};
      if (flags.is_array())
        for (const auto& f : flags)
          if (f.is_string()) rel.flags.push_back(f.get<std::string>());
      p.release = std::move(rel);  // the latest release of this content wins
    }
  }
  // Releases made in the web console (docs/console.md): a decision of kind "release" on "MRN|discipline".
  auto decisions = store.dayDecisions(r.clinicId, r.date);
  if (!decisions) return fail(decisions.error());
  for (const auto& d : decisions.value()) {
    if (d.kind != "release") continue;
    for (auto& p : r.patients) {
      if (d.subject != p.mrn + "|" + p.discipline) continue;
      if (p.holdFlags.empty() || p.contentHash != d.contentHash) continue;
      p.release = ChargeRelease{d.id, 0, d.decidedAt, d.reason, p.holdFlags, d.decidedBy};
    }
  }
  r.decisions = std::move(decisions).value();
  return true;
}

Result<DayReport> loadDay(StoreConnection& store, const std::string& clinicId, const std::string& date) {
  std::vector<SessionUpload> sessions;
  std::vector<DayFlag> unreadable;
  auto read = store.visitDaySessions(clinicId, date, [&](const std::string& id, const std::string& text) {
    auto facts = nlohmann::json::parse(text, nullptr, false);
    auto s = wire::parseSessionUpload(facts, id);
    if (!s) {  // one unreadable session (stored by an older version) must not hide the whole day
      unreadable.push_back({"stored-session-unreadable",
                            "stored session " + id + " cannot be read (" + s.error().field + " " +
                                s.error().message + "); it is not billed",
                            "",
                            "",
                            "",
                            {id}});
      return;
    }
    sessions.push_back(std::move(s).value());
  });
  if (!read) return fail(read.error());
  std::map<std::string, std::string> names;
  std::map<std::string, RosterEntry> roster;
  auto clinicians = store.listClinicians(clinicId);
  if (!clinicians) return fail(clinicians.error());
  for (const auto& c : clinicians.value()) {
    names[c.id] = c.name;
    roster[c.id] = {c.name, c.npi, c.familyName, c.givenName};
  }
  auto rules = loadBillingRules(store, clinicId);
  if (!rules) return fail(rules.error());
  DayReport r = computeDay(clinicId, date, sessions, names, rules.value(), clinicTimeZone(store, clinicId));
  r.roster = std::move(roster);
  r.flags.insert(r.flags.end(), unreadable.begin(), unreadable.end());
  // A US claim names the rendering clinician by NPI: a billed patient-day without one is flagged.
  for (auto& p : r.patients) {
    if (!p.recomputed || p.result.lines.empty()) continue;
    auto it = r.roster.find(p.renderingClinician);
    if (it != r.roster.end() && !it->second.npi.empty()) continue;
    DayFlag f{
        "npi-missing",        "rendering clinician " + p.renderingClinician + " has no NPI on the roster",
        p.renderingClinician, p.mrn,
        p.discipline,         p.signedSessions};
    p.flags.push_back(f);
    r.flags.push_back(f);
  }
  if (auto e = loadReleases(store, r); !e) return fail(e.error());
  auto rejections = store.dayRejections(clinicId, date);
  if (!rejections) return fail(rejections.error());
  for (const auto& row : rejections.value()) {
    RejectionRef ref{row.sessionId, row.status, row.field, row.message, row.receivedAt, row.deviceId};
    r.flags.push_back({"rejected",
                       "an upload of session " + ref.sessionId + " was refused (" +
                           std::to_string(ref.status) + "): " + ref.message,
                       "",
                       "",
                       "",
                       {ref.sessionId}});
    r.rejections.push_back(std::move(ref));
  }
  auto policy = loadReviewPolicy(store, clinicId);
  if (!policy) return fail(policy.error());
  r.policy = policy.value();
  applyReviewPolicy(r);
  return r;
}

namespace {

std::vector<std::string> flagIds(const std::vector<DayFlag>& flags) {
  std::vector<std::string> ids;
  for (const auto& f : flags) ids.push_back(f.id);
  return ids;
}

std::map<std::string, int> unitsByCode(const std::map<PatientDay::LineKey, int>& lines) {
  std::map<std::string, int> out;
  for (const auto& [key, units] : lines) out[key.first] += units;
  return out;
}

long long minutesOf(std::chrono::milliseconds s) {
  return std::chrono::duration_cast<std::chrono::minutes>(s).count();
}

core::Discipline disciplineNamed(const std::string& name) {
  return core::parseDiscipline(name).value_or(core::Discipline::ot);
}

wire::SummarySession sessionRef(const SessionRef& s) {
  return {s.id, core::parseSessionStatus(s.status).value_or(core::SessionStatus::open), s.revision,
          s.renderingClinician};
}

}  // namespace

wire::DaySummary toSummary(const DayReport& r) {
  wire::DaySummary d;
  d.clinic = r.clinicId;
  d.date = r.date;
  d.sessions = r.sessionCount;
  for (const auto& p : r.patients) {
    wire::SummaryPatient sp{p.mrn,
                            p.initials,
                            disciplineNamed(p.discipline),
                            p.payer,
                            p.renderingClinician,
                            p.sessions,
                            p.signedSessions,
                            p.diagnoses,
                            p.recomputed,
                            unitsByCode(p.deviceLines),
                            unitsByCode(p.serverLines),
                            flagIds(p.flags),
                            p.held(),
                            std::nullopt};
    if (p.recomputed) {
      wire::SummaryComputation c;
      c.rule = p.result.rule;
      c.totalUnits = p.result.totalUnits;
      c.totalTimedMinutes = p.result.totalTimed.count();
      c.totalTreatmentMinutes = p.result.totalTreatment.count();
      for (const auto& l : p.result.lines) c.lines.push_back({l.code, l.units, l.modifiers});
      c.zeroUnitCodes = p.result.zeroUnitCodes;
      for (const auto& w : p.result.warnings) c.warnings.push_back({w.id, w.message, w.code});
      d.totalUnits += c.totalUnits;
      d.totalTimedMinutes += c.totalTimedMinutes;
      d.totalTreatmentMinutes += c.totalTreatmentMinutes;
      sp.server = std::move(c);
    }
    d.patients.push_back(std::move(sp));
  }
  for (const auto& c : r.clinicians) {
    d.clinicians.push_back({c.id, c.name, c.sessions, minutesOf(c.timed), minutesOf(c.treatment),
                            minutesOf(c.clock), c.units, core::unitsPerHour(c.units, c.clock),
                            flagIds(c.flags)});
  }
  for (const auto& s : r.unsignedSessions) d.unsignedSessions.push_back(sessionRef(s));
  for (const auto& s : r.voidedSessions) d.voided.push_back(sessionRef(s));
  for (const auto& x : r.rejections)
    d.rejected.push_back({x.sessionId, x.status, x.field, x.message, x.receivedAt, x.deviceId});
  for (const auto& p : r.patients) {
    if (p.held()) {
      std::vector<std::string> why = p.release ? std::vector<std::string>{} : p.holdFlags;
      for (const auto& w : p.waitingFor) why.push_back("awaiting-" + w);
      d.held.push_back({p.mrn, disciplineNamed(p.discipline), why, p.signedSessions});
    } else if (p.release) {
      d.released.push_back(
          {p.release->id, p.mrn, disciplineNamed(p.discipline), p.release->flags, p.release->reason,
           p.release->releasedByUser.empty() ? "token-" + std::to_string(p.release->releasedBy)
                                             : "user-" + p.release->releasedByUser,
           p.release->releasedAt});
    }
  }
  for (const auto& f : r.flags)
    d.flags.push_back({f.id, f.message, f.clinician, f.patientMrn, f.discipline, f.sessions});
  return d;
}

nlohmann::json toJson(const DayReport& r) {
  return wire::toJson(toSummary(r));
}

}  // namespace unitclock::server
