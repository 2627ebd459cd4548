#pragma once
// Our own widget helpers over Dear ImGui. Every screen draws through them, so that
//  - sizes are in em units (multiples of the body font size), and touch targets stay >= 9 mm;
//  - nothing depends on hover (touch has none);
//  - every widget's visible label and rectangle, and every text drawn, is recorded per frame: script
//    mode taps widgets by label and checks what a therapist would see;
//  - every scrollable region (and a screen taller than the window) scrolls under a dragged finger, with a
//    glide after the finger lifts; a press that moves more than kDragSlopEm is a scroll, never a tap.

#include <imgui.h>

#include <string>
#include <string_view>
#include <vector>

namespace unitclock::app {

// One tappable widget on the frame: its visible labels (a tile shows several lines; any of them names
// it) and where it was drawn, in window pixels.
struct WidgetRecord {
  std::vector<std::string> labels;
  ImVec2 min{};
  ImVec2 max{};
  bool enabled = true;
  [[nodiscard]] ImVec2 centre() const { return ImVec2((min.x + max.x) * 0.5f, (min.y + max.y) * 0.5f); }
};

struct FrameRecord {
  std::vector<WidgetRecord> widgets;
  std::vector<std::string> texts;  // every text drawn, widget labels included
  // True when `needle` appears in any text on the frame.
  [[nodiscard]] bool shows(std::string_view needle) const;
  // Widgets whose labels include `label` exactly.
  [[nodiscard]] std::vector<const WidgetRecord*> find(std::string_view label) const;
};

enum class Tone { kNormal, kPrimary, kSelected, kRunning, kDanger, kQuiet, kWarning };
// kPausedTitle and kPausedClock: the title and clock fonts in the warning colour (a paused session).
enum class TextStyle {
  kBody,
  kBold,
  kTitle,
  kClock,
  kMuted,
  kWarning,
  kError,
  kSuccess,
  kPausedTitle,
  kPausedClock
};

// A press that moves further than this (in em: 13 px at 26 px) scrolls instead of tapping.
inline constexpr float kDragSlopEm = 0.5f;

// Touch target: 2.6 em = 68 px at the default 26 px em (>= 56 px = 9 mm at ~6 px/mm).
inline constexpr float kTouchEm = 2.6f;

struct UiFonts {
  ImFont* body = nullptr;  // nullptr: ImGui's current font
  ImFont* bold = nullptr;
  ImFont* title = nullptr;
  ImFont* clock = nullptr;
};

// The visible part of an ImGui label: "Start##97110" shows "Start".
std::string_view visibleLabel(std::string_view label);

class Ui {
 public:
  Ui(UiFonts fonts, float emPx);

  // Starts a frame's record; call before drawing a screen.
  void beginFrame();
  [[nodiscard]] const FrameRecord& record() const { return m_record; }
  [[nodiscard]] float em() const { return m_em; }
  [[nodiscard]] float px(float em) const { return em * m_em; }
  void setFonts(UiFonts fonts, float emPx);

  // The full-screen window every screen draws in.
  void beginScreen(const char* id);
  void endScreen();
  // A scrollable region; height <= 0 fills the rest of the screen minus -height em. A finger dragged in it
  // scrolls it (and does not tap what it started on).
  void beginRegion(const char* id, float widthEm, float heightEm);
  void endRegion();
  // Scrolls the last widget drawn into view once per `key`: call it every frame for the running tile and
  // the tile is brought into view when it starts (or the screen opens with it running); after that the
  // therapist may scroll away freely until the key changes.
  void keepInView(std::string_view key);
  // True while a list is still gliding after a finger lifted: the app asks for the next frame.
  [[nodiscard]] bool animating() const { return m_drag.gliding; }

  // A button; widthEm <= 0 fills the available width. Returns true on the release frame of a tap.
  bool button(std::string_view label, float widthEm, Tone tone = Tone::kNormal, bool enabled = true,
              float heightEm = kTouchEm);
  // A big tile with several lines (the first bold); any line names it for script mode.
  bool tile(std::string_view id, const std::vector<std::string>& lines, ImVec2 sizeEm, Tone tone,
            bool enabled = true);

  void text(std::string_view s, TextStyle style = TextStyle::kBody);
  // Wraps at the window's edge, or at `wrapLocalX` (window-local pixels) when given.
  void textWrapped(std::string_view s, TextStyle style = TextStyle::kBody, float wrapLocalX = 0.0f);
  // Text inside a box drawn like an input field (MRN, initials), `focused` draws the caret bar.
  bool field(std::string_view id, std::string_view label, std::string_view value, float widthEm,
             bool focused);
  void sameLine(float gapEm = 0.5f);
  void gap(float em = 0.5f);
  void separator();
  // Width left on the current line, in em.
  [[nodiscard]] float availableEm() const;
  [[nodiscard]] float availableHeightEm() const;

 private:
  void recordWidget(std::vector<std::string> labels, bool enabled);
  ImFont* fontFor(TextStyle style) const;
  // Finger scrolling for the current window (see [SECTION] Finger scrolling in widgets.cpp). `always`:
  // a drag is a scroll even when the window has nothing to scroll yet (regions); screens claim a drag
  // only when they are taller than the window, so a sloppy tap on a keypad still counts.
  void dragScroll(bool always);

  // One finger at a time: the window its press landed in, and whether it became a scroll.
  struct DragState {
    ImGuiID window = 0;      // 0: no press claimed
    ImVec2 pressPos{};       // where the finger went down, px
    bool scrolling = false;  // moved past kDragSlopEm: a scroll, not a tap
    ImVec2 velocity{};       // px/s of the content, for the glide after the lift
    bool gliding = false;    // still moving after the lift
    bool seen = false;       // its window was drawn on the current frame
  };

  UiFonts m_fonts;
  float m_em;
  FrameRecord m_record;
  DragState m_drag;
  std::string m_inViewKey;    // what keepInView last scrolled to
  bool m_inViewSeen = false;  // keepInView was called on the current frame
};

}  // namespace unitclock::app
