#include "context.h"

#include <algorithm>
#include <cctype>

#include <nlohmann/json.hpp>

#include <unitclock/core/day.h>
#include <unitclock/core/payer.h>
#include <unitclock/platform/device_store_outbox.h>
#include <unitclock/platform/time_zone.h>

#include "format.h"
#include "journal.h"

namespace unitclock::app {

using core::SessionStatus;

float emForTextSize(const std::string& textSize) {
  if (textSize == "small") return 22.0f;
  if (textSize == "large") return 31.0f;
  return 26.0f;
}

std::string settingOr(platform::DeviceStore& store, const std::string& key, const std::string& fallback) {
  auto v = store.setting(key);
  if (v && v.value()) return *v.value();
  return fallback;
}

KioskContext::KioskContext(platform::DeviceStore& s, const core::Clock& c, ControllerOptions o)
    : store(s), clock(c), options(std::move(o)), pins(s, options.lockout), book(s) {
  lastInput = clock.monotonicNow();
}

// [SECTION] Settings and roster

wire::Favourites builtInActivityFavourites() {
  return {{core::Discipline::ot, {"97110", "97112", "97140", "97530", "97535", "97129"}},
          {core::Discipline::pt, {"97110", "97112", "97116", "97140", "97530", "97535"}},
          {core::Discipline::slp, {"92507", "92526", "97129", "97130", "92609"}}};
}

namespace {

// One discipline's favourites setting: a JSON list of codes, or the comma list an earlier version wrote
// ("97110,97530"), read as before so that a device updated in place keeps its tiles. nullopt: neither.
std::optional<std::vector<std::string>> parseActivityFavourites(const std::string& text) {
  std::vector<std::string> codes;
  const auto doc = nlohmann::json::parse(text, nullptr, false);
  if (doc.is_array()) {
    for (const auto& c : doc) {
      if (!c.is_string()) return std::nullopt;
      codes.push_back(c.get<std::string>());
    }
    return codes;
  }
  const auto codeOrComma = [](unsigned char c) { return std::isalnum(c) != 0 || c == ',' || c == ' '; };
  if (!std::all_of(text.begin(), text.end(), codeOrComma)) return std::nullopt;
  for (std::size_t pos = 0; pos <= text.size();) {
    const auto end = std::min(text.find(',', pos), text.size());
    auto code = text.substr(pos, end - pos);
    code.erase(0, code.find_first_not_of(' '));
    code.erase(code.find_last_not_of(' ') + 1);
    if (!code.empty()) codes.push_back(std::move(code));
    pos = end + 1;
  }
  return codes;
}

}  // namespace

void KioskContext::loadSettings() {
  auto z = store.clinicTimeZone();
  zone = z && platform::isKnownTimeZone(z.value()) ? z.value() : "UTC";
  settings.clinicName = settingOr(store, "clinic_name", settings.clinicName);
  settings.room = settingOr(store, "room", settings.room);
  settings.autoLockMinutes = std::clamp(std::atoi(settingOr(store, "auto_lock_minutes", "2").c_str()), 1, 30);
  settings.showSeconds = settingOr(store, "show_seconds", "1") == "1";
  settings.showNextUnit = settingOr(store, "show_next_unit", "1") == "1";
  settings.textSize = settingOr(store, "text_size", "normal");
  settings.kioskMode = settingOr(store, "kiosk_mode", "0") == "1";
  settings.lockedSessionTaps = settingOr(store, "locked_session_taps", "1") == "1";
  settings.serverUrl = settingOr(store, "server_url", "");
  settings.activityFavourites = builtInActivityFavourites();
  for (auto d : {core::Discipline::ot, core::Discipline::pt, core::Discipline::slp}) {
    const std::string key = "favourites." + std::string(core::toString(d));
    const auto text = settingOr(store, key, "");
    if (text.empty()) continue;
    if (auto codes = parseActivityFavourites(text); codes && !codes->empty())
      settings.activityFavourites[d] = std::move(*codes);
    else if (!codes)
      journal("the favourite activities in " + key +
              " cannot be read (a JSON list of codes is expected); the built-in list is shown");
  }
  settings.diagnosisFavourites.clear();
  if (const auto text = settingOr(store, "diagnosis_favourites", ""); !text.empty()) {
    const auto doc = nlohmann::json::parse(text, nullptr, false);
    bool readable = doc.is_array();
    if (readable) {
      for (const auto& d : doc) {
        if (!d.is_object() || !d.contains("code") || !d["code"].is_string() || !d.contains("label") ||
            !d["label"].is_string()) {
          readable = false;
          break;
        }
        settings.diagnosisFavourites.emplace_back(d["code"].get<std::string>(),
                                                  d["label"].get<std::string>());
      }
    }
    if (!readable) {
      settings.diagnosisFavourites.clear();
      journal(
          "the diagnosis favourites cannot be read (a JSON array of {\"code\", \"label\"} is expected); "
          "the built-in list is shown");
    }
  }
  settings.schedule.clear();
  if (const auto text = settingOr(store, "schedule", ""); !text.empty()) {
    auto schedule = wire::parseScheduleDocument(nlohmann::json::parse(text, nullptr, false));
    if (schedule)
      settings.schedule = std::move(schedule).value();
    else  // an earlier version's form, or damage: the next configuration from the server replaces it
      journal("today's schedule cannot be read (" + schedule.error().field + ": " + schedule.error().message +
              "); none shown until the server sends it again");
  }
  loadClinicConfig();

  // Favourites: the clinic's for a discipline it lists, else this device's (or the built-in list).
  favourites.clear();
  for (auto d : {core::Discipline::ot, core::Discipline::pt, core::Discipline::slp}) {
    std::vector<std::string> listed;
    if (auto it = m_clinicFavourites.find(d); it != m_clinicFavourites.end())
      listed = it->second;
    else if (auto own = settings.activityFavourites.find(d); own != settings.activityFavourites.end())
      listed = own->second;
    auto& codes = favourites[d];
    for (auto& code : listed)
      if (!code.empty() && rules.catalog.find(code) != nullptr) codes.push_back(std::move(code));
  }
}

// The clinic's rules and favourites, read again only when the sync worker saved a new configuration.
void KioskContext::loadClinicConfig() {
  const std::string text = settingOr(store, platform::DeviceStoreOutbox::kConfigSetting, "");
  if (text == m_configText) return;
  m_configText = text;
  if (text.empty()) {
    rules = wire::BillingRules{};
    m_clinicFavourites.clear();
    return;
  }
  // The outbox keeps only a configuration that parses; one that does not (written by an older version)
  // leaves the rules as they were, and the outbox refuses to upload until a new one arrives.
  auto config = wire::parseDeviceConfigBody(text);
  if (!config) {
    journal("the clinic's configuration cannot be read (" + config.error().field + ": " +
            config.error().message + "); billing with the rules read before");
    return;
  }
  rules = wire::rulesOf(config.value());
  m_clinicFavourites = std::move(config.value().favourites);
}

void KioskContext::reloadRoster() {
  auto r = store.roster();
  roster.clear();
  if (r) {
    for (auto& c : r.value())
      if (c.active) roster.push_back(std::move(c));
  }
}

void KioskContext::saveSetting(const std::string& key, const std::string& value) {
  auto r = store.setSetting(key, value, clinicianId, clock.wallNow());
  if (!r) error = "Could not save the setting: " + r.error().message;
  loadSettings();
}

// [SECTION] Sessions

core::WallTime KioskContext::dayStart() const {
  return startOfLocalDay(clock.wallNow(), zone);
}

core::Result<void, std::string> KioskContext::record(core::Session& s, core::Event event) {
  return book.record(s, std::move(event), clock.now());
}

core::Session* KioskContext::current() {
  return book.find(sessionId);
}

const core::Session* KioskContext::current() const {
  return session(sessionId);
}

const core::Session* KioskContext::session(const std::string& id) const {
  return book.find(id);
}

core::Result<core::UnitsResult, std::string> KioskContext::unitsFor(const core::Session& s) const {
  const auto summary = s.derive(clock.now(), rules.catalog);
  auto r = core::computeUnits(core::sessionInput(s.header(), summary, rules.catalog),
                              payerOf(s.header().payerProfile), rules.catalog);
  if (!r) return core::fail(r.error().message);
  return r.value();
}

std::string KioskContext::syncLine() const {
  std::string line = options.sync != nullptr ? options.sync->statusLine() : std::string();
  return line.empty() ? "Not connected to a billing server: signed sessions stay on this device" : line;
}

SessionFigures KioskContext::figuresFor(const core::Session& s) const {
  SessionFigures f;
  f.summary = s.derive(clock.now(), rules.catalog);
  auto r = core::computeUnits(core::sessionInput(s.header(), f.summary, rules.catalog),
                              payerOf(s.header().payerProfile), rules.catalog);
  if (!r) {
    // The engine could not count it (an unknown code from an old configuration): the recorded minutes,
    // and the reason where the units would be.
    f.error = r.error().message;
    f.timed = std::chrono::floor<std::chrono::minutes>(f.summary.timedTime);
    f.treatment = std::chrono::floor<std::chrono::minutes>(f.summary.treatmentTime);
    return f;
  }
  f.units = std::move(r.value());
  f.timed = f.units->totalTimed;
  f.treatment = f.units->totalTreatment;
  f.totalUnits = f.units->totalUnits;
  return f;
}

std::chrono::minutes SessionFigures::codeMinutes(const std::string& code) const {
  if (units) {
    for (const auto& c : units->codes)
      if (c.code == code) return c.total;
  }
  // Not counted by the engine (nothing recorded, or an add-on reported under its first code).
  std::chrono::milliseconds t{};
  for (const auto& c : summary.codes)
    if (c.code == code) t += c.total();
  return std::chrono::floor<std::chrono::minutes>(t);
}

std::string SessionFigures::timedText() const {
  return std::to_string(timed.count()) + " min timed";
}

std::string SessionFigures::unitsText() const {
  return units ? app::unitsText(totalUnits) : "units: error";
}

const core::PayerProfile& KioskContext::payerOf(const std::string& name) const {
  if (const auto* p = rules.findPayer(name)) return *p;
  if (const auto* p = rules.findPayer("medicare")) return *p;
  static const core::PayerProfile kMedicare = core::PayerProfile::medicare();
  return kMedicare;
}

std::string KioskContext::payerLabel(const std::string& name) const {
  const auto* p = rules.findPayer(name);
  return p != nullptr ? app::payerLabel(*p) : name;
}

std::string KioskContext::codeName(const std::string& code) const {
  return app::codeName(rules.catalog, code);
}

const platform::Clinician* KioskContext::findClinician(const std::string& id) const {
  for (const auto& c : roster)
    if (c.id == id) return &c;
  return nullptr;
}

std::string KioskContext::clinicianName(const std::string& id) const {
  const auto* c = findClinician(id);
  return c != nullptr ? c->displayName : (id.empty() ? "device" : id);
}

void KioskContext::refreshFromStore() {
  if (auto r = book.refresh(); !r) error = "Could not read the sessions again: " + r.error();
}

// [SECTION] Status texts

std::string KioskContext::statusFor(const core::Session& s, bool running) const {
  const auto st = s.status();
  if (st == SessionStatus::signed_ || st == SessionStatus::voided) {
    const auto up = latestUpload(s.header().id);
    if (up && up->state == platform::OutboxState::rejected) return "Rejected by the server";
    if (up && up->state == platform::OutboxState::pending && syncConfigured()) {
      const bool offline = options.sync->statusLine().find("offline") != std::string::npos;
      return statusLabel(st, false) + (offline ? " · waiting (offline)" : " · uploading");
    }
  }
  return statusLabel(st, running);
}

std::string KioskContext::afterSignMessage() const {
  const auto* s = session(lastSigned);
  if (s == nullptr) return {};
  const std::string who = s->header().patient.initials;
  const std::string rev = s->revision() > 1 ? " (revision " + std::to_string(s->revision()) + ")" : "";
  const auto up = latestUpload(s->header().id);
  const bool syncing = syncConfigured();
  const bool offline = syncing && options.sync->statusLine().find("offline") != std::string::npos;
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

std::string KioskContext::formatClock(std::chrono::milliseconds elapsed) const {
  return clockText(elapsed, settings.showSeconds);
}

SessionCardView KioskContext::cardFor(const core::Session& s) const {
  SessionCardView c;
  const auto figures = figuresFor(s);
  const auto& sum = figures.summary;
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
  c.elapsed = figures.timedText();  // the session's, as Home and Review count it
  return c;
}

}  // namespace unitclock::app
