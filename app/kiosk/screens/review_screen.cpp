#include "screens.h"

namespace unitclock::app {

void drawReviewScreen(const ReviewView& view, Ui& ui, Intents& out) {
  ui.beginScreen("review");
  drawTopBar(ui, "Review & sign · " + view.patient, view.context + " · " + view.status, out, true, true);
  ui.beginRegion("review-body", 0.0f, -(kTouchEm + 0.8f));
  ui.text(view.totals, TextStyle::kBold);
  ui.text(view.diagnoses, TextStyle::kMuted);
  if (!view.message.empty()) ui.textWrapped(view.message, TextStyle::kSuccess);

  const ImGuiTableFlags flags =
      ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_SizingStretchProp;
  if (ImGui::BeginTable("lines", 5, flags)) {
    ImGui::TableSetupColumn("Code", ImGuiTableColumnFlags_WidthStretch, 1.0f);
    ImGui::TableSetupColumn("Service", ImGuiTableColumnFlags_WidthStretch, 3.0f);
    ImGui::TableSetupColumn("Minutes", ImGuiTableColumnFlags_WidthStretch, 2.0f);
    ImGui::TableSetupColumn("Units", ImGuiTableColumnFlags_WidthStretch, 1.0f);
    ImGui::TableSetupColumn("Modifiers", ImGuiTableColumnFlags_WidthStretch, 1.5f);
    ImGui::TableNextRow();
    for (const char* h : {"Code", "Service", "Minutes", "Units", "Modifiers"}) {
      ImGui::TableNextColumn();
      ui.text(h, TextStyle::kMuted);
    }
    for (const auto& l : view.lines) {
      ImGui::TableNextRow();
      const TextStyle s = l.zeroUnits ? TextStyle::kMuted : TextStyle::kBody;
      ImGui::TableNextColumn();
      ui.text(l.code, TextStyle::kBold);
      ImGui::TableNextColumn();
      ui.text(l.name, s);
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
  ui.gap();
  ui.text("Segments", TextStyle::kBold);
  for (const auto& s : view.segments) {
    std::string line =
        s.code + "  " + s.times + "  " + s.minutes + "  " + s.performer + (s.edited ? "  (edited)" : "");
    if (view.canEdit) {
      if (ui.button("Edit##seg" + std::to_string(s.index), 4.5f,
                    s.index == view.edit.index ? Tone::kSelected : Tone::kQuiet))
        out.push_back({IntentKind::kStartEdit, {}, s.index});
      ui.sameLine();
      ImGui::AlignTextToFramePadding();
    }
    ui.text(line);
  }
  if (view.edit.index >= 0) {
    ui.separator();
    ui.text("Edit " + view.edit.code + ": " + view.edit.start + "–" + view.edit.end, TextStyle::kBold);
    if (ui.button("Start -1 min", 7.0f)) out.push_back({IntentKind::kAdjustEdit, "start", -1});
    ui.sameLine();
    if (ui.button("Start +1 min", 7.0f)) out.push_back({IntentKind::kAdjustEdit, "start", 1});
    ui.sameLine(1.0f);
    if (ui.button("End -1 min", 7.0f)) out.push_back({IntentKind::kAdjustEdit, "end", -1});
    ui.sameLine();
    if (ui.button("End +1 min", 7.0f)) out.push_back({IntentKind::kAdjustEdit, "end", 1});
    ui.text("Reason (required)", TextStyle::kMuted);
    const int cols = columnsFor(ui, 11.0f);
    for (int i = 0; i < static_cast<int>(view.edit.reasons.size()); ++i) {
      const auto& r = view.edit.reasons[static_cast<std::size_t>(i)];
      flowItem(ui, i, cols);
      if (ui.button(r.label, 11.0f, r.selected ? Tone::kSelected : Tone::kNormal))
        out.push_back({IntentKind::kEditReason, r.id, 0});
    }
    if (ui.button("Save edit", 8.0f, Tone::kPrimary, view.edit.canSave))
      out.push_back({IntentKind::kSaveEdit, {}, 0});
  }
  ui.endRegion();
  ui.separator();
  if (ui.button("Sign with PIN", 12.0f, Tone::kPrimary, view.canSign))
    out.push_back({IntentKind::kSign, {}, 0});
  ui.endScreen();
}

}  // namespace unitclock::app
