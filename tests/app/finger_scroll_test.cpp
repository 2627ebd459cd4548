// Lists scroll under a dragged finger (issue 16: only the thin scroll bars did), a drag never taps what it
// started on while a tap still does, and the running activity's tile comes into view when it starts.

#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "headless_ui.h"
#include "screens/screens.h"

namespace unitclock::app {
namespace {

using testing::HeadlessUi;

EventsView longEvents() {
  EventsView v;
  v.title = "JD · Dana Ortiz";
  for (int i = 0; i < 80; ++i)
    v.events.push_back("09:" + std::to_string(10 + i % 50) + ":00  Event " + std::to_string(i));
  return v;
}

// Portrait, many favourites: the tiles region holds only some of them.
SessionView manyTiles() {
  SessionView v;
  v.sessionId = "s-1";
  v.patient = "JD";
  v.context = "Medicare Part B · OT";
  for (int i = 0; i < 24; ++i)
    v.tiles.push_back({std::to_string(97100 + i), "Activity number " + std::to_string(i), "0 min", false});
  v.clock = "0:00";
  v.bar = {"Timed 0 min", "Treatment 0 min", "0 units (Medicare Part B, 8-minute rule)",
           "Next unit in 8 min"};
  return v;
}

// The first event line on screen (80 when none is).
int firstEventShown(const FrameRecord& r) {
  int first = 80;
  for (const auto& t : r.texts) {
    const auto at = t.find("  Event ");
    if (at != std::string::npos) first = std::min(first, std::stoi(t.substr(at + 8)));
  }
  return first;
}

bool startsActivity(const Intents& out) {
  for (const auto& i : out)
    if (std::holds_alternative<intent::StartActivity>(i)) return true;
  return false;
}

TEST(FingerScrolling, DraggingTheEventsListUpScrollsItUnderTheFinger) {
  HeadlessUi h(ImVec2(1280, 800));
  const auto v = longEvents();
  const auto draw = [&](Ui& ui, Intents& o) { drawEventsScreen(v, ui, o); };
  h.frame(draw);
  ASSERT_EQ(firstEventShown(h.record()), 0);
  ASSERT_FALSE(h.record().shows("Event 79"));
  const float lineHeight = ImGui::GetTextLineHeightWithSpacing();
  h.drag(draw, ImVec2(640, 700), ImVec2(640, 250));
  for (int i = 0; i < 120; ++i) h.frame(draw);  // the glide ends by itself
  // The content follows the finger (450 px, less the 13 px before a press becomes a drag), then glides on.
  EXPECT_GE(firstEventShown(h.record()), static_cast<int>((450.0f - 13.0f) / lineHeight) - 1);
  EXPECT_LT(firstEventShown(h.record()), 80);
  // And back down again.
  for (int i = 0; i < 4; ++i) h.drag(draw, ImVec2(640, 200), ImVec2(640, 750), 4);
  for (int i = 0; i < 120; ++i) h.frame(draw);
  EXPECT_EQ(firstEventShown(h.record()), 0);
}

TEST(FingerScrolling, ADragThatStartsOnATileScrollsAndDoesNotStartThatActivity) {
  HeadlessUi h(ImVec2(800, 1280));
  const auto v = manyTiles();
  const auto draw = [&](Ui& ui, Intents& o) { drawSessionScreen(v, ui, o); };
  h.frame(draw);
  h.frame(draw);  // the first frame of a window lays out before its sizes are known
  const auto found = h.record().find("97104");
  ASSERT_EQ(found.size(), 1u);
  const ImVec2 from = found.front()->centre();
  const float startY = found.front()->min.y;
  // Up by 2 em: the finger stays on the tile it pressed, as a slow scroll's finger does.
  const auto out = h.drag(draw, from, ImVec2(from.x, from.y - 2.0f * h.em()));
  EXPECT_FALSE(startsActivity(out)) << "a drag never taps";
  const auto after = h.record().find("97104");
  ASSERT_EQ(after.size(), 1u);
  // 2 em of finger, less the 0.5 em before a press becomes a drag, and a little glide.
  EXPECT_LE(after.front()->min.y, startY - 1.5f * h.em()) << "the tiles moved with the finger";
}

TEST(FingerScrolling, AShortTapThatWobblesLessThanHalfAnEmStillStartsTheActivity) {
  HeadlessUi h(ImVec2(800, 1280));
  const auto v = manyTiles();
  const auto draw = [&](Ui& ui, Intents& o) { drawSessionScreen(v, ui, o); };
  h.frame(draw);
  const ImVec2 at = h.record().find("97104").front()->centre();
  const auto out = h.drag(draw, at, ImVec2(at.x + 0.2f * h.em(), at.y - 0.3f * h.em()), 2);
  ASSERT_TRUE(startsActivity(out));
  EXPECT_EQ(std::get<intent::StartActivity>(out.back()).code, "97104");
}

TEST(FingerScrolling, AButtonOutsideAnyListStillTapsWithAWobble) {
  // The PIN pad does not scroll: a sloppy press on a key is still a key.
  HeadlessUi h(ImVec2(800, 1280));
  const auto draw = [&](Ui& ui, Intents& o) { drawPinScreen(PinView{"Enter PIN", "", 0, "", false}, ui, o); };
  h.frame(draw);
  const ImVec2 at = h.record().find("5").front()->centre();
  const auto out = h.drag(draw, at, ImVec2(at.x, at.y - 0.8f * h.em()), 3);
  EXPECT_FALSE(out.empty());
}

TEST(SessionScreen, TheRunningTileComesIntoViewWhenItStartsInPortraitAtLargeText) {
  HeadlessUi h(ImVec2(800, 1280), 31.0f);  // Large text
  auto v = manyTiles();
  const auto draw = [&](Ui& ui, Intents& o) { drawSessionScreen(v, ui, o); };
  h.frame(draw);
  ASSERT_TRUE(h.record().find("97123").empty()) << "the last tile starts below the fold";
  // The last tile starts (its favourite came last; a script or a supervisor started it).
  v.tiles.back().running = true;
  v.runningName = "97123 Activity number 23";
  for (int i = 0; i < 3; ++i) h.frame(draw);
  const auto tile = h.record().find("97123");
  ASSERT_EQ(tile.size(), 1u) << "the running tile is on screen";
  const auto end = h.record().find("End session");
  ASSERT_EQ(end.size(), 1u);
  EXPECT_GE(tile.front()->min.y, 0.0f);
  EXPECT_LE(tile.front()->max.y, end.front()->min.y) << "wholly above the live bar";
  // Once: the therapist may scroll away from it, and it is not pulled back.
  h.drag(draw, ImVec2(400, tile.front()->min.y - 10.0f), ImVec2(400, tile.front()->min.y + 8.0f * h.em()));
  for (int i = 0; i < 60; ++i) h.frame(draw);
  EXPECT_TRUE(h.record().find("97123").empty()) << "scrolled away by hand and left there";
}

}  // namespace
}  // namespace unitclock::app
