// The device's SyncWorker against a real unitclock-server process. An integration test of platform/sync
// with the server, so it lives here, where the server binary is built first; the worker's retry policy
// against a misbehaving server in the test process is tests/platform/sync/sync_worker_test.cpp.
#include <gtest/gtest.h>

#include <unitclock/core/session.h>
#include <unitclock/platform/sqlite.h>
#include <unitclock/platform/sync_worker.h>
#include <unitclock/platform/time_zone.h>
#include <unitclock/platform/wire/session_upload.h>
#include <unitclock/server/devices.h>
#include <unitclock/version.h>
#include <atomic>
#include <mutex>

#include "api_client.h"
#include "prometheus_oracle.h"
#include "server_process.h"
#include "support/queue_outbox.h"
#include "test_store.h"
#include "upload_fixtures.h"

namespace unitclock::server {
namespace {

using testing::waitFor;

using namespace std::chrono_literals;
using platform::SyncWorker;
using unitclock::test::fastOptions;
using unitclock::test::QueueOutbox;

std::string enroll(const std::string& url, const std::string& code) {
  platform::HttpClientOptions o;
  o.baseUrl = url;
  auto e = platform::enrollDevice(o, code, "room 1 tablet");
  if (!e) throw std::runtime_error(e.error().message);
  return e->token;
}

TEST(SyncWorkerWithServer, UploadsTheOutboxInOrderAndPullsTheConfigOnce) {
  testing::Clinic clinic;
  testing::ServerProcess server(clinic.dataDir);
  auto token = enroll(server.url(), clinic.enrollCode);
  auto outbox = std::make_unique<QueueOutbox>();
  auto* box = outbox.get();
  // Sessions of the clinic's today (UTC), so that the device token may read the day's summary below; if
  // a midnight passes meanwhile, that day is yesterday, which it may read too.
  const std::string day = platform::formatIsoDate(
      std::chrono::year_month_day{std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now())});
  for (int i = 1; i <= 5; ++i) {
    box->add(testing::sessionId(i), testing::upload(testing::sessionId(i), "MRN" + std::to_string(i),
                                                    {{"97110", "09:00:00", "09:20:00"}}, day)
                                        .dump());
  }
  std::atomic<int> wakes{0};
  SyncWorker worker(std::move(outbox), fastOptions(server.url(), token), [&] { ++wakes; });
  worker.start();
  ASSERT_TRUE(waitFor([&] { return worker.state().pending == 0 && worker.state().uploaded == 5; }))
      << worker.state().lastError;
  {
    std::lock_guard lock(box->m);
    ASSERT_EQ(box->uploaded.size(), 5u);
    for (int i = 1; i <= 5; ++i) EXPECT_EQ(box->uploaded[i - 1], testing::sessionId(i));
    EXPECT_EQ(box->configSaves, 1);
    EXPECT_NE(box->config.find("\"ot1\""), std::string::npos);
  }
  EXPECT_GT(wakes.load(), 0);
  auto s = worker.state();
  EXPECT_TRUE(s.lastSuccess.has_value());
  EXPECT_TRUE(s.lastError.empty());
  EXPECT_EQ(s.configVersion, 1u);

  // Pulling again gets 304: nothing saved.
  worker.pullConfigNow();
  std::this_thread::sleep_for(300ms);
  EXPECT_EQ(worker.state().configVersion, 1u);
  EXPECT_EQ(testing::queryCount(clinic.dataDir, "SELECT count(*) FROM sessions"), 5);

  // The supervisor screen's clinic-wide summary, fetched on the worker thread.
  worker.requestDaySummary(day);
  ASSERT_TRUE(waitFor([&] { return !worker.state().summaryJson.empty(); }));
  auto summary = nlohmann::json::parse(worker.state().summaryJson);
  EXPECT_EQ(summary["sessions"], 5);
}

TEST(SyncWorkerWithServer, ARefusedSessionInABatchIsMarkedRejectedAndTheOthersGoThrough) {
  testing::Clinic clinic;
  testing::ServerProcess server(clinic.dataDir);
  auto token = enroll(server.url(), clinic.enrollCode);
  auto outbox = std::make_unique<QueueOutbox>();
  auto* box = outbox.get();
  for (int i = 1; i <= 3; ++i) {
    auto body = testing::upload(testing::sessionId(i), "MRN1", {{"97110", "09:00:00", "09:20:00"}});
    if (i == 2) body["segments"][0]["end"] = "2026-11-26T08:00:00Z";
    box->add(testing::sessionId(i), body.dump());
  }
  SyncWorker worker(std::move(outbox), fastOptions(server.url(), token));
  worker.start();
  ASSERT_TRUE(waitFor([&] { return worker.state().pending == 0 && worker.state().rejected == 1; }));
  EXPECT_EQ(worker.state().uploaded, 2u);
  std::lock_guard lock(box->m);
  ASSERT_EQ(box->rejected.size(), 1u);
  EXPECT_EQ(box->rejected[0].first, testing::sessionId(2));
  EXPECT_EQ(box->rejected[0].second, "400 segments[0].end: is before start");
  EXPECT_EQ(testing::queryCount(clinic.dataDir, "SELECT count(*) FROM sessions"), 2);
}

TEST(SyncWorkerWithServer, AnOfflineDeviceCatchesUpWith200Sessions) {
  testing::Clinic clinic;
  int port = 0;
  std::string token;
  {
    testing::ServerProcess first(clinic.dataDir);
    port = first.port();
    token = enroll(first.url(), clinic.enrollCode);
  }  // the server goes away: the device is offline
  auto outbox = std::make_unique<QueueOutbox>();
  auto* box = outbox.get();
  for (int i = 1; i <= 200; ++i) {
    box->add(testing::sessionId(i), testing::upload(testing::sessionId(i), "MRN" + std::to_string(i % 17),
                                                    {{"97110", "09:00:00", "09:20:00"}})
                                        .dump());
  }
  const std::string url = "http://127.0.0.1:" + std::to_string(port);
  SyncWorker worker(std::move(outbox), fastOptions(url, token));
  worker.start();
  ASSERT_TRUE(waitFor([&] { return worker.state().consecutiveFailures >= 3; }));
  auto offline = worker.state();
  EXPECT_EQ(offline.pending, 200u);
  EXPECT_FALSE(offline.lastError.empty());
  EXPECT_TRUE(offline.nextAttempt.has_value());

  testing::ServerProcess back(clinic.dataDir, {}, "127.0.0.1:" + std::to_string(port));
  ASSERT_TRUE(waitFor([&] { return worker.state().pending == 0; }, 60s)) << worker.state().lastError;
  EXPECT_EQ(worker.state().uploaded, 200u);
  EXPECT_TRUE(worker.state().lastError.empty());
  EXPECT_EQ(testing::queryCount(clinic.dataDir, "SELECT count(*) FROM sessions"), 200);
  EXPECT_EQ(testing::queryCount(clinic.dataDir, "SELECT count(*) FROM session_revisions"), 200);
}

// The server's device list (StoreConnection::listDevices, `device list`) and /metrics show when a kiosk last
// called, its app version (libcurl's User-Agent "unitclock/<version>") and what waits in its outbox
// (Unitclock-Pending).
TEST(SyncWorkerWithServer, TheServerSeesTheDevicesLastCallAppVersionAndPendingUploads) {
  testing::Clinic clinic;
  auto fiveSessions = [] {
    auto outbox = std::make_unique<QueueOutbox>();
    for (int i = 1; i <= 5; ++i) {
      outbox->add(testing::sessionId(i),
                  testing::upload(testing::sessionId(i), "MRN1", {{"97110", "09:00:00", "09:20:00"}}).dump());
    }
    return outbox;
  };
  auto devices = [&] {
    auto store = server::openServerStore(testing::testStoreOptions(clinic.dataDir));
    if (!store) throw std::runtime_error(store.error().message);
    auto db = store.value()->connect();
    if (!db) throw std::runtime_error(db.error().message);
    auto rows = db.value()->listDevices("north");
    if (!rows) throw std::runtime_error(rows.error().message);
    return std::move(rows).value();
  };
  auto metricsOf = [&](const testing::ServerProcess& server) {
    auto c = testing::client(server.url(), clinic.supervisorToken);
    auto r = testing::must(c.get("/metrics"));
    if (r.status != 200) throw std::runtime_error(r.body);
    return testing::readWithPrometheusClient(r.body);
  };
  const auto before = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  const std::string appVersion = std::string("unitclock/") + kVersion;
  std::string token;
  {
    // One request per device at most: the configuration is pulled (it reports 5 waiting) and the first
    // upload gets 429, which changes nothing of the count (an upload's count is kept once it is accepted).
    testing::ServerProcess server(clinic.dataDir, {"--rate", "0.001", "--burst", "1"});
    token = enroll(server.url(), clinic.enrollCode);
    SyncWorker worker(fiveSessions(), fastOptions(server.url(), token));
    worker.start();
    ASSERT_TRUE(waitFor([&] {
      return worker.state().configVersion == 1 && worker.state().consecutiveFailures > 0;
    })) << worker.state().lastError;
    worker.stop();
    auto rows = devices();
    ASSERT_EQ(rows.size(), 1u);
    ASSERT_TRUE(rows[0].lastSeenAt);
    auto seen = parseUtcTimestamp(*rows[0].lastSeenAt);
    ASSERT_TRUE(seen) << *rows[0].lastSeenAt;
    EXPECT_GE(*seen, before);
    EXPECT_LE(*seen, std::chrono::system_clock::now());
    EXPECT_EQ(rows[0].appVersion, appVersion);
    EXPECT_EQ(rows[0].pendingUploads, 5);
    auto m = metricsOf(server);
    ASSERT_TRUE(m.parsed) << m.error;
    EXPECT_EQ(m.value("unitclock_device_pending_uploads", {{"device", "1"}, {"clinic", "north"}}), 5.0);
    EXPECT_EQ(m.value("unitclock_rate_limited_total", {{"limit", "token"}}), 1.0);
  }
  {
    // Without the limit the device catches up in batches of 2: the server's count goes to 0 with the last.
    testing::ServerProcess server(clinic.dataDir);
    auto options = fastOptions(server.url(), token);
    options.batchSize = 2;
    SyncWorker worker(fiveSessions(), options);
    worker.start();
    ASSERT_TRUE(waitFor([&] { return worker.state().uploaded == 5; })) << worker.state().lastError;
    worker.stop();
    auto rows = devices();
    ASSERT_EQ(rows.size(), 1u);
    EXPECT_EQ(rows[0].pendingUploads, 0);
    EXPECT_EQ(rows[0].appVersion, appVersion);
    auto m = metricsOf(server);
    ASSERT_TRUE(m.parsed) << m.error;
    EXPECT_EQ(m.value("unitclock_device_pending_uploads", {{"device", "1"}, {"clinic", "north"}}), 0.0);
    EXPECT_EQ(m.value("unitclock_ingest_sessions_total", {{"outcome", "created"}}), 5.0);
    EXPECT_EQ(m.value("unitclock_device_info", {{"device", "1"}, {"app_version", appVersion}}), 1.0);
    const auto lastSeen = m.value("unitclock_device_last_seen_seconds", {{"device", "1"}});
    ASSERT_TRUE(lastSeen);
    EXPECT_GE(*lastSeen, std::chrono::duration<double>(before.time_since_epoch()).count());
  }
}

TEST(SyncWorkerWithServer, AServerKilledMidUploadLosesNothingAndDoublesNothing) {
  testing::Clinic clinic;
  auto server = std::make_unique<testing::ServerProcess>(clinic.dataDir);
  const int port = server->port();
  auto token = enroll(server->url(), clinic.enrollCode);
  auto outbox = std::make_unique<QueueOutbox>();
  auto* box = outbox.get();
  constexpr int kSessions = 400;
  for (int i = 1; i <= kSessions; ++i) {
    box->add(testing::sessionId(i), testing::upload(testing::sessionId(i), "MRN" + std::to_string(i % 23),
                                                    {{"97110", "09:00:00", "09:20:00"}})
                                        .dump());
  }
  SyncWorker worker(std::move(outbox), fastOptions(server->url(), token));
  worker.start();
  ASSERT_TRUE(waitFor([&] { return worker.state().uploaded >= 60; }));
  server->stop(SIGKILL);  // mid-upload: requests are in flight
  auto atKill = worker.state().uploaded;
  EXPECT_LT(atKill, static_cast<std::uint64_t>(kSessions));
  ASSERT_TRUE(waitFor([&] { return worker.state().consecutiveFailures >= 1; }));
  server = std::make_unique<testing::ServerProcess>(clinic.dataDir, std::vector<std::string>{},
                                                    "127.0.0.1:" + std::to_string(port));
  ASSERT_TRUE(waitFor([&] { return worker.state().pending == 0; }, 60s)) << worker.state().lastError;
  EXPECT_EQ(testing::queryCount(clinic.dataDir, "SELECT count(*) FROM sessions"), kSessions);
  EXPECT_EQ(testing::queryCount(clinic.dataDir, "SELECT count(*) FROM session_revisions"), kSessions);
  EXPECT_EQ(testing::queryCount(clinic.dataDir, "SELECT count(DISTINCT session_id) FROM session_days"),
            kSessions);
  std::lock_guard lock(box->m);
  EXPECT_EQ(box->uploaded.size(), static_cast<std::size_t>(kSessions));
  EXPECT_TRUE(box->rejected.empty());
}

TEST(SyncWorkerWithServer, ASessionRecordedOnTheDeviceReachesTheServerWithTheSameUnits) {
  using namespace unitclock::core;
  SessionHeader h;
  h.id = testing::sessionId(77);
  h.clinicId = "north";
  h.deviceId = "1";
  h.patient = {"MRN77", "KW"};
  h.payerProfile = "medicare";
  h.discipline = Discipline::ot;
  h.diagnoses = {"M25.511"};
  h.renderingClinicianId = "ot1";
  auto t0 = WallTime{std::chrono::sys_days{2026y / 11 / 26} + 14h};
  auto at = [&](std::chrono::seconds s) { return Instant{t0 + s, "run-1", std::chrono::nanoseconds{s}}; };
  auto session = Session::create(h, at(0s), "ot1");
  ASSERT_TRUE(session.ok()) << session.error().message;
  std::vector<Event> events = session->events();
  auto add = [&](Event e) {
    auto r = session->apply(e);
    ASSERT_TRUE(r.ok()) << r.error().message;
    events.push_back(e);
  };
  add(activityStarted(session->nextSequence(), at(60s), "ot1", "97110", Performer::therapist));
  add(activityStarted(session->nextSequence(), at(60s + 33min), "ot1", "97140", Performer::therapist));
  add(makeEvent(EventType::session_ended, session->nextSequence(), at(60s + 40min), "ot1"));
  add(makeEvent(EventType::session_signed, session->nextSequence(), at(60s + 41min), "ot1"));
  auto described = wire::describeSession(h, events, wire::utcDays(), {});
  ASSERT_TRUE(described.ok()) << described.error();
  const std::string body = wire::toJson(described.value()).dump();
  auto j = nlohmann::json::parse(body);
  EXPECT_EQ(j["lines"].size(), 2u) << j.dump();

  testing::Clinic clinic;
  testing::ServerProcess server(clinic.dataDir);
  auto token = enroll(server.url(), clinic.enrollCode);
  auto outbox = std::make_unique<QueueOutbox>();
  outbox->add(h.id, body);
  SyncWorker worker(std::move(outbox), fastOptions(server.url(), token));
  worker.start();
  ASSERT_TRUE(waitFor([&] { return worker.state().uploaded == 1; })) << worker.state().lastError;
  // A past day: a device token reads only today's and yesterday's summary, a supervisor's any day.
  platform::HttpClientOptions so;
  so.baseUrl = server.url();
  so.bearerToken = clinic.supervisorToken;
  auto supervisor = platform::HttpClient::create(so);
  ASSERT_TRUE(supervisor);
  auto answer = supervisor.value().get("/api/v1/days/2026-11-26/summary?clinic=north");
  ASSERT_TRUE(answer && answer.value().status == 200);
  auto summary = nlohmann::json::parse(answer.value().body);
  ASSERT_EQ(summary["patients"].size(), 1u);
  EXPECT_EQ(summary["patients"][0]["server_units"], (nlohmann::json{{"97110", 2}, {"97140", 1}}));
  EXPECT_EQ(summary["patients"][0]["device_units"], summary["patients"][0]["server_units"]);
  EXPECT_TRUE(summary["flags"].empty()) << summary["flags"].dump();
}

TEST(Enrollment, AWrongCodeIsRefusedWithTheServersReason) {
  testing::Clinic clinic;
  testing::ServerProcess server(clinic.dataDir);
  platform::HttpClientOptions o;
  o.baseUrl = server.url();
  auto e = platform::enrollDeviceAsync(o, "ZZZZ-ZZZZ-ZZZZ", "tablet").get();
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.error().httpStatus, 403);
  EXPECT_NE(e.error().message.find("not valid"), std::string::npos) << e.error().message;
  auto ok = platform::enrollDeviceAsync(o, clinic.enrollCode, "tablet").get();
  ASSERT_TRUE(ok.ok()) << ok.error().message;
  EXPECT_EQ(ok->clinicId, "north");
  EXPECT_EQ(ok->token.rfind("uct_", 0), 0u);
}

}  // namespace
}  // namespace unitclock::server
