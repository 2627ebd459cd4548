// `unitclock-cli sessions` run as a real process against device stores written by the store itself.
#include <unitclock/platform/device_store.h>
#include <unitclock/platform/sqlite.h>

#include <gtest/gtest.h>

#include <fcntl.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <vector>

#include "store_fixtures.h"
#include "support/temp_dir.h"

#ifndef UNITCLOCK_CLI_PATH
#error "UNITCLOCK_CLI_PATH must name the unitclock-cli executable"
#endif

using namespace unitclock;
using namespace unitclock::platform;
using namespace unitclock::test;
using core::EventType;
using Json = nlohmann::json;

namespace {

struct CliRun {
  int exitCode = -1;
  std::string out;
  std::string err;
};

CliRun runCli(std::vector<std::string> args) {
  args.insert(args.begin(), UNITCLOCK_CLI_PATH);
  int outPipe[2], errPipe[2];
  EXPECT_EQ(::pipe2(outPipe, O_CLOEXEC), 0);
  EXPECT_EQ(::pipe2(errPipe, O_CLOEXEC), 0);
  pid_t pid = ::fork();
  if (pid == 0) {
    ::dup2(outPipe[1], STDOUT_FILENO);
    ::dup2(errPipe[1], STDERR_FILENO);
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  ::close(outPipe[1]);
  ::close(errPipe[1]);
  CliRun run;
  pollfd fds[2] = {{outPipe[0], POLLIN, 0}, {errPipe[0], POLLIN, 0}};
  int open = 2;
  char buf[65536];
  while (open > 0 && ::poll(fds, 2, 10000) > 0) {
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || (fds[i].revents & (POLLIN | POLLHUP)) == 0) continue;
      ssize_t n = ::read(fds[i].fd, buf, sizeof buf);
      if (n <= 0) {
        ::close(fds[i].fd);
        fds[i].fd = -1;
        --open;
      } else {
        (i == 0 ? run.out : run.err).append(buf, static_cast<std::size_t>(n));
      }
    }
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  run.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return run;
}

std::string sessionId(int n) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "00000000-0000-4000-8000-%012d", n);
  return buf;
}

DeviceStore openStore(const std::string& path) {
  auto s = DeviceStore::open(path);
  EXPECT_TRUE(s.ok()) << (s.ok() ? "" : s.error().message);
  return std::move(s).value();
}

// 97110 for 33 minutes then 97140 for 7: 2 units and 1 unit under Medicare, each with GO.
void recordSignedSession(DeviceStore& store, const std::string& id, core::WallTime start) {
  Recorder r(store, header(id), start);
  r.start("97110");
  r.advance(33min);
  r.start("97140");
  r.advance(7min);
  r.simple(EventType::session_ended);
  r.simple(EventType::session_signed);
}

int exitStatusLines(const std::string& err) {
  return static_cast<int>(std::count(err.begin(), err.end(), '\n'));
}

}  // namespace

TEST(SessionsCli, ExportJsonShowsTheRightTotalsAndUnits) {
  TempDir dir;
  const auto db = dir.file("device.db");
  {
    DeviceStore store = openStore(db);
    recordSignedSession(store, sessionId(1), wallAt(2026, 11, 2, 14, 0));
  }
  auto run = runCli({"sessions", "export", "--db", db, "--json"});
  ASSERT_EQ(run.exitCode, 0) << run.err;
  auto doc = Json::parse(run.out);
  ASSERT_TRUE(doc.is_array());
  ASSERT_EQ(doc.size(), 1u);
  const auto& s = doc[0];
  EXPECT_EQ(s["id"], sessionId(1));
  EXPECT_EQ(s["status"], "signed");
  EXPECT_EQ(s["patient"]["initials"], "JD");
  EXPECT_EQ(s["patient"]["mrn"], "MRN001");
  EXPECT_EQ(s["clinicians"], Json::array({"c-ot-1"}));
  EXPECT_EQ(s["total_timed_minutes"], 40);
  EXPECT_EQ(s["total_treatment_minutes"], 40);
  EXPECT_EQ(s["total_units"], 3);
  // The same lines `unitclock-cli units --json 97110=33 97140=7` prints.
  auto units = runCli({"units", "--json", "97110=33", "97140=7"});
  ASSERT_EQ(units.exitCode, 0) << units.err;
  EXPECT_EQ(s["lines"], Json::parse(units.out)["lines"]);
  EXPECT_EQ(s["lines"], Json::parse(R"([{"code":"97110","units":2,"modifiers":["GO"]},
                                         {"code":"97140","units":1,"modifiers":["GO"]}])"));
  EXPECT_EQ(s["upload"]["state"], "pending");
}

TEST(SessionsCli, ExportPrintsUnitsExactlyAsTheUnitsCalculatorDoes) {
  // CMS Example 5: three codes of 7 minutes each. One unit, a tie the clinician may swap, two zero-unit
  // codes and their warnings: every key of `units --json` except the payer must be the same.
  TempDir dir;
  const auto db = dir.file("device.db");
  {
    DeviceStore store = openStore(db);
    Recorder r(store, header(sessionId(5)), wallAt(2026, 11, 2, 9, 0));
    for (const char* code : {"97112", "97110", "97140"}) {
      r.start(code);
      r.advance(7min);
    }
    r.simple(EventType::session_ended);
  }
  auto run = runCli({"sessions", "export", "--db", db, "--json"});
  ASSERT_EQ(run.exitCode, 0) << run.err;
  auto units = runCli({"units", "--json", "97112=7", "97110=7", "97140=7"});
  ASSERT_EQ(units.exitCode, 0) << units.err;
  const auto session = Json::parse(run.out).at(0);
  const auto calculator = Json::parse(units.out);
  ASSERT_EQ(calculator["ties"].size(), 1u);
  ASSERT_EQ(calculator["zero_unit_codes"].size(), 2u);
  for (const auto& [key, value] : calculator.items()) {
    if (key == "payer") continue;
    ASSERT_TRUE(session.contains(key)) << key;
    EXPECT_EQ(session[key], value) << key;
  }
}

TEST(SessionsCli, ExportTableSaysOneUnitAndTwoUnits) {
  TempDir dir;
  const auto db = dir.file("device.db");
  {
    DeviceStore store = openStore(db);
    Recorder one(store, header(sessionId(1)), wallAt(2026, 11, 2, 9, 0));
    one.start("97110");
    one.advance(10min);
    one.simple(EventType::session_ended);
    Recorder two(store, header(sessionId(2)), wallAt(2026, 11, 2, 10, 0));
    two.start("97110");
    two.advance(30min);
    two.simple(EventType::session_ended);
  }
  auto run = runCli({"sessions", "export", "--db", db});
  ASSERT_EQ(run.exitCode, 0) << run.err;
  EXPECT_NE(run.out.find("timed 10 min, treatment 10 min, 1 unit\n"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("timed 30 min, treatment 30 min, 2 units\n"), std::string::npos) << run.out;
}

TEST(SessionsCli, ExportForADateCountsOnlyThatClinicDaysMinutes) {
  TempDir dir;
  const auto db = dir.file("device.db");
  {
    DeviceStore store = openStore(db);
    ASSERT_TRUE(
        store.setSetting("clinic_time_zone", "America/Chicago", "admin", wallAt(2026, 11, 1, 0, 0)).ok());
    // 23:50 to 00:20 in Chicago (CST, UTC-6): 10 minutes on Nov 2, 20 on Nov 3.
    Recorder r(store, header(sessionId(2)), wallAt(2026, 11, 3, 5, 50));
    r.start("97110");
    r.advance(30min);
    r.simple(EventType::session_ended);
    recordSignedSession(store, sessionId(3), wallAt(2026, 11, 4, 15, 0));  // another day entirely
  }
  auto day1 = runCli({"sessions", "export", "--db", db, "--json", "--date", "2026-11-02"});
  ASSERT_EQ(day1.exitCode, 0) << day1.err;
  auto d1 = Json::parse(day1.out);
  ASSERT_EQ(d1.size(), 1u);
  EXPECT_EQ(d1[0]["id"], sessionId(2));
  EXPECT_EQ(d1[0]["date"], "2026-11-02");
  EXPECT_EQ(d1[0]["total_timed_minutes"], 10);
  EXPECT_EQ(d1[0]["total_units"], 1);
  auto day2 = runCli({"sessions", "export", "--db", db, "--json", "--date=2026-11-03"});
  ASSERT_EQ(day2.exitCode, 0) << day2.err;
  auto d2 = Json::parse(day2.out);
  ASSERT_EQ(d2.size(), 1u);
  EXPECT_EQ(d2[0]["total_timed_minutes"], 20);
  EXPECT_EQ(d2[0]["total_units"], 1);
  auto none = runCli({"sessions", "export", "--db", db, "--json", "--date", "2026-10-01"});
  EXPECT_EQ(none.out, "[]\n");
}

TEST(SessionsCli, ListFiltersByStatusAndShowPrintsTheEventLog) {
  TempDir dir;
  const auto db = dir.file("device.db");
  {
    DeviceStore store = openStore(db);
    recordSignedSession(store, sessionId(4), wallAt(2026, 11, 2, 9, 0));
    Recorder open(store, header(sessionId(5), "MRN777", "AB"), wallAt(2026, 11, 2, 10, 0));
    open.start("97530");
  }
  auto all = runCli({"sessions", "list", "--db", db, "--json"});
  ASSERT_EQ(all.exitCode, 0) << all.err;
  EXPECT_EQ(Json::parse(all.out).size(), 2u);
  auto open = runCli({"sessions", "list", "--db", db, "--json", "--status", "open"});
  auto openDoc = Json::parse(open.out);
  ASSERT_EQ(openDoc.size(), 1u);
  EXPECT_EQ(openDoc[0]["patient"]["initials"], "AB");

  auto table = runCli({"sessions", "list", "--db", db});
  ASSERT_EQ(table.exitCode, 0);
  EXPECT_NE(table.out.find(sessionId(4)), std::string::npos);
  EXPECT_NE(table.out.find("signed"), std::string::npos);

  auto show = runCli({"sessions", "show", "--db", db, "--json", sessionId(4)});
  ASSERT_EQ(show.exitCode, 0) << show.err;
  auto s = Json::parse(show.out);
  ASSERT_EQ(s["events"].size(), 5u);
  // Each event in the form the billing server receives it (docs/sync-api.md), field for field.
  EXPECT_EQ(s["events"][1], Json::parse(R"({"sequence": 2, "type": "activity_started",
      "at": "2026-11-02T09:00:00.000Z", "clinician": "c-ot-1", "code": "97110", "performer": "therapist",
      "mode": "one_on_one", "run": "run-1", "monotonic_ns": 1000000000000})"));
  EXPECT_EQ(s["events"][4]["type"], "session_signed");
  EXPECT_EQ(s["events"][4]["sequence"], 5);
  EXPECT_EQ(s["events"][4]["at"], "2026-11-02T09:40:00.000Z");
  auto text = runCli({"sessions", "show", "--db", db, sessionId(4)});
  EXPECT_NE(text.out.find("session_signed"), std::string::npos);
  EXPECT_NE(text.out.find("   5  2026-11-02T09:40:00.000Z  session_signed"), std::string::npos) << text.out;
  auto missing = runCli({"sessions", "show", "--db", db, sessionId(99)});
  EXPECT_EQ(missing.exitCode, 2);
}

TEST(SessionsCli, ReadsTheStoreWhileTheAppIsWritingToIt) {
  TempDir dir;
  const auto db = dir.file("device.db");
  DeviceStore store = openStore(db);
  Recorder r(store, header(sessionId(6)), wallAt(2026, 11, 2, 9, 0));
  r.start("97110");
  r.advance(16min);
  auto run = runCli({"sessions", "export", "--db", db, "--json"});
  ASSERT_EQ(run.exitCode, 0) << run.err;
  EXPECT_EQ(Json::parse(run.out)[0]["status"], "open");
  EXPECT_EQ(r.simple(EventType::session_ended), 3) << "the app keeps recording after the inspection";
  auto after = runCli({"sessions", "export", "--db", db, "--json"});
  auto doc = Json::parse(after.out);
  EXPECT_EQ(doc[0]["status"], "ended");
  EXPECT_EQ(doc[0]["total_timed_minutes"], 16);
  EXPECT_EQ(doc[0]["total_units"], 1);
}

TEST(SessionsCli, UnreadableStoresGiveOneLineAndExitStatus2) {
  TempDir dir;
  const auto missing = dir.file("missing.db");
  auto r1 = runCli({"sessions", "list", "--db", missing});
  EXPECT_EQ(r1.exitCode, 2);
  EXPECT_EQ(exitStatusLines(r1.err), 1) << r1.err;
  EXPECT_NE(r1.err.find("cannot_open"), std::string::npos) << r1.err;
  EXPECT_FALSE(std::filesystem::exists(missing)) << "inspection never creates a store";

  const auto corrupt = dir.file("corrupt.db");
  {
    std::ofstream f(corrupt, std::ios::binary);
    f << std::string(8192, '\x13');
  }
  auto r2 = runCli({"sessions", "export", "--db", corrupt, "--json"});
  EXPECT_EQ(r2.exitCode, 2);
  EXPECT_EQ(exitStatusLines(r2.err), 1) << r2.err;
  EXPECT_NE(r2.err.find("corrupt"), std::string::npos) << r2.err;
  EXPECT_EQ(readFile(corrupt), std::string(8192, '\x13'));
  EXPECT_TRUE(r2.out.empty());

  const auto newer = dir.file("newer.db");
  {
    DeviceStore store = openStore(newer);
    recordSignedSession(store, sessionId(7), wallAt(2026, 11, 2, 9, 0));
  }
  {
    auto raw = sqlite::Database::open(newer, {.mode = sqlite::OpenMode::kReadWrite});
    ASSERT_TRUE(raw.ok());
    ASSERT_TRUE(raw->setUserVersion(kStoreSchemaVersion + 1).ok());
  }
  const std::string before = readFile(newer);
  auto r3 = runCli({"sessions", "export", "--db", newer, "--json"});
  EXPECT_EQ(r3.exitCode, 2);
  EXPECT_EQ(exitStatusLines(r3.err), 1) << r3.err;
  EXPECT_NE(r3.err.find("newer"), std::string::npos) << r3.err;
  EXPECT_EQ(readFile(newer), before);
}

TEST(SessionsCli, BadArgumentsGiveOneLineAndExitStatus2) {
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"sessions"},
           {"sessions", "list"},
           {"sessions", "remove", "--db", "x.db"},
           {"sessions", "export", "--db", "x.db", "--date", "2026-02-30"},
           {"sessions", "list", "--db", "x.db", "--status", "billed"},
           {"sessions", "show", "--db", "x.db"},
           {"sessions", "list", "--db", "x.db", "--frobnicate"},
       }) {
    auto run = runCli(args);
    EXPECT_EQ(run.exitCode, 2) << args.back();
    EXPECT_EQ(exitStatusLines(run.err), 1) << args.back() << ": " << run.err;
  }
  auto help = runCli({"sessions", "--help"});
  EXPECT_EQ(help.exitCode, 0);
  EXPECT_NE(help.out.find("export"), std::string::npos);
}
