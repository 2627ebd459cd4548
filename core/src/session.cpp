#include <unitclock/core/session.h>

#include <algorithm>
#include <array>
#include <utility>

#include <unitclock/core/uuid.h>

namespace unitclock::core {

using std::chrono::duration_cast;
using std::chrono::milliseconds;

// [SECTION] Names

namespace {

constexpr std::array<std::string_view, 5> kStatusNames{"open", "ended", "signed", "synced", "voided"};
constexpr std::array<std::string_view, 7> kErrcNames{"invalid_header", "invalid_event",  "out_of_order",
                                                     "not_allowed",    "missing_reason", "unknown_segment",
                                                     "overlap"};
static_assert(kStatusNames.size() == static_cast<std::size_t>(SessionStatus::voided) + 1);
static_assert(kErrcNames.size() == static_cast<std::size_t>(SessionErrc::kOverlap) + 1);

Failure<SessionError> error(SessionErrc errc, std::string message) {
  return fail(SessionError{errc, std::move(message)});
}

bool isUpper(char c) {
  return c >= 'A' && c <= 'Z';
}
bool isDigit(char c) {
  return c >= '0' && c <= '9';
}
bool isAlnumUpper(char c) {
  return isUpper(c) || isDigit(c);
}

bool isBlank(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) { return c == ' ' || c == '\t' || c == '\n'; });
}

// Events the device records by itself carry no clinician.
bool isDeviceEvent(EventType type) {
  return type == EventType::clock_jump || type == EventType::session_synced ||
         type == EventType::app_restarted;
}

constexpr auto kMaxUntimed = std::chrono::hours{24};  // the engine refuses more than 24 h on one item

}  // namespace

std::string_view toString(SessionStatus status) noexcept {
  return kStatusNames[static_cast<std::size_t>(status)];
}

std::optional<SessionStatus> parseSessionStatus(std::string_view text) noexcept {
  for (std::size_t i = 0; i < kStatusNames.size(); ++i) {
    if (kStatusNames[i] == text) return static_cast<SessionStatus>(i);
  }
  return std::nullopt;
}

std::optional<SessionStatus> statusAfter(EventType type) noexcept {
  switch (type) {
    case EventType::session_ended:
    case EventType::session_reopened:
      return SessionStatus::ended;
    case EventType::session_signed:
      return SessionStatus::signed_;
    case EventType::session_voided:
      return SessionStatus::voided;
    case EventType::session_synced:
      return SessionStatus::synced;
    default:
      return std::nullopt;
  }
}

bool beginsRevision(EventType type) noexcept {
  return type == EventType::session_reopened;
}

std::string_view toString(SessionErrc errc) noexcept {
  return kErrcNames[static_cast<std::size_t>(errc)];
}

// [SECTION] Header

bool isIcd10Shape(std::string_view code) noexcept {
  if (code.size() < 3 || !isUpper(code[0]) || !isDigit(code[1]) || !isAlnumUpper(code[2])) return false;
  std::string_view rest = code.substr(3);
  if (rest.empty()) return true;
  if (rest.front() == '.') rest.remove_prefix(1);  // "M25.511" and the claim form's "M25511" both pass
  return !rest.empty() && rest.size() <= 4 && std::all_of(rest.begin(), rest.end(), isAlnumUpper);
}

namespace {

Result<void, SessionError> validateDiagnoses(const std::vector<std::string>& codes, SessionErrc errc) {
  if (codes.size() > static_cast<std::size_t>(Session::kMaxDiagnoses)) {
    return error(errc,
                 "A session can carry at most 4 diagnoses; " + std::to_string(codes.size()) + " were given.");
  }
  for (std::size_t i = 0; i < codes.size(); ++i) {
    if (!isIcd10Shape(codes[i])) {
      return error(errc, "Diagnosis \"" + codes[i] + "\" is not an ICD-10 code (for example M25.511).");
    }
    if (std::find(codes.begin(), codes.begin() + static_cast<std::ptrdiff_t>(i), codes[i]) !=
        codes.begin() + static_cast<std::ptrdiff_t>(i)) {
      return error(errc, "Diagnosis " + codes[i] + " is listed twice.");
    }
  }
  return {};
}

}  // namespace

Result<void, SessionError> validateHeader(const SessionHeader& h) {
  const auto bad = [](std::string message) { return error(SessionErrc::kInvalidHeader, std::move(message)); };
  if (!isUuidV4(h.id)) return bad("Session id \"" + h.id + "\" is not a version-4 UUID.");
  if (isBlank(h.clinicId)) return bad("The session has no clinic.");
  if (isBlank(h.deviceId)) return bad("The session has no device id.");
  if (isBlank(h.payerProfile)) return bad("The session has no payer profile.");
  if (isBlank(h.renderingClinicianId)) return bad("The session has no rendering clinician.");
  if (h.patient.mrn.empty() || h.patient.mrn.size() > 32 ||
      !std::all_of(h.patient.mrn.begin(), h.patient.mrn.end(), [](char c) { return c > ' ' && c < 127; })) {
    return bad("The patient's MRN must be 1 to 32 printable characters without spaces.");
  }
  const auto& ini = h.patient.initials;
  if (ini.empty() || ini.size() > 4 ||
      !std::all_of(ini.begin(), ini.end(), [](char c) { return isUpper(c) || (c >= 'a' && c <= 'z'); })) {
    return bad("The patient's initials must be 1 to 4 letters.");
  }
  if (h.placeOfService.size() != 2 || !isDigit(h.placeOfService[0]) || !isDigit(h.placeOfService[1])) {
    return bad("Place of service \"" + h.placeOfService + "\" must be a two-digit code such as 11.");
  }
  return validateDiagnoses(h.diagnoses, SessionErrc::kInvalidHeader);
}

// [SECTION] Timeline
//
// Places events on the session's timeline (docs/session-model.md, "Time policy"). Within a run, an
// event is placed at the run's first timeline time plus the monotonic time elapsed since then. The
// first event of a run is placed at its wall time minus the offset between wall clock and timeline that
// the previous run ended with (so a clock jump recorded before a restart is not counted after it
// either), and never before the previous event.

namespace {

class Timeline {
 public:
  WallTime place(const Instant& at) {
    m_newRun = m_started && at.runId != m_runId;
    if (!m_started || at.runId != m_runId) {
      m_anchorWall = startOfRun(at);
      m_anchorMono = at.monotonic;
      m_runId = at.runId;
      m_started = true;
      m_last = m_anchorWall;
    } else {
      m_last = timeInRun(at);
    }
    m_lastWall = at.wall;
    return m_last;
  }

  // Where `at` would be placed, without placing it.
  WallTime peek(const Instant& at) const {
    if (!m_started || at.runId != m_runId) return startOfRun(at);
    return std::max(timeInRun(at), m_last);
  }

  // Where a reading of a new run would fall before clamping to the last event: earlier than last()
  // means the wall clock went backwards across a restart.
  WallTime unclampedStartOfRun(const Instant& at) const { return at.wall - (m_lastWall - m_last); }

  bool newRun() const { return m_newRun; }  // the last place() started a new run after an earlier one
  WallTime last() const { return m_last; }

 private:
  WallTime startOfRun(const Instant& at) const {
    return m_started ? std::max(unclampedStartOfRun(at), m_last) : at.wall;
  }
  WallTime timeInRun(const Instant& at) const {
    return m_anchorWall + std::chrono::floor<milliseconds>(at.monotonic - m_anchorMono);
  }

  bool m_started = false;
  bool m_newRun = false;
  std::string m_runId;
  WallTime m_anchorWall{};
  std::chrono::nanoseconds m_anchorMono{};
  WallTime m_last{};      // timeline time of the last placed event
  WallTime m_lastWall{};  // its wall time
};

// "Segment 2 (97110)": segments are numbered from 1 wherever a person reads them.
std::string segmentName(int index, const std::string& code) {
  return "Segment " + std::to_string(index + 1) + " (" + code + ")";
}

std::string formatMs(milliseconds d) {
  const bool negative = d.count() < 0;
  const auto abs = negative ? -d : d;
  const auto secs = duration_cast<std::chrono::seconds>(abs);
  return std::string(negative ? "-" : "+") + std::to_string(secs.count()) + " s";
}

}  // namespace

// [SECTION] Session: creation and replay

Result<Session, SessionError> Session::create(SessionHeader header, const Instant& at,
                                              std::string clinicianId) {
  if (auto ok = validateHeader(header); !ok) return fail(ok.error());
  Session s;
  s.m_header = std::move(header);
  if (auto ok = s.apply(makeEvent(EventType::session_opened, 1, at, std::move(clinicianId))); !ok) {
    return fail(ok.error());
  }
  return s;
}

Result<Session, SessionError> Session::restore(SessionHeader header, const std::vector<Event>& events) {
  if (auto ok = validateHeader(header); !ok) return fail(ok.error());
  Session s;
  s.m_header = std::move(header);
  for (const Event& e : events) {
    if (auto ok = s.apply(e); !ok) {
      SessionError err = ok.error();
      err.message = "Event " + std::to_string(e.sequence) + " (" + std::string(toString(e.type)) +
                    ") cannot be replayed: " + err.message;
      return fail(std::move(err));
    }
  }
  if (s.m_events.empty()) return error(SessionErrc::kInvalidEvent, "The session's log is empty.");
  return s;
}

// [SECTION] Session: validation

Result<void, SessionError> Session::check(const Event& e) const {
  if (e.sequence != nextSequence()) {
    return error(SessionErrc::kOutOfOrder, "Event number " + std::to_string(e.sequence) +
                                               " arrived where number " + std::to_string(nextSequence()) +
                                               " was expected.");
  }
  if (e.runId.empty()) return error(SessionErrc::kInvalidEvent, "The event has no clock run id.");
  if (!m_events.empty() && m_events.back().runId == e.runId && e.monotonic < m_events.back().monotonic) {
    return error(SessionErrc::kOutOfOrder, "The monotonic clock went backwards within one run.");
  }
  if (!isDeviceEvent(e.type) && isBlank(e.clinicianId)) {
    return error(SessionErrc::kInvalidEvent, "The event does not say which clinician recorded it.");
  }
  if (m_events.empty() != (e.type == EventType::session_opened)) {
    return error(SessionErrc::kNotAllowed, m_events.empty()
                                               ? "A session's log must start with session_opened."
                                               : "The session is already open.");
  }
  return checkTransition(e);
}

Result<void, SessionError> Session::checkTransition(const Event& e) const {
  const auto notAllowed = [&](std::string_view what) {
    return error(SessionErrc::kNotAllowed, std::string(what) + " is not allowed in a session that is " +
                                               std::string(toString(m_status)) + ".");
  };
  const auto invalid = [](std::string message) {
    return error(SessionErrc::kInvalidEvent, std::move(message));
  };
  const bool open = m_status == SessionStatus::open;
  const bool beforeSigning = open || m_status == SessionStatus::ended;

  switch (e.type) {
    case EventType::session_opened:
      return {};
    case EventType::activity_started:
      if (!open) return notAllowed("Starting an activity");
      if (isBlank(e.code)) return invalid("The activity has no code.");
      if (!e.performer || !e.mode) return invalid("Starting an activity needs a performer and a mode.");
      return {};
    case EventType::activity_stopped:
      if (!open) return notAllowed("Stopping an activity");
      if (!m_active) return error(SessionErrc::kNotAllowed, "No activity is running.");
      return {};
    case EventType::paused:
      if (!open) return notAllowed("Pausing");
      if (m_paused) return error(SessionErrc::kNotAllowed, "The session is already paused.");
      if (!e.pauseReason)
        return invalid("A pause needs a reason (rest, toileting, waiting, equipment, other, not_given).");
      return {};
    case EventType::pause_reason_set:
      if (!beforeSigning) return notAllowed("Choosing a pause's reason");
      if (!m_paused && m_pauses == 0)
        return error(SessionErrc::kNotAllowed, "There is no pause to give a reason for.");
      if (!e.pauseReason || *e.pauseReason == PauseReason::not_given)
        return invalid("A pause's reason is rest, toileting, waiting, equipment or other.");
      return {};
    case EventType::resumed:
      if (!open) return notAllowed("Resuming");
      if (!m_paused) return error(SessionErrc::kNotAllowed, "The session is not paused.");
      return {};
    case EventType::performer_switched:
      if (!open) return notAllowed("Switching the performer");
      if (!e.performer) return invalid("A performer switch needs the new performer.");
      return {};
    case EventType::untimed_added:
      if (!beforeSigning) return notAllowed("Adding an untimed service");
      if (isBlank(e.code)) return invalid("The untimed service has no code.");
      if (!e.minutes || e.minutes->count() < 0 || *e.minutes > kMaxUntimed) {
        return invalid("An untimed service needs its minutes, from 0 to 24 hours.");
      }
      if (e.assistantMinutes && (e.assistantMinutes->count() < 0 || *e.assistantMinutes > *e.minutes)) {
        return invalid("Assistant minutes must be between 0 and the service's minutes.");
      }
      return {};
    case EventType::untimed_changed:
      if (!beforeSigning) return notAllowed("Changing an untimed service");
      if (!e.segmentIndex || *e.segmentIndex < 0 ||
          static_cast<std::size_t>(*e.segmentIndex) >= m_untimedCodes.size()) {
        return invalid("There is no untimed service at that place in the list.");
      }
      if (e.code != m_untimedCodes[static_cast<std::size_t>(*e.segmentIndex)])
        return invalid("The untimed service at that place is " +
                       m_untimedCodes[static_cast<std::size_t>(*e.segmentIndex)] + ", not " + e.code + ".");
      if (!e.minutes || e.minutes->count() < 0 || *e.minutes > kMaxUntimed) {
        return invalid("An untimed service's minutes go from 0 (removed) to 24 hours.");
      }
      if (e.assistantMinutes && (e.assistantMinutes->count() < 0 || *e.assistantMinutes > *e.minutes)) {
        return invalid("Assistant minutes must be between 0 and the service's minutes.");
      }
      if (m_status == SessionStatus::ended && isBlank(e.reason))
        return error(SessionErrc::kMissingReason, "A change to an ended session needs a reason.");
      return {};
    case EventType::diagnoses_set:
      if (!beforeSigning) return notAllowed("Changing diagnoses");
      return validateDiagnoses(e.codes, SessionErrc::kInvalidEvent);
    case EventType::tie_preference_set:
      if (!beforeSigning) return notAllowed("Choosing between tied codes");
      if (std::any_of(e.codes.begin(), e.codes.end(), [](const std::string& c) { return isBlank(c); })) {
        return invalid("A tie preference lists codes; one of them is empty.");
      }
      return {};
    case EventType::session_ended:
      if (!open) return notAllowed("Ending");
      return {};
    case EventType::segment_edited:
    case EventType::segment_recoded:
    case EventType::segment_deleted:
    case EventType::segment_added:
    case EventType::segment_split:
      if (m_status != SessionStatus::ended) {
        return open
                   ? error(SessionErrc::kNotAllowed, "Segments can be corrected after the session has ended.")
                   : notAllowed("Correcting a segment");
      }
      return checkEdit(e);
    case EventType::session_signed:
      if (m_status != SessionStatus::ended) {
        return open ? error(SessionErrc::kNotAllowed, "End the session before signing it.")
                    : notAllowed("Signing");
      }
      return {};
    case EventType::session_reopened:
      if (m_status != SessionStatus::signed_ && m_status != SessionStatus::synced) {
        return error(SessionErrc::kNotAllowed,
                     "Only a signed session is reopened for a correction; this one is " +
                         std::string(toString(m_status)) + ".");
      }
      if (isBlank(e.reason))
        return error(SessionErrc::kMissingReason, "A correction after signing needs a reason.");
      return {};
    case EventType::session_voided:
      if (m_status == SessionStatus::voided) return notAllowed("Voiding");
      if (isBlank(e.reason)) return error(SessionErrc::kMissingReason, "Voiding a session needs a reason.");
      return {};
    case EventType::session_synced:
      if (m_status != SessionStatus::signed_) return notAllowed("Marking as synced");
      return {};
    case EventType::clock_jump:
      if (!beforeSigning) return notAllowed("Recording a clock jump");
      if (!e.wallDelta) return invalid("A clock jump needs the wall-clock delta.");
      return {};
    case EventType::app_restarted:
      if (!open) return notAllowed("Noting a restart");
      if (!m_active && !m_paused) {
        return error(SessionErrc::kNotAllowed, "A restart is noted only while an activity or a pause runs.");
      }
      if (m_events.back().runId == e.runId) {
        return error(SessionErrc::kOutOfOrder, "The app has not restarted since the last event.");
      }
      return {};
  }
  return invalid("Unknown event type.");
}

Result<void, SessionError> Session::checkEdit(const Event& e) const {
  const EventType type = e.type;
  if (isBlank(e.reason)) {
    return error(SessionErrc::kMissingReason,
                 type == EventType::segment_edited    ? "Editing a segment's times needs a reason."
                 : type == EventType::segment_recoded ? "Changing a segment's activity needs a reason."
                 : type == EventType::segment_deleted ? "Deleting a segment needs a reason."
                 : type == EventType::segment_added   ? "Adding a segment needs a reason."
                                                      : "Splitting a segment needs a reason.");
  }
  const SessionSummary now = derive();
  // Which segment (all but segment_added name one), as the screen read it.
  std::optional<std::size_t> index;
  if (type != EventType::segment_added) {
    if (!e.segmentIndex || !e.oldStart || !e.oldEnd) {
      return error(SessionErrc::kInvalidEvent, "A segment correction needs the segment and its old times.");
    }
    if (*e.segmentIndex < 0 || static_cast<std::size_t>(*e.segmentIndex) >= now.segments.size()) {
      return error(SessionErrc::kUnknownSegment,
                   "There is no segment " + std::to_string(*e.segmentIndex + 1) + ".");
    }
    index = static_cast<std::size_t>(*e.segmentIndex);
    const Segment& seg = now.segments[*index];
    if (seg.start != *e.oldStart || seg.end != *e.oldEnd) {
      return error(SessionErrc::kUnknownSegment,
                   "The segment's times changed since the edit began; review it again.");
    }
  }
  switch (type) {
    case EventType::segment_recoded:
      if (isBlank(e.code))
        return error(SessionErrc::kInvalidEvent, "The segment's new activity has no code.");
      if (!e.performer) return error(SessionErrc::kInvalidEvent, "The segment's performer is missing.");
      return {};
    case EventType::segment_deleted:
      return {};
    case EventType::segment_split: {
      const Segment& seg = now.segments[*index];
      if (!e.newStart || *e.newStart <= seg.start || *e.newStart >= seg.end) {
        return error(SessionErrc::kInvalidEvent,
                     "A segment is split at a time after it starts and before it ends.");
      }
      return {};
    }
    case EventType::segment_added:
      if (isBlank(e.code))
        return error(SessionErrc::kInvalidEvent, "The added segment has no activity code.");
      if (!e.performer || !e.mode) {
        return error(SessionErrc::kInvalidEvent, "The added segment needs a performer and a mode.");
      }
      break;
    default:
      break;
  }
  // New times (segment_edited, segment_added): after the start, not in the future, no overlap.
  if (!e.newStart || !e.newEnd) {
    return error(SessionErrc::kInvalidEvent, "A segment's new times are missing.");
  }
  if (*e.newEnd <= *e.newStart) {
    return error(SessionErrc::kInvalidEvent, "A segment must end after it starts.");
  }
  // Not bounded by the session's opening and end: a timer started late or ended early is what a correction
  // is for. Only time that has not happened yet is refused.
  Timeline timeline;
  for (const Event& past : m_events) timeline.place(past.instant());
  if (*e.newEnd > timeline.peek(e.instant())) {
    return error(SessionErrc::kInvalidEvent, "A segment cannot end after the time of the edit.");
  }
  for (std::size_t i = 0; i < now.segments.size(); ++i) {
    const Segment& other = now.segments[i];
    if (i != index && *e.newStart < other.end && other.start < *e.newEnd && other.start < other.end) {
      return error(SessionErrc::kOverlap, "The new times overlap segment " + std::to_string(i + 1) + " (" +
                                              other.code + "); one activity runs at a time.");
    }
  }
  return {};
}

// [SECTION] Session: applying

Result<void, SessionError> Session::apply(const Event& e) {
  if (auto ok = check(e); !ok) return ok;
  switch (e.type) {
    case EventType::activity_started:
      m_active = Activity{e.code, *e.performer, *e.mode};
      m_paused = false;
      m_pausedActivity.reset();
      break;
    case EventType::activity_stopped:
      m_active.reset();
      break;
    case EventType::paused:
      m_pausedActivity = std::exchange(m_active, std::nullopt);
      m_paused = true;
      ++m_pauses;
      break;
    case EventType::resumed:
      m_active = std::exchange(m_pausedActivity, std::nullopt);
      m_paused = false;
      break;
    case EventType::performer_switched:
      if (m_active) m_active->performer = *e.performer;
      if (m_pausedActivity) m_pausedActivity->performer = *e.performer;
      break;
    case EventType::session_ended:
    case EventType::session_voided:
      m_active.reset();
      m_pausedActivity.reset();
      m_paused = false;
      break;
    case EventType::untimed_added:
      m_untimedCodes.push_back(e.code);
      break;
    case EventType::untimed_changed:
      if (e.minutes->count() == 0)
        m_untimedCodes.erase(m_untimedCodes.begin() + static_cast<std::ptrdiff_t>(*e.segmentIndex));
      break;
    case EventType::session_signed:
    case EventType::session_reopened:
    case EventType::session_synced:
    case EventType::session_opened:
    case EventType::diagnoses_set:
    case EventType::tie_preference_set:
    case EventType::segment_edited:
    case EventType::segment_recoded:
    case EventType::segment_deleted:
    case EventType::segment_added:
    case EventType::segment_split:
    case EventType::clock_jump:
    case EventType::app_restarted:
    case EventType::pause_reason_set:
      break;
  }
  if (auto next = statusAfter(e.type)) m_status = *next;  // the status machine: statusAfter, above
  if (beginsRevision(e.type)) ++m_revision;
  m_events.push_back(e);
  return {};
}

// [SECTION] Session: time

WallTime Session::timelineTime(const Instant& at) const {
  Timeline timeline;
  for (const Event& e : m_events) timeline.place(e.instant());
  return timeline.peek(at);
}

std::optional<Event> Session::detectClockJump(const Instant& now, milliseconds tolerance) const {
  if (m_events.empty()) return std::nullopt;
  const Event& last = m_events.back();
  Event jump = makeEvent(EventType::clock_jump, nextSequence(), now, "");
  if (now.runId == last.runId) {
    const milliseconds wallDelta = now.wall - last.wall;
    const milliseconds monoDelta = std::chrono::floor<milliseconds>(now.monotonic - last.monotonic);
    const milliseconds drift = wallDelta - monoDelta;
    if (drift <= tolerance && drift >= -tolerance) return std::nullopt;
    jump.wallDelta = wallDelta;
    jump.monotonicDelta = monoDelta;
    return jump;
  }
  // Across a restart the monotonic clocks cannot be compared; only a wall clock that went backwards past
  // the last recorded event is detectable.
  Timeline timeline;
  for (const Event& e : m_events) timeline.place(e.instant());
  const WallTime resumesAt = timeline.unclampedStartOfRun(now);
  if (resumesAt < timeline.last() - tolerance) {
    jump.wallDelta = resumesAt - timeline.last();
    return jump;
  }
  // While something runs, the first reading of a new run is recorded, so that a wall-clock change
  // later in this run is compared with it (monotonic time) instead of becoming restart gap.
  if (m_status == SessionStatus::open && (m_active || m_paused)) {
    return makeEvent(EventType::app_restarted, nextSequence(), now, "");
  }
  return std::nullopt;
}

// [SECTION] Session: derivation

SessionSummary Session::derive(const Instant& now, const Catalog& catalog) const {
  return deriveUpTo(now, catalog);
}

SessionSummary Session::derive(const Catalog& catalog) const {
  return deriveUpTo(std::nullopt, catalog);
}

SessionSummary Session::deriveUpTo(const std::optional<Instant>& now, const Catalog& catalog) const {
  SessionSummary out;
  out.status = m_status;
  out.revision = m_revision;
  out.diagnoses = m_header.diagnoses;

  struct OpenSegment {
    Activity activity;
    WallTime start;
    std::int64_t sequence;
  };
  struct OpenPause {
    PauseReason reason;
    WallTime start;
  };
  std::optional<OpenSegment> segment;
  std::optional<OpenPause> pause;
  std::optional<Activity> pausedActivity;
  Timeline timeline;

  const auto closeSegment = [&](WallTime at) {
    if (!segment) return;
    out.segments.push_back(Segment{segment->activity.code, segment->activity.performer,
                                   segment->activity.mode, segment->start, at, false, false,
                                   segment->sequence});
    segment.reset();
  };
  const auto closePause = [&](WallTime at) {
    if (!pause) return;
    out.pauses.push_back(PauseInterval{pause->reason, pause->start, at, false});
    pause.reset();
  };
  const auto flag = [&](std::string id, std::string message, std::int64_t sequence) {
    out.flags.push_back(ReviewFlag{std::move(id), std::move(message), sequence});
  };

  for (const Event& e : m_events) {
    const WallTime t = timeline.place(e.instant());
    if (timeline.newRun() && (segment || pause)) {
      flag("restart-while-running",
           "The app restarted while " + std::string(segment ? "an activity" : "a pause") +
               " was running; the time in between was counted from the recorded start.",
           e.sequence);
    }
    switch (e.type) {
      case EventType::activity_started:
        closeSegment(t);
        closePause(t);
        pausedActivity.reset();
        segment = OpenSegment{Activity{e.code, *e.performer, *e.mode}, t, e.sequence};
        break;
      case EventType::activity_stopped:
        closeSegment(t);
        break;
      case EventType::paused:
        if (segment) pausedActivity = segment->activity;
        closeSegment(t);
        pause = OpenPause{*e.pauseReason, t};
        break;
      case EventType::resumed:
        closePause(t);
        if (pausedActivity) segment = OpenSegment{*pausedActivity, t, e.sequence};
        pausedActivity.reset();
        break;
      case EventType::pause_reason_set:  // the pause going on, or else the last one
        if (pause) {
          pause->reason = *e.pauseReason;
        } else if (!out.pauses.empty()) {
          out.pauses.back().reason = *e.pauseReason;
        }
        break;
      case EventType::performer_switched:
        if (segment) {
          Activity next = segment->activity;
          next.performer = *e.performer;
          closeSegment(t);
          segment = OpenSegment{next, t, e.sequence};
        }
        if (pausedActivity) pausedActivity->performer = *e.performer;
        break;
      case EventType::untimed_added:
        out.untimed.push_back(UntimedEntry{
            e.code, *e.minutes, e.assistantMinutes.value_or(std::chrono::minutes{0}), t, e.sequence});
        break;
      case EventType::untimed_changed: {
        const auto at = out.untimed.begin() + static_cast<std::ptrdiff_t>(*e.segmentIndex);
        if (e.minutes->count() == 0) {
          out.untimed.erase(at);  // removed: as if never added; the event stays in the log
        } else {
          at->minutes = *e.minutes;
          at->assistantMinutes = e.assistantMinutes.value_or(std::chrono::minutes{0});
        }
        break;
      }
      case EventType::diagnoses_set:
        out.diagnoses = e.codes;
        break;
      case EventType::tie_preference_set:
        out.tiePreference = e.codes;
        break;
      case EventType::session_ended:
      case EventType::session_voided:
        closeSegment(t);
        closePause(t);
        pausedActivity.reset();
        break;
      case EventType::segment_edited: {
        Segment& seg = out.segments[static_cast<std::size_t>(*e.segmentIndex)];
        seg.start = *e.newStart;
        seg.end = *e.newEnd;
        seg.edited = true;
        flag("edited-after-end",
             segmentName(*e.segmentIndex, seg.code) + " was edited after the end: " + e.reason, e.sequence);
        break;
      }
      case EventType::segment_recoded: {
        Segment& seg = out.segments[static_cast<std::size_t>(*e.segmentIndex)];
        flag("edited-after-end",
             segmentName(*e.segmentIndex, seg.code) + " was changed to " + e.code + " (" +
                 (*e.performer == Performer::assistant ? "assistant" : "therapist") +
                 ") after the end: " + e.reason,
             e.sequence);
        seg.code = e.code;
        seg.performer = *e.performer;
        seg.edited = true;
        break;
      }
      case EventType::segment_deleted: {
        const auto at = out.segments.begin() + static_cast<std::ptrdiff_t>(*e.segmentIndex);
        flag("edited-after-end",
             segmentName(*e.segmentIndex, at->code) + " was deleted after the end: " + e.reason, e.sequence);
        out.segments.erase(at);  // as if never timed; the event stays in the log
        break;
      }
      case EventType::segment_added: {
        Segment seg{e.code, *e.performer, *e.mode, *e.newStart, *e.newEnd, false, true, e.sequence};
        const auto at = std::find_if(out.segments.begin(), out.segments.end(),
                                     [&](const Segment& s) { return s.start > seg.start; });
        const auto index = static_cast<int>(at - out.segments.begin());
        out.segments.insert(at, seg);  // in time order among the others
        flag("edited-after-end", segmentName(index, e.code) + " was added after the end: " + e.reason,
             e.sequence);
        break;
      }
      case EventType::segment_split: {
        const auto i = static_cast<std::size_t>(*e.segmentIndex);
        Segment second = out.segments[i];
        second.start = *e.newStart;
        second.edited = true;
        out.segments[i].end = *e.newStart;
        out.segments[i].edited = true;
        out.segments.insert(out.segments.begin() + static_cast<std::ptrdiff_t>(i) + 1, second);
        flag("edited-after-end",
             segmentName(*e.segmentIndex, second.code) + " was split in two after the end: " + e.reason,
             e.sequence);
        break;
      }
      case EventType::session_reopened:
        flag("revised", "Reopened after signing for a correction: " + e.reason, e.sequence);
        break;
      case EventType::clock_jump:
        flag("clock-jump",
             "The device clock jumped by " + formatMs(*e.wallDelta) +
                 (e.monotonicDelta ? " while " + formatMs(*e.monotonicDelta) + " passed"
                                   : " across a restart") +
                 "; recorded times were kept on the steady clock. Check the times.",
             e.sequence);
        break;
      case EventType::app_restarted:  // only anchors its run on the timeline (and raised the flag above)
      case EventType::session_opened:
      case EventType::session_signed:
      case EventType::session_synced:
        break;
    }
  }

  // Whatever is still running is measured up to `now` (or up to the last event).
  const WallTime end = now ? timeline.peek(*now) : timeline.last();
  if (segment) {
    out.segments.push_back(Segment{segment->activity.code, segment->activity.performer,
                                   segment->activity.mode, segment->start, end, true, false,
                                   segment->sequence});
    out.running = RunningActivity{segment->activity.code, segment->activity.performer, segment->activity.mode,
                                  segment->start, end - segment->start};
  }
  if (pause) {
    out.pauses.push_back(PauseInterval{pause->reason, pause->start, end, true});
    out.pausedFor = pause->reason;
  }

  // Time per code and mode, in the order first performed.
  std::vector<std::pair<WallTime, CodeTime>> perCode;
  for (const Segment& seg : out.segments) {
    auto it = std::find_if(perCode.begin(), perCode.end(), [&](const auto& p) {
      return p.second.code == seg.code && p.second.mode == seg.mode;
    });
    if (it == perCode.end()) {
      perCode.push_back({seg.start, CodeTime{seg.code, seg.mode, {}, {}}});
      it = perCode.end() - 1;
    }
    it->first = std::min(it->first, seg.start);
    (seg.performer == Performer::therapist ? it->second.therapist : it->second.assistant) += seg.duration();
  }
  std::stable_sort(perCode.begin(), perCode.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  for (auto& [first, time] : perCode) out.codes.push_back(std::move(time));

  // Documentation totals. A pause is never treatment time; group time and time on untimed codes are
  // treatment time but not timed time.
  for (const Segment& seg : out.segments) {
    out.treatmentTime += seg.duration();
    const CodeInfo* info = catalog.find(seg.code);
    if (seg.mode != ActivityMode::group && (info == nullptr || info->timed)) out.timedTime += seg.duration();
  }
  for (const UntimedEntry& u : out.untimed) out.treatmentTime += u.minutes;
  for (const PauseInterval& p : out.pauses) out.pausedTime += p.end - p.start;

  out.clinicians.push_back(m_header.renderingClinicianId);
  for (const Event& e : m_events) {
    if (!e.clinicianId.empty() &&
        std::find(out.clinicians.begin(), out.clinicians.end(), e.clinicianId) == out.clinicians.end()) {
      out.clinicians.push_back(e.clinicianId);
    }
  }
  return out;
}

}  // namespace unitclock::core
