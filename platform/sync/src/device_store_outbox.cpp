#include <nlohmann/json.hpp>

#include <unitclock/platform/device_store.h>
#include <unitclock/platform/device_store_outbox.h>
#include <unitclock/platform/time_zone.h>
#include <unitclock/platform/wire/device_config.h>
#include <unitclock/platform/wire/session_upload.h>
#include <algorithm>

namespace unitclock::platform {
namespace {

// The log of revision `revision` as it is to be uploaded: every event up to that revision's signature, or up
// to its void when the session was voided during that revision (a void after signing, even after the
// revision was uploaded, is the same revision voided: the outbox queues it again under that revision).
// A revision starts with the session (revision 1) or with a reopen.
std::vector<core::Event> eventsOfRevision(const std::vector<core::Event>& events, int revision) {
  int current = 1;
  std::size_t end = events.size();
  bool found = false;
  for (std::size_t i = 0; i < events.size(); ++i) {
    const auto type = events[i].type;
    if (type == core::EventType::session_reopened && ++current > revision) break;
    if (current != revision) continue;
    if (type == core::EventType::session_signed || type == core::EventType::session_voided) {
      end = i + 1;
      found = true;
    }
  }
  if (!found) return events;
  return {events.begin(), events.begin() + static_cast<std::ptrdiff_t>(end)};
}

bool isVoid(const std::string& body) {
  auto j = nlohmann::json::parse(body, nullptr, false);
  return j.is_object() && j.value("status", "") == "voided";
}

}  // namespace

struct DeviceStoreOutbox::Impl {
  std::string path;
  const core::Clock& clock;
  std::optional<DeviceStore> store;
  std::size_t cachedPending = 0;
  std::chrono::steady_clock::time_point countedAt{};
  // The billing rules of the cached configuration, and the text they were read from: read again only
  // when the server sent a new configuration.
  std::string rulesSource;
  wire::BillingRules rules;

  Impl(std::string p, const core::Clock& c) : path(std::move(p)), clock(c) {}

  DeviceStore* open(std::string* error) {
    if (store) return &*store;
    auto s = DeviceStore::open(path);
    if (!s) {
      if (error) *error = s.error().message;
      return nullptr;
    }
    store.emplace(std::move(s).value());
    return &*store;
  }

  std::string zone() {
    auto* s = open(nullptr);
    if (!s) return "UTC";
    auto z = s->clinicTimeZone();
    return z ? z.value() : "UTC";
  }

  // The clinic's rules as the cached configuration names them; the built-in ones before the first
  // configuration arrives. A cached configuration that cannot be read is an error, never a quiet return
  // to the built-in rules: the server would bill the session differently.
  const wire::BillingRules* billingRules(DeviceStore& s, std::string& error) {
    auto cached = s.setting(kConfigSetting);
    if (!cached) {
      error = cached.error().message;
      return nullptr;
    }
    const std::string text = cached.value() ? *cached.value() : std::string();
    if (text == rulesSource) return &rules;
    if (text.empty()) {
      rules = wire::BillingRules{};
    } else {
      auto config = wire::parseDeviceConfigBody(text);
      if (!config) {
        // Pulled again with the next configuration request, which then cannot be answered "not modified".
        (void)s.setSetting(kConfigEtagSetting, "", "sync", clock.now().wall);
        error = "the clinic's configuration on this device cannot be read (" + config.error().field + ": " +
                config.error().message + ")";
        return nullptr;
      }
      rules = wire::rulesOf(config.value());
    }
    rulesSource = text;
    return &rules;
  }

  wire::DayOf dayOf() {
    return [z = zone()](core::WallTime t) -> std::optional<wire::LocalDay> {
      auto date = localDate(t, z);
      if (!date) return std::nullopt;
      auto range = localDayRange(date.value(), z);
      if (!range) return std::nullopt;
      return wire::LocalDay{formatIsoDate(date.value()), range->start, range->end};
    };
  }
};

DeviceStoreOutbox::DeviceStoreOutbox(std::string storePath, const core::Clock& clock)
    : m_impl(std::make_unique<Impl>(std::move(storePath), clock)) {}
DeviceStoreOutbox::~DeviceStoreOutbox() = default;

std::optional<PendingUpload> DeviceStoreOutbox::nextUpload(std::string& error) {
  auto batch = nextUploads(1, error);
  if (batch.empty()) return std::nullopt;
  return std::move(batch.front());
}

std::vector<PendingUpload> DeviceStoreOutbox::nextUploads(std::size_t max, std::string& error) {
  std::vector<PendingUpload> out;
  auto* s = m_impl->open(&error);
  if (!s) return out;
  // The store's own next_attempt_at is not used: the worker keeps the backoff.
  auto pending = s->pendingOutbox(core::WallTime::max(), static_cast<int>(max));
  if (!pending) {
    error = pending.error().message;
    return out;
  }
  auto dayOf = m_impl->dayOf();
  const wire::BillingRules* rules = m_impl->billingRules(*s, error);
  if (rules == nullptr) return out;
  for (const OutboxEntry& e : pending.value()) {
    auto stored = s->loadSession(e.sessionId);
    if (!stored) {
      error = stored.error().message;
      return out;  // what was read so far still goes
    }
    auto upload = wire::describeSession(stored->row.header, eventsOfRevision(stored->events, e.revision),
                                        dayOf, *rules);
    if (!upload) {
      // A log the device cannot replay will not get better by retrying: refuse it locally, visibly.
      (void)s->markOutboxRejected(e.id, "cannot be prepared for upload: " + upload.error());
      continue;
    }
    out.push_back(PendingUpload{e.id, e.sessionId, e.revision, wire::toJson(upload.value()).dump()});
  }
  return out;
}

std::size_t DeviceStoreOutbox::pendingCount() {
  auto now = std::chrono::steady_clock::now();
  // Counting is a scan of the outbox: during a catch-up of thousands, refresh it at most twice a second.
  if (now - m_impl->countedAt < std::chrono::milliseconds{500}) return m_impl->cachedPending;
  auto* s = m_impl->open(nullptr);
  if (!s) return m_impl->cachedPending;
  auto pending = s->pendingOutbox(core::WallTime::max(), 1000000);
  if (pending) {
    m_impl->cachedPending = pending->size();
    m_impl->countedAt = now;
  }
  return m_impl->cachedPending;
}

bool DeviceStoreOutbox::markUploaded(const PendingUpload& upload) {
  return markAllUploaded({upload});
}

bool DeviceStoreOutbox::markAllUploaded(const std::vector<PendingUpload>& uploads) {
  auto* s = m_impl->open(nullptr);
  if (!s) return false;
  const auto now = m_impl->clock.now();
  constexpr int kTries = 3;
  for (int attempt = 0; attempt < kTries; ++attempt) {
    std::vector<SentUpload> sent;
    sent.reserve(uploads.size());
    for (const PendingUpload& up : uploads) {
      // A signed body whose session was voided after it was read is not marked sent: the store leaves the
      // entry pending and the next round uploads the void.
      sent.push_back(SentUpload{up.outboxId, up.sessionId, std::nullopt, isVoid(up.body)});
      // The latest revision is on the server: record it in the session's log (status synced).
      auto stored = s->loadSession(up.sessionId);
      if (!stored) {
        if (stored.error().errc == StoreErrc::not_found) continue;
        return false;
      }
      if (stored->row.revision != up.revision || stored->row.status != core::SessionStatus::signed_) continue;
      auto session = core::Session::restore(stored->row.header, stored->events);
      if (!session) continue;
      auto e = core::makeEvent(core::EventType::session_synced, session->nextSequence(), now, "");
      if (session->check(e)) sent.back().syncedEvent = e;
    }
    auto r = s->markOutboxSent(sent, now.wall);
    if (r) {
      m_impl->cachedPending -= std::min(m_impl->cachedPending, uploads.size());
      return true;
    }
    // The app recorded an event into one of these sessions after it was read: read them again.
    if (r.error().errc != StoreErrc::conflict) return false;
  }
  return false;
}

bool DeviceStoreOutbox::markRejected(const PendingUpload& upload, int httpStatus,
                                     const std::string& message) {
  auto* s = m_impl->open(nullptr);
  if (!s) return false;
  if (m_impl->cachedPending > 0) --m_impl->cachedPending;
  return s->markOutboxRejected(upload.outboxId, "server " + std::to_string(httpStatus) + ": " + message).ok();
}

std::string DeviceStoreOutbox::configEtag() {
  auto* s = m_impl->open(nullptr);
  if (!s) return {};
  auto v = s->setting(kConfigEtagSetting);
  return v && v.value() ? *v.value() : std::string();
}

bool DeviceStoreOutbox::saveConfig(const std::string& json, const std::string& etag) {
  auto* s = m_impl->open(nullptr);
  if (!s) return false;
  // A configuration the device cannot read is not kept: the last good one stays, with its ETag, and the
  // next pull asks again.
  auto config = wire::parseDeviceConfigBody(json);
  if (!config) return false;
  auto now = m_impl->clock.now().wall;
  std::vector<Clinician> clinicians;
  for (const auto& c : config->roster)
    clinicians.push_back(Clinician{c.id, c.name, std::string(core::toString(c.role)), c.pinHash,
                                   true});  // the store's spelling is core's
  if (!s->replaceRoster(clinicians)) return false;
  const auto& zone = config->clinic.timezone;
  if (!zone.empty() && isKnownTimeZone(zone) && zone != m_impl->zone()) {
    if (!s->setSetting("clinic_time_zone", zone, "sync", now)) return false;
  }
  return s->setSetting(kConfigSetting, json, "sync", now).ok() &&
         s->setSetting(kConfigEtagSetting, etag, "sync", now).ok();
}

std::string DeviceStoreOutbox::today() {
  auto date = localDate(m_impl->clock.now().wall, m_impl->zone());
  if (!date) return {};
  return formatIsoDate(date.value());
}

std::optional<std::string> DeviceStoreOutbox::unsignedReport() {
  auto* s = m_impl->open(nullptr);
  if (!s) return std::nullopt;
  const auto now = m_impl->clock.now().wall;
  SessionFilter filter;
  filter.openedFrom = now - std::chrono::days{kUnsignedReportDays};
  auto rows = s->listSessions(filter);
  if (!rows) return std::nullopt;
  const auto zone = m_impl->zone();
  nlohmann::json list = nlohmann::json::array();
  // Newest first: past the server's limit of 500 it is the oldest that are left out.
  for (auto it = rows->rbegin(); it != rows->rend(); ++it) {
    const auto& row = *it;
    if (row.status != core::SessionStatus::open && row.status != core::SessionStatus::ended) continue;
    auto date = localDate(row.openedAt, zone);
    if (!date) continue;
    list.push_back({{"id", row.header.id},
                    {"clinician", row.header.renderingClinicianId},
                    {"date", formatIsoDate(date.value())},
                    {"state", std::string(core::toString(row.status))},
                    {"initials", row.header.patient.initials},
                    {"started_at", wire::formatUtcTimestamp(row.openedAt)}});
    if (list.size() == 500) break;  // the server's limit (server/devices.h)
  }
  return nlohmann::json{{"sessions", list}}.dump();
}

}  // namespace unitclock::platform
