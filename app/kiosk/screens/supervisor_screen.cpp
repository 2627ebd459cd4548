#include "screens.h"

namespace unitclock::app {

namespace {

void drawClinicianTable(const char* id, const std::vector<ClinicianDayView>& rows, Ui& ui) {
  const ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_SizingStretchProp;
  if (!ImGui::BeginTable(id, 6, flags)) return;
  ImGui::TableNextRow();
  for (const char* h : {"Clinician", "Sessions", "Timed / treat. min", "Units", "Units / hour", "Flags"}) {
    ImGui::TableNextColumn();
    ui.text(h, TextStyle::kMuted);
  }
  for (const auto& c : rows) {
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    ui.text(c.clinician, TextStyle::kBold);
    for (const std::string* s : {&c.sessions, &c.minutes, &c.units, &c.unitsPerHour}) {
      ImGui::TableNextColumn();
      ui.text(*s);
    }
    ImGui::TableNextColumn();
    ui.text(c.flags, c.flags == "none" ? TextStyle::kBody : TextStyle::kWarning);
  }
  ImGui::EndTable();
}

}  // namespace

void drawSupervisorScreen(const SupervisorView& view, Ui& ui, Intents& out) {
  ui.beginScreen("supervisor");
  drawTopBar(ui, "Today on this device", view.day, out, true, true);
  if (!view.sync.empty()) ui.text(view.sync, TextStyle::kMuted);
  ui.beginRegion("supervisor-body", 0.0f, -0.2f);
  drawClinicianTable("clinicians", view.clinicians, ui);
  for (const auto& p : view.problems) ui.textWrapped(p, TextStyle::kWarning);
  if (!view.clinicWideTitle.empty()) {
    ui.gap();
    ui.text(view.clinicWideTitle, TextStyle::kBold);
    drawClinicianTable("clinic-wide", view.clinicWide, ui);
  }
  ui.gap();
  ui.text("Sessions (tap for the taps behind them)", TextStyle::kBold);
  const int cols = columnsFor(ui, 13.0f);
  for (int i = 0; i < static_cast<int>(view.sessions.size()); ++i) {
    const auto& s = view.sessions[static_cast<std::size_t>(i)];
    flowItem(ui, i, cols);
    if (ui.tile("##sv" + s.sessionId, {s.initials, s.status, s.minutes + " · " + s.units},
                ImVec2(13.0f, 4.6f), Tone::kNormal))
      out.push_back(intent::ShowEvents{s.sessionId});
  }
  ui.endRegion();
  ui.endScreen();
}

void drawEventsScreen(const EventsView& view, Ui& ui, Intents& out) {
  ui.beginScreen("events");
  drawTopBar(ui, view.title, "Every tap, in order", out, true, true);
  ui.beginRegion("events-body", 0.0f, -0.2f);
  for (const auto& f : view.flags) ui.textWrapped(f, TextStyle::kWarning);
  if (!view.flags.empty()) ui.separator();
  for (const auto& e : view.events) ui.text(e);
  ui.endRegion();
  ui.endScreen();
}

}  // namespace unitclock::app
