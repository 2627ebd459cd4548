// Settings: clinic and room, auto-lock, display, kiosk mode, enrollment and the roster.
#include <cctype>

#include "format.h"
#include "presenters.h"

namespace unitclock::app {

void SettingsPresenter::enter() {
  m_clinicEdit = m_ctx.settings.clinicName;
  m_roomEdit = m_ctx.settings.room;
}

void SettingsPresenter::enrollFinished(const std::string& error) {
  m_ctx.error = error;
  m_ctx.message = error.empty() ? "Enrolled. The roster and settings come from the server now." : "";
  // A failed enrollment keeps the 12-character code, to check it or try again.
  if (error.empty()) m_enrollCode.clear();
}

SettingsView SettingsPresenter::build() const {
  const auto& s = m_ctx.settings;
  SettingsView v;
  v.clinic = s.clinicName;
  v.room = s.room;
  v.autoLockMinutes = s.autoLockMinutes;
  v.showSeconds = s.showSeconds;
  v.showNextUnit = s.showNextUnit;
  for (const char* size : {"small", "normal", "large"}) {
    std::string label = size;
    label[0] = static_cast<char>(std::toupper(label[0]));
    v.textSizes.push_back({size, label, s.textSize == size});
  }
  v.kioskMode = s.kioskMode;
  v.serverUrl = s.serverUrl;
  v.enrollCode = m_enrollCode;
  v.lockedSessionTaps = m_ctx.settings.lockedSessionTaps;
  v.focus = m_ctx.focus;
  for (const auto& c : m_ctx.roster) v.roster.push_back({c.id, c.displayName, roleLabel(c.role), {}, false});
  const auto* me = m_ctx.me();
  v.canAdminister = me != nullptr && isAdmin(me->role);
  // Being edited: what is typed so far. An enrolled device takes the clinic name from the server.
  v.clinicFromServer = m_ctx.syncConfigured();
  v.clinicEdit = m_clinicEdit;
  v.roomEdit = m_roomEdit;
  v.canSaveClinicRoom =
      v.canAdminister && !trim(m_roomEdit).empty() && !trim(m_clinicEdit).empty() &&
      (trim(m_roomEdit) != s.room || (!v.clinicFromServer && trim(m_clinicEdit) != s.clinicName));
  v.message = m_ctx.error.empty() ? m_ctx.message : "";
  v.error = m_ctx.error;
  return v;
}

void SettingsPresenter::apply(const Intent& intent) {
  auto fieldText = [&]() -> std::string* {
    switch (m_ctx.focus) {
      case Field::kServerUrl:
        return &m_ctx.settings.serverUrl;
      case Field::kEnrollCode:
        return &m_enrollCode;
      case Field::kClinic:
        return &m_clinicEdit;
      case Field::kRoom:
        return &m_roomEdit;
      default:
        return nullptr;
    }
  };
  const auto& s = m_ctx.settings;
  std::visit(
      Overloaded{
          [&](const intent::Focus& i) {
            // An enrolled device takes the clinic name from the server.
            if (i.field == Field::kClinic && m_ctx.syncConfigured()) return;
            m_ctx.focus = i.field;
          },
          [&](const intent::KeyText& i) {
            if (auto* t = fieldText()) typeInto(m_ctx.focus, *t, i.text);
          },
          [&](const intent::KeyDelete&) {
            if (auto* t = fieldText()) deleteFrom(m_ctx.focus, *t);
          },
          [&](const intent::AdjustAutoLock& i) {
            m_ctx.saveSetting(
                "auto_lock_minutes",
                std::to_string(std::clamp(s.autoLockMinutes + static_cast<int>(i.delta.count()), 1, 30)));
          },
          [&](const intent::ToggleSeconds&) { m_ctx.saveSetting("show_seconds", s.showSeconds ? "0" : "1"); },
          [&](const intent::ToggleNextUnit&) {
            m_ctx.saveSetting("show_next_unit", s.showNextUnit ? "0" : "1");
          },
          [&](const intent::SetTextSize& i) { m_ctx.saveSetting("text_size", i.size); },
          [&](const intent::ToggleKiosk&) { m_ctx.saveSetting("kiosk_mode", s.kioskMode ? "0" : "1"); },
          [&](const intent::ToggleLockedTaps&) {
            m_ctx.saveSetting("locked_session_taps", s.lockedSessionTaps ? "0" : "1");
          },
          [&](const intent::Enroll&) {
            if (s.serverUrl.empty() || m_enrollCode.empty()) {
              m_ctx.error = "Enter the server URL and the enrollment code from the server's administrator.";
            } else if (m_ctx.options.sync == nullptr) {
              m_ctx.error = "This device has no sync; it works fully offline.";
            } else {
              m_ctx.options.sync->beginEnroll(s.serverUrl, m_enrollCode, s.room);
              m_ctx.message = "Enrolling this device…";
              m_ctx.error.clear();
            }
          },
          [&](const intent::SaveClinicRoom&) { saveClinicRoom(); },
          [&](const intent::AddClinician&) { m_nav.go(Screen::kAddClinician); },
          [](const auto&) {},
      },
      intent);
}

void SettingsPresenter::saveClinicRoom() {
  const std::string clinic = trim(m_clinicEdit);
  const std::string room = trim(m_roomEdit);
  if (clinic.empty() || room.empty()) {
    m_ctx.error = "The clinic name and the room cannot be empty.";
    return;
  }
  m_ctx.error.clear();
  if (!m_ctx.syncConfigured() && clinic != m_ctx.settings.clinicName)
    m_ctx.saveSetting("clinic_name", clinic);
  if (m_ctx.error.empty() && room != m_ctx.settings.room) m_ctx.saveSetting("room", room);
  if (m_ctx.error.empty()) {
    m_ctx.message = "Saved: " + m_ctx.settings.clinicName + " · " + m_ctx.settings.room + ".";
    m_ctx.focus = Field::kNone;
    m_clinicEdit = m_ctx.settings.clinicName;
    m_roomEdit = m_ctx.settings.room;
  }
}

}  // namespace unitclock::app
