#pragma once
// The controller turns intents into session-model and store calls, and builds each screen's view.
// It owns the UI state that outlives a frame (which screen, what is typed, which panel is open); the
// domain state lives in core::Session objects restored from, and written through to, the device store.
// Every event is committed to the store before the model (and so the screen) shows it.

#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <unitclock/core/clock.h>
#include <unitclock/core/engine.h>
#include <unitclock/core/session.h>
#include <unitclock/platform/device_store.h>
#include <unitclock/platform/pin_hash.h>

#include "intents.h"
#include "sync_link.h"
#include "views.h"

namespace unitclock::app {

struct ControllerOptions {
  platform::PinHashLimits pinLimits{};   // tests use cheaper limits
  int maxPinFailures = 5;                // wrong PINs in a row before a lock-out
  std::chrono::minutes firstLockout{1};  // doubles with each further lock-out, up to maxLockout
  std::chrono::minutes maxLockout{60};
  SyncLink* sync = nullptr;  // background sync; nullptr when this device has none
};

// Settings as stored (key → text) with their defaults.
struct KioskSettings {
  std::string clinicName = "Unitclock clinic";
  std::string room = "Treatment room";
  int autoLockMinutes = 2;
  bool showSeconds = true;
  bool showNextUnit = true;
  std::string textSize = "normal";  // small | normal | large
  bool kioskMode = false;
  std::string serverUrl;
};

float emForTextSize(const std::string& textSize);

class Controller {
 public:
  Controller(platform::DeviceStore& store, const core::Clock& clock, ControllerOptions options = {});

  // Reads settings, the roster and every session that is not final; error text for the error screen.
  core::Result<void, std::string> load();

  [[nodiscard]] Screen screen() const { return m_screen; }
  [[nodiscard]] const KioskSettings& settings() const { return m_settings; }

  SetupView setupView() const;
  LockView lockView() const;
  PinView pinView() const;
  HomeView homeView() const;
  NewSessionView newSessionView() const;
  SessionView sessionView() const;
  ReviewView reviewView() const;
  SupervisorView supervisorView() const;
  EventsView eventsView() const;
  SettingsView settingsView() const;
  AddClinicianView addClinicianView() const;

  void apply(const Intent& intent);
  void applyAll(const Intents& intents);
  // A person touched the screen (auto-lock counts from the last touch).
  void noteInput();
  // Per frame, before drawing: auto-lock after inactivity (never stops a timer), clock-jump checks.
  void tick();
  // Real time until something on the current screen changes by itself; nullopt when nothing does.
  [[nodiscard]] std::optional<std::chrono::milliseconds> nextChangeIn() const;

  // For tests and the supervisor screen.
  [[nodiscard]] const core::Session* session(const std::string& id) const;
  [[nodiscard]] std::string loggedInClinician() const { return m_clinicianId; }
  [[nodiscard]] core::Result<core::UnitsResult, std::string> unitsFor(const core::Session& s) const;

  // Seeds a demo clinic (clinicians, schedule, favourites) into an empty store.
  core::Result<void, std::string> seedDemo();

 private:
  enum class PinPurpose { kLogin, kSign, kVoid };
  enum class Panel { kNone, kCorrect, kVoid };

  core::Result<void, std::string> record(core::Session& s, core::Event event);
  core::Session* current();
  const core::Session* current() const;
  const platform::Clinician* findClinician(const std::string& id) const;
  std::string clinicianName(const std::string& id) const;
  void go(Screen screen);
  void lock(std::string message);
  void reloadRoster();
  void loadSettings();
  void saveSetting(const std::string& key, const std::string& value);
  void submitPin();
  void submitSetup();
  void startSession();
  void saveClinician();
  void typeText(const std::string& text);
  void deleteChar();
  std::vector<std::string> favouritesFor(core::Discipline d) const;
  std::vector<std::pair<std::string, std::string>> diagnosisChoices() const;
  std::vector<platform::SessionRow> todaysRows() const;
  std::string formatClock(std::chrono::milliseconds elapsed) const;
  SessionCardView cardFor(const core::Session& s) const;
  // The sync worker writes to the same store (session_synced, rejections): bring the in-memory sessions
  // up to date with what is on disk, so screens tell the truth and the next event has the right sequence.
  void refreshFromStore();
  // "Signed", "Signed · uploading", "Synced", "Rejected by the server", ... for a session's tile.
  std::string statusFor(const core::Session& s, bool running) const;
  // The latest outbox entry of a session (nullopt: never handed to sync).
  std::optional<platform::OutboxEntry> latestUpload(const std::string& sessionId) const;
  // What the home screen says about the session just signed or voided, as it stands now.
  std::string afterSignMessage() const;
  void finishSignOrVoid(const platform::Clinician& c);

  platform::DeviceStore& m_store;
  const core::Clock& m_clock;
  ControllerOptions m_options;
  KioskSettings m_settings;
  std::string m_zone = "UTC";  // the clinic's IANA time zone
  std::vector<platform::Clinician> m_roster;
  std::map<std::string, core::Session> m_sessions;  // every session not yet final, plus today's

  // UI state.
  Screen m_screen = Screen::kLock;
  std::string m_clinicianId;  // who is logged in; empty when locked
  std::string m_sessionId;    // the session on the session/review screen
  std::string m_message;
  std::string m_error;
  std::chrono::nanoseconds m_lastInput{};
  // PIN entry
  PinPurpose m_pinPurpose = PinPurpose::kLogin;
  std::string m_pinFor;      // clinician id
  std::string m_afterLogin;  // session to open after login
  std::string m_pin;
  // setup / add clinician
  std::string m_name;
  std::string m_pinConfirm;
  std::string m_role = "OT";
  Field m_focus = Field::kNone;
  // new session
  std::string m_mrn, m_initials, m_payer = "medicare";
  core::Discipline m_discipline = core::Discipline::ot;
  std::vector<std::string> m_diagnoses;
  bool m_telehealth = false;
  // session screen
  bool m_pauseOpen = false;
  bool m_untimedOpen = false;
  int m_untimedMinutes = 15;
  core::Performer m_performer = core::Performer::therapist;
  // review
  int m_editIndex = -1;
  core::WallTime m_editStart{}, m_editEnd{};
  std::string m_editReason;
  std::string m_enrollCode;
  std::string m_eventsFor;
  // corrections and voiding (review screen)
  Panel m_panel = Panel::kNone;
  std::string m_correctionReason;
  std::string m_lastSigned;  // session signed or voided last, for the home message
  // settings: clinic name and room being edited
  std::string m_clinicEdit, m_roomEdit;
};

}  // namespace unitclock::app
