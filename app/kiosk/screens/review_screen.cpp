#include <algorithm>
#include <string>

#include "screens.h"

namespace unitclock::app {

namespace {

// Reason chips two to a row when they fit (a reason is up to ~10.5 em of bold text), else one per row,
// each as wide as the column so no reason is ever cut off.
template <class Chosen>  // EditReason or CorrectionReason
void drawReasonChips(Ui& ui, const std::vector<Choice>& reasons, Intents& out) {
  const float avail = ui.availableEm();
  const bool two = (avail - 0.5f) / 2.0f >= 10.5f;
  const float w = two ? (avail - 0.5f) / 2.0f : avail;
  for (std::size_t i = 0; i < reasons.size(); ++i) {
    if (two && i % 2 == 1) ui.sameLine();
    const auto& r = reasons[i];
    if (ui.button(r.label, w, r.selected ? Tone::kSelected : Tone::kNormal)) out.push_back(Chosen{r.id});
  }
}

void drawLines(const ReviewView& view, Ui& ui, Intents& out) {
  ui.text(view.totals, TextStyle::kBold);
  ui.text(view.diagnoses,
          view.diagnosisChoices.empty() || view.canSign ? TextStyle::kMuted : TextStyle::kWarning);
  if (!view.diagnosisChoices.empty()) {
    const float avail = ui.availableEm();
    const bool two = (avail - 0.5f) / 2.0f >= 11.0f;
    const float w = two ? (avail - 0.5f) / 2.0f : avail;
    for (std::size_t i = 0; i < view.diagnosisChoices.size(); ++i) {
      if (two && i % 2 == 1) ui.sameLine();
      const auto& d = view.diagnosisChoices[i];
      if (ui.button(d.label, w, d.selected ? Tone::kSelected : Tone::kNormal))
        out.push_back(intent::ToggleReviewDiagnosis{d.id});
    }
  }
  if (!view.message.empty()) ui.textWrapped(view.message, TextStyle::kSuccess);
  if (!view.error.empty()) ui.textWrapped(view.error, TextStyle::kError);
  // Minutes, units and modifiers have fixed widths (in em, so they grow with the text size); the code
  // column takes the rest and wraps the activity's name, so nothing is ever cut off.
  const ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_SizingFixedFit;
  if (ImGui::BeginTable("lines", 4, flags)) {
    ImGui::TableSetupColumn("Code", ImGuiTableColumnFlags_WidthStretch);
    ImGui::TableSetupColumn("Minutes", ImGuiTableColumnFlags_WidthFixed, ui.px(6.6f));
    ImGui::TableSetupColumn("Units", ImGuiTableColumnFlags_WidthFixed, ui.px(2.8f));
    ImGui::TableSetupColumn("Modifiers", ImGuiTableColumnFlags_WidthFixed, ui.px(4.6f));
    ImGui::TableNextRow();
    for (const char* h : {"Code", "Minutes", "Units", "Modifiers"}) {
      ImGui::TableNextColumn();
      ui.text(h, TextStyle::kMuted);
    }
    for (const auto& l : view.lines) {
      ImGui::TableNextRow();
      const TextStyle s = l.zeroUnits ? TextStyle::kMuted : TextStyle::kBody;
      ImGui::TableNextColumn();
      ui.textWrapped(l.code, TextStyle::kBold);
      ui.textWrapped(l.name, TextStyle::kMuted);
      ImGui::TableNextColumn();
      ui.textWrapped(l.minutes, s);
      if (!l.assistant.empty()) ui.textWrapped(l.assistant, TextStyle::kMuted);
      ImGui::TableNextColumn();
      ui.text(l.units, l.zeroUnits ? TextStyle::kWarning : TextStyle::kBold);
      ImGui::TableNextColumn();
      ui.textWrapped(l.modifiers, s);
    }
    ImGui::EndTable();
  }
  for (const auto& w : view.warnings) ui.textWrapped(w, TextStyle::kWarning);
  for (const auto& t : view.ties) {
    ui.textWrapped(t.text, TextStyle::kBody);
    for (std::size_t i = 0; i < t.choices.size(); ++i) {
      if (i > 0) ui.sameLine();
      if (ui.button(t.choices[i].label, 10.0f, t.choices[i].selected ? Tone::kSelected : Tone::kNormal))
        out.push_back(intent::PreferTie{t.choices[i].id});
    }
  }
}

// Chips `perRow` to a row when each stays at least `minEm` wide, else fewer; each as wide as its share.
template <class Emit>
void drawChips(Ui& ui, const std::vector<Choice>& chips, int perRow, float minEm, Emit emit) {
  const float avail = ui.availableEm();
  int n = std::max(1, std::min(perRow, static_cast<int>(chips.size())));
  while (n > 1 && (avail - 0.5f * static_cast<float>(n - 1)) / static_cast<float>(n) < minEm) --n;
  const float w = (avail - 0.5f * static_cast<float>(n - 1)) / static_cast<float>(n);
  for (std::size_t i = 0; i < chips.size(); ++i) {
    if (i % static_cast<std::size_t>(n) != 0) ui.sameLine();
    const auto& c = chips[i];
    if (ui.button(c.label, w, c.selected ? Tone::kSelected : Tone::kNormal, c.enabled)) emit(c);
  }
}

// The open segment correction: what it does (Times, Activity, Split, Delete), the time picker (the chosen
// time moves by -15 … +15 minutes a tap), the activity and performer, what is wrong before Save (in the
// error colour, next to what to change), the reason, Save and Cancel.
void drawSegmentEdit(const SegmentEditView& e, Ui& ui, Intents& out) {
  ui.textWrapped(e.title, TextStyle::kTitle);
  drawChips(ui, e.kinds, 4, 5.0f, [&](const Choice& c) {
    out.push_back(intent::ChooseEditKind{static_cast<intent::EditKind>(std::stoi(c.id))});
  });
  if (e.picker) {
    ui.text(e.times, TextStyle::kBold);
    drawChips(ui, e.ends, 2, 5.0f, [&](const Choice& c) {
      out.push_back(
          intent::ChooseEditEnd{c.id == "end" ? intent::SegmentEnd::kEnd : intent::SegmentEnd::kStart});
    });
    intent::SegmentEnd target = e.ends.empty() ? intent::SegmentEnd::kSplit : intent::SegmentEnd::kStart;
    for (const auto& c : e.ends)
      if (c.selected && c.id == "end") target = intent::SegmentEnd::kEnd;
    std::vector<Choice> steps;
    for (const char* step : {"-15", "-5", "-1", "+1", "+5", "+15"}) steps.push_back({step, step, false});
    drawChips(ui, steps, 6, 3.0f, [&](const Choice& c) {
      out.push_back(intent::AdjustEdit{target, std::chrono::minutes(std::stoi(c.id))});
    });
  }
  if (!e.codes.empty()) {
    ui.text("Activity", TextStyle::kMuted);
    drawChips(ui, e.codes, 4, 4.5f, [&](const Choice& c) { out.push_back(intent::EditCode{c.id}); });
    drawChips(ui, e.performers, 2, 6.0f, [&](const Choice& c) {
      out.push_back(intent::EditPerformer{c.id == "assistant" ? core::Performer::assistant
                                                              : core::Performer::therapist});
    });
  }
  if (!e.note.empty()) ui.textWrapped(e.note, TextStyle::kBody);
  if (!e.error.empty()) ui.textWrapped(e.error, TextStyle::kError);
  ui.text("Reason (required, kept with the session)", TextStyle::kMuted);
  drawReasonChips<intent::EditReason>(ui, e.reasons, out);
  ui.separator();  // Save and Cancel are in the bottom bar, in Sign's place: always in view
}

// `headingButton`: "Add a missed segment" on the heading's line (landscape, where the column is short of
// height, not width); else after the last segment (portrait, where the claim comes first).
void drawSegments(const ReviewView& view, Ui& ui, Intents& out, bool headingButton) {
  if (view.edit.index >= 0 || view.edit.adding) drawSegmentEdit(view.edit, ui, out);
  if (view.untimedEdit.index >= 0) {
    const auto& e = view.untimedEdit;
    ui.text("Untimed " + e.code + ": " +
                (e.minutes == 0 ? std::string("remove") : std::to_string(e.minutes) + " min"),
            TextStyle::kTitle);
    if (ui.button("-5 min##ue", 5.0f)) out.push_back(intent::AdjustUntimedEdit{std::chrono::minutes(-5)});
    ui.sameLine();
    if (ui.button("+5 min##ue", 5.0f)) out.push_back(intent::AdjustUntimedEdit{std::chrono::minutes(5)});
    ui.sameLine();
    if (ui.button("Remove##ue", 6.0f, e.minutes == 0 ? Tone::kSelected : Tone::kNormal))
      out.push_back(intent::RemoveUntimedEdit{});
    ui.text("Reason (required, kept with the session)", TextStyle::kMuted);
    drawReasonChips<intent::EditReason>(ui, e.reasons, out);
    ui.separator();
  }
  const bool canAdd = view.canEdit && !view.edit.adding;
  if (canAdd && headingButton) ImGui::AlignTextToFramePadding();
  ui.text("Segments", TextStyle::kBold);
  if (canAdd && headingButton) {
    ImGui::SameLine(
        std::max(ImGui::GetCursorPosX() + ui.px(0.5f), ImGui::GetWindowContentRegionMax().x - ui.px(11.0f)));
    if (ui.button("Add a missed segment", 11.0f, Tone::kQuiet)) out.push_back(intent::StartAddSegment{});
  }
  for (const auto& s : view.segments) {
    if (view.canEdit) {
      if (ui.button("Edit " + std::to_string(s.index + 1), 4.5f,
                    s.index == view.edit.index ? Tone::kSelected : Tone::kQuiet))
        out.push_back(intent::StartEdit{s.index});
      ui.sameLine();
    }
    ImGui::BeginGroup();
    ui.text(s.code + "  " + s.times + (s.edited ? "  (edited)" : ""), TextStyle::kBold);
    ui.text(s.minutes + " · " + s.performer, TextStyle::kMuted);
    ImGui::EndGroup();
  }
  if (canAdd && !headingButton && ui.button("Add a missed segment", 11.0f, Tone::kQuiet))
    out.push_back(intent::StartAddSegment{});

  if (view.untimed.empty()) return;
  ui.text("Untimed services", TextStyle::kBold);
  for (const auto& u : view.untimed) {
    if (view.canEdit) {
      if (ui.button("Change " + u.code + "##u" + std::to_string(u.index), 7.5f,
                    u.index == view.untimedEdit.index ? Tone::kSelected : Tone::kQuiet))
        out.push_back(intent::StartUntimedEdit{u.index});
      ui.sameLine();
      ImGui::AlignTextToFramePadding();
    }
    ui.textWrapped(u.text, TextStyle::kBody);
  }
}

// "Correct" or "Void session" on a signed (or, for voiding, ended) session: a reason first, then the
// confirmation. Voiding asks for the PIN.
void drawCorrectionPanel(const ReviewView& view, Ui& ui, Intents& out) {
  if (view.panel == ReviewView::Panel::kNone) return;
  const bool voiding = view.panel == ReviewView::Panel::kVoid;
  ui.text(voiding ? "Void this session" : "Correct this session", TextStyle::kTitle);
  ui.textWrapped(voiding ? "A voided session is not billed. It stays on record with the reason."
                         : "A correction makes a new revision: edit the segments, then sign again. The "
                           "signed revision and the reason stay on record.",
                 TextStyle::kMuted);
  ui.text("Reason (required)", TextStyle::kBold);
  drawReasonChips<intent::CorrectionReason>(ui, view.correctionReasons, out);
  if (voiding) {
    if (ui.button("Void with PIN", 9.0f, Tone::kDanger, view.canConfirm)) out.push_back(intent::Void{});
  } else if (ui.button("Reopen for correction", 11.0f, Tone::kPrimary, view.canConfirm)) {
    out.push_back(intent::Reopen{});
  }
  ui.sameLine();
  if (ui.button("Cancel", 6.0f, Tone::kQuiet)) out.push_back(intent::TogglePanel{ReviewView::Panel::kNone});
  ui.separator();
}

}  // namespace

void drawReviewScreen(const ReviewView& view, Ui& ui, Intents& out) {
  ui.beginScreen("review");
  drawTopBar(ui, "Review & sign · " + view.patient, view.context + " · " + view.status, out, true, true);
  const float bottomEm = kTouchEm + 0.8f;
  const bool panel = view.panel != ReviewView::Panel::kNone;
  const float avail = ui.availableEm();
  if (avail >= kTwoColumnMinEm) {
    // Landscape: the claim on the left, the segments (and the edit or correction panel) on the right.
    // While a panel is open it gets half the width, so its reasons and buttons fit without scrolling.
    const bool busy = panel || view.edit.index >= 0 || view.edit.adding || view.untimedEdit.index >= 0;
    ui.beginRegion("review-lines", busy ? avail * 0.48f : std::min(27.0f, avail * 0.58f), -bottomEm);
    drawLines(view, ui, out);
    ui.endRegion();
    ui.sameLine(1.0f);
    ui.beginRegion("review-segments", 0.0f, -bottomEm);
    drawCorrectionPanel(view, ui, out);
    drawSegments(view, ui, out, true);
    ui.endRegion();
  } else {
    ui.beginRegion("review-body", 0.0f, -bottomEm);
    drawCorrectionPanel(view, ui, out);
    const bool editing = view.edit.index >= 0 || view.edit.adding || view.untimedEdit.index >= 0;
    if (!editing && !panel) drawLines(view, ui, out);  // a panel comes first
    drawSegments(view, ui, out, false);
    if (editing || panel) drawLines(view, ui, out);
    ui.endRegion();
  }
  ui.separator();
  // Bottom bar: an open edit's Save and Cancel (Sign waits for them); else sign an ended session; correct
  // or void a signed one.
  const bool segmentEdit = view.edit.index >= 0 || view.edit.adding;
  if (segmentEdit || view.untimedEdit.index >= 0) {
    const bool canSave = segmentEdit ? view.edit.canSave : view.untimedEdit.canSave;
    if (ui.button(view.edit.adding ? "Add segment" : "Save edit", 9.0f, Tone::kPrimary, canSave))
      out.push_back(intent::SaveEdit{});
    ui.sameLine();
    if (ui.button("Cancel edit", 8.0f, Tone::kQuiet)) out.push_back(intent::CancelEdit{});
    const std::string& why =
        segmentEdit && !view.edit.saveHint.empty() ? view.edit.saveHint : view.signBlocked;
    if (!why.empty()) {
      ui.sameLine(0.6f);
      ui.textWrapped(why, TextStyle::kWarning);
    }
    ui.endScreen();
    return;
  }
  if (view.canCorrect) {
    if (ui.button("Correct", 9.0f,
                  view.panel == ReviewView::Panel::kCorrect ? Tone::kSelected : Tone::kPrimary))
      out.push_back(intent::TogglePanel{ReviewView::Panel::kCorrect});
  } else if (ui.button("Sign with PIN", 12.0f, Tone::kPrimary, view.canSign)) {
    out.push_back(intent::Sign{});
  }
  const ImVec2 signMin = ImGui::GetItemRectMin(), signMax = ImGui::GetItemRectMax();
  float voidLeft = ImGui::GetWindowPos().x + ImGui::GetWindowContentRegionMax().x;
  if (view.canVoid) {
    ImGui::SameLine(
        std::max(ImGui::GetCursorPosX() + ui.px(0.5f), ImGui::GetWindowContentRegionMax().x - ui.px(9.0f)));
    if (ui.button("Void session", 9.0f,
                  view.panel == ReviewView::Panel::kVoid ? Tone::kSelected : Tone::kQuiet))
      out.push_back(intent::TogglePanel{ReviewView::Panel::kVoid});
    voidLeft = ImGui::GetItemRectMin().x;
  }
  if (!view.signBlocked.empty()) {  // between Sign and Void: next to the button it explains
    ImGui::SetCursorScreenPos({signMax.x + ui.px(0.6f), signMin.y});
    ui.textWrapped(view.signBlocked, TextStyle::kWarning, voidLeft - ui.px(0.6f) - ImGui::GetWindowPos().x);
  }
  ui.endScreen();
}

}  // namespace unitclock::app
