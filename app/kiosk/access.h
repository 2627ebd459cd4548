#pragma once
// Who may do what on the kiosk, in one module: every intent names what it needs, in one table
// (`accessFor`), so the order of intents.h never decides authorization; and PinGate checks PINs and keeps
// the lock-outs after wrong ones.

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include <unitclock/core/clock.h>
#include <unitclock/core/result.h>
#include <unitclock/core/role.h>
#include <unitclock/platform/device_store.h>

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

// What one tap may do on a running session's screen after it auto-locked (nobody logged in): its timers
// (start, stop, pause and its reason, resume, therapist or assistant), Unlock and Lock. Taps there are
// the session's clinician's, audited as taps on a locked screen.
[[nodiscard]] bool allowedOnLockedSession(const Intent& intent);

// After `maxFailures` wrong PINs in a row a clinician is locked out for `first`, and each further round of
// `maxFailures` doubles it, up to `longest`.
struct LockoutPolicy {
  int maxFailures = 5;
  std::chrono::minutes first{1};
  std::chrono::minutes longest{60};
};

// PIN checks against the roster's Argon2id hashes, and the lock-outs, kept in the store (its own table)
// and in memory, so that drawing the lock screen reads no storage.
class PinGate {
 public:
  PinGate(platform::DeviceStore& store, LockoutPolicy policy) : m_store(store), m_policy(policy) {}

  // Reads the lock-outs (at start). On an error nobody is locked out and the error is returned to show.
  core::Result<void, std::string> load();

  // Whole minutes, rounded up, until `clinicianId` may try a PIN again; 0 when they may now.
  [[nodiscard]] std::int64_t minutesLocked(const std::string& clinicianId, core::WallTime now) const;

  struct Outcome {
    bool accepted = false;
    std::string message;  // why not ("Wrong PIN. 4 tries left ..."), or a storage problem to show
  };
  // Checks `pin` for `clinician`, counts a wrong one (with a "login_failed" audit row) and locks out after
  // too many. A lock-out that cannot be saved still holds in memory until the app restarts, and says so.
  Outcome check(const platform::Clinician& clinician, std::string_view pin, core::WallTime now);

 private:
  platform::DeviceStore& m_store;
  LockoutPolicy m_policy;
  std::map<std::string, platform::PinLockout> m_lockouts;
};

}  // namespace unitclock::app
