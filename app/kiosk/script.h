#pragma once
// Script mode: a plain-text script drives the real app (real store, real screens, real SDL input path)
// against a fake clock. Grammar (one command per line; blank lines and lines starting with # ignored):
//
//   tap "LABEL"          tap the centre of the one widget whose visible label is LABEL on the current frame
//   type "TEXT"          type TEXT as keyboard text input (into the PIN pad or the focused field)
//   advance DURATION     move the fake clock: 90s, 8m30s, 1h5m, 250ms
//   expect "TEXT"        TEXT is drawn on the current frame (substring of any text or label)
//   expect-not "TEXT"    TEXT is not drawn on the current frame
//   screenshot FILE.png  save the next frame as PNG
//   wait-sync SECONDS    wait (real time) until the sync worker reports the outbox empty
//   quit                 end the script (also at the end of the file)
//
// Strings are in double quotes; \" and \\ escape a quote and a backslash.

#include <chrono>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <unitclock/core/clock.h>
#include <unitclock/core/result.h>
#include <unitclock/platform/runner.h>

#include "widgets.h"

namespace unitclock::app {

enum class CommandKind { kTap, kType, kAdvance, kExpect, kExpectNot, kScreenshot, kWaitSync, kQuit };

struct ScriptCommand {
  CommandKind kind = CommandKind::kQuit;
  std::string text;                      // tap/type/expect/expect-not/screenshot argument
  std::chrono::milliseconds duration{};  // advance
  double seconds = 0;                    // wait-sync
  int line = 0;                          // 1-based line in the script file
};

// "8m30s" → 510000 ms. Units h, m, s, ms; at least one; no sign. nullopt when malformed.
std::optional<std::chrono::milliseconds> parseDuration(std::string_view text);

// Parses a whole script; the error names the line: "line 3: unknown command 'tapp'".
core::Result<std::vector<ScriptCommand>, std::string> parseScript(std::string_view text);

// Waits up to `seconds` for the outbox to be empty; returns an error text or empty on success.
using WaitSyncFn = std::function<std::string(double seconds)>;

// Runs the commands whenever the runner's loop has settled.
class ScriptRunner final : public platform::SettledHandler {
 public:
  ScriptRunner(std::string fileName, std::vector<ScriptCommand> commands, core::FakeClock& clock,
               std::function<const FrameRecord&()> lastFrame, WaitSyncFn waitSync);
  void onSettled(platform::Runner& runner) override;
  [[nodiscard]] int exitCode() const { return m_exitCode; }
  [[nodiscard]] const std::string& failure() const { return m_failure; }

 private:
  void fail(platform::Runner& runner, const ScriptCommand& c, const std::string& message);

  std::string m_fileName;
  std::vector<ScriptCommand> m_commands;
  std::size_t m_next = 0;
  core::FakeClock& m_clock;
  std::function<const FrameRecord&()> m_lastFrame;
  WaitSyncFn m_waitSync;
  const ScriptCommand* m_pendingScreenshot = nullptr;
  int m_exitCode = 0;
  std::string m_failure;
  bool m_done = false;
};

}  // namespace unitclock::app
