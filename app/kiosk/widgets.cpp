#include "widgets.h"

#include <imgui_internal.h>  // ClearActiveID, ScrollToRect, the window under the finger

#include <algorithm>
#include <cmath>

namespace unitclock::app {
namespace {

struct ToneColors {
  ImU32 fill;
  ImU32 fillActive;
  ImU32 textColor;
  ImU32 border;
};

ImU32 rgb(int r, int g, int b, int a = 255) {
  return IM_COL32(r, g, b, a);
}

ToneColors colorsFor(Tone tone) {
  switch (tone) {
    case Tone::kPrimary:
      return {rgb(31, 99, 201), rgb(20, 72, 150), rgb(255, 255, 255), rgb(20, 72, 150)};
    case Tone::kSelected:
      return {rgb(215, 230, 252), rgb(190, 212, 245), rgb(15, 50, 110), rgb(31, 99, 201)};
    case Tone::kRunning:
      return {rgb(26, 127, 55), rgb(18, 98, 42), rgb(255, 255, 255), rgb(18, 98, 42)};
    case Tone::kDanger:
      return {rgb(190, 40, 40), rgb(150, 28, 28), rgb(255, 255, 255), rgb(150, 28, 28)};
    case Tone::kWarning:
      return {rgb(255, 236, 200), rgb(245, 215, 160), rgb(110, 70, 0), rgb(200, 140, 20)};
    case Tone::kQuiet:
      return {rgb(244, 245, 247), rgb(225, 228, 232), rgb(40, 44, 52), rgb(190, 195, 202)};
    case Tone::kNormal:
    default:
      return {rgb(255, 255, 255), rgb(225, 228, 232), rgb(31, 35, 40), rgb(190, 195, 202)};
  }
}

ImU32 colorFor(TextStyle style) {
  switch (style) {
    case TextStyle::kMuted:
      return rgb(96, 102, 112);
    case TextStyle::kWarning:
    case TextStyle::kPausedTitle:
    case TextStyle::kPausedClock:
      return rgb(150, 90, 0);
    case TextStyle::kError:
      return rgb(185, 30, 30);
    case TextStyle::kSuccess:
      return rgb(20, 110, 45);
    default:
      return rgb(31, 35, 40);
  }
}

}  // namespace

std::string_view visibleLabel(std::string_view label) {
  const auto hashes = label.find("##");
  return hashes == std::string_view::npos ? label : label.substr(0, hashes);
}

bool FrameRecord::shows(std::string_view needle) const {
  return std::any_of(texts.begin(), texts.end(),
                     [&](const std::string& t) { return t.find(needle) != std::string::npos; });
}

std::vector<const WidgetRecord*> FrameRecord::find(std::string_view label) const {
  std::vector<const WidgetRecord*> found;
  for (const auto& w : widgets) {
    if (std::find(w.labels.begin(), w.labels.end(), label) != w.labels.end()) found.push_back(&w);
  }
  return found;
}

Ui::Ui(UiFonts fonts, float emPx) : m_fonts(fonts), m_em(emPx) {}

void Ui::setFonts(UiFonts fonts, float emPx) {
  m_fonts = fonts;
  m_em = emPx;
}

void Ui::beginFrame() {
  m_record.widgets.clear();
  m_record.texts.clear();
  // The running tile went away (paused, stopped, another screen): the next one to start is scrolled to.
  if (!m_inViewSeen) m_inViewKey.clear();
  m_inViewSeen = false;
  // A new press stops a glide; a list that is no longer drawn forgets its finger.
  if (ImGui::GetIO().MouseClicked[0] || !m_drag.seen) m_drag = DragState{};
  m_drag.seen = false;
}

ImFont* Ui::fontFor(TextStyle style) const {
  ImFont* f = nullptr;
  switch (style) {
    case TextStyle::kBold:
      f = m_fonts.bold;
      break;
    case TextStyle::kTitle:
    case TextStyle::kPausedTitle:
      f = m_fonts.title;
      break;
    case TextStyle::kClock:
    case TextStyle::kPausedClock:
      f = m_fonts.clock;
      break;
    default:
      f = m_fonts.body;
      break;
  }
  return f != nullptr ? f : ImGui::GetFont();
}

void Ui::recordWidget(std::vector<std::string> labels, bool enabled) {
  if (!ImGui::IsItemVisible()) return;  // scrolled out of view: not tappable, not seen
  for (const auto& l : labels) m_record.texts.push_back(l);
  m_record.widgets.push_back(
      WidgetRecord{std::move(labels), ImGui::GetItemRectMin(), ImGui::GetItemRectMax(), enabled});
}

void Ui::beginScreen(const char* id) {
  const ImGuiViewport* viewport = ImGui::GetMainViewport();
  ImGui::SetNextWindowPos(viewport->Pos);
  ImGui::SetNextWindowSize(viewport->Size);
  ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(px(1.0f), px(0.8f)));
  ImGui::PushStyleVar(ImGuiStyleVar_ItemSpacing, ImVec2(px(0.5f), px(0.5f)));
  ImGui::PushStyleVar(ImGuiStyleVar_FrameRounding, px(0.35f));
  ImGui::PushStyleVar(ImGuiStyleVar_ScrollbarSize, px(1.2f));  // a finger-sized scrollbar
  ImGui::PushStyleVar(ImGuiStyleVar_WindowBorderSize, 0.0f);
  ImGui::PushFont(fontFor(TextStyle::kBody));
  // NoBackground: the runner's clear colour paints it, which also saves fill work on software renderers.
  ImGui::Begin(id, nullptr,
               ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings |
                   ImGuiWindowFlags_NoBackground | ImGuiWindowFlags_NoBringToFrontOnFocus);
  dragScroll(false);
}

void Ui::endScreen() {
  ImGui::End();
  ImGui::PopFont();
  ImGui::PopStyleVar(5);
}

void Ui::beginRegion(const char* id, float widthEm, float heightEm) {
  const float h =
      heightEm > 0 ? px(heightEm) : std::max(px(3.0f), ImGui::GetContentRegionAvail().y + px(heightEm));
  ImGui::PushStyleColor(ImGuiCol_ChildBg, IM_COL32(0, 0, 0, 0));
  ImGui::BeginChild(id, ImVec2(widthEm > 0 ? px(widthEm) : 0.0f, h), false);
  dragScroll(true);
}

void Ui::endRegion() {
  ImGui::EndChild();
  ImGui::PopStyleColor();
}

// [SECTION] Finger scrolling
// ImGui 1.86 scrolls only with a wheel or the scroll bar; a therapist drags a list with a finger. Each
// window (a region, or a screen taller than the window) checks, right after it begins and before its
// widgets, whether the finger is its own: a press that lands in it (not on its scroll bar) is claimed.
// While the finger stays within kDragSlopEm it is an ordinary press; past that the widget it started on
// loses the press (ClearActiveID: ImGui fires a button only on a release that ends its own press) and the
// content follows the finger. After the lift it glides on, slowing down, unless the finger had stopped.
// Scroll positions set here take effect at the window's next Begin (one frame later, as ImGui's own).

namespace {

constexpr float kGlideTimeConstantS = 0.35f;  // velocity falls to 1/e in this many seconds
constexpr float kGlideStopPxPerS = 40.0f;     // slower than this: the glide is over
constexpr float kStillSeconds = 0.08f;        // a lift this long after the last frame: the finger had stopped

// Moves the window's content by `d` pixels (the finger's motion) along the axes it scrolls on; false when
// it hit an end.
bool moveContent(ImGuiWindow* w, ImVec2 d) {
  if (w->ScrollMax.x <= 0.0f) d.x = 0.0f;
  if (w->ScrollMax.y <= 0.0f) d.y = 0.0f;
  const ImVec2 want(w->Scroll.x - d.x, w->Scroll.y - d.y);
  const ImVec2 to(std::clamp(want.x, 0.0f, w->ScrollMax.x), std::clamp(want.y, 0.0f, w->ScrollMax.y));
  if (d.x != 0.0f) ImGui::SetScrollX(w, to.x);
  if (d.y != 0.0f) ImGui::SetScrollY(w, to.y);
  return to.x == want.x && to.y == want.y;
}

}  // namespace

void Ui::dragScroll(bool always) {
  ImGuiContext& g = *GImGui;
  const ImGuiIO& io = g.IO;
  ImGuiWindow* w = ImGui::GetCurrentWindow();
  const bool canScroll = w->ScrollMax.x > 0.0f || w->ScrollMax.y > 0.0f;
  if (io.MouseClicked[0] && g.HoveredWindow == w && w->InnerRect.Contains(io.MousePos) &&
      (always || canScroll)) {
    m_drag = DragState{};
    m_drag.window = w->ID;
    m_drag.pressPos = io.MousePos;
  }
  if (m_drag.window != w->ID) return;
  m_drag.seen = true;
  const float dt = std::clamp(io.DeltaTime, 1.0e-3f, 0.1f);
  if (io.MouseDown[0]) {
    const float dx = io.MousePos.x - m_drag.pressPos.x;
    const float dy = io.MousePos.y - m_drag.pressPos.y;
    if (!m_drag.scrolling && dx * dx + dy * dy > px(kDragSlopEm) * px(kDragSlopEm)) {
      m_drag.scrolling = true;
      if (g.ActiveId != 0) ImGui::ClearActiveID();  // a drag never taps
    }
    if (m_drag.scrolling) {
      moveContent(w, io.MouseDelta);
      const ImVec2 now(io.MouseDelta.x / dt, io.MouseDelta.y / dt);
      m_drag.velocity =
          ImVec2(0.3f * m_drag.velocity.x + 0.7f * now.x, 0.3f * m_drag.velocity.y + 0.7f * now.y);
    }
    return;
  }
  if (m_drag.scrolling) {  // the lift
    m_drag.scrolling = false;
    const float speed = std::hypot(m_drag.velocity.x, m_drag.velocity.y);
    m_drag.gliding = canScroll && io.DeltaTime < kStillSeconds && speed > kGlideStopPxPerS;
  }
  if (!m_drag.gliding) {
    m_drag = DragState{};
    return;
  }
  const bool free = moveContent(w, ImVec2(m_drag.velocity.x * dt, m_drag.velocity.y * dt));
  const float decay = std::exp(-dt / kGlideTimeConstantS);
  m_drag.velocity = ImVec2(m_drag.velocity.x * decay, m_drag.velocity.y * decay);
  if (!free || std::hypot(m_drag.velocity.x, m_drag.velocity.y) < kGlideStopPxPerS) m_drag = DragState{};
}

void Ui::keepInView(std::string_view key) {
  m_inViewSeen = true;
  if (key == m_inViewKey) return;
  m_inViewKey = std::string(key);
  // Also scrolls the screen around the region when the region itself is partly off screen.
  ImGui::ScrollToRect(ImGui::GetCurrentWindow(), ImRect(ImGui::GetItemRectMin(), ImGui::GetItemRectMax()),
                      ImGuiScrollFlags_KeepVisibleEdgeY);
}

bool Ui::button(std::string_view label, float widthEm, Tone tone, bool enabled, float heightEm) {
  const ToneColors c = colorsFor(tone);
  const std::string full(label);
  ImGui::PushStyleColor(ImGuiCol_Button, c.fill);
  ImGui::PushStyleColor(ImGuiCol_ButtonHovered, c.fill);  // no hover look: touch has no hover
  ImGui::PushStyleColor(ImGuiCol_ButtonActive, c.fillActive);
  ImGui::PushStyleColor(ImGuiCol_Text, c.textColor);
  ImGui::PushStyleColor(ImGuiCol_Border, c.border);
  ImGui::PushStyleVar(ImGuiStyleVar_FrameBorderSize, 1.5f);
  ImGui::PushFont(fontFor(TextStyle::kBold));
  if (!enabled) ImGui::BeginDisabled();
  const float w = widthEm > 0 ? px(widthEm) : ImGui::GetContentRegionAvail().x;
  const bool pressed = ImGui::Button(full.c_str(), ImVec2(w, px(heightEm)));
  if (!enabled) ImGui::EndDisabled();
  ImGui::PopFont();
  ImGui::PopStyleVar();
  ImGui::PopStyleColor(5);
  recordWidget({std::string(visibleLabel(label))}, enabled);
  return pressed && enabled;
}

bool Ui::tile(std::string_view id, const std::vector<std::string>& lines, ImVec2 sizeEm, Tone tone,
              bool enabled) {
  const ToneColors c = colorsFor(tone);
  const ImVec2 size(sizeEm.x > 0 ? px(sizeEm.x) : ImGui::GetContentRegionAvail().x, px(sizeEm.y));
  const std::string sid(id);
  if (!enabled) ImGui::BeginDisabled();
  const bool pressed = ImGui::InvisibleButton(sid.c_str(), size);
  if (!enabled) ImGui::EndDisabled();
  const bool held = ImGui::IsItemActive();
  const ImVec2 a = ImGui::GetItemRectMin();
  const ImVec2 b = ImGui::GetItemRectMax();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->AddRectFilled(a, b, held ? c.fillActive : c.fill, px(0.4f));
  dl->AddRect(a, b, c.border, px(0.4f), 0, tone == Tone::kRunning || tone == Tone::kSelected ? 3.0f : 1.5f);
  dl->PushClipRect(a, ImVec2(b.x - px(0.3f), b.y), true);  // long names never spill onto the next tile
  // Lines after the first wrap at word boundaries to the tile's width; when the tile runs out of height the
  // last line that fits ends in "…", so a long activity name is never cut off mid-word without a sign.
  const float left = a.x + px(0.6f);
  const float wrapWidth = (b.x - px(0.6f)) - left;
  const ImU32 col = enabled ? c.textColor : rgb(150, 150, 150);
  float y = a.y + px(0.45f);
  const float bottom = b.y - px(0.25f);
  for (std::size_t i = 0; i < lines.size(); ++i) {
    ImFont* f = i == 0 ? fontFor(TextStyle::kBold) : fontFor(TextStyle::kBody);
    const float lineH = f->FontSize * 1.1f;
    // The lines still to come after this one each need a row of their own.
    const float reserved = static_cast<float>(lines.size() - 1 - i) * lineH;
    const char* text = lines[i].c_str();
    const char* end = text + lines[i].size();
    while (text < end) {
      const char* brk = i == 0 ? end : f->CalcWordWrapPositionA(1.0f, text, end, wrapWidth);
      if (brk == text) brk = text + 1;  // a single character wider than the tile: never loop forever
      const bool more = brk < end;
      const bool lastRow = y + 2 * lineH + reserved > bottom;
      if (more && lastRow) {
        // No room for another row: end this one with an ellipsis.
        std::string cut(text, brk);
        while (!cut.empty() && cut.back() == ' ') cut.pop_back();
        const float ell = f->CalcTextSizeA(f->FontSize, FLT_MAX, 0.0f, "…").x;
        while (!cut.empty() &&
               f->CalcTextSizeA(f->FontSize, FLT_MAX, 0.0f, cut.c_str()).x + ell > wrapWidth) {
          cut.pop_back();
          while (!cut.empty() && (static_cast<unsigned char>(cut.back()) & 0xC0) == 0x80) cut.pop_back();
        }
        cut += "…";
        dl->AddText(f, f->FontSize, ImVec2(left, y), col, cut.c_str());
        y += lineH;
        break;
      }
      dl->AddText(f, f->FontSize, ImVec2(left, y), col, text, brk);
      y += lineH;
      text = brk;
      while (text < end && *text == ' ') ++text;
    }
  }
  dl->PopClipRect();
  recordWidget(lines, enabled);
  return pressed && enabled;
}

void Ui::text(std::string_view s, TextStyle style) {
  const std::string str(s);
  ImGui::PushFont(fontFor(style));
  ImGui::PushStyleColor(ImGuiCol_Text, colorFor(style));
  ImGui::TextUnformatted(str.c_str());
  ImGui::PopStyleColor();
  ImGui::PopFont();
  if (ImGui::IsItemVisible()) m_record.texts.push_back(str);
}

void Ui::textWrapped(std::string_view s, TextStyle style, float wrapLocalX) {
  const std::string str(s);
  ImGui::PushFont(fontFor(style));
  ImGui::PushStyleColor(ImGuiCol_Text, colorFor(style));
  ImGui::PushTextWrapPos(wrapLocalX);
  ImGui::TextUnformatted(str.c_str());
  ImGui::PopTextWrapPos();
  ImGui::PopStyleColor();
  ImGui::PopFont();
  if (ImGui::IsItemVisible()) m_record.texts.push_back(str);
}

bool Ui::field(std::string_view id, std::string_view label, std::string_view value, float widthEm,
               bool focused) {
  const std::string sid(id);
  const ImVec2 size(px(widthEm), px(kTouchEm));
  const bool pressed = ImGui::InvisibleButton(sid.c_str(), size);
  const ImVec2 a = ImGui::GetItemRectMin();
  const ImVec2 b = ImGui::GetItemRectMax();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->AddRectFilled(a, b, rgb(255, 255, 255), px(0.3f));
  dl->AddRect(a, b, focused ? rgb(31, 99, 201) : rgb(150, 155, 162), px(0.3f), 0, focused ? 3.0f : 1.5f);
  ImFont* small = fontFor(TextStyle::kBody);
  const std::string lab(label);
  const std::string val(value);
  dl->AddText(small, small->FontSize * 0.75f, ImVec2(a.x + px(0.5f), a.y + px(0.2f)), rgb(96, 102, 112),
              lab.c_str());
  ImFont* big = fontFor(TextStyle::kBold);
  const ImVec2 valuePos(a.x + px(0.5f), a.y + px(1.05f));
  dl->AddText(big, big->FontSize, valuePos, rgb(31, 35, 40), val.c_str());
  if (focused) {
    const float caretX = valuePos.x + big->CalcTextSizeA(big->FontSize, FLT_MAX, 0.0f, val.c_str()).x + 2.0f;
    dl->AddLine(ImVec2(caretX, valuePos.y), ImVec2(caretX, valuePos.y + big->FontSize), rgb(31, 99, 201),
                2.0f);
  }
  recordWidget({lab}, true);
  if (ImGui::IsItemVisible()) m_record.texts.push_back(val);
  return pressed;
}

void Ui::sameLine(float gapEm) {
  ImGui::SameLine(0.0f, px(gapEm));
}

void Ui::gap(float em) {
  ImGui::Dummy(ImVec2(1.0f, px(em)));
}

void Ui::separator() {
  ImGui::Separator();
}

float Ui::availableEm() const {
  return ImGui::GetContentRegionAvail().x / m_em;
}

float Ui::availableHeightEm() const {
  return ImGui::GetContentRegionAvail().y / m_em;
}

}  // namespace unitclock::app
