#pragma once
// Session uploads for the server tests, recorded the way a kiosk records them: core events on a session,
// described and written by the device's own code (wire::describeSession, wire::toJson). Nothing here
// writes upload JSON by hand, so a test's body is always one a real device could send.
//
//   RecordedSession s{sessionId(1), "MRN1"};
//   s.segments = {{"97110", "09:00:00", "09:08:00"}, {"97530", "09:08:00", "09:16:00"}};
//   s.tiePreference = {"97530"};
//   auto body = upload(s);

#include <unitclock/core/events.h>
#include <unitclock/core/session.h>
#include <unitclock/platform/session_json.h>
#include <unitclock/platform/wire/session_upload.h>
#include <algorithm>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <vector>

namespace unitclock::server::testing {

// A session id with a readable counter: 00000000-0000-4000-8000-00000000000n.
inline std::string sessionId(int n, int prefix = 0) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%08x-0000-4000-8000-%012x", prefix, n);
  return buf;
}

struct SegmentSpec {
  std::string code;
  std::string start;  // "14:00:00" on the session's date (UTC), or a full "2026-11-27T00:10:00Z"
  std::string end;
  std::string clinician = "ot1";
  std::string mode = "one_on_one";
  std::string performer = "therapist";
};

struct UntimedSpec {
  std::string code;
  int minutes = 15;
  int assistantMinutes = 0;
  std::string at;  // when it was added ("" = at the end of the last segment)
  std::string clinician = "ot1";
};

// A segment's times corrected at review (segment_edited): the segment's index and its new times.
struct EditSpec {
  int segment = 0;
  std::string start;
  std::string end;
};

struct RecordedSession {
  std::string id;
  std::string mrn;
  std::vector<SegmentSpec> segments;
  std::string date = "2026-11-26";
  std::string payer = "medicare";
  std::string discipline = "ot";
  std::string rendering = "ot1";
  std::string initials = "JD";
  std::vector<std::string> diagnoses{"M25.511"};
  std::vector<UntimedSpec> untimed;
  std::vector<std::string> tiePreference;  // tie_preference_set at review
  std::string status = "signed";           // open | ended | signed | voided (a void after signing)
  int revision = 1;                        // > 1: reopened and signed again, revision − 1 times
  std::string correctionReason = "Corrected";
  std::vector<EditSpec> corrections;  // segment times edited in the last correction (revision > 1)
  std::string voidReason = "Wrong patient";
  bool syncedBeforeVoid = true;  // a void of an uploaded revision: session_synced comes first
  std::string clinicId = "north";
};

inline core::WallTime at(const RecordedSession& s, const std::string& t) {
  auto parsed = platform::parseWallTime(t.size() > 8 ? t : s.date + "T" + t + "Z");
  if (!parsed) throw std::invalid_argument("bad time in a test session: " + t);
  return *parsed;
}

inline core::SessionHeader headerOf(const RecordedSession& s) {
  core::SessionHeader h;
  h.id = s.id;
  h.clinicId = s.clinicId;
  h.deviceId = "tablet";
  h.patient = {s.mrn, s.initials};
  h.payerProfile = s.payer;
  h.discipline = core::parseDiscipline(s.discipline).value_or(core::Discipline::ot);
  h.diagnoses = s.diagnoses;
  h.renderingClinicianId = s.rendering;
  return h;
}

// The log a kiosk records for `s`: start, stop (or switch) at each segment's times, untimed services,
// end, review choices, sign; then corrections and a void as asked. Throws when core refuses an event, so
// a test can only describe sessions a kiosk could record.
inline std::vector<core::Event> eventsOf(const RecordedSession& s) {
  auto header = headerOf(s);
  std::vector<SegmentSpec> segs = s.segments;
  std::stable_sort(segs.begin(), segs.end(),
                   [&](const auto& a, const auto& b) { return at(s, a.start) < at(s, b.start); });
  const core::WallTime opened = segs.empty() ? at(s, "09:00:00") : at(s, segs.front().start);
  core::WallTime last = opened;
  auto instant = [&](core::WallTime t) {
    last = std::max(last, t);
    return core::Instant{t, "run-1", std::chrono::nanoseconds{(t - opened)} + std::chrono::hours{1}};
  };
  auto session = core::Session::create(header, instant(opened), s.rendering);
  if (!session) throw std::invalid_argument(session.error().message);
  auto add = [&](core::Event e) {
    if (auto ok = session->apply(e); !ok) throw std::invalid_argument("test session: " + ok.error().message);
  };
  std::optional<core::WallTime> running;
  for (const auto& seg : segs) {
    const auto start = at(s, seg.start);
    if (running && *running < start)
      add(core::makeEvent(core::EventType::activity_stopped, session->nextSequence(), instant(*running),
                          seg.clinician));
    add(core::activityStarted(session->nextSequence(), instant(start), seg.clinician, seg.code,
                              core::parsePerformer(seg.performer).value(),
                              core::parseActivityMode(seg.mode).value()));
    running = at(s, seg.end);
  }
  if (running)
    add(core::makeEvent(core::EventType::activity_stopped, session->nextSequence(), instant(*running),
                        s.rendering));
  for (const auto& u : s.untimed) {
    const auto when = u.at.empty() ? last : at(s, u.at);
    add(core::untimedAdded(session->nextSequence(), instant(when), u.clinician, u.code,
                           std::chrono::minutes{u.minutes}, std::chrono::minutes{u.assistantMinutes}));
  }
  if (s.status == "open") return session->events();
  add(core::makeEvent(core::EventType::session_ended, session->nextSequence(), instant(last), s.rendering));
  if (!s.tiePreference.empty())
    add(core::withCodes(core::EventType::tie_preference_set, session->nextSequence(), instant(last),
                        s.rendering, s.tiePreference));
  if (s.status == "ended") return session->events();
  add(core::makeEvent(core::EventType::session_signed, session->nextSequence(), instant(last), s.rendering));
  // Corrections come later in the day, after every corrected time.
  for (const auto& edit : s.corrections) last = std::max(last, at(s, edit.end));
  if (s.revision > 1) last += std::chrono::hours{1};
  for (int r = 1; r < s.revision; ++r) {
    add(core::withReason(core::EventType::session_reopened, session->nextSequence(), instant(last),
                         s.rendering, s.correctionReason));
    if (r + 1 == s.revision) {
      for (const auto& edit : s.corrections) {
        const auto seg = session->derive().segments.at(static_cast<std::size_t>(edit.segment));
        add(core::segmentEdited(session->nextSequence(), instant(last), s.rendering, edit.segment, seg.start,
                                seg.end, at(s, edit.start), at(s, edit.end), s.correctionReason));
      }
    }
    add(core::makeEvent(core::EventType::session_signed, session->nextSequence(), instant(last),
                        s.rendering));
  }
  if (s.status == "voided") {
    if (s.syncedBeforeVoid)
      add(core::makeEvent(core::EventType::session_synced, session->nextSequence(), instant(last), ""));
    add(core::withReason(core::EventType::session_voided, session->nextSequence(), instant(last), s.rendering,
                         s.voidReason));
  }
  return session->events();
}

// The upload a kiosk in a UTC clinic with the built-in rules sends for `s`.
inline nlohmann::json upload(const RecordedSession& s, const wire::BillingRules& rules = {}) {
  auto described = wire::describeSession(headerOf(s), eventsOf(s), wire::utcDays(), rules);
  if (!described) throw std::invalid_argument(described.error());
  return wire::toJson(described.value());
}

// A signed one-patient session of `segments` on `date`. `deviceUnits` > 0 replaces the device's lines with
// one line of that many units (a device that computed differently).
inline nlohmann::json upload(const std::string& id, const std::string& mrn,
                             const std::vector<SegmentSpec>& segments, const std::string& date = "2026-11-26",
                             int deviceUnits = -1) {
  RecordedSession s;
  s.id = id;
  s.mrn = mrn;
  s.segments = segments;
  s.date = date;
  auto j = upload(s);
  if (deviceUnits > 0 && !segments.empty()) {
    j["lines"] = nlohmann::json::array(
        {{{"code", segments.front().code}, {"units", deviceUnits}, {"modifiers", {"GO"}}, {"date", date}}});
  }
  return j;
}

}  // namespace unitclock::server::testing
