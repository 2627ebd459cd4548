#pragma once
// What a tap means. Screens emit intents; the controller turns them into store and session calls.

#include <string>
#include <vector>

namespace unitclock::app {

enum class IntentKind {
  // keyboard and PIN pad (all screens that show them)
  kFocus,    // number = Field
  kKeyText,  // text = characters typed (on-screen key or physical keyboard)
  kKeyDelete,
  kPinDigit,  // text = "0".."9"
  kPinDelete,
  kPinSubmit,
  kCancel,  // leave the current screen/step
  // setup and lock
  kSetupSubmit,
  kChooseClinician,  // text = clinician id
  kOpenCard,         // text = session id (asks that session's clinician for the PIN)
  kLock,
  // home
  kNewSession,
  kOpenSession,  // text = session id
  kGoSupervisor,
  kGoSettings,
  // new session
  kPickSchedule,      // text = schedule entry id
  kSelectPayer,       // text = payer name
  kSelectDiscipline,  // text = "ot" "pt" "slp"
  kToggleDiagnosis,   // text = ICD-10 code
  kToggleTelehealth,
  kStartSession,
  // session
  kStartActivity,  // text = code
  kStopActivity,
  kOpenPause,
  kPause,  // text = reason ("rest", ...)
  kResume,
  kSetPerformer,  // text = "therapist" | "assistant"
  kOpenUntimed,
  kUntimedMinutes,  // number = minutes delta
  kAddUntimed,      // text = code
  kEndSession,
  kGoHome,
  // review
  kStartEdit,   // number = segment index
  kAdjustEdit,  // text = "start" | "end", number = minutes delta
  kEditReason,  // text = reason
  kSaveEdit,
  kPreferTie,  // text = code
  // corrections of a signed session and voiding (review screen)
  kOpenCorrection,    // text = "correct" | "void" | "" (close the panel)
  kCorrectionReason,  // text = reason
  kReopen,            // a correction after signing: a new revision (needs a reason)
  kVoid,              // asks for the PIN, then voids (needs a reason)
  kSign,
  // supervisor
  kShowEvents,  // text = session id
  // settings
  kAutoLockMinutes,  // number = delta
  kToggleSeconds,
  kToggleNextUnit,
  kTextSize,  // text = "small" "normal" "large"
  kToggleKiosk,
  kEnroll,
  kSaveClinicRoom,  // clinic name and room (administrators)
  kAddClinician,
  kSelectRole,  // text = role
  kSaveClinician,
};

struct Intent {
  IntentKind kind;
  std::string text;
  int number = 0;
};

using Intents = std::vector<Intent>;

}  // namespace unitclock::app
