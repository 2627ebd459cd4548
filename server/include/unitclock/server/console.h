#pragma once
// The web console (docs/console.md): what supervisors, billers and admins do from a desk, in the browser,
// on the same store and the same day computation (summary.h) as the API. This header is its logic, free of
// HTTP: console users and their passwords, signing in and staying signed in, the Day page's compact view of
// a day, a session's readable story, and the decisions a supervisor takes (approve a clinician's day,
// acknowledge a flag, release a held patient-day), each audited. console_routes.cpp puts it on HTTP.

#include <unitclock/server/review.h>
#include <unitclock/server/store.h>
#include <unitclock/server/summary.h>
#include <chrono>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace unitclock::server::console {

// [SECTION] People

// What each role may do (docs/console.md, "Rules"). Every user belongs to one clinic and sees only it.
enum class ConsoleRole { kSupervisor, kBiller, kAdmin };
std::optional<ConsoleRole> parseRole(std::string_view text);
bool mayDecide(ConsoleRole role);      // approve, acknowledge, release, co-sign: supervisor and admin
bool mayAdminister(ConsoleRole role);  // devices, people, the audit log: admin

struct ConsoleSettings {
  std::chrono::seconds idleLogoff{15 * 60};  // serve --console-idle
  int maxFailedSignIns = 5;                  // then the user is locked out for `lockout`
  std::chrono::seconds lockout{15 * 60};
  bool secureCookie = false;  // under TLS: the cookie is sent over HTTPS only
};

// A password is 12 to 128 characters; the hash is Argon2id (libsodium), at the server's PIN cost.
Result<std::string> hashPassword(std::string_view password);

// Adds a console user, or gives an existing one a new name, role and password (ending their sessions and
// any lock-out). In the caller's write transaction.
Result<void> putUser(StoreConnection& store, const std::string& clinicId, const std::string& userId,
                     const std::string& name, ConsoleRole role, std::string_view password);

// [SECTION] Signing in

struct SignedIn {
  ConsoleUserRow user;
  ConsoleSessionRow session;
  std::string cookie;  // the cookie's value: only when just signed in
};

// Checks the password; on success starts a session (and audits "sign-in"), on failure counts it and locks
// the user out after settings.maxFailedSignIns (audits "sign-in-refused"). 401 for an unknown user or a
// wrong password alike, 423 while locked out. Runs its own write transaction.
Result<SignedIn> signIn(StoreConnection& store, std::string_view userId, std::string_view password,
                        std::int64_t nowMs, const ConsoleSettings& settings);

// The signed-in user of a cookie, marking the session active now. 401 when there is none, or after
// settings.idleLogoff without a request ("signed out after N minutes idle"; the session is ended).
Result<SignedIn> resume(StoreConnection& store, std::string_view cookie, std::int64_t nowMs,
                        const ConsoleSettings& settings);

void signOut(StoreConnection& store, std::string_view cookie);

// True when the two strings are equal, in time that does not depend on where they differ.
bool sameSecret(std::string_view a, std::string_view b);

// [SECTION] The day

// Flag keys and a clinician's day hash, what decisions are taken on: review.h.

// The Day page's data: compact (arrays, indexes into shared tables), times as minutes of the clinic's
// day, sized for the page rather than the summary document (docs/console.md, "Budgets").
nlohmann::json dayView(const DayReport& report, const ClinicRow& clinic,
                       const nlohmann::json& onDevices = nlohmann::json::array());

// What the clinic's devices last reported as not yet signed on the report's day (their open and ended
// sessions), without those the server already holds (signed, or uploaded unsigned and listed as such):
// [[initials, clinician, state, started, device label, reported at, session id], ...] for the Day page.
Result<nlohmann::json> devicesUnsigned(StoreConnection& store, const DayReport& report);

// A session as the Session page shows it: its events in words, segments, untimed services, lines,
// revisions with reasons and who, device and sync times. `nullopt` when the session is not the clinic's.
Result<std::optional<nlohmann::json>> sessionView(StoreConnection& store, const ClinicRow& clinic,
                                                  const std::string& sessionId);

// A week's or month's figures (the Reports page): per clinician sessions, minutes, units and units per hour
// (core::unitsPerHour over the whole range), per payer patient-days and units, from `from` to `to` inclusive
// (at most 31 days), each day computed as the Day page computes it.
Result<nlohmann::json> reportView(StoreConnection& store, const ClinicRow& clinic, const std::string& from,
                                  const std::string& to);

// [SECTION] Decisions (each audited; the caller's write transaction)

// `seenHash`, when given, is the clinician's "hash" as the Day page showed it: a day that changed since is
// refused (409) rather than approved unseen.
Result<nlohmann::json> approveDay(StoreConnection& store, const ConsoleUserRow& user, const std::string& date,
                                  const std::string& clinicianId, const std::string& seenHash = {});
Result<nlohmann::json> acknowledgeFlag(StoreConnection& store, const ConsoleUserRow& user,
                                       const std::string& date, const std::string& key,
                                       const std::string& reason);
Result<nlohmann::json> releasePatientDay(StoreConnection& store, const ConsoleUserRow& user,
                                         const std::string& date, const std::string& mrn,
                                         const std::string& discipline, const std::string& reason);

// A supervisor (not an admin or biller: 403) co-signs an assistant's signed session (review.h:
// cosignNeeds); it holds for the session's revision. `seenRevision` > 0 is the revision the page showed: a
// newer one is refused (409). `note` is optional.
Result<nlohmann::json> cosignSession(StoreConnection& store, const ConsoleUserRow& user,
                                     const std::string& date, const std::string& sessionId, int seenRevision,
                                     const std::string& note);

// An admin sets the clinic's review policy (the clinic document "review"); audited as "settings".
Result<nlohmann::json> setReviewPolicy(StoreConnection& store, const ConsoleUserRow& user,
                                       const ReviewPolicy& policy);

// Writes one audit row at the current time.
Result<void> audit(StoreConnection& store, const ConsoleUserRow& user, std::string action, std::string target,
                   std::string detail = {});

}  // namespace unitclock::server::console
