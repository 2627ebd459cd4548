// What the runner redraws of a frame the screen asked for by itself: only the rectangle whose triangles
// changed (platform/runner/src/damage.h), from a real headless ImGui context's draw data.
#include <gtest/gtest.h>
#include <imgui.h>

#include <string>

#include "damage.h"

namespace unitclock::platform {
namespace {

class Damage : public ::testing::Test {
 protected:
  void SetUp() override {
    m_context = ImGui::CreateContext();
    ImGuiIO& io = ImGui::GetIO();
    io.DisplaySize = ImVec2(400, 300);
    io.DeltaTime = 1.0f / 60.0f;
    unsigned char* pixels = nullptr;
    int w = 0, h = 0;
    io.Fonts->GetTexDataAsRGBA32(&pixels, &w, &h);
  }
  void TearDown() override { ImGui::DestroyContext(m_context); }

  // A screen with a fixed label and a clock at (200, 150).
  ImDrawData& frame(const std::string& clock, ImVec2 size = ImVec2(400, 300)) {
    ImGui::GetIO().DisplaySize = size;
    ImGui::NewFrame();
    ImGui::SetNextWindowPos(ImVec2(0, 0));
    ImGui::SetNextWindowSize(size);
    ImGui::Begin("screen", nullptr, ImGuiWindowFlags_NoDecoration);
    ImGui::TextUnformatted("97110 Therapeutic exercise");
    ImGui::SetCursorPos(ImVec2(200, 150));
    ImGui::TextUnformatted(clock.c_str());
    ImGui::End();
    ImGui::Render();
    return *ImGui::GetDrawData();
  }

  ImGuiContext* m_context = nullptr;
};

TEST_F(Damage, TheFirstFrameIsDrawnWholeAndAnUnchangedOneNotAtAll) {
  DamageTracker tracker;
  EXPECT_FALSE(tracker.update(frame("4:29")).has_value());
  const auto same = tracker.update(frame("4:29"));
  ASSERT_TRUE(same.has_value());
  EXPECT_TRUE(same->empty());
}

TEST_F(Damage, ANewSecondRedrawsTheClockAndNothingElse) {
  DamageTracker tracker;
  (void)tracker.update(frame("4:29"));
  const auto d = tracker.update(frame("4:30"));
  ASSERT_TRUE(d.has_value());
  ASSERT_FALSE(d->empty());
  // Around the clock's digits, one pixel to spare; far from the label at the top and the window's edges.
  EXPECT_GE(d->x0, 195);
  EXPECT_GE(d->y0, 145);
  EXPECT_LE(d->x1, 240);
  EXPECT_LE(d->y1, 175);
}

TEST_F(Damage, AShorterTextPaintsOverWhatItNoLongerCovers) {
  DamageTracker tracker;
  (void)tracker.update(frame("10:00"));
  const auto wide = tracker.update(frame("10:00:00"));  // wider: the new glyphs
  const auto narrow = tracker.update(frame("9:59"));    // narrower: the old glyphs' place too
  ASSERT_TRUE(wide && narrow);
  EXPECT_GE(narrow->x1, wide->x1 - 2) << "the last glyphs of 10:00:00 must be painted over";
}

TEST_F(Damage, ANewSizeOrInvalidateDrawsWhole) {
  DamageTracker tracker;
  (void)tracker.update(frame("4:29"));
  EXPECT_FALSE(tracker.update(frame("4:29", ImVec2(300, 400))).has_value());
  EXPECT_TRUE(tracker.update(frame("4:29", ImVec2(300, 400))).has_value());
  tracker.invalidate();
  EXPECT_FALSE(tracker.update(frame("4:29", ImVec2(300, 400))).has_value());
}

TEST_F(Damage, ClippingLeavesEveryCommandInsideTheRectangle) {
  ImDrawData& data = frame("4:29");
  const DamageRect r{200, 150, 230, 170};
  clipDrawData(data, r);
  for (int l = 0; l < data.CmdListsCount; ++l) {
    for (const ImDrawCmd& cmd : data.CmdLists[l]->CmdBuffer) {
      EXPECT_GE(cmd.ClipRect.x, 200.0f);
      EXPECT_GE(cmd.ClipRect.y, 150.0f);
      EXPECT_LE(cmd.ClipRect.z, 230.0f);
      EXPECT_LE(cmd.ClipRect.w, 170.0f);
      EXPECT_LE(cmd.ClipRect.x, cmd.ClipRect.z);
      EXPECT_LE(cmd.ClipRect.y, cmd.ClipRect.w);
    }
  }
}

}  // namespace
}  // namespace unitclock::platform
