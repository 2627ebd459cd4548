#include "launch.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>

#include <unitclock/platform/device_store.h>
#include <unitclock/platform/pin_hash.h>
#include <unitclock/platform/runner.h>
#include <unitclock/platform/system_clock.h>

#include <unitclock/version.h>

#include "app.h"
#include "controller.h"
#include "journal.h"
#include "script.h"
#include "sync_link.h"

#ifndef UNITCLOCK_FONT_DIR
#define UNITCLOCK_FONT_DIR "/usr/share/fonts/opentype/inter"
#endif

namespace unitclock::app {
namespace {

namespace fs = std::filesystem;

// The kiosk draws with Inter from Debian's fonts-inter (a dependency of the package): no copy ships with
// Unitclock. UNITCLOCK_FONT_DIR is set at configure time (the same directory on every Debian machine).
std::string findFont(const std::string& file) {
  std::error_code ec;
  const fs::path path = fs::path(UNITCLOCK_FONT_DIR) / file;
  return fs::exists(path, ec) ? path.string() : std::string{};
}

void writeStats(const std::string& path, const platform::RunnerStats& s, const std::string& driver,
                int exitCode) {
  std::ofstream out(path, std::ios::trunc);
  char buf[768];
  std::snprintf(
      buf, sizeof buf,
      "{\"frames\":%llu,\"seconds\":%.3f,\"cpu_seconds\":%.3f,\"first_frame_seconds\":%.4f,"
      "\"frames_since_input\":%llu,\"seconds_since_input\":%.3f,\"partial_frames\":%llu,\"rss_kb\":%llu,"
      "\"max_rss_kb\":%llu,\"video_driver\":\"%s\",\"exit_code\":%d}\n",
      static_cast<unsigned long long>(s.frames), s.seconds, s.cpuSeconds, s.firstFrameSeconds,
      static_cast<unsigned long long>(s.framesSinceInput), s.secondsSinceInput,
      static_cast<unsigned long long>(s.partialFrames), static_cast<unsigned long long>(s.residentKb),
      static_cast<unsigned long long>(s.maxResidentKb), driver.c_str(), exitCode);
  out << buf;
}

}  // namespace

int runKiosk(const KioskOptions& o) {
  const bool scriptMode = !o.scriptPath.empty();
  std::vector<ScriptCommand> commands;
  if (scriptMode) {
    std::ifstream in(o.scriptPath);
    if (!in) {
      std::cerr << "unitclock: cannot read script " << o.scriptPath << "\n";
      return 2;
    }
    std::stringstream text;
    text << in.rdbuf();
    auto parsed = parseScript(text.str());
    if (!parsed) {
      std::cerr << "unitclock: " << o.scriptPath << ": " << parsed.error() << "\n";
      return 1;
    }
    commands = std::move(parsed.value());
  }

  // The data directory holds patient data: readable by this user only.
  std::error_code ec;
  fs::create_directories(o.dataDir, ec);
  ::chmod(o.dataDir.c_str(), 0700);

  platform::RunnerOptions ro;
  ro.widthPx = o.widthPx;
  ro.heightPx = o.heightPx;
  ro.allowHeadlessDriver = scriptMode;
  ro.alwaysRedraw = o.alwaysRedraw;
  ro.regularFontPath = findFont("Inter-Regular.otf");
  ro.boldFontPath = findFont("Inter-SemiBold.otf");

  auto store = platform::DeviceStore::open((fs::path(o.dataDir) / "device.db").string());
  std::unique_ptr<core::Clock> clock;
  core::FakeClock* fakeClock = nullptr;
  if (scriptMode) {
    const auto start = o.clockStart.value_or(std::chrono::floor<std::chrono::minutes>(
        std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now())));
    auto fake = std::make_unique<core::FakeClock>(start, "script-" + platform::randomHex(8));
    fakeClock = fake.get();
    clock = std::move(fake);
  } else {
    clock = std::make_unique<platform::SystemClock>();
  }

  // The sync worker wakes the UI loop through the runner, which exists only later; the worker is started
  // after the runner and stopped before it.
  std::function<void()> wakeUi;
  std::unique_ptr<SyncLink> sync;
  if (store) {
    sync = std::make_unique<SyncLink>((fs::path(o.dataDir) / "device.db").string(), *clock, [&wakeUi] {
      if (wakeUi) wakeUi();
    });
  }

  std::unique_ptr<Controller> controller;
  std::string startError;
  if (!store) {
    startError = store.error().message;
  } else {
    ControllerOptions co;
    co.sync = sync.get();
    controller = std::make_unique<Controller>(store.value(), *clock, co);
    if (o.demo) {
      if (auto seeded = controller->seedDemo(); !seeded)
        startError = "Cannot set up the demo clinic: " + seeded.error();
    }
    if (startError.empty()) {
      if (auto loaded = controller->load(); !loaded) startError = loaded.error();
    }
    if (startError.empty()) ro.fullscreen = o.kiosk || controller->settings().kioskMode;
  }
  ro.emPx = controller ? emForTextSize(controller->settings().textSize) : 26.0f;
  if (ro.fullscreen && scriptMode) ro.fullscreen = false;

  std::string runnerError;
  auto runner = platform::Runner::create(ro, &runnerError);
  if (!runner) {
    std::cerr << "unitclock: " << runnerError << "\n";
    return 2;
  }

  if (!scriptMode) {
    journal(std::string("unitclock ") + kVersion + " started (video driver " + runner->videoDriver() +
            (o.dataDir.empty() ? std::string() : ", data directory " + o.dataDir) + ")");
  }
  wakeUi = runner->wakeCallback();
  if (sync && startError.empty()) {
    sync->startIfEnrolled(store.value());
    // --server/--enroll-code: enroll in the background, exactly as the Settings screen does; a device that
    // is already enrolled keeps its token.
    if (!sync->configured() && !o.serverUrl.empty())
      sync->beginEnroll(o.serverUrl, o.enrollCode, controller->settings().room);
  }

  std::unique_ptr<KioskApp> app;
  Ui errorUi(UiFonts{runner->font(platform::FontRole::kBody), runner->font(platform::FontRole::kBold),
                     runner->font(platform::FontRole::kTitle), runner->font(platform::FontRole::kClock)},
             runner->em());
  platform::Runner::FrameFn frame;
  if (startError.empty()) {
    app = std::make_unique<KioskApp>(*controller, *runner);
    frame = [&] { return app->frame(); };
  } else {
    journal(startError);
    frame = [&] { return drawErrorScreen(errorUi, "Unitclock cannot open its data", startError); };
  }

  int exitCode = startError.empty() ? 0 : 2;
  if (scriptMode) {
    ScriptRunner script(
        o.scriptPath, std::move(commands), *fakeClock,
        [&]() -> const FrameRecord& { return app ? app->lastFrame() : errorUi.record(); },
        [&](double seconds) {
          return sync ? sync->waitUntilEmpty(seconds) : std::string("sync is not configured");
        });
    runner->run(frame, &script);
    exitCode = script.exitCode();
  } else {
    runner->run(frame);
  }
  if (!o.statsPath.empty()) writeStats(o.statsPath, runner->stats(), runner->videoDriver(), exitCode);
  sync.reset();  // joins the worker while the runner (its wake-up target) still exists
  return exitCode;
}

}  // namespace unitclock::app
