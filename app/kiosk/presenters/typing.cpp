#include <cctype>

#include "presenters.h"

namespace unitclock::app {

void typeInto(Field field, std::string& t, const std::string& text) {
  for (const char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    const bool digit = std::isdigit(c) != 0;
    switch (field) {
      case Field::kPin:
      case Field::kPinConfirm:
        if (digit && t.size() < 8) t += ch;
        break;
      case Field::kName:
        if ((std::isalpha(c) != 0 || ch == ' ' || ch == '-' || ch == '.' || ch == '\'') && t.size() < 40)
          t += ch;
        break;
      case Field::kMrn:
        if (std::isalnum(c) != 0 && t.size() < 32) t += static_cast<char>(std::toupper(c));
        break;
      case Field::kInitials:
        if (std::isalpha(c) != 0 && t.size() < 4) t += static_cast<char>(std::toupper(c));
        break;
      case Field::kServerUrl:
        if (std::isprint(c) != 0 && ch != ' ') t += static_cast<char>(std::tolower(c));
        break;
      case Field::kEnrollCode:
        if ((std::isalnum(c) != 0 || ch == '-') && t.size() < 32) t += static_cast<char>(std::toupper(c));
        break;
      case Field::kClinic:
      case Field::kRoom: {
        // The on-screen keys are capitals: a word starts with one and continues in lower case.
        if ((std::isprint(c) == 0 && c < 0x80) || t.size() >= (field == Field::kClinic ? 60u : 40u)) break;
        const bool wordStart = t.empty() || t.back() == ' ';
        t += std::isupper(c) != 0 && !wordStart ? static_cast<char>(std::tolower(c)) : ch;
        break;
      }
      case Field::kNone:
        break;
    }
  }
}

void deleteFrom(Field field, std::string& t) {
  if (field == Field::kNone) return;
  if (field == Field::kClinic || field == Field::kRoom) {
    // Whole UTF-8 characters ("Room 2 · Kiosk"): drop continuation bytes with their lead byte.
    while (!t.empty() && (static_cast<unsigned char>(t.back()) & 0xC0) == 0x80) t.pop_back();
  }
  if (!t.empty()) t.pop_back();
}

bool applyTyping(Field& focus, const Intent& intent, std::string* focused) {
  if (const auto* f = std::get_if<intent::Focus>(&intent)) {
    focus = f->field;
    return true;
  }
  if (const auto* k = std::get_if<intent::KeyText>(&intent)) {
    if (focused != nullptr) typeInto(focus, *focused, k->text);
    return true;
  }
  if (std::holds_alternative<intent::KeyDelete>(intent)) {
    if (focused != nullptr) deleteFrom(focus, *focused);
    return true;
  }
  return false;
}

}  // namespace unitclock::app
