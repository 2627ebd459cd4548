#include <unitclock/core/catalog.h>
#include <unitclock/core/productivity.h>
#include <unitclock/platform/pin_hash.h>
#include <unitclock/platform/time_zone.h>
#include <unitclock/platform/wire/session_upload.h>
#include <unitclock/server/console.h>
#include <unitclock/server/review.h>
#include <unitclock/server/secrets.h>
#include <algorithm>
#include <map>
#include <set>

namespace unitclock::server::console {
namespace {

using nlohmann::json;
using wire::WireTime;

constexpr std::size_t kMinPassword = 12;
constexpr std::size_t kMaxPassword = 128;
constexpr std::size_t kMaxReason = 500;

std::string isoOfMs(std::int64_t ms) {
  return wire::formatUtcTimestamp(WireTime{std::chrono::milliseconds{ms / 1000 * 1000}});
}

std::int64_t msOfIso(const std::string& text) {
  auto t = wire::parseUtcTimestamp(text);
  return t ? std::chrono::duration_cast<std::chrono::milliseconds>(t->time_since_epoch()).count() : 0;
}

std::string roleName(ConsoleRole role) {
  switch (role) {
    case ConsoleRole::kSupervisor:
      return "supervisor";
    case ConsoleRole::kBiller:
      return "biller";
    case ConsoleRole::kAdmin:
      return "admin";
  }
  return "biller";
}

// "09:02" in the clinic's zone.
std::string clockText(WireTime t, const std::string& zone) {
  auto offset = platform::utcOffsetAt(t, zone);
  const auto local = t + (offset ? offset.value() : std::chrono::seconds{0});
  const auto day = std::chrono::floor<std::chrono::days>(local);
  const std::chrono::hh_mm_ss hms{std::chrono::duration_cast<std::chrono::minutes>(local - day)};
  char buf[8];
  std::snprintf(buf, sizeof buf, "%02d:%02d", static_cast<int>(hms.hours().count()),
                static_cast<int>(hms.minutes().count()));
  return buf;
}

std::string codeName(const std::string& code) {
  const auto* info = core::Catalog::builtin().find(code);
  return info ? info->shortName : std::string{};
}

std::string codeWithName(const std::string& code) {
  auto name = codeName(code);
  return name.empty() ? code : code + " " + name;
}

int minutesOf(std::chrono::milliseconds d) {
  return static_cast<int>((d.count() + 30000) / 60000);
}

}  // namespace

// [SECTION] People

std::optional<ConsoleRole> parseRole(std::string_view text) {
  if (text == "supervisor") return ConsoleRole::kSupervisor;
  if (text == "biller") return ConsoleRole::kBiller;
  if (text == "admin") return ConsoleRole::kAdmin;
  return std::nullopt;
}

bool mayDecide(ConsoleRole role) {
  return role == ConsoleRole::kSupervisor || role == ConsoleRole::kAdmin;
}

bool mayAdminister(ConsoleRole role) {
  return role == ConsoleRole::kAdmin;
}

Result<std::string> hashPassword(std::string_view password) {
  if (password.size() < kMinPassword || password.size() > kMaxPassword)
    return reject("password", "must be 12 to 128 characters");
  // The server's PIN cost (admin.cpp): 64 MiB and the kiosk's passes.
  platform::PinHashLimits limits;
  limits.memLimitBytes = 64u << 20;
  platform::PinHashFailure failure{};
  auto h = platform::hashPin(password, limits, &failure);
  if (!h) return fail(ApiError{500, "", "cannot hash the password: " + failure.message});
  return *h;
}

Result<void> putUser(StoreConnection& store, const std::string& clinicId, const std::string& userId,
                     const std::string& name, ConsoleRole role, std::string_view password) {
  auto hash = hashPassword(password);
  if (!hash) return fail(hash.error());
  auto clinic = store.findClinic(clinicId);
  if (!clinic) return fail(clinic.error());
  if (!clinic.value()) return fail(ApiError{404, "clinic", "no clinic " + clinicId});
  auto existing = store.findConsoleUser(userId);
  if (!existing) return fail(existing.error());
  if (existing.value() && existing.value()->clinicId != clinicId)
    return fail(ApiError{409, "id", "user " + userId + " belongs to clinic " + existing.value()->clinicId});
  ConsoleUserRow u{userId, clinicId, name, roleName(role), *hash, 0, std::nullopt, nowUtc(), true};
  if (existing.value()) u.createdAt = existing.value()->createdAt;
  if (auto put = store.putConsoleUser(u); !put) return fail(put.error());
  if (auto end = store.endConsoleSessionsOf(userId); !end) return fail(end.error());
  AuditRow a{0,      nowUtc(),        clinicId, "", existing.value() ? "user-changed" : "user-added",
             userId, "role " + u.role};
  return store.addAudit(a);
}

// [SECTION] Signing in

bool sameSecret(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (std::size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

Result<SignedIn> signIn(StoreConnection& store, std::string_view userId, std::string_view password,
                        std::int64_t nowMs, const ConsoleSettings& settings) {
  const ApiError wrong{401, "", "the user id or the password is not right"};
  if (userId.empty() || userId.size() > 64 || password.size() > kMaxPassword) return fail(wrong);
  auto found = [&]() -> Result<std::optional<ConsoleUserRow>> {
    auto tx = StoreTransaction::begin(store, TransactionKind::kRead);
    if (!tx) return fail(tx.error());
    return store.findConsoleUser(std::string(userId));
  }();
  if (!found) return fail(found.error());
  if (!found.value() || !found.value()->active) {
    // The same work as a real check, so that timing does not tell which user ids exist.
    (void)platform::verifyPin(password,
                              "$argon2id$v=19$m=65536,t=14,p=1$AAAAAAAAAAAAAAAAAAAAAA$"
                              "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
    return fail(wrong);
  }
  ConsoleUserRow user = *found.value();
  if (user.lockedUntil && msOfIso(*user.lockedUntil) > nowMs) {
    return fail(ApiError{423, "",
                         "too many wrong passwords: this user is locked until " + *user.lockedUntil +
                             " (UTC); an admin can reset the password"});
  }
  const bool good = platform::verifyPin(password, user.passwordHash);
  auto tx = StoreTransaction::begin(store, TransactionKind::kWrite);
  if (!tx) return fail(tx.error());
  // Read again inside the write: another sign-in may have counted a failure meanwhile.
  auto again = store.findConsoleUser(user.id);
  if (!again) return fail(again.error());
  if (again.value()) user = *again.value();
  if (!good) {
    ++user.failedLogins;
    std::string detail = "wrong password (" + std::to_string(user.failedLogins) + ")";
    if (user.failedLogins >= settings.maxFailedSignIns) {
      user.lockedUntil = isoOfMs(nowMs + std::chrono::milliseconds(settings.lockout).count());
      user.failedLogins = 0;
      detail += "; locked until " + *user.lockedUntil;
    }
    if (auto put = store.putConsoleUser(user); !put) return fail(put.error());
    if (auto a = store.addAudit({0, nowUtc(), user.clinicId, user.id, "sign-in-refused", user.id, detail});
        !a)
      return fail(a.error());
    if (auto c = tx->commit(); !c) return fail(c.error());
    return fail(wrong);
  }
  user.failedLogins = 0;
  user.lockedUntil.reset();
  if (auto put = store.putConsoleUser(user); !put) return fail(put.error());
  SignedIn s;
  s.cookie = newToken();
  s.session = ConsoleSessionRow{sha256Hex(s.cookie), user.id, newToken(), nowUtc(), nowMs};
  if (auto add = store.addConsoleSession(s.session); !add) return fail(add.error());
  if (auto a = store.addAudit({0, nowUtc(), user.clinicId, user.id, "sign-in", user.id, ""}); !a)
    return fail(a.error());
  if (auto c = tx->commit(); !c) return fail(c.error());
  s.user = std::move(user);
  return s;
}

Result<SignedIn> resume(StoreConnection& store, std::string_view cookie, std::int64_t nowMs,
                        const ConsoleSettings& settings) {
  const ApiError none{401, "", "sign in to use the console"};
  if (cookie.empty() || cookie.size() > 128) return fail(none);
  auto tx = StoreTransaction::begin(store, TransactionKind::kWrite);
  if (!tx) return fail(tx.error());
  const auto hash = sha256Hex(cookie);
  auto session = store.findConsoleSession(hash);
  if (!session) return fail(session.error());
  if (!session.value()) return fail(none);
  auto user = store.findConsoleUser(session.value()->userId);
  if (!user) return fail(user.error());
  if (!user.value() || !user.value()->active) return fail(none);
  const auto idleMs = std::chrono::milliseconds(settings.idleLogoff).count();
  if (nowMs - session.value()->lastActiveMs > idleMs) {
    if (auto end = store.endConsoleSession(hash); !end) return fail(end.error());
    (void)store.addAudit(
        {0, nowUtc(), user.value()->clinicId, user.value()->id, "signed-out-idle", user.value()->id, ""});
    if (auto c = tx->commit(); !c) return fail(c.error());
    const auto minutes = std::chrono::duration_cast<std::chrono::minutes>(settings.idleLogoff).count();
    return fail(ApiError{
        401, "idle",
        minutes >= 1 ? "signed out after " + std::to_string(minutes) + " minutes idle"
                     : "signed out after " + std::to_string(settings.idleLogoff.count()) + " seconds idle"});
  }
  if (auto t = store.touchConsoleSession(hash, nowMs); !t) return fail(t.error());
  if (auto c = tx->commit(); !c) return fail(c.error());
  return SignedIn{*user.value(), *session.value(), ""};
}

void signOut(StoreConnection& store, std::string_view cookie) {
  (void)store.endConsoleSession(sha256Hex(cookie));
}

Result<void> audit(StoreConnection& store, const ConsoleUserRow& user, std::string action, std::string target,
                   std::string detail) {
  return store.addAudit(
      {0, nowUtc(), user.clinicId, user.id, std::move(action), std::move(target), std::move(detail)});
}

// [SECTION] The day

namespace {

json decisionJson(const DayDecisionRow& d) {
  return json{{"by", d.decidedBy}, {"at", d.decidedAt}, {"reason", d.reason}};
}

}  // namespace

Result<json> devicesUnsigned(StoreConnection& store, const DayReport& r) {
  auto rows = store.dayDeviceUnsigned(r.clinicId, r.date);
  if (!rows) return fail(rows.error());
  if (rows->empty()) return json::array();
  auto devices = store.listDevices(r.clinicId);
  if (!devices) return fail(devices.error());
  std::map<std::int64_t, std::string> labels;
  std::set<std::int64_t> revoked;  // a revoked kiosk's last report is no longer news
  for (const auto& d : devices.value()) {
    labels[d.id] = d.label.empty() ? "device " + std::to_string(d.id) : d.label;
    if (d.revokedAt) revoked.insert(d.id);
  }
  std::set<std::string> signedHere;  // and unsigned uploads, listed on their own
  for (const auto& p : r.patients) signedHere.insert(p.signedSessions.begin(), p.signedSessions.end());
  for (const auto& u : r.unsignedSessions) signedHere.insert(u.id);  // uploaded: listed as unsigned already
  json out = json::array();
  for (const auto& u : rows.value()) {
    if (revoked.count(u.deviceId) || signedHere.count(u.sessionId))
      continue;  // the server has it: the report is older than its upload
    std::string started;
    if (auto t = wire::parseUtcTimestamp(u.startedAt)) started = clockText(*t, r.timeZone);
    out.push_back(
        {u.initials, u.clinicianId, u.state, started, labels[u.deviceId], u.reportedAt, u.sessionId});
  }
  return out;
}

json dayView(const DayReport& r, const ClinicRow& clinic, const json& onDevices) {
  // Minutes since the clinic's local midnight of the day.
  WireTime dayStart{};
  if (auto ymd = platform::parseIsoDate(r.date))
    if (auto range = platform::localDayRange(*ymd, r.timeZone)) dayStart = range->start;
  auto minuteOf = [&](WireTime t) {
    return static_cast<int>(std::chrono::floor<std::chrono::seconds>(t - dayStart).count() / 60);
  };

  // Shared tables: codes and sessions by index.
  std::map<std::string, int> codeIndex;
  json codes = json::array();
  auto codeOf = [&](const std::string& code) {
    auto [it, added] = codeIndex.emplace(code, static_cast<int>(codes.size()));
    if (added) codes.push_back({code, codeName(code)});
    return it->second;
  };
  std::map<std::string, int> sessionIndex;
  json sessions = json::array();  // [id, initials, signed]
  auto sessionOf = [&](const std::string& id, const std::string& initials, bool isSigned) {
    auto [it, added] = sessionIndex.emplace(id, static_cast<int>(sessions.size()));
    if (added) sessions.push_back({id, initials, isSigned ? 1 : 0});
    return it->second;
  };

  // Flags, with their key and any acknowledgement.
  json flags = json::array();
  std::map<std::string, int> flagIndex;
  int openFlags = 0;
  const DayIndex index = indexDay(r);
  for (const auto& [f, key] : index.flags) {
    // The patient is not repeated here: the patient's row lists its flags by index.
    json one{{"key", key}, {"id", f->id}, {"message", f->message}, {"clinician", f->clinician}};
    if (const auto* ack = latestDecision(r, "acknowledge", key, key)) {
      one["acknowledged"] = decisionJson(*ack);
    } else {
      ++openFlags;
    }
    flagIndex[key] = static_cast<int>(flags.size());
    flags.push_back(std::move(one));
  }

  // Lanes: one per clinician, bars [startMinute, endMinute, code, session, assistant?1:0, mode].
  std::map<std::string, json> bars;
  int first = 24 * 60, last = 0;
  std::vector<const TimelineBar*> ordered;
  for (const auto& b : r.timeline) ordered.push_back(&b);
  std::sort(ordered.begin(), ordered.end(), [](auto* a, auto* b) { return a->start < b->start; });
  for (const auto* b : ordered) {
    const int s = minuteOf(b->start), e = std::max(minuteOf(b->end), s + 1);
    first = std::min(first, s);
    last = std::max(last, e);
    bars[b->clinician].push_back(
        {s, e, codeOf(b->code), sessionOf(b->sessionId, b->initials, b->signedSession),
         b->performer == core::Performer::assistant ? 1 : 0, static_cast<int>(b->mode)});
  }
  if (first > last) first = 8 * 60, last = 17 * 60;
  first = std::max(0, first / 60 * 60);
  last = std::min(48 * 60, (last + 59) / 60 * 60);

  int unapproved = 0;
  json clinicians = json::array();
  int totalTimed = 0, totalTreatment = 0, totalUnits = 0;
  for (const auto& c : r.clinicians) {
    json cf = json::array();
    if (auto it = index.flagsOf.find(c.id); it != index.flagsOf.end())
      for (auto i : it->second) cf.push_back(static_cast<int>(i));
    const auto hash = clinicianHash(r, index, c.id);
    json one{{"id", c.id},
             {"hash", hash.substr(0, 16)},
             {"name", c.name.empty() ? c.id : c.name},
             {"sessions", c.sessions},
             {"timed", minutesOf(c.timed)},
             {"treatment", minutesOf(c.treatment)},
             {"clock", minutesOf(c.clock)},
             {"units", c.units},
             {"uph", std::round(core::unitsPerHour(c.units, c.clock) * 10) / 10},
             {"flags", cf},
             {"bars", bars.count(c.id) ? bars[c.id] : json::array()}};
    if (const auto* a = latestDecision(r, "approve", c.id, hash)) {
      one["approved"] = decisionJson(*a);
    } else {
      ++unapproved;
      // An approval of other content: the day changed since (a new revision returns it to review).
      for (const auto& d : r.decisions)
        if (d.kind == "approve" && d.subject == c.id) one["approval_lapsed"] = decisionJson(d);
    }
    totalTimed += minutesOf(c.timed);
    totalTreatment += minutesOf(c.treatment);
    totalUnits += c.units;
    clinicians.push_back(std::move(one));
  }

  int held = 0;
  json patients = json::array();
  for (const auto& p : r.patients) {
    json lines = json::array();
    if (p.recomputed)
      for (const auto& l : p.result.lines)
        if (l.units > 0) lines.push_back({l.code, l.units, l.modifiers});
    json sids = json::array();
    for (const auto& s : p.sessions) {
      const bool isSigned =
          std::find(p.signedSessions.begin(), p.signedSessions.end(), s) != p.signedSessions.end();
      sids.push_back(sessionOf(s, p.initials, isSigned));
    }
    json pf = json::array();
    for (const auto& f : p.flags) pf.push_back(flagIndex[flagKey(f)]);
    json one{{"mrn", p.mrn},
             {"initials", p.initials},
             {"discipline", p.discipline},
             {"payer", p.payer},
             {"rendering", p.renderingClinician},
             {"diagnoses", p.diagnoses},
             {"lines", lines},
             {"agrees", p.serverLines == p.deviceLines},
             {"recomputed", p.recomputed},
             {"sessions", sids},
             {"flags", pf},
             {"hold", p.holdFlags},
             {"waiting", p.waitingFor}};
    if (p.held()) ++held;
    if (p.release) {
      one["released"] = {
          {"by", p.release->releasedByUser.empty() ? "token-" + std::to_string(p.release->releasedBy)
                                                   : p.release->releasedByUser},
          {"at", p.release->releasedAt},
          {"reason", p.release->reason}};
    }
    patients.push_back(std::move(one));
  }
  // Each flag's sessions as indexes into the session table, as the bars and patients name them (a session
  // neither names, such as a refused upload's, is added without initials): a day of 10,000 flags sends
  // 10,000 small numbers rather than 10,000 session ids.
  for (std::size_t i = 0; i < index.flags.size(); ++i) {
    json ids = json::array();
    for (const auto& id : index.flags[i].flag->sessions) ids.push_back(sessionOf(id, "", false));
    flags[i]["sessions"] = std::move(ids);
  }

  // Assistant sessions and their co-signs (needed where the clinic requires them; shown either way).
  json cosign = json::array();
  int awaitingCosign = 0;
  for (const auto& need : cosignNeeds(r)) {
    json one{{"session", sessionOf(need.sessionId, need.initials, true)},
             {"id", need.sessionId},
             {"assistants", need.assistants},
             {"revision", need.revision}};
    if (const auto* c = latestDecision(r, "cosign", need.sessionId, cosignHash(need))) {
      one["cosigned"] = decisionJson(*c);
    } else {
      ++awaitingCosign;
    }
    cosign.push_back(std::move(one));
  }
  json unsignedList = json::array();
  for (const auto& s : r.unsignedSessions)
    unsignedList.push_back({s.id, s.status, s.renderingClinician, s.revision});

  return json{{"clinic", {{"id", clinic.id}, {"name", clinic.name}, {"zone", r.timeZone}}},
              {"date", r.date},
              {"window", {first, last}},
              {"codes", codes},
              {"sessions", sessions},
              {"totals",
               {{"sessions", r.sessionCount},
                {"timed", totalTimed},
                {"treatment", totalTreatment},
                {"units", totalUnits},
                {"held", held},
                {"unapproved", unapproved},
                {"unsigned", r.unsignedSessions.size()},
                {"open_flags", openFlags},
                {"awaiting_cosign", awaitingCosign},
                {"unsigned_on_devices", onDevices.size()},
                {"voided", r.voidedSessions.size()}}},
              {"clinicians", clinicians},
              {"patients", patients},
              {"flags", flags},
              {"cosign", cosign},
              {"policy", toJson(r.policy)},
              {"on_devices", onDevices},
              {"unsigned", unsignedList}};
}

Result<std::optional<json>> sessionView(StoreConnection& store, const ClinicRow& clinic,
                                        const std::string& sessionId) {
  auto found = store.findSession(sessionId);
  if (!found) return fail(found.error());
  if (!found.value() || found.value()->clinicId != clinic.id) return std::optional<json>{};
  const StoredSession& stored = *found.value();
  auto facts = json::parse(stored.facts, nullptr, false);
  auto upload = wire::parseSessionUpload(facts, sessionId);
  if (!upload) return fail(ApiError{500, "", "stored session " + sessionId + " cannot be read"});
  const auto& s = upload.value();
  const auto& zone = clinic.timeZone;

  auto names = store.listClinicians(clinic.id);
  if (!names) return fail(names.error());
  std::map<std::string, std::string> nameOf;
  for (const auto& c : names.value()) nameOf[c.id] = c.name;
  auto who = [&](const std::string& id) {
    auto it = nameOf.find(id);
    return it == nameOf.end() || it->second.empty() ? (id.empty() ? std::string("someone") : id) : it->second;
  };

  // The log in words: "09:02 Dana Ortiz started 97530 Therapeutic activities".
  json events = json::array();
  std::string running;  // the code that is running, for "stopped"
  for (const auto& e : s.events) {
    std::string what;
    using T = core::EventType;
    const std::string person = who(e.clinicianId);
    switch (e.type) {
      case T::session_opened:
        what = person + " opened the session";
        break;
      case T::activity_started:
        running = e.code;
        what = person + " started " + codeWithName(e.code) +
               (e.mode && *e.mode != core::ActivityMode::one_on_one
                    ? " (" + std::string(core::toString(*e.mode)) + ")"
                    : "");
        break;
      case T::activity_stopped:
        what = person + " stopped " + (running.empty() ? std::string("the activity") : codeWithName(running));
        running.clear();
        break;
      case T::paused:
        what = person + " paused" +
               (e.pauseReason ? " (" + std::string(core::toString(*e.pauseReason)) + ")" : std::string());
        break;
      case T::resumed:
        what = person + " resumed";
        break;
      case T::pause_reason_set:
        what = person + " gave the pause's reason: " +
               (e.pauseReason ? std::string(core::toString(*e.pauseReason)) : std::string("none"));
        break;
      case T::performer_switched:
        what = person + " switched to " +
               (e.performer == core::Performer::assistant ? std::string("the assistant")
                                                          : std::string("the therapist"));
        break;
      case T::untimed_added:
        what = person + " added " + codeWithName(e.code) + ", " +
               std::to_string(e.minutes ? e.minutes->count() : 0) + " min";
        break;
      case T::untimed_changed:
        what = person + " changed untimed service " + std::to_string(e.segmentIndex.value_or(0) + 1) +
               " to " + std::to_string(e.minutes ? e.minutes->count() : 0) + " min: " + e.reason;
        break;
      case T::diagnoses_set: {
        std::string list;
        for (const auto& c : e.codes) list += (list.empty() ? "" : ", ") + c;
        what = person + " set the diagnoses: " + (list.empty() ? std::string("none") : list);
        break;
      }
      case T::tie_preference_set:
        what = person + " chose which code takes a tied unit";
        break;
      case T::session_ended:
        what = person + " ended the session";
        break;
      case T::segment_edited:
        what =
            person + " corrected the times of segment " + std::to_string(e.segmentIndex.value_or(0) + 1) +
            (e.newStart && e.newEnd ? " to " + clockText(*e.newStart, zone) + "–" + clockText(*e.newEnd, zone)
                                    : std::string()) +
            ": " + e.reason;
        break;
      case T::segment_recoded:
        what = person + " changed segment " + std::to_string(e.segmentIndex.value_or(0) + 1) +
               (e.code.empty() ? std::string() : " to " + codeWithName(e.code)) + ": " + e.reason;
        break;
      case T::segment_deleted:
        what =
            person + " deleted segment " + std::to_string(e.segmentIndex.value_or(0) + 1) + ": " + e.reason;
        break;
      case T::segment_added:
        what = person + " added a missed segment of " + codeWithName(e.code) + ": " + e.reason;
        break;
      case T::segment_split:
        what = person + " split segment " + std::to_string(e.segmentIndex.value_or(0) + 1) + ": " + e.reason;
        break;
      case T::session_signed:
        what = person + " signed the session";
        break;
      case T::session_reopened:
        what = person + " reopened the session to correct it: " + e.reason;
        break;
      case T::session_voided:
        what = person + " voided the session: " + e.reason;
        break;
      case T::session_synced:
        what = "the device sent the session to this server";
        break;
      case T::clock_jump:
        what = "the device's wall clock moved by " +
               std::to_string(e.wallDelta ? e.wallDelta->count() / 1000 : 0) + " s";
        break;
      case T::app_restarted:
        what = "the app restarted";
        break;
    }
    events.push_back({e.sequence, clockText(e.wall, zone), what});
  }
  json segments = json::array();
  for (const auto& seg : s.segments) {
    segments.push_back(
        {{"code", seg.code},
         {"name", codeName(seg.code)},
         {"clinician", who(seg.clinician)},
         {"performer", std::string(seg.performer == core::Performer::assistant ? "assistant" : "therapist")},
         {"mode", std::string(core::toString(seg.mode))},
         {"start", clockText(seg.start, zone)},
         {"end", clockText(seg.end, zone)},
         {"minutes", minutesOf(seg.duration())},
         {"date", seg.date}});
  }
  json untimed = json::array();
  for (const auto& u : s.untimed)
    untimed.push_back({{"code", u.code},
                       {"name", codeName(u.code)},
                       {"minutes", u.minutes.count()},
                       {"assistant_minutes", u.assistantMinutes.count()},
                       {"clinician", who(u.clinician)}});
  json lines = json::array();
  for (const auto& l : s.lines)
    lines.push_back({{"code", l.code}, {"units", l.units}, {"modifiers", l.modifiers}});
  auto history = store.listRevisions(sessionId);
  if (!history) return fail(history.error());
  json revisions = json::array();
  for (const auto& h : history.value())
    revisions.push_back({{"revision", h.revision},
                         {"reason", h.reason},
                         {"device", h.deviceId},
                         {"received_at", h.receivedAt}});
  std::string device = "device " + std::to_string(stored.deviceId);
  if (auto devices = store.listDevices(clinic.id))
    for (const auto& d : devices.value())
      if (d.id == stored.deviceId && !d.label.empty())
        device = d.label + " (device " + std::to_string(d.id) + ")";
  return std::optional<json>{json{{"id", sessionId},
                                  {"zone", zone},
                                  {"status", stored.status},
                                  {"revision", stored.revision},
                                  {"date", s.serviceDate},
                                  {"initials", s.patient.initials},
                                  {"mrn", s.patient.mrn},
                                  {"discipline", std::string(core::toString(s.discipline))},
                                  {"payer", s.payer},
                                  {"rendering", who(s.renderingClinician)},
                                  {"diagnoses", s.diagnoses},
                                  {"started", s.startedAt ? clockText(*s.startedAt, zone) : ""},
                                  {"ended", s.endedAt ? clockText(*s.endedAt, zone) : ""},
                                  {"device", device},
                                  {"received_at", stored.receivedAt},
                                  {"events", events},
                                  {"segments", segments},
                                  {"untimed", untimed},
                                  {"lines", lines},
                                  {"revisions", revisions},
                                  {"upload", facts}}};
}

Result<json> reportView(StoreConnection& store, const ClinicRow& clinic, const std::string& from,
                        const std::string& to) {
  auto first = platform::parseIsoDate(from), last = platform::parseIsoDate(to);
  if (!first || !last || !wire::isCalendarDate(from) || !wire::isCalendarDate(to))
    return reject("date", "must be a real date like 2026-11-26");
  const auto days = (std::chrono::sys_days{*last} - std::chrono::sys_days{*first}).count();
  if (days < 0 || days > 30) return reject("to", "a report covers 1 to 31 days, from the first day");
  struct Figures {
    std::string name;
    int sessions = 0, units = 0, days = 0;
    std::chrono::milliseconds timed{}, treatment{}, clock{};
  };
  std::map<std::string, Figures> clinicians;
  std::map<std::string, std::pair<int, int>> payers;  // patient-days, units
  int sessions = 0, held = 0;
  for (auto d = std::chrono::sys_days{*first}; d <= std::chrono::sys_days{*last}; d += std::chrono::days{1}) {
    const auto date = platform::formatIsoDate(std::chrono::year_month_day{d});
    auto report = loadDay(store, clinic.id, date);
    if (!report) return fail(report.error());
    sessions += report->sessionCount;
    for (const auto& c : report->clinicians) {
      auto& f = clinicians[c.id];
      f.name = c.name.empty() ? c.id : c.name;
      f.sessions += c.sessions;
      f.units += c.units;
      f.timed += c.timed;
      f.treatment += c.treatment;
      f.clock += c.clock;
      if (c.clock.count() > 0 || c.sessions > 0) ++f.days;
    }
    for (const auto& p : report->patients) {
      if (!p.recomputed) continue;
      auto& [patientDays, units] = payers[p.payer];
      ++patientDays;
      for (const auto& [line, n] : p.serverLines) units += n;
      if (p.held()) ++held;
    }
  }
  json people = json::array();
  for (const auto& [id, f] : clinicians) {
    people.push_back({{"id", id},
                      {"name", f.name},
                      {"days", f.days},
                      {"sessions", f.sessions},
                      {"timed", minutesOf(f.timed)},
                      {"treatment", minutesOf(f.treatment)},
                      {"clock", minutesOf(f.clock)},
                      {"units", f.units},
                      {"uph", std::round(core::unitsPerHour(f.units, f.clock) * 10) / 10}});
  }
  json byPayer = json::array();
  for (const auto& [payer, figures] : payers)
    byPayer.push_back({{"payer", payer}, {"patient_days", figures.first}, {"units", figures.second}});
  return json{{"clinic", {{"id", clinic.id}, {"name", clinic.name}, {"zone", clinic.timeZone}}},
              {"from", from},
              {"to", to},
              {"sessions", sessions},
              {"held", held},
              {"clinicians", people},
              {"payers", byPayer}};
}

// [SECTION] Decisions

namespace {

Result<std::string> checkedReason(const std::string& reason) {
  if (reason.empty() || reason.size() > kMaxReason)
    return reject("reason", "is required (at most 500 characters)");
  return reason;
}

}  // namespace

Result<json> approveDay(StoreConnection& store, const ConsoleUserRow& user, const std::string& date,
                        const std::string& clinicianId, const std::string& seenHash) {
  auto report = loadDay(store, user.clinicId, date);
  if (!report) return fail(report.error());
  const auto it = std::find_if(report->clinicians.begin(), report->clinicians.end(),
                               [&](const ClinicianDay& c) { return c.id == clinicianId; });
  if (it == report->clinicians.end())
    return fail(ApiError{404, "clinician", "no day of " + clinicianId + " on " + date});
  const DayIndex index = indexDay(*report);  // worked out once: a day of 10,000 sessions is large
  const auto hash = clinicianHash(*report, index, clinicianId);
  if (!seenHash.empty() && seenHash != hash.substr(0, 16))  // dayView sends the first 16 characters
    return fail(ApiError{409, "hash",
                         "the day changed since it was shown (a new upload or decision): look at it again"});
  if (const auto* a = latestDecision(*report, "approve", clinicianId, hash)) return decisionJson(*a);
  // Nothing is approved while a flag of the clinician's day is neither cleared nor acknowledged.
  if (auto mine = index.flagsOf.find(clinicianId); mine != index.flagsOf.end())
    for (auto i : mine->second) {
      const auto& [f, key] = index.flags[i];
      if (!latestDecision(*report, "acknowledge", key, key))
        return fail(ApiError{409, "flags", "resolve or acknowledge the flag \"" + f->id + "\" first"});
    }
  // Where the clinic requires co-signs, nor while an assistant session of the day awaits one.
  if (report->policy.cosignAssistants) {
    std::set<std::string> theirs;
    if (auto mine = index.patientsOf.find(clinicianId); mine != index.patientsOf.end())
      for (auto i : mine->second)
        theirs.insert(report->patients[i].signedSessions.begin(), report->patients[i].signedSessions.end());
    for (const auto& need : cosignNeeds(*report)) {
      if (!theirs.count(need.sessionId)) continue;
      if (!latestDecision(*report, "cosign", need.sessionId, cosignHash(need)))
        return fail(
            ApiError{409, "cosign",
                     "co-sign the assistant's session " + need.sessionId + " (" + need.initials + ") first"});
    }
  }
  DayDecisionRow d{0, user.clinicId, date, "approve", clinicianId, hash, "", user.id, nowUtc()};
  auto id = store.addDayDecision(d);
  if (!id) return fail(id.error());
  if (auto a = audit(store, user, "approve", date + " " + clinicianId); !a) return fail(a.error());
  return decisionJson(d);
}

Result<json> acknowledgeFlag(StoreConnection& store, const ConsoleUserRow& user, const std::string& date,
                             const std::string& key, const std::string& reason) {
  auto why = checkedReason(reason);
  if (!why) return fail(why.error());
  auto report = loadDay(store, user.clinicId, date);
  if (!report) return fail(report.error());
  const DayFlag* flag = nullptr;
  for (const auto& keyed : allFlags(*report))
    if (keyed.key == key) flag = keyed.flag;
  if (!flag) return fail(ApiError{404, "key", "no such flag on " + date + " (it may have been resolved)"});
  DayDecisionRow d{0, user.clinicId, date, "acknowledge", key, key, reason, user.id, nowUtc()};
  if (auto id = store.addDayDecision(d); !id) return fail(id.error());
  if (auto a = audit(store, user, "acknowledge", date + " " + flag->id + " " + key, reason); !a)
    return fail(a.error());
  return decisionJson(d);
}

Result<json> releasePatientDay(StoreConnection& store, const ConsoleUserRow& user, const std::string& date,
                               const std::string& mrn, const std::string& discipline,
                               const std::string& reason) {
  auto why = checkedReason(reason);
  if (!why) return fail(why.error());
  auto report = loadDay(store, user.clinicId, date);
  if (!report) return fail(report.error());
  const PatientDay* p = nullptr;
  for (const auto& x : report->patients)
    if (x.mrn == mrn && x.discipline == discipline) p = &x;
  if (!p) return fail(ApiError{404, "patient", "no such patient-day on " + date});
  if (p->holdFlags.empty()) return fail(ApiError{409, "", "this patient-day is not held"});
  if (p->release)
    return json{
        {"by", p->release->releasedByUser}, {"at", p->release->releasedAt}, {"reason", p->release->reason}};
  DayDecisionRow d{0,      user.clinicId, date,    "release", mrn + "|" + discipline, p->contentHash,
                   reason, user.id,       nowUtc()};
  if (auto id = store.addDayDecision(d); !id) return fail(id.error());
  // The audit names the patient by initials and discipline only.
  if (auto a = audit(store, user, "release", date + " " + p->initials + " " + discipline, reason); !a)
    return fail(a.error());
  return decisionJson(d);
}

Result<json> cosignSession(StoreConnection& store, const ConsoleUserRow& user, const std::string& date,
                           const std::string& sessionId, int seenRevision, const std::string& note) {
  if (user.role != "supervisor")
    return fail(ApiError{403, "", "a co-sign is a supervising therapist's: sign in as a supervisor"});
  if (note.size() > kMaxReason) return reject("reason", "is at most 500 characters");
  auto report = loadDay(store, user.clinicId, date);
  if (!report) return fail(report.error());
  const auto needs = cosignNeeds(*report);
  const auto need =
      std::find_if(needs.begin(), needs.end(), [&](const CosignNeed& n) { return n.sessionId == sessionId; });
  if (need == needs.end())
    return fail(ApiError{404, "session", "no signed assistant session " + sessionId + " on " + date});
  if (seenRevision > 0 && seenRevision != need->revision)
    return fail(ApiError{409, "revision",
                         "the session has a new revision (" + std::to_string(need->revision) +
                             ") since it was shown: look at it again"});
  const auto hash = cosignHash(*need);
  if (const auto* c = latestDecision(*report, "cosign", sessionId, hash)) return decisionJson(*c);
  DayDecisionRow d{0, user.clinicId, date, "cosign", sessionId, hash, note, user.id, nowUtc()};
  if (auto id = store.addDayDecision(d); !id) return fail(id.error());
  if (auto a = audit(store, user, "cosign", date + " " + sessionId + " " + hash, note); !a)
    return fail(a.error());
  return decisionJson(d);
}

Result<json> setReviewPolicy(StoreConnection& store, const ConsoleUserRow& user, const ReviewPolicy& policy) {
  const auto body = toJson(policy);
  if (auto e = store.setClinicDocument(user.clinicId, {"review", body.dump()}); !e) return fail(e.error());
  std::string detail = std::string{"approved_only="} + (policy.approvedOnly ? "on" : "off") +
                       " cosign_assistants=" + (policy.cosignAssistants ? "on" : "off");
  if (auto a = audit(store, user, "settings", "review", detail); !a) return fail(a.error());
  return body;
}

}  // namespace unitclock::server::console
