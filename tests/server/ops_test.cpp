// Operations on a real unitclock-server process: GET /api/v1/health reads the database file, and
// GET /metrics (supervisor token for every clinic) counts requests, uploads and commits, read back by
// an independent parser (python3-prometheus-client).
#include <gtest/gtest.h>

#include <unitclock/server/sqlite_store.h>
#include <unitclock/version.h>
#include <fstream>

#include "api_client.h"
#include "prometheus_oracle.h"
#include "server_process.h"
#include "upload_fixtures.h"

namespace unitclock::server {
namespace {

using testing::client;
using testing::Clinic;
using testing::must;

std::string databaseFile(const Clinic& clinic) {
  return databasePath(clinic.dataDir).string();
}

TEST(Health, AnswersOkWithTheVersionAndTheSchemaReadFromTheDatabase) {
  Clinic clinic;
  testing::ServerProcess server(clinic.dataDir);
  auto r = must(client(server.url()).get("/api/v1/health"));
  EXPECT_EQ(r.status, 200);
  auto j = testing::json(r);
  EXPECT_EQ(j["status"], "ok");
  EXPECT_EQ(j["api"], "v1");
  EXPECT_EQ(j["version"], kVersion);
  EXPECT_EQ(j["schema"], schemaVersion());
  EXPECT_FALSE(j.contains("error"));
}

// What happens: while the server runs, the test overwrites the first 100 bytes of the database file (the
// SQLite header of page 1) with zeros. Nothing was written since the server started, so the WAL is empty
// and page 1 is read from the main file; the health check drops its connection's page cache and reads
// it, and SQLite answers "file is not a database" (a thread without a connection yet cannot open it:
// also 503). With the header put back, the same server answers 200 again.
TEST(Health, Answers503WhileTheDatabaseFileIsOverwrittenAndOkOnceItIsBack) {
  UNITCLOCK_SQLITE_ONLY(
      "overwrites the database file; PostgresServer.HealthIs503WhileTheDatabaseIsDown covers PostgreSQL");
  Clinic clinic;
  testing::ServerProcess server(clinic.dataDir);
  auto c = client(server.url());
  ASSERT_EQ(must(c.get("/api/v1/health")).status, 200);

  std::string header(100, '\0');
  {
    std::fstream f(databaseFile(clinic), std::ios::in | std::ios::out | std::ios::binary);
    ASSERT_TRUE(f.read(header.data(), 100));
    ASSERT_EQ(header.substr(0, 15), "SQLite format 3");
    f.seekp(0);
    ASSERT_TRUE(f.write(std::string(100, '\0').data(), 100));
  }
  auto broken = must(c.get("/api/v1/health"));
  EXPECT_EQ(broken.status, 503);
  auto j = testing::json(broken);
  EXPECT_EQ(j["status"], "unavailable");
  EXPECT_EQ(j["api"], "v1");
  EXPECT_EQ(j["version"], kVersion);
  EXPECT_FALSE(j.contains("schema"));
  EXPECT_NE(j["error"].get<std::string>().find("database"), std::string::npos) << j.dump();
  EXPECT_EQ(j["error"].get<std::string>().find(clinic.dataDir), std::string::npos);  // no path in answers
  // A fresh connection (a monitor's second probe) sees the same.
  EXPECT_EQ(must(client(server.url()).get("/api/v1/health")).status, 503);

  {
    std::fstream f(databaseFile(clinic), std::ios::in | std::ios::out | std::ios::binary);
    ASSERT_TRUE(f.write(header.data(), 100));
  }
  auto back = must(c.get("/api/v1/health"));
  EXPECT_EQ(back.status, 200) << back.body;
  EXPECT_EQ(testing::json(back)["schema"], schemaVersion());
}

class Metrics : public ::testing::Test {
 protected:
  Clinic clinic;
  testing::ServerProcess server{clinic.dataDir};

  platform::HttpResponse scrape(const std::string& token) {
    return must(client(server.url(), token).get("/metrics"));
  }
};

// Metrics name clinics and devices: a supervisor token valid for every clinic, from any address (a TLS
// proxy on the same host would make every client look like loopback).
TEST_F(Metrics, AreServedOnlyWithASupervisorTokenForEveryClinic) {
  EXPECT_EQ(scrape("").status, 401);
  EXPECT_EQ(scrape("uct_not-a-token").status, 401);
  EXPECT_EQ(scrape(testing::enroll(server.url(), clinic.enrollCode)).status, 403);
  auto northOnly = testing::trim(Clinic::must(
      {"token", "add", "--data-dir", clinic.dataDir, "--role", "supervisor", "--clinic", "north"}));
  auto refused = scrape(northOnly);
  EXPECT_EQ(refused.status, 403);
  EXPECT_EQ(refused.body.find("unitclock_"), std::string::npos);

  auto r = scrape(clinic.supervisorToken);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.header("content-type").value_or("").rfind("text/plain; version=0.0.4", 0), 0u);
  EXPECT_NE(r.body.find("# TYPE unitclock_http_requests_total counter"), std::string::npos);
}

TEST_F(Metrics, CountUploadsByRouteAndOutcomeAndShowTheStoreAndTheDevices) {
  auto deviceToken = testing::enroll(server.url(), clinic.enrollCode);
  auto device = client(server.url(), deviceToken);
  auto put = [&](const nlohmann::json& body) {
    return must(device.put("/api/v1/sessions/" + body["id"].get<std::string>(), body.dump())).status;
  };
  for (int i = 1; i <= 3; ++i) {
    EXPECT_EQ(put(testing::upload(testing::sessionId(i), "MRN" + std::to_string(i),
                                  {{"97110", "09:00:00", "09:20:00"}})),
              201);
  }
  EXPECT_EQ(put(testing::upload(testing::sessionId(1), "MRN1", {{"97110", "09:00:00", "09:20:00"}})), 200);
  auto bad = testing::upload(testing::sessionId(4), "MRN4", {{"97110", "09:00:00", "09:20:00"}});
  bad["segments"][0]["end"] = "nine twenty";
  EXPECT_EQ(put(bad), 400);
  EXPECT_EQ(put(testing::upload(testing::sessionId(1), "MRN9", {{"97110", "09:00:00", "09:20:00"}})), 409);
  // A second device, revoked.
  testing::enroll(server.url(), clinic.newEnrollCode());
  Clinic::must({"device", "revoke", "--data-dir", clinic.dataDir, "--id", "2"});
  EXPECT_EQ(must(device.get("/api/v1/days/2026-11-26/charges.csv?clinic=north")).status, 403);

  auto r = scrape(clinic.supervisorToken);
  ASSERT_EQ(r.status, 200) << r.body;
  // No session id or date of a request became a label.
  EXPECT_EQ(r.body.find(testing::sessionId(1)), std::string::npos);
  EXPECT_EQ(r.body.find("2026-11-26"), std::string::npos);
  const auto m = testing::readWithPrometheusClient(r.body);
  ASSERT_TRUE(m.parsed) << m.error << "\n" << r.body;
  const std::string sessions = "/api/v1/sessions/{id}";
  EXPECT_EQ(
      m.value("unitclock_http_requests_total", {{"method", "PUT"}, {"route", sessions}, {"status", "201"}}),
      3.0);
  EXPECT_EQ(
      m.value("unitclock_http_requests_total", {{"method", "PUT"}, {"route", sessions}, {"status", "200"}}),
      1.0);
  EXPECT_EQ(
      m.value("unitclock_http_requests_total", {{"method", "PUT"}, {"route", sessions}, {"status", "400"}}),
      1.0);
  EXPECT_EQ(m.value("unitclock_http_requests_total",
                    {{"method", "GET"}, {"route", "/api/v1/days/{date}/charges.csv"}, {"status", "403"}}),
            1.0);
  EXPECT_EQ(m.value("unitclock_http_requests_total",
                    {{"method", "POST"}, {"route", "/api/v1/enroll"}, {"status", "201"}}),
            2.0);
  EXPECT_EQ(m.value("unitclock_ingest_sessions_total", {{"outcome", "created"}}), 3.0);
  EXPECT_EQ(m.value("unitclock_ingest_sessions_total", {{"outcome", "unchanged"}}), 1.0);
  EXPECT_EQ(m.value("unitclock_ingest_sessions_total", {{"outcome", "rejected"}}), 1.0);
  EXPECT_EQ(m.value("unitclock_ingest_sessions_total", {{"outcome", "conflict"}}), 1.0);
  EXPECT_EQ(m.value("unitclock_ingest_sessions_total", {{"outcome", "revised"}}), 0.0);
  // Every upload went through the writer's COMMIT.
  EXPECT_EQ(m.type("unitclock_commit_seconds"), "histogram");
  EXPECT_GE(m.value("unitclock_commit_seconds_count").value_or(0), 1.0);
  EXPECT_EQ(m.value("unitclock_commit_seconds_bucket", {{"le", "+Inf"}}),
            m.value("unitclock_commit_seconds_count"));
  EXPECT_GT(m.value("unitclock_database_bytes").value_or(0), 4096.0);
  EXPECT_EQ(m.value("unitclock_devices", {{"state", "active"}}), 1.0);
  EXPECT_EQ(m.value("unitclock_devices", {{"state", "revoked"}}), 1.0);
  EXPECT_EQ(m.value("unitclock_rate_limited_total", {{"limit", "token"}}), 0.0);
  // The device's last request, to the minute, and its app version from libcurl's User-Agent.
  const auto seen = m.value("unitclock_device_last_seen_seconds", {{"device", "1"}, {"clinic", "north"}});
  ASSERT_TRUE(seen);
  const double now =
      std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  EXPECT_LE(*seen, now);
  EXPECT_GT(*seen, now - 120);
  EXPECT_FALSE(m.value("unitclock_device_last_seen_seconds", {{"device", "2"}}));  // revoked: not listed
  EXPECT_EQ(m.value("unitclock_device_info",
                    {{"device", "1"}, {"app_version", std::string("unitclock/") + kVersion}}),
            1.0);
}

TEST(MetricsRateLimits, Count429sOfATokenAndOfAnAddress) {
  Clinic clinic;
  testing::ServerProcess server(clinic.dataDir, {"--rate", "0.001", "--burst", "2"});
  auto device = client(server.url(), testing::enroll(server.url(), clinic.enrollCode));
  for (int i = 0; i < 3; ++i) (void)must(device.get("/api/v1/config"));  // the third one: 429
  auto stranger = client(server.url(), "uct_guess");
  int refused = 0;
  for (int i = 0; i < 40; ++i) refused += must(stranger.get("/api/v1/config")).status == 429;
  EXPECT_GT(refused, 0);  // 30 failures at once per address, then 2 per second

  auto r = must(client(server.url(), clinic.supervisorToken).get("/metrics"));
  ASSERT_EQ(r.status, 200) << r.body;
  const auto m = testing::readWithPrometheusClient(r.body);
  ASSERT_TRUE(m.parsed) << m.error;
  EXPECT_EQ(m.value("unitclock_rate_limited_total", {{"limit", "token"}}), 1.0);
  EXPECT_EQ(m.value("unitclock_rate_limited_total", {{"limit", "address"}}), static_cast<double>(refused));
  EXPECT_EQ(m.value("unitclock_http_requests_total",
                    {{"method", "GET"}, {"route", "/api/v1/config"}, {"status", "429"}}),
            static_cast<double>(refused + 1));
}

}  // namespace
}  // namespace unitclock::server
