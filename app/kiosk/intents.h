#pragma once
// What a tap means. Screens emit intents; the controller routes each to the presenter of the screen
// that shows it. Every intent is its own struct, grouped by the screen that emits it; what each needs
// (a logged-in clinician, a supervisor, an administrator) is decided by `accessFor` (access.h).

#include <chrono>
#include <string>
#include <variant>
#include <vector>

#include <unitclock/core/session.h>

#include "views.h"

namespace unitclock::app::intent {

// [SECTION] Keyboard, PIN pad and navigation (every screen that shows them)
struct Focus {
  Field field = Field::kNone;
};
struct KeyText {
  std::string text;  // characters typed, on the on-screen keys or a physical keyboard
};
struct KeyDelete {};
struct PinDigit {
  std::string digit;  // "0".."9"
};
struct PinDelete {};
struct PinSubmit {};
struct Back {};  // leave the current screen or step
struct Lock {};

// [SECTION] Setup and lock
struct SetupSubmit {};
struct ChooseClinician {
  std::string clinicianId;
};
struct OpenCard {
  std::string sessionId;  // asks that session's clinician for the PIN
};

// [SECTION] Home
struct NewSession {};
struct OpenSession {
  std::string sessionId;
};
struct GoSupervisor {};
struct GoSettings {};

// [SECTION] New session
struct PickSchedule {
  std::string entryId;
};
struct SelectPayer {
  std::string payer;  // payer profile name ("medicare", "commercial")
};
struct SelectDiscipline {
  std::string discipline;  // "ot" "pt" "slp"
};
struct ToggleDiagnosis {
  std::string code;  // ICD-10
};
struct ToggleTelehealth {};
struct StartSession {};

// [SECTION] Session
struct StartActivity {
  std::string code;  // CPT
};
struct StopActivity {};
struct TogglePauseReasons {};  // show or hide the reason chips of the pause going on
// Pause stops billing at the tap; `reason` is "" (chosen later) or "rest", "toileting", ...
struct Pause {
  std::string reason;
};
// The reason of the pause going on, chosen after the tap.
struct SetPauseReason {
  std::string reason;  // "rest", "toileting", ...
};
struct Resume {};
struct SetPerformer {
  core::Performer performer = core::Performer::therapist;
};
struct ToggleUntimed {};
struct AdjustUntimedMinutes {
  std::chrono::minutes delta{};
};
struct AddUntimed {
  std::string code;
};
// Removes an untimed service added by mistake while the session runs (no reason needed yet).
struct RemoveUntimed {
  int index = 0;  // its place in the session's untimed list
};
struct EndSession {};         // asks first while the session is open; goes to Review once ended
struct ConfirmEndSession {};  // "End now": stops the timers, the session is ended
struct KeepGoing {};          // the question is withdrawn; nothing changes
struct GoHome {};
// The session screen after an auto-lock: the PIN of the session's clinician, back to the same screen.
struct Unlock {};

// [SECTION] Review: edits, ties, signing, corrections after signing and voiding
struct StartEdit {
  int segment = 0;  // index into the session's segments
};
struct StartAddSegment {};  // a segment nobody timed: its activity, performer, times and a reason
struct CancelEdit {};
// What the open segment edit does on Save (one audited event each).
enum class EditKind { kTimes, kActivity, kSplit, kDelete };
struct ChooseEditKind {
  EditKind kind = EditKind::kTimes;
};
// Which time the picker's -15 … +15 buttons move: the start, the end, or where a split falls.
enum class SegmentEnd { kStart, kEnd, kSplit };
struct ChooseEditEnd {
  SegmentEnd end = SegmentEnd::kStart;
};
struct AdjustEdit {
  SegmentEnd end = SegmentEnd::kStart;
  std::chrono::minutes delta{};
};
struct EditCode {  // the segment's (or the added segment's) activity
  std::string code;
};
struct EditPerformer {
  core::Performer performer = core::Performer::therapist;
};
struct EditReason {
  std::string reason;
};
struct SaveEdit {};
// An untimed service's minutes at review, or its removal; saved with a reason (EditReason) like a segment.
struct StartUntimedEdit {
  int index = 0;  // its place in the session's untimed list
};
struct AdjustUntimedEdit {
  std::chrono::minutes delta{};
};
struct RemoveUntimedEdit {};  // the open edit sets the minutes to 0: the service is removed on Save
struct PreferTie {
  std::string code;
};
// Adds or removes a diagnosis of a session under review (diagnoses_set; at most four).
struct ToggleReviewDiagnosis {
  std::string code;  // ICD-10
};
struct TogglePanel {
  ReviewView::Panel panel = ReviewView::Panel::kNone;  // kNone closes the open one
};
struct CorrectionReason {
  std::string reason;
};
struct Reopen {};  // a correction after signing: a new revision (needs a reason)
struct Void {};    // asks for the PIN, then voids (needs a reason)
struct Sign {};

// [SECTION] Supervisor
struct ShowEvents {
  std::string sessionId;
};

// [SECTION] Settings and adding a clinician
struct AdjustAutoLock {
  std::chrono::minutes delta{};
};
struct ToggleSeconds {};
struct ToggleNextUnit {};
struct SetTextSize {
  std::string size;  // "small" "normal" "large"
};
struct ToggleKiosk {};
// After an auto-lock a running session stays on screen with its timers tappable, or everything needs the
// PIN (a clinic's choice).
struct ToggleLockedTaps {};
struct Enroll {};
struct SaveClinicRoom {};
struct AddClinician {};
struct SelectRole {
  std::string role;
};
struct SaveClinician {};

}  // namespace unitclock::app::intent

namespace unitclock::app {

using Intent = std::variant<
    // keyboard, PIN pad, navigation
    intent::Focus, intent::KeyText, intent::KeyDelete, intent::PinDigit, intent::PinDelete, intent::PinSubmit,
    intent::Back, intent::Lock,
    // setup, lock, home
    intent::SetupSubmit, intent::ChooseClinician, intent::OpenCard, intent::NewSession, intent::OpenSession,
    intent::GoSupervisor, intent::GoSettings,
    // new session
    intent::PickSchedule, intent::SelectPayer, intent::SelectDiscipline, intent::ToggleDiagnosis,
    intent::ToggleTelehealth, intent::StartSession,
    // session
    intent::StartActivity, intent::StopActivity, intent::TogglePauseReasons, intent::Pause,
    intent::SetPauseReason, intent::Resume, intent::SetPerformer, intent::ToggleUntimed,
    intent::AdjustUntimedMinutes, intent::AddUntimed, intent::RemoveUntimed, intent::EndSession,
    intent::ConfirmEndSession, intent::KeepGoing, intent::GoHome, intent::Unlock,
    // review
    intent::StartEdit, intent::StartAddSegment, intent::CancelEdit, intent::ChooseEditKind,
    intent::ChooseEditEnd, intent::AdjustEdit, intent::EditCode, intent::EditPerformer, intent::EditReason,
    intent::SaveEdit, intent::StartUntimedEdit, intent::AdjustUntimedEdit, intent::RemoveUntimedEdit,
    intent::PreferTie, intent::ToggleReviewDiagnosis, intent::TogglePanel, intent::CorrectionReason,
    intent::Reopen, intent::Void, intent::Sign,
    // supervisor, settings, add clinician
    intent::ShowEvents, intent::AdjustAutoLock, intent::ToggleSeconds, intent::ToggleNextUnit,
    intent::SetTextSize, intent::ToggleKiosk, intent::ToggleLockedTaps, intent::Enroll,
    intent::SaveClinicRoom, intent::AddClinician, intent::SelectRole, intent::SaveClinician>;

using Intents = std::vector<Intent>;

// For std::visit with one lambda per intent.
template <class... Fs>
struct Overloaded : Fs... {
  using Fs::operator()...;
};
template <class... Fs>
Overloaded(Fs...) -> Overloaded<Fs...>;

}  // namespace unitclock::app
