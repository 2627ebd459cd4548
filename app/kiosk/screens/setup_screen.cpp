#include "screens.h"

namespace unitclock::app {

// First start: nobody is on the roster yet, so the person setting up the device becomes its administrator.
void drawSetupScreen(const SetupView& view, Ui& ui, Intents& out) {
  ui.beginScreen("setup");
  ui.text("Welcome to Unitclock", TextStyle::kTitle);
  ui.textWrapped(
      "Set up this device: create the administrator who will add clinicians. "
      "Choose a PIN of 4 to 8 digits.",
      TextStyle::kMuted);
  ui.gap();
  const float w = std::min(14.0f, (ui.availableEm() - 1.0f) / 3.0f);
  if (ui.field("##name", "Administrator name", view.name, w, view.focus == Field::kName))
    out.push_back(intent::Focus{Field::kName});
  ui.sameLine();
  if (ui.field("##pin", "PIN", maskedPin(view.pinDigits), w, view.focus == Field::kPin))
    out.push_back(intent::Focus{Field::kPin});
  ui.sameLine();
  if (ui.field("##confirm", "PIN again", maskedPin(view.confirmDigits), w, view.focus == Field::kPinConfirm))
    out.push_back(intent::Focus{Field::kPinConfirm});
  if (!view.error.empty()) ui.text(view.error, TextStyle::kError);
  ui.gap();
  drawKeyboard(ui, out, view.focus == Field::kPin || view.focus == Field::kPinConfirm);
  ui.gap();
  if (ui.button("Create administrator", 14.0f, Tone::kPrimary)) out.push_back(intent::SetupSubmit{});
  ui.endScreen();
}

}  // namespace unitclock::app
