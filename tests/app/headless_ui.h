#pragma once
// A Dear ImGui context without SDL or a renderer: screens are drawn from views, a finger is simulated with
// io.MousePos / io.MouseDown, and the intents each frame emits are collected. Used by the screen tests.

#include <imgui.h>

#include <functional>
#include <stdexcept>
#include <string>

#include "intents.h"
#include "widgets.h"

namespace unitclock::app::testing {

class HeadlessUi {
 public:
  explicit HeadlessUi(ImVec2 size = ImVec2(1280, 800), float emPx = 26.0f) : m_em(emPx) {
    m_context = ImGui::CreateContext();
    ImGuiIO& io = ImGui::GetIO();
    io.IniFilename = nullptr;
    io.DisplaySize = size;
    io.DeltaTime = 1.0f / 60.0f;
    ImFontConfig config;
    config.SizePixels = emPx;
    io.Fonts->AddFontDefault(&config);
    unsigned char* pixels = nullptr;
    int w = 0;
    int h = 0;
    io.Fonts->GetTexDataAsRGBA32(&pixels, &w, &h);
    m_ui = std::make_unique<Ui>(UiFonts{}, emPx);
  }
  ~HeadlessUi() { ImGui::DestroyContext(m_context); }
  HeadlessUi(const HeadlessUi&) = delete;
  HeadlessUi& operator=(const HeadlessUi&) = delete;

  using DrawFn = std::function<void(Ui&, Intents&)>;

  // One frame with the finger at `pos` (or away) and pressed or not; returns the frame's intents.
  Intents frame(const DrawFn& draw, ImVec2 pos = ImVec2(-FLT_MAX, -FLT_MAX), bool down = false) {
    ImGuiIO& io = ImGui::GetIO();
    io.MousePos = pos;
    io.MouseDown[0] = down;
    ImGui::NewFrame();
    m_ui->beginFrame();
    Intents out;
    draw(*m_ui, out);
    ImGui::Render();
    return out;
  }

  // Draws once to find the widget labelled `label`, then a finger presses and lifts on its centre.
  // Returns the intents of the release frame. Throws if the label is absent or ambiguous.
  Intents tap(const DrawFn& draw, const std::string& label) {
    frame(draw);
    const auto found = m_ui->record().find(label);
    if (found.size() != 1)
      throw std::runtime_error("'" + label + "' found " + std::to_string(found.size()) + " times");
    const ImVec2 c = found.front()->centre();
    frame(draw, c, true);
    return frame(draw, c, false);
  }

  // A finger presses at `from`, moves to `to` in `steps` frames and lifts there. Returns the intents of every
  // frame of the gesture.
  Intents drag(const DrawFn& draw, ImVec2 from, ImVec2 to, int steps = 8) {
    Intents all;
    const auto keep = [&all](Intents out) { all.insert(all.end(), out.begin(), out.end()); };
    keep(frame(draw));
    keep(frame(draw, from, true));
    for (int i = 1; i <= steps; ++i) {
      const float t = static_cast<float>(i) / static_cast<float>(steps);
      keep(frame(draw, ImVec2(from.x + (to.x - from.x) * t, from.y + (to.y - from.y) * t), true));
    }
    keep(frame(draw, to, false));
    return all;
  }

  [[nodiscard]] const FrameRecord& record() const { return m_ui->record(); }
  [[nodiscard]] float em() const { return m_em; }

 private:
  ImGuiContext* m_context = nullptr;
  std::unique_ptr<Ui> m_ui;
  float m_em;
};

}  // namespace unitclock::app::testing
