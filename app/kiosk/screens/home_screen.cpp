#include "screens.h"

namespace unitclock::app {

void drawHomeScreen(const HomeView& view, Ui& ui, Intents& out) {
  ui.beginScreen("home");
  drawTopBar(ui, view.clinician, view.role, out, false, true);
  if (!view.sync.empty()) ui.text(view.sync, TextStyle::kMuted);
  if (!view.message.empty()) ui.textWrapped(view.message, TextStyle::kSuccess);
  if (ui.button("New session", 12.0f, Tone::kPrimary)) out.push_back(intent::NewSession{});
  if (view.canSupervise) {
    ui.sameLine();
    if (ui.button("Supervisor", 9.0f)) out.push_back(intent::GoSupervisor{});
  }
  ui.sameLine();
  if (ui.button("Settings", 8.0f)) out.push_back(intent::GoSettings{});
  ui.gap();
  ui.text(view.sessions.empty() ? "No sessions today on this device" : "Your sessions today",
          TextStyle::kBold);
  const float w = 13.0f;
  const int cols = columnsFor(ui, w);
  ui.beginRegion("sessions", 0.0f, -0.2f);
  for (int i = 0; i < static_cast<int>(view.sessions.size()); ++i) {
    const auto& s = view.sessions[static_cast<std::size_t>(i)];
    flowItem(ui, i, cols);
    const Tone tone = s.status == "Running" ? Tone::kRunning : Tone::kNormal;
    if (ui.tile("##s" + s.sessionId, {s.initials, s.status, s.minutes + " · " + s.units}, ImVec2(w, 4.6f),
                tone))
      out.push_back(intent::OpenSession{s.sessionId});
  }
  ui.endRegion();
  ui.endScreen();
}

}  // namespace unitclock::app
