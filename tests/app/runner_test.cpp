// The event-driven loop under SDL's dummy video driver: frames are drawn only for a reason, taps arrive
// through SDL's queue as clicks, and an invisible driver is refused outside script mode.
#include <gtest/gtest.h>
#include <imgui.h>

#include <unitclock/platform/runner.h>
#include <cstdlib>
#include <functional>

namespace unitclock::platform {
namespace {

struct DummyDriver : ::testing::Test {
  void SetUp() override { setenv("SDL_VIDEODRIVER", "dummy", 1); }
};

class Steps final : public SettledHandler {
 public:
  std::vector<std::function<void(Runner&)>> steps;
  std::size_t next = 0;
  void onSettled(Runner& r) override {
    if (next < steps.size())
      steps[next++](r);
    else
      r.requestQuit();
  }
};

RunnerOptions headless() {
  RunnerOptions o;
  o.allowHeadlessDriver = true;
  o.widthPx = 640;
  o.heightPx = 480;
  return o;
}

TEST_F(DummyDriver, AnInvisibleDriverIsRefusedOutsideScriptMode) {
  std::string error;
  RunnerOptions o;
  o.allowHeadlessDriver = false;
  EXPECT_EQ(Runner::create(o, &error), nullptr);
  EXPECT_NE(error.find("no display"), std::string::npos) << error;
}

TEST_F(DummyDriver, AfterStartingAndAfterEachRequestOnlyTheSettleFramesAreDrawn) {
  std::string error;
  auto runner = Runner::create(headless(), &error);
  ASSERT_NE(runner, nullptr) << error;
  int frames = 0;
  std::vector<int> seenAtSettle;
  Steps steps;
  steps.steps = {
      [&](Runner& r) {
        seenAtSettle.push_back(frames);
        r.requestFrame();
      },
      [&](Runner& r) {
        seenAtSettle.push_back(frames);
        r.wakeCallback()();
      },
      [&](Runner&) { seenAtSettle.push_back(frames); },
  };
  runner->run(
      [&] {
        ++frames;
        ImGui::Begin("t");
        ImGui::Text("idle");
        ImGui::End();
        return FrameResult{};
      },
      &steps);
  ASSERT_EQ(seenAtSettle.size(), 3u);
  EXPECT_EQ(seenAtSettle[0], 3) << "start: three settle frames, then the loop would sleep";
  EXPECT_EQ(seenAtSettle[1], 6) << "an explicit frame request: three more";
  EXPECT_EQ(seenAtSettle[2], 9) << "a worker's wake-up: three more";
  EXPECT_EQ(runner->stats().frames, 9u);
}

TEST_F(DummyDriver, ATapBecomesAClickOnTheButtonUnderIt) {
  std::string error;
  auto runner = Runner::create(headless(), &error);
  ASSERT_NE(runner, nullptr) << error;
  int clicks = 0;
  ImVec2 centre{};
  Steps steps;
  steps.steps = {
      [&](Runner& r) { r.tap(centre.x, centre.y); },
      [&](Runner& r) { r.tap(5, 470); },  // beside the button: no click
      [&](Runner& r) { r.typeText("42"); },
  };
  std::string typed;
  runner->run(
      [&] {
        ImGui::SetNextWindowPos(ImVec2(0, 0));
        ImGui::SetNextWindowSize(ImVec2(640, 480));
        ImGui::Begin("t", nullptr, ImGuiWindowFlags_NoDecoration);
        ImGui::SetCursorPos(ImVec2(200, 200));
        if (ImGui::Button("Start", ImVec2(200, 80))) ++clicks;
        const ImVec2 a = ImGui::GetItemRectMin();
        const ImVec2 b = ImGui::GetItemRectMax();
        centre = ImVec2((a.x + b.x) / 2, (a.y + b.y) / 2);
        for (const ImWchar c : ImGui::GetIO().InputQueueCharacters) typed += static_cast<char>(c);
        ImGui::End();
        return FrameResult{};
      },
      &steps);
  EXPECT_EQ(clicks, 1);
  EXPECT_EQ(typed, "42");
}

TEST_F(DummyDriver, AScreenshotIsAPngOfTheWindow) {
  std::string error;
  auto runner = Runner::create(headless(), &error);
  ASSERT_NE(runner, nullptr) << error;
  const std::string path = ::testing::TempDir() + "runner-shot.png";
  std::remove(path.c_str());
  Steps steps;
  steps.steps = {[&](Runner& r) { r.requestScreenshot(path); }};
  runner->run([&] { return FrameResult{}; }, &steps);
  EXPECT_TRUE(runner->lastScreenshotError().empty()) << runner->lastScreenshotError();
  FILE* f = std::fopen(path.c_str(), "rb");
  ASSERT_NE(f, nullptr);
  unsigned char magic[8] = {};
  EXPECT_EQ(std::fread(magic, 1, 8, f), 8u);
  std::fclose(f);
  EXPECT_EQ(magic[1], 'P');
  EXPECT_EQ(magic[2], 'N');
  EXPECT_EQ(magic[3], 'G');
}

}  // namespace
}  // namespace unitclock::platform
