#include <unitclock/core/events.h>

#include <array>
#include <utility>

namespace unitclock::core {
namespace {

// Index = enumerator value; the names are persisted and sent to the server: never rename one.
constexpr std::array<std::string_view, 23> kEventTypeNames{
    "session_opened",   "activity_started", "activity_stopped",
    "paused",           "resumed",          "performer_switched",
    "untimed_added",    "diagnoses_set",    "tie_preference_set",
    "session_ended",    "segment_edited",   "session_signed",
    "session_reopened", "session_voided",   "session_synced",
    "clock_jump",       "app_restarted",    "pause_reason_set",
    "untimed_changed",  "segment_recoded",  "segment_deleted",
    "segment_added",    "segment_split",
};
constexpr std::array<std::string_view, 3> kModeNames{"one_on_one", "group", "co_treatment"};
constexpr std::array<std::string_view, 6> kPauseNames{"rest",      "toileting", "waiting",
                                                      "equipment", "other",     "not_given"};

static_assert(kEventTypeNames.size() == static_cast<std::size_t>(EventType::segment_split) + 1);
static_assert(kModeNames.size() == static_cast<std::size_t>(ActivityMode::co_treatment) + 1);
static_assert(kPauseNames.size() == static_cast<std::size_t>(PauseReason::not_given) + 1);

template <class Enum, std::size_t N>
std::optional<Enum> parseName(const std::array<std::string_view, N>& names, std::string_view text) noexcept {
  for (std::size_t i = 0; i < N; ++i) {
    if (names[i] == text) return static_cast<Enum>(i);
  }
  return std::nullopt;
}

}  // namespace

bool isSegmentCorrection(EventType type) noexcept {
  return type == EventType::segment_edited || type == EventType::segment_recoded ||
         type == EventType::segment_deleted || type == EventType::segment_added ||
         type == EventType::segment_split;
}

std::string_view toString(EventType type) noexcept {
  return kEventTypeNames[static_cast<std::size_t>(type)];
}
std::string_view toString(ActivityMode mode) noexcept {
  return kModeNames[static_cast<std::size_t>(mode)];
}
std::string_view toString(PauseReason reason) noexcept {
  return kPauseNames[static_cast<std::size_t>(reason)];
}

std::optional<EventType> parseEventType(std::string_view text) noexcept {
  return parseName<EventType>(kEventTypeNames, text);
}
std::optional<ActivityMode> parseActivityMode(std::string_view text) noexcept {
  return parseName<ActivityMode>(kModeNames, text);
}
std::optional<PauseReason> parsePauseReason(std::string_view text) noexcept {
  return parseName<PauseReason>(kPauseNames, text);
}

Event makeEvent(EventType type, std::int64_t sequence, const Instant& at, std::string clinicianId) {
  Event e;
  e.sequence = sequence;
  e.type = type;
  e.wall = at.wall;
  e.runId = at.runId;
  e.monotonic = at.monotonic;
  e.clinicianId = std::move(clinicianId);
  return e;
}

Event activityStarted(std::int64_t sequence, const Instant& at, std::string clinicianId, std::string code,
                      Performer performer, ActivityMode mode) {
  Event e = makeEvent(EventType::activity_started, sequence, at, std::move(clinicianId));
  e.code = std::move(code);
  e.performer = performer;
  e.mode = mode;
  return e;
}

Event paused(std::int64_t sequence, const Instant& at, std::string clinicianId, PauseReason reason) {
  Event e = makeEvent(EventType::paused, sequence, at, std::move(clinicianId));
  e.pauseReason = reason;
  return e;
}

Event pauseReasonSet(std::int64_t sequence, const Instant& at, std::string clinicianId, PauseReason reason) {
  Event e = makeEvent(EventType::pause_reason_set, sequence, at, std::move(clinicianId));
  e.pauseReason = reason;
  return e;
}

Event performerSwitched(std::int64_t sequence, const Instant& at, std::string clinicianId,
                        Performer performer) {
  Event e = makeEvent(EventType::performer_switched, sequence, at, std::move(clinicianId));
  e.performer = performer;
  return e;
}

Event untimedAdded(std::int64_t sequence, const Instant& at, std::string clinicianId, std::string code,
                   std::chrono::minutes minutes, std::chrono::minutes assistantMinutes) {
  Event e = makeEvent(EventType::untimed_added, sequence, at, std::move(clinicianId));
  e.code = std::move(code);
  e.minutes = minutes;
  e.assistantMinutes = assistantMinutes;
  return e;
}

Event untimedChanged(std::int64_t sequence, const Instant& at, std::string clinicianId, int index,
                     std::string code, std::chrono::minutes minutes, std::chrono::minutes assistantMinutes,
                     std::string reason) {
  Event e = makeEvent(EventType::untimed_changed, sequence, at, std::move(clinicianId));
  e.segmentIndex = index;
  e.code = std::move(code);
  e.minutes = minutes;
  e.assistantMinutes = assistantMinutes;
  e.reason = std::move(reason);
  return e;
}

Event withCodes(EventType type, std::int64_t sequence, const Instant& at, std::string clinicianId,
                std::vector<std::string> codes) {
  Event e = makeEvent(type, sequence, at, std::move(clinicianId));
  e.codes = std::move(codes);
  return e;
}

Event withReason(EventType type, std::int64_t sequence, const Instant& at, std::string clinicianId,
                 std::string reason) {
  Event e = makeEvent(type, sequence, at, std::move(clinicianId));
  e.reason = std::move(reason);
  return e;
}

Event segmentEdited(std::int64_t sequence, const Instant& at, std::string clinicianId, int segmentIndex,
                    WallTime oldStart, WallTime oldEnd, WallTime newStart, WallTime newEnd,
                    std::string reason) {
  Event e = makeEvent(EventType::segment_edited, sequence, at, std::move(clinicianId));
  e.segmentIndex = segmentIndex;
  e.oldStart = oldStart;
  e.oldEnd = oldEnd;
  e.newStart = newStart;
  e.newEnd = newEnd;
  e.reason = std::move(reason);
  return e;
}

Event segmentRecoded(std::int64_t sequence, const Instant& at, std::string clinicianId, int segmentIndex,
                     WallTime oldStart, WallTime oldEnd, std::string code, Performer performer,
                     std::string reason) {
  Event e = makeEvent(EventType::segment_recoded, sequence, at, std::move(clinicianId));
  e.segmentIndex = segmentIndex;
  e.oldStart = oldStart;
  e.oldEnd = oldEnd;
  e.code = std::move(code);
  e.performer = performer;
  e.reason = std::move(reason);
  return e;
}

Event segmentDeleted(std::int64_t sequence, const Instant& at, std::string clinicianId, int segmentIndex,
                     WallTime oldStart, WallTime oldEnd, std::string reason) {
  Event e = makeEvent(EventType::segment_deleted, sequence, at, std::move(clinicianId));
  e.segmentIndex = segmentIndex;
  e.oldStart = oldStart;
  e.oldEnd = oldEnd;
  e.reason = std::move(reason);
  return e;
}

Event segmentAdded(std::int64_t sequence, const Instant& at, std::string clinicianId, std::string code,
                   Performer performer, ActivityMode mode, WallTime start, WallTime end, std::string reason) {
  Event e = makeEvent(EventType::segment_added, sequence, at, std::move(clinicianId));
  e.code = std::move(code);
  e.performer = performer;
  e.mode = mode;
  e.newStart = start;
  e.newEnd = end;
  e.reason = std::move(reason);
  return e;
}

Event segmentSplit(std::int64_t sequence, const Instant& at, std::string clinicianId, int segmentIndex,
                   WallTime oldStart, WallTime oldEnd, WallTime splitAt, std::string reason) {
  Event e = makeEvent(EventType::segment_split, sequence, at, std::move(clinicianId));
  e.segmentIndex = segmentIndex;
  e.oldStart = oldStart;
  e.oldEnd = oldEnd;
  e.newStart = splitAt;
  e.reason = std::move(reason);
  return e;
}

}  // namespace unitclock::core
