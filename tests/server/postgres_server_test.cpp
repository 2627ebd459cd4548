// What PostgreSQL adds to the server (docs/deployment.md, "A clinic group"): several instances on one
// database, a database that goes away and comes back, a schema from a newer server, and `migrate` from a
// SQLite server. Real unitclock-server processes on the PostgreSQL pass's cluster (server_process.h,
// "Which store"); the rest of the server suite runs on both stores.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>

#include <unitclock/platform/postgres.h>
#include <unitclock/platform/sync_worker.h>
#include <atomic>
#include <mutex>
#include <regex>
#include <thread>

#include "api_client.h"
#include "server_process.h"
#include "support/postgres_cluster.h"
#include "support/queue_outbox.h"
#include "upload_fixtures.h"

namespace unitclock::server {
namespace {

using namespace std::chrono_literals;
using testing::Clinic;
using testing::json;
using testing::must;
using testing::ServerProcess;

#define UNITCLOCK_POSTGRES_ONLY()                                                                        \
  do {                                                                                                   \
    if (!::unitclock::server::testing::postgresPassDir()) GTEST_SKIP() << "runs on the PostgreSQL pass"; \
  } while (false)

std::string put(const std::string& url, const std::string& token, const std::string& id,
                const nlohmann::json& body, int* status) {
  auto c = testing::client(url, token);
  auto r = must(c.put("/api/v1/sessions/" + id, body.dump()));
  *status = r.status;
  return r.body;
}

// [SECTION] Several instances on one database

TEST(PostgresServer, TwoInstancesReceivingTheSameUploadAtOnceStoreItOnce) {
  UNITCLOCK_POSTGRES_ONLY();
  Clinic clinic;
  ServerProcess a(clinic.dataDir);
  ServerProcess b(clinic.dataDir);
  const auto token = testing::enroll(a.url(), clinic.enrollCode);
  constexpr int kSessions = 25;
  int created = 0, unchanged = 0, other = 0;
  for (int i = 1; i <= kSessions; ++i) {
    const auto id = testing::sessionId(i);
    const auto body = testing::upload(id, "MRN" + std::to_string(i), {{"97110", "09:00:00", "09:20:00"}});
    int sa = 0, sb = 0;
    std::thread ta([&] { put(a.url(), token, id, body, &sa); });
    std::thread tb([&] { put(b.url(), token, id, body, &sb); });
    ta.join();
    tb.join();
    for (int s : {sa, sb}) (s == 201 ? created : s == 200 ? unchanged : other)++;
  }
  EXPECT_EQ(created, kSessions);
  EXPECT_EQ(unchanged, kSessions);
  EXPECT_EQ(other, 0);
  EXPECT_EQ(testing::queryCount(clinic.dataDir, "SELECT count(*) FROM sessions"), kSessions);
  EXPECT_EQ(testing::queryCount(clinic.dataDir, "SELECT count(*) FROM session_revisions"), kSessions);
}

TEST(PostgresServer, AConflictingRevisionIsA409OnEitherInstance) {
  UNITCLOCK_POSTGRES_ONLY();
  Clinic clinic;
  ServerProcess a(clinic.dataDir);
  ServerProcess b(clinic.dataDir);
  const auto token = testing::enroll(a.url(), clinic.enrollCode);
  const auto id = testing::sessionId(1);
  int status = 0;
  put(a.url(), token, id, testing::upload(id, "MRN1", {{"97110", "09:00:00", "09:20:00"}}), &status);
  EXPECT_EQ(status, 201);
  const auto other = testing::upload(id, "MRN1", {{"97110", "09:00:00", "09:38:00"}});  // same revision 1
  for (const auto* server : {&b, &a}) {
    auto body = put(server->url(), token, id, other, &status);
    EXPECT_EQ(status, 409) << body;
  }
  EXPECT_EQ(testing::queryCount(clinic.dataDir, "SELECT count(*) FROM session_revisions"), 1);
}

TEST(PostgresServer, ADevicesRateLimitHoldsAcrossInstances) {
  UNITCLOCK_POSTGRES_ONLY();
  Clinic clinic;
  const std::vector<std::string> slow{"--rate", "0.01", "--burst", "6"};
  ServerProcess a(clinic.dataDir, slow);
  ServerProcess b(clinic.dataDir, slow);
  const auto token = testing::enroll(a.url(), clinic.enrollCode);
  int allowed = 0, limited = 0;
  for (int i = 0; i < 10; ++i) {
    auto c = testing::client(i % 2 == 0 ? a.url() : b.url(), token);
    auto r = must(c.get("/api/v1/config"));
    (r.status == 429 ? limited : allowed)++;
    if (r.status == 429)
      EXPECT_FALSE(r.headers.count("retry-after") == 0 && r.headers.count("Retry-After") == 0);
  }
  // Six in the bucket, shared: the instances take from one bucket, not six each.
  EXPECT_EQ(allowed, 6);
  EXPECT_EQ(limited, 4);
}

// [SECTION] The database itself

TEST(PostgresServer, HealthIs503WhileTheDatabaseIsDownAndTheMessageSaysWhy) {
  UNITCLOCK_POSTGRES_ONLY();
  test::PrivateCluster cluster{UNITCLOCK_PG_CLUSTER_SCRIPT};
  Clinic::must({"init", "--database", cluster.url()});
  ServerProcess server(cluster.url());
  auto c = testing::client(server.url());
  auto up = must(c.get("/api/v1/health"));
  EXPECT_EQ(up.status, 200) << up.body;
  cluster.stop();
  auto down = must(c.get("/api/v1/health"));
  EXPECT_EQ(down.status, 503) << down.body;
  EXPECT_NE(down.body.find("database"), std::string::npos) << down.body;
}

TEST(PostgresServer, ASchemaFromANewerServerIsRefusedAndLeftAlone) {
  UNITCLOCK_POSTGRES_ONLY();
  Clinic clinic;
  testing::execSql(clinic.dataDir, "UPDATE unitclock_schema SET version = 99");
  auto r = testing::runServer({"clinic", "list", "--data-dir", clinic.dataDir});
  EXPECT_EQ(r.exitCode, 1);
  EXPECT_NE(r.err.find("newer unitclock-server; left untouched"), std::string::npos) << r.err;
  EXPECT_EQ(testing::queryCount(clinic.dataDir, "SELECT version FROM unitclock_schema"), 99);
}

TEST(PostgresServer, InitRefusesADatabaseHoldingSomeoneElsesTables) {
  UNITCLOCK_POSTGRES_ONLY();
  test::TempDir dir;
  const auto data = (dir.path() / "data").string();
  testing::execSql(data, "CREATE TABLE invoices(id int)");
  auto r = testing::runServer({"init", "--data-dir", data});
  EXPECT_EQ(r.exitCode, 1);
  EXPECT_NE(r.err.find("not a unitclock server's; left untouched"), std::string::npos) << r.err;
}

// [SECTION] migrate: a SQLite server with a month of data, copied and verified

struct MonthOfData {
  std::vector<std::string> days;
  std::string deviceToken;
};

// Thirty days of a clinic recorded through the API the way kiosks send them: two sessions a day, every
// fifth one corrected (revision 2), one voided, one refused upload, and a schedule entry.
MonthOfData recordAMonth(Clinic& clinic, const std::string& url) {
  MonthOfData m;
  m.deviceToken = testing::enroll(url, clinic.enrollCode);
  int n = 0;
  for (int d = 1; d <= 30; ++d) {
    char date[16];
    std::snprintf(date, sizeof date, "2026-11-%02d", d);
    m.days.push_back(date);
    for (int k = 0; k < 2; ++k) {
      testing::RecordedSession s;
      s.id = testing::sessionId(++n);
      s.mrn = "MRN" + std::to_string(n % 7);
      s.date = date;
      s.segments = {{"97110", k == 0 ? "09:00:00" : "13:00:00", k == 0 ? "09:23:00" : "13:38:00"},
                    {"97530", k == 0 ? "09:23:00" : "13:38:00", k == 0 ? "09:31:00" : "13:46:00"}};
      int status = 0;
      put(url, m.deviceToken, s.id, testing::upload(s), &status);
      if (status != 201) throw std::runtime_error("upload " + std::to_string(status));
      if (n % 5 == 0) {
        s.revision = 2;
        s.corrections = {{0, k == 0 ? "09:02:00" : "13:02:00", k == 0 ? "09:23:00" : "13:38:00"}};
        put(url, m.deviceToken, s.id, testing::upload(s), &status);
        if (status != 200 && status != 201) throw std::runtime_error("revision " + std::to_string(status));
      }
      if (n == 17) {
        s.status = "voided";
        put(url, m.deviceToken, s.id, testing::upload(s), &status);
      }
    }
  }
  int status = 0;
  put(url, m.deviceToken, testing::sessionId(999), nlohmann::json{{"status", "nonsense"}}, &status);
  Clinic::must({"schedule", "add", "--data-dir", clinic.dataDir, "--clinic", "north", "--date", "2026-11-30",
                "--time", "09:00", "--mrn", "MRN1", "--initials", "JD", "--payer", "medicare"});
  return m;
}

// A day as billers see it, with the export instant (MSH-7, MSH-10's time, EVN-2, FT1-5, FHIR times) left out.
std::vector<std::string> dayOverHttp(const std::string& url, const std::string& token,
                                     const std::string& day) {
  auto c = testing::client(url, token);
  std::vector<std::string> out;
  static const std::regex kInstant(R"(\d{14}|\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z)");
  for (const char* what : {"summary", "charges.csv", "charges.hl7", "charges.json"}) {
    auto r = must(c.get("/api/v1/days/" + day + "/" + what + "?clinic=north"));
    out.push_back(std::to_string(r.status) + " " + std::regex_replace(r.body, kInstant, "<instant>"));
  }
  return out;
}

TEST(PostgresServer, MigrateCopiesAMonthOfASqliteServerAndBothServeTheSameDays) {
  UNITCLOCK_POSTGRES_ONLY();
  test::TempDir target;
  const std::string to = testing::databaseUrlFor((target.path() / "pg").string());
  std::unique_ptr<Clinic> clinic;
  MonthOfData month;
  std::vector<std::vector<std::string>> before;
  {
    testing::KeepSqlite sqlite;  // the source is a SQLite data directory
    clinic = std::make_unique<Clinic>();
    ServerProcess server(clinic->dataDir);
    month = recordAMonth(*clinic, server.url());
    for (const auto& day : month.days)
      before.push_back(dayOverHttp(server.url(), clinic->supervisorToken, day));
  }
  auto r = testing::runServer({"migrate", "--from", clinic->dataDir, "--to", to});
  ASSERT_EQ(r.exitCode, 0) << r.err << r.out;
  EXPECT_NE(r.out.find("copied sessions: 60 rows"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("verified 30 clinic days"), std::string::npos) << r.out;

  ServerProcess pg(to);
  for (std::size_t i = 0; i < month.days.size(); ++i) {
    EXPECT_EQ(dayOverHttp(pg.url(), clinic->supervisorToken, month.days[i]), before[i]) << month.days[i];
  }
  // The device's token still works, and the ids go on where SQLite's stopped.
  auto device = testing::client(pg.url(), month.deviceToken);
  EXPECT_EQ(must(device.get("/api/v1/config")).status, 200);
  const auto code =
      testing::trim(Clinic::must({"device", "enroll-code", "--database", to, "--clinic", "north"}));
  EXPECT_FALSE(testing::enroll(pg.url(), code).empty());
  const auto devices = testing::runServer({"device", "list", "--database", to}).out;
  EXPECT_NE(devices.find("\n2\t"), std::string::npos) << devices;  // after SQLite's device 1

  // A second migrate into the same, now full, database is refused and changes nothing.
  auto again = testing::runServer({"migrate", "--from", clinic->dataDir, "--to", to});
  EXPECT_EQ(again.exitCode, 1);
  EXPECT_NE(again.err.find("is not empty"), std::string::npos) << again.err;
}

// [SECTION] Two instances, one killed mid-load

// A TCP load balancer in front of the instances, like nginx's round robin: each new connection goes to
// the next backend that accepts it. Backends can be swapped while it runs (a restarted instance has a
// new port).
class RoundRobin {
 public:
  explicit RoundRobin(std::vector<int> ports) : m_ports(std::move(ports)) {
    m_listen = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int yes = 1;
    ::setsockopt(m_listen, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    if (::bind(m_listen, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(m_listen, 64) != 0)
      throw std::runtime_error("cannot listen");
    socklen_t len = sizeof addr;
    ::getsockname(m_listen, reinterpret_cast<sockaddr*>(&addr), &len);
    m_port = ntohs(addr.sin_port);
    m_acceptor = std::thread([this] { acceptLoop(); });
  }
  ~RoundRobin() {
    m_stopping = true;
    ::shutdown(m_listen, SHUT_RDWR);
    ::close(m_listen);
    m_acceptor.join();
    for (auto& t : m_pumps) t.join();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(m_port); }
  void setBackend(std::size_t i, int port) {
    std::lock_guard lock(m_mutex);
    m_ports[i] = port;
  }
  int connections(std::size_t i) const { return m_count[i].load(); }

 private:
  static int connectTo(int port) {
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(static_cast<std::uint16_t>(port));
    if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
      ::close(fd);
      return -1;
    }
    int yes = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &yes, sizeof yes);
    return fd;
  }
  void acceptLoop() {
    while (!m_stopping) {
      int client = ::accept4(m_listen, nullptr, nullptr, SOCK_CLOEXEC);
      if (client < 0) continue;
      int yes = 1;
      ::setsockopt(client, IPPROTO_TCP, TCP_NODELAY, &yes, sizeof yes);
      int backend = -1;
      for (std::size_t tries = 0; tries < m_ports.size() && backend < 0; ++tries) {
        std::size_t i = 0;
        int port = 0;
        {
          std::lock_guard lock(m_mutex);
          i = m_next++ % m_ports.size();
          port = m_ports[i];
        }
        backend = connectTo(port);
        if (backend >= 0) ++m_count[i];
      }
      if (backend < 0) {
        ::close(client);
        continue;
      }
      m_pumps.emplace_back([client, backend] { pump(client, backend); });
    }
  }
  static void pump(int a, int b) {
    pollfd fds[2] = {{a, POLLIN, 0}, {b, POLLIN, 0}};
    char buf[65536];
    while (::poll(fds, 2, 5000) >= 0) {
      bool done = false;
      for (int k = 0; k < 2 && !done; ++k) {
        if (fds[k].revents == 0) continue;
        ssize_t n = ::read(fds[k].fd, buf, sizeof buf);
        if (n <= 0) done = true;
        for (ssize_t off = 0; n > 0 && off < n;) {
          ssize_t w = ::write(fds[1 - k].fd, buf + off, static_cast<std::size_t>(n - off));
          if (w <= 0) {
            done = true;
            break;
          }
          off += w;
        }
      }
      if (done) break;
    }
    ::close(a);
    ::close(b);
  }

  std::mutex m_mutex;
  std::vector<int> m_ports;
  std::size_t m_next = 0;
  std::array<std::atomic<int>, 2> m_count{};
  int m_listen = -1;
  int m_port = 0;
  std::atomic<bool> m_stopping{false};
  std::thread m_acceptor;
  std::vector<std::thread> m_pumps;
};

TEST(PostgresServer, TwoInstancesOneKilledMidLoadLoseNothingAndDoubleNothing) {
  UNITCLOCK_POSTGRES_ONLY();
  Clinic clinic;
  auto a = std::make_unique<ServerProcess>(clinic.dataDir);
  ServerProcess b(clinic.dataDir);
  RoundRobin balancer({a->port(), b.port()});
  constexpr int kDevices = 4, kSessionsEach = 150;
  std::vector<std::unique_ptr<platform::SyncWorker>> workers;
  std::vector<test::QueueOutbox*> boxes;
  for (int d = 0; d < kDevices; ++d) {
    const auto token = testing::enroll(d % 2 == 0 ? a->url() : b.url(), clinic.newEnrollCode());
    auto outbox = std::make_unique<test::QueueOutbox>();
    for (int i = 1; i <= kSessionsEach; ++i) {
      const auto id = testing::sessionId(i, d + 1);
      outbox->add(
          id,
          testing::upload(id, "MRN" + std::to_string(i % 40), {{"97110", "09:00:00", "09:20:00"}}).dump());
    }
    boxes.push_back(outbox.get());
    auto options = test::fastOptions(balancer.url(), token);
    options.batchSize = d % 2 == 0 ? 50 : 1;  // batches and single PUTs
    workers.push_back(std::make_unique<platform::SyncWorker>(std::move(outbox), options, [] {}));
  }
  auto uploaded = [&] {
    std::size_t n = 0;
    for (auto* box : boxes) {
      std::lock_guard lock(box->m);
      n += box->uploaded.size();
    }
    return n;
  };
  for (auto& w : workers) w->start();
  ASSERT_TRUE(testing::waitFor([&] { return uploaded() >= kDevices * kSessionsEach / 4; }, 60s));
  a->stop(SIGKILL);  // mid-load: some answers of A never arrive
  const auto atKill = uploaded();
  std::this_thread::sleep_for(300ms);
  a = std::make_unique<ServerProcess>(clinic.dataDir);
  balancer.setBackend(0, a->port());
  ASSERT_TRUE(testing::waitFor([&] { return uploaded() == kDevices * kSessionsEach; }, 120s))
      << uploaded() << " of " << kDevices * kSessionsEach;
  for (auto& w : workers) w->stop();
  EXPECT_LT(atKill, static_cast<std::size_t>(kDevices * kSessionsEach));
  EXPECT_GT(balancer.connections(0), 0);
  EXPECT_GT(balancer.connections(1), 0);
  for (auto* box : boxes) EXPECT_TRUE(box->rejected.empty()) << box->rejected.front().second;

  // Nothing lost, nothing doubled: one row and one revision per session sent.
  EXPECT_EQ(testing::queryCount(clinic.dataDir, "SELECT count(*) FROM sessions"), kDevices * kSessionsEach);
  EXPECT_EQ(testing::queryCount(clinic.dataDir, "SELECT count(*) FROM session_revisions"),
            kDevices * kSessionsEach);
  EXPECT_EQ(testing::queryCount(clinic.dataDir, "SELECT count(DISTINCT session_id) FROM session_days"),
            kDevices * kSessionsEach);
  // Both instances serve the same day and the same exports.
  EXPECT_EQ(dayOverHttp(a->url(), clinic.supervisorToken, "2026-11-26"),
            dayOverHttp(b.url(), clinic.supervisorToken, "2026-11-26"));
}

}  // namespace
}  // namespace unitclock::server
