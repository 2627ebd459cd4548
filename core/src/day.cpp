#include <unitclock/core/day.h>

#include <algorithm>
#include <optional>
#include <utility>

namespace unitclock::core {

namespace {

using std::chrono::milliseconds;
using std::chrono::sys_seconds;

struct Accumulated {
  std::string code;
  WallTime first{};
  milliseconds therapist{};  // for untimed services: everyone's time except the assistant's
  milliseconds assistant{};
  std::vector<TimeBlock> blocks;
};

Accumulated& entry(std::vector<Accumulated>& list, const std::string& code, WallTime at) {
  auto it = std::find_if(list.begin(), list.end(), [&](const Accumulated& a) { return a.code == code; });
  if (it == list.end()) {
    list.push_back(Accumulated{code, at, {}, {}, {}});
    return list.back();
  }
  it->first = std::min(it->first, at);
  return *it;
}

std::chrono::seconds toSeconds(milliseconds ms) {
  return std::chrono::floor<std::chrono::seconds>(ms);
}

EngineInput buildInput(const SessionHeader& header, const SessionSummary& summary,
                       std::optional<WallTime> from, std::optional<WallTime> to, const Catalog& catalog) {
  EngineInput in;
  in.discipline = header.discipline;
  in.telehealth = header.telehealth;
  in.diagnoses = summary.diagnoses;
  in.tiePreference = summary.tiePreference;
  if (summary.status == SessionStatus::voided) return in;

  std::vector<Accumulated> timed;
  std::vector<Accumulated> untimed;
  for (const Segment& seg : summary.segments) {
    const WallTime start = from ? std::max(seg.start, *from) : seg.start;
    const WallTime end = to ? std::min(seg.end, *to) : seg.end;
    if (end <= start) continue;
    const CodeInfo* info = catalog.find(seg.code);
    const bool group = seg.mode == ActivityMode::group;
    const bool isTimed = !group && (info == nullptr || info->timed);  // unknown codes: the engine names them
    Accumulated& acc =
        entry(isTimed ? timed : untimed, group ? std::string(kGroupTherapyCode) : seg.code, start);
    (seg.performer == Performer::assistant ? acc.assistant : acc.therapist) += end - start;
    acc.blocks.push_back(TimeBlock{std::chrono::floor<std::chrono::seconds>(start),
                                   std::chrono::floor<std::chrono::seconds>(end), seg.performer});
  }
  for (const UntimedEntry& u : summary.untimed) {
    if ((from && u.at < *from) || (to && u.at >= *to)) continue;
    Accumulated& acc = entry(untimed, u.code, u.at);
    acc.therapist += u.minutes - u.assistantMinutes;
    acc.assistant += u.assistantMinutes;
  }

  const auto byFirst = [](const Accumulated& a, const Accumulated& b) { return a.first < b.first; };
  std::stable_sort(timed.begin(), timed.end(), byFirst);
  std::stable_sort(untimed.begin(), untimed.end(), byFirst);
  for (Accumulated& a : timed) {
    in.timed.push_back(
        TimedService{std::move(a.code), toSeconds(a.therapist), toSeconds(a.assistant), std::move(a.blocks)});
  }
  for (Accumulated& a : untimed) {
    in.untimed.push_back(UntimedService{std::move(a.code), toSeconds(a.therapist + a.assistant),
                                        toSeconds(a.assistant), std::move(a.blocks)});
  }
  return in;
}

}  // namespace

EngineInput dayInput(const SessionHeader& header, const SessionSummary& summary, sys_seconds dayStart,
                     sys_seconds dayEnd, const Catalog& catalog) {
  return buildInput(header, summary, WallTime{dayStart}, WallTime{dayEnd}, catalog);
}

EngineInput sessionInput(const SessionHeader& header, const SessionSummary& summary, const Catalog& catalog) {
  return buildInput(header, summary, std::nullopt, std::nullopt, catalog);
}

Result<EngineInput, std::string> patientDayInput(const std::vector<const Session*>& sessions,
                                                 sys_seconds dayStart, sys_seconds dayEnd,
                                                 const Catalog& catalog) {
  if (sessions.empty()) return fail(std::string("No sessions were given for the day."));
  const SessionHeader& first = sessions.front()->header();
  std::vector<EngineInput> inputs;
  inputs.reserve(sessions.size());
  for (const Session* s : sessions) {
    const SessionHeader& h = s->header();
    if (h.patient.mrn != first.patient.mrn) {
      return fail("Session " + h.id + " is for another patient than session " + first.id + ".");
    }
    if (h.discipline != first.discipline) {
      return fail("Session " + h.id + " is " + std::string(toString(h.discipline)) + ", session " + first.id +
                  " is " + std::string(toString(first.discipline)) +
                  "; each discipline is billed on its own.");
    }
    if (s->status() == SessionStatus::voided) continue;  // not even its diagnoses or telehealth flag
    inputs.push_back(dayInput(h, s->derive(catalog), dayStart, dayEnd, catalog));
  }
  if (inputs.empty()) {
    EngineInput nothing;
    nothing.discipline = first.discipline;
    return nothing;
  }
  return mergeInputs(inputs);
}

}  // namespace unitclock::core
