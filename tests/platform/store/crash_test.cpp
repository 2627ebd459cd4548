// Power-cut safety: a child process records events as fast as it can and is killed with SIGKILL at
// random moments, round after round on the same store file. Every event it acknowledged must be in
// the store afterwards, and the store must open cleanly with a sound integrity check.
#include <unitclock/platform/device_store.h>
#include <unitclock/platform/sqlite.h>

#include <gtest/gtest.h>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <thread>

#include "support/temp_dir.h"

#ifndef UNITCLOCK_CRASH_WRITER
#error "UNITCLOCK_CRASH_WRITER must name the crash_writer executable"
#endif

using namespace unitclock;
using namespace unitclock::platform;

namespace {

struct ChildRun {
  std::string out;
  std::string err;
  int status = 0;
};

// Starts crash_writer, lets it record for `runFor` once it has said which session it records into (so a
// slow start, e.g. under the sanitizers on a busy machine, does not eat the recording time), kills it with
// SIGKILL and collects what it printed.
ChildRun runAndKill(const std::string& db, const char* mode, std::chrono::milliseconds runFor) {
  int outPipe[2], errPipe[2];
  EXPECT_EQ(::pipe2(outPipe, O_CLOEXEC), 0);
  EXPECT_EQ(::pipe2(errPipe, O_CLOEXEC), 0);
  pid_t pid = ::fork();
  if (pid == 0) {
    ::dup2(outPipe[1], STDOUT_FILENO);
    ::dup2(errPipe[1], STDERR_FILENO);
    const char* args[] = {UNITCLOCK_CRASH_WRITER, db.c_str(), mode, nullptr};
    ::execv(args[0], const_cast<char* const*>(args));
    ::_exit(127);
  }
  ::close(outPipe[1]);
  ::close(errPipe[1]);
  ChildRun run;
  constexpr std::chrono::seconds kStartupLimit{30};  // a writer that says nothing by then is killed too
  auto deadline = std::chrono::steady_clock::now() + kStartupLimit;
  bool recording = false;
  bool killed = false;
  pollfd fds[2] = {{outPipe[0], POLLIN, 0}, {errPipe[0], POLLIN, 0}};
  int open = 2;
  char buf[65536];
  while (open > 0) {
    auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (!killed && left.count() <= 0) {
      ::kill(pid, SIGKILL);  // no chance to clean up: as a power cut is to the app
      killed = true;
    }
    int timeout = killed ? 1000 : static_cast<int>(std::max<long long>(left.count(), 0));
    if (::poll(fds, 2, timeout) < 0) break;
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || (fds[i].revents & (POLLIN | POLLHUP)) == 0) continue;
      ssize_t n = ::read(fds[i].fd, buf, sizeof buf);
      if (n <= 0) {
        ::close(fds[i].fd);
        fds[i].fd = -1;
        --open;
      } else {
        (i == 0 ? run.out : run.err).append(buf, static_cast<std::size_t>(n));
        if (i == 0 && !recording && run.out.find('\n') != std::string::npos) {
          recording = true;  // "session ID": the store is open and events are about to be recorded
          deadline = std::chrono::steady_clock::now() + runFor;
        }
      }
    }
  }
  if (!killed) ::kill(pid, SIGKILL);
  ::waitpid(pid, &run.status, 0);
  return run;
}

}  // namespace

TEST(CrashSafety, EveryAcknowledgedEventSurvivesSigkillAtRandomMoments) {
  test::TempDir dir;
  const std::string db = dir.file("device.db");
  std::mt19937 rng(std::random_device{}());
  std::uniform_int_distribution<int> delayMs(15, 180);
  std::map<std::string, std::int64_t> acked;   // session → highest acknowledged sequence
  std::map<std::string, std::int64_t> stored;  // session → events found in the store after the last round
  constexpr int kRounds = 30;
  int killedWhileWriting = 0;
  std::int64_t totalAcks = 0;

  for (int round = 0; round < kRounds; ++round) {
    const char* mode = round % 3 == 0 ? "new" : "continue";
    ChildRun run = runAndKill(db, mode, std::chrono::milliseconds{delayMs(rng)});
    ASSERT_TRUE(run.err.empty()) << "round " << round << ": " << run.err;
    ASSERT_TRUE(WIFSIGNALED(run.status) && WTERMSIG(run.status) == SIGKILL)
        << "round " << round << ": the writer stopped on its own";
    std::istringstream lines(run.out);
    std::string word, id;
    std::int64_t seq = 0;
    int acksThisRound = 0;
    while (lines >> word) {
      if (word == "ack" && lines >> id >> seq) {
        auto& best = acked[id];
        EXPECT_EQ(seq, std::max(best, seq)) << "sequences are acknowledged in order";
        best = seq;
        ++acksThisRound;
      } else if (word == "session") {
        lines >> id;
      }
    }
    totalAcks += acksThisRound;
    if (acksThisRound > 0) ++killedWhileWriting;

    // After every kill the store opens cleanly (quick_check on open) and holds what was acknowledged.
    auto store = DeviceStore::open(db);
    ASSERT_TRUE(store.ok()) << "round " << round << ": " << store.error().message;
    for (const auto& [sessionId, highest] : acked) {
      auto loaded = store->loadSession(sessionId);
      ASSERT_TRUE(loaded.ok()) << loaded.error().message;
      EXPECT_GE(static_cast<std::int64_t>(loaded->events.size()), highest)
          << "round " << round << ": acknowledged events of " << sessionId << " are missing";
      // Each kill can leave at most the one event that was in flight stored without its acknowledgement
      // (it is then continued from in a later round).
      const auto count = static_cast<std::int64_t>(loaded->events.size());
      EXPECT_LE(count, std::max(highest, stored[sessionId]) + 1) << "round " << round << ": " << sessionId;
      stored[sessionId] = count;
    }
  }
  EXPECT_GE(killedWhileWriting, kRounds * 2 / 3) << "most kills should land while events are being recorded";
  EXPECT_GT(totalAcks, 100);

  auto store = DeviceStore::open(db);
  ASSERT_TRUE(store.ok()) << store.error().message;
  auto problems = store->integrityProblems();
  ASSERT_TRUE(problems.ok());
  EXPECT_TRUE(problems->empty()) << problems->front();
  RecordProperty("acknowledged_events", static_cast<int>(totalAcks));
  std::printf("crash test: %d rounds, %lld acknowledged events, %zu sessions\n", kRounds,
              static_cast<long long>(totalAcks), acked.size());
}
