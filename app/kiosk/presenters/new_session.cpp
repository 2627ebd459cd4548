// A new session: today's schedule, the patient, payer, discipline, diagnoses and telehealth.
#include <algorithm>

#include <unitclock/core/payer.h>
#include <unitclock/core/uuid.h>

#include "format.h"
#include "presenters.h"

namespace unitclock::app {

namespace {

const std::vector<std::pair<std::string, std::string>> kDefaultDiagnoses = {
    {"M54.50", "Low back pain"},    {"M25.511", "R shoulder pain"}, {"I69.351", "Stroke hemiplegia"},
    {"R26.89", "Gait abnormality"}, {"M62.81", "Muscle weakness"},  {"R13.12", "Dysphagia"},
};

// A schedule entry's payer and discipline, with the defaults the kiosk fills in for what the clinic left
// out: Medicare, OT.
std::string payerOf(const wire::ScheduleEntry& e) {
  return e.payer.empty() ? "medicare" : e.payer;
}
core::Discipline disciplineOf(const wire::ScheduleEntry& e) {
  return e.discipline.value_or(core::Discipline::ot);
}

}  // namespace

void NewSessionPresenter::enter() {
  m_mrn.clear();
  m_initials.clear();
  m_diagnoses.clear();
  m_telehealth = false;
  m_payer = "medicare";
  if (const auto* me = m_ctx.me()) m_discipline = disciplineForRole(me->role);
  m_ctx.focus = Field::kMrn;
}

std::vector<std::pair<std::string, std::string>> NewSessionPresenter::diagnosisChoices() const {
  return diagnosisFavourites(m_ctx.settings);
}

std::vector<std::pair<std::string, std::string>> diagnosisFavourites(const KioskSettings& settings) {
  return settings.diagnosisFavourites.empty() ? kDefaultDiagnoses : settings.diagnosisFavourites;
}

NewSessionView NewSessionPresenter::build() const {
  NewSessionView v;
  // Today's schedule: served by the server when enrolled; the demo clinic has one of its own.
  const auto& schedule = m_ctx.settings.schedule;
  for (std::size_t n = 0; n < schedule.size(); ++n) {
    const auto& e = schedule[n];
    const auto d = disciplineOf(e);
    const auto payer = m_ctx.payerLabel(payerOf(e));
    v.schedule.push_back({std::to_string(n), e.time, e.initials,
                          payer.substr(0, payer.find(' ')) + " · " + disciplineLabel(d)});
  }
  v.mrn = m_mrn;
  v.initials = m_initials;
  v.focus = m_ctx.focus;
  // The clinic's payers: the built-in profiles (or the clinic's own of those names), then its others.
  for (const auto& p : m_ctx.rules.payers) v.payers.push_back({p.name, payerLabel(p), p.name == m_payer});
  for (auto d : {core::Discipline::ot, core::Discipline::pt, core::Discipline::slp})
    v.disciplines.push_back({std::string(core::toString(d)), disciplineLabel(d), d == m_discipline});
  for (const auto& [code, label] : diagnosisChoices()) {
    const bool sel = std::find(m_diagnoses.begin(), m_diagnoses.end(), code) != m_diagnoses.end();
    v.diagnoses.push_back({code, label, sel});
  }
  v.telehealth = m_telehealth;
  v.error = m_ctx.error;
  v.canStart = !m_mrn.empty() && !m_initials.empty();
  return v;
}

void NewSessionPresenter::apply(const Intent& intent) {
  auto fieldText = [&]() -> std::string* {
    if (m_ctx.focus == Field::kMrn) return &m_mrn;
    if (m_ctx.focus == Field::kInitials) return &m_initials;
    return nullptr;
  };
  if (applyTyping(m_ctx.focus, intent, fieldText())) return;
  std::visit(Overloaded{
                 [&](const intent::PickSchedule& i) {
                   const auto& schedule = m_ctx.settings.schedule;
                   for (std::size_t n = 0; n < schedule.size(); ++n) {
                     if (std::to_string(n) != i.entryId) continue;
                     m_mrn = schedule[n].mrn;
                     m_initials = schedule[n].initials;
                     m_payer = payerOf(schedule[n]);
                     m_discipline = disciplineOf(schedule[n]);
                   }
                   m_ctx.focus = Field::kNone;
                 },
                 [&](const intent::SelectPayer& i) { m_payer = i.payer; },
                 [&](const intent::SelectDiscipline& i) {
                   m_discipline = core::parseDiscipline(i.discipline).value_or(m_discipline);
                 },
                 [&](const intent::ToggleDiagnosis& i) {
                   auto it = std::find(m_diagnoses.begin(), m_diagnoses.end(), i.code);
                   if (it != m_diagnoses.end())
                     m_diagnoses.erase(it);
                   else if (m_diagnoses.size() < static_cast<std::size_t>(core::Session::kMaxDiagnoses))
                     m_diagnoses.push_back(i.code);
                   else
                     m_ctx.error = "Up to 4 diagnoses.";
                 },
                 [&](const intent::ToggleTelehealth&) { m_telehealth = !m_telehealth; },
                 [&](const intent::StartSession&) { start(); },
                 [](const auto&) {},
             },
             intent);
}

void NewSessionPresenter::start() {
  if (m_mrn.empty() || m_initials.empty()) {
    m_ctx.error = "Enter the patient's MRN and initials.";
    return;
  }
  const auto bytes = platform::randomBytes(16);
  if (bytes.size() != 16) {
    m_ctx.error = "No random numbers available for a session id.";
    return;
  }
  core::UuidBytes ub{};
  std::copy(bytes.begin(), bytes.end(), ub.begin());
  core::SessionHeader h;
  h.id = core::uuidV4(ub);
  h.clinicId = settingOr(m_ctx.store, "clinic_id", "local");
  h.deviceId = settingOr(m_ctx.store, "device_id", "device");
  h.patient = {m_mrn, m_initials};
  h.payerProfile = m_payer;
  h.discipline = m_discipline;
  h.telehealth = m_telehealth;
  h.placeOfService = m_telehealth ? "10" : "11";  // 10: telehealth in the patient's home; 11: office
  h.diagnoses = m_diagnoses;
  h.renderingClinicianId = m_ctx.clinicianId;
  auto s = core::Session::create(h, m_ctx.clock.now(), m_ctx.clinicianId);
  if (!s) {
    m_ctx.error = s.error().message;
    return;
  }
  if (auto opened = m_ctx.book.open(std::move(s.value())); !opened) {
    m_ctx.error = opened.error();
    return;
  }
  m_ctx.sessionId = h.id;
  m_nav.sessionStarted();
}

}  // namespace unitclock::app
