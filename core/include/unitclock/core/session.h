// A session: one patient encounter on one device. The header holds what was chosen when the session
// was created; everything that happens afterwards is an Event in the session's append-only log, and
// every figure a screen shows (segments, minutes, pauses, status) is derived from those events alone.
//
//   auto s = Session::create(header, at, clinicianId);          // appends session_opened
//   auto e = activityStarted(s->nextSequence(), clock.now(), "c1", "97110", Performer::therapist);
//   if (auto ok = s->check(e); !ok) show(ok.error().message);    // validate
//   store.append(id, e);                                        // make it durable
//   s->apply(e);                                                // then update the model
//   SessionSummary now = s->derive(clock.now());
//
// Several sessions open on one device are independent Session objects; none shares state.
// The time policy (monotonic within a run, wall start across a restart, clock jumps) is described in
// docs/session-model.md and next to derive() below.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <unitclock/core/catalog.h>
#include <unitclock/core/events.h>
#include <unitclock/core/result.h>
#include <unitclock/core/types.h>

namespace unitclock::core {

// open → ended → signed → synced; a correction (session_reopened) brings a signed or synced session back
// to ended with the next revision; voided is final. (`signed` is a C++ keyword, hence `signed_`.)
enum class SessionStatus { open, ended, signed_, synced, voided };

// "open" "ended" "signed" "synced" "voided".
std::string_view toString(SessionStatus status) noexcept;
std::optional<SessionStatus> parseSessionStatus(std::string_view text) noexcept;

// The status machine, in one place: the status a session has after an event of this type (nullopt: the
// event leaves it as it was), and whether the event begins the next revision. Session::apply follows it,
// and so does the device store's status column (platform/store), which never mirrors it.
std::optional<SessionStatus> statusAfter(EventType type) noexcept;
bool beginsRevision(EventType type) noexcept;

struct Patient {
  std::string mrn;       // the clinic's medical record number, 1–32 printable characters
  std::string initials;  // 1–4 letters, shown on screen instead of the name
  friend bool operator==(const Patient&, const Patient&) = default;
};

// What is chosen when a session is created. Diagnoses can change later (diagnoses_set event).
struct SessionHeader {
  std::string id;  // UUID v4 (uuid.h)
  std::string clinicId;
  std::string deviceId;
  Patient patient;
  std::string payerProfile;  // payer profile name, e.g. "medicare"
  Discipline discipline = Discipline::ot;
  std::string placeOfService = "11";  // two-digit CMS place-of-service code (11 = office)
  bool telehealth = false;
  std::vector<std::string> diagnoses;  // 0–4 ICD-10 codes at creation (1–4 needed to bill; a check warns)
  std::string renderingClinicianId;    // who bills the session
  friend bool operator==(const SessionHeader&, const SessionHeader&) = default;
};

// ICD-10-CM shape: a letter, a digit, a letter or digit, then optionally a dot and 1–4 letters or
// digits ("M25.511", "R26.89", "Z96.651", "G81.94"); upper case. Shape only, not a lookup.
bool isIcd10Shape(std::string_view code) noexcept;

enum class SessionErrc {
  kInvalidHeader,   // a header field is missing or malformed
  kInvalidEvent,    // a field the event type needs is missing or malformed
  kOutOfOrder,      // wrong sequence number, or monotonic time going backwards within a run
  kNotAllowed,      // the event is not allowed in the session's current state
  kMissingReason,   // edits, corrections and voids need a reason
  kUnknownSegment,  // a segment correction names a segment that does not exist or has changed
  kOverlap,         // an edited segment would overlap another one
};
std::string_view toString(SessionErrc errc) noexcept;  // "invalid_header", ...

struct SessionError {
  SessionErrc errc;
  std::string message;  // one sentence a clinician or supervisor can read
};

// [SECTION] Derived views

// A stretch of one activity with one performer and one mode, without pauses. A pause, a performer
// switch, starting another activity, stopping or ending the session closes a segment.
struct Segment {
  std::string code;
  Performer performer = Performer::therapist;
  ActivityMode mode = ActivityMode::one_on_one;
  WallTime start{};
  WallTime end{};  // for the running segment: the `now` passed to derive()
  bool running = false;
  bool edited = false;             // its times, activity or performer corrected, split from another, or added
  std::int64_t startSequence = 0;  // the event that opened it (segment_added; a split keeps the original's)
  std::chrono::milliseconds duration() const { return end - start; }
  friend bool operator==(const Segment&, const Segment&) = default;
};

struct PauseInterval {
  PauseReason reason = PauseReason::other;
  WallTime start{};
  WallTime end{};  // for a pause still going on: the `now` passed to derive()
  bool ongoing = false;
  friend bool operator==(const PauseInterval&, const PauseInterval&) = default;
};

struct UntimedEntry {
  std::string code;
  std::chrono::minutes minutes{};
  std::chrono::minutes assistantMinutes{};
  WallTime at{};  // when it was recorded (decides its calendar day)
  std::int64_t sequence = 0;
  friend bool operator==(const UntimedEntry&, const UntimedEntry&) = default;
};

// Time recorded per activity code, performer and mode (exact, before any rounding; billing-rules.md S4
// floors the per-code sum to whole minutes only when units are computed).
struct CodeTime {
  std::string code;
  ActivityMode mode = ActivityMode::one_on_one;
  std::chrono::milliseconds therapist{};
  std::chrono::milliseconds assistant{};  // assistant alone
  std::chrono::milliseconds total() const { return therapist + assistant; }
  friend bool operator==(const CodeTime&, const CodeTime&) = default;
};

struct RunningActivity {
  std::string code;
  Performer performer = Performer::therapist;
  ActivityMode mode = ActivityMode::one_on_one;
  WallTime since{};                     // start of the running segment
  std::chrono::milliseconds elapsed{};  // of the running segment, at `now`
};

// Something a supervisor should look at before the session is billed. Stable ids:
//  "clock-jump"               the wall clock jumped (see docs/session-model.md, time policy)
//  "restart-while-running"    the app restarted while an activity or pause was running; the time in
//                             between was counted from the persisted start (information)
//  "edited-after-end"         segment times were edited after the session ended (information)
//  "revised"                  a signed session was reopened for a correction
// (A session longer than 4 hours is the engine's "long-session" warning.)
struct ReviewFlag {
  std::string id;
  std::string message;
  std::int64_t sequence = 0;  // the event that raised it
  friend bool operator==(const ReviewFlag&, const ReviewFlag&) = default;
};

struct SessionSummary {
  SessionStatus status = SessionStatus::open;
  int revision = 1;
  // In the order recorded (an added segment at its place by start time); segment corrections index into
  // this list as it stands.
  std::vector<Segment> segments;
  std::vector<PauseInterval> pauses;
  std::vector<UntimedEntry> untimed;
  std::vector<CodeTime> codes;  // in the order first performed
  std::optional<RunningActivity> running;
  std::optional<PauseReason> pausedFor;  // set while a pause is going on
  std::vector<std::string> diagnoses;
  std::vector<std::string> tiePreference;
  std::vector<std::string> clinicians;  // rendering clinician first, then every other contributor
  // Documentation totals (billing-rules.md §1.5), exact; the engine floors them to minutes.
  std::chrono::milliseconds timedTime{};      // one-on-one and co-treatment time (each minute once)
  std::chrono::milliseconds treatmentTime{};  // timed + group + untimed services; never pauses
  std::chrono::milliseconds pausedTime{};
  std::vector<ReviewFlag> flags;
};

// [SECTION] Session

class Session {
 public:
  // Validates the header and records session_opened (sequence 1) at `at`.
  static Result<Session, SessionError> create(SessionHeader header, const Instant& at,
                                              std::string clinicianId);
  // Rebuilds a session from its persisted log (e.g. after a restart): replays every event through
  // apply(), so a log that breaks a rule is reported, not silently accepted.
  static Result<Session, SessionError> restore(SessionHeader header, const std::vector<Event>& events);

  const SessionHeader& header() const { return m_header; }
  const std::vector<Event>& events() const { return m_events; }
  SessionStatus status() const { return m_status; }
  int revision() const { return m_revision; }
  std::int64_t nextSequence() const { return static_cast<std::int64_t>(m_events.size()) + 1; }

  // Would `event` be accepted now? Changes nothing.
  Result<void, SessionError> check(const Event& event) const;
  // check(), then append the event to the log.
  Result<void, SessionError> apply(const Event& event);

  // Everything derived from the log, with running segments and pauses measured up to `now`.
  // Time policy: an event's time on the session's timeline is its wall time if it is the first event of
  // its run; otherwise the previous event's timeline time plus the monotonic time elapsed since it.
  // So within one run elapsed time is monotonic and a wall-clock jump adds or removes nothing; across a
  // restart time continues from the persisted wall times (never going backwards).
  // The catalog tells timed from untimed codes: time on an untimed code's tile (an evaluation timed on
  // screen) counts as treatment time, not timed time; a code not in the catalog counts as timed.
  SessionSummary derive(const Instant& now, const Catalog& catalog = Catalog::builtin()) const;
  // The same, measured up to the last event (for ended, signed or voided sessions `now` does not matter).
  SessionSummary derive(const Catalog& catalog = Catalog::builtin()) const;

  // The session's timeline time of `at` (see derive()).
  WallTime timelineTime(const Instant& at) const;

  // The event the device records by itself about its clock, to append (sequence = nextSequence()):
  //  - clock_jump when the wall clock moved differently from the monotonic clock since the last event of
  //    this run by more than `tolerance` (or, across a restart, moved backwards past the last event);
  //  - app_restarted for the first reading of a new run while an activity or a pause runs: it fixes where
  //    the run starts on the timeline, so a wall-clock change later in the run is a detectable jump, not
  //    restart gap (docs/session-model.md, time policy).
  // Call it before appending any event and on each clock tick while the session is open.
  std::optional<Event> detectClockJump(const Instant& now,
                                       std::chrono::milliseconds tolerance = kClockJumpTolerance) const;

  static constexpr std::chrono::milliseconds kClockJumpTolerance{2000};  // NTP slews stay well below this
  static constexpr int kMaxDiagnoses = 4;                                // claim form limit per line

 private:
  struct Activity {
    std::string code;
    Performer performer = Performer::therapist;
    ActivityMode mode = ActivityMode::one_on_one;
  };

  Session() = default;
  SessionSummary deriveUpTo(const std::optional<Instant>& now, const Catalog& catalog) const;
  Result<void, SessionError> checkTransition(const Event& event) const;
  Result<void, SessionError> checkEdit(const Event& event) const;

  SessionHeader m_header;
  std::vector<Event> m_events;
  SessionStatus m_status = SessionStatus::open;
  int m_revision = 1;
  // What check() needs without replaying the log.
  std::optional<Activity> m_active;          // the running activity
  std::optional<Activity> m_pausedActivity;  // what `resumed` restarts
  bool m_paused = false;
  int m_pauses = 0;                         // pauses so far (pause_reason_set needs one)
  std::vector<std::string> m_untimedCodes;  // the untimed list's codes, in order (untimed_changed names one)
};

// Validates a header: UUID v4 id, non-empty clinic/device/payer/rendering clinician, patient MRN and
// initials, two-digit place of service, 0–4 diagnoses of ICD-10 shape without repeats.
Result<void, SessionError> validateHeader(const SessionHeader& header);

}  // namespace unitclock::core
