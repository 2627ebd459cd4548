// Review & sign: units per code, warnings, ties, segment edits, signing, corrections and voiding.
#include <algorithm>
#include <array>
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
// Why a segment is corrected, per correction (kept with the event and in the audit log).
const std::vector<const char*> kEditReasons = {"Started late", "Forgot to stop", "Tapped wrong activity",
                                               "Other correction"};
const std::vector<const char*> kActivityReasons = {"Tapped wrong activity", "Wrong performer",
                                                   "Other correction"};
const std::vector<const char*> kSplitReasons = {"Switched without a tap", "Other correction"};
const std::vector<const char*> kDeleteReasons = {"Tapped by mistake", "Duplicate", "Other correction"};
const std::vector<const char*> kAddReasons = {"Forgot to start", "Timed on paper", "Other correction"};
const std::vector<const char*> kUntimedReasons = {"Wrong minutes", "Added by mistake", "Wrong service",
                                                  "Other correction"};

// "Segment 2": numbered from 1, as the Events list and core's messages number them.
std::string segmentLabel(int index) {
  return "Segment " + std::to_string(index + 1);
}

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
  closeSegmentEdit();
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
  else if (s->status() == SessionStatus::ended && (segmentEditOpen() || m_untimedIndex >= 0))
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
  if (segmentEditOpen() && (m_adding || m_editIndex < static_cast<int>(sum.segments.size()))) {
    buildEdit(v.edit, *s, sum);
  }
  // A refusal shows in the error colour: inside the open edit, next to its Save, or else on its own.
  if (segmentEditOpen() && v.edit.error.empty()) v.edit.error = m_ctx.error;
  if (!segmentEditOpen() && m_untimedIndex < 0) v.error = m_ctx.error;
  if (m_ctx.error.empty()) v.message = m_ctx.message;
  return v;
}

void ReviewPresenter::buildEdit(SegmentEditView& e, const core::Session& s,
                                const core::SessionSummary& sum) const {
  using intent::EditKind;
  using intent::SegmentEnd;
  const auto& zone = m_ctx.zone;
  const auto hm = [&](core::WallTime t) { return timeOfDay(t, zone, false); };
  // A split inside a short segment can fall between whole minutes: then the seconds say where.
  const auto at = [&](core::WallTime t) {
    return timeOfDay(t, zone, std::chrono::floor<std::chrono::minutes>(t) != t);
  };
  e.index = m_adding ? -1 : m_editIndex;
  e.adding = m_adding;
  e.start = hm(m_editStart);
  e.end = hm(m_editEnd);
  const EditKind kind = m_adding ? EditKind::kTimes : m_editKind;
  if (m_adding) {
    e.code = m_editCode;
    e.title = "Add a missed segment";
  } else {
    const auto& seg = sum.segments[static_cast<std::size_t>(m_editIndex)];
    e.code = seg.code;
    e.title = "Edit " + std::to_string(m_editIndex + 1) + " · " + seg.code + ": " + hm(seg.start) + "–" +
              hm(seg.end);
    const std::array<std::pair<EditKind, const char*>, 4> kinds = {{{EditKind::kTimes, "Times"},
                                                                    {EditKind::kActivity, "Activity"},
                                                                    {EditKind::kSplit, "Split"},
                                                                    {EditKind::kDelete, "Delete"}}};
    for (const auto& [k, label] : kinds)
      e.kinds.push_back({std::to_string(static_cast<int>(k)), label, k == kind});
  }
  if (kind == EditKind::kTimes) {
    e.picker = true;
    e.times = "New times " + e.start + "–" + e.end;
    e.ends.push_back({"start", "Start", m_editTarget == SegmentEnd::kStart});
    e.ends.push_back({"end", "End", m_editTarget == SegmentEnd::kEnd});
  } else if (kind == EditKind::kSplit) {
    e.picker = true;
    e.times = "Split at " + at(m_splitAt);
    // The segment as recorded, whatever the Times picker was moved to before.
    const auto& seg = sum.segments[static_cast<std::size_t>(m_editIndex)];
    e.note = segmentLabel(m_editIndex) + " becomes two: " + at(seg.start) + "–" + at(m_splitAt) + " and " +
             at(m_splitAt) + "–" + at(seg.end) + "; change either one's activity after.";
  } else if (kind == EditKind::kDelete) {
    const auto& seg = sum.segments[static_cast<std::size_t>(m_editIndex)];
    e.note = segmentLabel(m_editIndex) + " (" + seg.code + ", " + hm(seg.start) + "–" + hm(seg.end) +
             ") leaves the claim; the log keeps it with the reason.";
  }
  if (m_adding || kind == EditKind::kActivity) {
    // The session's own codes first, then the discipline's tiles.
    std::vector<std::string> codes;
    for (const auto& c : sum.codes) codes.push_back(c.code);
    if (auto it = m_ctx.favourites.find(s.header().discipline); it != m_ctx.favourites.end())
      for (const auto& c : it->second)
        if (std::find(codes.begin(), codes.end(), c) == codes.end()) codes.push_back(c);
    for (const auto& c : codes) e.codes.push_back({c, c, c == m_editCode});
    e.performers.push_back({"therapist", "Therapist", m_editPerformer == core::Performer::therapist});
    e.performers.push_back({"assistant", "Assistant", m_editPerformer == core::Performer::assistant});
  }
  const auto& reasons = m_adding                      ? kAddReasons
                        : kind == EditKind::kActivity ? kActivityReasons
                        : kind == EditKind::kSplit    ? kSplitReasons
                        : kind == EditKind::kDelete   ? kDeleteReasons
                                                      : kEditReasons;
  for (const char* r : reasons) e.reasons.push_back({r, r, m_editReason == r});
  // Core's own check, before Save: the same rule, the same words as a refusal after it.
  const auto now = m_ctx.clock.now();
  if (auto pending = pendingEdit(s, now, m_ctx.clinicianId)) {
    pending->sequence = s.nextSequence();
    if (pending->reason.empty()) pending->reason = "(reason to come)";  // the chips say it is required
    if (auto ok = s.check(*pending); !ok) e.error = ok.error().message;
  }
  e.canSave = !m_editReason.empty() && e.error.empty();
  // The reasons can be below the fold on a small screen: the bar says what Save waits for.
  if (m_editReason.empty() && e.error.empty()) e.saveHint = "Choose a reason to save.";
}

std::optional<core::Event> ReviewPresenter::pendingEdit(const core::Session& s, const core::Instant& now,
                                                        const std::string& who) const {
  using intent::EditKind;
  if (m_adding) {
    return core::segmentAdded(0, now, who, m_editCode, m_editPerformer, core::ActivityMode::one_on_one,
                              m_editStart, m_editEnd, m_editReason);
  }
  const auto sum = s.derive();
  if (m_editIndex < 0 || m_editIndex >= static_cast<int>(sum.segments.size())) return std::nullopt;
  const auto& seg = sum.segments[static_cast<std::size_t>(m_editIndex)];
  switch (m_editKind) {
    case EditKind::kTimes:
      return core::segmentEdited(0, now, who, m_editIndex, seg.start, seg.end, m_editStart, m_editEnd,
                                 m_editReason);
    case EditKind::kActivity:
      return core::segmentRecoded(0, now, who, m_editIndex, seg.start, seg.end, m_editCode, m_editPerformer,
                                  m_editReason);
    case EditKind::kSplit:
      return core::segmentSplit(0, now, who, m_editIndex, seg.start, seg.end, m_splitAt, m_editReason);
    case EditKind::kDelete:
      return core::segmentDeleted(0, now, who, m_editIndex, seg.start, seg.end, m_editReason);
  }
  return std::nullopt;
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
            const auto& seg = sum.segments[static_cast<std::size_t>(i.segment)];
            m_editIndex = i.segment;
            m_adding = false;
            m_untimedIndex = -1;  // one edit at a time
            m_editKind = intent::EditKind::kTimes;
            m_editTarget = intent::SegmentEnd::kStart;
            m_editStart = seg.start;
            m_editEnd = seg.end;
            m_editCode = seg.code;
            m_editPerformer = seg.performer;
            // A split falls on the whole minute nearest the middle (or the exact middle of a short one).
            m_splitAt = std::chrono::round<std::chrono::minutes>(seg.start + seg.duration() / 2);
            if (m_splitAt <= seg.start || m_splitAt >= seg.end) m_splitAt = seg.start + seg.duration() / 2;
            m_editReason.clear();
            m_ctx.error.clear();
          },
          [&](const intent::StartAddSegment&) {
            if (s == nullptr || s->status() != SessionStatus::ended) return;
            const auto sum = s->derive();
            m_editIndex = -1;
            m_untimedIndex = -1;
            m_adding = true;
            m_editKind = intent::EditKind::kTimes;
            m_editTarget = intent::SegmentEnd::kStart;
            m_editPerformer = core::Performer::therapist;
            m_editCode = sum.codes.empty() ? std::string() : sum.codes.front().code;
            if (m_editCode.empty())
              if (auto it = m_ctx.favourites.find(s->header().discipline);
                  it != m_ctx.favourites.end() && !it->second.empty())
                m_editCode = it->second.front();
            // The first gap of a minute or more between segments, else the 15 minutes before the first one.
            m_editEnd = sum.segments.empty() ? s->events().front().wall : sum.segments.front().start;
            m_editStart = m_editEnd - std::chrono::minutes(15);
            for (std::size_t k = 1; k < sum.segments.size(); ++k) {
              if (sum.segments[k].start - sum.segments[k - 1].end >= std::chrono::minutes(1)) {
                m_editStart = sum.segments[k - 1].end;
                m_editEnd = sum.segments[k].start;
                break;
              }
            }
            m_editReason.clear();
            m_ctx.error.clear();
          },
          [&](const intent::CancelEdit&) {
            closeSegmentEdit();
            m_untimedIndex = -1;
            m_ctx.error.clear();
          },
          [&](const intent::ChooseEditKind& i) {
            if (m_adding) return;
            if (m_editKind != i.kind) m_editReason.clear();  // each correction has its own reasons
            m_editKind = i.kind;
            m_editTarget =
                i.kind == intent::EditKind::kSplit ? intent::SegmentEnd::kSplit : intent::SegmentEnd::kStart;
            m_ctx.error.clear();
          },
          [&](const intent::ChooseEditEnd& i) { m_editTarget = i.end; },
          [&](const intent::EditCode& i) { m_editCode = i.code; },
          [&](const intent::EditPerformer& i) { m_editPerformer = i.performer; },
          [&](const intent::StartUntimedEdit& i) {
            if (s == nullptr || s->status() != SessionStatus::ended) return;
            const auto sum = s->derive();
            if (i.index < 0 || i.index >= static_cast<int>(sum.untimed.size())) return;
            m_untimedIndex = i.index;
            closeSegmentEdit();  // one edit at a time
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
            (i.end == intent::SegmentEnd::kStart ? m_editStart
             : i.end == intent::SegmentEnd::kEnd ? m_editEnd
                                                 : m_splitAt) += i.delta;
            m_ctx.error.clear();
          },
          [&](const intent::EditReason& i) { m_editReason = i.reason; },
          [&](const intent::SaveEdit&) {
            if (s != nullptr && m_untimedIndex >= 0) return saveUntimed(*s, now, who);
            if (s == nullptr || !segmentEditOpen()) return;
            auto pending = pendingEdit(*s, now, who);
            if (!pending) {
              closeSegmentEdit();
              return;
            }
            const auto type = pending->type;
            event(std::move(*pending));
            if (m_ctx.error.empty()) {
              closeSegmentEdit();
              m_ctx.message = std::string(type == core::EventType::segment_added     ? "Segment added"
                                          : type == core::EventType::segment_deleted ? "Segment deleted"
                                          : type == core::EventType::segment_split   ? "Segment split in two"
                                          : type == core::EventType::segment_recoded ? "Activity changed"
                                                                                     : "Segment edited") +
                              "; the reason is kept with the session.";
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
            closeSegmentEdit();
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
