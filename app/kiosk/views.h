#pragma once
// What each screen shows: plain structs the controller fills and the screens draw. No domain objects,
// no clocks: every text is already formatted, so screens can be tested with hand-made views.

#include <string>
#include <vector>

namespace unitclock::app {

enum class Screen {
  kSetup,
  kLock,
  kPin,
  kHome,
  kNewSession,
  kSession,
  kReview,
  kSupervisor,
  kEvents,
  kSettings,
  kAddClinician
};

struct Choice {
  std::string id;     // what the intent carries back
  std::string label;  // what the button shows
  bool selected = false;
  bool enabled = true;  // shown greyed when false (the reason is next to it)
};

struct ClinicianTileView {
  std::string id;
  std::string name;
  std::string role;
  std::string note;  // "Locked for 4 min" after repeated wrong PINs, else empty
  bool lockedOut = false;
};

struct SessionCardView {
  std::string sessionId;
  std::string initials;
  std::string clinician;
  std::string activity;  // "97110 Therapeutic exercise", "Paused: rest", "Ended – review"
  std::string elapsed;   // "8 min timed": the session's timed minutes (SessionFigures)
  bool running = false;
};

struct LockView {
  std::string clinic;
  std::string room;
  std::string time;  // "09:41"
  std::string date;  // "Thursday 26 November"
  std::vector<SessionCardView> cards;
  std::vector<ClinicianTileView> clinicians;
  std::string message;  // e.g. "Locked after 2 minutes without a tap. Timers keep running."
  std::string
      sync;  // sync state line (KioskContext::syncLine), "Not connected to a billing server…" without one
};

struct PinView {
  std::string title;     // "Enter PIN"
  std::string subtitle;  // "Dana Ortiz · OT" or "Sign session for J.D."
  int enteredDigits = 0;
  std::string error;
  bool canSubmit = false;
};

// The on-screen keyboard target.
enum class Field {
  kNone,
  kName,
  kPin,
  kPinConfirm,
  kMrn,
  kInitials,
  kServerUrl,
  kEnrollCode,
  kClinic,
  kRoom
};

struct SetupView {
  std::string name;
  int pinDigits = 0;
  int confirmDigits = 0;
  Field focus = Field::kName;
  std::string error;
};

struct SessionRowView {
  std::string sessionId;
  std::string initials;
  std::string status;   // "Running", "Open", "Ended – review", "Signed", "Synced", "Voided"
  std::string minutes;  // "38 min timed"
  std::string units;    // "3 units"
};

struct HomeView {
  std::string clinician;
  std::string role;
  std::vector<SessionRowView> sessions;
  bool canSupervise = false;
  bool canAdminister = false;
  std::string message;
  std::vector<std::string> notices;  // rejected uploads: "JD: rejected by the server – reason"
  std::string sync;
};

struct ScheduleEntryView {
  std::string id;
  std::string time;  // "10:30"
  std::string initials;
  std::string detail;  // payer and discipline
};

struct NewSessionView {
  std::vector<ScheduleEntryView> schedule;  // empty when no server provides one
  std::string mrn;
  std::string initials;
  Field focus = Field::kMrn;
  std::vector<Choice> payers;
  std::vector<Choice> disciplines;
  std::vector<Choice> diagnoses;  // quick-pick, several may be selected (up to 4)
  std::string disciplineNote;     // "PT and SLP need a supervisor": why some are greyed
  bool telehealth = false;
  std::string error;
  bool canStart = false;
  // The patient already has a session of this discipline today: said before a second one starts, and
  // "Start session" becomes "Start another session".
  std::string repeatWarning;
  bool confirmRepeat = false;
};

struct ActivityTileView {
  std::string code;
  std::string name;
  std::string minutes;  // "12 min" so far in this session
  bool running = false;
};

struct UntimedRowView {
  int index = 0;  // its place in the session's untimed list (what the intents carry)
  std::string code;
  std::string
      text;  // "OT evaluation, low complexity · 30 min" (", 10 by assistant"); the code is on the button
};

struct LiveBarView {
  std::string timed;      // "Timed 23 min"
  std::string treatment;  // "Treatment 31 min"
  std::string units;      // "2 units (Medicare, 8-minute rule)"
  std::string nextUnit;   // "Next unit in 4 min"; empty when hidden by the setting
};

struct SessionView {
  std::string sessionId;
  std::string patient;  // initials
  std::string context;  // "Medicare · OT · Telehealth"
  std::vector<ActivityTileView> tiles;
  std::string runningName;  // "97530 Therapeutic activities"; empty when nothing runs
  std::string clock;        // "12:04": the running activity's time in this session (or the pause's)
  std::string clockLabel;   // what the clock counts: "on 97110 in this session", "paused for"
  bool paused = false;
  std::string pausedText;  // "Paused: rest · 1:20"
  bool pauseChipsOpen = false;
  std::vector<Choice> pauseReasons;
  bool assistant = false;  // performer: false = therapist, true = assistant alone
  bool untimedOpen = false;
  std::vector<Choice> untimedCodes;
  int untimedMinutes = 0;  // 0 until chosen: a service is never added with minutes nobody entered
  std::vector<UntimedRowView> untimed;  // the session's untimed services, each with Remove
  LiveBarView bar;
  bool ended = false;
  bool confirmEnd = false;  // End session was tapped once: "End now" or "Keep going"
  std::string error;
  bool locked = false;     // auto-locked: only the timers answer; Unlock asks for the PIN
  std::string lockedNote;  // "Locked · Dana Ortiz's timers still work with one tap. …"
};

struct ReviewLineView {
  std::string code;
  std::string name;
  std::string minutes;    // "23 min"
  std::string assistant;  // "8 by assistant"; empty when the therapist furnished all of it
  std::string units;      // "2"
  std::string modifiers;  // "GO CO"
  bool zeroUnits = false;
};

struct SegmentRowView {
  int index = 0;
  std::string code;
  std::string times;  // "09:02–09:14"
  std::string minutes;
  std::string performer;
  bool edited = false;
};

struct TieView {
  std::string text;             // "97110 and 97530 tie for 1 unit; it went to 97110"
  std::vector<Choice> choices;  // "Give to 97530"
};

// The open segment correction: one segment's times, activity, split or deletion, or a missed segment added.
struct SegmentEditView {
  int index = -1;  // the segment (0-based; shown from 1 as on Events); -1: none, or adding
  bool adding = false;
  std::string title;  // "Edit 2 · 97110: 09:02–09:14", "Add a missed segment"
  std::string code;
  std::string start;
  std::string end;
  std::vector<Choice> kinds;       // "Times" "Activity" "Split" "Delete" (not when adding)
  std::string times;               // the times as they would be saved: "09:02–09:12", "Split at 09:08"
  bool picker = false;             // the -15 … +15 buttons (times, split, adding)
  std::vector<Choice> ends;        // "Start" "End": which time the buttons move (none for a split)
  std::vector<Choice> codes;       // the activity, when changing it or adding
  std::vector<Choice> performers;  // "Therapist" "Assistant"
  std::string note;                // what Save will do ("Segment 2 leaves the claim; the log keeps it.")
  std::string error;  // why Save cannot record it yet, next to the times, before Save (error colour)
  std::vector<Choice> reasons;
  bool canSave = false;
  std::string saveHint;  // what Save waits for, next to it ("Choose a reason to save.")
};

struct UntimedEditView {
  int index = -1;  // -1: not editing
  std::string code;
  int minutes = 0;  // 0: removed on Save
  std::vector<Choice> reasons;
  bool canSave = false;
};

struct ReviewView {
  std::string sessionId;
  std::string patient;
  std::string context;
  std::string status;
  std::vector<ReviewLineView> lines;
  std::vector<std::string> warnings;
  std::vector<TieView> ties;
  std::vector<SegmentRowView> segments;
  SegmentEditView edit;
  std::vector<UntimedRowView> untimed;  // tap one to change its minutes or remove it
  UntimedEditView untimedEdit;
  std::string totals;  // "Timed 38 min · Treatment 45 min · 3 units"
  std::string diagnoses;
  std::vector<Choice> diagnosisChoices;  // before signing: the clinic's favourites, selected as set
  bool canEdit = false;
  bool canSign = false;
  std::string error;  // a refused tap outside an open edit, in the error colour (the edit shows its own)
  std::string signBlocked;  // why Sign is not offered yet ("Add a diagnosis before signing"), next to it
  std::string message;
  // Corrections after signing and voiding.
  bool canCorrect = false;  // signed or synced: "Correct" reopens it as a new revision
  bool canVoid = false;     // ended, signed or synced: "Void session"
  enum class Panel { kNone, kCorrect, kVoid } panel = Panel::kNone;
  std::vector<Choice> correctionReasons;  // reasons for the open panel
  bool canConfirm = false;                // a reason is chosen
};

struct ClinicianDayView {
  std::string clinician;
  std::string sessions;
  std::string minutes;  // "timed 120 / treatment 140"
  std::string units;
  std::string unitsPerHour;
  std::string flags;
};

struct SupervisorView {
  std::string day;
  std::vector<ClinicianDayView> clinicians;
  // Clinic-wide from the server when online (empty title: not available).
  std::string clinicWideTitle;
  std::vector<ClinicianDayView> clinicWide;
  std::vector<std::string> problems;     // rejected uploads, unsigned sessions
  std::vector<SessionRowView> sessions;  // tap → events
  std::string sync;
};

struct EventsView {
  std::string title;
  std::vector<std::string> flags;  // warnings and review flags of the session
  std::vector<std::string> events;  // "09:02:10  Started 97110 Therapeutic exercise (therapist) – Dana Ortiz"
};

struct SettingsView {
  std::string clinic;
  std::string room;
  int autoLockMinutes = 2;
  bool showSeconds = true;
  bool showNextUnit = true;
  std::vector<Choice> textSizes;
  bool kioskMode = false;
  bool lockedSessionTaps = true;  // after an auto-lock, a running session's timers stay one tap away
  std::string serverUrl;
  std::string enrollCode;
  Field focus = Field::kNone;
  std::vector<ClinicianTileView> roster;
  bool canAdminister = false;
  std::string clinicEdit;  // the clinic name and room as typed so far (administrators)
  std::string roomEdit;
  bool clinicFromServer = false;   // an enrolled device takes the clinic name from the server
  bool canSaveClinicRoom = false;  // an administrator changed the clinic name or room
  std::string message;             // what worked (success colour)
  std::string error;               // what did not, in plain words (error colour)
};

struct AddClinicianView {
  std::string name;
  std::vector<Choice> roles;
  int pinDigits = 0;
  Field focus = Field::kName;
  std::string error;
  bool canSave = false;
};

}  // namespace unitclock::app
