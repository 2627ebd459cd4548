// The server's counters and their Prometheus text (format 0.0.4), read back by an independent parser
// (python3-prometheus-client); and what a device's request says about it (User-Agent, Unitclock-Pending,
// last seen at most once a minute) on a real database file.
#include <gtest/gtest.h>

#include <unitclock/server/auth.h>
#include <unitclock/server/devices.h>
#include <unitclock/server/metrics.h>
#include <unitclock/version.h>

#include "prometheus_oracle.h"
#include "server_process.h"
#include "test_store.h"

namespace unitclock::server {
namespace {

using namespace std::chrono_literals;

TEST(MetricsRoutes, LabelRoutePatternsNeverIdsOrDates) {
  EXPECT_EQ(routeOf("/api/v1/sessions/5e0c9a3e-2f1b-4c55-9d1e-8a7b6c5d4e3f"), "/api/v1/sessions/{id}");
  EXPECT_EQ(routeOf("/api/v1/sessions/batch"), "/api/v1/sessions/batch");
  EXPECT_EQ(routeOf("/api/v1/days/2026-11-26/summary"), "/api/v1/days/{date}/summary");
  EXPECT_EQ(routeOf("/api/v1/days/2026-11-26/charges.hl7"), "/api/v1/days/{date}/charges.hl7");
  EXPECT_EQ(routeOf("/api/v1/days/2026-11-26/release"), "/api/v1/days/{date}/release");
  EXPECT_EQ(routeOf("/api/v1/health"), "/api/v1/health");
  EXPECT_EQ(routeOf("/metrics"), "/metrics");
  // What a scanner sends is one label, however many paths it tries.
  EXPECT_EQ(routeOf("/wp-login.php"), "other");
  EXPECT_EQ(routeOf("/api/v1/days/2026-11-26/summary/x"), "other");
  EXPECT_EQ(routeOf("/api/v1/sessions/not-a-session"), "other");
  EXPECT_EQ(methodOf("PUT"), "PUT");
  EXPECT_EQ(methodOf("BREW"), "other");
}

TEST(MetricsText, EscapesBackslashQuoteAndLineFeedInLabelValues) {
  EXPECT_EQ(escapeLabelValue(R"(a\b"c)"
                             "\nd"),
            R"(a\\b\"c\nd)");
}

TEST(MetricsText, AFreshServerHasEveryFamilyWithHelpAndTypeAndZeroCounts) {
  Metrics m;
  const std::string text = m.render(StoreGauges{});
  for (const char* family :
       {"unitclock_http_requests_total", "unitclock_rate_limited_total", "unitclock_ingest_sessions_total",
        "unitclock_commit_seconds", "unitclock_database_bytes", "unitclock_devices",
        "unitclock_device_last_seen_seconds", "unitclock_device_pending_uploads", "unitclock_build_info"}) {
    EXPECT_NE(text.find(std::string("# HELP ") + family + " "), std::string::npos) << family;
    EXPECT_NE(text.find(std::string("# TYPE ") + family + " "), std::string::npos) << family;
  }
  EXPECT_NE(text.find("unitclock_ingest_sessions_total{outcome=\"conflict\"} 0\n"), std::string::npos);
  EXPECT_NE(text.find("unitclock_commit_seconds_bucket{le=\"+Inf\"} 0\n"), std::string::npos);
  EXPECT_NE(text.find(std::string("unitclock_build_info{version=\"") + kVersion + "\"} 1\n"),
            std::string::npos);
  EXPECT_EQ(text.back(), '\n');  // the format ends every line, the last one too
}

TEST(MetricsText, CountsRequestsByPatternAndCommitsInCumulativeBuckets) {
  Metrics m;
  m.countRequest("PUT", "/api/v1/sessions/5e0c9a3e-2f1b-4c55-9d1e-8a7b6c5d4e3f", 201);
  m.countRequest("PUT", "/api/v1/sessions/6e0c9a3e-2f1b-4c55-9d1e-8a7b6c5d4e3f", 201);
  m.countRequest("GET", "/api/v1/config", 429);
  m.countRateLimited(RateLimit429::token);
  m.countIngest(UploadOutcome::created, 2);
  m.countIngest(refusalOutcome(409));
  m.observeCommit(0.0007s);  // in the 1 ms bucket and every one above
  m.observeCommit(3s);       // above the last bound: only +Inf
  const std::string text = m.render(StoreGauges{});
  EXPECT_NE(
      text.find(
          "unitclock_http_requests_total{method=\"PUT\",route=\"/api/v1/sessions/{id}\",status=\"201\"} 2\n"),
      std::string::npos)
      << text;
  EXPECT_EQ(text.find("5e0c9a3e"), std::string::npos);
  EXPECT_NE(text.find("unitclock_rate_limited_total{limit=\"token\"} 1\n"), std::string::npos);
  EXPECT_NE(text.find("unitclock_ingest_sessions_total{outcome=\"created\"} 2\n"), std::string::npos);
  EXPECT_NE(text.find("unitclock_ingest_sessions_total{outcome=\"conflict\"} 1\n"), std::string::npos);
  EXPECT_NE(text.find("unitclock_commit_seconds_bucket{le=\"0.0005\"} 0\n"), std::string::npos);
  EXPECT_NE(text.find("unitclock_commit_seconds_bucket{le=\"0.001\"} 1\n"), std::string::npos);
  EXPECT_NE(text.find("unitclock_commit_seconds_bucket{le=\"2.5\"} 1\n"), std::string::npos);
  EXPECT_NE(text.find("unitclock_commit_seconds_bucket{le=\"+Inf\"} 2\n"), std::string::npos);
  EXPECT_NE(text.find("unitclock_commit_seconds_count 2\n"), std::string::npos);
}

TEST(MetricsText, IsReadByAnIndependentParser) {
  Metrics m;
  m.countRequest("GET", "/api/v1/health", 200);
  m.countRequest("BREW", "/coffee", 404);
  m.countRateLimited(RateLimit429::address);
  m.countIngest(UploadOutcome::unchanged, 3);
  m.observeCommit(0.002s);
  StoreGauges store;
  store.databaseBytes = 1 << 20;
  store.activeDevices = 2;
  store.revokedDevices = 1;
  store.devices = {{7, "north", "unitclock/0.1.0", 1764165780.0, 4},
                   {8, "we\"ird\\clinic", "curl/8.0 \"x\"", std::nullopt, std::nullopt}};
  const auto r = testing::readWithPrometheusClient(m.render(store));
  ASSERT_TRUE(r.parsed) << r.error;
  EXPECT_EQ(r.type("unitclock_http_requests"), "counter");
  EXPECT_EQ(r.type("unitclock_commit_seconds"), "histogram");
  EXPECT_EQ(r.type("unitclock_devices"), "gauge");
  EXPECT_EQ(
      r.value("unitclock_http_requests_total", {{"method", "other"}, {"route", "other"}, {"status", "404"}}),
      1.0);
  EXPECT_EQ(r.value("unitclock_rate_limited_total", {{"limit", "address"}}), 1.0);
  EXPECT_EQ(r.value("unitclock_ingest_sessions_total", {{"outcome", "unchanged"}}), 3.0);
  EXPECT_EQ(r.value("unitclock_commit_seconds_bucket", {{"le", "0.0025"}}), 1.0);
  EXPECT_EQ(r.value("unitclock_commit_seconds_count"), 1.0);
  EXPECT_EQ(r.value("unitclock_database_bytes"), 1048576.0);
  EXPECT_EQ(r.value("unitclock_devices", {{"state", "revoked"}}), 1.0);
  EXPECT_EQ(r.value("unitclock_device_last_seen_seconds", {{"device", "7"}, {"clinic", "north"}}),
            1764165780.0);
  EXPECT_EQ(r.value("unitclock_device_pending_uploads", {{"device", "7"}}), 4.0);
  EXPECT_FALSE(r.value("unitclock_device_pending_uploads", {{"device", "8"}}));  // never reported
  // Label values come back as they were, quotes and backslashes included.
  EXPECT_EQ(r.value("unitclock_device_info",
                    {{"device", "8"}, {"clinic", "we\"ird\\clinic"}, {"app_version", "curl/8.0 \"x\""}}),
            1.0);
}

TEST(DeviceSighting, KeepsUnitclockVersionsAndSanitisesAnyOtherUserAgent) {
  EXPECT_EQ(appVersionOf("unitclock/0.1.0"), "unitclock/0.1.0");
  EXPECT_EQ(appVersionOf("unitclock/1.2.3-rc1+deb12"), "unitclock/1.2.3-rc1+deb12");
  EXPECT_EQ(appVersionOf("curl/7.88.1"), "curl/7.88.1");
  EXPECT_EQ(appVersionOf("evil\x1b[2J\nline\xc3\xa9"), "evil?[2J?line??");
  EXPECT_EQ(appVersionOf(std::string(500, 'x')).size(), kMaxAppVersionBytes);
  EXPECT_EQ(appVersionOf("unitclock/" + std::string(100, '1')).size(), kMaxAppVersionBytes);
  EXPECT_EQ(appVersionOf(""), "");
}

TEST(DeviceSighting, ReadsPendingUploadsFromZeroToOneMillionAndIgnoresTheRest) {
  EXPECT_EQ(pendingUploadsOf("0"), 0);
  EXPECT_EQ(pendingUploadsOf("42"), 42);
  EXPECT_EQ(pendingUploadsOf("1000000"), 1'000'000);
  EXPECT_FALSE(pendingUploadsOf("1000001"));
  EXPECT_FALSE(pendingUploadsOf("-1"));
  EXPECT_FALSE(pendingUploadsOf("+3"));
  EXPECT_FALSE(pendingUploadsOf("3.5"));
  EXPECT_FALSE(pendingUploadsOf("99999999999999999999"));
  EXPECT_FALSE(pendingUploadsOf(""));
  EXPECT_FALSE(pendingUploadsOf("12 "));
}

// A clinic with one enrolled device (id 1), on a real database file.
class DeviceRows : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = open();
    auto e = enrollDevice(*db, clinic.enrollCode, "room 3 kiosk");
    ASSERT_TRUE(e) << e.error().message;
    deviceId = e->deviceId;
  }
  std::unique_ptr<StoreConnection> open() {
    auto store = openServerStore(testing::testStoreOptions(clinic.dataDir));
    if (!store) throw std::runtime_error(store.error().message);
    auto db = store.value()->connect();
    if (!db) throw std::runtime_error(db.error().message);
    return std::move(db).value();
  }
  testing::Clinic clinic;
  std::int64_t deviceId = 0;
  const wire::WireTime t0 = wire::WireTime{std::chrono::sys_days{std::chrono::year{2026} / 11 / 26}} + 14h;
};

TEST_F(DeviceRows, ListDevicesShowsEnrollmentBeforeTheDeviceEverCalled) {
  auto db = open();
  auto rows = db->listDevices("north");
  ASSERT_TRUE(rows) << rows.error().message;
  ASSERT_EQ(rows->size(), 1u);
  const DeviceRow& d = rows->front();
  EXPECT_EQ(d.id, deviceId);
  EXPECT_EQ(d.clinic, "north");
  EXPECT_EQ(d.label, "room 3 kiosk");
  EXPECT_FALSE(d.enrolledAt.empty());
  EXPECT_FALSE(d.revokedAt);
  EXPECT_FALSE(d.lastSeenAt);
  EXPECT_EQ(d.appVersion, "");
  EXPECT_FALSE(d.pendingUploads);
  auto other = db->listDevices("south");
  ASSERT_TRUE(other);
  EXPECT_TRUE(other->empty());
}

TEST_F(DeviceRows, LastSeenIsWrittenAtMostOnceAMinuteUnlessWhatTheDeviceSaysChanged) {
  auto db = open();
  const DeviceSighting kiosk{"unitclock/0.1.0", 3};
  auto seen = [&](const DeviceSighting& s, wire::WireTime at) {
    auto r = recordDeviceSeen(*db, deviceId, s, at);
    if (!r) throw std::runtime_error(r.error().message);
    return r.value();
  };
  EXPECT_TRUE(seen(kiosk, t0));
  EXPECT_FALSE(seen(kiosk, t0 + 30s));                              // same minute, nothing new: no write
  EXPECT_TRUE(seen({"unitclock/0.1.0", 2}, t0 + 40s));              // a session reached the server
  EXPECT_FALSE(seen({"unitclock/0.1.0", std::nullopt}, t0 + 50s));  // no header keeps the count
  EXPECT_TRUE(seen({"unitclock/0.2.0", std::nullopt}, t0 + 55s));   // updated app
  EXPECT_TRUE(seen({"unitclock/0.2.0", 2}, t0 + 55s + 60s));        // a minute later: written again
  auto rows = db->listDevices("");
  ASSERT_TRUE(rows) << rows.error().message;
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ(rows->front().lastSeenAt, formatUtcTimestamp(t0 + 115s));
  EXPECT_EQ(rows->front().appVersion, "unitclock/0.2.0");
  EXPECT_EQ(rows->front().pendingUploads, 2);
}

}  // namespace
}  // namespace unitclock::server
