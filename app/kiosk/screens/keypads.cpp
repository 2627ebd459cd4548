#include <algorithm>
#include <iterator>

#include "screens.h"

namespace unitclock::app {

void drawTopBar(Ui& ui, std::string_view title, std::string_view subtitle, Intents& out, bool back,
                bool lock) {
  if (back) {
    if (ui.button("Back", 5.0f, Tone::kQuiet)) out.push_back(intent::Back{});
    ui.sameLine(1.0f);
  }
  ImGui::BeginGroup();
  ui.text(title, TextStyle::kTitle);
  if (!subtitle.empty()) ui.text(subtitle, TextStyle::kMuted);
  ImGui::EndGroup();
  if (lock) {
    const float w = 5.0f;
    ImGui::SameLine(std::max(ImGui::GetCursorPosX(), ImGui::GetWindowContentRegionMax().x - ui.px(w)));
    if (ui.button("Lock", w, Tone::kQuiet)) out.push_back(intent::Lock{});
  }
  ui.gap(0.3f);
}

void drawKeyboard(Ui& ui, Intents& out, bool digitsOnly, bool punctuation) {
  static constexpr const char* kRows[] = {"1234567890", "QWERTYUIOP", "ASDFGHJKL", "ZXCVBNM"};
  const float gapEm = 0.3f;
  // Keys shrink to fit narrow screens but never below a touch target (2.2 em = 57 px at 26 px).
  // The widest row is A-L plus Done: 10.5 keys and 9 gaps.
  const float keyEm = std::clamp((ui.availableEm() - 9 * gapEm - 0.1f) / 10.5f, 2.2f, 3.2f);
  const int rows = digitsOnly ? 1 : 4;
  for (int r = 0; r < rows; ++r) {
    const std::string_view row = kRows[r];
    for (std::size_t i = 0; i < row.size(); ++i) {
      if (i > 0) ui.sameLine(gapEm);
      const std::string key(1, row[i]);
      if (ui.button(key, keyEm, Tone::kNormal)) out.push_back(intent::KeyText{key});
    }
    if (r == 2) {
      ui.sameLine(gapEm);
      if (ui.button("Done", keyEm * 1.5f, Tone::kPrimary)) out.push_back(intent::Focus{Field::kNone});
    }
    if (r == 3) {
      ui.sameLine(gapEm);
      if (ui.button("Space", keyEm * 1.5f, Tone::kNormal)) out.push_back(intent::KeyText{" "});
    }
    if (r == rows - 1) {
      ui.sameLine(gapEm);
      if (ui.button("Delete", keyEm * 1.5f, Tone::kQuiet)) out.push_back(intent::KeyDelete{});
    }
  }
  if (punctuation && !digitsOnly) {
    // For server addresses: http://host:port
    static constexpr const char* kMarks[] = {".", ":", "/", "-", "_"};
    for (std::size_t i = 0; i < std::size(kMarks); ++i) {
      if (i > 0) ui.sameLine(gapEm);
      if (ui.button(kMarks[i], keyEm, Tone::kNormal)) out.push_back(intent::KeyText{kMarks[i]});
    }
  }
}

void drawPinPad(Ui& ui, Intents& out, bool canSubmit) {
  const float keyW = 5.5f;
  const float keyH = 3.0f;
  static constexpr const char* kKeys[] = {"1", "2", "3", "4", "5", "6", "7", "8", "9"};
  for (int i = 0; i < 9; ++i) {
    if (i % 3 != 0) ui.sameLine(0.5f);
    if (ui.button(kKeys[i], keyW, Tone::kNormal, true, keyH)) out.push_back(intent::PinDigit{kKeys[i]});
  }
  if (ui.button("Delete", keyW, Tone::kQuiet, true, keyH)) out.push_back(intent::PinDelete{});
  ui.sameLine(0.5f);
  if (ui.button("0", keyW, Tone::kNormal, true, keyH)) out.push_back(intent::PinDigit{"0"});
  ui.sameLine(0.5f);
  if (ui.button("OK", keyW, Tone::kPrimary, canSubmit, keyH)) out.push_back(intent::PinSubmit{});
}

int columnsFor(const Ui& ui, float widthEm, float gapEm) {
  return std::max(1, static_cast<int>((ui.availableEm() + gapEm) / (widthEm + gapEm)));
}

void flowItem(Ui& ui, int index, int columns) {
  if (index % columns != 0) ui.sameLine(0.5f);
}

std::string maskedPin(int digits) {
  return std::string(static_cast<std::size_t>(std::max(0, digits)), '*');
}

}  // namespace unitclock::app
