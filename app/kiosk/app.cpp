#include "app.h"

#include "screens/screens.h"

namespace unitclock::app {
namespace {

UiFonts fontsOf(const platform::Runner& r) {
  return UiFonts{r.font(platform::FontRole::kBody), r.font(platform::FontRole::kBold),
                 r.font(platform::FontRole::kTitle), r.font(platform::FontRole::kClock)};
}

void appendUtf8(std::string& out, unsigned int c) {
  if (c < 0x80) {
    out += static_cast<char>(c);
  } else if (c < 0x800) {
    out += static_cast<char>(0xC0 | (c >> 6));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else {
    out += static_cast<char>(0xE0 | (c >> 12));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  }
}

}  // namespace

void drawCurrentScreen(const Controller& c, Ui& ui, Intents& out) {
  switch (c.screen()) {
    case Screen::kSetup:
      drawSetupScreen(c.setupView(), ui, out);
      break;
    case Screen::kLock:
      drawLockScreen(c.lockView(), ui, out);
      break;
    case Screen::kPin:
      drawPinScreen(c.pinView(), ui, out);
      break;
    case Screen::kHome:
      drawHomeScreen(c.homeView(), ui, out);
      break;
    case Screen::kNewSession:
      drawNewSessionScreen(c.newSessionView(), ui, out);
      break;
    case Screen::kSession:
      drawSessionScreen(c.sessionView(), ui, out);
      break;
    case Screen::kReview:
      drawReviewScreen(c.reviewView(), ui, out);
      break;
    case Screen::kSupervisor:
      drawSupervisorScreen(c.supervisorView(), ui, out);
      break;
    case Screen::kEvents:
      drawEventsScreen(c.eventsView(), ui, out);
      break;
    case Screen::kSettings:
      drawSettingsScreen(c.settingsView(), ui, out);
      break;
    case Screen::kAddClinician:
      drawAddClinicianScreen(c.addClinicianView(), ui, out);
      break;
  }
}

KioskApp::KioskApp(Controller& controller, platform::Runner& runner)
    : m_controller(controller), m_runner(runner), m_ui(fontsOf(runner), runner.em()) {
  // A light theme to match the light background; table rows alternate so a code and its name read as one.
  ImGui::StyleColorsLight();
  ImGuiStyle& style = ImGui::GetStyle();
  style.Colors[ImGuiCol_TableRowBg] = ImVec4(1.0f, 1.0f, 1.0f, 0.0f);
  style.Colors[ImGuiCol_TableRowBgAlt] = ImVec4(0.90f, 0.92f, 0.95f, 1.0f);
  style.Colors[ImGuiCol_ScrollbarBg] = ImVec4(0.0f, 0.0f, 0.0f, 0.0f);
  style.Colors[ImGuiCol_ScrollbarGrab] = ImVec4(0.70f, 0.72f, 0.76f, 1.0f);
  style.Colors[ImGuiCol_ScrollbarGrabActive] = ImVec4(0.55f, 0.58f, 0.62f, 1.0f);
  style.Colors[ImGuiCol_Separator] = ImVec4(0.78f, 0.80f, 0.83f, 1.0f);
}

platform::FrameResult KioskApp::frame() {
  m_ui.setFonts(fontsOf(m_runner), m_runner.em());
  ImGuiIO& io = ImGui::GetIO();
  Intents out;
  // Text from a physical keyboard (or a script's `type`) goes where the on-screen keys would.
  if (!io.InputQueueCharacters.empty()) {
    std::string text;
    for (const ImWchar c : io.InputQueueCharacters) appendUtf8(text, c);
    out.push_back(intent::KeyText{text});
  }
  if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Backspace))) out.push_back(intent::KeyDelete{});
  if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Enter)) && m_controller.screen() == Screen::kPin)
    out.push_back(intent::PinSubmit{});
  if (io.MouseClicked[0] || !out.empty()) m_controller.noteInput();
  m_controller.tick();

  m_ui.beginFrame();
  drawCurrentScreen(m_controller, m_ui, out);
  m_controller.applyAll(out);
  if (!out.empty()) m_runner.requestFrame();      // show the effect even if the settle frames run out
  if (m_ui.animating()) m_runner.requestFrame();  // a list still gliding after the finger lifted

  const float em = emForTextSize(m_controller.settings().textSize);
  if (em != m_runner.em()) m_runner.setEmPx(em);
  return platform::FrameResult{m_controller.nextChangeIn()};
}

platform::FrameResult drawErrorScreen(Ui& ui, const std::string& title, const std::string& detail) {
  ui.beginFrame();
  ui.beginScreen("error");
  ui.text(title, TextStyle::kTitle);
  ui.gap();
  ui.textWrapped(detail, TextStyle::kError);
  ui.gap();
  ui.textWrapped(
      "Nothing was changed on disk. Call your clinic's administrator or IT contact; "
      "the file is kept exactly as it is so that no recorded minute is lost.",
      TextStyle::kBody);
  ui.endScreen();
  return {};
}

}  // namespace unitclock::app
