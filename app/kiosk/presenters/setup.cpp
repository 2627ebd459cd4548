// First start: the administrator's name and PIN.
#include "format.h"
#include "presenters.h"

namespace unitclock::app {

SetupView SetupPresenter::build() const {
  SetupView v;
  v.name = m_name;
  v.pinDigits = static_cast<int>(m_pin.size());
  v.confirmDigits = static_cast<int>(m_pinConfirm.size());
  v.focus = m_ctx.focus;
  v.error = m_ctx.error;
  return v;
}

void SetupPresenter::apply(const Intent& intent) {
  auto fieldText = [&]() -> std::string* {
    switch (m_ctx.focus) {
      case Field::kName:
        return &m_name;
      case Field::kPin:
        return &m_pin;
      case Field::kPinConfirm:
        return &m_pinConfirm;
      default:
        return nullptr;
    }
  };
  if (applyTyping(m_ctx.focus, intent, fieldText())) return;
  std::visit(Overloaded{
                 [&](const intent::SetupSubmit&) { submit(); },
                 [](const auto&) {},
             },
             intent);
}

void SetupPresenter::submit() {
  if (m_name.empty()) {
    m_ctx.error = "Enter the administrator's name.";
    return;
  }
  if (m_pin.size() < 4) {
    m_ctx.error = "The PIN needs 4 to 8 digits.";
    return;
  }
  if (m_pin != m_pinConfirm) {
    m_ctx.error = "The two PINs differ. Enter them again.";
    m_pin.clear();
    m_pinConfirm.clear();
    m_ctx.focus = Field::kPin;
    return;
  }
  auto hash = platform::hashPin(m_pin, m_ctx.options.pinLimits);
  if (!hash) {
    m_ctx.error = "Could not protect the PIN (out of memory?). Try again.";
    return;
  }
  platform::Clinician admin{"admin-1", m_name, "admin", *hash, true};
  if (auto r = m_ctx.store.upsertClinician(admin); !r) {
    m_ctx.error = "Could not save: " + r.error().message;
    return;
  }
  const auto audited = m_ctx.store.appendAudit(
      {0, m_ctx.clock.wallNow(), admin.id, "clinician_added", "", "role admin (first start)", {}});
  m_ctx.reloadRoster();
  m_pin.clear();
  m_pinConfirm.clear();
  m_name.clear();
  m_ctx.clinicianId = admin.id;
  m_ctx.lastInput = m_ctx.clock.monotonicNow();
  m_nav.go(Screen::kSettings);
  m_ctx.message = "Administrator created. Add the clinicians who use this device.";
  if (!audited) m_ctx.error = "The audit log could not record it: " + audited.error().message;
}

}  // namespace unitclock::app
