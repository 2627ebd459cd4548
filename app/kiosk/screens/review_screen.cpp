#include "screens.h"

namespace unitclock::app {

namespace {

void drawLines(const ReviewView& view, Ui& ui, Intents& out) {
  ui.text(view.totals, TextStyle::kBold);
  ui.text(view.diagnoses, TextStyle::kMuted);
  if (!view.message.empty()) ui.textWrapped(view.message, TextStyle::kSuccess);
  const ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_SizingStretchProp;
  if (ImGui::BeginTable("lines", 4, flags)) {
    ImGui::TableSetupColumn("Code", ImGuiTableColumnFlags_WidthStretch, 3.2f);
    ImGui::TableSetupColumn("Minutes", ImGuiTableColumnFlags_WidthStretch, 2.0f);
    ImGui::TableSetupColumn("Units", ImGuiTableColumnFlags_WidthStretch, 0.8f);
    ImGui::TableSetupColumn("Modifiers", ImGuiTableColumnFlags_WidthStretch, 1.3f);
    ImGui::TableNextRow();
    for (const char* h : {"Code", "Minutes", "Units", "Modifiers"}) {
      ImGui::TableNextColumn();
      ui.text(h, TextStyle::kMuted);
    }
    for (const auto& l : view.lines) {
      ImGui::TableNextRow();
      const TextStyle s = l.zeroUnits ? TextStyle::kMuted : TextStyle::kBody;
      ImGui::TableNextColumn();
      ui.text(l.code, TextStyle::kBold);
      ui.text(l.name, TextStyle::kMuted);
      ImGui::TableNextColumn();
      ui.text(l.minutes, s);
      ImGui::TableNextColumn();
      ui.text(l.units, l.zeroUnits ? TextStyle::kWarning : TextStyle::kBold);
      ImGui::TableNextColumn();
      ui.text(l.modifiers, s);
    }
    ImGui::EndTable();
  }
  for (const auto& w : view.warnings) ui.textWrapped(w, TextStyle::kWarning);
  for (const auto& t : view.ties) {
    ui.textWrapped(t.text, TextStyle::kBody);
    for (std::size_t i = 0; i < t.choices.size(); ++i) {
      if (i > 0) ui.sameLine();
      if (ui.button(t.choices[i].label, 10.0f, t.choices[i].selected ? Tone::kSelected : Tone::kNormal))
        out.push_back({IntentKind::kPreferTie, t.choices[i].id, 0});
    }
  }
}

void drawSegments(const ReviewView& view, Ui& ui, Intents& out) {
  if (view.edit.index >= 0) {
    ui.text("Edit " + std::to_string(view.edit.index + 1) + " · " + view.edit.code + ": " + view.edit.start +
                "–" + view.edit.end,
            TextStyle::kTitle);
    if (ui.button("Start -1 min", 7.0f)) out.push_back({IntentKind::kAdjustEdit, "start", -1});
    ui.sameLine();
    if (ui.button("Start +1 min", 7.0f)) out.push_back({IntentKind::kAdjustEdit, "start", 1});
    if (ui.button("End -1 min", 7.0f)) out.push_back({IntentKind::kAdjustEdit, "end", -1});
    ui.sameLine();
    if (ui.button("End +1 min", 7.0f)) out.push_back({IntentKind::kAdjustEdit, "end", 1});
    ui.text("Reason (required, kept with the session)", TextStyle::kMuted);
    const int cols = columnsFor(ui, 9.0f);
    for (int i = 0; i < static_cast<int>(view.edit.reasons.size()); ++i) {
      const auto& r = view.edit.reasons[static_cast<std::size_t>(i)];
      flowItem(ui, i, cols);
      if (ui.button(r.label, 9.0f, r.selected ? Tone::kSelected : Tone::kNormal))
        out.push_back({IntentKind::kEditReason, r.id, 0});
    }
    if (ui.button("Save edit", 8.0f, Tone::kPrimary, view.edit.canSave))
      out.push_back({IntentKind::kSaveEdit, {}, 0});
    ui.sameLine();
    if (ui.button("Cancel edit", 8.0f, Tone::kQuiet)) out.push_back({IntentKind::kStartEdit, {}, -1});
    ui.separator();
  }
  ui.text("Segments", TextStyle::kBold);
  for (const auto& s : view.segments) {
    if (view.canEdit) {
      if (ui.button("Edit " + std::to_string(s.index + 1), 4.5f,
                    s.index == view.edit.index ? Tone::kSelected : Tone::kQuiet))
        out.push_back({IntentKind::kStartEdit, {}, s.index});
      ui.sameLine();
    }
    ImGui::BeginGroup();
    ui.text(s.code + "  " + s.times + (s.edited ? "  (edited)" : ""), TextStyle::kBold);
    ui.text(s.minutes + " · " + s.performer, TextStyle::kMuted);
    ImGui::EndGroup();
  }
}

}  // namespace

void drawReviewScreen(const ReviewView& view, Ui& ui, Intents& out) {
  ui.beginScreen("review");
  drawTopBar(ui, "Review & sign · " + view.patient, view.context + " · " + view.status, out, true, true);
  const float bottomEm = kTouchEm + 0.8f;
  if (ui.availableEm() >= kTwoColumnMinEm) {
    // Landscape: the claim on the left, the segments (and the edit panel) on the right.
    ui.beginRegion("review-lines", 26.0f, -bottomEm);
    drawLines(view, ui, out);
    ui.endRegion();
    ui.sameLine(1.0f);
    ui.beginRegion("review-segments", 0.0f, -bottomEm);
    drawSegments(view, ui, out);
    ui.endRegion();
  } else {
    ui.beginRegion("review-body", 0.0f, -bottomEm);
    if (view.edit.index < 0) drawLines(view, ui, out);  // while editing, the edit panel comes first
    drawSegments(view, ui, out);
    ui.endRegion();
  }
  ui.separator();
  if (ui.button("Sign with PIN", 12.0f, Tone::kPrimary, view.canSign))
    out.push_back({IntentKind::kSign, {}, 0});
  ui.endScreen();
}

}  // namespace unitclock::app
