#include "access.h"

#include <algorithm>

#include <unitclock/platform/pin_hash.h>

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
          [](const intent::RemoveUntimed&) { return Access::kClinician; },
          [](const intent::EndSession&) { return Access::kClinician; },
          [](const intent::ConfirmEndSession&) { return Access::kClinician; },
          [](const intent::KeepGoing&) { return Access::kClinician; },
          [](const intent::GoHome&) { return Access::kClinician; },
          [](const intent::Unlock&) { return Access::kAnyone; },  // asks for the PIN
          // review
          [](const intent::StartEdit&) { return Access::kClinician; },
          [](const intent::CancelEdit&) { return Access::kClinician; },
          [](const intent::AdjustEdit&) { return Access::kClinician; },
          [](const intent::StartAddSegment&) { return Access::kClinician; },
          [](const intent::ChooseEditKind&) { return Access::kClinician; },
          [](const intent::ChooseEditEnd&) { return Access::kClinician; },
          [](const intent::EditCode&) { return Access::kClinician; },
          [](const intent::EditPerformer&) { return Access::kClinician; },
          [](const intent::EditReason&) { return Access::kClinician; },
          [](const intent::SaveEdit&) { return Access::kClinician; },
          [](const intent::StartUntimedEdit&) { return Access::kClinician; },
          [](const intent::AdjustUntimedEdit&) { return Access::kClinician; },
          [](const intent::RemoveUntimedEdit&) { return Access::kClinician; },
          [](const intent::PreferTie&) { return Access::kClinician; },
          [](const intent::ToggleReviewDiagnosis&) { return Access::kClinician; },
          [](const intent::TogglePanel&) { return Access::kClinician; },
          [](const intent::CorrectionReason&) { return Access::kClinician; },
          [](const intent::Reopen&) { return Access::kClinician; },
          [](const intent::Void&) { return Access::kClinician; },
          [](const intent::Sign&) { return Access::kClinician; },
          // supervisor
          [](const intent::ShowEvents&) { return Access::kSupervisor; },
          // settings: everything on this screen is device-wide (every clinician's clock and text), so the
          // administrator's
          [](const intent::AdjustAutoLock&) { return Access::kAdministrator; },
          [](const intent::ToggleSeconds&) { return Access::kAdministrator; },
          [](const intent::ToggleNextUnit&) { return Access::kAdministrator; },
          [](const intent::SetTextSize&) { return Access::kAdministrator; },
          [](const intent::ToggleKiosk&) { return Access::kAdministrator; },
          [](const intent::ToggleLockedTaps&) { return Access::kAdministrator; },
          [](const intent::Enroll&) { return Access::kAdministrator; },
          [](const intent::SaveClinicRoom&) { return Access::kAdministrator; },
          [](const intent::AddClinician&) { return Access::kAdministrator; },
          [](const intent::SelectRole&) { return Access::kAdministrator; },
          [](const intent::SaveClinician&) { return Access::kAdministrator; },
      },
      intent);
}

bool allowedOnLockedSession(const Intent& intent) {
  // The timers, with one tap each; everything else (Home, End, Review, untimed services, other sessions,
  // settings) waits for the PIN.
  return std::holds_alternative<intent::StartActivity>(intent) ||
         std::holds_alternative<intent::StopActivity>(intent) ||
         std::holds_alternative<intent::Pause>(intent) ||
         std::holds_alternative<intent::SetPauseReason>(intent) ||
         std::holds_alternative<intent::TogglePauseReasons>(intent) ||
         std::holds_alternative<intent::Resume>(intent) ||
         std::holds_alternative<intent::SetPerformer>(intent) ||
         std::holds_alternative<intent::Unlock>(intent) || std::holds_alternative<intent::Lock>(intent);
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

// [SECTION] PINs and lock-outs

core::Result<void, std::string> PinGate::load() {
  auto stored = m_store.pinLockouts();
  if (!stored) {
    m_lockouts.clear();
    return core::fail("Could not read the PIN lock-outs: " + stored.error().message);
  }
  m_lockouts = std::move(stored).value();
  return {};
}

std::int64_t PinGate::minutesLocked(const std::string& clinicianId, core::WallTime now) const {
  auto it = m_lockouts.find(clinicianId);
  if (it == m_lockouts.end()) return 0;
  const std::int64_t left = it->second.lockedUntilMs - now.time_since_epoch().count();
  return left > 0 ? (left + 59999) / 60000 : 0;
}

PinGate::Outcome PinGate::check(const platform::Clinician& clinician, std::string_view pin,
                                core::WallTime now) {
  if (const auto minutes = minutesLocked(clinician.id, now); minutes > 0) {
    return {false, "Too many wrong PINs. Try again in " + std::to_string(minutes) +
                       " min, or ask an administrator."};
  }
  platform::PinLockout& state = m_lockouts[clinician.id];
  if (platform::verifyPin(std::string(pin), clinician.pinHash)) {
    if (state == platform::PinLockout{}) return {true, ""};
    state = {};
    if (auto saved = m_store.savePinLockout(clinician.id, state, std::nullopt); !saved)
      return {true, "Could not clear the count of wrong PINs: " + saved.error().message};
    return {true, ""};
  }
  ++state.failures;
  const int max = m_policy.maxFailures;
  std::string text =
      "Wrong PIN. " + std::to_string(max - state.failures % max) + " tries left before a lock-out.";
  if (state.failures % max == 0) {
    // Each lock-out doubles: 1, 2, 4, ... minutes, up to the longest.
    const int round = state.failures / max;
    auto delay =
        std::min<std::chrono::minutes>(m_policy.first * (1LL << std::min(round - 1, 12)), m_policy.longest);
    state.lockedUntilMs =
        now.time_since_epoch().count() + std::chrono::duration_cast<std::chrono::milliseconds>(delay).count();
    text = "Too many wrong PINs. " + clinician.displayName + " is locked out for " +
           std::to_string(delay.count()) + " min.";
  }
  platform::AuditEntry audit{0, now, clinician.id, "login_failed", "", "wrong PIN", {}};
  if (auto saved = m_store.savePinLockout(clinician.id, state, audit); !saved)
    text += " (Could not save it: " + saved.error().message + ". It holds until the app restarts.)";
  return {false, text};
}

}  // namespace unitclock::app
