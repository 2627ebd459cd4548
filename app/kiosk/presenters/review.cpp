// Review & sign: units per code, warnings, ties, segment edits, signing, corrections and voiding.
#include <algorithm>
#include <set>

#include <unitclock/core/catalog.h>

#include "format.h"
#include "presenters.h"

namespace unitclock::app {

using core::SessionStatus;

namespace {

// Why a signed session is corrected, or why a session is voided (kept with the event and in the audit log).
const std::vector<const char*> kCorrectionReasons = {"Times were wrong", "Wrong activity", "Late entry",
                                                     "Other reason"};
const std::vector<const char*> kVoidReasons = {"Entered in error", "Wrong patient", "Duplicate session",
                                               "Other reason"};
const std::vector<const char*> kEditReasons = {"Started late", "Forgot to stop", "Tapped wrong activity",
                                               "Other correction"};
const std::vector<const char*> kUntimedReasons = {"Wrong minutes", "Added by mistake", "Wrong service",
                                                  "Other correction"};

ReviewLineView lineFor(const core::Catalog& catalog, const core::UnitsResult& u, const core::CodeResult& c) {
  ReviewLineView l;
  l.code = c.billedAs.empty() ? c.code : c.code + " → " + c.billedAs;
  l.name = codeName(catalog, c.code);
  l.minutes = std::to_string(c.total.count()) + " min";
  if (c.assistant.count() > 0) l.assistant = std::to_string(c.assistant.count()) + " by assistant";
  l.units = std::to_string(c.units);
  l.zeroUnits = c.units == 0;
  std::set<std::string> mods;
  std::string modText;
  for (const auto& line : u.lines) {
    if (line.code != c.code && line.code != c.billedAs) {
      const auto* info = catalog.find(c.code);
      if (info == nullptr || line.code != info->addOnCode) continue;
    }
    for (const auto& m : line.modifiers)
      if (mods.insert(m).second) modText += (modText.empty() ? "" : " ") + m;
  }
  l.modifiers = modText.empty() ? "–" : modText;
  return l;
}

}  // namespace

void ReviewPresenter::enter() {
  m_editIndex = -1;
  m_untimedIndex = -1;
  m_panel = Panel::kNone;
  m_correctionReason.clear();
}

void ReviewPresenter::openVoidPanel(std::string reason) {
  m_panel = Panel::kVoid;
  m_correctionReason = std::move(reason);
}

ReviewView ReviewPresenter::build() const {
  ReviewView v;
  const auto* s = m_ctx.current();
  if (s == nullptr) return v;
  const auto sum = s->derive(m_ctx.clock.now(), m_ctx.rules.catalog);
  const auto& h = s->header();
  const auto& zone = m_ctx.zone;
  v.sessionId = h.id;
  v.patient = h.patient.initials;
  v.context = m_ctx.payerLabel(h.payerProfile) + " · " + disciplineLabel(h.discipline) +
              (h.telehealth ? " · Telehealth" : "");
  v.status =
      m_ctx.statusFor(*s, false) + (s->revision() > 1 ? " · revision " + std::to_string(s->revision()) : "");
  std::string dx;
  for (const auto& d : sum.diagnoses) dx += (dx.empty() ? "" : ", ") + d;
  v.diagnoses = "Diagnoses: " + (dx.empty() ? std::string("none") : dx);
  auto units = m_ctx.unitsFor(*s);
  if (units) {
    const auto& u = units.value();
    v.totals = "Timed " + std::to_string(u.totalTimed.count()) + " min · Treatment " +
               std::to_string(u.totalTreatment.count()) + " min · " + unitsText(u.totalUnits);
    for (const auto& c : u.codes) v.lines.push_back(lineFor(m_ctx.rules.catalog, u, c));
    for (const auto& w : u.warnings) v.warnings.push_back(w.message);
    for (const auto& t : u.ties) {
      TieView tv;
      std::string cand, award;
      for (const auto& c : t.candidates) cand += (cand.empty() ? "" : ", ") + c;
      for (const auto& c : t.awarded) award += (award.empty() ? "" : ", ") + c;
      tv.text = cand + " tie for " + unitsText(t.units) + "; it went to " + award + ".";
      if (s->status() == SessionStatus::ended) {
        for (const auto& c : t.candidates) {
          if (std::find(t.awarded.begin(), t.awarded.end(), c) != t.awarded.end()) continue;
          tv.choices.push_back({c, "Give unit to " + c, false});
        }
      }
      v.ties.push_back(std::move(tv));
    }
  } else {
    v.totals = "Units cannot be computed: " + units.error();
  }
  for (const auto& f : sum.flags) v.warnings.push_back(f.message);
  if (s->status() == SessionStatus::signed_) {
    if (const auto up = m_ctx.latestUpload(h.id); up && up->state == platform::OutboxState::rejected)
      v.warnings.insert(v.warnings.begin(), "The billing server rejected revision " +
                                                std::to_string(up->revision) + ": " + up->lastError +
                                                ". Tap Correct, fix it, and sign again.");
  }
  for (int i = 0; i < static_cast<int>(sum.segments.size()); ++i) {
    const auto& seg = sum.segments[static_cast<std::size_t>(i)];
    v.segments.push_back(
        {i, seg.code, timeOfDay(seg.start, zone, false) + "–" + timeOfDay(seg.end, zone, false),
         minutesText(seg.duration()), seg.performer == core::Performer::assistant ? "assistant" : "therapist",
         seg.edited});
  }
  v.canEdit = s->status() == SessionStatus::ended;
  v.untimed = untimedRows(m_ctx, sum);
  if (m_untimedIndex >= 0 && m_untimedIndex < static_cast<int>(sum.untimed.size())) {
    v.untimedEdit.index = m_untimedIndex;
    v.untimedEdit.code = sum.untimed[static_cast<std::size_t>(m_untimedIndex)].code;
    v.untimedEdit.minutes = m_untimedMinutes;
    for (const char* r : kUntimedReasons) v.untimedEdit.reasons.push_back({r, r, m_editReason == r});
    v.untimedEdit.canSave = !m_editReason.empty();
  }
  if (s->status() == SessionStatus::ended) {
    auto choices = diagnosisFavourites(m_ctx.settings);
    for (const auto& d : sum.diagnoses)  // set at the start but not a favourite: still shown, removable
      if (std::none_of(choices.begin(), choices.end(), [&](const auto& c) { return c.first == d; }))
        choices.emplace_back(d, "");
    for (const auto& [code, label] : choices) {
      const bool set = std::find(sum.diagnoses.begin(), sum.diagnoses.end(), code) != sum.diagnoses.end();
      v.diagnosisChoices.push_back({code, label.empty() ? code : code + " " + label, set});
    }
  }
  // A claim needs a diagnosis; an edit left open would sign what the screen does not show.
  if (s->status() == SessionStatus::ended && sum.diagnoses.empty())
    v.signBlocked = "Add a diagnosis to sign.";
  else if (s->status() == SessionStatus::ended && (m_editIndex >= 0 || m_untimedIndex >= 0))
    v.signBlocked = "Save or cancel the edit to sign.";
  v.canSign = s->status() == SessionStatus::ended && v.signBlocked.empty();
  v.canCorrect = s->status() == SessionStatus::signed_ || s->status() == SessionStatus::synced;
  v.canVoid = s->status() == SessionStatus::ended || v.canCorrect;
  if (m_panel != Panel::kNone && (m_panel == Panel::kVoid ? v.canVoid : v.canCorrect)) {
    v.panel = m_panel == Panel::kVoid ? ReviewView::Panel::kVoid : ReviewView::Panel::kCorrect;
    const auto& reasons = m_panel == Panel::kVoid ? kVoidReasons : kCorrectionReasons;
    for (const char* r : reasons) v.correctionReasons.push_back({r, r, m_correctionReason == r});
    v.canConfirm = !m_correctionReason.empty();
  }
  if (m_editIndex >= 0 && m_editIndex < static_cast<int>(sum.segments.size())) {
    v.edit.index = m_editIndex;
    v.edit.code = sum.segments[static_cast<std::size_t>(m_editIndex)].code;
    v.edit.start = timeOfDay(m_editStart, zone, false);
    v.edit.end = timeOfDay(m_editEnd, zone, false);
    for (const char* r : kEditReasons) v.edit.reasons.push_back({r, r, m_editReason == r});
    v.edit.canSave = !m_editReason.empty();
  }
  v.message = m_ctx.error.empty() ? m_ctx.message : m_ctx.error;
  return v;
}

void ReviewPresenter::saveUntimed(const core::Session& s, const core::Instant& now, const std::string& who) {
  const auto sum = s.derive();
  if (m_untimedIndex >= static_cast<int>(sum.untimed.size())) {
    m_untimedIndex = -1;
    return;
  }
  const auto& u = sum.untimed[static_cast<std::size_t>(m_untimedIndex)];
  const auto minutes = std::chrono::minutes(m_untimedMinutes);
  // The assistant's share keeps its proportion: all of it stays all of it, none stays none.
  const auto assistant = u.assistantMinutes >= u.minutes ? minutes : std::min(u.assistantMinutes, minutes);
  event(core::untimedChanged(0, now, who, m_untimedIndex, u.code, minutes, assistant, m_editReason));
  if (m_ctx.error.empty()) {
    m_ctx.message = (minutes.count() == 0 ? "Untimed service " + u.code + " removed"
                                          : "Untimed service " + u.code + " changed") +
                    "; the reason is kept with the session.";
    m_untimedIndex = -1;
  }
}

void ReviewPresenter::event(core::Event e) {
  auto* s = m_ctx.current();
  if (s == nullptr) return;
  auto r = m_ctx.record(*s, std::move(e));
  m_ctx.error = r ? std::string() : r.error();
}

void ReviewPresenter::apply(const Intent& intent) {
  const auto now = m_ctx.clock.now();
  const auto& who = m_ctx.clinicianId;
  const auto* s = m_ctx.current();
  std::visit(
      Overloaded{
          [&](const intent::StartEdit& i) {
            if (s == nullptr) return;
            const auto sum = s->derive();
            if (i.segment < 0 || i.segment >= static_cast<int>(sum.segments.size())) {
              m_editIndex = -1;
              return;
            }
            m_editIndex = i.segment;
            m_untimedIndex = -1;  // one edit at a time
            m_editStart = sum.segments[static_cast<std::size_t>(i.segment)].start;
            m_editEnd = sum.segments[static_cast<std::size_t>(i.segment)].end;
            m_editReason.clear();
            m_ctx.error.clear();
          },
          [&](const intent::CancelEdit&) {
            m_editIndex = -1;
            m_untimedIndex = -1;
          },
          [&](const intent::StartUntimedEdit& i) {
            if (s == nullptr || s->status() != SessionStatus::ended) return;
            const auto sum = s->derive();
            if (i.index < 0 || i.index >= static_cast<int>(sum.untimed.size())) return;
            m_untimedIndex = i.index;
            m_editIndex = -1;
            m_untimedMinutes =
                static_cast<int>(sum.untimed[static_cast<std::size_t>(i.index)].minutes.count());
            m_editReason.clear();
            m_ctx.error.clear();
          },
          [&](const intent::AdjustUntimedEdit& i) {
            m_untimedMinutes = std::clamp(m_untimedMinutes + static_cast<int>(i.delta.count()), 0, 240);
          },
          [&](const intent::RemoveUntimedEdit&) { m_untimedMinutes = 0; },
          [&](const intent::AdjustEdit& i) {
            (i.end == intent::SegmentEnd::kStart ? m_editStart : m_editEnd) += i.delta;
          },
          [&](const intent::EditReason& i) { m_editReason = i.reason; },
          [&](const intent::SaveEdit&) {
            if (s != nullptr && m_untimedIndex >= 0) return saveUntimed(*s, now, who);
            if (s == nullptr || m_editIndex < 0) return;
            const auto sum = s->derive();
            if (m_editIndex >= static_cast<int>(sum.segments.size())) {
              m_editIndex = -1;
              return;
            }
            const auto& seg = sum.segments[static_cast<std::size_t>(m_editIndex)];
            event(core::segmentEdited(0, now, who, m_editIndex, seg.start, seg.end, m_editStart, m_editEnd,
                                      m_editReason));
            if (m_ctx.error.empty()) {
              m_editIndex = -1;
              m_ctx.message = "Segment edited; the reason is kept with the session.";
            }
          },
          [&](const intent::PreferTie& i) {
            event(core::withCodes(core::EventType::tie_preference_set, 0, now, who, {i.code}));
          },
          [&](const intent::ToggleReviewDiagnosis& i) {
            if (s == nullptr || s->status() != SessionStatus::ended) return;
            auto codes = s->derive(now).diagnoses;
            if (auto it = std::find(codes.begin(), codes.end(), i.code); it != codes.end()) {
              codes.erase(it);
            } else if (codes.size() >= 4) {
              m_ctx.error = "A claim carries at most four diagnoses; remove one first.";
              return;
            } else {
              codes.push_back(i.code);
            }
            event(core::withCodes(core::EventType::diagnoses_set, 0, now, who, std::move(codes)));
          },
          [&](const intent::TogglePanel& i) {
            const Panel want = i.panel == ReviewView::Panel::kVoid      ? Panel::kVoid
                               : i.panel == ReviewView::Panel::kCorrect ? Panel::kCorrect
                                                                        : Panel::kNone;
            m_panel = want == m_panel ? Panel::kNone : want;  // tapping the same button again closes it
            m_correctionReason.clear();
            m_editIndex = -1;
            m_ctx.error.clear();
          },
          [&](const intent::CorrectionReason& i) { m_correctionReason = i.reason; },
          [&](const intent::Reopen&) {
            if (s == nullptr || m_panel != Panel::kCorrect) return;
            m_ctx.refreshFromStore();
            auto* cur = m_ctx.current();
            if (cur == nullptr) return;
            auto r = m_ctx.record(*cur, core::withReason(core::EventType::session_reopened, 0,
                                                         m_ctx.clock.now(), who, m_correctionReason));
            if (!r) {
              m_ctx.error = r.error();
              return;
            }
            m_panel = Panel::kNone;
            m_correctionReason.clear();
            m_ctx.lastSigned.clear();
            m_ctx.error.clear();
            m_ctx.message = "Revision " + std::to_string(cur->revision()) +
                            ": edit the segments, then sign again. The signed revision stays on record.";
          },
          [&](const intent::Void&) {
            if (s == nullptr || m_panel != Panel::kVoid || m_correctionReason.empty()) return;
            m_nav.askPin({PinPurpose::kVoid, who, {}, m_correctionReason});
          },
          [&](const intent::Sign&) {
            if (!build().canSign) return;  // no diagnosis, or an edit open: the screen says which
            m_nav.askPin({PinPurpose::kSign, who, {}, {}});
          },
          [](const auto&) {},
      },
      intent);
}

}  // namespace unitclock::app
