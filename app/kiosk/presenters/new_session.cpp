// A new session: today's schedule, the patient, payer, discipline, diagnoses and telehealth.
#include <algorithm>

#include <unitclock/core/payer.h>
#include <unitclock/core/role.h>
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
  m_confirmRepeat = false;
  if (const auto* me = m_ctx.me()) m_discipline = disciplineForRole(me->role);
  m_ctx.focus = Field::kMrn;
}

bool NewSessionPresenter::mayStart(core::Discipline d) const {
  const auto* me = m_ctx.me();
  const auto role = me != nullptr ? core::parseRole(me->role) : std::nullopt;
  return role && core::mayStartDiscipline(*role, d);
}

const core::Session* NewSessionPresenter::earlierToday() const {
  const auto mrn = trim(m_mrn);
  if (mrn.empty()) return nullptr;
  for (const core::Session* s : m_ctx.book.today()) {
    const auto& h = s->header();
    if (trim(h.patient.mrn) == mrn && h.discipline == m_discipline &&
        s->status() != core::SessionStatus::voided)
      return s;
  }
  return nullptr;
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
  std::string others;
  for (auto d : {core::Discipline::ot, core::Discipline::pt, core::Discipline::slp}) {
    const bool may = mayStart(d);
    v.disciplines.push_back({std::string(core::toString(d)), disciplineLabel(d), d == m_discipline, may});
    if (!may) others += (others.empty() ? "" : " and ") + disciplineLabel(d);
  }
  if (!others.empty()) v.disciplineNote = others + " need a supervisor";
  for (const auto& [code, label] : diagnosisChoices()) {
    const bool sel = std::find(m_diagnoses.begin(), m_diagnoses.end(), code) != m_diagnoses.end();
    v.diagnoses.push_back({code, label, sel});
  }
  v.telehealth = m_telehealth;
  v.error = m_ctx.error;
  v.canStart = !m_mrn.empty() && !m_initials.empty() && mayStart(m_discipline);
  if (m_confirmRepeat) {
    if (const auto* earlier = earlierToday()) {
      const auto sum = earlier->derive(m_ctx.clock.now(), m_ctx.rules.catalog);
      const auto opened = earlier->events().empty() ? m_ctx.clock.now().wall : earlier->events().front().wall;
      v.repeatWarning = earlier->header().patient.initials + " already has " +
                        (m_discipline == core::Discipline::pt ? "a " : "an ") +
                        disciplineLabel(m_discipline) + " session today (" +
                        m_ctx.statusFor(*earlier, sum.running.has_value()) + ", " +
                        m_ctx.clinicianName(earlier->header().renderingClinicianId) + ", " +
                        timeOfDay(opened, m_ctx.zone, false) +
                        "). Both are billed as one day. Open that one from Home, or start another.";
      v.confirmRepeat = true;
    }
  }
  return v;
}

void NewSessionPresenter::apply(const Intent& intent) {
  auto fieldText = [&]() -> std::string* {
    if (m_ctx.focus == Field::kMrn) return &m_mrn;
    if (m_ctx.focus == Field::kInitials) return &m_initials;
    return nullptr;
  };
  if (applyTyping(m_ctx.focus, intent, fieldText())) {
    m_confirmRepeat = false;  // another patient: ask again
    return;
  }
  std::visit(Overloaded{
                 [&](const intent::PickSchedule& i) {
                   const auto& schedule = m_ctx.settings.schedule;
                   for (std::size_t n = 0; n < schedule.size(); ++n) {
                     if (std::to_string(n) != i.entryId) continue;
                     m_mrn = schedule[n].mrn;
                     m_initials = schedule[n].initials;
                     m_payer = payerOf(schedule[n]);
                     if (mayStart(disciplineOf(schedule[n]))) {
                       m_discipline = disciplineOf(schedule[n]);
                     } else {
                       m_ctx.error = schedule[n].initials + " is scheduled for " +
                                     disciplineLabel(disciplineOf(schedule[n])) +
                                     "; a supervisor can start that session.";
                     }
                     m_confirmRepeat = false;
                   }
                   m_ctx.focus = Field::kNone;
                 },
                 [&](const intent::SelectPayer& i) { m_payer = i.payer; },
                 [&](const intent::SelectDiscipline& i) {
                   const auto d = core::parseDiscipline(i.discipline);
                   if (!d) return;
                   if (!mayStart(*d)) {
                     m_ctx.error = "Only a supervisor can start a " + disciplineLabel(*d) + " session.";
                     return;
                   }
                   m_discipline = *d;
                   m_confirmRepeat = false;
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
  if (!mayStart(m_discipline)) {
    m_ctx.error = "Only a supervisor can start a " + disciplineLabel(m_discipline) + " session.";
    return;
  }
  // A second session of the same discipline for a patient already seen today asks first: it is often
  // the first one reopened by mistake, and both are billed as one day.
  if (!m_confirmRepeat && earlierToday() != nullptr) {
    m_confirmRepeat = true;
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
