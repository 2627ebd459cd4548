// Add clinician (administrators): name, role and PIN.
#include "format.h"
#include "presenters.h"

namespace unitclock::app {

void AddClinicianPresenter::enter() {
  m_name.clear();
  m_pin.clear();
  m_role = "OT";
  m_ctx.focus = Field::kName;
}

AddClinicianView AddClinicianPresenter::build() const {
  AddClinicianView v;
  v.name = m_name;
  for (const char* r : {"OT", "OTA", "PT", "PTA", "SLP", "supervisor", "admin"})
    v.roles.push_back({r, roleLabel(r), m_role == r});
  v.pinDigits = static_cast<int>(m_pin.size());
  v.focus = m_ctx.focus;
  v.error = m_ctx.error;
  v.canSave = !m_name.empty() && m_pin.size() >= 4;
  return v;
}

void AddClinicianPresenter::apply(const Intent& intent) {
  auto fieldText = [&]() -> std::string* {
    if (m_ctx.focus == Field::kName) return &m_name;
    if (m_ctx.focus == Field::kPin) return &m_pin;
    return nullptr;
  };
  if (applyTyping(m_ctx.focus, intent, fieldText())) return;
  std::visit(Overloaded{
                 [&](const intent::SelectRole& i) { m_role = i.role; },
                 [&](const intent::SaveClinician&) { save(); },
                 [](const auto&) {},
             },
             intent);
}

void AddClinicianPresenter::save() {
  if (m_name.empty() || m_pin.size() < 4) {
    m_ctx.error = "Enter a name and a PIN of 4 to 8 digits.";
    return;
  }
  auto hash = platform::hashPin(m_pin, m_ctx.options.pinLimits);
  if (!hash) {
    m_ctx.error = "Could not protect the PIN. Try again.";
    return;
  }
  const std::string id = "c-" + platform::randomHex(6);
  platform::Clinician c{id, m_name, m_role, *hash, true};
  if (auto r = m_ctx.store.upsertClinician(c); !r) {
    m_ctx.error = "Could not save: " + r.error().message;
    return;
  }
  const auto audited = m_ctx.store.appendAudit(
      {0, m_ctx.clock.wallNow(), m_ctx.clinicianId, "clinician_added", "", "role " + m_role, {}});
  m_ctx.reloadRoster();
  const std::string added =
      m_name + " added." + (audited ? "" : " The audit log could not record it: " + audited.error().message);
  m_name.clear();
  m_pin.clear();
  m_nav.go(Screen::kSettings);
  m_ctx.message = added;
}

}  // namespace unitclock::app
