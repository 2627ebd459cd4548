#pragma once
// What every presenter shares: the store and the clock, the settings, the roster, the sessions in
// memory, who is logged in, and the message or error on screen. Each presenter keeps its own screen's
// state; the router (controller.h) owns which screen is shown.

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <unitclock/core/clock.h>
#include <unitclock/core/engine.h>
#include <unitclock/core/session.h>
#include <unitclock/platform/device_store.h>
#include <unitclock/platform/pin_hash.h>
#include <unitclock/platform/wire/device_config.h>

#include "access.h"
#include "intents.h"
#include "session_book.h"
#include "sync_link.h"
#include "views.h"

namespace unitclock::app {

struct ControllerOptions {
  platform::PinHashLimits pinLimits{};  // tests use cheaper limits
  LockoutPolicy lockout{};              // wrong PINs in a row before a lock-out, and how long
  SyncLink* sync = nullptr;             // background sync; nullptr when this device has none
};

// The activity tiles a discipline shows when neither the clinic nor this device lists its own.
wire::Favourites builtInActivityFavourites();

// Settings as stored (key → text) with their defaults, read in one place (KioskContext::loadSettings) so
// that nothing drawn per frame reads the store.
struct KioskSettings {
  std::string clinicName = "Unitclock clinic";
  std::string room = "Treatment room";
  int autoLockMinutes = 2;
  bool showSeconds = true;
  bool showNextUnit = true;
  std::string textSize = "normal";  // small | normal | large
  bool kioskMode = false;
  // After an auto-lock a running session's timers stay one tap away (setting locked_session_taps "1",
  // the default); "0": the clinic wants the PIN for everything.
  bool lockedSessionTaps = true;
  std::string serverUrl;
  // This device's favourite activity codes per discipline, in order, from settings favourites.ot, .pt and
  // .slp, each a JSON list ["97110", "97530", …] (an earlier version's "97110,97530" reads too). A
  // discipline without the setting, or with one that cannot be read or is empty: the built-in list.
  wire::Favourites activityFavourites = builtInActivityFavourites();
  // Diagnosis quick-picks, code and label, from setting diagnosis_favourites, a JSON array
  // [{"code": "M54.50", "label": "Low back pain"}, …] (empty: the built-in list).
  std::vector<std::pair<std::string, std::string>> diagnosisFavourites;
  std::vector<wire::ScheduleEntry> schedule;  // today's, from setting "schedule" (wire::scheduleDocument)
};

float emForTextSize(const std::string& textSize);

// What a session is worth so far, as the rules engine counts it: every screen that shows a session's minutes
// or units (Home, the lock card, the session's live bar, Review, the supervisor) takes them from here, so
// they never disagree (whole minutes per code, summed; not the floor of the summed milliseconds).
struct SessionFigures {
  core::SessionSummary summary;            // derived at the moment asked
  std::optional<core::UnitsResult> units;  // nullopt when the engine refused the session (see error)
  std::string error;                       // the engine's reason, for the screen
  std::chrono::minutes timed{};            // timed codes' minutes
  std::chrono::minutes treatment{};        // timed and untimed
  int totalUnits = 0;
  // The minutes of one code in this session (a tile, the running clock's label).
  [[nodiscard]] std::chrono::minutes codeMinutes(const std::string& code) const;
  [[nodiscard]] std::string timedText() const;  // "8 min timed"
  [[nodiscard]] std::string unitsText() const;  // "1 unit", or "units: error"
};

// Why the PIN pad is shown, and what happens after the right PIN.
enum class PinPurpose { kLogin, kSign, kVoid };
struct PinRequest {
  PinPurpose purpose = PinPurpose::kLogin;
  std::string clinicianId;
  std::string afterLogin;  // login: the session to open afterwards (a lock-screen card)
  std::string reason;      // void: the reason chosen on the review screen
};

// What a presenter may ask of the router.
class Navigator {
 public:
  virtual void go(Screen screen) = 0;
  virtual void lock(std::string message) = 0;
  virtual void askPin(PinRequest request) = 0;
  // The review screen with the void panel open and its reason kept (Back on the PIN pad, a failed void).
  virtual void backToVoidPanel(std::string reason) = 0;
  // A new session was created and is the current one: its screen, with the therapist performing.
  virtual void sessionStarted() = 0;
  // The events of one session (supervisors).
  virtual void showEvents(std::string sessionId) = 0;

 protected:
  ~Navigator() = default;
};

std::string settingOr(platform::DeviceStore& store, const std::string& key, const std::string& fallback);

class KioskContext {
 public:
  KioskContext(platform::DeviceStore& store, const core::Clock& clock, ControllerOptions options);

  platform::DeviceStore& store;
  const core::Clock& clock;
  ControllerOptions options;
  KioskSettings settings;
  std::string zone = "UTC";  // the clinic's IANA time zone
  // The clinic's payer profiles and code catalog, as its server sent them in the configuration the sync
  // worker keeps (DeviceStoreOutbox::kConfigSetting); the built-in ones until then. The same rules the
  // outbox describes uploads with and the server bills with (wire::rulesOf).
  wire::BillingRules rules;
  // Activity tiles per discipline, in order: the clinic's favourites from its server, else this device's
  // (settings favourites.ot, .pt, .slp), else a built-in list; only codes the catalog knows.
  std::map<core::Discipline, std::vector<std::string>> favourites;
  std::vector<platform::Clinician> roster;
  PinGate pins;      // PIN checks and lock-outs (access.h)
  SessionBook book;  // every session not yet final, plus today's, with their uploads (session_book.h)

  std::string clinicianId;  // who is logged in; empty when locked
  // A running session's screen that auto-locked: whose it is (its timers' taps are theirs). Empty otherwise.
  std::string lockedClinician;
  // Who a tap on the session screen is attributed to: the logged-in clinician, else the locked session's.
  [[nodiscard]] const std::string& actor() const {
    return clinicianId.empty() ? lockedClinician : clinicianId;
  }
  std::string sessionId;  // the session on the session/review screen
  std::string message;
  std::string error;
  Field focus = Field::kNone;
  std::string lastSigned;  // session signed or voided last, for the home message
  std::chrono::nanoseconds lastInput{};

  // Store first, then the model: the event is durable before the screen shows it.
  core::Result<void, std::string> record(core::Session& s, core::Event event);
  core::Session* current();
  const core::Session* current() const;
  const core::Session* session(const std::string& id) const;
  core::Result<core::UnitsResult, std::string> unitsFor(const core::Session& s) const;
  SessionFigures figuresFor(const core::Session& s) const;  // at the clock's now
  // The profile a payer name bills under in this clinic; Medicare's when the name is unknown here.
  const core::PayerProfile& payerOf(const std::string& name) const;
  std::string payerLabel(const std::string& name) const;  // "Medicare Part B"; the name itself when unknown
  std::string codeName(const std::string& code) const;    // the catalog's short name, else the code
  const platform::Clinician* findClinician(const std::string& id) const;
  const platform::Clinician* me() const { return findClinician(clinicianId); }
  std::string clinicianName(const std::string& id) const;
  bool syncConfigured() const { return options.sync != nullptr && options.sync->configured(); }
  // The sync line every screen with one shows: the worker's state, or that signed sessions stay here
  // because no billing server is set up (never an empty line that looks like "all is well").
  std::string syncLine() const;

  void loadSettings();
  void reloadRoster();
  void saveSetting(const std::string& key, const std::string& value);
  // The sync worker writes to the same store (session_synced, rejections): before an action that appends
  // to a finished session, bring the book up to date so the next event has the right sequence. A failure
  // is shown.
  void refreshFromStore();
  // Where today began in the clinic's zone.
  [[nodiscard]] core::WallTime dayStart() const;

  // "Signed", "Signed · uploading", "Synced", "Rejected by the server", ... for a session's tile.
  std::string statusFor(const core::Session& s, bool running) const;
  // The latest outbox entry of a session (nullptr: never handed to sync).
  const platform::OutboxEntry* latestUpload(const std::string& id) const { return book.latestUpload(id); }
  // What the home screen says about the session just signed or voided, as it stands now.
  std::string afterSignMessage() const;
  // The running clock, with or without seconds as the settings say.
  std::string formatClock(std::chrono::milliseconds elapsed) const;
  SessionCardView cardFor(const core::Session& s) const;

 private:
  void loadClinicConfig();
  std::string m_configText;  // the cached configuration `rules` and the clinic's favourites were read from
  wire::Favourites m_clinicFavourites;
};

}  // namespace unitclock::app
