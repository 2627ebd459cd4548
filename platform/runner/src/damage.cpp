#include "damage.h"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace unitclock::platform {

namespace {

// FNV-1a over raw bytes: fast, and a collision only costs a rectangle left undrawn for one frame of an
// otherwise identical screen (the next input redraws everything).
std::uint64_t mix(std::uint64_t h, const void* data, std::size_t size) {
  const auto* p = static_cast<const unsigned char*>(data);
  for (std::size_t i = 0; i < size; ++i) {
    h ^= p[i];
    h *= 1099511628211ull;
  }
  return h;
}

}  // namespace

std::optional<DamageRect> DamageTracker::update(const ImDrawData& data) {
  m_current.clear();
  for (int l = 0; l < data.CmdListsCount; ++l) {
    const ImDrawList* list = data.CmdLists[l];
    for (const ImDrawCmd& cmd : list->CmdBuffer) {
      if (cmd.UserCallback != nullptr) continue;
      const ImTextureID texture = cmd.TextureId;
      for (unsigned i = 0; i + 2 < cmd.ElemCount; i += 3) {
        std::uint64_t h = 14695981039346656037ull;
        h = mix(h, &texture, sizeof texture);
        h = mix(h, &cmd.ClipRect, sizeof cmd.ClipRect);
        float x0 = cmd.ClipRect.z, y0 = cmd.ClipRect.w, x1 = cmd.ClipRect.x, y1 = cmd.ClipRect.y;
        for (unsigned k = 0; k < 3; ++k) {
          const ImDrawVert& v = list->VtxBuffer[static_cast<int>(
              cmd.VtxOffset + list->IdxBuffer[static_cast<int>(cmd.IdxOffset + i + k)])];
          h = mix(h, &v.pos, sizeof v.pos);
          h = mix(h, &v.uv, sizeof v.uv);
          h = mix(h, &v.col, sizeof v.col);
          x0 = std::min(x0, v.pos.x);
          y0 = std::min(y0, v.pos.y);
          x1 = std::max(x1, v.pos.x);
          y1 = std::max(y1, v.pos.y);
        }
        // Within the clip rectangle: what is outside it is never drawn.
        x0 = std::max(x0, cmd.ClipRect.x);
        y0 = std::max(y0, cmd.ClipRect.y);
        x1 = std::min(x1, cmd.ClipRect.z);
        y1 = std::min(y1, cmd.ClipRect.w);
        m_current.push_back({h, x0, y0, x1, y1});
      }
    }
  }
  std::sort(m_current.begin(), m_current.end(),
            [](const Triangle& a, const Triangle& b) { return a.hash < b.hash; });

  const bool whole = !m_valid || data.DisplaySize.x != m_size.x || data.DisplaySize.y != m_size.y;
  std::optional<DamageRect> result;
  if (!whole) {
    float x0 = data.DisplaySize.x, y0 = data.DisplaySize.y, x1 = 0.0f, y1 = 0.0f;
    auto add = [&](const Triangle& t) {
      if (t.x1 <= t.x0 || t.y1 <= t.y0) return;  // clipped away: draws nothing
      x0 = std::min(x0, t.x0);
      y0 = std::min(y0, t.y0);
      x1 = std::max(x1, t.x1);
      y1 = std::max(y1, t.y1);
    };
    // Both lists are sorted by hash: what is in one and not the other (counted, as a triangle can repeat).
    std::size_t a = 0, b = 0;
    while (a < m_previous.size() || b < m_current.size()) {
      if (b == m_current.size() || (a < m_previous.size() && m_previous[a].hash < m_current[b].hash)) {
        add(m_previous[a++]);
      } else if (a == m_previous.size() || m_current[b].hash < m_previous[a].hash) {
        add(m_current[b++]);
      } else {
        ++a;
        ++b;
      }
    }
    DamageRect r;
    if (x1 > x0 && y1 > y0) {
      // Whole pixels, one more on every side for anti-aliased edges, within the display.
      r.x0 = std::max(0, static_cast<int>(std::floor(x0)) - 1);
      r.y0 = std::max(0, static_cast<int>(std::floor(y0)) - 1);
      r.x1 = std::min(static_cast<int>(data.DisplaySize.x), static_cast<int>(std::ceil(x1)) + 1);
      r.y1 = std::min(static_cast<int>(data.DisplaySize.y), static_cast<int>(std::ceil(y1)) + 1);
    }
    result = r;
  }
  std::swap(m_previous, m_current);
  m_size = data.DisplaySize;
  m_valid = true;
  return result;
}

void clipDrawData(ImDrawData& data, const DamageRect& rect) {
  const ImVec2 off = data.DisplayPos;
  for (int l = 0; l < data.CmdListsCount; ++l) {
    for (ImDrawCmd& cmd : data.CmdLists[l]->CmdBuffer) {
      ImVec4& c = cmd.ClipRect;
      c.x = std::max(c.x, static_cast<float>(rect.x0) + off.x);
      c.y = std::max(c.y, static_cast<float>(rect.y0) + off.y);
      c.z = std::min(c.z, static_cast<float>(rect.x1) + off.x);
      c.w = std::min(c.w, static_cast<float>(rect.y1) + off.y);
      if (c.z < c.x) c.z = c.x;  // empty: the renderer skips it
      if (c.w < c.y) c.w = c.y;
    }
  }
}

}  // namespace unitclock::platform
