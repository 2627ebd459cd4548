#pragma once
// Test support: a real unitclock-server process on 127.0.0.1, its admin commands, and a temporary data
// directory. The binary path comes from CMake (UNITCLOCK_SERVER_BINARY).

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <unitclock/platform/postgres.h>
#include <unitclock/platform/sqlite.h>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <mutex>
#include <optional>
#include <random>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "support/temp_dir.h"
#include "support/wait_for.h"

namespace unitclock::server::testing {

struct CommandResult {
  int exitCode = -1;
  std::string out;
  std::string err;
};

// [SECTION] Which store this run's servers use
// ctest runs this suite twice: on SQLite (tests named server.*) and on PostgreSQL (server.postgresql.*,
// with UNITCLOCK_TEST_SERVER_PG_DIR naming the run's throwaway cluster, tests/support/pg_cluster.sh).
// A test names its server's store by a data directory, as a single clinic's operator does; on the
// PostgreSQL pass every data directory gets a schema of its own on the cluster, and the commands and
// servers the test runs get `--database URL` (that schema) where the test wrote `--data-dir DIR`.

// The cluster's directory on the PostgreSQL pass, else nullopt.
inline std::optional<std::string> postgresPassDir() {
  const char* dir = std::getenv("UNITCLOCK_TEST_SERVER_PG_DIR");
  if (dir == nullptr || *dir == '\0') return std::nullopt;
  return std::string(dir);
}

// While one is in scope, `--data-dir` keeps meaning SQLite on the PostgreSQL pass too: for a test that
// needs both stores (migrate copies a SQLite server into PostgreSQL).
class KeepSqlite {
 public:
  KeepSqlite() { active() = true; }
  ~KeepSqlite() { active() = false; }
  KeepSqlite(const KeepSqlite&) = delete;
  KeepSqlite& operator=(const KeepSqlite&) = delete;
  static bool& active() {
    static bool on = false;
    return on;
  }
};

inline bool onPostgres() {
  return postgresPassDir().has_value() && !KeepSqlite::active();
}

// The cluster's URL (postgresql://postgres@127.0.0.1:PORT/unitclock).
inline std::string postgresClusterUrl() {
  if (!postgresPassDir())
    throw std::runtime_error("not on the PostgreSQL pass (UNITCLOCK_TEST_SERVER_PG_DIR)");
  std::ifstream file(*postgresPassDir() + "/url");
  std::string url;
  if (!std::getline(file, url) || url.empty())
    throw std::runtime_error("no PostgreSQL cluster URL in " + *postgresPassDir() + "/url");
  return url;
}

// The database URL that stands for `dataDir` on the PostgreSQL pass: the cluster's database with the
// search path set to a schema named after the directory, created on first use.
inline std::string databaseUrlFor(const std::string& dataDir) {
  static std::mutex mutex;
  static std::set<std::string> created;
  char name[40];
  std::snprintf(name, sizeof name, "dd_%d_%016zx", static_cast<int>(::getpid()),
                std::hash<std::string>{}(std::filesystem::absolute(dataDir).lexically_normal().string()));
  const std::string cluster = postgresClusterUrl();
  std::lock_guard lock(mutex);
  if (created.insert(name).second) {
    auto db = platform::postgres::Connection::open(cluster);
    if (!db) throw std::runtime_error(db.error().message);
    if (auto r = db->exec(std::string("CREATE SCHEMA IF NOT EXISTS ") + name); !r)
      throw std::runtime_error(r.error().message);
  }
  return cluster + (cluster.find('?') == std::string::npos ? "?" : "&") + "options=-csearch_path%3D" + name;
}

// `args` with every `--data-dir DIR` turned into `--database URL` on the PostgreSQL pass (the directory is
// still made, for the files a test keeps beside it); unchanged on SQLite.
inline std::vector<std::string> withTestStore(std::vector<std::string> args) {
  if (!onPostgres()) return args;
  for (std::size_t i = 0; i + 1 < args.size(); ++i) {
    if (args[i] != "--data-dir") continue;
    std::filesystem::create_directories(args[i + 1]);
    args[i + 1] = databaseUrlFor(args[i + 1]);
    args[i] = "--database";
  }
  return args;
}

inline std::string readAll(int fd) {
  std::string s;
  char buf[4096];
  ssize_t n;
  while ((n = ::read(fd, buf, sizeof buf)) > 0) s.append(buf, static_cast<std::size_t>(n));
  return s;
}

// Runs the server binary with `args` to completion, `input` on its standard input (a file, as a pipe from
// a shell would give it: not a terminal).
inline CommandResult runServer(const std::vector<std::string>& args, const std::string& input = {}) {
  const std::string unique = std::to_string(::getpid()) + "-" + std::to_string(std::random_device{}());
  auto errFile = std::filesystem::temp_directory_path() / ("uc-err-" + unique);
  auto inFile = std::filesystem::temp_directory_path() / ("uc-in-" + unique);
  {
    std::FILE* f = std::fopen(inFile.c_str(), "wb");
    if (!f) throw std::runtime_error("cannot write " + inFile.string());
    std::fwrite(input.data(), 1, input.size(), f);
    std::fclose(f);
  }
  const std::string inPath = inFile.string();
  // Everything the child needs is prepared before fork(): other test threads may hold locks.
  std::vector<std::string> copy{UNITCLOCK_SERVER_BINARY};
  const auto storeArgs = withTestStore(args);
  copy.insert(copy.end(), storeArgs.begin(), storeArgs.end());
  std::vector<char*> argv;
  for (auto& a : copy) argv.push_back(a.data());
  argv.push_back(nullptr);
  const std::string errPath = errFile.string();
  int out[2];
  if (::pipe2(out, O_CLOEXEC) != 0) throw std::runtime_error("pipe");
  pid_t pid = ::fork();
  if (pid == 0) {
    ::dup2(out[1], 1);
    int e = ::open(errPath.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    ::dup2(e, 2);
    int in = ::open(inPath.c_str(), O_RDONLY);
    ::dup2(in, 0);
    ::close(out[0]);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  ::close(out[1]);
  CommandResult r;
  r.out = readAll(out[0]);
  ::close(out[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  r.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  if (FILE* f = std::fopen(errFile.c_str(), "r")) {
    char buf[4096];
    std::size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) r.err.append(buf, n);
    std::fclose(f);
  }
  std::filesystem::remove(errFile);
  std::filesystem::remove(inFile);
  return r;
}

inline std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  return s;
}

using test::TempDir;  // tests/support/temp_dir.h

// A data directory with one clinic "north", a therapist, an assistant, a device enrollment code and a
// supervisor token.
struct Clinic {
  TempDir dir;
  std::string dataDir;
  std::string enrollCode;
  std::string supervisorToken;

  Clinic() {
    dataDir = (dir.path() / "data").string();
    must({"init", "--data-dir", dataDir});
    must({"clinic", "add", "--data-dir", dataDir, "--id", "north", "--name", "North Clinic"});
    must({"clinician", "add", "--data-dir", dataDir, "--clinic", "north", "--id", "ot1", "--name",
          "Ana Ortiz", "--role", "ot", "--npi", "1234567893", "--pin-hash",
          "$argon2id$v=19$m=32768,t=8,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA"});
    must({"clinician", "add", "--data-dir", dataDir, "--clinic", "north", "--id", "ota1", "--name", "Ben Lee",
          "--role", "ota"});
    enrollCode = trim(must({"device", "enroll-code", "--data-dir", dataDir, "--clinic", "north"}));
    supervisorToken = trim(must({"token", "add", "--data-dir", dataDir, "--role", "supervisor"}));
  }

  std::string newEnrollCode() {
    return trim(must({"device", "enroll-code", "--data-dir", dataDir, "--clinic", "north"}));
  }

  static std::string must(const std::vector<std::string>& args) {
    auto r = runServer(args);
    if (r.exitCode != 0) throw std::runtime_error("unitclock-server " + args[0] + " failed: " + r.err);
    return r.out;
  }
};

// `unitclock-server serve` as a child process. Reads the "listening URL" line from its stdout.
class ServerProcess {
 public:
  explicit ServerProcess(const std::string& dataDir, std::vector<std::string> extra = {},
                         const std::string& listen = "127.0.0.1:0") {
    // `dataDir` may also be a postgresql:// URL: a server on that database, its log in the temp directory.
    const bool url = dataDir.rfind("postgresql://", 0) == 0;
    m_errPath = url ? (std::filesystem::temp_directory_path() / ("uc-server-" + std::to_string(::getpid()) +
                                                                 "-" + std::to_string(++counter()) + ".log"))
                          .string()
                    : dataDir + "/../server-" + std::to_string(++counter()) + ".log";
    std::vector<std::string> args{
        UNITCLOCK_SERVER_BINARY, "serve", url ? "--database" : "--data-dir", dataDir, "--listen", listen};
    args.insert(args.end(), extra.begin(), extra.end());
    args = withTestStore(std::move(args));
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    int out[2];
    if (::pipe2(out, O_CLOEXEC) != 0) throw std::runtime_error("pipe");
    m_pid = ::fork();
    if (m_pid == 0) {
      ::dup2(out[1], 1);
      int e = ::open(m_errPath.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
      ::dup2(e, 2);
      ::close(out[0]);
      ::execv(argv[0], argv.data());
      ::_exit(127);
    }
    ::close(out[1]);
    std::string line;
    char c;
    while (::read(out[0], &c, 1) == 1 && c != '\n') line.push_back(c);
    m_stdout = out[0];
    const std::string prefix = "listening ";
    if (line.rfind(prefix, 0) != 0) {
      stop(SIGKILL);
      throw std::runtime_error("unitclock-server did not start: '" + line + "' " + log());
    }
    m_url = line.substr(prefix.size());
    m_port = std::stoi(m_url.substr(m_url.rfind(':') + 1));
  }
  ~ServerProcess() { stop(SIGTERM); }

  const std::string& url() const { return m_url; }
  int port() const { return m_port; }

  // Sends `signal` and waits for the process; returns its wait status.
  int stop(int signal) {
    if (m_pid <= 0) return 0;
    ::kill(m_pid, signal);
    int status = 0;
    ::waitpid(m_pid, &status, 0);
    m_pid = -1;
    if (m_stdout >= 0) ::close(m_stdout);
    m_stdout = -1;
    return status;
  }

  std::string log() const {
    std::string s;
    if (FILE* f = std::fopen(m_errPath.c_str(), "r")) {
      char buf[4096];
      std::size_t n;
      while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) s.append(buf, n);
      std::fclose(f);
    }
    return s;
  }

 private:
  static int& counter() {
    static int n = 0;
    return n;
  }
  pid_t m_pid = -1;
  int m_stdout = -1;
  std::string m_url;
  int m_port = 0;
  std::string m_errPath;
};

using test::waitFor;  // tests/support/wait_for.h

// Runs SQL that both backends understand on the server's database beside the running server: a test
// setting up what an older version or an operator left behind.
inline void execSql(const std::string& dataDir, const std::string& sql) {
  if (onPostgres()) {
    auto db = platform::postgres::Connection::open(databaseUrlFor(dataDir));
    if (!db) throw std::runtime_error(db.error().message);
    if (auto r = db->exec(sql); !r) throw std::runtime_error(r.error().message);
    return;
  }
  auto db = platform::sqlite::Database::open(dataDir + "/unitclock-server.db");
  if (!db) throw std::runtime_error(db.error().message);
  if (auto r = db->exec(sql); !r) throw std::runtime_error(r.error().message);
}

// For a test about the SQLite file itself (its bytes, its permissions, its backup): skipped on the
// PostgreSQL pass, which has tests of its own for the same promises.
#define UNITCLOCK_SQLITE_ONLY(why)                                                       \
  do {                                                                                   \
    if (::unitclock::server::testing::onPostgres()) GTEST_SKIP() << "SQLite only: " why; \
  } while (false)

// One number from the server's database, read beside the running server (WAL reader); on the PostgreSQL
// pass the same SQL through libpq on the directory's schema.
inline std::int64_t queryCount(const std::string& dataDir, const std::string& sql) {
  if (onPostgres()) {
    auto db = platform::postgres::Connection::open(databaseUrlFor(dataDir));
    if (!db) throw std::runtime_error(db.error().message);
    auto r = db->query(sql == "PRAGMA user_version" ? "SELECT version FROM unitclock_schema" : sql);
    if (!r) throw std::runtime_error(r.error().message);
    return r->int64(0, 0);
  }
  auto db = platform::sqlite::Database::open(dataDir + "/unitclock-server.db");
  if (!db) throw std::runtime_error(db.error().message);
  auto n = db.value().queryInt64(sql);
  if (!n) throw std::runtime_error(n.error().message);
  return n.value();
}

}  // namespace unitclock::server::testing
