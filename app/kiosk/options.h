#pragma once
// Command-line options of the `unitclock` kiosk app.

#include <optional>
#include <string>
#include <vector>

#include <unitclock/core/events.h>
#include <unitclock/core/result.h>

namespace unitclock::app {

struct KioskOptions {
  bool kiosk = false;  // --kiosk: fullscreen
  int widthPx = 1280;  // --size WxH
  int heightPx = 800;
  std::string dataDir;                       // --data-dir DIR (default: ~/.local/share/unitclock[-demo])
  bool demo = false;                         // --demo: a ready demo clinic in its own data directory
  std::string scriptPath;                    // --script FILE: script mode (fake clock, any video driver)
  std::string statsPath;                     // --stats FILE: JSON with frames, seconds, cpu_seconds at exit
  bool alwaysRedraw = false;                 // --always-redraw: benchmark mode, a naive ImGui loop
  std::optional<core::WallTime> clockStart;  // --clock-start 2026-11-26T09:00:00Z (script mode)
  std::string serverUrl;                     // --server URL: enroll with this server at start if not enrolled
  std::string enrollCode;                    // --enroll-code CODE: the one-time code for that enrollment
  bool help = false;
  bool version = false;
};

core::Result<KioskOptions, std::string> parseOptions(const std::vector<std::string>& args);
std::string usage();

// ~/.local/share/unitclock (or $XDG_DATA_HOME/unitclock); "-demo" appended for the demo clinic.
std::string defaultDataDir(bool demo);

}  // namespace unitclock::app
