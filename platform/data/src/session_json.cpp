#include <nlohmann/json.hpp>

#include <unitclock/platform/session_json.h>
#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdio>
#include <limits>

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
  j[key(f::kRun)] = e.runId;
  j[key(f::kMonotonicNs)] = static_cast<std::int64_t>(e.monotonic.count());
  return j;
}

namespace {

// Digits only: from_chars alone would take "-1" (a clock field of T-1:-1:-1Z).
bool parseDigits(std::string_view s, int& out) {
  if (s.empty()) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc{} && p == s.data() + s.size();
}

}  // namespace

std::optional<core::WallTime> parseWallTime(std::string_view t) {
  // YYYY-MM-DDTHH:MM:SS[.fff]Z
  if (t.size() < 20 || t.back() != 'Z' || (t[10] != 'T' && t[10] != 't') || t[4] != '-' || t[7] != '-' ||
      t[13] != ':' || t[16] != ':') {
    return std::nullopt;
  }
  int y = 0, mo = 0, d = 0, hh = 0, mm = 0, ss = 0;
  if (!parseDigits(t.substr(0, 4), y) || !parseDigits(t.substr(5, 2), mo) ||
      !parseDigits(t.substr(8, 2), d) || !parseDigits(t.substr(11, 2), hh) ||
      !parseDigits(t.substr(14, 2), mm) || !parseDigits(t.substr(17, 2), ss)) {
    return std::nullopt;
  }
  const std::chrono::year_month_day ymd{std::chrono::year{y}, std::chrono::month{static_cast<unsigned>(mo)},
                                        std::chrono::day{static_cast<unsigned>(d)}};
  if (y < 2000 || y > 2200 || !ymd.ok() || hh > 23 || mm > 59 || ss > 60) return std::nullopt;
  auto rest = t.substr(19, t.size() - 20);
  int millis = 0;
  if (!rest.empty()) {
    if (rest[0] != '.' || rest.size() < 2) return std::nullopt;
    int scale = 100;
    for (char c : rest.substr(1)) {
      if (!std::isdigit(static_cast<unsigned char>(c))) return std::nullopt;
      millis += (c - '0') * scale;
      scale /= 10;
    }
  }
  return core::WallTime{std::chrono::sys_days{ymd}} + std::chrono::hours{hh} + std::chrono::minutes{mm} +
         std::chrono::seconds{ss} + std::chrono::milliseconds{millis};
}

core::Result<core::Event, EventFieldError> eventFromJson(const nlohmann::json& j) {
  namespace f = event_field;
  using core::fail;
  auto bad = [](std::string_view field, std::string message) {
    return fail(EventFieldError{std::string(field), std::move(message)});
  };
  if (!j.is_object()) return bad("", "must be an object");
  static constexpr std::string_view kKnown[] = {
      f::kSequence,   f::kType,         f::kAt,          f::kClinician,        f::kCode,
      f::kPerformer,  f::kMode,         f::kPauseReason, f::kMinutes,          f::kAssistantMinutes,
      f::kCodes,      f::kSegmentIndex, f::kOldStart,    f::kOldEnd,           f::kNewStart,
      f::kNewEnd,     f::kReason,       f::kWallDeltaMs, f::kMonotonicDeltaMs, f::kRun,
      f::kMonotonicNs};
  for (const auto& [key, value] : j.items()) {
    if (std::find(std::begin(kKnown), std::end(kKnown), key) == std::end(kKnown))
      return bad(key, "is not a field of an event");
  }
  auto text = [&](std::string_view key, std::string& out,
                  std::size_t maxLen) -> std::optional<EventFieldError> {
    auto it = j.find(key);
    if (it == j.end() || it->is_null()) return std::nullopt;
    if (!it->is_string()) return EventFieldError{std::string(key), "must be a string"};
    out = it->get<std::string>();
    if (out.size() > maxLen) return EventFieldError{std::string(key), "is too long"};
    for (char ch : out) {
      const auto c = static_cast<unsigned char>(ch);
      const bool lineBreak = key == f::kReason && (c == '\n' || c == '\t');
      if ((c < 0x20 || c == 0x7F) && !lineBreak)
        return EventFieldError{std::string(key), "must not hold control characters"};
    }
    return std::nullopt;
  };
  auto integer = [&](std::string_view key, long long lo, long long hi,
                     std::optional<long long>& out) -> std::optional<EventFieldError> {
    auto it = j.find(key);
    if (it == j.end() || it->is_null()) return std::nullopt;
    if (!it->is_number_integer()) return EventFieldError{std::string(key), "must be an integer"};
    const auto v = it->get<long long>();
    if (v < lo || v > hi)
      return EventFieldError{std::string(key),
                             "must be between " + std::to_string(lo) + " and " + std::to_string(hi)};
    out = v;
    return std::nullopt;
  };
  auto time = [&](std::string_view key,
                  std::optional<core::WallTime>& out) -> std::optional<EventFieldError> {
    std::string t;
    if (auto e = text(key, t, 40)) return e;
    if (t.empty()) return std::nullopt;
    out = parseWallTime(t);
    if (!out)
      return EventFieldError{std::string(key), "must be a UTC timestamp like 2026-11-26T14:03:00.000Z"};
    return std::nullopt;
  };

  core::Event e;
  std::optional<long long> n;
  if (auto err = integer(f::kSequence, 1, 1'000'000, n)) return fail(*err);
  if (!n) return bad(f::kSequence, "is required");
  e.sequence = *n;
  std::string s;
  if (auto err = text(f::kType, s, 32)) return fail(*err);
  auto type = core::parseEventType(s);
  if (!type) return bad(f::kType, s.empty() ? "is required" : "'" + s + "' is not an event type");
  e.type = *type;
  std::optional<core::WallTime> at;
  if (auto err = time(f::kAt, at)) return fail(*err);
  if (!at) return bad(f::kAt, "is required");
  e.wall = *at;
  if (auto err = text(f::kClinician, e.clinicianId, 64)) return fail(*err);
  if (auto err = text(f::kRun, e.runId, 64)) return fail(*err);
  // A log written before events carried their clock run: each event is its own run, so the session's
  // times are its wall times (docs/session-model.md, time policy across restarts).
  if (!j.contains(f::kRun)) e.runId = "legacy-" + std::to_string(e.sequence);
  n.reset();
  if (auto err = integer(f::kMonotonicNs, 0, std::numeric_limits<long long>::max(), n)) return fail(*err);
  e.monotonic = std::chrono::nanoseconds{n.value_or(0)};
  if (auto err = text(f::kCode, e.code, 8)) return fail(*err);
  s.clear();
  if (auto err = text(f::kPerformer, s, 16)) return fail(*err);
  if (!s.empty()) {
    e.performer = core::parsePerformer(s);
    if (!e.performer) return bad(f::kPerformer, "must be therapist or assistant");
  }
  s.clear();
  if (auto err = text(f::kMode, s, 16)) return fail(*err);
  if (!s.empty()) {
    e.mode = core::parseActivityMode(s);
    if (!e.mode) return bad(f::kMode, "must be one_on_one, group or co_treatment");
  }
  s.clear();
  if (auto err = text(f::kPauseReason, s, 16)) return fail(*err);
  if (!s.empty()) {
    e.pauseReason = core::parsePauseReason(s);
    if (!e.pauseReason) return bad(f::kPauseReason, "'" + s + "' is not a pause reason");
  }
  n.reset();
  if (auto err = integer(f::kMinutes, 0, 24 * 60, n)) return fail(*err);
  if (n) e.minutes = std::chrono::minutes{*n};
  n.reset();
  if (auto err = integer(f::kAssistantMinutes, 0, 24 * 60, n)) return fail(*err);
  if (n) e.assistantMinutes = std::chrono::minutes{*n};
  if (auto it = j.find(f::kCodes); it != j.end() && !it->is_null()) {
    if (!it->is_array() || it->size() > 8) return bad(f::kCodes, "must be a list of at most 8 codes");
    for (const auto& c : *it) {
      if (!c.is_string() || c.get_ref<const std::string&>().empty() ||
          c.get_ref<const std::string&>().size() > 8)
        return bad(f::kCodes, "must hold codes of 1 to 8 characters");
      for (char ch : c.get_ref<const std::string&>())
        if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '.')
          return bad(f::kCodes, "must hold letters, digits and dots only");
      e.codes.push_back(c.get<std::string>());
    }
  }
  n.reset();
  if (auto err = integer(f::kSegmentIndex, 0, 100'000, n)) return fail(*err);
  if (n) e.segmentIndex = static_cast<int>(*n);
  if (auto err = time(f::kOldStart, e.oldStart)) return fail(*err);
  if (auto err = time(f::kOldEnd, e.oldEnd)) return fail(*err);
  if (auto err = time(f::kNewStart, e.newStart)) return fail(*err);
  if (auto err = time(f::kNewEnd, e.newEnd)) return fail(*err);
  if (auto err = text(f::kReason, e.reason, 2000)) return fail(*err);
  constexpr long long kDay = 24LL * 3600 * 1000 * 366 * 200;  // any jump a clock can make, in ms
  n.reset();
  if (auto err = integer(f::kWallDeltaMs, -kDay, kDay, n)) return fail(*err);
  if (n) e.wallDelta = std::chrono::milliseconds{*n};
  n.reset();
  if (auto err = integer(f::kMonotonicDeltaMs, -kDay, kDay, n)) return fail(*err);
  if (n) e.monotonicDelta = std::chrono::milliseconds{*n};
  return e;
}

template nlohmann::json eventJson<nlohmann::json>(const core::Event& e);
template nlohmann::ordered_json eventJson<nlohmann::ordered_json>(const core::Event& e);

}  // namespace unitclock::platform
