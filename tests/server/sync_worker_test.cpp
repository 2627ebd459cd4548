// The device's SyncWorker against a real unitclock-server process, and against a small cpp-httplib
// server in the test process that misbehaves on purpose (500, 429, slow, 400, 401).
#include <gtest/gtest.h>
#include <httplib.h>

#include <unitclock/core/session.h>
#include <unitclock/platform/sqlite.h>
#include <unitclock/platform/sync_worker.h>
#include <unitclock/platform/time_zone.h>
#include <unitclock/platform/wire/session_upload.h>
#include <unitclock/server/devices.h>
#include <unitclock/version.h>
#include <atomic>
#include <deque>
#include <mutex>

#include "api_client.h"
#include "prometheus_oracle.h"
#include "server_process.h"
#include "upload_fixtures.h"

namespace unitclock::server {
namespace {

using testing::waitFor;

using namespace std::chrono_literals;
using platform::PendingUpload;
using platform::SyncOptions;
using platform::SyncWorker;

// The device side of the outbox, kept in memory for these tests: a queue in signing order plus what
// happened to each entry.
class QueueOutbox : public platform::SyncOutbox {
 public:
  void add(const std::string& id, const std::string& body, int revision = 1) {
    std::lock_guard lock(m);
    queue.push_back({++nextId, id, revision, body});
  }
  std::optional<PendingUpload> nextUpload(std::string&) override {
    std::lock_guard lock(m);
    if (queue.empty()) return std::nullopt;
    return queue.front();
  }
  std::vector<PendingUpload> nextUploads(std::size_t max, std::string&) override {
    std::lock_guard lock(m);
    return {queue.begin(), queue.begin() + static_cast<std::ptrdiff_t>(std::min(max, queue.size()))};
  }
  std::size_t pendingCount() override {
    std::lock_guard lock(m);
    return queue.size();
  }
  bool markUploaded(const PendingUpload& u) override {
    std::lock_guard lock(m);
    uploaded.push_back(u.sessionId);
    queue.pop_front();
    return true;
  }
  bool markRejected(const PendingUpload& u, int status, const std::string& message) override {
    std::lock_guard lock(m);
    rejected.push_back({u.sessionId, std::to_string(status) + " " + message});
    queue.pop_front();
    return true;
  }
  std::string configEtag() override {
    std::lock_guard lock(m);
    return etag;
  }
  bool saveConfig(const std::string& json, const std::string& e) override {
    std::lock_guard lock(m);
    config = json;
    etag = e;
    ++configSaves;
    return true;
  }
  std::string today() override { return "2026-11-26"; }

  std::mutex m;
  std::deque<PendingUpload> queue;
  std::int64_t nextId = 0;
  std::vector<std::string> uploaded;
  std::vector<std::pair<std::string, std::string>> rejected;
  std::string config, etag;
  int configSaves = 0;
};

SyncOptions fastOptions(const std::string& url, const std::string& token) {
  SyncOptions o;
  o.client.baseUrl = url;
  o.client.bearerToken = token;
  o.client.timeout = 2000ms;
  o.backoff.initial = 20ms;
  o.backoff.maximum = 200ms;
  return o;
}

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

// The server's device list (listDevices, `device list`) and /metrics show when a kiosk last called, its
// app version (libcurl's User-Agent "unitclock/<version>") and what waits in its outbox (Unitclock-Pending).
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
    auto db = platform::sqlite::Database::open(clinic.dataDir + "/unitclock-server.db");
    if (!db) throw std::runtime_error(db.error().message);
    auto rows = listDevices(db.value(), "north");
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

// [SECTION] A misbehaving server in the test process.

class FaultServer {
 public:
  using Handler = std::function<void(int attempt, const httplib::Request&, httplib::Response&)>;
  explicit FaultServer(Handler onPut, Handler onBatch = {})
      : m_onPut(std::move(onPut)), m_onBatch(std::move(onBatch)) {
    if (m_onBatch) {
      m_server.Post("/api/v1/sessions/batch", [this](const httplib::Request& req, httplib::Response& res) {
        int attempt;
        {
          std::lock_guard lock(m_mutex);
          attempt = ++m_attempts;
          m_times.push_back(std::chrono::steady_clock::now());
        }
        m_onBatch(attempt, req, res);
      });
    }
    m_server.set_tcp_nodelay(true);
    m_server.Get("/api/v1/config", [](const httplib::Request&, httplib::Response& res) {
      res.set_header("ETag", "\"c1\"");
      res.set_content("{}", "application/json");
    });
    m_server.Put(R"(/api/v1/sessions/(.+))", [this](const httplib::Request& req, httplib::Response& res) {
      int attempt;
      {
        std::lock_guard lock(m_mutex);
        attempt = ++m_attempts;
        m_times.push_back(std::chrono::steady_clock::now());
      }
      m_onPut(attempt, req, res);
    });
    m_port = m_server.bind_to_any_port("127.0.0.1");
    m_thread = std::thread([this] { m_server.listen_after_bind(); });
  }
  ~FaultServer() {
    m_server.stop();
    m_thread.join();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(m_port); }
  int attempts() {
    std::lock_guard lock(m_mutex);
    return m_attempts;
  }
  std::vector<std::chrono::steady_clock::time_point> times() {
    std::lock_guard lock(m_mutex);
    return m_times;
  }

 private:
  Handler m_onPut;
  Handler m_onBatch;
  httplib::Server m_server;
  int m_port = 0;
  std::thread m_thread;
  std::mutex m_mutex;
  int m_attempts = 0;
  std::vector<std::chrono::steady_clock::time_point> m_times;
};

std::unique_ptr<QueueOutbox> oneSession(int n = 1) {
  auto box = std::make_unique<QueueOutbox>();
  for (int i = 1; i <= n; ++i) box->add(testing::sessionId(i), "{\"id\":\"" + testing::sessionId(i) + "\"}");
  return box;
}

void created(httplib::Response& res) {
  res.status = 201;
  res.set_content(R"({"result":"created"})", "application/json");
}

TEST(SyncWorkerFaults, RetriesAfterServerErrorsWithGrowingDelays) {
  FaultServer server([](int attempt, const httplib::Request&, httplib::Response& res) {
    if (attempt <= 3) {
      res.status = 500;
      res.set_content(R"({"status":500,"message":"internal error"})", "application/json");
    } else {
      created(res);
    }
  });
  auto box = oneSession();
  auto* raw = box.get();
  SyncWorker worker(std::move(box), fastOptions(server.url(), "t"));
  worker.start();
  ASSERT_TRUE(waitFor([&] { return worker.state().uploaded == 1; })) << worker.state().lastError;
  EXPECT_EQ(server.attempts(), 4);
  auto t = server.times();
  // Backoff with jitter: at least half the nominal 20, 40, 80 ms between attempts.
  EXPECT_GE(t[1] - t[0], 10ms);
  EXPECT_GE(t[2] - t[1], 20ms);
  EXPECT_GE(t[3] - t[2], 40ms);
  std::lock_guard lock(raw->m);
  EXPECT_TRUE(raw->rejected.empty());
}

TEST(SyncWorkerFaults, HonoursRetryAfterOn429) {
  FaultServer server([](int attempt, const httplib::Request&, httplib::Response& res) {
    if (attempt == 1) {
      res.status = 429;
      res.set_header("Retry-After", "1");
      res.set_content(R"({"status":429,"message":"too many requests"})", "application/json");
    } else {
      created(res);
    }
  });
  SyncWorker worker(oneSession(), fastOptions(server.url(), "t"));
  worker.start();
  ASSERT_TRUE(waitFor([&] { return worker.state().consecutiveFailures == 1; }));
  EXPECT_NE(worker.state().lastError.find("too many requests"), std::string::npos);
  worker.nudge();  // a new signature does not jump the server's queue
  ASSERT_TRUE(waitFor([&] { return worker.state().uploaded == 1; }));
  auto t = server.times();
  ASSERT_EQ(t.size(), 2u);
  EXPECT_GE(t[1] - t[0], 1000ms);
}

TEST(SyncWorkerFaults, GivesUpOnASlowAnswerAndTriesAgain) {
  FaultServer server([](int attempt, const httplib::Request&, httplib::Response& res) {
    if (attempt == 1) std::this_thread::sleep_for(1500ms);
    created(res);
  });
  auto options = fastOptions(server.url(), "t");
  options.client.timeout = 300ms;
  SyncWorker worker(oneSession(), options);
  auto started = std::chrono::steady_clock::now();
  worker.start();
  ASSERT_TRUE(waitFor([&] { return worker.state().consecutiveFailures >= 1; }));
  EXPECT_LT(std::chrono::steady_clock::now() - started, 1400ms) << "the worker waited for the slow answer";
  EXPECT_NE(worker.state().lastError.find("imeout"), std::string::npos) << worker.state().lastError;
  ASSERT_TRUE(waitFor([&] { return worker.state().uploaded == 1; }));
}

TEST(SyncWorkerFaults, MarksASessionRejectedWithTheServersReasonAndMovesOn) {
  FaultServer server([](int attempt, const httplib::Request&, httplib::Response& res) {
    if (attempt == 1) {
      res.status = 400;
      res.set_content(R"({"status":400,"field":"segments[0].end","message":"is before start"})",
                      "application/json");
    } else {
      created(res);
    }
  });
  auto box = oneSession(2);
  auto* raw = box.get();
  SyncWorker worker(std::move(box), fastOptions(server.url(), "t"));
  worker.start();
  ASSERT_TRUE(waitFor([&] { return worker.state().pending == 0 && worker.state().uploaded == 1; }));
  EXPECT_EQ(worker.state().rejected, 1u);
  std::lock_guard lock(raw->m);
  ASSERT_EQ(raw->rejected.size(), 1u);
  EXPECT_EQ(raw->rejected[0].first, testing::sessionId(1));
  EXPECT_EQ(raw->rejected[0].second, "400 segments[0].end: is before start");
  EXPECT_EQ(raw->uploaded, std::vector<std::string>{testing::sessionId(2)});
}

TEST(SyncWorkerFaults, ARevokedDeviceRejectsNothingAndAsksForEnrollment) {
  FaultServer server([](int, const httplib::Request&, httplib::Response& res) {
    res.status = 403;
    res.set_content(R"({"status":403,"message":"this device's token was revoked"})", "application/json");
  });
  auto box = oneSession(3);
  auto* raw = box.get();
  SyncWorker worker(std::move(box), fastOptions(server.url(), "t"));
  worker.start();
  ASSERT_TRUE(waitFor([&] { return worker.state().needsEnrollment; }));
  EXPECT_EQ(worker.state().pending, 3u);
  std::lock_guard lock(raw->m);
  EXPECT_TRUE(raw->rejected.empty());
}

TEST(SyncWorkerFaults, RetriesAWholeBatchAfter503AndRetryAfter) {
  FaultServer server({}, [](int attempt, const httplib::Request& req, httplib::Response& res) {
    if (attempt == 1) {
      res.status = 503;
      res.set_header("Retry-After", "1");
      res.set_content(R"({"status":503,"message":"the store is busy, try again"})", "application/json");
      return;
    }
    auto sessions = nlohmann::json::parse(req.body)["sessions"];
    nlohmann::json results = nlohmann::json::array();
    for (const auto& s : sessions)
      results.push_back({{"id", s["id"]}, {"status", 201}, {"result", "created"}});
    res.set_content(nlohmann::json{{"results", results}}.dump(), "application/json");
  });
  auto box = oneSession(3);
  auto* raw = box.get();
  SyncWorker worker(std::move(box), fastOptions(server.url(), "t"));
  worker.start();
  ASSERT_TRUE(waitFor([&] { return worker.state().uploaded == 3; })) << worker.state().lastError;
  auto t = server.times();
  ASSERT_EQ(t.size(), 2u);  // one request per batch
  EXPECT_GE(t[1] - t[0], 1000ms);
  std::lock_guard lock(raw->m);
  EXPECT_EQ(raw->uploaded.size(), 3u);
}

TEST(SyncWorkerFaults, StopsPromptlyWhileBackingOff) {
  SyncOptions o = fastOptions("http://127.0.0.1:9", "t");  // nothing listens on the discard port
  o.backoff.initial = 10min;
  o.backoff.maximum = 10min;
  auto worker = std::make_unique<SyncWorker>(oneSession(), o);
  worker->start();
  ASSERT_TRUE(waitFor([&] { return worker->state().consecutiveFailures == 1; }));
  auto t = std::chrono::steady_clock::now();
  worker.reset();
  EXPECT_LT(std::chrono::steady_clock::now() - t, 1s);
}

}  // namespace
}  // namespace unitclock::server
