#include "screens.h"

namespace unitclock::app {

void drawSessionScreen(const SessionView& view, Ui& ui, Intents& out) {
  ui.beginScreen("session");
  // Locked, Unlock takes Home's place: the layout does not move.
  if (view.locked) {
    if (ui.button("Unlock", 5.0f, Tone::kPrimary)) out.push_back(intent::Unlock{});
  } else if (ui.button("Home", 5.0f, Tone::kQuiet)) {
    out.push_back(intent::GoHome{});
  }
  ui.sameLine(1.0f);
  ImGui::BeginGroup();
  ui.text(view.patient, TextStyle::kTitle);
  ui.text(view.context, TextStyle::kMuted);
  ImGui::EndGroup();
  ImGui::SameLine(std::max(ImGui::GetCursorPosX(), ImGui::GetWindowContentRegionMax().x - ui.px(5.0f)));
  if (ui.button("Lock", 5.0f, Tone::kQuiet)) out.push_back(intent::Lock{});

  // Landscape: the running clock and controls on the left, the activity tiles on the right.
  // Portrait: the same, stacked.
  // The live bar's lines: on one row with the End button when they fit (landscape); otherwise the next-unit
  // hint gets a line of its own, and if even that is too wide the button gets its own row (never overlaps).
  std::string counts = view.bar.timed + "  ·  " + view.bar.treatment;
  const auto widthEm = [&](const std::string& t, float factor) {
    return ImGui::CalcTextSize(t.c_str()).x * factor / ui.em();
  };
  const float buttonEm = 8.0f + 0.8f;
  const float availEm = ui.availableEm();
  const std::string oneLine = view.bar.nextUnit.empty() ? counts : counts + "  ·  " + view.bar.nextUnit;
  const bool splitHint =
      std::max(widthEm(view.bar.units, 1.08f), widthEm(oneLine, 1.0f)) + buttonEm > availEm &&
      !view.bar.nextUnit.empty();
  const float textEm = std::max({widthEm(view.bar.units, 1.08f), widthEm(splitHint ? counts : oneLine, 1.0f),
                                 splitHint ? widthEm(view.bar.nextUnit, 1.0f) : 0.0f});
  const bool buttonBelow = textEm + buttonEm > availEm;
  const float lineEm = ImGui::GetTextLineHeightWithSpacing() / ui.em();
  const float textRowsEm = (splitHint ? 3.0f : 2.0f) * lineEm - ImGui::GetStyle().ItemSpacing.y / ui.em();
  const float barEm =
      buttonBelow ? textRowsEm + lineEm + kTouchEm + 0.7f : std::max(kTouchEm, textRowsEm) + 1.2f;
  const bool twoColumns = ui.availableEm() >= kTwoColumnMinEm;
  if (twoColumns) ui.beginRegion("controls", 17.0f, -barEm);
  // "End this session?" where the clock is; "Keep going" takes End session's place, so a double tap on
  // End session never ends it.
  if (view.confirmEnd) {
    ui.textWrapped("End this session?", TextStyle::kTitle);
    ui.textWrapped("Every timer stops; the session goes to Review to be signed.", TextStyle::kBody);
    if (ui.button("End now", 15.5f, Tone::kDanger)) out.push_back(intent::ConfirmEndSession{});
    ui.gap(0.3f);
  }
  // The running activity, readable from across the room.
  if (!view.runningName.empty()) {
    ui.textWrapped(view.runningName, TextStyle::kBold);
    ui.text(view.clock, TextStyle::kClock);
    ui.text(view.clockLabel, TextStyle::kMuted);
    if (ui.button("Stop", 7.5f, Tone::kNormal)) out.push_back(intent::StopActivity{});
    ui.sameLine();
    if (ui.button("Pause", 7.5f, Tone::kNormal)) out.push_back(intent::Pause{});
  } else if (view.paused) {
    // Unmistakable: what is billed stopped at the tap; the clock counts the pause, not treatment.
    ui.textWrapped("PAUSED · not billing", TextStyle::kPausedTitle);
    ui.text(view.clock, TextStyle::kPausedClock);
    ui.textWrapped(view.pausedText, TextStyle::kWarning);
    if (ui.button("Resume", 7.5f, Tone::kRunning)) out.push_back(intent::Resume{});
    ui.sameLine();
    if (ui.button("Reason", 7.5f, view.pauseChipsOpen ? Tone::kSelected : Tone::kNormal))
      out.push_back(intent::TogglePauseReasons{});
  } else if (!view.ended) {
    ui.textWrapped("Tap an activity to start its timer", TextStyle::kMuted);
  }
  if (view.pauseChipsOpen && view.paused) {
    for (std::size_t i = 0; i < view.pauseReasons.size(); ++i) {
      if (i % 2 == 1) ui.sameLine();
      const auto tone = view.pauseReasons[i].selected ? Tone::kSelected : Tone::kWarning;
      if (ui.button(view.pauseReasons[i].label, 7.5f, tone))
        out.push_back(intent::SetPauseReason{view.pauseReasons[i].id});
    }
  }
  if (!view.ended) {
    ui.gap(0.3f);
    if (ui.button("Therapist", 7.5f, view.assistant ? Tone::kNormal : Tone::kSelected))
      out.push_back(intent::SetPerformer{core::Performer::therapist});
    ui.sameLine();
    if (ui.button("Assistant", 7.5f, view.assistant ? Tone::kSelected : Tone::kNormal))
      out.push_back(intent::SetPerformer{core::Performer::assistant});
    if (ui.button("Add untimed service", 15.5f, view.untimedOpen ? Tone::kSelected : Tone::kNormal,
                  !view.locked))
      out.push_back(intent::ToggleUntimed{});
    // What was added, each with Remove; below the buttons, so nothing above them moves.
    for (const auto& u : view.untimed) {
      if (ui.button("Remove " + u.code + "##u" + std::to_string(u.index), 7.5f, Tone::kQuiet, !view.locked))
        out.push_back(intent::RemoveUntimed{u.index});
      ui.sameLine();
      ImGui::AlignTextToFramePadding();
      ui.textWrapped(u.text, TextStyle::kBody);
    }
  }
  if (view.locked) ui.textWrapped(view.lockedNote, TextStyle::kWarning);
  if (!view.error.empty()) ui.textWrapped(view.error, TextStyle::kError);
  if (twoColumns) {
    ui.endRegion();
    ui.sameLine(1.0f);
  }

  ui.beginRegion("tiles", 0.0f, -barEm);
  if (view.untimedOpen) {
    ui.text(view.untimedMinutes == 0 ? "Untimed service: set its minutes, then tap the service"
                                     : "Untimed service: tap the service",
            TextStyle::kBold);
    if (ui.button("-5 min", 5.0f)) out.push_back(intent::AdjustUntimedMinutes{std::chrono::minutes(-5)});
    ui.sameLine();
    ImGui::AlignTextToFramePadding();
    ui.text(std::to_string(view.untimedMinutes) + " min", TextStyle::kTitle);
    ui.sameLine();
    if (ui.button("+5 min", 5.0f)) out.push_back(intent::AdjustUntimedMinutes{std::chrono::minutes(5)});
    ui.sameLine();
    if (ui.button("+15 min", 5.0f)) out.push_back(intent::AdjustUntimedMinutes{std::chrono::minutes(15)});
    const int cols = columnsFor(ui, 13.4f);
    for (int i = 0; i < static_cast<int>(view.untimedCodes.size()); ++i) {
      const auto& c = view.untimedCodes[static_cast<std::size_t>(i)];
      flowItem(ui, i, cols);
      if (ui.tile("##u" + c.id, {c.id, c.label}, ImVec2(13.4f, 3.4f), Tone::kNormal, view.untimedMinutes > 0))
        out.push_back(intent::AddUntimed{c.id});
    }
    ui.separator();
  }
  // Tiles are 13.4 em wide when there is room; with large text (or a narrow column) they shrink, down to
  // 9.5 em, rather than fall to one column that hides half the activities below the fold.
  float tileW = 13.4f;
  int cols = columnsFor(ui, tileW);
  if (cols < 3) {
    const int more = cols + 1;
    const float fit =
        (ui.availableEm() - 1.3f - 0.5f * static_cast<float>(more - 1)) / static_cast<float>(more);
    if (fit >= 9.5f) {
      cols = more;
      tileW = fit;
    }
  }
  for (int i = 0; i < static_cast<int>(view.tiles.size()); ++i) {
    const auto& t = view.tiles[static_cast<std::size_t>(i)];
    flowItem(ui, i, cols);
    if (ui.tile("##a" + t.code, {t.code, t.name, t.minutes}, ImVec2(tileW, 5.2f),
                t.running ? Tone::kRunning : Tone::kNormal, !view.ended))
      out.push_back(intent::StartActivity{t.code});
    // In portrait or at Large text the list is longer than its region: the running tile comes into view
    // once when it starts (or the screen opens with it running), then the therapist may scroll freely.
    if (t.running) ui.keepInView(view.sessionId + "/" + t.code);
  }
  ui.endRegion();

  // The live bar: what the session is worth so far under the payer's rule.
  ui.separator();
  ImGui::BeginGroup();
  ui.text(view.bar.units, TextStyle::kBold);
  ui.text(splitHint ? counts : oneLine, TextStyle::kBody);
  if (splitHint) ui.text(view.bar.nextUnit, TextStyle::kBody);
  ImGui::EndGroup();
  if (!buttonBelow) {
    ImGui::SameLine(
        std::max(ImGui::GetCursorPosX() + ui.px(0.5f), ImGui::GetWindowContentRegionMax().x - ui.px(8.0f)));
  }
  const float endEm = buttonBelow ? 0.0f : 8.0f;  // below the text: the whole width
  if (view.ended) {
    if (ui.button("Review", endEm, Tone::kPrimary)) out.push_back(intent::EndSession{});
  } else if (view.confirmEnd) {
    if (ui.button("Keep going", endEm, Tone::kNormal)) out.push_back(intent::KeepGoing{});
  } else if (ui.button("End session", endEm, Tone::kDanger, !view.locked)) {
    out.push_back(intent::EndSession{});
  }
  ui.endScreen();
}

}  // namespace unitclock::app
