#include <unitclock/server/devices.h>
#include <unitclock/server/metrics.h>
#include <unitclock/version.h>
#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <filesystem>

namespace unitclock::server {
namespace {

// A short text that reads back as `v`, as Prometheus' own clients write it: whole numbers (Unix times)
// without exponent, others in the shortest general form ("0.0005", "2.5").
std::string number(double v) {
  if (std::isfinite(v) && v == std::floor(v) && std::fabs(v) < 1e15)
    return std::to_string(static_cast<std::int64_t>(v));
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::general);
  return ec == std::errc{} ? std::string(buf, end) : std::string("NaN");
}

bool allDigits(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// A path segment the routes accept as a session id ([0-9A-Fa-f-]{36}) or a date (\d{4}-\d{2}-\d{2}).
bool isIdSegment(std::string_view s) {
  return s.size() == 36 && std::all_of(s.begin(), s.end(), [](char c) {
           return std::isxdigit(static_cast<unsigned char>(c)) || c == '-';
         });
}
bool isDateSegment(std::string_view s) {
  return s.size() == 10 && s[4] == '-' && s[7] == '-' && allDigits(s.substr(0, 4)) &&
         allDigits(s.substr(5, 2)) && allDigits(s.substr(8, 2));
}

void header(std::string& out, std::string_view name, std::string_view type, std::string_view help) {
  out.append("# HELP ").append(name).append(" ").append(help).append("\n");
  out.append("# TYPE ").append(name).append(" ").append(type).append("\n");
}

}  // namespace

std::string_view routeOf(std::string_view path) {
  static constexpr std::array<std::string_view, 5> kFixed{
      "/api/v1/health", "/api/v1/enroll", "/api/v1/config", "/api/v1/sessions/batch", "/metrics"};
  for (auto fixed : kFixed)
    if (path == fixed) return fixed;
  constexpr std::string_view kSessions = "/api/v1/sessions/";
  if (path.substr(0, kSessions.size()) == kSessions && isIdSegment(path.substr(kSessions.size())))
    return "/api/v1/sessions/{id}";
  constexpr std::string_view kDays = "/api/v1/days/";
  if (path.substr(0, kDays.size()) == kDays && path.size() > kDays.size() + 11 &&
      isDateSegment(path.substr(kDays.size(), 10)) && path[kDays.size() + 10] == '/') {
    const auto rest = path.substr(kDays.size() + 11);
    if (rest == "summary") return "/api/v1/days/{date}/summary";
    if (rest == "charges.csv") return "/api/v1/days/{date}/charges.csv";
    if (rest == "charges.hl7") return "/api/v1/days/{date}/charges.hl7";
    if (rest == "charges.json") return "/api/v1/days/{date}/charges.json";
    if (rest == "release") return "/api/v1/days/{date}/release";
  }
  return "other";
}

std::string_view methodOf(std::string_view method) {
  static constexpr std::array<std::string_view, 9> kMethods{"GET",   "HEAD",    "POST",  "PUT",    "DELETE",
                                                            "PATCH", "OPTIONS", "TRACE", "CONNECT"};
  for (auto m : kMethods)
    if (method == m) return m;
  return "other";
}

std::string_view toString(UploadOutcome o) {
  switch (o) {
    case UploadOutcome::created:
      return "created";
    case UploadOutcome::revised:
      return "revised";
    case UploadOutcome::voided:
      return "voided";
    case UploadOutcome::unchanged:
      return "unchanged";
    case UploadOutcome::rejected:
      return "rejected";
    case UploadOutcome::forbidden:
      return "forbidden";
    case UploadOutcome::conflict:
      return "conflict";
  }
  return "rejected";
}

UploadOutcome refusalOutcome(int status) {
  if (status == 409) return UploadOutcome::conflict;
  if (status == 403) return UploadOutcome::forbidden;
  return UploadOutcome::rejected;
}

std::string escapeLabelValue(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

void Metrics::countRequest(std::string_view method, std::string_view path, int status) {
  const auto key = std::make_tuple(methodOf(method), routeOf(path), status);
  std::lock_guard lock(m_mutex);
  ++m_requests[key];
}

void Metrics::countRateLimited(RateLimit429 limit) {
  std::lock_guard lock(m_mutex);
  ++m_rateLimited[limit == RateLimit429::token ? 0 : 1];
}

void Metrics::countIngest(UploadOutcome outcome, std::uint64_t sessions) {
  std::lock_guard lock(m_mutex);
  m_ingest[static_cast<std::size_t>(outcome)] += sessions;
}

void Metrics::observeCommit(std::chrono::duration<double> seconds) {
  const double s = seconds.count();
  std::lock_guard lock(m_mutex);
  auto bucket =
      std::lower_bound(kCommitBuckets.begin(), kCommitBuckets.end(), s);  // le: upper bound included
  if (bucket != kCommitBuckets.end())
    ++m_commitBuckets[static_cast<std::size_t>(bucket - kCommitBuckets.begin())];
  ++m_commitCount;
  m_commitSum += s;
}

void Metrics::countWriteRetry() {
  std::lock_guard lock(m_mutex);
  ++m_writeRetries;
}

std::string Metrics::render(const StoreGauges& store) const {
  std::string out;
  out.reserve(4096);
  header(out, "unitclock_build_info", "gauge", "The running unitclock-server's version (always 1).");
  out.append("unitclock_build_info{version=\"").append(escapeLabelValue(kVersion)).append("\"} 1\n");
  {
    std::lock_guard lock(m_mutex);
    header(out, "unitclock_http_requests_total", "counter",
           "HTTP requests answered since the server started, by method, route pattern and status.");
    for (const auto& [key, n] : m_requests) {
      const auto& [method, route, status] = key;
      out.append("unitclock_http_requests_total{method=\"")
          .append(method)
          .append("\",route=\"")
          .append(route)
          .append("\",status=\"")
          .append(std::to_string(status))
          .append("\"} ")
          .append(std::to_string(n))
          .append("\n");
    }
    header(out, "unitclock_rate_limited_total", "counter",
           "Requests answered 429, by the limit that refused them: a token's rate limit, or the per-address "
           "limit of enrollment attempts and failed tokens.");
    out.append("unitclock_rate_limited_total{limit=\"token\"} ").append(std::to_string(m_rateLimited[0]));
    out.append("\nunitclock_rate_limited_total{limit=\"address\"} ").append(std::to_string(m_rateLimited[1]));
    out.append("\n");
    header(out, "unitclock_ingest_sessions_total", "counter",
           "Uploaded sessions (PUT or batch items) by what the server answered: created, revised, voided, "
           "unchanged, or refused (rejected 400, forbidden 403, conflict 409).");
    for (auto o : kUploadOutcomes) {
      out.append("unitclock_ingest_sessions_total{outcome=\"")
          .append(toString(o))
          .append("\"} ")
          .append(std::to_string(m_ingest[static_cast<std::size_t>(o)]))
          .append("\n");
    }
    header(
        out, "unitclock_commit_seconds", "histogram",
        "Time of each COMMIT of the writer's group transaction, which holds every upload: the disk flush.");
    std::uint64_t cumulative = 0;
    for (std::size_t i = 0; i < kCommitBuckets.size(); ++i) {
      cumulative += m_commitBuckets[i];
      out.append("unitclock_commit_seconds_bucket{le=\"")
          .append(number(kCommitBuckets[i]))
          .append("\"} ")
          .append(std::to_string(cumulative))
          .append("\n");
    }
    out.append("unitclock_commit_seconds_bucket{le=\"+Inf\"} ").append(std::to_string(m_commitCount));
    out.append("\nunitclock_commit_seconds_sum ").append(number(m_commitSum));
    out.append("\nunitclock_commit_seconds_count ").append(std::to_string(m_commitCount)).append("\n");
    header(out, "unitclock_write_retries_total", "counter",
           "Groups of uploads run again because the store asked (PostgreSQL: a deadlock, or another "
           "instance storing the same session at the same moment).");
    out.append("unitclock_write_retries_total ").append(std::to_string(m_writeRetries)).append("\n");
  }
  header(out, "unitclock_database_bytes", "gauge",
         "Size of the server's store: SQLite's database pages plus its write-ahead log, or the PostgreSQL "
         "database.");
  out.append("unitclock_database_bytes ").append(std::to_string(store.databaseBytes)).append("\n");
  header(out, "unitclock_devices", "gauge", "Enrolled devices, active or revoked.");
  out.append("unitclock_devices{state=\"active\"} ").append(std::to_string(store.activeDevices));
  out.append("\nunitclock_devices{state=\"revoked\"} ").append(std::to_string(store.revokedDevices));
  out.append("\n");
  auto deviceLabels = [](const DeviceGauge& d) {
    return "device=\"" + std::to_string(d.id) + "\",clinic=\"" + escapeLabelValue(d.clinic) + "\"";
  };
  header(out, "unitclock_device_last_seen_seconds", "gauge",
         "Unix time of an active device's last authenticated request (to the minute); absent before its "
         "first.");
  for (const auto& d : store.devices) {
    if (!d.lastSeenSeconds) continue;
    out.append("unitclock_device_last_seen_seconds{")
        .append(deviceLabels(d))
        .append("} ")
        .append(number(*d.lastSeenSeconds))
        .append("\n");
  }
  header(out, "unitclock_device_pending_uploads", "gauge",
         "Sessions waiting in an active device's outbox, as it last reported them (Unitclock-Pending).");
  for (const auto& d : store.devices) {
    if (!d.pendingUploads) continue;
    out.append("unitclock_device_pending_uploads{")
        .append(deviceLabels(d))
        .append("} ")
        .append(std::to_string(*d.pendingUploads))
        .append("\n");
  }
  header(out, "unitclock_device_info", "gauge",
         "An active device's app version, from its User-Agent (always 1).");
  for (const auto& d : store.devices) {
    if (d.appVersion.empty()) continue;
    out.append("unitclock_device_info{")
        .append(deviceLabels(d))
        .append(",app_version=\"")
        .append(escapeLabelValue(d.appVersion))
        .append("\"} 1\n");
  }
  return out;
}

Result<StoreGauges> readStoreGauges(StoreConnection& store) {
  StoreGauges g;
  auto bytes = store.storeBytes();
  if (!bytes) return fail(bytes.error());
  g.databaseBytes = bytes.value();
  auto devices = store.listDevices("");
  if (!devices) return fail(devices.error());
  for (const auto& d : devices.value()) {
    if (d.revokedAt) {
      ++g.revokedDevices;
      continue;
    }
    ++g.activeDevices;
    DeviceGauge gauge{d.id, d.clinic, d.appVersion, std::nullopt, d.pendingUploads};
    if (d.lastSeenAt) {
      if (auto t = parseUtcTimestamp(*d.lastSeenAt))
        gauge.lastSeenSeconds = std::chrono::duration<double>(t->time_since_epoch()).count();
    }
    g.devices.push_back(std::move(gauge));
  }
  return g;
}

}  // namespace unitclock::server
