#include "screens.h"

namespace unitclock::app {

namespace {

// Clinic name and room, shown on the lock screen. Administrators edit them; an enrolled device takes the
// clinic name from the server.
void drawClinicRoom(const SettingsView& view, Ui& ui, Intents& out) {
  ui.text("Clinic and room", TextStyle::kBold);
  const bool editable = view.canAdminister;
  const float avail = ui.availableEm();
  if (editable && !view.clinicFromServer) {
    if (ui.field("##clinic", "Clinic name", view.clinicEdit, std::min(24.0f, avail),
                 view.focus == Field::kClinic))
      out.push_back(intent::Focus{Field::kClinic});
  } else {
    ui.textWrapped(view.clinic + (view.clinicFromServer ? " (from the server)" : ""), TextStyle::kBody);
  }
  if (editable) {
    // The room and the save button share a row when there is room for both.
    const float saveEm = 11.0f;
    const bool oneRow = avail >= 8.0f + 0.5f + saveEm;
    const float roomEm = oneRow ? std::min(12.5f, avail - 0.5f - saveEm) : std::min(24.0f, avail);
    if (ui.field("##room", "Room", view.roomEdit, roomEm, view.focus == Field::kRoom))
      out.push_back(intent::Focus{Field::kRoom});
    if (oneRow) ui.sameLine();
    if (ui.button("Save clinic and room", saveEm, Tone::kPrimary, view.canSaveClinicRoom))
      out.push_back(intent::SaveClinicRoom{});
  } else {
    ui.textWrapped(view.room, TextStyle::kBody);
    ui.textWrapped("An administrator can change these.", TextStyle::kMuted);
  }
}

void drawDeviceSettings(const SettingsView& view, Ui& ui, Intents& out) {
  // While typing, the keyboard needs the room: show only the part being typed into.
  const bool typingPlace = view.focus == Field::kClinic || view.focus == Field::kRoom;
  if (typingPlace) {
    drawClinicRoom(view, ui, out);
    drawKeyboard(ui, out, false, true);
    return;
  }
  const bool typing = view.focus == Field::kServerUrl || view.focus == Field::kEnrollCode;
  if (!typing) {
    ui.textWrapped("Auto-lock after " + std::to_string(view.autoLockMinutes) +
                       " min without a tap (timers keep running)",
                   TextStyle::kBold);
    const bool may = view.canAdminister;  // device-wide: every clinician's clock and text
    if (ui.button("-1 min", 5.0f, Tone::kNormal, may))
      out.push_back(intent::AdjustAutoLock{std::chrono::minutes(-1)});
    ui.sameLine();
    if (ui.button("+1 min", 5.0f, Tone::kNormal, may))
      out.push_back(intent::AdjustAutoLock{std::chrono::minutes(1)});
    // Locked with a session running: its timers one tap away (the default), or the PIN for everything.
    ui.sameLine();
    if (ui.button(view.lockedSessionTaps ? "Timers when locked: tap" : "Timers when locked: PIN", 12.5f,
                  view.lockedSessionTaps ? Tone::kSelected : Tone::kNormal, may))
      out.push_back(intent::ToggleLockedTaps{});
    ui.gap();
    ui.text("Display", TextStyle::kBold);
    if (ui.button(view.showSeconds ? "Seconds on the clock: on" : "Seconds on the clock: off", 12.5f,
                  view.showSeconds ? Tone::kSelected : Tone::kNormal, may))
      out.push_back(intent::ToggleSeconds{});
    ui.sameLine();
    if (ui.button(view.showNextUnit ? "Next-unit hint: on" : "Next-unit hint: off", 12.5f,
                  view.showNextUnit ? Tone::kSelected : Tone::kNormal, may))
      out.push_back(intent::ToggleNextUnit{});
    for (std::size_t i = 0; i < view.textSizes.size(); ++i) {
      if (i > 0) ui.sameLine();
      const auto& c = view.textSizes[i];
      if (ui.button("Text: " + c.label, 8.2f, c.selected ? Tone::kSelected : Tone::kNormal, may))
        out.push_back(intent::SetTextSize{c.id});
    }
    if (ui.button(view.kioskMode ? "Kiosk mode: on (next start)" : "Kiosk mode: off (next start)", 15.0f,
                  view.kioskMode ? Tone::kSelected : Tone::kNormal, may))
      out.push_back(intent::ToggleKiosk{});
    if (!may)
      ui.textWrapped("These apply to everyone on this device: an administrator can change them.",
                     TextStyle::kMuted);
    ui.gap();
  }
  ui.text("Server", TextStyle::kBold);
  if (ui.field("##url", "Server URL", view.serverUrl, 15.0f, view.focus == Field::kServerUrl))
    out.push_back(intent::Focus{Field::kServerUrl});
  ui.sameLine();
  if (ui.field("##code", "Enrollment code", view.enrollCode, 9.0f, view.focus == Field::kEnrollCode))
    out.push_back(intent::Focus{Field::kEnrollCode});
  if (ui.button("Enroll this device", 12.0f, Tone::kPrimary, view.canAdminister))
    out.push_back(intent::Enroll{});
  if (typing) drawKeyboard(ui, out, false, true);
}

void drawRoster(const SettingsView& view, Ui& ui, Intents& out) {
  drawClinicRoom(view, ui, out);
  ui.gap();
  ui.text("Clinicians on this device", TextStyle::kBold);
  if (view.canAdminister && ui.button("Add clinician", 10.0f, Tone::kPrimary))
    out.push_back(intent::AddClinician{});
  const int cols = columnsFor(ui, 9.5f);
  for (int i = 0; i < static_cast<int>(view.roster.size()); ++i) {
    const auto& c = view.roster[static_cast<std::size_t>(i)];
    flowItem(ui, i, cols);
    ui.tile("##r" + c.id, {c.name, c.role}, ImVec2(9.5f, 3.4f), Tone::kQuiet, true);
  }
}

}  // namespace

void drawSettingsScreen(const SettingsView& view, Ui& ui, Intents& out) {
  ui.beginScreen("settings");
  drawTopBar(ui, "Settings", view.clinic + " · " + view.room, out, true, true);
  if (!view.error.empty()) ui.textWrapped(view.error, TextStyle::kError);
  if (!view.message.empty()) ui.textWrapped(view.message, TextStyle::kSuccess);
  const bool typing = view.focus == Field::kServerUrl || view.focus == Field::kEnrollCode ||
                      view.focus == Field::kClinic || view.focus == Field::kRoom;
  if (typing) {
    // The keyboard gets the whole width; the roster comes back with "Done".
    ui.beginRegion("settings-typing", 0.0f, -0.2f);
    drawDeviceSettings(view, ui, out);
    ui.endRegion();
  } else if (ui.availableEm() >= kTwoColumnMinEm) {
    ui.beginRegion("settings-device", 26.0f, -0.2f);
    drawDeviceSettings(view, ui, out);
    ui.endRegion();
    ui.sameLine(1.0f);
    ui.beginRegion("settings-roster", 0.0f, -0.2f);
    drawRoster(view, ui, out);
    ui.endRegion();
  } else {
    ui.beginRegion("settings-body", 0.0f, -0.2f);
    drawRoster(view, ui, out);
    ui.gap();
    drawDeviceSettings(view, ui, out);
    ui.endRegion();
  }
  ui.endScreen();
}

void drawAddClinicianScreen(const AddClinicianView& view, Ui& ui, Intents& out) {
  ui.beginScreen("add-clinician");
  drawTopBar(ui, "Add clinician", "Name, role and a PIN of 4 to 8 digits", out, true, false);
  const float rowEm = ui.availableEm();
  if (ui.field("##name", "Name", view.name, 16.0f, view.focus == Field::kName))
    out.push_back(intent::Focus{Field::kName});
  ui.sameLine();
  if (ui.field("##pin", "PIN", maskedPin(view.pinDigits), 8.0f, view.focus == Field::kPin))
    out.push_back(intent::Focus{Field::kPin});
  // "Save clinician" sits next to the fields when it fits, else right under the roles: never below the
  // keyboard, where a landscape screen cuts it off.
  const float saveEm = 10.0f;
  const bool saveBeside = rowEm >= 16.0f + 8.0f + saveEm + 1.0f;
  if (saveBeside) {
    ui.sameLine();
    if (ui.button("Save clinician", saveEm, Tone::kPrimary, view.canSave))
      out.push_back(intent::SaveClinician{});
  }
  ui.text("Role", TextStyle::kBold);
  const int cols = columnsFor(ui, 7.0f);
  for (int i = 0; i < static_cast<int>(view.roles.size()); ++i) {
    flowItem(ui, i, cols);
    const auto& r = view.roles[static_cast<std::size_t>(i)];
    if (ui.button(r.label, 7.0f, r.selected ? Tone::kSelected : Tone::kNormal))
      out.push_back(intent::SelectRole{r.id});
  }
  if (!view.error.empty()) ui.text(view.error, TextStyle::kError);
  if (!saveBeside && ui.button("Save clinician", saveEm, Tone::kPrimary, view.canSave))
    out.push_back(intent::SaveClinician{});
  ui.gap();
  drawKeyboard(ui, out, view.focus == Field::kPin);
  ui.endScreen();
}

}  // namespace unitclock::app
