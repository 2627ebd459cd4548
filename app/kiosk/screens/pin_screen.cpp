#include "screens.h"

namespace unitclock::app {

void drawPinScreen(const PinView& view, Ui& ui, Intents& out) {
  ui.beginScreen("pin");
  drawTopBar(ui, view.title, view.subtitle, out, true, false);
  ui.gap();
  // The digits entered so far, as stars; the PIN itself never reaches the screen.
  ui.text(view.enteredDigits == 0 ? std::string("Enter your PIN") : maskedPin(view.enteredDigits),
          TextStyle::kTitle);
  if (!view.error.empty()) ui.textWrapped(view.error, TextStyle::kError);
  ui.gap();
  drawPinPad(ui, out, view.canSubmit);
  ui.endScreen();
}

}  // namespace unitclock::app
