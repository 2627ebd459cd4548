#include "options.h"

#include <cstdio>
#include <cstdlib>

namespace unitclock::app {

std::string usage() {
  return "usage: unitclock [--kiosk] [--size WxH] [--data-dir DIR] [--demo] [--server URL --enroll-code "
         "CODE]\n"
         "                 [--script FILE [--clock-start YYYY-MM-DDTHH:MM:SSZ]] [--stats FILE] "
         "[--always-redraw]\n"
         "       unitclock --help | --version\n"
         "  --kiosk          fullscreen, for a mounted kiosk\n"
         "  --size WxH       window size in pixels (default 1280x800)\n"
         "  --data-dir DIR   where the device store lives (default ~/.local/share/unitclock)\n"
         "  --demo           open a ready demo clinic (its own data directory unless --data-dir is given)\n"
         "  --server URL     with --enroll-code: enroll with this billing server at start, unless enrolled\n"
         "  --enroll-code C  the one-time enrollment code from `unitclock-server device enroll-code`\n"
         "  --script FILE    run a script against a fake clock (tests, demos, screenshots); see "
         "docs/kiosk.md\n"
         "  --stats FILE     write {frames, seconds, cpu_seconds, ...} as JSON at exit\n"
         "  --always-redraw  benchmark mode: redraw continuously like a naive ImGui loop\n";
}

namespace {

std::optional<core::WallTime> parseUtc(const std::string& s) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, se = 0;
  char z = 0;
  if (std::sscanf(s.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%c", &y, &mo, &d, &h, &mi, &se, &z) != 7 || z != 'Z')
    return std::nullopt;
  const std::chrono::year_month_day ymd{std::chrono::year(y), std::chrono::month(static_cast<unsigned>(mo)),
                                        std::chrono::day(static_cast<unsigned>(d))};
  if (!ymd.ok() || h > 23 || mi > 59 || se > 59) return std::nullopt;
  return std::chrono::time_point_cast<std::chrono::milliseconds>(
      std::chrono::sys_days(ymd) + std::chrono::hours(h) + std::chrono::minutes(mi) +
      std::chrono::seconds(se));
}

}  // namespace

core::Result<KioskOptions, std::string> parseOptions(const std::vector<std::string>& args) {
  KioskOptions o;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto value = [&](std::string& out) -> bool {
      if (i + 1 >= args.size()) return false;
      out = args[++i];
      return true;
    };
    std::string v;
    if (a == "--kiosk")
      o.kiosk = true;
    else if (a == "--demo")
      o.demo = true;
    else if (a == "--always-redraw")
      o.alwaysRedraw = true;
    else if (a == "--help" || a == "-h")
      o.help = true;
    else if (a == "--version")
      o.version = true;
    else if (a == "--size") {
      int w = 0, h = 0;
      char extra = 0;
      if (!value(v) || std::sscanf(v.c_str(), "%dx%d%c", &w, &h, &extra) != 2 || w < 320 || h < 320 ||
          w > 16384 || h > 16384)
        return core::fail("--size needs WxH in pixels, each 320 to 16384 (e.g. 1280x800)");
      o.widthPx = w;
      o.heightPx = h;
    } else if (a == "--data-dir") {
      if (!value(o.dataDir) || o.dataDir.empty())
        return core::fail(std::string("--data-dir needs a directory"));
    } else if (a == "--script") {
      if (!value(o.scriptPath) || o.scriptPath.empty())
        return core::fail(std::string("--script needs a file"));
    } else if (a == "--stats") {
      if (!value(o.statsPath) || o.statsPath.empty()) return core::fail(std::string("--stats needs a file"));
    } else if (a == "--server") {
      if (!value(o.serverUrl) || o.serverUrl.empty())
        return core::fail(std::string("--server needs a URL like https://billing.example.org:8470"));
    } else if (a == "--enroll-code") {
      if (!value(o.enrollCode) || o.enrollCode.empty())
        return core::fail(
            std::string("--enroll-code needs the one-time code from the server's administrator"));
    } else if (a == "--clock-start") {
      if (!value(v))
        return core::fail(std::string("--clock-start needs a UTC time like 2026-11-26T09:00:00Z"));
      o.clockStart = parseUtc(v);
      if (!o.clockStart)
        return core::fail("--clock-start: '" + v + "' is not a UTC time like 2026-11-26T09:00:00Z");
    } else {
      return core::fail("unknown option '" + a + "'");
    }
  }
  if (o.clockStart && o.scriptPath.empty())
    return core::fail(std::string("--clock-start only applies with --script"));
  if (o.serverUrl.empty() != o.enrollCode.empty())
    return core::fail(std::string("--server and --enroll-code go together"));
  if (o.dataDir.empty()) o.dataDir = defaultDataDir(o.demo);
  return o;
}

std::string defaultDataDir(bool demo) {
  std::string base;
  if (const char* xdg = std::getenv("XDG_DATA_HOME"); xdg != nullptr && *xdg != '\0')
    base = xdg;
  else if (const char* home = std::getenv("HOME"); home != nullptr && *home != '\0')
    base = std::string(home) + "/.local/share";
  else
    base = ".";
  return base + (demo ? "/unitclock-demo" : "/unitclock");
}

}  // namespace unitclock::app
