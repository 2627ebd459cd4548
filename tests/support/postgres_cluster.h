// PostgreSQL for the tests (docs/postgres-tests.md). CTest's fixture `postgres_cluster` starts a throwaway
// PostgreSQL 15 cluster per test run (tests/support/pg_cluster.sh) and every test that requires it gets
// UNITCLOCK_TEST_PG_DIR, the directory whose `url` file names it. Each test takes a database of its own:
//
//   ScratchDatabase db;                                  // CREATE DATABASE test_<pid>_<n>, dropped at the
//   end auto conn = Connection::open(db.url());
//
//   PrivateCluster cluster{UNITCLOCK_PG_CLUSTER_SCRIPT};  // a cluster of its own, for a test that stops it
//   cluster.stop();
//
// Link unitclock_postgres and unitclock_test_support, and add ${UNITCLOCK_PG_TEST_PROPERTIES} to the
// executable's gtest_discover_tests PROPERTIES (tests/support/CMakeLists.txt).
#pragma once

#include <unistd.h>

#include <unitclock/platform/postgres.h>

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <stdexcept>
#include <string>

#include "support/temp_dir.h"

namespace unitclock::test {

// The cluster of this test run: $UNITCLOCK_TEST_PG_URL when set (any server you like, for a run by hand),
// else the url file the fixture wrote into $UNITCLOCK_TEST_PG_DIR. Throws when there is neither: a test that
// needs PostgreSQL fails rather than passing without it.
inline std::string testPostgresUrl() {
  if (const char* url = std::getenv("UNITCLOCK_TEST_PG_URL"); url != nullptr && *url != '\0') return url;
  const char* dir = std::getenv("UNITCLOCK_TEST_PG_DIR");
  if (dir == nullptr || *dir == '\0') {
    throw std::runtime_error(
        "no PostgreSQL for this test: run it through ctest (fixture postgres_cluster), or set "
        "UNITCLOCK_TEST_PG_URL=postgresql://USER@HOST:PORT/DB");
  }
  std::ifstream file(std::string(dir) + "/url");
  std::string url;
  if (!std::getline(file, url) || url.empty()) {
    throw std::runtime_error(std::string("no PostgreSQL cluster URL in ") + dir +
                             "/url: did the postgres_cluster.start test fail?");
  }
  return url;
}

// The same server and user, another database: the path of a postgresql:// URL replaced.
inline std::string withDatabase(const std::string& url, const std::string& database) {
  auto scheme = url.find("://");
  auto slash = url.find('/', scheme == std::string::npos ? 0 : scheme + 3);
  auto query = url.find('?', slash == std::string::npos ? 0 : slash);
  std::string base = url.substr(0, slash == std::string::npos ? url.find('?') : slash);
  std::string rest = query == std::string::npos ? "" : url.substr(query);
  return base + "/" + database + rest;
}

// A database of the test's own on the run's cluster, so that tests running in parallel never see each
// other's tables; dropped (with any connections still on it) when the test ends.
class ScratchDatabase {
 public:
  ScratchDatabase() : ScratchDatabase(testPostgresUrl()) {}
  explicit ScratchDatabase(const std::string& clusterUrl) : m_adminUrl(clusterUrl) {
    static std::atomic<int> counter{0};
    m_name = "test_" + std::to_string(::getpid()) + "_" + std::to_string(counter++);
    m_url = withDatabase(clusterUrl, m_name);
    auto admin = adminConnection();
    namespace pg = platform::postgres;
    // A database of the same name is left over from a killed process that had this process's id.
    if (auto r = admin.exec("DROP DATABASE IF EXISTS " + pg::quoteIdentifier(m_name) + " WITH (FORCE)"); !r) {
      throw std::runtime_error(r.error().message);
    }
    if (auto r = admin.exec("CREATE DATABASE " + pg::quoteIdentifier(m_name)); !r) {
      throw std::runtime_error(r.error().message);
    }
  }
  ScratchDatabase(const ScratchDatabase&) = delete;
  ScratchDatabase& operator=(const ScratchDatabase&) = delete;
  ~ScratchDatabase() {
    try {
      auto admin = adminConnection();
      (void)admin.exec("DROP DATABASE IF EXISTS " + platform::postgres::quoteIdentifier(m_name) +
                       " WITH (FORCE)");
    } catch (...) {  // the cluster is gone (a test stopped it): nothing to drop
    }
  }

  const std::string& url() const { return m_url; }
  const std::string& name() const { return m_name; }

 private:
  platform::postgres::Connection adminConnection() const {
    auto admin = platform::postgres::Connection::open(m_adminUrl);
    if (!admin) throw std::runtime_error(admin.error().message);
    return std::move(admin).value();
  }

  std::string m_adminUrl;
  std::string m_name;
  std::string m_url;
};

// A cluster of one test's own, started and stopped with the fixture's script: for tests that stop or
// restart the server. Stopped when it goes out of scope, and by the script's watchdog if this process dies.
class PrivateCluster {
 public:
  explicit PrivateCluster(std::string script) : m_script(std::move(script)) {
    run("start " + quoted(m_state.path().string()) + " --stop-with " + std::to_string(::getpid()));
    std::ifstream file(m_state.file("url"));
    if (!std::getline(file, m_url) || m_url.empty()) throw std::runtime_error("pg_cluster.sh wrote no url");
  }
  PrivateCluster(const PrivateCluster&) = delete;
  PrivateCluster& operator=(const PrivateCluster&) = delete;
  ~PrivateCluster() {
    try {
      stop();
    } catch (...) {
    }
  }

  const std::string& url() const { return m_url; }
  // A fast shutdown: the server ends every connection and exits. Stopping twice is harmless.
  void stop() { run("stop " + quoted(m_state.path().string())); }

 private:
  static std::string quoted(const std::string& s) { return "'" + s + "'"; }
  void run(const std::string& args) const {
    std::string command = quoted(m_script) + " " + args + " >/dev/null";
    if (std::system(command.c_str()) != 0) throw std::runtime_error("failed: " + command);
  }

  std::string m_script;
  TempDir m_state;
  std::string m_url;
};

}  // namespace unitclock::test
