#include <SDL.h>
#include <imgui.h>
#include <imgui_impl_sdl.h>
#include <imgui_impl_sdlrenderer.h>
#include <stb_image_write.h>  // libstb.so exports stbi_write_png; no implementation macro here
#include <sys/resource.h>
#include <unistd.h>

#include <unitclock/platform/runner.h>

#include "damage.h"

#include <algorithm>
#include <atomic>
#include <cfloat>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <vector>

namespace unitclock::platform {

// [SECTION] RAII for the SDL handles (kept in this file only)

namespace {

struct WindowDeleter {
  void operator()(SDL_Window* w) const { SDL_DestroyWindow(w); }
};
struct RendererDeleter {
  void operator()(SDL_Renderer* r) const { SDL_DestroyRenderer(r); }
};

using Clock = std::chrono::steady_clock;

double cpuSecondsNow() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  const auto toSeconds = [](const timeval& tv) {
    return static_cast<double>(tv.tv_sec) + static_cast<double>(tv.tv_usec) / 1e6;
  };
  return toSeconds(usage.ru_utime) + toSeconds(usage.ru_stime);
}

std::uint64_t maxResidentKbNow() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<std::uint64_t>(usage.ru_maxrss);  // kilobytes on Linux
}

std::uint64_t residentKbNow() {
  unsigned long long sizePages = 0;
  unsigned long long residentPages = 0;
  if (FILE* f = std::fopen("/proc/self/statm", "r")) {
    if (std::fscanf(f, "%llu %llu", &sizePages, &residentPages) != 2) residentPages = 0;
    std::fclose(f);
  }
  return residentPages * static_cast<unsigned long long>(sysconf(_SC_PAGESIZE)) / 1024;
}

bool isHeadlessDriver(const char* driver) {
  return driver != nullptr && (std::strcmp(driver, "offscreen") == 0 || std::strcmp(driver, "dummy") == 0);
}

// Glyphs the screens use: Latin-1 plus dashes, bullets, ellipsis, arrows and the minus sign.
const ImWchar kTextRanges[] = {0x0020, 0x00FF, 0x2010, 0x2027, 0x2190, 0x2193, 0x2212, 0x2212, 0};
// The big clock shows only digits, the colon and spaces.
const ImWchar kClockRanges[] = {0x0020, 0x003A, 0};

}  // namespace

struct Runner::Impl {
  std::unique_ptr<SDL_Window, WindowDeleter> window;
  std::unique_ptr<SDL_Renderer, RendererDeleter> renderer;
  bool sdlInitialised = false;
  bool imguiInitialised = false;
  bool headless = false;
  Uint32 wakeEventType = 0;
  std::atomic<bool> quit{false};
  int settle = 0;
  std::optional<Clock::time_point> deadline;

  // Touch has no hover: after a touch release the pointer position is forgotten, so the tapped button
  // does not stay highlighted. Counts frames until the release has been seen by ImGui.
  int clearHoverInFrames = 0;
  bool hoverCleared = false;
  std::optional<ImVec2> injectedPointer;  // script mode: where the last tap landed

  ImFont* fonts[4] = {nullptr, nullptr, nullptr, nullptr};
  bool rebuildFonts = false;

  std::uint64_t frames = 0;
  std::uint64_t framesAfterSettling = 0;  // since the last input
  Clock::time_point lastInput = Clock::now();
  Clock::time_point created = Clock::now();
  std::optional<double> firstFrameSeconds;
  DamageTracker damage;
  std::uint64_t partialFrames = 0;  // frames that redrew only what changed
};

Runner::Runner(const RunnerOptions& options) : m_options(options), m_impl(std::make_unique<Impl>()) {}

Runner::~Runner() {
  if (m_impl->imguiInitialised) {
    ImGui_ImplSDLRenderer_Shutdown();
    ImGui_ImplSDL2_Shutdown();
    ImGui::DestroyContext();
  }
  m_impl->renderer.reset();
  m_impl->window.reset();
  if (m_impl->sdlInitialised) SDL_Quit();
}

std::unique_ptr<Runner> Runner::create(const RunnerOptions& options, std::string* error) {
  std::unique_ptr<Runner> runner(new Runner(options));
  if (!runner->init(error)) return nullptr;
  return runner;
}

// [SECTION] Start-up

bool Runner::init(std::string* error) {
  auto fail = [&](std::string message) {
    if (error != nullptr) *error = std::move(message);
    return false;
  };
  // A touch screen reports fingers as mouse events too; the 1.86 backend only reads mouse events.
  SDL_SetHint(SDL_HINT_TOUCH_MOUSE_EVENTS, "1");
  // The software renderer straight into the window surface. Measured under Xvfb (docs/bench-app.md):
  // SDL's default GL paths load Mesa and cost ~80 MB of resident memory and 100-250 ms before the first
  // frame; an event-driven UI redraws so rarely that GPU speed does not matter. The environment
  // (SDL_RENDER_DRIVER, SDL_FRAMEBUFFER_ACCELERATION) still overrides these hints.
  SDL_SetHint(SDL_HINT_RENDER_DRIVER, "software");
  SDL_SetHint(SDL_HINT_FRAMEBUFFER_ACCELERATION, "0");
  // Only the video subsystem (which brings events). No audio, timers, joysticks or game controllers.
  if (SDL_Init(SDL_INIT_VIDEO | SDL_INIT_EVENTS) != 0) {
    return fail(std::string("cannot start the display: ") + SDL_GetError());
  }
  m_impl->sdlInitialised = true;

  const char* driver = SDL_GetCurrentVideoDriver();
  m_impl->headless = isHeadlessDriver(driver);
  if (m_impl->headless && !m_options.allowHeadlessDriver) {
    // Without a display SDL silently falls back to an invisible driver; a kiosk must not run unseen.
    return fail(std::string("no display: SDL chose the '") + driver +
                "' video driver, which shows nothing on screen. Start unitclock inside an X11 or Wayland "
                "session (check DISPLAY / WAYLAND_DISPLAY); invisible drivers are only for --script runs.");
  }

  m_impl->wakeEventType = SDL_RegisterEvents(1);
  if (m_impl->wakeEventType == static_cast<Uint32>(-1)) return fail("cannot register the wake-up event");

  Uint32 flags = SDL_WINDOW_ALLOW_HIGHDPI;
  int x = SDL_WINDOWPOS_CENTERED;
  int y = SDL_WINDOWPOS_CENTERED;
  int w = m_options.widthPx;
  int h = m_options.heightPx;
  if (m_options.fullscreen) {
    // A kiosk session often has no window manager to resize the window: open it at the display's size
    // and origin, then ask for fullscreen as well.
    flags |= SDL_WINDOW_FULLSCREEN_DESKTOP | SDL_WINDOW_BORDERLESS;
    SDL_Rect bounds{};
    if (SDL_GetDisplayBounds(0, &bounds) == 0 && bounds.w > 0 && bounds.h > 0) {
      x = bounds.x;
      y = bounds.y;
      w = bounds.w;
      h = bounds.h;
    }
  } else {
    flags |= SDL_WINDOW_RESIZABLE;
  }
  m_impl->window.reset(SDL_CreateWindow(m_options.title.c_str(), x, y, w, h, flags));
  if (!m_impl->window) return fail(std::string("cannot open the window: ") + SDL_GetError());

  m_impl->renderer.reset(SDL_CreateRenderer(m_impl->window.get(), -1, 0));
  if (!m_impl->renderer) return fail(std::string("cannot create a renderer: ") + SDL_GetError());

  IMGUI_CHECKVERSION();
  ImGui::CreateContext();
  ImGuiIO& io = ImGui::GetIO();
  io.IniFilename = nullptr;  // no imgui.ini next to the binary: layout is code, not saved state
  io.LogFilename = nullptr;
  ImGui_ImplSDL2_InitForSDLRenderer(m_impl->window.get());
  ImGui_ImplSDLRenderer_Init(m_impl->renderer.get());
  m_impl->imguiInitialised = true;
  if (!buildFonts()) return fail("cannot build the font atlas");
  m_impl->settle = m_options.settleFrames;
  return true;
}

bool Runner::buildFonts() {
  ImGuiIO& io = ImGui::GetIO();
  io.Fonts->Clear();
  const float em = m_options.emPx;
  auto load = [&](const std::string& path, float sizePx, const ImWchar* ranges) -> ImFont* {
    if (!path.empty() && std::filesystem::exists(path)) {
      ImFontConfig config;
      config.OversampleH = 2;
      config.OversampleV = 1;
      if (ImFont* f = io.Fonts->AddFontFromFileTTF(path.c_str(), sizePx, &config, ranges)) return f;
    }
    ImFontConfig fallback;
    fallback.SizePixels = sizePx;
    return io.Fonts->AddFontDefault(&fallback);
  };
  const std::string& bold =
      m_options.boldFontPath.empty() ? m_options.regularFontPath : m_options.boldFontPath;
  m_impl->fonts[static_cast<int>(FontRole::kBody)] = load(m_options.regularFontPath, em, kTextRanges);
  m_impl->fonts[static_cast<int>(FontRole::kBold)] = load(bold, em, kTextRanges);
  m_impl->fonts[static_cast<int>(FontRole::kTitle)] = load(bold, em * 1.5f, kTextRanges);
  m_impl->fonts[static_cast<int>(FontRole::kClock)] = load(bold, em * 4.0f, kClockRanges);
  if (!io.Fonts->Build()) return false;
  ImGui_ImplSDLRenderer_DestroyFontsTexture();
  return ImGui_ImplSDLRenderer_CreateFontsTexture();
}

// [SECTION] The loop

void Runner::handleEvent(const void* rawEvent) {
  const auto& e = *static_cast<const SDL_Event*>(rawEvent);
  ImGui_ImplSDL2_ProcessEvent(&e);
  switch (e.type) {
    case SDL_QUIT:  // also what SDL makes of SIGINT and SIGTERM
      m_impl->quit = true;
      break;
    case SDL_MOUSEBUTTONUP:
      if (e.button.which == SDL_TOUCH_MOUSEID) m_impl->clearHoverInFrames = 2;  // release frame + 1
      break;
    case SDL_MOUSEBUTTONDOWN:
      m_impl->hoverCleared = false;
      break;
    case SDL_MOUSEMOTION:
      if (e.motion.which != SDL_TOUCH_MOUSEID && !m_impl->injectedPointer) m_impl->hoverCleared = false;
      break;
    default:
      break;
  }
  const bool input = (e.type >= SDL_KEYDOWN && e.type < SDL_CLIPBOARDUPDATE) || e.type == SDL_WINDOWEVENT;
  if (input) {
    m_impl->lastInput = Clock::now();
    m_impl->framesAfterSettling = 0;
  }
  // Any event (input, window exposure, a wake-up, a frame request) earns the settle frames.
  m_impl->settle = m_options.settleFrames;
}

void Runner::drawFrame(const FrameFn& frame, bool whole) {
  if (m_impl->rebuildFonts) {
    m_impl->rebuildFonts = false;
    buildFonts();
    whole = true;
  }
  ImGui_ImplSDLRenderer_NewFrame();
  ImGui_ImplSDL2_NewFrame();
  // 1.86 backend reads the pointer through the global mouse state, which SDL does not refresh under
  // Xvfb and which is unavailable without window focus (offscreen/dummy). SDL's own state is right.
  ImGuiIO& io = ImGui::GetIO();
  if (m_impl->injectedPointer) {
    io.MousePos = *m_impl->injectedPointer;
  } else if (m_impl->headless || SDL_GetMouseFocus() != nullptr) {
    int x = 0;
    int y = 0;
    SDL_GetMouseState(&x, &y);
    io.MousePos = ImVec2(static_cast<float>(x), static_cast<float>(y));
  }
  if (m_impl->hoverCleared) io.MousePos = ImVec2(-FLT_MAX, -FLT_MAX);
  ImGui::NewFrame();

  const FrameResult result = frame();

  ImGui::Render();
  SDL_Renderer* renderer = m_impl->renderer.get();
  ImDrawData* drawData = ImGui::GetDrawData();
  // The window's surface keeps the last frame: a frame the screen asked for by itself paints over only
  // the rectangle whose triangles changed (a clock's digits), and nothing at all when none did.
  auto damage = m_impl->damage.update(*drawData);
  if (whole || !m_options.partialRedraw || m_options.alwaysRedraw || !m_screenshotPath.empty())
    damage.reset();
  bool presented = true;
  SDL_SetRenderDrawColor(renderer, 0xF4, 0xF5, 0xF7, 0xFF);
  if (!damage) {
    SDL_RenderClear(renderer);
    ImGui_ImplSDLRenderer_RenderDrawData(drawData);
  } else if (damage->empty()) {
    presented = false;
  } else {
    const SDL_Rect r{damage->x0, damage->y0, damage->x1 - damage->x0, damage->y1 - damage->y0};
    SDL_RenderFillRect(renderer, &r);
    clipDrawData(*drawData, *damage);
    ImGui_ImplSDLRenderer_RenderDrawData(drawData);
    ++m_impl->partialFrames;
  }

  if (!m_screenshotPath.empty()) {
    int w = 0;
    int h = 0;
    SDL_GetRendererOutputSize(renderer, &w, &h);
    std::vector<unsigned char> pixels(static_cast<std::size_t>(w) * static_cast<std::size_t>(h) * 4);
    m_screenshotError.clear();
    if (SDL_RenderReadPixels(renderer, nullptr, SDL_PIXELFORMAT_RGBA32, pixels.data(), w * 4) != 0) {
      m_screenshotError = std::string("cannot read the screen: ") + SDL_GetError();
    } else if (stbi_write_png(m_screenshotPath.c_str(), w, h, 4, pixels.data(), w * 4) == 0) {
      m_screenshotError = "cannot write " + m_screenshotPath;
    }
    m_screenshotPath.clear();
  }
  if (presented) SDL_RenderPresent(renderer);

  ++m_impl->frames;
  if (!m_impl->firstFrameSeconds) {
    m_impl->firstFrameSeconds = std::chrono::duration<double>(Clock::now() - m_impl->created).count();
  }
  if (m_impl->clearHoverInFrames > 0 && --m_impl->clearHoverInFrames == 0) {
    m_impl->hoverCleared = true;
    m_impl->injectedPointer.reset();
  }
  if (result.nextChangeIn) {
    m_impl->deadline = Clock::now() + std::max(std::chrono::milliseconds{0}, *result.nextChangeIn);
  } else {
    m_impl->deadline.reset();
  }
}

void Runner::run(const FrameFn& frame, SettledHandler* settled) {
  Impl& s = *m_impl;
  while (!s.quit) {
    SDL_Event event;
    const bool busy = ImGui::IsAnyMouseDown();  // a held finger: keep drawing for press-and-hold feedback
    bool got = false;
    if (s.settle > 0 || busy || m_options.alwaysRedraw || !m_screenshotPath.empty()) {
      got = SDL_PollEvent(&event) != 0;
    } else if (settled != nullptr) {
      got = SDL_PollEvent(&event) != 0;
      if (!got) {
        settled->onSettled(*this);
        continue;  // the handler queued input, asked for a frame, or quit
      }
    } else if (s.deadline) {
      const auto left = std::chrono::ceil<std::chrono::milliseconds>(*s.deadline - Clock::now());
      const int timeoutMs = static_cast<int>(std::max<std::int64_t>(0, left.count()));
      got = SDL_WaitEventTimeout(&event, timeoutMs) != 0;
    } else {
      got = SDL_WaitEvent(&event) != 0;
    }
    if (got) {
      do {
        handleEvent(&event);
        // ImGui 1.86 reads a key's state once per frame: a key pressed and released before the next frame
        // (xdotool's Return, a fast finger on a USB keypad, a busy machine) would never be seen pressed.
        // A frame comes between a key going down and the events after it.
        if (event.type == SDL_KEYDOWN) break;
      } while (SDL_PollEvent(&event) != 0);
    }
    if (s.quit) break;
    // Deadlines come from the real clock; a script's clock is fake, so the script decides when to draw.
    const bool due = settled == nullptr && s.deadline && Clock::now() >= *s.deadline;
    if (s.settle > 0 || due || busy || m_options.alwaysRedraw || !m_screenshotPath.empty()) {
      const bool settling = s.settle > 0;
      // Only a frame the screen asked for by itself may redraw part of the window.
      drawFrame(frame, settling || busy || !due);
      if (settling)
        --s.settle;
      else
        ++s.framesAfterSettling;
    }
  }
}

// [SECTION] Requests from the app, workers and scripts

void Runner::requestFrame() {
  SDL_Event event{};
  event.type = m_impl->wakeEventType;
  SDL_PushEvent(&event);  // thread-safe
}

std::function<void()> Runner::wakeCallback() {
  const Uint32 type = m_impl->wakeEventType;
  return [type] {
    SDL_Event event{};
    event.type = type;
    SDL_PushEvent(&event);
  };
}

void Runner::requestQuit() {
  m_impl->quit = true;
  requestFrame();
}

void Runner::tap(float xPx, float yPx) {
  const int x = static_cast<int>(xPx);
  const int y = static_cast<int>(yPx);
  SDL_WarpMouseInWindow(m_impl->window.get(), x, y);
  m_impl->injectedPointer = ImVec2(static_cast<float>(x), static_cast<float>(y));
  m_impl->hoverCleared = false;
  const Uint32 windowId = SDL_GetWindowID(m_impl->window.get());
  SDL_Event down{};
  down.type = SDL_MOUSEBUTTONDOWN;
  down.button.windowID = windowId;
  down.button.which = SDL_TOUCH_MOUSEID;  // behaves like a finger: no hover afterwards
  down.button.button = SDL_BUTTON_LEFT;
  down.button.state = SDL_PRESSED;
  down.button.clicks = 1;
  down.button.x = x;
  down.button.y = y;
  SDL_Event up = down;
  up.type = SDL_MOUSEBUTTONUP;
  up.button.state = SDL_RELEASED;
  SDL_PushEvent(&down);
  SDL_PushEvent(&up);
}

void Runner::typeText(std::string_view utf8) {
  const Uint32 windowId = SDL_GetWindowID(m_impl->window.get());
  // One event per character keeps every event well under SDL's 32-byte text limit.
  std::size_t i = 0;
  while (i < utf8.size()) {
    std::size_t len = 1;
    const auto lead = static_cast<unsigned char>(utf8[i]);
    if (lead >= 0xF0)
      len = 4;
    else if (lead >= 0xE0)
      len = 3;
    else if (lead >= 0xC0)
      len = 2;
    len = std::min(len, utf8.size() - i);
    SDL_Event e{};
    e.type = SDL_TEXTINPUT;
    e.text.windowID = windowId;
    std::memcpy(e.text.text, utf8.data() + i, len);
    e.text.text[len] = '\0';
    SDL_PushEvent(&e);
    i += len;
  }
}

void Runner::requestScreenshot(std::string path) {
  m_screenshotPath = std::move(path);
  m_screenshotError.clear();
  requestFrame();
}

ImFont* Runner::font(FontRole role) const {
  return m_impl->fonts[static_cast<int>(role)];
}

void Runner::setEmPx(float px) {
  if (px == m_options.emPx) return;
  m_options.emPx = px;
  m_impl->rebuildFonts = true;
  requestFrame();
}

RunnerStats Runner::stats() const {
  RunnerStats s;
  s.frames = m_impl->frames;
  s.seconds = std::chrono::duration<double>(Clock::now() - m_impl->created).count();
  s.cpuSeconds = cpuSecondsNow();
  s.firstFrameSeconds = m_impl->firstFrameSeconds.value_or(0.0);
  s.maxResidentKb = maxResidentKbNow();
  s.residentKb = residentKbNow();
  s.framesSinceInput = m_impl->framesAfterSettling;
  s.partialFrames = m_impl->partialFrames;
  s.secondsSinceInput = std::chrono::duration<double>(Clock::now() - m_impl->lastInput).count();
  return s;
}

std::string Runner::videoDriver() const {
  const char* d = SDL_GetCurrentVideoDriver();
  return d != nullptr ? d : "";
}

ImVec2 Runner::windowSize() const {
  int w = 0;
  int h = 0;
  SDL_GetRendererOutputSize(m_impl->renderer.get(), &w, &h);
  return ImVec2(static_cast<float>(w), static_cast<float>(h));
}

}  // namespace unitclock::platform
