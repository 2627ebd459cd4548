#pragma once
// What changed on screen since the last frame, from ImGui's draw data alone, so that a frame the screen
// asked for by itself (the running clock's next second) redraws only that rectangle. SDL's software
// renderer fills every triangle's pixels on the CPU, and nearly all of a frame's CPU is that fill
// (docs/bench-app.md); the window's surface keeps the rest of the previous frame.
//
// Each triangle (its three vertices, texture and clip rectangle) is hashed. The damage is the bounding box
// of the triangles that are in one frame and not in the other, old and new, so a glyph that moved or
// disappeared is painted over too. The rectangle is then drawn again whole, background first, with every
// triangle that touches it, in order. A frame after input, a resize or a new font is always drawn whole.

#include <imgui.h>

#include <cstdint>
#include <optional>
#include <vector>

namespace unitclock::platform {

struct DamageRect {
  int x0 = 0, y0 = 0, x1 = 0, y1 = 0;  // pixels, [x0, x1) × [y0, y1)
  [[nodiscard]] bool empty() const { return x1 <= x0 || y1 <= y0; }
  friend bool operator==(const DamageRect&, const DamageRect&) = default;
};

class DamageTracker {
 public:
  // Reads this frame's draw data and remembers it. Returns the rectangle that differs from the frame
  // remembered before (empty: nothing changed), or nullopt when the whole frame must be drawn: the first
  // frame, after invalidate(), or a different display size.
  std::optional<DamageRect> update(const ImDrawData& data);

  // The next frame is drawn whole (input, a resized or exposed window, new fonts, a screenshot).
  void invalidate() { m_valid = false; }

 private:
  struct Triangle {
    std::uint64_t hash;
    float x0, y0, x1, y1;  // bounds, within its clip rectangle
  };
  std::vector<Triangle> m_previous;
  std::vector<Triangle> m_current;
  ImVec2 m_size{};
  bool m_valid = false;
};

// Limits every draw command of `data` to `rect`: a command outside it gets an empty clip rectangle, which
// the renderer skips; one that crosses it is clipped to it.
void clipDrawData(ImDrawData& data, const DamageRect& rect);

}  // namespace unitclock::platform
