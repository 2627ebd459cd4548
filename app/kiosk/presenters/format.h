#pragma once
// Text for views: times in the clinic's zone, minutes, units, and the labels of roles, payers,
// disciplines, pauses and statuses. Pure functions: no store, no clock reads.

#include <chrono>
#include <string>

#include <unitclock/core/catalog.h>
#include <unitclock/core/payer.h>
#include <unitclock/core/session.h>

namespace unitclock::app {

// Local time as the clinic sees it (<unitclock/platform/time_zone.h> in platform/time owns the zone rules).
core::WallTime startOfLocalDay(core::WallTime t, const std::string& zone);
std::string timeOfDay(core::WallTime t, const std::string& zone, bool seconds);  // "09:41" or "09:41:07"
std::string dateText(core::WallTime t, const std::string& zone);                 // "Thursday 26 November"

std::string trim(const std::string& s);
std::string minutesText(std::chrono::milliseconds d);  // "12 min"
std::string unitsText(int units);                      // "1 unit", "3 units"
// "12:04", "1:02:03", or "12 min" without seconds.
std::string clockText(std::chrono::milliseconds elapsed, bool seconds);

bool isAdmin(const std::string& role);
bool isSupervisor(const std::string& role);
std::string roleLabel(const std::string& role);  // "OT", "Supervisor", "Administrator"
core::Discipline disciplineForRole(const std::string& role);
std::string disciplineLabel(core::Discipline d);          // "OT" "PT" "SLP"
std::string payerLabel(const core::PayerProfile& payer);  // "Medicare Part B", else its name
std::string pauseLabel(core::PauseReason r);              // "Rest"
std::string eventLabel(core::EventType type);             // "Switched performer", never the wire name
std::string statusLabel(core::SessionStatus s, bool running);
std::string codeName(const core::Catalog& catalog, const std::string& code);  // its short name, else the code

}  // namespace unitclock::app
