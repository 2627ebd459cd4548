// unitclock-server's command line as an administrator meets it: --help and --version, the configuration
// file with environment variables and options over it, the PIN from standard input, and the list
// commands. Every case runs the real binary on a real data directory.
#include <gtest/gtest.h>

#include <unitclock/version.h>
#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

#include "api_client.h"
#include "server_process.h"
#include "upload_fixtures.h"

namespace unitclock::server {
namespace {

namespace fs = std::filesystem;
using testing::Clinic;
using testing::runServer;

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

void write(const fs::path& file, const std::string& text) {
  std::ofstream(file) << text;
}

std::size_t filesIn(const fs::path& dir) {
  return static_cast<std::size_t>(std::distance(fs::directory_iterator(dir), fs::directory_iterator{}));
}

// Runs the server with one environment variable set for the child only.
testing::CommandResult runWithEnv(const char* name, const std::string& value,
                                  const std::vector<std::string>& args) {
  ::setenv(name, value.c_str(), 1);
  auto r = runServer(args);
  ::unsetenv(name);
  return r;
}

TEST(ServerCommandLine, VersionAndHelpAnswerOnStdout) {
  auto v = runServer({"--version"});
  EXPECT_EQ(v.exitCode, 0);
  EXPECT_EQ(v.out, std::string("unitclock-server ") + kVersion + "\n");

  auto help = runServer({"--help"});
  EXPECT_EQ(help.exitCode, 0) << help.err;
  for (const char* word : {"serve", "backup", "restore", "clinic", "clinician", "device", "token",
                           "rejection", "Exit status", "/etc/unitclock/server.conf", "UNITCLOCK_DATA_DIR"}) {
    EXPECT_TRUE(contains(help.out, word)) << word << " missing from\n" << help.out;
  }
  // Each command has its own help, naming its options and their environment variables.
  auto serve = runServer({"serve", "--help"});
  EXPECT_EQ(serve.exitCode, 0);
  EXPECT_TRUE(contains(serve.out, "--listen HOST:PORT")) << serve.out;
  EXPECT_TRUE(contains(serve.out, "UNITCLOCK_LISTEN")) << serve.out;
  auto add = runServer({"clinician", "add", "--help"});
  EXPECT_EQ(add.exitCode, 0);
  EXPECT_TRUE(contains(add.out, "--pin-stdin")) << add.out;
}

TEST(ServerCommandLine, MistakesAreUsageErrorsThatSayWhatIsWrong) {
  auto unknown = runServer({"fly", "--data-dir", "/tmp/x"});
  EXPECT_EQ(unknown.exitCode, 2);
  EXPECT_TRUE(contains(unknown.err, "unknown command or argument: fly")) << unknown.err;
  auto half = runServer({"clinic", "--data-dir", "/tmp/x"});
  EXPECT_EQ(half.exitCode, 2);
  EXPECT_TRUE(contains(half.err, "clinic needs a command: add, list")) << half.err;
  auto option = runServer({"clinic", "list", "--data-dir", "/tmp/x", "--colour", "red"});
  EXPECT_EQ(option.exitCode, 2);
  EXPECT_TRUE(contains(option.err, "--colour")) << option.err;
  auto required = runServer({"clinic", "add", "--data-dir", "/tmp/x", "--id", "a"});
  EXPECT_EQ(required.exitCode, 2);
  EXPECT_TRUE(contains(required.err, "--name is required")) << required.err;
  auto noDataDir = runServer({"clinic", "list"});
  if (!fs::exists("/etc/unitclock/server.conf")) {  // an installed server's file would name one
    EXPECT_EQ(noDataDir.exitCode, 2);
    EXPECT_TRUE(contains(noDataDir.err, "--data-dir DIR (SQLite) or --database postgresql://"))
        << noDataDir.err;
  }
}

TEST(ServerCommandLine, TheConfigurationFileIsOverriddenByTheEnvironmentAndTheEnvironmentByOptions) {
  UNITCLOCK_SQLITE_ONLY("its file names a data directory and a backup directory");
  Clinic clinic;
  const fs::path dir = fs::path(clinic.dataDir).parent_path();
  const fs::path backups = dir / "backups";
  fs::create_directory(backups);
  const fs::path conf = dir / "server.conf";
  write(conf, "# as an administrator writes it\ndata-dir = \"" + clinic.dataDir +
                  "\"\n\n[serve]\nlisten = \"127.0.0.1:0\"\n\n" + "[backup]\nto = \"" + backups.string() +
                  "\"\nkeep = 2\n");

  // The file alone: data-dir at the top, [backup]'s directory and count.
  for (int i = 0; i < 3; ++i) {
    auto r = runServer({"--config", conf.string(), "backup"});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    std::this_thread::sleep_for(std::chrono::milliseconds(1100));  // one backup file name per second
  }
  EXPECT_EQ(filesIn(backups), 2u);
  // An environment variable overrides the file: keep 1.
  auto env = runWithEnv("UNITCLOCK_BACKUP_KEEP", "1", {"--config", conf.string(), "backup"});
  ASSERT_EQ(env.exitCode, 0) << env.err;
  EXPECT_EQ(filesIn(backups), 1u);
  // An option overrides both: a malformed count from the environment is not even read.
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  auto option =
      runWithEnv("UNITCLOCK_BACKUP_KEEP", "x", {"--config", conf.string(), "backup", "--keep", "3"});
  ASSERT_EQ(option.exitCode, 0) << option.err;
  EXPECT_EQ(filesIn(backups), 2u);
  auto envBad = runWithEnv("UNITCLOCK_BACKUP_KEEP", "x", {"--config", conf.string(), "backup"});
  EXPECT_EQ(envBad.exitCode, 2);
  EXPECT_TRUE(contains(envBad.err, "--keep")) << envBad.err;
  // The data directory from the environment wins over the file's.
  auto elsewhere = runWithEnv("UNITCLOCK_DATA_DIR", (dir / "elsewhere").string(),
                              {"--config", conf.string(), "clinic", "list"});
  EXPECT_EQ(elsewhere.exitCode, 1);
  EXPECT_TRUE(contains(elsewhere.err, "elsewhere")) << elsewhere.err;

  // Every command reads the top-level keys.
  auto listed = runServer({"--config", conf.string(), "clinic", "list"});
  EXPECT_EQ(listed.exitCode, 0);
  EXPECT_TRUE(contains(listed.out, "north\tNorth Clinic\tUTC\t6\t")) << listed.out;
}

TEST(ServerCommandLine, AMisspeltOrMissingConfigurationFileIsRefused) {
  Clinic clinic;
  const fs::path conf = fs::path(clinic.dataDir).parent_path() / "server.conf";
  write(conf, "data-dir = \"" + clinic.dataDir + "\"\n[serve]\nlisen = \"127.0.0.1:0\"\n");
  auto typo = runServer({"--config", conf.string(), "clinic", "list"});
  EXPECT_EQ(typo.exitCode, 2);
  EXPECT_TRUE(contains(typo.err, "lisen")) << typo.err;
  auto missing = runServer({"--config", conf.string() + ".gone", "clinic", "list"});
  EXPECT_EQ(missing.exitCode, 2);
  EXPECT_TRUE(contains(missing.err, "server.conf.gone")) << missing.err;
}

TEST(ServerCommandLine, APinComesFromStandardInputNeverTheCommandLine) {
  Clinic clinic;
  auto add = [&](const std::string& id, std::vector<std::string> extra, const std::string& input) {
    std::vector<std::string> args{"clinician", "add", "--data-dir", clinic.dataDir, "--clinic", "north",
                                  "--id",      id,    "--name",     "Cleo Diaz",    "--role",   "pt"};
    args.insert(args.end(), extra.begin(), extra.end());
    return runServer(args, input);
  };
  auto onCommandLine = add("pt1", {"--pin", "482193"}, "");
  EXPECT_EQ(onCommandLine.exitCode, 2);
  EXPECT_TRUE(contains(onCommandLine.err, "--pin-stdin")) << onCommandLine.err;
  EXPECT_EQ(testing::queryCount(clinic.dataDir, "SELECT count(*) FROM clinicians WHERE id = 'pt1'"), 0);

  auto nothing = add("pt1", {"--pin-stdin"}, "");
  EXPECT_EQ(nothing.exitCode, 1);
  EXPECT_TRUE(contains(nothing.err, "no PIN")) << nothing.err;
  auto letters = add("pt1", {"--pin-stdin"}, "48a193\n");
  EXPECT_EQ(letters.exitCode, 1);
  EXPECT_TRUE(contains(letters.err, "4 to 12 digits")) << letters.err;
  EXPECT_EQ(testing::queryCount(clinic.dataDir, "SELECT count(*) FROM clinicians WHERE id = 'pt1'"), 0);

  auto piped = add("pt1", {"--pin-stdin"}, "482193\n");
  EXPECT_EQ(piped.exitCode, 0) << piped.err;
  EXPECT_EQ(
      testing::queryCount(clinic.dataDir,
                          "SELECT count(*) FROM clinicians WHERE id = 'pt1' AND pin_hash LIKE '$argon2id$%'"),
      1);
  // Updating the name keeps the PIN unless a new one is given.
  auto renamed = add("pt1", {}, "");
  EXPECT_EQ(renamed.exitCode, 0);
  EXPECT_TRUE(contains(renamed.out, "PIN kept")) << renamed.out;
}

TEST(ServerCommandLine, ListsShowTheRosterTokensAndRefusalsButNoSecrets) {
  Clinic clinic;
  auto clinicians = runServer({"clinician", "list", "--data-dir", clinic.dataDir, "--clinic", "north"});
  ASSERT_EQ(clinicians.exitCode, 0) << clinicians.err;
  EXPECT_TRUE(contains(clinicians.out, "id\tclinic\tname\trole\tnpi\tpin\tactive\n")) << clinicians.out;
  EXPECT_TRUE(contains(clinicians.out, "ot1\tnorth\tAna Ortiz\tot\t1234567893\tset\tyes\n"))
      << clinicians.out;
  EXPECT_TRUE(contains(clinicians.out, "ota1\tnorth\tBen Lee\tota\t\tnone\tyes\n")) << clinicians.out;
  EXPECT_FALSE(contains(clinicians.out, "argon2")) << clinicians.out;
  Clinic::must({"clinician", "remove", "--data-dir", clinic.dataDir, "--id", "ota1"});
  EXPECT_TRUE(contains(Clinic::must({"clinician", "list", "--data-dir", clinic.dataDir}),
                       "ota1\tnorth\tBen Lee\tota\t\tnone\tno\n"));

  auto tokens = runServer({"token", "list", "--data-dir", clinic.dataDir});
  ASSERT_EQ(tokens.exitCode, 0);
  EXPECT_TRUE(contains(tokens.out, "1\tsupervisor\t(all)\t\t")) << tokens.out;
  EXPECT_FALSE(contains(tokens.out, clinic.supervisorToken));
  Clinic::must({"token", "revoke", "--data-dir", clinic.dataDir, "--id", "1"});
  // Revoked: its revoked_at is filled (no row ends with an empty column any more).
  EXPECT_FALSE(contains(Clinic::must({"token", "list", "--data-dir", clinic.dataDir}), "\t\n"));

  // A refused upload, listed with the field and the message the device was given.
  {
    testing::ServerProcess server(clinic.dataDir);
    auto device = testing::client(server.url(), testing::enroll(server.url(), clinic.enrollCode, "room 1"));
    auto bad =
        testing::upload(testing::sessionId(1), "MRN1", {{"97110", "15:00:00", "15:20:00"}}, "2026-11-02");
    bad["status"] = "finished";
    ASSERT_EQ(testing::must(device.put("/api/v1/sessions/" + testing::sessionId(1), bad.dump())).status, 400);
  }
  auto refusals = runServer({"rejection", "list", "--data-dir", clinic.dataDir, "--day", "2026-11-02"});
  ASSERT_EQ(refusals.exitCode, 0) << refusals.err;
  EXPECT_TRUE(contains(refusals.out, "\tnorth\t2026-11-02\t1\t" + testing::sessionId(1) + "\t400\tstatus\t"))
      << refusals.out;
  auto otherDay = runServer({"rejection", "list", "--data-dir", clinic.dataDir, "--day", "2026-11-03"});
  EXPECT_EQ(std::count(otherDay.out.begin(), otherDay.out.end(), '\n'), 1) << otherDay.out;  // the header
  EXPECT_EQ(runServer({"rejection", "list", "--data-dir", clinic.dataDir, "--limit", "0"}).exitCode, 2);

  // The device that sent it: its label, when it last called and which app it runs.
  auto devices = runServer({"device", "list", "--data-dir", clinic.dataDir, "--clinic", "north"});
  ASSERT_EQ(devices.exitCode, 0) << devices.err;
  EXPECT_TRUE(contains(devices.out,
                       "id\tclinic\tlabel\tenrolled_at\trevoked_at\tlast_seen_at\tapp_version\t"
                       "pending_uploads\n"))
      << devices.out;
  EXPECT_TRUE(contains(devices.out, "1\tnorth\troom 1\t")) << devices.out;
  EXPECT_TRUE(contains(devices.out, std::string("Z\tunitclock/") + kVersion + "\t")) << devices.out;

  // Roles in any case are stored in one spelling; an unknown one is a usage error.
  Clinic::must({"clinician", "add", "--data-dir", clinic.dataDir, "--clinic", "north", "--id", "pt2",
                "--name", "Pat", "--role", "PT"});
  EXPECT_TRUE(
      contains(Clinic::must({"clinician", "list", "--data-dir", clinic.dataDir}), "pt2\tnorth\tPat\tpt\t"));
  EXPECT_EQ(runServer({"clinician", "add", "--data-dir", clinic.dataDir, "--clinic", "north", "--id", "x",
                       "--name", "X", "--role", "admin"})
                .exitCode,
            2);
}

}  // namespace
}  // namespace unitclock::server
