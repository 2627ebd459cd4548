// The session screen: activity tiles, the running clock, pauses, the performer and untimed services.
#include <algorithm>

#include <unitclock/core/catalog.h>
#include <unitclock/core/day.h>
#include <unitclock/core/payer.h>

#include "format.h"
#include "presenters.h"

namespace unitclock::app {

using namespace std::chrono_literals;
using core::Performer;
using core::SessionStatus;

// "OT evaluation, low complexity · 30 min, 10 by assistant": one row of a session's untimed list (the
// code is on the row's button).
std::vector<UntimedRowView> untimedRows(const KioskContext& ctx, const core::SessionSummary& sum) {
  std::vector<UntimedRowView> rows;
  for (int i = 0; i < static_cast<int>(sum.untimed.size()); ++i) {
    const auto& u = sum.untimed[static_cast<std::size_t>(i)];
    std::string text = ctx.codeName(u.code) + " · " + std::to_string(u.minutes.count()) + " min";
    if (u.assistantMinutes.count() > 0)
      text += ", " + std::to_string(u.assistantMinutes.count()) + " by assistant";
    rows.push_back({i, u.code, std::move(text)});
  }
  return rows;
}

void SessionPresenter::enter() {
  m_pauseOpen = false;
  m_untimedOpen = false;
  m_untimedMinutes = 0;
  m_confirmEnd = false;
}

std::string SessionPresenter::oneOnOneElsewhere(const std::string& clinicianId, core::Instant now) const {
  const auto* current = m_ctx.current();
  for (const auto& [id, other] : m_ctx.book.sessions()) {
    if (current != nullptr && id == current->header().id) continue;
    if (other.status() != SessionStatus::open) continue;
    const auto sum = other.derive(now);
    if (!sum.running || sum.running->mode != core::ActivityMode::one_on_one || sum.segments.empty()) continue;
    const auto seq = sum.segments.back().startSequence;
    const auto& events = other.events();
    if (seq < 1 || static_cast<std::size_t>(seq) > events.size()) continue;
    if (events[static_cast<std::size_t>(seq - 1)].clinicianId == clinicianId)
      return other.header().patient.initials;
  }
  return {};
}

SessionView SessionPresenter::build() const {
  SessionView v;
  const auto* s = m_ctx.current();
  if (s == nullptr) return v;
  const auto now = m_ctx.clock.now();
  const auto& catalog = m_ctx.rules.catalog;
  const auto figures = m_ctx.figuresFor(*s);
  const auto& sum = figures.summary;
  const auto& h = s->header();
  v.sessionId = h.id;
  v.patient = h.patient.initials;
  v.context = m_ctx.payerLabel(h.payerProfile) + " · " + disciplineLabel(h.discipline) +
              (h.telehealth ? " · Telehealth" : "");
  v.ended = s->status() != SessionStatus::open;
  // A code's time so far, to the second, counted as the engine counts it (each performer's seconds, whole):
  // the big clock shows it, so its minutes are always the tile's and the units' minutes.
  auto timeOf = [&](const std::string& code) {
    std::chrono::milliseconds t{};
    for (const auto& c : sum.codes)
      if (c.code == code)
        t += std::chrono::floor<std::chrono::seconds>(c.therapist) +
             std::chrono::floor<std::chrono::seconds>(c.assistant);
    return t;
  };
  std::vector<std::string> codes;
  if (auto it = m_ctx.favourites.find(h.discipline); it != m_ctx.favourites.end()) codes = it->second;
  for (const auto& c : sum.codes)
    if (std::find(codes.begin(), codes.end(), c.code) == codes.end()) codes.push_back(c.code);
  for (const auto& code : codes) {
    const auto* info = catalog.find(code);
    if (info != nullptr && !info->timed && timeOf(code) == 0ms)
      continue;  // untimed: via "Add untimed service"
    v.tiles.push_back({code, m_ctx.codeName(code), minutesText(figures.codeMinutes(code)),
                       sum.running && sum.running->code == code});
  }
  if (sum.running) {
    v.runningName = sum.running->code + " " + m_ctx.codeName(sum.running->code) +
                    (sum.running->performer == Performer::assistant ? " (assistant)" : "");
    // The activity's whole time in this session, as its tile and the units count it: a performer switch
    // or a second turn on the same activity continues it instead of starting again at 0:00.
    v.clock = m_ctx.formatClock(timeOf(sum.running->code));
    v.clockLabel = "on " + sum.running->code + " in this session";
  } else if (sum.pausedFor) {
    v.paused = true;
    const auto pausedFor = sum.pauses.empty() ? 0ms : sum.pauses.back().end - sum.pauses.back().start;
    v.pausedText = "Paused: " + pauseLabel(*sum.pausedFor);
    v.clock = m_ctx.formatClock(pausedFor);
  }
  // While paused the reason chips stay at hand until one is chosen (then behind "Reason").
  v.confirmEnd = m_confirmEnd;
  v.pauseChipsOpen = v.paused && (m_pauseOpen || *sum.pausedFor == core::PauseReason::not_given);
  for (auto r : {core::PauseReason::rest, core::PauseReason::toileting, core::PauseReason::waiting,
                 core::PauseReason::equipment, core::PauseReason::other})
    v.pauseReasons.push_back(
        {std::string(core::toString(r)), pauseLabel(r), v.paused && *sum.pausedFor == r});
  v.assistant =
      sum.running ? sum.running->performer == Performer::assistant : m_performer == Performer::assistant;
  v.untimedOpen = m_untimedOpen;
  v.untimedMinutes = m_untimedMinutes;
  v.untimed = untimedRows(m_ctx, sum);
  for (const auto& info : catalog.codes()) {
    if (info.timed || info.group || !info.allowsDiscipline(h.discipline)) continue;
    v.untimedCodes.push_back({info.code, info.shortName, false});
  }
  const auto& payer = m_ctx.payerOf(h.payerProfile);
  v.bar.timed = "Timed " + std::to_string(figures.timed.count()) + " min";
  v.bar.treatment = "Treatment " + std::to_string(figures.treatment.count()) + " min";
  if (figures.units) {
    const auto& u = *figures.units;
    v.bar.units = unitsText(u.totalUnits) + " (" + payerLabel(payer) +
                  (payer.rule == core::UnitRule::cms ? ", 8-minute rule)" : ", per code)");
    const bool hint = m_ctx.settings.showNextUnit;
    if (hint && payer.rule == core::UnitRule::cms) {
      v.bar.nextUnit =
          "Next unit in " + std::to_string(core::minutesToNextCmsUnit(u.totalTimed).count()) + " min";
    } else if (hint && sum.running) {
      // Per-code rule: the running code's own next unit (its midpoint, then every unit length after it).
      if (const auto* info = catalog.find(sum.running->code); info != nullptr && info->timed) {
        const auto m = figures.codeMinutes(sum.running->code);
        const int have = core::unitsByMidpoint(m, info->unitLength, info->midpoint);
        const auto nextAt = info->midpoint + info->unitLength * have;
        v.bar.nextUnit =
            "Next unit of " + sum.running->code + " in " + std::to_string((nextAt - m).count()) + " min";
      }
    }
  } else {
    v.bar.units = "Units: " + figures.error;
  }
  v.error = m_ctx.error;
  if (!m_ctx.lockedClinician.empty()) {
    v.locked = true;
    v.lockedNote = (m_ctx.message.empty() ? std::string("Locked.") : m_ctx.message) + " " +
                   m_ctx.clinicianName(m_ctx.lockedClinician) +
                   "'s timers still work with one tap; Unlock for Home, untimed services and End.";
  }
  return v;
}

void SessionPresenter::event(core::Event e) {
  auto* s = m_ctx.current();
  if (s == nullptr) return;
  auto r = m_ctx.record(*s, std::move(e));
  m_ctx.error = r ? std::string() : r.error();
}

void SessionPresenter::apply(const Intent& intent) {
  const auto now = m_ctx.clock.now();
  const auto& who = m_ctx.actor();  // on a locked screen: the session's clinician
  const auto* s = m_ctx.current();
  m_confirmEnd = false;  // any tap withdraws "End this session?"
  std::visit(
      Overloaded{
          [&](const intent::StartActivity& i) {
            if (s == nullptr) return;
            const auto sum = s->derive(now);
            if (sum.running && sum.running->code == i.code)
              return;  // already running: a second tap changes nothing
            // One clinician, one patient at a time in one-on-one (billing-rules.md §1.12): the second
            // patient's minutes could not be billed as one-on-one.
            if (const auto other = oneOnOneElsewhere(who, now); !other.empty()) {
              m_ctx.error = "You are in one-on-one with " + other +
                            " in another session. Stop or pause that activity first.";
              return;
            }
            const auto performer = sum.running ? sum.running->performer : m_performer;
            event(core::activityStarted(0, now, who, i.code, performer));
            m_pauseOpen = false;
          },
          [&](const intent::StopActivity&) {
            event(core::makeEvent(core::EventType::activity_stopped, 0, now, who));
            m_pauseOpen = false;
          },
          [&](const intent::TogglePauseReasons&) { m_pauseOpen = !m_pauseOpen; },
          [&](const intent::Pause& i) {
            // Billing stops at the tap; the reason is asked for while paused.
            event(core::paused(0, now, who,
                               core::parsePauseReason(i.reason).value_or(core::PauseReason::not_given)));
            m_pauseOpen = false;
          },
          [&](const intent::SetPauseReason& i) {
            if (auto r = core::parsePauseReason(i.reason); r && *r != core::PauseReason::not_given)
              event(core::pauseReasonSet(0, now, who, *r));
            m_pauseOpen = false;
          },
          [&](const intent::Resume&) { event(core::makeEvent(core::EventType::resumed, 0, now, who)); },
          [&](const intent::SetPerformer& i) {
            m_performer = i.performer;
            if (s == nullptr) return;
            const auto sum = s->derive(now);
            if (sum.running && sum.running->performer != i.performer)
              event(core::performerSwitched(0, now, who, i.performer));
          },
          [&](const intent::ToggleUntimed&) {
            m_untimedOpen = !m_untimedOpen;
            m_untimedMinutes = 0;
          },
          [&](const intent::AdjustUntimedMinutes& i) {
            m_untimedMinutes = std::clamp(m_untimedMinutes + static_cast<int>(i.delta.count()), 0, 240);
          },
          [&](const intent::AddUntimed& i) {
            if (m_untimedMinutes <= 0) {
              m_ctx.error = "Set the service's minutes first.";
              return;
            }
            const auto minutes = std::chrono::minutes(m_untimedMinutes);
            event(core::untimedAdded(0, now, who, i.code, minutes,
                                     m_performer == Performer::assistant ? minutes : 0min));
            if (m_ctx.error.empty()) {
              m_untimedOpen = false;
              m_untimedMinutes = 0;
            }
          },
          [&](const intent::RemoveUntimed& i) {
            if (s == nullptr) return;
            const auto sum = s->derive(now);
            if (i.index < 0 || i.index >= static_cast<int>(sum.untimed.size())) return;
            const auto& u = sum.untimed[static_cast<std::size_t>(i.index)];
            event(
                core::untimedChanged(0, now, who, i.index, u.code, 0min, 0min, "removed during the session"));
          },
          [&](const intent::EndSession&) {
            if (s != nullptr && s->status() == SessionStatus::open) {
              m_confirmEnd = true;  // asked once: ending stops every timer of the session
              return;
            }
            m_nav.go(Screen::kReview);
          },
          [&](const intent::ConfirmEndSession&) {
            if (s != nullptr && s->status() == SessionStatus::open) {
              event(core::makeEvent(core::EventType::session_ended, 0, now, who));
              if (!m_ctx.error.empty()) return;
            }
            m_nav.go(Screen::kReview);
          },
          [&](const intent::GoHome&) { m_nav.go(Screen::kHome); },
          [](const auto&) {},
      },
      intent);
}

}  // namespace unitclock::app
