#pragma once
// The runner owns the SDL window, the Dear ImGui context and the event-driven loop.
//
// Every frame needs a reason: input, an explicit frame request, a worker's wake-up, or the next visible
// change the screen announced (for example the next second of a running clock). After input the runner
// draws a few more frames (ImGui needs a press frame, a release frame and a frame to show the effect),
// then blocks in SDL_WaitEventTimeout. An idle screen therefore draws nothing at all.
//
// SDL types never appear here; ImGui's do, because screens draw with ImGui.

#include <imgui.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace unitclock::platform {

// Plain settings with documented defaults.
struct RunnerOptions {
  std::string title = "Unitclock";
  int widthPx = 1280;  // window size when not fullscreen
  int heightPx = 800;
  bool fullscreen = false;           // --kiosk: borderless fullscreen on the current display
  bool allowHeadlessDriver = false;  // script mode only: accept SDL's offscreen/dummy video drivers
  bool alwaysRedraw = false;         // benchmark mode only: draw continuously like a naive ImGui loop
  std::string regularFontPath;       // Inter Regular (OTF); ImGui's built-in font if empty or unreadable
  std::string boldFontPath;          // Inter SemiBold/Bold (OTF)
  float emPx = 26.0f;                // body text size in pixels: the "em" every size is measured in
  int settleFrames = 3;              // frames drawn after any input before the loop sleeps
  // A frame the screen asked for by itself (a clock's next second) redraws only what changed
  // (src/damage.h); frames after input are always drawn whole. Off: every frame whole, for comparisons.
  bool partialRedraw = true;
};

// What a frame tells the runner.
struct FrameResult {
  // Time until the screen changes by itself (the next second or minute of a clock). nullopt: nothing
  // changes until input arrives. Ignored while a script drives the loop (its clock is fake).
  std::optional<std::chrono::milliseconds> nextChangeIn;
};

enum class FontRole { kBody, kBold, kTitle, kClock };

struct RunnerStats {
  std::uint64_t frames = 0;         // frames drawn since start
  double seconds = 0;               // wall time since the runner was created
  double cpuSeconds = 0;            // user + system CPU of the whole process (getrusage)
  double firstFrameSeconds = 0;     // runner creation to the first presented frame
  std::uint64_t maxResidentKb = 0;  // peak resident set size (getrusage)
  std::uint64_t residentKb = 0;     // resident set size now (/proc/self/statm)
  // Since the last input event (touch, mouse, key, window change): frames drawn after the settle frames
  // that followed it, i.e. frames the screen asked for by itself (a clock) or a worker's wake-up caused.
  std::uint64_t framesSinceInput = 0;
  double secondsSinceInput = 0;
  std::uint64_t partialFrames = 0;  // frames that redrew only what changed (RunnerOptions::partialRedraw)
};

class Runner;

// Script mode: the runner calls this whenever the loop has settled (no input pending, settle frames
// drawn) instead of sleeping. The driver then taps, types, checks the last frame or quits.
class SettledHandler {
 public:
  virtual ~SettledHandler() = default;
  virtual void onSettled(Runner& runner) = 0;
};

class Runner {
 public:
  // Creates the window and ImGui context. On failure returns nullptr and a message for the user.
  static std::unique_ptr<Runner> create(const RunnerOptions& options, std::string* error);
  ~Runner();
  Runner(const Runner&) = delete;
  Runner& operator=(const Runner&) = delete;

  using FrameFn = std::function<FrameResult()>;
  // Runs the loop until quit is requested or the window is closed (also SIGINT/SIGTERM, which SDL turns
  // into a quit event). `frame` draws one ImGui frame. `settled` is for script mode; nullptr otherwise.
  void run(const FrameFn& frame, SettledHandler* settled = nullptr);

  // Thread-safe: ask for a frame soon (pushes an SDL user event that wakes the loop).
  void requestFrame();
  // Thread-safe callable a background worker keeps to wake the loop. Valid while the runner lives.
  [[nodiscard]] std::function<void()> wakeCallback();
  void requestQuit();

  // Input injection for script mode: the real input path (SDL events into SDL's queue).
  // A tap moves SDL's pointer there and pushes a touch-like left button press and release.
  void tap(float xPx, float yPx);
  void typeText(std::string_view utf8);
  // Saves the next drawn frame as PNG. The result is reported by lastScreenshotError() after that frame.
  void requestScreenshot(std::string path);
  [[nodiscard]] bool screenshotPending() const { return !m_screenshotPath.empty(); }
  [[nodiscard]] const std::string& lastScreenshotError() const { return m_screenshotError; }

  [[nodiscard]] ImFont* font(FontRole role) const;
  [[nodiscard]] float em() const { return m_options.emPx; }
  // Changes the text size (rebuilds the font atlas before the next frame).
  void setEmPx(float px);
  [[nodiscard]] RunnerStats stats() const;
  [[nodiscard]] std::string videoDriver() const;
  [[nodiscard]] ImVec2 windowSize() const;

 private:
  struct Impl;
  explicit Runner(const RunnerOptions& options);
  bool init(std::string* error);
  bool buildFonts();
  // `whole`: draw the entire window; else only what changed since the last frame.
  void drawFrame(const FrameFn& frame, bool whole = true);
  void handleEvent(const void* sdlEvent);

  RunnerOptions m_options;
  std::unique_ptr<Impl> m_impl;
  std::string m_screenshotPath;
  std::string m_screenshotError;
};

}  // namespace unitclock::platform
