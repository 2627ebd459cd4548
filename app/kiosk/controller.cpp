#include "controller.h"

#include "access.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <set>

#include <unitclock/core/catalog.h>
#include <unitclock/core/day.h>
#include <unitclock/core/payer.h>
#include <unitclock/core/uuid.h>
#include <unitclock/platform/time_zone.h>

namespace unitclock::app {

using namespace std::chrono_literals;
using core::Performer;
using core::SessionStatus;

// [SECTION] Formatting helpers (local time of the device; the clinic's zone is set by main via TZ)

namespace {

// Local time of day as the clinic sees it: the time since the start of the local calendar day
// (platform/time_zone.h owns the zone rules; the app never calls localtime itself).
core::WallTime startOfLocalDay(core::WallTime t, const std::string& zone) {
  auto date = platform::localDate(t, zone);
  if (!date) return std::chrono::floor<std::chrono::days>(t);
  auto range = platform::localDayRange(date.value(), zone);
  return range ? range.value().start : std::chrono::floor<std::chrono::days>(t);
}

std::string timeOfDay(core::WallTime t, const std::string& zone, bool seconds) {
  const long long since =
      std::chrono::duration_cast<std::chrono::seconds>(t - startOfLocalDay(t, zone)).count();
  char buf[48];
  if (seconds)
    std::snprintf(buf, sizeof buf, "%02lld:%02lld:%02lld", since / 3600, (since / 60) % 60, since % 60);
  else
    std::snprintf(buf, sizeof buf, "%02lld:%02lld", since / 3600, (since / 60) % 60);
  return buf;
}

std::string dateText(core::WallTime t, const std::string& zone) {
  static constexpr const char* kDays[] = {"Sunday",   "Monday", "Tuesday", "Wednesday",
                                          "Thursday", "Friday", "Saturday"};
  static constexpr const char* kMonths[] = {"January",   "February", "March",    "April",
                                            "May",       "June",     "July",     "August",
                                            "September", "October",  "November", "December"};
  auto date = platform::localDate(t, zone);
  const std::chrono::year_month_day ymd =
      date ? date.value() : std::chrono::year_month_day{std::chrono::floor<std::chrono::days>(t)};
  const std::chrono::weekday wd{std::chrono::sys_days{ymd}};
  return std::string(kDays[wd.c_encoding()]) + " " + std::to_string(static_cast<unsigned>(ymd.day())) + " " +
         kMonths[static_cast<unsigned>(ymd.month()) - 1];
}

std::string trim(const std::string& s) {
  const auto a = s.find_first_not_of(' ');
  if (a == std::string::npos) return {};
  return s.substr(a, s.find_last_not_of(' ') - a + 1);
}

long long wholeMinutes(std::chrono::milliseconds d) {
  return std::chrono::duration_cast<std::chrono::minutes>(d).count();
}

std::string minutesText(std::chrono::milliseconds d) {
  return std::to_string(wholeMinutes(d)) + " min";
}

std::string unitsText(int units) {
  return std::to_string(units) + (units == 1 ? " unit" : " units");
}

// Roles arrive as "OT" from this device's roster screen and as "ot" from the server: compare upper case.
std::string upper(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

bool isAdmin(const std::string& role) {
  return upper(role) == "ADMIN";
}
bool isSupervisor(const std::string& role) {
  return upper(role) == "SUPERVISOR" || isAdmin(role);
}

std::string roleLabel(const std::string& role) {
  if (isAdmin(role)) return "Administrator";
  if (upper(role) == "SUPERVISOR") return "Supervisor";
  return upper(role);
}

core::Discipline disciplineForRole(const std::string& rawRole) {
  const std::string role = upper(rawRole);
  if (role == "PT" || role == "PTA") return core::Discipline::pt;
  if (role == "SLP") return core::Discipline::slp;
  return core::Discipline::ot;
}

std::string disciplineLabel(core::Discipline d) {
  switch (d) {
    case core::Discipline::pt:
      return "PT";
    case core::Discipline::slp:
      return "SLP";
    default:
      return "OT";
  }
}

// "Medicare Part B", "Commercial": the display name without its parenthesised rule.
std::string payerLabel(const std::string& name) {
  if (auto p = core::builtinPayer(name)) {
    const auto paren = p->displayName.find(" (");
    return paren == std::string::npos ? p->displayName : p->displayName.substr(0, paren);
  }
  return name;
}

std::string pauseLabel(core::PauseReason r) {
  switch (r) {
    case core::PauseReason::rest:
      return "Rest";
    case core::PauseReason::toileting:
      return "Toileting";
    case core::PauseReason::waiting:
      return "Waiting";
    case core::PauseReason::equipment:
      return "Equipment";
    default:
      return "Other";
  }
}

std::string statusLabel(SessionStatus s, bool running) {
  switch (s) {
    case SessionStatus::open:
      return running ? "Running" : "Open";
    case SessionStatus::ended:
      return "Ended – review";
    case SessionStatus::signed_:
      return "Signed";
    case SessionStatus::synced:
      return "Synced";
    case SessionStatus::voided:
      return "Voided";
  }
  return "";
}

std::string codeName(const std::string& code) {
  if (const auto* info = core::Catalog::builtin().find(code)) return info->shortName;
  return code;
}

std::string settingOr(platform::DeviceStore& store, const std::string& key, const std::string& fallback) {
  auto v = store.setting(key);
  if (v && v.value()) return *v.value();
  return fallback;
}

// Persisted lock-out state of one clinician: "failures;lockedUntilMs".
struct PinLock {
  int failures = 0;
  long long lockedUntilMs = 0;
};

PinLock parsePinLock(const std::string& text) {
  PinLock l;
  std::sscanf(text.c_str(), "%d;%lld", &l.failures, &l.lockedUntilMs);
  return l;
}

const std::vector<std::pair<std::string, std::string>> kDefaultDiagnoses = {
    {"M54.50", "Low back pain"},    {"M25.511", "R shoulder pain"}, {"I69.351", "Stroke hemiplegia"},
    {"R26.89", "Gait abnormality"}, {"M62.81", "Muscle weakness"},  {"R13.12", "Dysphagia"},
};

const char* kPinLockPrefix = "pin_lock.";

// Why a signed session is corrected, or why a session is voided (kept with the event and in the audit log).
const std::vector<const char*> kCorrectionReasons = {"Times were wrong", "Wrong activity", "Late entry",
                                                     "Other reason"};
const std::vector<const char*> kVoidReasons = {"Entered in error", "Wrong patient", "Duplicate session",
                                               "Other reason"};

}  // namespace

float emForTextSize(const std::string& textSize) {
  if (textSize == "small") return 22.0f;
  if (textSize == "large") return 31.0f;
  return 26.0f;
}

// [SECTION] Loading

Controller::Controller(platform::DeviceStore& store, const core::Clock& clock, ControllerOptions options)
    : m_store(store), m_clock(clock), m_options(std::move(options)) {
  m_lastInput = m_clock.monotonicNow();
}

void Controller::loadSettings() {
  auto zone = m_store.clinicTimeZone();
  m_zone = zone && platform::isKnownTimeZone(zone.value()) ? zone.value() : "UTC";
  m_settings.clinicName = settingOr(m_store, "clinic_name", m_settings.clinicName);
  m_settings.room = settingOr(m_store, "room", m_settings.room);
  m_settings.autoLockMinutes =
      std::clamp(std::atoi(settingOr(m_store, "auto_lock_minutes", "2").c_str()), 1, 30);
  m_settings.showSeconds = settingOr(m_store, "show_seconds", "1") == "1";
  m_settings.showNextUnit = settingOr(m_store, "show_next_unit", "1") == "1";
  m_settings.textSize = settingOr(m_store, "text_size", "normal");
  m_settings.kioskMode = settingOr(m_store, "kiosk_mode", "0") == "1";
  m_settings.serverUrl = settingOr(m_store, "server_url", "");
}

void Controller::reloadRoster() {
  auto r = m_store.roster();
  m_roster.clear();
  if (r) {
    for (auto& c : r.value())
      if (c.active) m_roster.push_back(std::move(c));
  }
}

core::Result<void, std::string> Controller::load() {
  loadSettings();
  reloadRoster();
  // Retention: synced sessions older than the retention period leave the device; unsynced ones never do.
  // A failed purge only delays it to the next start; it never stops the app.
  (void)m_store.purgeExpired(m_clock.wallNow());
  m_sessions.clear();
  std::set<std::string> ids;
  for (auto status : {SessionStatus::open, SessionStatus::ended}) {
    platform::SessionFilter f;
    f.status = status;
    auto rows = m_store.listSessions(f);
    if (!rows) return core::fail(rows.error().message);
    for (const auto& r : rows.value()) ids.insert(r.header.id);
  }
  for (const auto& r : todaysRows()) ids.insert(r.header.id);
  for (const auto& id : ids) {
    auto stored = m_store.loadSession(id);
    if (!stored) return core::fail(stored.error().message);
    auto s = core::Session::restore(stored.value().row.header, stored.value().events);
    if (!s) return core::fail("session " + id + " cannot be replayed: " + s.error().message);
    m_sessions.emplace(id, std::move(s.value()));
  }
  m_screen = m_roster.empty() ? Screen::kSetup : Screen::kLock;
  m_focus = m_screen == Screen::kSetup ? Field::kName : Field::kNone;
  return {};
}

std::vector<platform::SessionRow> Controller::todaysRows() const {
  platform::SessionFilter f;
  f.openedFrom = startOfLocalDay(m_clock.wallNow(), m_zone);
  auto rows = m_store.listSessions(f);
  return rows ? rows.value() : std::vector<platform::SessionRow>{};
}

// [SECTION] Recording events: store first, then the model

core::Result<void, std::string> Controller::record(core::Session& s, core::Event event) {
  const core::Instant now = m_clock.now();
  if (auto jump = s.detectClockJump(now)) {
    if (s.check(*jump)) {
      auto stored = m_store.appendEvent(s.header().id, *jump);
      if (!stored) return core::fail("Could not save: " + stored.error().message);
      (void)s.apply(*jump);
    }
  }
  event.sequence = s.nextSequence();
  if (auto ok = s.check(event); !ok) return core::fail(ok.error().message);
  auto stored = m_store.appendEvent(s.header().id, event);
  if (!stored) return core::fail("Could not save: " + stored.error().message);
  if (auto applied = s.apply(event); !applied) return core::fail(applied.error().message);
  return {};
}

core::Session* Controller::current() {
  auto it = m_sessions.find(m_sessionId);
  return it == m_sessions.end() ? nullptr : &it->second;
}

const core::Session* Controller::current() const {
  auto it = m_sessions.find(m_sessionId);
  return it == m_sessions.end() ? nullptr : &it->second;
}

const core::Session* Controller::session(const std::string& id) const {
  auto it = m_sessions.find(id);
  return it == m_sessions.end() ? nullptr : &it->second;
}

core::Result<core::UnitsResult, std::string> Controller::unitsFor(const core::Session& s) const {
  const auto payer = core::builtinPayer(s.header().payerProfile).value_or(core::PayerProfile::medicare());
  const auto summary = s.derive(m_clock.now());
  auto r = core::computeUnits(core::sessionInput(s.header(), summary), payer);
  if (!r) return core::fail(r.error().message);
  return r.value();
}

const platform::Clinician* Controller::findClinician(const std::string& id) const {
  for (const auto& c : m_roster)
    if (c.id == id) return &c;
  return nullptr;
}

std::string Controller::clinicianName(const std::string& id) const {
  const auto* c = findClinician(id);
  return c != nullptr ? c->displayName : (id.empty() ? "device" : id);
}

void Controller::go(Screen screen) {
  m_screen = screen;
  m_error.clear();
  m_focus = Field::kNone;
  m_pauseOpen = false;
  m_untimedOpen = false;
  m_editIndex = -1;
  m_panel = Panel::kNone;
  m_correctionReason.clear();
  if (screen == Screen::kSettings) {
    m_clinicEdit = m_settings.clinicName;
    m_roomEdit = m_settings.room;
  }
}

void Controller::lock(std::string message) {
  go(Screen::kLock);
  m_clinicianId.clear();
  m_pin.clear();
  m_lastSigned.clear();
  m_message = std::move(message);
}

void Controller::saveSetting(const std::string& key, const std::string& value) {
  auto r = m_store.setSetting(key, value, m_clinicianId, m_clock.wallNow());
  if (!r) m_error = "Could not save the setting: " + r.error().message;
  loadSettings();
}

// [SECTION] Input and time

void Controller::noteInput() {
  m_lastInput = m_clock.monotonicNow();
}

void Controller::tick() {
  if (m_options.sync != nullptr) {
    const bool wasEnrolling = m_options.sync->enrolling();
    std::string enrollMessage;
    if (m_options.sync->poll(m_store, enrollMessage)) {
      reloadRoster();
      loadSettings();
    }
    if (wasEnrolling && !m_options.sync->enrolling()) {
      m_error = enrollMessage;
      m_message = enrollMessage.empty() ? "Enrolled. The roster and settings come from the server now." : "";
      m_enrollCode.clear();
    }
  }
  // The sync worker marks uploads synced or rejected in the store: show what is on disk (one query).
  refreshFromStore();
  // A wall-clock jump while a session is open is recorded (and flagged for review) at once, not only
  // at the next tap; elapsed time keeps coming from the monotonic clock either way.
  const auto now = m_clock.now();
  for (auto& [id, session] : m_sessions) {
    if (session.status() != SessionStatus::open) continue;
    if (auto jump = session.detectClockJump(now); jump && session.check(*jump)) {
      if (m_store.appendEvent(id, *jump)) (void)session.apply(*jump);
    }
  }
  if (m_screen == Screen::kSetup || m_screen == Screen::kLock) return;
  const auto idle = m_clock.monotonicNow() - m_lastInput;
  if (idle >= std::chrono::minutes(m_settings.autoLockMinutes)) {
    lock("Locked after " + std::to_string(m_settings.autoLockMinutes) +
         " min without a tap. Timers keep running.");
  }
}

std::optional<std::chrono::milliseconds> Controller::nextChangeIn() const {
  // A few milliseconds past the boundary, so the frame lands after the change, not just before it.
  constexpr auto kSlack = 5ms;
  std::optional<std::chrono::milliseconds> next;
  auto consider = [&](std::chrono::milliseconds d) {
    if (!next || d < *next) next = d;
  };
  const auto untilNext = [](std::chrono::milliseconds elapsed, std::chrono::milliseconds period) {
    const auto into = elapsed % period;
    return period - (into < 0ms ? into + period : into);
  };
  if (m_screen != Screen::kSetup && m_screen != Screen::kLock) {
    const auto idle =
        std::chrono::duration_cast<std::chrono::milliseconds>(m_clock.monotonicNow() - m_lastInput);
    consider(std::max(0ms, std::chrono::minutes(m_settings.autoLockMinutes) - idle) + kSlack);
  }
  // An enrollment in flight is checked five times a second until it finishes.
  if (m_options.sync != nullptr && m_options.sync->enrolling()) consider(200ms);
  const auto now = m_clock.now();
  if (m_screen == Screen::kSession) {
    if (const auto* s = current(); s != nullptr && s->status() == SessionStatus::open) {
      const auto sum = s->derive(now);
      const auto period =
          m_settings.showSeconds ? std::chrono::milliseconds(1s) : std::chrono::milliseconds(1min);
      if (sum.running)
        consider(untilNext(sum.running->elapsed, period) + kSlack);
      else if (sum.pausedFor && !sum.pauses.empty())
        consider(untilNext(sum.pauses.back().end - sum.pauses.back().start, period) + kSlack);
    }
  }
  if (m_screen == Screen::kLock || m_screen == Screen::kHome) {
    // The wall clock (HH:MM) and each open session's minutes.
    consider(untilNext(now.wall.time_since_epoch(), 1min) + kSlack);
    for (const auto& [id, s] : m_sessions) {
      if (s.status() != SessionStatus::open) continue;
      const auto sum = s.derive(now);
      if (sum.running || sum.pausedFor) consider(untilNext(sum.treatmentTime, 1min) + kSlack);
    }
  }
  return next;
}

std::string Controller::formatClock(std::chrono::milliseconds elapsed) const {
  const long long total = std::chrono::duration_cast<std::chrono::seconds>(elapsed).count();
  char buf[32];
  if (!m_settings.showSeconds) {
    std::snprintf(buf, sizeof buf, "%lld min", total / 60);
  } else if (total >= 3600) {
    std::snprintf(buf, sizeof buf, "%lld:%02lld:%02lld", total / 3600, (total / 60) % 60, total % 60);
  } else {
    std::snprintf(buf, sizeof buf, "%lld:%02lld", total / 60, total % 60);
  }
  return buf;
}

// [SECTION] Views

SetupView Controller::setupView() const {
  SetupView v;
  v.name = m_name;
  v.pinDigits = static_cast<int>(m_pin.size());
  v.confirmDigits = static_cast<int>(m_pinConfirm.size());
  v.focus = m_focus;
  v.error = m_error;
  return v;
}

SessionCardView Controller::cardFor(const core::Session& s) const {
  SessionCardView c;
  const auto sum = s.derive(m_clock.now());
  c.sessionId = s.header().id;
  c.initials = s.header().patient.initials;
  c.clinician = clinicianName(s.header().renderingClinicianId);
  c.running = sum.running.has_value();
  if (sum.running)
    c.activity = sum.running->code + " " + codeName(sum.running->code);
  else if (sum.pausedFor)
    c.activity = "Paused: " + pauseLabel(*sum.pausedFor);
  else
    c.activity = statusLabel(s.status(), false);
  c.elapsed = minutesText(sum.treatmentTime);
  return c;
}

void Controller::refreshFromStore() {
  // One query for today's rows; a session whose event count on disk differs is replayed again. Only
  // finished sessions can change underneath us (the sync worker marks them synced); open ones are ours.
  for (const auto& row : todaysRows()) {
    auto it = m_sessions.find(row.header.id);
    if (it == m_sessions.end() || it->second.status() == SessionStatus::open) continue;
    if (row.eventCount == static_cast<std::int64_t>(it->second.events().size())) continue;
    auto stored = m_store.loadSession(row.header.id);
    if (!stored) continue;
    auto restored = core::Session::restore(stored.value().row.header, stored.value().events);
    if (restored) it->second = std::move(restored.value());
  }
}

std::optional<platform::OutboxEntry> Controller::latestUpload(const std::string& sessionId) const {
  auto entries = m_store.outbox(sessionId);
  if (!entries || entries.value().empty()) return std::nullopt;
  return entries.value().back();
}

std::string Controller::statusFor(const core::Session& s, bool running) const {
  const auto st = s.status();
  if (st == SessionStatus::signed_ || st == SessionStatus::voided) {
    const auto up = latestUpload(s.header().id);
    if (up && up->state == platform::OutboxState::rejected) return "Rejected by the server";
    const bool syncing = m_options.sync != nullptr && m_options.sync->configured();
    if (up && up->state == platform::OutboxState::pending && syncing) {
      const bool offline = m_options.sync->statusLine().find("offline") != std::string::npos;
      return statusLabel(st, false) + (offline ? " · waiting (offline)" : " · uploading");
    }
  }
  return statusLabel(st, running);
}

std::string Controller::afterSignMessage() const {
  const auto* s = session(m_lastSigned);
  if (s == nullptr) return {};
  const std::string who = s->header().patient.initials;
  const std::string rev = s->revision() > 1 ? " (revision " + std::to_string(s->revision()) + ")" : "";
  const auto up = latestUpload(s->header().id);
  const bool syncing = m_options.sync != nullptr && m_options.sync->configured();
  const bool offline = syncing && m_options.sync->statusLine().find("offline") != std::string::npos;
  if (s->status() == SessionStatus::voided) {
    if (!up) return "Voided " + who + ". It will not be billed.";
    if (up->state == platform::OutboxState::rejected)
      return "Voided " + who + ", but the server refused the void: " + up->lastError;
    if (up->state == platform::OutboxState::sent) return "Voided " + who + ". The billing server has it.";
    if (!syncing) return "Voided " + who + ". It will not be billed.";
    return "Voided " + who +
           (offline ? ". The billing server is told when the device is online."
                    : ". Telling the billing server…");
  }
  if (s->status() == SessionStatus::synced)
    return "Signed " + who + rev + " and uploaded to the billing server.";
  if (s->status() != SessionStatus::signed_) return {};
  if (up && up->state == platform::OutboxState::rejected)
    return "Signed " + who + rev + ", but the server rejected it: " + up->lastError +
           ". Open it and tap Correct to fix it.";
  if (!syncing) return "Signed " + who + rev + ". Kept on this device (no billing server is set up).";
  if (offline) return "Signed " + who + rev + ". It will upload when the device is online.";
  return "Signed " + who + rev + ". Uploading to the billing server…";
}

LockView Controller::lockView() const {
  LockView v;
  const auto now = m_clock.wallNow();
  v.clinic = m_settings.clinicName;
  v.room = m_settings.room;
  v.time = timeOfDay(now, m_zone, false);
  v.date = dateText(now, m_zone);
  for (const auto& [id, s] : m_sessions)
    if (s.status() == SessionStatus::open) v.cards.push_back(cardFor(s));
  const long long nowMs = now.time_since_epoch().count();
  for (const auto& c : m_roster) {
    ClinicianTileView t{c.id, c.displayName, roleLabel(c.role), {}, false};
    const auto lockText = settingOr(m_store, kPinLockPrefix + c.id, "");
    const PinLock l = parsePinLock(lockText);
    if (l.lockedUntilMs > nowMs) {
      t.lockedOut = true;
      t.note = "Locked for " + std::to_string((l.lockedUntilMs - nowMs + 59999) / 60000) + " min";
    }
    v.clinicians.push_back(std::move(t));
  }
  v.message = m_message;
  if (m_options.sync != nullptr) v.sync = m_options.sync->statusLine();
  return v;
}

PinView Controller::pinView() const {
  PinView v;
  v.title = m_pinPurpose == PinPurpose::kSign   ? "Sign with your PIN"
            : m_pinPurpose == PinPurpose::kVoid ? "Void with your PIN"
                                                : "Enter PIN";
  const auto* c = findClinician(m_pinFor);
  v.subtitle = c != nullptr ? c->displayName + " · " + roleLabel(c->role) : "";
  if (m_pinPurpose != PinPurpose::kLogin) {
    if (const auto* s = current()) v.subtitle += " · session for " + s->header().patient.initials;
  }
  v.enteredDigits = static_cast<int>(m_pin.size());
  v.error = m_error;
  v.canSubmit = m_pin.size() >= 4;
  return v;
}

HomeView Controller::homeView() const {
  HomeView v;
  const auto* me = findClinician(m_clinicianId);
  v.clinician = me != nullptr ? me->displayName : "";
  v.role = me != nullptr ? roleLabel(me->role) : "";
  v.canSupervise = me != nullptr && isSupervisor(me->role);
  v.canAdminister = me != nullptr && isAdmin(me->role);
  const auto now = m_clock.now();
  const auto dayStart = startOfLocalDay(now.wall, m_zone);
  for (const auto& [id, s] : m_sessions) {
    const auto sum = s.derive(now);
    const bool mine =
        std::find(sum.clinicians.begin(), sum.clinicians.end(), m_clinicianId) != sum.clinicians.end();
    if (!mine && s.header().renderingClinicianId != m_clinicianId) continue;
    if (s.status() != SessionStatus::open && s.status() != SessionStatus::ended &&
        (sum.segments.empty() ? true : sum.segments.front().start < dayStart))
      continue;
    SessionRowView r;
    r.sessionId = id;
    r.initials = s.header().patient.initials;
    r.status = statusFor(s, sum.running.has_value());
    r.minutes = minutesText(sum.timedTime) + " timed";
    if (r.status == "Rejected by the server") {
      if (const auto up = latestUpload(id))
        v.notices.push_back(r.initials + ": rejected by the server – " + up->lastError +
                            ". Open it and tap Correct to fix it.");
    }
    auto units = unitsFor(s);
    r.units = units ? unitsText(units.value().totalUnits) : "units: error";
    v.sessions.push_back(std::move(r));
  }
  v.message = m_message.empty() ? afterSignMessage() : m_message;
  if (m_options.sync != nullptr) v.sync = m_options.sync->statusLine();
  return v;
}

std::vector<std::pair<std::string, std::string>> Controller::diagnosisChoices() const {
  std::vector<std::pair<std::string, std::string>> out;
  const auto text = settingOr(m_store, "diagnosis_favourites", "");
  // "CODE=Label;CODE=Label"
  std::size_t pos = 0;
  while (pos < text.size()) {
    const auto end = text.find(';', pos);
    const auto item = text.substr(pos, end == std::string::npos ? std::string::npos : end - pos);
    const auto eq = item.find('=');
    if (eq != std::string::npos) out.emplace_back(item.substr(0, eq), item.substr(eq + 1));
    if (end == std::string::npos) break;
    pos = end + 1;
  }
  return out.empty() ? kDefaultDiagnoses : out;
}

NewSessionView Controller::newSessionView() const {
  NewSessionView v;
  // Today's schedule: served by the server when enrolled; the demo clinic has one of its own.
  const auto schedule = settingOr(m_store, "schedule", "");
  std::size_t pos = 0;
  int n = 0;
  while (pos < schedule.size()) {
    const auto end = schedule.find(';', pos);
    const auto item = schedule.substr(pos, end == std::string::npos ? std::string::npos : end - pos);
    // time|mrn|initials|payer|discipline
    std::vector<std::string> f;
    std::size_t p = 0;
    while (true) {
      const auto bar = item.find('|', p);
      f.push_back(item.substr(p, bar == std::string::npos ? std::string::npos : bar - p));
      if (bar == std::string::npos) break;
      p = bar + 1;
    }
    if (f.size() == 5) {
      const auto d = core::parseDiscipline(f[4]).value_or(core::Discipline::ot);
      v.schedule.push_back(
          {std::to_string(n), f[0], f[2],
           payerLabel(f[3]).substr(0, payerLabel(f[3]).find(' ')) + " · " + disciplineLabel(d)});
    }
    ++n;
    if (end == std::string::npos) break;
    pos = end + 1;
  }
  v.mrn = m_mrn;
  v.initials = m_initials;
  v.focus = m_focus;
  for (const auto& p : core::builtinPayers())
    v.payers.push_back({p.name, payerLabel(p.name), p.name == m_payer});
  for (auto d : {core::Discipline::ot, core::Discipline::pt, core::Discipline::slp})
    v.disciplines.push_back({std::string(core::toString(d)), disciplineLabel(d), d == m_discipline});
  for (const auto& [code, label] : diagnosisChoices()) {
    const bool sel = std::find(m_diagnoses.begin(), m_diagnoses.end(), code) != m_diagnoses.end();
    v.diagnoses.push_back({code, label, sel});
  }
  v.telehealth = m_telehealth;
  v.error = m_error;
  v.canStart = !m_mrn.empty() && !m_initials.empty();
  return v;
}

std::vector<std::string> Controller::favouritesFor(core::Discipline d) const {
  const std::string key = "favourites." + std::string(core::toString(d));
  std::string text = settingOr(m_store, key, "");
  if (text.empty()) {
    switch (d) {
      case core::Discipline::pt:
        text = "97110,97112,97116,97140,97530,97535";
        break;
      case core::Discipline::slp:
        text = "92507,92526,97129,97130,92609";
        break;
      default:
        text = "97110,97112,97140,97530,97535,97129";
        break;
    }
  }
  std::vector<std::string> codes;
  std::size_t pos = 0;
  while (pos <= text.size()) {
    const auto end = text.find(',', pos);
    auto code = text.substr(pos, end == std::string::npos ? std::string::npos : end - pos);
    if (!code.empty() && core::Catalog::builtin().find(code) != nullptr) codes.push_back(code);
    if (end == std::string::npos) break;
    pos = end + 1;
  }
  return codes;
}

SessionView Controller::sessionView() const {
  SessionView v;
  const auto* s = current();
  if (s == nullptr) return v;
  const auto now = m_clock.now();
  const auto sum = s->derive(now);
  const auto& h = s->header();
  v.sessionId = h.id;
  v.patient = h.patient.initials;
  v.context = payerLabel(h.payerProfile) + " · " + disciplineLabel(h.discipline) +
              (h.telehealth ? " · Telehealth" : "");
  v.ended = s->status() != SessionStatus::open;
  auto minutesFor = [&](const std::string& code) {
    std::chrono::milliseconds t{};
    for (const auto& c : sum.codes)
      if (c.code == code) t += c.total();
    return t;
  };
  std::vector<std::string> codes = favouritesFor(h.discipline);
  for (const auto& c : sum.codes)
    if (std::find(codes.begin(), codes.end(), c.code) == codes.end()) codes.push_back(c.code);
  for (const auto& code : codes) {
    const auto* info = core::Catalog::builtin().find(code);
    if (info != nullptr && !info->timed && minutesFor(code) == 0ms)
      continue;  // untimed: via "Add untimed service"
    v.tiles.push_back(
        {code, codeName(code), minutesText(minutesFor(code)), sum.running && sum.running->code == code});
  }
  if (sum.running) {
    v.runningName = sum.running->code + " " + codeName(sum.running->code) +
                    (sum.running->performer == Performer::assistant ? " (assistant)" : "");
    v.clock = formatClock(sum.running->elapsed);
  } else if (sum.pausedFor) {
    v.paused = true;
    const auto pausedFor = sum.pauses.empty() ? 0ms : sum.pauses.back().end - sum.pauses.back().start;
    v.pausedText = "Paused: " + pauseLabel(*sum.pausedFor);
    v.clock = formatClock(pausedFor);
  }
  v.pauseChipsOpen = m_pauseOpen;
  for (auto r : {core::PauseReason::rest, core::PauseReason::toileting, core::PauseReason::waiting,
                 core::PauseReason::equipment, core::PauseReason::other})
    v.pauseReasons.push_back({std::string(core::toString(r)), pauseLabel(r), false});
  v.assistant =
      sum.running ? sum.running->performer == Performer::assistant : m_performer == Performer::assistant;
  v.untimedOpen = m_untimedOpen;
  v.untimedMinutes = m_untimedMinutes;
  for (const auto& info : core::Catalog::builtin().codes()) {
    if (info.timed || info.group || !info.allowsDiscipline(h.discipline)) continue;
    v.untimedCodes.push_back({info.code, info.shortName, false});
  }
  const auto payer = core::builtinPayer(h.payerProfile).value_or(core::PayerProfile::medicare());
  auto units = core::computeUnits(core::sessionInput(h, sum), payer);
  v.bar.timed = "Timed " + minutesText(sum.timedTime);
  v.bar.treatment = "Treatment " + minutesText(sum.treatmentTime);
  if (units) {
    const auto& u = units.value();
    v.bar.units = unitsText(u.totalUnits) + " (" + payerLabel(payer.name) +
                  (payer.rule == core::UnitRule::cms ? ", 8-minute rule)" : ", per code)");
    if (m_settings.showNextUnit && payer.rule == core::UnitRule::cms) {
      v.bar.nextUnit =
          "Next unit in " + std::to_string(core::minutesToNextCmsUnit(u.totalTimed).count()) + " min";
    } else if (m_settings.showNextUnit && sum.running) {
      // Per-code rule: the running code's own next unit (its midpoint, then every unit length after it).
      if (const auto* info = core::Catalog::builtin().find(sum.running->code);
          info != nullptr && info->timed) {
        const auto m = std::chrono::duration_cast<std::chrono::minutes>(minutesFor(sum.running->code));
        const int have = core::unitsByMidpoint(m, info->unitLength, info->midpoint);
        const auto nextAt = info->midpoint + info->unitLength * have;
        v.bar.nextUnit =
            "Next unit of " + sum.running->code + " in " + std::to_string((nextAt - m).count()) + " min";
      }
    }
  } else {
    v.bar.units = "Units: " + units.error().message;
  }
  v.error = m_error;
  return v;
}

ReviewView Controller::reviewView() const {
  ReviewView v;
  const auto* s = current();
  if (s == nullptr) return v;
  const auto sum = s->derive(m_clock.now());
  const auto& h = s->header();
  v.sessionId = h.id;
  v.patient = h.patient.initials;
  v.context = payerLabel(h.payerProfile) + " · " + disciplineLabel(h.discipline) +
              (h.telehealth ? " · Telehealth" : "");
  v.status = statusFor(*s, false) + (s->revision() > 1 ? " · revision " + std::to_string(s->revision()) : "");
  std::string dx;
  for (const auto& d : sum.diagnoses) dx += (dx.empty() ? "" : ", ") + d;
  v.diagnoses = "Diagnoses: " + (dx.empty() ? std::string("none") : dx);
  auto units = unitsFor(*s);
  if (units) {
    const auto& u = units.value();
    v.totals = "Timed " + std::to_string(u.totalTimed.count()) + " min · Treatment " +
               std::to_string(u.totalTreatment.count()) + " min · " + unitsText(u.totalUnits);
    for (const auto& c : u.codes) {
      ReviewLineView l;
      l.code = c.billedAs.empty() ? c.code : c.code + " → " + c.billedAs;
      l.name = codeName(c.code);
      l.minutes = std::to_string(c.total.count()) + " min";
      if (c.assistant.count() > 0) l.assistant = std::to_string(c.assistant.count()) + " by assistant";
      l.units = std::to_string(c.units);
      l.zeroUnits = c.units == 0;
      std::set<std::string> mods;
      std::string modText;
      for (const auto& line : u.lines) {
        if (line.code != c.code && line.code != c.billedAs) {
          const auto* info = core::Catalog::builtin().find(c.code);
          if (info == nullptr || line.code != info->addOnCode) continue;
        }
        for (const auto& m : line.modifiers)
          if (mods.insert(m).second) modText += (modText.empty() ? "" : " ") + m;
      }
      l.modifiers = modText.empty() ? "–" : modText;
      v.lines.push_back(std::move(l));
    }
    for (const auto& w : u.warnings) v.warnings.push_back(w.message);
    for (const auto& t : u.ties) {
      TieView tv;
      std::string cand, award;
      for (const auto& c : t.candidates) cand += (cand.empty() ? "" : ", ") + c;
      for (const auto& c : t.awarded) award += (award.empty() ? "" : ", ") + c;
      tv.text = cand + " tie for " + unitsText(t.units) + "; it went to " + award + ".";
      if (s->status() == SessionStatus::ended) {
        for (const auto& c : t.candidates) {
          if (std::find(t.awarded.begin(), t.awarded.end(), c) != t.awarded.end()) continue;
          tv.choices.push_back({c, "Give unit to " + c, false});
        }
      }
      v.ties.push_back(std::move(tv));
    }
  } else {
    v.totals = "Units cannot be computed: " + units.error();
  }
  for (const auto& f : sum.flags) v.warnings.push_back(f.message);
  if (s->status() == SessionStatus::signed_) {
    if (const auto up = latestUpload(h.id); up && up->state == platform::OutboxState::rejected)
      v.warnings.insert(v.warnings.begin(), "The billing server rejected revision " +
                                                std::to_string(up->revision) + ": " + up->lastError +
                                                ". Tap Correct, fix it, and sign again.");
  }
  for (int i = 0; i < static_cast<int>(sum.segments.size()); ++i) {
    const auto& seg = sum.segments[static_cast<std::size_t>(i)];
    v.segments.push_back({i, seg.code,
                          timeOfDay(seg.start, m_zone, false) + "–" + timeOfDay(seg.end, m_zone, false),
                          minutesText(seg.duration()),
                          seg.performer == Performer::assistant ? "assistant" : "therapist", seg.edited});
  }
  v.canEdit = s->status() == SessionStatus::ended;
  v.canSign = s->status() == SessionStatus::ended;
  v.canCorrect = s->status() == SessionStatus::signed_ || s->status() == SessionStatus::synced;
  v.canVoid = v.canSign || v.canCorrect;
  if (m_panel != Panel::kNone && (m_panel == Panel::kVoid ? v.canVoid : v.canCorrect)) {
    v.panel = m_panel == Panel::kVoid ? ReviewView::Panel::kVoid : ReviewView::Panel::kCorrect;
    const auto& reasons = m_panel == Panel::kVoid ? kVoidReasons : kCorrectionReasons;
    for (const char* r : reasons) v.correctionReasons.push_back({r, r, m_correctionReason == r});
    v.canConfirm = !m_correctionReason.empty();
  }
  if (m_editIndex >= 0 && m_editIndex < static_cast<int>(sum.segments.size())) {
    v.edit.index = m_editIndex;
    v.edit.code = sum.segments[static_cast<std::size_t>(m_editIndex)].code;
    v.edit.start = timeOfDay(m_editStart, m_zone, false);
    v.edit.end = timeOfDay(m_editEnd, m_zone, false);
    for (const char* r : {"Started late", "Forgot to stop", "Tapped wrong activity", "Other correction"})
      v.edit.reasons.push_back({r, r, m_editReason == r});
    v.edit.canSave = !m_editReason.empty();
  }
  v.message = m_error.empty() ? m_message : m_error;
  return v;
}

SupervisorView Controller::supervisorView() const {
  SupervisorView v;
  const auto now = m_clock.now();
  v.day = dateText(now.wall, m_zone);
  struct Agg {
    int sessions = 0;
    long long timed = 0, treatment = 0;
    int units = 0, flags = 0;
  };
  std::map<std::string, Agg> byClinician;
  for (const auto& row : todaysRows()) {
    const auto* s = session(row.header.id);
    std::optional<core::Session> loaded;
    if (s == nullptr) {
      auto stored = m_store.loadSession(row.header.id);
      if (!stored) continue;
      auto r = core::Session::restore(stored.value().row.header, stored.value().events);
      if (!r) continue;
      loaded = std::move(r.value());
      s = &*loaded;
    }
    const auto sum = s->derive(now);
    auto& a = byClinician[s->header().renderingClinicianId];
    ++a.sessions;
    auto units = unitsFor(*s);
    if (units) {
      a.timed += units.value().totalTimed.count();
      a.treatment += units.value().totalTreatment.count();
      a.units += units.value().totalUnits;
      a.flags += static_cast<int>(units.value().warnings.size());
    }
    a.flags += static_cast<int>(sum.flags.size());
    SessionRowView r;
    r.sessionId = row.header.id;
    r.initials = row.header.patient.initials + " · " + clinicianName(row.header.renderingClinicianId);
    r.status = statusFor(*s, sum.running.has_value());
    r.minutes = minutesText(sum.timedTime) + " timed";
    r.units = units ? unitsText(units.value().totalUnits) : "–";
    if (auto outbox = m_store.outbox(row.header.id); outbox) {
      for (const auto& e : outbox.value()) {
        if (e.state != platform::OutboxState::rejected) continue;
        r.status = "Rejected by the server";
        v.problems.push_back(r.initials + ": rejected by the server – " + e.lastError);
      }
    }
    if (s->status() == SessionStatus::ended) v.problems.push_back(r.initials + ": ended, not signed yet");
    v.sessions.push_back(std::move(r));
  }
  for (const auto& [id, a] : byClinician) {
    ClinicianDayView c;
    c.clinician = clinicianName(id);
    c.sessions = std::to_string(a.sessions);
    c.minutes = std::to_string(a.timed) + " / " + std::to_string(a.treatment);
    c.units = std::to_string(a.units);
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f",
                  a.treatment > 0 ? a.units * 60.0 / static_cast<double>(a.treatment) : 0.0);
    c.unitsPerHour = buf;
    c.flags = a.flags == 0 ? "none" : std::to_string(a.flags);
    v.clinicians.push_back(std::move(c));
  }
  if (m_options.sync != nullptr) {
    v.sync = m_options.sync->statusLine();
    if (auto day = m_options.sync->daySummary()) {
      v.clinicWideTitle =
          "Clinic-wide (server) · " + std::to_string(day->sessions) + " sessions · " + unitsText(day->units);
      for (const auto& c : day->clinicians) {
        char buf[32];
        std::snprintf(buf, sizeof buf, "%.1f", c.unitsPerHour);
        v.clinicWide.push_back({c.name, std::to_string(c.sessions),
                                std::to_string(c.timedMinutes) + " / " + std::to_string(c.treatmentMinutes),
                                std::to_string(c.units), buf,
                                c.flags == 0 ? "none" : std::to_string(c.flags)});
      }
      for (const auto& r : day->rejected) v.problems.push_back("Server: rejected – " + r);
      if (day->unsignedSessions > 0)
        v.problems.push_back("Server: " + std::to_string(day->unsignedSessions) +
                             " unsigned session(s) clinic-wide");
    }
  }
  return v;
}

EventsView Controller::eventsView() const {
  EventsView v;
  auto stored = m_store.loadSession(m_eventsFor);
  if (!stored) {
    v.title = "Session not found";
    return v;
  }
  v.title = "Events · " + stored.value().row.header.patient.initials;
  // What the supervisor should look at: the engine's warnings and the session's review flags.
  if (auto restored = core::Session::restore(stored.value().row.header, stored.value().events)) {
    if (auto units = unitsFor(restored.value())) {
      for (const auto& w : units.value().warnings) v.flags.push_back(w.message);
    }
    for (const auto& f : restored.value().derive(m_clock.now()).flags) v.flags.push_back(f.message);
  }
  for (const auto& e : stored.value().events) {
    std::string line = timeOfDay(e.wall, m_zone, true) + "  " + std::string(core::toString(e.type));
    if (!e.code.empty()) line += " " + e.code;
    if (e.performer) line += " (" + std::string(core::toString(*e.performer)) + ")";
    if (e.pauseReason) line += " " + std::string(core::toString(*e.pauseReason));
    if (e.minutes) line += " " + std::to_string(e.minutes->count()) + " min";
    for (const auto& c : e.codes) line += " " + c;
    if (e.newStart && e.newEnd)
      line += " to " + timeOfDay(*e.newStart, m_zone, false) + "–" + timeOfDay(*e.newEnd, m_zone, false);
    if (!e.reason.empty()) line += " – " + e.reason;
    if (!e.clinicianId.empty()) line += " – " + clinicianName(e.clinicianId);
    v.events.push_back(std::move(line));
  }
  return v;
}

SettingsView Controller::settingsView() const {
  SettingsView v;
  v.clinic = m_settings.clinicName;
  v.room = m_settings.room;
  v.autoLockMinutes = m_settings.autoLockMinutes;
  v.showSeconds = m_settings.showSeconds;
  v.showNextUnit = m_settings.showNextUnit;
  for (const char* size : {"small", "normal", "large"}) {
    std::string label = size;
    label[0] = static_cast<char>(std::toupper(label[0]));
    v.textSizes.push_back({size, label, m_settings.textSize == size});
  }
  v.kioskMode = m_settings.kioskMode;
  v.serverUrl = m_settings.serverUrl;
  v.enrollCode = m_enrollCode;
  v.focus = m_focus;
  for (const auto& c : m_roster) v.roster.push_back({c.id, c.displayName, roleLabel(c.role), {}, false});
  const auto* me = findClinician(m_clinicianId);
  v.canAdminister = me != nullptr && isAdmin(me->role);
  // Being edited: what is typed so far. An enrolled device takes the clinic name from the server.
  v.clinicFromServer = m_options.sync != nullptr && m_options.sync->configured();
  v.clinicEdit = m_clinicEdit;
  v.roomEdit = m_roomEdit;
  v.canSaveClinicRoom = v.canAdminister && !trim(m_roomEdit).empty() && !trim(m_clinicEdit).empty() &&
                        (trim(m_roomEdit) != m_settings.room ||
                         (!v.clinicFromServer && trim(m_clinicEdit) != m_settings.clinicName));
  v.message = m_error.empty() ? m_message : m_error;
  return v;
}

AddClinicianView Controller::addClinicianView() const {
  AddClinicianView v;
  v.name = m_name;
  for (const char* r : {"OT", "OTA", "PT", "PTA", "SLP", "supervisor", "admin"})
    v.roles.push_back({r, roleLabel(r), m_role == r});
  v.pinDigits = static_cast<int>(m_pin.size());
  v.focus = m_focus;
  v.error = m_error;
  v.canSave = !m_name.empty() && m_pin.size() >= 4;
  return v;
}

// [SECTION] Intents

void Controller::applyAll(const Intents& intents) {
  for (const auto& i : intents) apply(i);
}

void Controller::typeText(const std::string& text) {
  for (const char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    const bool digit = std::isdigit(c) != 0;
    switch (m_screen == Screen::kPin ? Field::kPin : m_focus) {
      case Field::kPin:
        if (digit && m_pin.size() < 8) m_pin += ch;
        break;
      case Field::kPinConfirm:
        if (digit && m_pinConfirm.size() < 8) m_pinConfirm += ch;
        break;
      case Field::kName:
        if ((std::isalpha(c) != 0 || ch == ' ' || ch == '-' || ch == '.' || ch == '\'') && m_name.size() < 40)
          m_name += ch;
        break;
      case Field::kMrn:
        if (std::isalnum(c) != 0 && m_mrn.size() < 32) m_mrn += static_cast<char>(std::toupper(c));
        break;
      case Field::kInitials:
        if (std::isalpha(c) != 0 && m_initials.size() < 4) m_initials += static_cast<char>(std::toupper(c));
        break;
      case Field::kServerUrl:
        if (std::isprint(c) != 0 && ch != ' ') m_settings.serverUrl += static_cast<char>(std::tolower(c));
        break;
      case Field::kEnrollCode:
        if ((std::isalnum(c) != 0 || ch == '-') && m_enrollCode.size() < 32)
          m_enrollCode += static_cast<char>(std::toupper(c));
        break;
      case Field::kClinic:
      case Field::kRoom: {
        // The on-screen keys are capitals: a word starts with one and continues in lower case.
        std::string& t = m_focus == Field::kClinic ? m_clinicEdit : m_roomEdit;
        if ((std::isprint(c) == 0 && c < 0x80) || t.size() >= (m_focus == Field::kClinic ? 60u : 40u)) break;
        const bool wordStart = t.empty() || t.back() == ' ';
        t += std::isupper(c) != 0 && !wordStart ? static_cast<char>(std::tolower(c)) : ch;
        break;
      }
      default:
        break;
    }
  }
}

void Controller::deleteChar() {
  auto pop = [](std::string& s) {
    if (!s.empty()) s.pop_back();
  };
  switch (m_screen == Screen::kPin ? Field::kPin : m_focus) {
    case Field::kPin:
      pop(m_pin);
      break;
    case Field::kPinConfirm:
      pop(m_pinConfirm);
      break;
    case Field::kName:
      pop(m_name);
      break;
    case Field::kMrn:
      pop(m_mrn);
      break;
    case Field::kInitials:
      pop(m_initials);
      break;
    case Field::kServerUrl:
      pop(m_settings.serverUrl);
      break;
    case Field::kEnrollCode:
      pop(m_enrollCode);
      break;
    case Field::kClinic:
    case Field::kRoom: {
      // Whole UTF-8 characters ("Room 2 · Kiosk"): drop continuation bytes with their lead byte.
      std::string& t = m_focus == Field::kClinic ? m_clinicEdit : m_roomEdit;
      while (!t.empty() && (static_cast<unsigned char>(t.back()) & 0xC0) == 0x80) t.pop_back();
      pop(t);
      break;
    }
    default:
      break;
  }
}

void Controller::submitSetup() {
  if (m_name.empty()) {
    m_error = "Enter the administrator's name.";
    return;
  }
  if (m_pin.size() < 4) {
    m_error = "The PIN needs 4 to 8 digits.";
    return;
  }
  if (m_pin != m_pinConfirm) {
    m_error = "The two PINs differ. Enter them again.";
    m_pin.clear();
    m_pinConfirm.clear();
    m_focus = Field::kPin;
    return;
  }
  auto hash = platform::hashPin(m_pin, m_options.pinLimits);
  if (!hash) {
    m_error = "Could not protect the PIN (out of memory?). Try again.";
    return;
  }
  platform::Clinician admin{"admin-1", m_name, "admin", *hash, true};
  if (auto r = m_store.upsertClinician(admin); !r) {
    m_error = "Could not save: " + r.error().message;
    return;
  }
  (void)m_store.appendAudit(
      {0, m_clock.wallNow(), admin.id, "clinician_added", "", "role admin (first start)", {}});
  reloadRoster();
  m_pin.clear();
  m_pinConfirm.clear();
  m_name.clear();
  m_clinicianId = admin.id;
  noteInput();
  go(Screen::kSettings);
  m_message = "Administrator created. Add the clinicians who use this device.";
}

void Controller::submitPin() {
  const auto* c = findClinician(m_pinFor);
  if (c == nullptr) {
    m_error = "Unknown clinician.";
    return;
  }
  const auto now = m_clock.wallNow();
  const long long nowMs = now.time_since_epoch().count();
  const std::string key = kPinLockPrefix + c->id;
  PinLock l = parsePinLock(settingOr(m_store, key, ""));
  if (l.lockedUntilMs > nowMs) {
    m_pin.clear();
    m_error = "Too many wrong PINs. Try again in " +
              std::to_string((l.lockedUntilMs - nowMs + 59999) / 60000) + " min, or ask an administrator.";
    return;
  }
  const bool ok = platform::verifyPin(m_pin, c->pinHash);
  m_pin.clear();
  if (!ok) {
    ++l.failures;
    std::string text = "Wrong PIN.";
    if (l.failures % m_options.maxPinFailures == 0) {
      // Each lock-out doubles: 1, 2, 4, ... minutes, up to maxLockout.
      const int round = l.failures / m_options.maxPinFailures;
      auto delay = m_options.firstLockout * (1LL << std::min(round - 1, 12));
      delay = std::min<std::chrono::minutes>(delay, m_options.maxLockout);
      l.lockedUntilMs = nowMs + std::chrono::duration_cast<std::chrono::milliseconds>(delay).count();
      text = "Too many wrong PINs. " + c->displayName + " is locked out for " +
             std::to_string(delay.count()) + " min.";
    } else {
      text += " " + std::to_string(m_options.maxPinFailures - l.failures % m_options.maxPinFailures) +
              " tries left before a lock-out.";
    }
    (void)m_store.setSetting(key, std::to_string(l.failures) + ";" + std::to_string(l.lockedUntilMs), c->id,
                             now);
    (void)m_store.appendAudit({0, now, c->id, "login_failed", "", "wrong PIN", {}});
    m_error = text;
    return;
  }
  if (l.failures != 0 || l.lockedUntilMs != 0) (void)m_store.setSetting(key, "0;0", c->id, now);
  if (m_pinPurpose == PinPurpose::kSign || m_pinPurpose == PinPurpose::kVoid) {
    finishSignOrVoid(*c);
    return;
  }
  m_clinicianId = c->id;
  (void)m_store.appendAudit({0, now, c->id, "login", "", "", {}});
  noteInput();
  m_message.clear();
  if (!m_afterLogin.empty() && m_sessions.count(m_afterLogin) != 0) {
    m_sessionId = m_afterLogin;
    m_afterLogin.clear();
    go(current()->status() == SessionStatus::open ? Screen::kSession : Screen::kReview);
  } else {
    go(Screen::kHome);
  }
}

void Controller::finishSignOrVoid(const platform::Clinician& c) {
  refreshFromStore();  // the sync worker may have marked it synced meanwhile: the next sequence must match
  auto* s = current();
  if (s == nullptr) return;
  const bool voiding = m_pinPurpose == PinPurpose::kVoid;
  const auto event =
      voiding ? core::withReason(core::EventType::session_voided, 0, m_clock.now(), c.id, m_correctionReason)
              : core::makeEvent(core::EventType::session_signed, 0, m_clock.now(), c.id);
  const std::string reason = m_correctionReason;
  auto r = record(*s, event);
  go(Screen::kReview);
  if (!r) {
    m_error = r.error();
    if (voiding) {
      m_panel = Panel::kVoid;
      m_correctionReason = reason;
    }
    return;
  }
  go(Screen::kHome);
  m_message.clear();
  m_lastSigned = s->header().id;
  if (m_options.sync != nullptr) m_options.sync->nudge();
}

void Controller::startSession() {
  if (m_mrn.empty() || m_initials.empty()) {
    m_error = "Enter the patient's MRN and initials.";
    return;
  }
  const auto bytes = platform::randomBytes(16);
  if (bytes.size() != 16) {
    m_error = "No random numbers available for a session id.";
    return;
  }
  core::UuidBytes ub{};
  std::copy(bytes.begin(), bytes.end(), ub.begin());
  core::SessionHeader h;
  h.id = core::uuidV4(ub);
  h.clinicId = settingOr(m_store, "clinic_id", "local");
  h.deviceId = settingOr(m_store, "device_id", "device");
  h.patient = {m_mrn, m_initials};
  h.payerProfile = m_payer;
  h.discipline = m_discipline;
  h.telehealth = m_telehealth;
  h.placeOfService = m_telehealth ? "10" : "11";  // 10: telehealth in the patient's home; 11: office
  h.diagnoses = m_diagnoses;
  h.renderingClinicianId = m_clinicianId;
  auto s = core::Session::create(h, m_clock.now(), m_clinicianId);
  if (!s) {
    m_error = s.error().message;
    return;
  }
  if (auto r = m_store.createSession(h, s.value().events().front()); !r) {
    m_error = "Could not save: " + r.error().message;
    return;
  }
  m_sessions.emplace(h.id, std::move(s.value()));
  m_sessionId = h.id;
  m_performer = Performer::therapist;
  go(Screen::kSession);
}

void Controller::saveClinician() {
  if (m_name.empty() || m_pin.size() < 4) {
    m_error = "Enter a name and a PIN of 4 to 8 digits.";
    return;
  }
  auto hash = platform::hashPin(m_pin, m_options.pinLimits);
  if (!hash) {
    m_error = "Could not protect the PIN. Try again.";
    return;
  }
  const std::string id = "c-" + platform::randomHex(6);
  platform::Clinician c{id, m_name, m_role, *hash, true};
  if (auto r = m_store.upsertClinician(c); !r) {
    m_error = "Could not save: " + r.error().message;
    return;
  }
  (void)m_store.appendAudit(
      {0, m_clock.wallNow(), m_clinicianId, "clinician_added", "", "role " + m_role, {}});
  reloadRoster();
  m_message = m_name + " added.";
  m_name.clear();
  m_pin.clear();
  go(Screen::kSettings);
}

void Controller::apply(const Intent& tapped) {
  // Nothing that changes a session happens without a logged-in clinician (e.g. a tap that lands just as
  // the screen auto-locks); what each intent needs is in access.cpp.
  const auto* who = findClinician(m_clinicianId);
  const Caller caller{!m_clinicianId.empty(), who != nullptr ? core::parseRole(who->role) : std::nullopt};
  if (const Access need = accessFor(tapped); !permits(need, caller)) {
    if (need == Access::kAdministrator && caller.loggedIn) m_error = "Only an administrator can do that.";
    return;
  }
  auto* s = current();
  auto event = [&](core::Event e) {
    if (s == nullptr) return;
    auto r = record(*s, std::move(e));
    m_error = r ? std::string() : r.error();
  };
  const auto now = m_clock.now();
  std::visit(
      Overloaded{
          [&](const intent::Focus& in) {
            const auto f = in.field;
            if (f == Field::kClinic || f == Field::kRoom) {
              // An enrolled device takes the clinic name from the server.
              const bool fromServer = m_options.sync != nullptr && m_options.sync->configured();
              if (f == Field::kClinic && fromServer) return;
            }
            m_focus = f;
          },
          [&](const intent::KeyText& in) { typeText(in.text); },
          [&](const intent::KeyDelete&) { deleteChar(); },
          [&](const intent::PinDigit& in) { typeText(in.digit); },
          [&](const intent::PinDelete&) { deleteChar(); },
          [&](const intent::PinSubmit&) { submitPin(); },
          [&](const intent::Back&) {
            switch (m_screen) {
              case Screen::kPin:
                m_pin.clear();
                if (m_pinPurpose == PinPurpose::kSign) {
                  go(Screen::kReview);
                } else if (m_pinPurpose == PinPurpose::kVoid) {
                  const std::string reason = m_correctionReason;
                  go(Screen::kReview);
                  m_panel = Panel::kVoid;  // back to the void panel, reason kept
                  m_correctionReason = reason;
                } else {
                  lock("");
                }
                return;
              case Screen::kReview:
                go(s != nullptr && s->status() == SessionStatus::open ? Screen::kSession : Screen::kHome);
                return;
              case Screen::kEvents:
                go(Screen::kSupervisor);
                return;
              case Screen::kAddClinician:
                go(Screen::kSettings);
                return;
              case Screen::kSettings:
                go(m_clinicianId.empty() ? Screen::kLock : Screen::kHome);
                return;
              default:
                go(Screen::kHome);
                return;
            }
          },
          [&](const intent::SetupSubmit&) { submitSetup(); },
          [&](const intent::ChooseClinician& in) {
            m_pinPurpose = PinPurpose::kLogin;
            m_pinFor = in.clinicianId;
            m_afterLogin.clear();
            m_pin.clear();
            go(Screen::kPin);
          },
          [&](const intent::OpenCard& in) {
            if (const auto* target = session(in.sessionId)) {
              m_pinPurpose = PinPurpose::kLogin;
              m_pinFor = target->header().renderingClinicianId;
              m_afterLogin = in.sessionId;
              m_pin.clear();
              go(Screen::kPin);
            }
          },
          [&](const intent::Lock&) { lock(""); },
          [&](const intent::NewSession&) {
            m_mrn.clear();
            m_initials.clear();
            m_diagnoses.clear();
            m_telehealth = false;
            m_payer = "medicare";
            if (const auto* me = findClinician(m_clinicianId)) m_discipline = disciplineForRole(me->role);
            m_message.clear();
            go(Screen::kNewSession);
            m_focus = Field::kMrn;
          },
          [&](const intent::OpenSession& in) {
            refreshFromStore();
            if (const auto* target = session(in.sessionId)) {
              m_sessionId = in.sessionId;
              m_message.clear();
              go(target->status() == SessionStatus::open ? Screen::kSession : Screen::kReview);
            }
          },
          [&](const intent::GoSupervisor&) {
            go(Screen::kSupervisor);
            if (m_options.sync != nullptr) {
              if (auto date = platform::localDate(m_clock.wallNow(), m_zone))
                m_options.sync->requestDaySummary(platform::formatIsoDate(date.value()));
            }
          },
          [&](const intent::GoSettings&) {
            m_message.clear();
            go(Screen::kSettings);
          },
          [&](const intent::PickSchedule& in) {
            const auto schedule = settingOr(m_store, "schedule", "");
            int n = 0;
            std::size_t pos = 0;
            while (pos < schedule.size()) {
              const auto end = schedule.find(';', pos);
              const auto item =
                  schedule.substr(pos, end == std::string::npos ? std::string::npos : end - pos);
              if (std::to_string(n) == in.entryId) {
                std::vector<std::string> f;
                std::size_t p = 0;
                while (true) {
                  const auto bar = item.find('|', p);
                  f.push_back(item.substr(p, bar == std::string::npos ? std::string::npos : bar - p));
                  if (bar == std::string::npos) return;
                  p = bar + 1;
                }
                if (f.size() == 5) {
                  m_mrn = f[1];
                  m_initials = f[2];
                  m_payer = f[3];
                  m_discipline = core::parseDiscipline(f[4]).value_or(m_discipline);
                }
              }
              ++n;
              if (end == std::string::npos) return;
              pos = end + 1;
            }
            m_focus = Field::kNone;
          },
          [&](const intent::SelectPayer& in) { m_payer = in.payer; },
          [&](const intent::SelectDiscipline& in) {
            m_discipline = core::parseDiscipline(in.discipline).value_or(m_discipline);
          },
          [&](const intent::ToggleDiagnosis& in) {
            auto it = std::find(m_diagnoses.begin(), m_diagnoses.end(), in.code);
            if (it != m_diagnoses.end())
              m_diagnoses.erase(it);
            else if (m_diagnoses.size() < static_cast<std::size_t>(core::Session::kMaxDiagnoses))
              m_diagnoses.push_back(in.code);
            else
              m_error = "Up to 4 diagnoses.";
          },
          [&](const intent::ToggleTelehealth&) { m_telehealth = !m_telehealth; },
          [&](const intent::StartSession&) { startSession(); },
          [&](const intent::StartActivity& in) {
            if (s == nullptr) return;
            const auto sum = s->derive(now);
            if (sum.running && sum.running->code == in.code)
              return;  // already running: a second tap changes nothing
            const auto performer = sum.running ? sum.running->performer : m_performer;
            event(core::activityStarted(0, now, m_clinicianId, in.code, performer));
            m_pauseOpen = false;
          },
          [&](const intent::StopActivity&) {
            event(core::makeEvent(core::EventType::activity_stopped, 0, now, m_clinicianId));
            m_pauseOpen = false;
          },
          [&](const intent::TogglePauseReasons&) { m_pauseOpen = !m_pauseOpen; },
          [&](const intent::Pause& in) {
            event(core::paused(0, now, m_clinicianId,
                               core::parsePauseReason(in.reason).value_or(core::PauseReason::other)));
            m_pauseOpen = false;
          },
          [&](const intent::Resume&) {
            event(core::makeEvent(core::EventType::resumed, 0, now, m_clinicianId));
          },
          [&](const intent::SetPerformer& in) {
            const auto p = in.performer;
            m_performer = p;
            if (s != nullptr) {
              const auto sum = s->derive(now);
              if (sum.running && sum.running->performer != p)
                event(core::performerSwitched(0, now, m_clinicianId, p));
            }
          },
          [&](const intent::ToggleUntimed&) { m_untimedOpen = !m_untimedOpen; },
          [&](const intent::AdjustUntimedMinutes& in) {
            m_untimedMinutes = std::clamp(m_untimedMinutes + static_cast<int>(in.delta.count()), 0, 240);
          },
          [&](const intent::AddUntimed& in) {
            event(core::untimedAdded(
                0, now, m_clinicianId, in.code, std::chrono::minutes(m_untimedMinutes),
                m_performer == Performer::assistant ? std::chrono::minutes(m_untimedMinutes) : 0min));
            if (m_error.empty()) m_untimedOpen = false;
          },
          [&](const intent::EndSession&) {
            if (s != nullptr && s->status() == SessionStatus::open) {
              event(core::makeEvent(core::EventType::session_ended, 0, now, m_clinicianId));
              if (!m_error.empty()) return;
            }
            go(Screen::kReview);
          },
          [&](const intent::GoHome&) { go(Screen::kHome); },
          [&](const intent::StartEdit& in) {
            if (s == nullptr) return;
            const auto sum = s->derive();
            if (in.segment < 0 || in.segment >= static_cast<int>(sum.segments.size())) {
              m_editIndex = -1;
              return;
            }
            m_editIndex = in.segment;
            m_editStart = sum.segments[static_cast<std::size_t>(in.segment)].start;
            m_editEnd = sum.segments[static_cast<std::size_t>(in.segment)].end;
            m_editReason.clear();
            m_error.clear();
          },
          [&](const intent::AdjustEdit& in) {
            (in.end == intent::SegmentEnd::kStart ? m_editStart : m_editEnd) += in.delta;
          },
          [&](const intent::CancelEdit&) { m_editIndex = -1; },
          [&](const intent::EditReason& in) { m_editReason = in.reason; },
          [&](const intent::SaveEdit&) {
            if (s == nullptr || m_editIndex < 0) return;
            const auto sum = s->derive();
            if (m_editIndex >= static_cast<int>(sum.segments.size())) {
              m_editIndex = -1;
              return;
            }
            const auto& seg = sum.segments[static_cast<std::size_t>(m_editIndex)];
            event(core::segmentEdited(0, now, m_clinicianId, m_editIndex, seg.start, seg.end, m_editStart,
                                      m_editEnd, m_editReason));
            if (m_error.empty()) {
              m_editIndex = -1;
              m_message = "Segment edited; the reason is kept with the session.";
            }
          },
          [&](const intent::PreferTie& in) {
            event(core::withCodes(core::EventType::tie_preference_set, 0, now, m_clinicianId, {in.code}));
          },
          [&](const intent::TogglePanel& in) {
            const Panel want = in.panel == ReviewView::Panel::kVoid      ? Panel::kVoid
                               : in.panel == ReviewView::Panel::kCorrect ? Panel::kCorrect
                                                                         : Panel::kNone;
            m_panel = want == m_panel ? Panel::kNone : want;  // tapping the same button again closes it
            m_correctionReason.clear();
            m_editIndex = -1;
            m_error.clear();
          },
          [&](const intent::CorrectionReason& in) { m_correctionReason = in.reason; },
          [&](const intent::Reopen&) {
            if (s == nullptr || m_panel != Panel::kCorrect) return;
            refreshFromStore();
            s = current();
            if (s == nullptr) return;
            auto r = record(*s, core::withReason(core::EventType::session_reopened, 0, m_clock.now(),
                                                 m_clinicianId, m_correctionReason));
            if (!r) {
              m_error = r.error();
              return;
            }
            m_panel = Panel::kNone;
            m_correctionReason.clear();
            m_lastSigned.clear();
            m_error.clear();
            m_message = "Revision " + std::to_string(s->revision()) +
                        ": edit the segments, then sign again. The signed revision stays on record.";
          },
          [&](const intent::Void&) {
            if (s == nullptr || m_panel != Panel::kVoid || m_correctionReason.empty()) return;
            m_pinPurpose = PinPurpose::kVoid;
            m_pinFor = m_clinicianId;
            m_pin.clear();
            m_screen = Screen::kPin;  // keeps the reason; go() would clear it
            m_error.clear();
          },
          [&](const intent::Sign&) {
            m_pinPurpose = PinPurpose::kSign;
            m_pinFor = m_clinicianId;
            m_pin.clear();
            go(Screen::kPin);
          },
          [&](const intent::ShowEvents& in) {
            m_eventsFor = in.sessionId;
            go(Screen::kEvents);
          },
          [&](const intent::AdjustAutoLock& in) {
            saveSetting("auto_lock_minutes",
                        std::to_string(std::clamp(
                            m_settings.autoLockMinutes + static_cast<int>(in.delta.count()), 1, 30)));
          },
          [&](const intent::ToggleSeconds&) {
            saveSetting("show_seconds", m_settings.showSeconds ? "0" : "1");
          },
          [&](const intent::ToggleNextUnit&) {
            saveSetting("show_next_unit", m_settings.showNextUnit ? "0" : "1");
          },
          [&](const intent::SetTextSize& in) { saveSetting("text_size", in.size); },
          [&](const intent::ToggleKiosk&) { saveSetting("kiosk_mode", m_settings.kioskMode ? "0" : "1"); },
          [&](const intent::Enroll&) {
            if (m_settings.serverUrl.empty() || m_enrollCode.empty()) {
              m_error = "Enter the server URL and the enrollment code from the server's administrator.";
            } else if (m_options.sync == nullptr) {
              m_error = "This device has no sync; it works fully offline.";
            } else {
              m_options.sync->beginEnroll(m_settings.serverUrl, m_enrollCode, m_settings.room);
              m_message = "Enrolling this device…";
              m_error.clear();
            }
          },
          [&](const intent::SaveClinicRoom&) {
            const std::string clinic = trim(m_clinicEdit);
            const std::string room = trim(m_roomEdit);
            if (clinic.empty() || room.empty()) {
              m_error = "The clinic name and the room cannot be empty.";
              return;
            }
            const bool fromServer = m_options.sync != nullptr && m_options.sync->configured();
            m_error.clear();
            if (!fromServer && clinic != m_settings.clinicName) saveSetting("clinic_name", clinic);
            if (m_error.empty() && room != m_settings.room) saveSetting("room", room);
            if (m_error.empty()) {
              m_message = "Saved: " + m_settings.clinicName + " · " + m_settings.room + ".";
              m_focus = Field::kNone;
              m_clinicEdit = m_settings.clinicName;
              m_roomEdit = m_settings.room;
            }
          },
          [&](const intent::AddClinician&) {
            m_name.clear();
            m_pin.clear();
            m_role = "OT";
            go(Screen::kAddClinician);
            m_focus = Field::kName;
          },
          [&](const intent::SelectRole& in) { m_role = in.role; },
          [&](const intent::SaveClinician&) { saveClinician(); },
      },
      tapped);
}

// [SECTION] Demo clinic

core::Result<void, std::string> Controller::seedDemo() {
  auto roster = m_store.roster();
  if (!roster) return core::fail(roster.error().message);
  if (!roster.value().empty()) return {};
  struct Person {
    const char* id;
    const char* name;
    const char* role;
    const char* pin;
  };
  const Person people[] = {
      {"c-dana", "Dana Ortiz", "OT", "1111"},       {"c-sam", "Sam Lee", "OTA", "2222"},
      {"c-priya", "Priya Shah", "PT", "3333"},      {"c-marco", "Marco Reyes", "PTA", "4444"},
      {"c-alex", "Alex Kim", "SLP", "5555"},        {"c-jordan", "Jordan Blake", "supervisor", "9999"},
      {"admin-1", "Clinic Admin", "admin", "0000"},
  };
  for (const auto& p : people) {
    auto hash = platform::hashPin(p.pin, m_options.pinLimits);
    if (!hash) return core::fail(std::string("cannot hash a demo PIN"));
    if (auto r = m_store.upsertClinician({p.id, p.name, p.role, *hash, true}); !r)
      return core::fail(r.error().message);
  }
  const auto now = m_clock.wallNow();
  const std::pair<const char*, const char*> settings[] = {
      {"clinic_name", "Riverside Therapy (demo)"},
      {"room", "Room 2 · Kiosk"},
      {"clinic_id", "demo-clinic"},
      {"device_id", "demo-kiosk-1"},
      {"favourites.ot", "97530,97110,97535,97112,97140,97129"},
      {"favourites.pt", "97110,97112,97116,97140,97530,97535"},
      {"favourites.slp", "97129,97130,97530"},
      {"schedule",
       "08:30|MRN1001|JD|medicare|ot;09:15|MRN1002|AB|commercial|pt;10:00|MRN1003|KW|medicare|slp;"
       "10:45|MRN1004|RM|medicare|pt;13:30|MRN1005|TS|commercial|ot"},
  };
  for (const auto& [k, v] : settings)
    if (auto r = m_store.setSetting(k, v, "admin-1", now); !r) return core::fail(r.error().message);
  return {};
}

}  // namespace unitclock::app
