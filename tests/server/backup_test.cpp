// Backups taken while the server serves, and a restore into a new data directory, with real
// unitclock-server processes and real SQLite files.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <atomic>
#include <fstream>
#include <thread>

#include <unitclock/platform/http_client.h>

#include "api_client.h"
#include "server_process.h"
#include "upload_fixtures.h"

namespace unitclock::server {
namespace {

namespace fs = std::filesystem;
using testing::Clinic;
using testing::runServer;
using testing::ServerProcess;
using testing::sessionId;
using testing::upload;

using testing::client;

std::string daySummary(const std::string& url, const std::string& token) {
  auto c = client(url, token);
  auto r = c.get("/api/v1/days/2026-11-26/summary?clinic=north");
  if (!r || r->status != 200) throw std::runtime_error("no summary");
  return r->body;
}

unsigned mode(const fs::path& p) {
  struct stat st {};
  ::stat(p.c_str(), &st);
  return st.st_mode & 0777;
}

TEST(Backup, TakenWhileDevicesUploadRestoresToTheSameDay) {
  UNITCLOCK_SQLITE_ONLY("backup copies the SQLite file");
  Clinic clinic;
  ServerProcess server(clinic.dataDir);
  const auto token = testing::enroll(server.url(), clinic.enrollCode);
  const fs::path backups = fs::path(clinic.dataDir).parent_path() / "backups";
  fs::create_directories(backups);

  // A device uploads 40 sessions while three backups are taken (each a consistent instant).
  std::atomic<int> uploaded{0};
  std::thread device([&] {
    auto c = client(server.url(), token);
    for (int i = 1; i <= 40; ++i) {
      auto body = upload(sessionId(i), "MRN" + std::to_string(i), {{"97110", "09:00:00", "09:23:00"}});
      auto r = c.put("/api/v1/sessions/" + sessionId(i), body.dump());
      if (r && r->status == 201) ++uploaded;
    }
  });
  for (int i = 0; i < 3; ++i) {
    auto r = runServer({"backup", "--data-dir", clinic.dataDir, "--to", backups.string(), "--keep", "2"});
    EXPECT_EQ(r.exitCode, 0) << r.err;
    std::this_thread::sleep_for(std::chrono::milliseconds(1100));  // backups are named by the second
  }
  device.join();
  ASSERT_EQ(uploaded.load(), 40);
  std::vector<fs::path> kept;
  for (const auto& e : fs::directory_iterator(backups)) kept.push_back(e.path());
  EXPECT_EQ(kept.size(), 2u) << "--keep 2 keeps the newest two";
  for (const auto& k : kept) EXPECT_EQ(mode(k), 0600u) << k;

  // The final backup, after the uploads, restores to a server that reports the same day.
  const fs::path last = fs::path(clinic.dataDir).parent_path() / "last.db";
  auto r = runServer({"backup", "--data-dir", clinic.dataDir, "--to", last.string()});
  ASSERT_EQ(r.exitCode, 0) << r.err;
  const std::string restoredDir = (fs::path(clinic.dataDir).parent_path() / "restored").string();
  r = runServer({"restore", "--data-dir", restoredDir, "--from", last.string()});
  ASSERT_EQ(r.exitCode, 0) << r.err;
  EXPECT_EQ(mode(fs::path(restoredDir) / "unitclock-server.db"), 0600u);
  EXPECT_EQ(mode(restoredDir), 0700u);
  const std::string original = daySummary(server.url(), clinic.supervisorToken);
  ServerProcess restored(restoredDir);
  EXPECT_EQ(daySummary(restored.url(), clinic.supervisorToken), original);
  EXPECT_NE(original.find("\"units\":80"), std::string::npos) << "40 sessions of 2 units: " << original;
}

TEST(Backup, ARestoreNeverOverwritesAndRefusesADamagedCopy) {
  UNITCLOCK_SQLITE_ONLY("restore writes a SQLite file");
  Clinic clinic;
  const fs::path dir = fs::path(clinic.dataDir).parent_path();
  auto r = runServer({"backup", "--data-dir", clinic.dataDir, "--to", (dir / "good.db").string()});
  ASSERT_EQ(r.exitCode, 0) << r.err;

  // Into a data directory that already has a database: refused, and that database is untouched.
  r = runServer({"restore", "--data-dir", clinic.dataDir, "--from", (dir / "good.db").string()});
  EXPECT_EQ(r.exitCode, 1);
  EXPECT_NE(r.err.find("already exists"), std::string::npos) << r.err;

  // A damaged copy (three pages overwritten on disk): refused before anything is written.
  fs::copy_file(dir / "good.db", dir / "bad.db");
  {
    std::fstream f(dir / "bad.db", std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(4096);
    const std::string garbage(3 * 4096, '\x5a');
    f.write(garbage.data(), static_cast<std::streamsize>(garbage.size()));
  }
  r = runServer({"restore", "--data-dir", (dir / "fresh").string(), "--from", (dir / "bad.db").string()});
  EXPECT_EQ(r.exitCode, 1);
  EXPECT_FALSE(fs::exists(dir / "fresh" / "unitclock-server.db"));

  // Not a backup at all.
  std::ofstream(dir / "notes.txt") << "not a database";
  r = runServer({"restore", "--data-dir", (dir / "fresh").string(), "--from", (dir / "notes.txt").string()});
  EXPECT_EQ(r.exitCode, 1);
  EXPECT_FALSE(fs::exists(dir / "fresh" / "unitclock-server.db"));
  EXPECT_EQ(
      runServer({"backup", "--data-dir", clinic.dataDir, "--to", (dir / "x.db").string(), "--keep", "0"})
          .exitCode,
      2);
}

}  // namespace
}  // namespace unitclock::server
