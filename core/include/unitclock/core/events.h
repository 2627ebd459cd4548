// The session event log: everything a person does in a session, and a few things the device notices
// (a wall-clock jump, a completed upload), as one append-only list of events.
//
// An Event is a flat struct: a type, the fields every event has, and optional type-specific fields that
// are empty when unused. That keeps persistence simple (one table with columns; JSON with the names
// below). Which fields each type uses is listed next to EventType. Segments, minutes and units are never
// stored: they are derived from the events (see session.h and docs/session-model.md).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <unitclock/core/types.h>

namespace unitclock::core {

// UTC wall-clock time with millisecond precision, as persisted.
using WallTime = std::chrono::sys_time<std::chrono::milliseconds>;

// One reading of both clocks. `monotonic` counts from an arbitrary epoch that is only meaningful
// within one run of the process (or one boot); `runId` names that run, so readings taken in different
// runs are never subtracted from each other.
struct Instant {
  WallTime wall{};
  std::string runId;
  std::chrono::nanoseconds monotonic{};
};

// What the patient is doing during an activity (billing-rules.md §1.12, T4).
//  one_on_one:   direct one-on-one time; counts toward the code's timed minutes.
//  group:        two or more patients at once; counts as 97150 (untimed) and treatment time only.
//  co_treatment: two clinicians with this one patient; the minutes count once.
enum class ActivityMode { one_on_one, group, co_treatment };

// Why treatment stopped for a while; paused time is never treatment time (billing-rules.md T3, S7).
// `not_given`: the clinician paused without choosing a reason yet (a pause stops billing at the tap; the
// reason can follow with pause_reason_set).
enum class PauseReason { rest, toileting, waiting, equipment, other, not_given };

// Event types and the type-specific fields each one uses (all others stay empty):
//  session_opened       —                                          first event of every session
//  activity_started     code, performer, mode                      stops the running activity, ends a pause
//  activity_stopped     —
//  paused               pauseReason (not_given allowed)            stops the running activity until resumed
//  resumed              —                                          restarts the activity that was paused
//  performer_switched   performer                                  splits the running segment
//  untimed_added        code, minutes, assistantMinutes            an untimed service (evaluation, 97010,
//  ...) diagnoses_set        codes (0–4 ICD-10 codes)                   replaces the session's diagnoses
//  tie_preference_set   codes (timed codes chosen for tied units)  the clinician's choice at review
//  session_ended        —                                          stops everything; the session can be
//  reviewed segment_edited       segmentIndex, oldStart, oldEnd, newStart, newEnd, reason   after the end,
//  before signing session_signed       —                                          freezes the revision
//  session_reopened     reason                                     a correction after signing: a new revision
//  session_voided       reason                                     the session is not billed; nothing is
//  deleted session_synced       —                                          the server accepted this revision
//  clock_jump           wallDelta, monotonicDelta (nullopt across a restart)   flagged for review
//  app_restarted        —                                          first reading of a new process run while
//                                                                  an activity or pause runs: later readings
//                                                                  of that run are measured from it
//  pause_reason_set     pauseReason (not not_given)                the reason of the pause going on, or of
//                                                                  the last one, chosen after the tap
//  untimed_changed      segmentIndex, code, minutes, assistantMinutes, reason   an untimed service's minutes
//                       changed, or the service removed (minutes 0); segmentIndex is its place in the
//                       session's untimed list as it stands (removing one moves the later ones up), code
//                       must be that entry's code; before signing; a reason is needed once the session
//                       has ended
//  segment_recoded      segmentIndex, oldStart, oldEnd, code, performer, reason   a segment's activity or
//                       performer corrected after the end (its times and mode stay)
//  segment_deleted      segmentIndex, oldStart, oldEnd, reason      a segment removed after the end (later
//                       segments move up one place); the event stays in the log
//  segment_added        code, performer, mode, newStart, newEnd, reason   a segment nobody timed, added
//                       after the end; it takes its place in the list by its start time
//  segment_split        segmentIndex, oldStart, oldEnd, newStart (where it splits), reason   one segment
//                       becomes two of the same activity, [start, newStart) and [newStart, end)
// Every segment correction (segment_edited and the four above) needs an ended session and a reason;
// segmentIndex is the segment's place in SessionSummary::segments as it stands (0-based; screens and
// messages number segments from 1), and oldStart/oldEnd must be its times as the screen read them.
// `clinicianId` is who tapped, edited, signed, reopened or voided; it is empty only for events the
// device records by itself (clock_jump, session_synced, app_restarted).
enum class EventType {
  session_opened,
  activity_started,
  activity_stopped,
  paused,
  resumed,
  performer_switched,
  untimed_added,
  diagnoses_set,
  tie_preference_set,
  session_ended,
  segment_edited,
  session_signed,
  session_reopened,
  session_voided,
  session_synced,
  clock_jump,
  app_restarted,
  pause_reason_set,
  untimed_changed,
  segment_recoded,
  segment_deleted,
  segment_added,
  segment_split,
};

// segment_edited, segment_recoded, segment_deleted, segment_added, segment_split: corrections to the
// session's segments after the end (audited; counted against the upload's limit of segment edits).
bool isSegmentCorrection(EventType type) noexcept;

struct Event {
  // Common to every event.
  std::int64_t sequence = 0;  // 1, 2, 3, ... within a session; no gaps
  EventType type = EventType::session_opened;
  WallTime wall{};                       // UTC wall clock when it happened
  std::string runId;                     // which process run took the monotonic reading
  std::chrono::nanoseconds monotonic{};  // monotonic clock reading within that run
  std::string clinicianId;

  // Type-specific (see EventType).
  std::string code;  // CPT/HCPCS code
  std::optional<Performer> performer;
  std::optional<ActivityMode> mode;
  std::optional<PauseReason> pauseReason;
  std::optional<std::chrono::minutes> minutes;           // untimed_added/_changed: the service's minutes
  std::optional<std::chrono::minutes> assistantMinutes;  // untimed_added/_changed: of those, assistant alone
  std::vector<std::string> codes;                        // diagnoses_set, tie_preference_set
  std::optional<int> segmentIndex;  // segment corrections: into derived segments; untimed_changed: untimed
  std::optional<WallTime> oldStart, oldEnd, newStart, newEnd;  // segment corrections (see EventType)
  std::string reason;  // segment corrections, untimed_changed, session_reopened, session_voided
  std::optional<std::chrono::milliseconds> wallDelta;       // clock_jump: how far the wall clock moved
  std::optional<std::chrono::milliseconds> monotonicDelta;  // clock_jump: how far monotonic time moved

  Instant instant() const { return Instant{wall, runId, monotonic}; }
  friend bool operator==(const Event&, const Event&) = default;
};

// Stable lower-case names for the store and JSON, e.g. "activity_started", "one_on_one", "toileting".
std::string_view toString(EventType type) noexcept;
std::string_view toString(ActivityMode mode) noexcept;
std::string_view toString(PauseReason reason) noexcept;

// Parse the names above (exact, lower case). nullopt for anything else.
std::optional<EventType> parseEventType(std::string_view text) noexcept;
std::optional<ActivityMode> parseActivityMode(std::string_view text) noexcept;
std::optional<PauseReason> parsePauseReason(std::string_view text) noexcept;

// Builders that fill the common fields from one clock reading. The sequence is the session's
// Session::nextSequence(); nothing here checks that an event is allowed (Session::check does).
Event makeEvent(EventType type, std::int64_t sequence, const Instant& at, std::string clinicianId);
Event activityStarted(std::int64_t sequence, const Instant& at, std::string clinicianId, std::string code,
                      Performer performer, ActivityMode mode = ActivityMode::one_on_one);
Event paused(std::int64_t sequence, const Instant& at, std::string clinicianId, PauseReason reason);
Event pauseReasonSet(std::int64_t sequence, const Instant& at, std::string clinicianId, PauseReason reason);
Event performerSwitched(std::int64_t sequence, const Instant& at, std::string clinicianId,
                        Performer performer);
Event untimedAdded(std::int64_t sequence, const Instant& at, std::string clinicianId, std::string code,
                   std::chrono::minutes minutes, std::chrono::minutes assistantMinutes = {});
// An untimed service's new minutes (0 removes it); `index` is its place in SessionSummary::untimed.
Event untimedChanged(std::int64_t sequence, const Instant& at, std::string clinicianId, int index,
                     std::string code, std::chrono::minutes minutes, std::chrono::minutes assistantMinutes,
                     std::string reason);
Event withCodes(EventType type, std::int64_t sequence, const Instant& at, std::string clinicianId,
                std::vector<std::string> codes);  // diagnoses_set, tie_preference_set
Event withReason(EventType type, std::int64_t sequence, const Instant& at, std::string clinicianId,
                 std::string reason);  // session_reopened, session_voided
Event segmentEdited(std::int64_t sequence, const Instant& at, std::string clinicianId, int segmentIndex,
                    WallTime oldStart, WallTime oldEnd, WallTime newStart, WallTime newEnd,
                    std::string reason);
// A segment's activity code and performer corrected (segment_recoded).
Event segmentRecoded(std::int64_t sequence, const Instant& at, std::string clinicianId, int segmentIndex,
                     WallTime oldStart, WallTime oldEnd, std::string code, Performer performer,
                     std::string reason);
Event segmentDeleted(std::int64_t sequence, const Instant& at, std::string clinicianId, int segmentIndex,
                     WallTime oldStart, WallTime oldEnd, std::string reason);
Event segmentAdded(std::int64_t sequence, const Instant& at, std::string clinicianId, std::string code,
                   Performer performer, ActivityMode mode, WallTime start, WallTime end, std::string reason);
// Splits segment `segmentIndex` at `splitAt` into two segments of the same activity (segment_split).
Event segmentSplit(std::int64_t sequence, const Instant& at, std::string clinicianId, int segmentIndex,
                   WallTime oldStart, WallTime oldEnd, WallTime splitAt, std::string reason);

}  // namespace unitclock::core
