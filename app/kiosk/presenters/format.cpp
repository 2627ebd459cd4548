#include "format.h"

#include <cctype>
#include <cstdio>

#include <unitclock/core/catalog.h>
#include <unitclock/core/payer.h>
#include <unitclock/core/role.h>
#include <unitclock/platform/time_zone.h>

namespace unitclock::app {

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

std::string minutesText(std::chrono::milliseconds d) {
  return std::to_string(std::chrono::duration_cast<std::chrono::minutes>(d).count()) + " min";
}

std::string unitsText(int units) {
  return std::to_string(units) + (units == 1 ? " unit" : " units");
}

std::string clockText(std::chrono::milliseconds elapsed, bool seconds) {
  const long long total = std::chrono::duration_cast<std::chrono::seconds>(elapsed).count();
  char buf[32];
  if (!seconds) {
    std::snprintf(buf, sizeof buf, "%lld min", total / 60);
  } else if (total >= 3600) {
    std::snprintf(buf, sizeof buf, "%lld:%02lld:%02lld", total / 3600, (total / 60) % 60, total % 60);
  } else {
    std::snprintf(buf, sizeof buf, "%lld:%02lld", total / 60, total % 60);
  }
  return buf;
}

// Roles arrive as "OT" from this device's roster screen and as "ot" from the server: core parses both.
bool isAdmin(const std::string& role) {
  const auto r = core::parseRole(role);
  return r && core::canAdminister(*r);
}

bool isSupervisor(const std::string& role) {
  const auto r = core::parseRole(role);
  return r && core::canSupervise(*r);
}

std::string roleLabel(const std::string& role) {
  const auto r = core::parseRole(role);
  std::string label = role;
  for (auto& c : label) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (!r) return label;
  if (*r == core::Role::admin) return "Administrator";
  if (*r == core::Role::supervisor) return "Supervisor";
  return label;
}

core::Discipline disciplineForRole(const std::string& role) {
  const auto r = core::parseRole(role);
  return r ? core::usualDiscipline(*r) : core::Discipline::ot;
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

std::string payerLabel(const core::PayerProfile& payer) {
  if (payer.displayName.empty()) return payer.name;
  const auto paren = payer.displayName.find(" (");
  return paren == std::string::npos ? payer.displayName : payer.displayName.substr(0, paren);
}

std::string eventLabel(core::EventType type) {
  switch (type) {  // no default: a new event type does not compile without its words
    case core::EventType::session_opened:
      return "Opened the session";
    case core::EventType::activity_started:
      return "Started";
    case core::EventType::activity_stopped:
      return "Stopped the activity";
    case core::EventType::paused:
      return "Paused";
    case core::EventType::resumed:
      return "Resumed";
    case core::EventType::performer_switched:
      return "Switched performer to";
    case core::EventType::untimed_added:
      return "Added untimed service";
    case core::EventType::diagnoses_set:
      return "Set diagnoses";
    case core::EventType::tie_preference_set:
      return "Gave the tied unit to";
    case core::EventType::session_ended:
      return "Ended the session";
    case core::EventType::segment_edited:
      return "Corrected the times of segment";
    case core::EventType::session_signed:
      return "Signed";
    case core::EventType::session_reopened:
      return "Reopened for correction";
    case core::EventType::session_voided:
      return "Voided";
    case core::EventType::session_synced:
      return "Accepted by the billing server";
    case core::EventType::clock_jump:
      return "The device's clock jumped";
    case core::EventType::app_restarted:
      return "The app restarted";
    case core::EventType::pause_reason_set:
      return "Gave the pause reason";
    case core::EventType::untimed_changed:
      return "Changed untimed service";
    case core::EventType::segment_recoded:
      return "Changed the activity of segment";
    case core::EventType::segment_deleted:
      return "Deleted segment";
    case core::EventType::segment_added:
      return "Added a missed segment";
    case core::EventType::segment_split:
      return "Split segment";
  }
  return "Event";
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
    case core::PauseReason::not_given:
      return "Reason not given yet";
    default:
      return "Other";
  }
}

std::string statusLabel(core::SessionStatus s, bool running) {
  switch (s) {
    case core::SessionStatus::open:
      return running ? "Running" : "Open";
    case core::SessionStatus::ended:
      return "Ended – review";
    case core::SessionStatus::signed_:
      return "Signed";
    case core::SessionStatus::synced:
      return "Synced";
    case core::SessionStatus::voided:
      return "Voided";
  }
  return "";
}

std::string codeName(const core::Catalog& catalog, const std::string& code) {
  if (const auto* info = catalog.find(code)) return info->shortName;
  return code;
}

}  // namespace unitclock::app
