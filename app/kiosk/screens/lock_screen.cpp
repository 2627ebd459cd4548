#include "screens.h"

namespace unitclock::app {

void drawLockScreen(const LockView& view, Ui& ui, Intents& out) {
  ui.beginScreen("lock");
  ImGui::BeginGroup();
  ui.text(view.clinic, TextStyle::kTitle);
  ui.text(view.room, TextStyle::kMuted);
  ImGui::EndGroup();
  ImGui::SameLine(std::max(ImGui::GetCursorPosX(), ImGui::GetWindowContentRegionMax().x - ui.px(9.0f)));
  ImGui::BeginGroup();
  ui.text(view.time, TextStyle::kTitle);
  ui.text(view.date, TextStyle::kMuted);
  ImGui::EndGroup();
  if (!view.sync.empty()) ui.text(view.sync, TextStyle::kMuted);
  if (!view.message.empty()) ui.textWrapped(view.message, TextStyle::kWarning);
  ui.gap();

  if (!view.cards.empty()) {
    ui.text("Open sessions", TextStyle::kBold);
    const float cardW = 13.0f;
    const int cols = columnsFor(ui, cardW);
    for (int i = 0; i < static_cast<int>(view.cards.size()); ++i) {
      const auto& c = view.cards[static_cast<std::size_t>(i)];
      flowItem(ui, i, cols);
      const std::string id = "##card" + c.sessionId;
      if (ui.tile(id, {c.initials, c.activity, c.elapsed + " · " + c.clinician}, ImVec2(cardW, 4.6f),
                  c.running ? Tone::kRunning : Tone::kNormal))
        out.push_back(intent::OpenCard{c.sessionId});
    }
    ui.gap();
  }

  ui.text("Tap your name to unlock", TextStyle::kBold);
  const float tileW = 11.0f;
  const int cols = columnsFor(ui, tileW);
  ui.beginRegion("clinicians", 0.0f, -0.2f);
  for (int i = 0; i < static_cast<int>(view.clinicians.size()); ++i) {
    const auto& c = view.clinicians[static_cast<std::size_t>(i)];
    flowItem(ui, i, cols);
    std::vector<std::string> lines{c.name, c.role};
    if (!c.note.empty()) lines.push_back(c.note);
    if (ui.tile("##clin" + c.id, lines, ImVec2(tileW, 4.4f), c.lockedOut ? Tone::kWarning : Tone::kNormal))
      out.push_back(intent::ChooseClinician{c.id});
  }
  ui.endRegion();
  ui.endScreen();
}

}  // namespace unitclock::app
