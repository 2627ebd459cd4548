// The device's SyncWorker against a small cpp-httplib server in the test process that misbehaves on
// purpose (500, 429, slow, 400, 401, 503). Its runs against a real unitclock-server are in
// tests/server/sync_worker_with_server_test.cpp.
#include <gtest/gtest.h>
#include <httplib.h>

#include <unitclock/platform/sync_worker.h>
#include <chrono>
#include <cstdio>
#include <functional>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "support/queue_outbox.h"
#include "support/wait_for.h"

namespace unitclock::platform {
namespace {

using namespace std::chrono_literals;
using test::fastOptions;
using test::QueueOutbox;
using test::waitFor;

std::string sessionId(int n) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%08x-0000-4000-8000-%012x", 0, n);
  return buf;
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
  for (int i = 1; i <= n; ++i) box->add(sessionId(i), "{\"id\":\"" + sessionId(i) + "\"}");
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
  EXPECT_EQ(raw->rejected[0].first, sessionId(1));
  EXPECT_EQ(raw->rejected[0].second, "400 segments[0].end: is before start");
  EXPECT_EQ(raw->uploaded, std::vector<std::string>{sessionId(2)});
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
}  // namespace unitclock::platform
