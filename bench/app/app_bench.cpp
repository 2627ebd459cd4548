// Micro-benchmarks of the kiosk's own work: a PIN check (Argon2id at the app's limits) and drawing the
// session screen once (headless ImGui: our widgets and layout, no rasterising).
#include <benchmark/benchmark.h>
#include <imgui.h>

#include <unitclock/platform/pin_hash.h>

#include "screens/screens.h"

namespace {

void PinVerify(benchmark::State& state) {
  const auto hash = unitclock::platform::hashPin("4821");
  for (auto _ : state) benchmark::DoNotOptimize(unitclock::platform::verifyPin("4821", *hash));
}
BENCHMARK(PinVerify)->Unit(benchmark::kMillisecond)->MinTime(2.0);

void DrawSessionScreen(benchmark::State& state) {
  using namespace unitclock::app;
  ImGuiContext* ctx = ImGui::CreateContext();
  ImGuiIO& io = ImGui::GetIO();
  io.IniFilename = nullptr;
  io.DisplaySize = ImVec2(1280, 800);
  io.DeltaTime = 1.0f / 60.0f;
  unsigned char* pixels = nullptr;
  int w = 0;
  int h = 0;
  io.Fonts->AddFontDefault();
  io.Fonts->GetTexDataAsRGBA32(&pixels, &w, &h);
  Ui ui(UiFonts{}, 26.0f);
  SessionView v;
  v.patient = "JD";
  v.context = "Medicare Part B · OT";
  for (const char* code : {"97530", "97110", "97535", "97112", "97140", "97129"})
    v.tiles.push_back({code, "Therapeutic activities", "12 min", std::string(code) == "97110"});
  v.runningName = "97110 Therapeutic exercise";
  v.clock = "12:34";
  v.bar = {"Timed 23 min", "Treatment 25 min", "2 units (Medicare Part B, 8-minute rule)",
           "Next unit in 15 min"};
  for (auto _ : state) {
    ImGui::NewFrame();
    ui.beginFrame();
    Intents out;
    drawSessionScreen(v, ui, out);
    ImGui::Render();
    benchmark::DoNotOptimize(ImGui::GetDrawData()->TotalVtxCount);
  }
  ImGui::DestroyContext(ctx);
}
BENCHMARK(DrawSessionScreen)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
