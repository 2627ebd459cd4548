#include "access.h"

namespace unitclock::app {

Access accessFor(const Intent& intent) {
  // No generic case: a new intent does not compile until it is given its access here.
  return std::visit(
      Overloaded{
          // keyboard, PIN pad, navigation
          [](const intent::Focus& i) {
            return i.field == Field::kClinic || i.field == Field::kRoom ? Access::kAdministrator
                                                                        : Access::kAnyone;
          },
          [](const intent::KeyText&) { return Access::kAnyone; },
          [](const intent::KeyDelete&) { return Access::kAnyone; },
          [](const intent::PinDigit&) { return Access::kAnyone; },
          [](const intent::PinDelete&) { return Access::kAnyone; },
          [](const intent::PinSubmit&) { return Access::kAnyone; },
          [](const intent::Back&) { return Access::kAnyone; },
          [](const intent::Lock&) { return Access::kAnyone; },
          // setup (first start: nobody exists yet), lock, home
          [](const intent::SetupSubmit&) { return Access::kAnyone; },
          [](const intent::ChooseClinician&) { return Access::kAnyone; },
          [](const intent::OpenCard&) { return Access::kAnyone; },  // asks for the PIN first
          [](const intent::NewSession&) { return Access::kClinician; },
          [](const intent::OpenSession&) { return Access::kClinician; },
          [](const intent::GoSupervisor&) { return Access::kSupervisor; },
          [](const intent::GoSettings&) { return Access::kAnyone; },
          // new session: a form until "Start session"
          [](const intent::PickSchedule&) { return Access::kAnyone; },
          [](const intent::SelectPayer&) { return Access::kAnyone; },
          [](const intent::SelectDiscipline&) { return Access::kAnyone; },
          [](const intent::ToggleDiagnosis&) { return Access::kAnyone; },
          [](const intent::ToggleTelehealth&) { return Access::kAnyone; },
          [](const intent::StartSession&) { return Access::kClinician; },
          // session
          [](const intent::StartActivity&) { return Access::kClinician; },
          [](const intent::StopActivity&) { return Access::kClinician; },
          [](const intent::TogglePauseReasons&) { return Access::kClinician; },
          [](const intent::Pause&) { return Access::kClinician; },
          [](const intent::SetPauseReason&) { return Access::kClinician; },
          [](const intent::Resume&) { return Access::kClinician; },
          [](const intent::SetPerformer&) { return Access::kClinician; },
          [](const intent::ToggleUntimed&) { return Access::kClinician; },
          [](const intent::AdjustUntimedMinutes&) { return Access::kClinician; },
          [](const intent::AddUntimed&) { return Access::kClinician; },
          [](const intent::EndSession&) { return Access::kClinician; },
          [](const intent::ConfirmEndSession&) { return Access::kClinician; },
          [](const intent::KeepGoing&) { return Access::kClinician; },
          [](const intent::GoHome&) { return Access::kClinician; },
          // review
          [](const intent::StartEdit&) { return Access::kClinician; },
          [](const intent::CancelEdit&) { return Access::kClinician; },
          [](const intent::AdjustEdit&) { return Access::kClinician; },
          [](const intent::EditReason&) { return Access::kClinician; },
          [](const intent::SaveEdit&) { return Access::kClinician; },
          [](const intent::PreferTie&) { return Access::kClinician; },
          [](const intent::ToggleReviewDiagnosis&) { return Access::kClinician; },
          [](const intent::TogglePanel&) { return Access::kClinician; },
          [](const intent::CorrectionReason&) { return Access::kClinician; },
          [](const intent::Reopen&) { return Access::kClinician; },
          [](const intent::Void&) { return Access::kClinician; },
          [](const intent::Sign&) { return Access::kClinician; },
          // supervisor
          [](const intent::ShowEvents&) { return Access::kSupervisor; },
          // settings: the device's display settings are anyone's; the rest is the administrator's
          [](const intent::AdjustAutoLock&) { return Access::kAnyone; },
          [](const intent::ToggleSeconds&) { return Access::kAnyone; },
          [](const intent::ToggleNextUnit&) { return Access::kAnyone; },
          [](const intent::SetTextSize&) { return Access::kAnyone; },
          [](const intent::ToggleKiosk&) { return Access::kAnyone; },
          [](const intent::Enroll&) { return Access::kAdministrator; },
          [](const intent::SaveClinicRoom&) { return Access::kAdministrator; },
          [](const intent::AddClinician&) { return Access::kAdministrator; },
          [](const intent::SelectRole&) { return Access::kAdministrator; },
          [](const intent::SaveClinician&) { return Access::kAdministrator; },
      },
      intent);
}

bool permits(Access need, const Caller& caller) {
  switch (need) {
    case Access::kAnyone:
      return true;
    case Access::kClinician:
      return caller.loggedIn;
    case Access::kSupervisor:
      return caller.loggedIn && caller.role && core::canSupervise(*caller.role);
    case Access::kAdministrator:
      return caller.loggedIn && caller.role && core::canAdminister(*caller.role);
  }
  return false;
}

}  // namespace unitclock::app
