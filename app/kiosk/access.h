#pragma once
// Who may do what on the kiosk: every intent names what it needs, in one table (`accessFor`), so the
// order of intents.h never decides authorization.

#include <optional>

#include <unitclock/core/role.h>

#include "intents.h"

namespace unitclock::app {

enum class Access {
  kAnyone,         // typing, the PIN pad, choosing who logs in, moving between screens
  kClinician,      // anything that changes a session, and its screens
  kSupervisor,     // the day of every clinician on the device
  kAdministrator,  // the roster, the clinic and room, enrolling the device
};

// Who is at the screen: nobody while locked, else the logged-in clinician's role (nullopt: a role this
// device does not know, which gets what any clinician gets).
struct Caller {
  bool loggedIn = false;
  std::optional<core::Role> role;
};

[[nodiscard]] Access accessFor(const Intent& intent);
[[nodiscard]] bool permits(Access need, const Caller& caller);

}  // namespace unitclock::app
