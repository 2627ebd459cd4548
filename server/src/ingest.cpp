#include <unitclock/platform/time_zone.h>
#include <unitclock/server/ingest.h>
#include <unitclock/server/summary.h>
#include <set>

namespace unitclock::server {
namespace {

using wire::SessionUpload;
using wire::WireTime;

// The days a session counts on: its service date and every date its segments and untimed services fall on.
std::vector<std::string> daysOf(const SessionUpload& s) {
  std::set<std::string> days{s.serviceDate};
  for (const auto& seg : s.segments) days.insert(seg.date);
  for (const auto& u : s.untimed) days.insert(u.date);
  return {days.begin(), days.end()};
}

// The body stored for a revision, parsed (a value that is not an object when unreadable); nothing when the
// revision is not stored.
Result<std::optional<nlohmann::json>> storedBody(StoreConnection& store, const std::string& id,
                                                 int revision) {
  auto r = store.findRevision(id, revision);
  if (!r) return fail(r.error());
  if (!r.value()) return std::optional<nlohmann::json>{};
  return std::optional<nlohmann::json>{nlohmann::json::parse(r.value()->body, nullptr, false)};
}

// True when `voided` is `signed` voided on the device without a new revision: the same upload in every
// field a bill depends on, status `voided`, and the same event log followed only by what a device records
// after signing (`session_synced`) and the void itself, which comes last and carries a reason.
bool isVoidOf(const nlohmann::json& signedBody, const nlohmann::json& voided) {
  if (!signedBody.is_object() || !voided.is_object()) return false;
  if (voided.value("status", "") != "voided" || signedBody.value("status", "") == "voided") return false;
  // What a void changes: the status, the log's tail, the lines (a voided session has none) and the end.
  static const std::set<std::string> kChangedByVoid{"status", "events", "lines", "ended_at"};
  for (const auto& [key, value] : signedBody.items()) {
    if (kChangedByVoid.count(key) != 0) continue;
    if (!voided.contains(key) || voided[key] != value) return false;
  }
  for (const auto& [key, value] : voided.items()) {
    if (kChangedByVoid.count(key) == 0 && !signedBody.contains(key)) return false;
  }
  const auto& before = signedBody.value("events", nlohmann::json::array());
  const auto& after = voided.value("events", nlohmann::json::array());
  if (!before.is_array() || !after.is_array() || after.size() <= before.size()) return false;
  for (std::size_t i = 0; i < before.size(); ++i) {
    if (before[i] != after[i]) return false;
  }
  for (std::size_t i = before.size(); i < after.size(); ++i) {
    const std::string type = after[i].value("type", "");
    const bool last = i + 1 == after.size();
    if (last ? type != "session_voided" : type != "session_synced") return false;
  }
  const auto& voidEvent = after.back();
  return voidEvent.contains("reason") && voidEvent["reason"].is_string() &&
         !voidEvent["reason"].get<std::string>().empty();
}

// What a day's summary reads: the whole upload, log included, since the server replays the log.
std::string factsOf(const nlohmann::json& canonical) {
  return canonical.dump();
}

// The void replaces the revision's stored body: its log holds the signed log unchanged, followed by the
// void, so the revision's history keeps everything that was signed.
Result<bool> storeVoid(StoreConnection& store, const Principal& device, const SessionUpload& s,
                       const nlohmann::json& canonical, const std::string& body, const std::string& hash,
                       const std::string& now) {
  StoredSession row;
  row.id = s.id;
  row.deviceId = device.deviceId;
  row.bodyHash = hash;
  row.status = std::string(core::toString(s.status));
  row.facts = factsOf(canonical);
  row.receivedAt = now;
  if (auto r = store.updateSessionVoid(row); !r) return fail(r.error());
  if (auto r = store.updateRevision(StoredRevision{s.id, s.revision, hash, "", device.deviceId, body, now});
      !r)
    return fail(r.error());
  if (auto r = store.replaceSessionDays(device.clinicId, s.id, daysOf(s)); !r) return fail(r.error());
  return true;
}

}  // namespace

std::string_view toString(IngestResult r) {
  switch (r) {
    case IngestResult::kCreated:
      return "created";
    case IngestResult::kRevised:
      return "revised";
    case IngestResult::kVoided:
      return "voided";
    case IngestResult::kUnchanged:
      return "unchanged";
  }
  return "unchanged";
}

Result<IngestOutcome> storeSession(StoreConnection& store, const Principal& device, const SessionUpload& s,
                                   const nlohmann::json& canonical, const std::string& hash) {
  auto now = nowUtc();
  auto found = store.findSession(s.id);
  if (!found) return fail(found.error());
  const std::string body = canonical.dump();
  // What a new revision writes, built only on the paths that write (the writer thread runs this serially).
  const auto revision = [&] {
    return StoredRevision{s.id, s.revision, hash, s.reason, device.deviceId, body, now};
  };
  const auto latest = [&] {
    return StoredSession{s.id,
                         device.clinicId,
                         device.deviceId,
                         s.revision,
                         hash,
                         s.serviceDate,
                         std::string(core::toString(s.status)),
                         factsOf(canonical),
                         now};
  };

  if (!found.value()) {
    if (auto r = store.insertSession(latest()); !r) return fail(r.error());
    if (auto r = store.insertRevision(revision()); !r) return fail(r.error());
    if (auto r = store.replaceSessionDays(device.clinicId, s.id, daysOf(s)); !r) return fail(r.error());
    return IngestOutcome{IngestResult::kCreated, s.revision};
  }

  const std::string clinic = found.value()->clinicId;
  const int stored = found.value()->revision;
  const std::string storedHash = found.value()->bodyHash;
  const std::int64_t owner = found.value()->deviceId;
  if (clinic != device.clinicId) return fail(ApiError{403, "id", "this session belongs to another clinic"});
  if (owner != device.deviceId) {
    return fail(ApiError{403, "id",
                         "this session was uploaded by device " + std::to_string(owner) +
                             "; only that device may revise or void it (an admin can transfer it: "
                             "unitclock-server session transfer)"});
  }
  if (s.revision == stored) {
    if (hash == storedHash) return IngestOutcome{IngestResult::kUnchanged, stored};
    // A void of this revision, or a late retry of the revision's signed body after its void.
    auto prior = storedBody(store, s.id, stored);
    if (!prior) return fail(prior.error());
    if (prior.value()) {
      const auto& kept = *prior.value();
      if (isVoidOf(canonical, kept)) return IngestOutcome{IngestResult::kUnchanged, stored};
      if (isVoidOf(kept, canonical)) {
        if (auto r = storeVoid(store, device, s, canonical, body, hash, now); !r) return fail(r.error());
        return IngestOutcome{IngestResult::kVoided, stored};
      }
    }
    return fail(ApiError{409, "revision",
                         "revision " + std::to_string(stored) +
                             " is already stored with different content; a correction needs revision " +
                             std::to_string(stored + 1) + " and a reason"});
  }
  if (s.revision > stored + 1) {
    return fail(ApiError{409, "revision",
                         "revision " + std::to_string(s.revision) +
                             " skips revisions: the stored revision is " + std::to_string(stored) +
                             ", so a correction is revision " + std::to_string(stored + 1)});
  }
  if (s.revision < stored) {
    auto old = store.findRevision(s.id, s.revision);
    if (!old) return fail(old.error());
    if (old.value() && old.value()->bodyHash == hash) return IngestOutcome{IngestResult::kUnchanged, stored};
    return fail(ApiError{409, "revision",
                         "revision " + std::to_string(s.revision) + " is older than the stored revision " +
                             std::to_string(stored)});
  }
  // A correction continues the stored revision: its log starts with the stored log, and the patient, payer,
  // discipline, place of service, telehealth and rendering clinician stay as they were signed.
  {
    auto prior = storedBody(store, s.id, stored);
    if (!prior) return fail(prior.error());
    if (prior.value()) {
      const auto& before = *prior.value();
      if (before.is_object()) {
        for (const char* key :
             {"patient", "payer", "discipline", "place_of_service", "telehealth", "rendering_clinician"}) {
          if (before.value(key, nlohmann::json()) != canonical.value(key, nlohmann::json())) {
            return fail(ApiError{409, key,
                                 "a correction cannot change what revision " + std::to_string(stored) +
                                     " was signed for; void the session and record a new one"});
          }
        }
        const auto& was = before.value("events", nlohmann::json::array());
        const auto& is = canonical.value("events", nlohmann::json::array());
        bool extends = was.is_array() && is.is_array() && is.size() > was.size();
        for (std::size_t i = 0; extends && i < was.size(); ++i) extends = was[i] == is[i];
        if (!extends) {
          return fail(ApiError{409, "events",
                               "revision " + std::to_string(s.revision) +
                                   " does not continue the log of revision " + std::to_string(stored)});
        }
      }
    }
  }
  if (auto r = store.updateSession(latest()); !r) return fail(r.error());
  if (auto r = store.insertRevision(revision()); !r) return fail(r.error());
  if (auto r = store.replaceSessionDays(device.clinicId, s.id, daysOf(s)); !r) return fail(r.error());
  return IngestOutcome{IngestResult::kRevised, s.revision};
}

namespace {

std::string describe(const std::vector<std::string>& v) {
  std::string out = "[";
  for (const auto& x : v) out += (out.size() > 1 ? ", " : "") + x;
  return out + "]";
}

std::string describe(const wire::Segment& s) {
  return s.code + " " + std::string(core::toString(s.performer)) + " " + std::string(core::toString(s.mode)) +
         " by " + s.clinician + " " + wire::formatUtcTimestamp(s.start) + "–" +
         wire::formatUtcTimestamp(s.end) + " on " + s.date;
}

std::string describe(const wire::Untimed& u) {
  return u.code + " " + std::to_string(u.minutes.count()) + " min (" +
         std::to_string(u.assistantMinutes.count()) + " by an assistant) by " + u.clinician + " on " + u.date;
}

std::optional<ApiError> differs(const std::string& field, const std::string& sent,
                                const std::string& derived) {
  if (sent == derived) return std::nullopt;
  return badRequest(field, "is " + sent + " but the session's event log gives " + derived);
}

// The first derived list element that differs from what was sent, by index.
template <class T>
std::optional<ApiError> listDiffers(const std::string& field, const std::vector<T>& sent,
                                    const std::vector<T>& derived) {
  for (std::size_t i = 0; i < std::min(sent.size(), derived.size()); ++i) {
    if (!(sent[i] == derived[i])) {
      return badRequest(
          field + "[" + std::to_string(i) + "]",
          "is " + describe(sent[i]) + " but the session's event log gives " + describe(derived[i]));
    }
  }
  if (sent.size() != derived.size()) {
    return badRequest(field, "holds " + std::to_string(sent.size()) + " but the session's event log gives " +
                                 std::to_string(derived.size()));
  }
  return std::nullopt;
}

}  // namespace

Result<ReplayContext> loadReplayContext(StoreConnection& store, const std::string& clinicId) {
  ReplayContext c;
  auto ids = store.clinicianIds(clinicId);
  if (!ids) return fail(ids.error());
  c.roster.insert(ids->begin(), ids->end());
  auto rules = loadBillingRules(store, clinicId);
  if (!rules) return fail(rules.error());
  c.rules = std::move(rules).value();
  c.zone = clinicTimeZone(store, clinicId);
  return c;
}

Result<wire::SessionUpload> replayUpload(const ReplayContext& clinic, const Principal& device,
                                         wire::SessionUpload upload) {
  // Everyone the upload names must be on the clinic's roster (inactive clinicians too: a session recorded
  // before a clinician left still arrives).
  const auto& roster = clinic.roster;
  const std::string notOnRoster = "is not a clinician on this clinic's roster";
  if (!roster.count(upload.renderingClinician)) return reject("rendering_clinician", notOnRoster);
  for (std::size_t i = 0; i < upload.clinicians.size(); ++i)
    if (!roster.count(upload.clinicians[i]))
      return reject("clinicians[" + std::to_string(i) + "]", notOnRoster);
  for (std::size_t i = 0; i < upload.events.size(); ++i) {
    const auto& who = upload.events[i].clinicianId;
    if (!who.empty() && !roster.count(who))
      return reject("events[" + std::to_string(i) + "].clinician", notOnRoster);
  }

  // The log, replayed event by event so that a refusal names the event.
  const auto header = wire::headerOf(upload, device.clinicId, "device-" + std::to_string(device.deviceId));
  {
    auto session = core::Session::restore(header, {upload.events.front()});
    if (!session) return reject("events[0]", session.error().message);
    for (std::size_t i = 1; i < upload.events.size(); ++i) {
      if (auto ok = session->apply(upload.events[i]); !ok) {
        return reject("events[" + std::to_string(i) + "]",
                      "(" + std::string(core::toString(upload.events[i].type)) +
                          ") cannot be replayed: " + ok.error().message);
      }
    }
  }

  const std::string& zone = clinic.zone;
  const wire::DayOf dayOf = [&zone](core::WallTime t) -> std::optional<wire::LocalDay> {
    auto date = platform::localDate(t, zone);
    if (!date) return std::nullopt;
    auto range = platform::localDayRange(date.value(), zone);
    if (!range) return std::nullopt;
    return wire::LocalDay{platform::formatIsoDate(date.value()), range->start, range->end};
  };
  std::string unbillable;
  auto derived = wire::describeSession(header, upload.events, dayOf, clinic.rules, &unbillable);
  if (!derived) return reject("events", derived.error());
  // A signed session the clinic's rules cannot bill (a code its catalog does not know) would hold every
  // session of that patient's day: refused, so the device shows it as rejected and it can be corrected.
  if (upload.status == core::SessionStatus::signed_ && !unbillable.empty())
    return reject("lines", "cannot be billed under the clinic's rules (" + unbillable + ")");
  const auto& d = derived.value();
  auto time = [](const std::optional<WireTime>& t) {
    return t ? wire::formatUtcTimestamp(*t) : std::string("absent");
  };
  std::optional<ApiError> e;
  if ((e = differs("status", std::string(core::toString(upload.status)),
                   std::string(core::toString(d.status)))) ||
      (e = differs("revision", std::to_string(upload.revision), std::to_string(d.revision))) ||
      (e = differs("service_date", upload.serviceDate, d.serviceDate)) ||
      (e = differs("diagnoses", describe(upload.diagnoses), describe(d.diagnoses))) ||
      (e = differs("clinicians", describe(upload.clinicians), describe(d.clinicians))) ||
      (upload.startedAt && (e = differs("started_at", time(upload.startedAt), time(d.startedAt)))) ||
      (upload.endedAt && (e = differs("ended_at", time(upload.endedAt), time(d.endedAt)))) ||
      (upload.revision > 1 && (e = differs("reason", upload.reason, d.reason))) ||
      (e = listDiffers("segments", upload.segments, d.segments)) ||
      (e = listDiffers("untimed", upload.untimed, d.untimed))) {
    return fail(*e);
  }
  return upload;
}

Result<bool> transferSession(StoreConnection& store, const std::string& clinicId,
                             const std::string& sessionId, std::int64_t toDevice) {
  auto ofClinic = store.isDeviceOfClinic(toDevice, clinicId);
  if (!ofClinic) return fail(ofClinic.error());
  if (!ofClinic.value())
    return fail(ApiError{404, "device",
                         "device " + std::to_string(toDevice) + " is not a device of clinic " + clinicId});
  auto moved = store.setSessionDevice(sessionId, clinicId, toDevice);
  if (!moved) return fail(moved.error());
  if (!moved.value())
    return fail(ApiError{404, "session", "session " + sessionId + " is not a session of clinic " + clinicId});
  return true;
}

std::string clinicTimeZone(StoreConnection& store, const std::string& clinicId) {
  auto clinic = store.findClinic(clinicId);
  if (!clinic || !clinic.value()) return "UTC";
  return clinic.value()->timeZone;
}

std::string clinicToday(StoreConnection& store, const std::string& clinicId, wire::WireTime now) {
  auto date = platform::localDate(now, clinicTimeZone(store, clinicId));
  if (!date) return wire::formatUtcTimestamp(now).substr(0, 10);  // an unreadable zone: UTC, never nothing
  return platform::formatIsoDate(date.value());
}

std::string rejectionDay(StoreConnection& store, const std::string& clinicId, const nlohmann::json* body,
                         wire::WireTime arrived) {
  const auto dateOf = [](const nlohmann::json& o, const char* key) -> std::string {
    auto it = o.find(key);
    if (it == o.end() || !it->is_string()) return {};
    const auto& text = it->get_ref<const std::string&>();
    return wire::isCalendarDate(text) ? text : std::string{};
  };
  std::string zone;  // read once, only when a segment's start has to be placed on the clinic's calendar
  if (body != nullptr && body->is_object()) {
    if (auto d = dateOf(*body, "service_date"); !d.empty()) return d;
    for (const char* list : {"segments", "untimed"}) {
      auto items = body->find(list);
      if (items == body->end() || !items->is_array()) continue;
      for (const auto& item : *items) {
        if (!item.is_object()) continue;
        if (auto d = dateOf(item, "date"); !d.empty()) return d;
        auto start = item.find("start");
        if (start == item.end() || !start->is_string()) continue;
        if (auto t = wire::parseUtcTimestamp(start->get_ref<const std::string&>())) {
          if (zone.empty()) zone = clinicTimeZone(store, clinicId);
          if (auto local = platform::localDate(*t, zone)) return platform::formatIsoDate(local.value());
        }
      }
    }
  }
  return clinicToday(store, clinicId, arrived);
}

void recordRejection(StoreConnection& store, const Principal& device, std::string_view sessionId,
                     const ApiError& e, const nlohmann::json* body) {
  const auto arrived = std::chrono::floor<std::chrono::milliseconds>(std::chrono::system_clock::now());
  RejectionRow row;
  row.clinicId = device.clinicId;
  row.day = rejectionDay(store, device.clinicId, body, arrived);
  row.deviceId = device.deviceId;
  row.sessionId = std::string(sessionId.substr(0, 64));
  row.status = e.status;
  row.field = e.field;
  row.message = e.message;
  row.receivedAt = wire::formatUtcTimestamp(std::chrono::floor<std::chrono::seconds>(arrived));
  (void)store.addRejection(row);  // best effort: the refusal itself is the answer
}

}  // namespace unitclock::server
