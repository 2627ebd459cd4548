#include <nlohmann/json.hpp>

#include <unitclock/platform/session_json.h>
#include <cstdio>

namespace unitclock::platform {

std::string formatWallTime(core::WallTime t) {
  auto day = std::chrono::floor<std::chrono::days>(t);
  std::chrono::year_month_day ymd{day};
  std::chrono::hh_mm_ss<std::chrono::milliseconds> hms{
      std::chrono::duration_cast<std::chrono::milliseconds>(t - day)};
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02ld:%02ld:%02ld.%03ldZ", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                static_cast<long>(hms.hours().count()), static_cast<long>(hms.minutes().count()),
                static_cast<long>(hms.seconds().count()), static_cast<long>(hms.subseconds().count()));
  return buf;
}

template <class Json>
Json eventJson(const core::Event& e) {
  namespace f = event_field;
  auto key = [](std::string_view k) { return std::string(k); };
  Json j;
  j[key(f::kSequence)] = e.sequence;
  j[key(f::kType)] = std::string(core::toString(e.type));
  j[key(f::kAt)] = formatWallTime(e.wall);
  j[key(f::kClinician)] = e.clinicianId;
  if (!e.code.empty()) j[key(f::kCode)] = e.code;
  if (e.performer) j[key(f::kPerformer)] = std::string(core::toString(*e.performer));
  if (e.mode) j[key(f::kMode)] = std::string(core::toString(*e.mode));
  if (e.pauseReason) j[key(f::kPauseReason)] = std::string(core::toString(*e.pauseReason));
  if (e.minutes) j[key(f::kMinutes)] = e.minutes->count();
  if (e.assistantMinutes) j[key(f::kAssistantMinutes)] = e.assistantMinutes->count();
  if (!e.codes.empty()) j[key(f::kCodes)] = e.codes;
  if (e.segmentIndex) j[key(f::kSegmentIndex)] = *e.segmentIndex;
  if (e.oldStart) j[key(f::kOldStart)] = formatWallTime(*e.oldStart);
  if (e.oldEnd) j[key(f::kOldEnd)] = formatWallTime(*e.oldEnd);
  if (e.newStart) j[key(f::kNewStart)] = formatWallTime(*e.newStart);
  if (e.newEnd) j[key(f::kNewEnd)] = formatWallTime(*e.newEnd);
  if (!e.reason.empty()) j[key(f::kReason)] = e.reason;
  if (e.wallDelta) j[key(f::kWallDeltaMs)] = e.wallDelta->count();
  if (e.monotonicDelta) j[key(f::kMonotonicDeltaMs)] = e.monotonicDelta->count();
  return j;
}

template nlohmann::json eventJson<nlohmann::json>(const core::Event& e);
template nlohmann::ordered_json eventJson<nlohmann::ordered_json>(const core::Event& e);

}  // namespace unitclock::platform
