#pragma once
// One frame of the kiosk: input bookkeeping, the current screen drawn from its view, intents applied.

#include <string>

#include <unitclock/platform/runner.h>

#include "controller.h"
#include "widgets.h"

namespace unitclock::app {

class KioskApp {
 public:
  KioskApp(Controller& controller, platform::Runner& runner);
  // Draws the current screen (between ImGui::NewFrame and ImGui::Render) and applies its intents.
  platform::FrameResult frame();
  [[nodiscard]] const FrameRecord& lastFrame() const { return m_ui.record(); }

 private:
  Controller& m_controller;
  platform::Runner& m_runner;
  Ui m_ui;
};

// Draws the screen for the controller's current state into `ui`, collecting intents (no SDL needed:
// the headless test harness calls this too).
void drawCurrentScreen(const Controller& controller, Ui& ui, Intents& out);

// A full-screen message when the store cannot be opened; nothing else is possible then.
platform::FrameResult drawErrorScreen(Ui& ui, const std::string& title, const std::string& detail);

}  // namespace unitclock::app
