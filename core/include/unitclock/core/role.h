// A clinician's role, and what it allows. One place for the role names that the device roster, the
// server's configuration and the store carry ("OT" typed on a device, "ot" from the server).
#pragma once

#include <optional>
#include <string_view>

#include <unitclock/core/types.h>

namespace unitclock::core {

enum class Role { ot, ota, pt, pta, slp, supervisor, admin };

// Any case: "OT", "ot", "Supervisor", "admin". nullopt for anything else.
std::optional<Role> parseRole(std::string_view text) noexcept;

// Lower-case names as the server sends them: "ot" "ota" "pt" "pta" "slp" "supervisor" "admin".
std::string_view toString(Role role) noexcept;

// Supervisors and administrators see the day of every clinician on the device.
bool canSupervise(Role role) noexcept;
// Administrators change the roster, the clinic and room, and enroll the device.
bool canAdminister(Role role) noexcept;

// The discipline a clinician of this role usually treats under (supervisors and administrators: OT).
Discipline usualDiscipline(Role role) noexcept;

// Whether a clinician of this role may start a session of this discipline: therapists and assistants only
// their own (an OT cannot bill PT minutes); supervisors and administrators any, which is how a session
// under another discipline is started when a clinic needs one.
bool mayStartDiscipline(Role role, Discipline discipline) noexcept;

}  // namespace unitclock::core
