#include <gtest/gtest.h>

#include <algorithm>

#include "headless_ui.h"
#include "screens/screens.h"

namespace unitclock::app {
namespace {

using testing::HeadlessUi;

LockView sampleLock() {
  LockView v;
  v.clinic = "Riverside Therapy";
  v.room = "Room 2";
  v.time = "09:41";
  v.date = "Thursday 26 November";
  v.cards.push_back({"s-1", "JD", "Dana Ortiz", "97110 Therapeutic exercise", "12 min", true});
  v.clinicians.push_back({"c-dana", "Dana Ortiz", "OT", "", false});
  v.clinicians.push_back({"c-sam", "Sam Lee", "OTA", "Locked for 4 min", true});
  return v;
}

SessionView sampleSession() {
  SessionView v;
  v.sessionId = "s-1";
  v.patient = "JD";
  v.context = "Medicare Part B · OT";
  v.tiles = {{"97530", "Therapeutic activities", "12 min", false},
             {"97110", "Therapeutic exercise", "3 min", true}};
  v.runningName = "97110 Therapeutic exercise";
  v.clock = "3:07";
  v.pauseReasons = {{"rest", "Rest", false}, {"toileting", "Toileting", false}};
  v.bar = {"Timed 15 min", "Treatment 15 min", "1 unit (Medicare Part B, 8-minute rule)",
           "Next unit in 8 min"};
  return v;
}

TEST(LockScreen, ShowsClinicRoomTimeOpenSessionsAndClinicians) {
  HeadlessUi h;
  const auto view = sampleLock();
  h.frame([&](Ui& ui, Intents& out) { drawLockScreen(view, ui, out); });
  for (const char* text :
       {"Riverside Therapy", "Room 2", "09:41", "JD", "12 min · Dana Ortiz", "Sam Lee", "Locked for 4 min"})
    EXPECT_TRUE(h.record().shows(text)) << text;
}

TEST(LockScreen, TappingAClinicianAsksForTheirPin) {
  HeadlessUi h;
  const auto view = sampleLock();
  const auto out = h.tap([&](Ui& ui, Intents& o) { drawLockScreen(view, ui, o); }, "Dana Ortiz");
  ASSERT_EQ(out.size(), 1u);
  ASSERT_TRUE(std::holds_alternative<intent::ChooseClinician>(out[0]));
  EXPECT_EQ(std::get<intent::ChooseClinician>(out[0]).clinicianId, "c-dana");
}

TEST(LockScreen, TappingAnOpenSessionCardOpensThatSession) {
  HeadlessUi h;
  const auto view = sampleLock();
  const auto out = h.tap([&](Ui& ui, Intents& o) { drawLockScreen(view, ui, o); }, "JD");
  ASSERT_EQ(out.size(), 1u);
  ASSERT_TRUE(std::holds_alternative<intent::OpenCard>(out[0]));
  EXPECT_EQ(std::get<intent::OpenCard>(out[0]).sessionId, "s-1");
}

TEST(PinScreen, ShowsStarsNeverDigitsAndOkOnlyOnceEnoughDigits) {
  HeadlessUi h;
  PinView v{"Enter PIN", "Dana Ortiz · OT", 3, "", false};
  auto draw = [&](Ui& ui, Intents& o) { drawPinScreen(v, ui, o); };
  EXPECT_TRUE(h.tap(draw, "OK").empty()) << "OK is disabled with 3 digits";
  EXPECT_TRUE(h.record().shows("***"));
  v.enteredDigits = 4;
  v.canSubmit = true;
  const auto out = h.tap(draw, "OK");
  ASSERT_EQ(out.size(), 1u);
  ASSERT_TRUE(std::holds_alternative<intent::PinSubmit>(out[0]));
  const auto seven = h.tap(draw, "7");
  ASSERT_EQ(seven.size(), 1u);
  ASSERT_TRUE(std::holds_alternative<intent::PinDigit>(seven[0]));
  EXPECT_EQ(std::get<intent::PinDigit>(seven[0]).digit, "7");
}

TEST(SessionScreen, ShowsRunningClockLiveBarAndNextUnitHint) {
  HeadlessUi h;
  auto v = sampleSession();
  h.frame([&](Ui& ui, Intents& o) { drawSessionScreen(v, ui, o); });
  for (const char* text : {"3:07", "97110 Therapeutic exercise", "1 unit (Medicare", "Timed 15 min",
                           "Treatment 15 min", "Next unit in 8 min", "12 min"})
    EXPECT_TRUE(h.record().shows(text)) << text;
  v.bar.nextUnit.clear();  // hidden by the setting
  h.frame([&](Ui& ui, Intents& o) { drawSessionScreen(v, ui, o); });
  EXPECT_FALSE(h.record().shows("Next unit"));
}

TEST(SessionScreen, TappingATileStartsThatActivity) {
  HeadlessUi h;
  const auto v = sampleSession();
  const auto out = h.tap([&](Ui& ui, Intents& o) { drawSessionScreen(v, ui, o); }, "Therapeutic activities");
  ASSERT_EQ(out.size(), 1u);
  ASSERT_TRUE(std::holds_alternative<intent::StartActivity>(out[0]));
  EXPECT_EQ(std::get<intent::StartActivity>(out[0]).code, "97530");
}

TEST(SessionScreen, PausePausesAtTheTapAndAsksTheReasonWhilePaused) {
  HeadlessUi h;
  auto v = sampleSession();
  auto draw = [&](Ui& ui, Intents& o) { drawSessionScreen(v, ui, o); };
  const auto paused = h.tap(draw, "Pause");
  ASSERT_EQ(paused.size(), 1u);
  ASSERT_TRUE(std::holds_alternative<intent::Pause>(paused[0]));
  EXPECT_EQ(std::get<intent::Pause>(paused[0]).reason, "") << "no reason needed to stop billing";
  EXPECT_TRUE(h.record().find("Rest").empty()) << "reasons appear once paused";
  // Paused: said in words, Resume at hand, the reasons offered.
  v.runningName.clear();
  v.paused = true;
  v.pausedText = "Paused: Reason not given yet";
  v.pauseChipsOpen = true;
  h.frame(draw);
  EXPECT_TRUE(h.record().shows("PAUSED · not billing"));
  EXPECT_FALSE(h.record().find("Resume").empty());
  const auto out = h.tap(draw, "Toileting");
  ASSERT_EQ(out.size(), 1u);
  ASSERT_TRUE(std::holds_alternative<intent::SetPauseReason>(out[0]));
  EXPECT_EQ(std::get<intent::SetPauseReason>(out[0]).reason, "toileting");
}

TEST(SessionScreen, AnEndedSessionCannotStartActivitiesAndOffersReview) {
  HeadlessUi h;
  auto v = sampleSession();
  v.ended = true;
  v.runningName.clear();
  auto draw = [&](Ui& ui, Intents& o) { drawSessionScreen(v, ui, o); };
  EXPECT_TRUE(h.tap(draw, "Therapeutic activities").empty());
  EXPECT_TRUE(h.record().find("End session").empty());
  ASSERT_TRUE(std::holds_alternative<intent::EndSession>(h.tap(draw, "Review").at(0)));
}

TEST(NewSessionScreen, KeyboardTypesIntoTheFocusedFieldAndStartNeedsAPatient) {
  HeadlessUi h;
  NewSessionView v;
  v.focus = Field::kMrn;
  v.payers = {{"medicare", "Medicare Part B", true}};
  v.disciplines = {{"ot", "OT", true}};
  v.diagnoses = {{"M54.50", "Low back pain", false}};
  auto draw = [&](Ui& ui, Intents& o) { drawNewSessionScreen(v, ui, o); };
  const auto key = h.tap(draw, "Q");
  ASSERT_EQ(key.size(), 1u);
  ASSERT_TRUE(std::holds_alternative<intent::KeyText>(key[0]));
  EXPECT_EQ(std::get<intent::KeyText>(key[0]).text, "Q");
  EXPECT_TRUE(h.tap(draw, "Start session").empty()) << "disabled without MRN and initials";
  const auto dx = h.tap(draw, "M54.50");
  ASSERT_EQ(dx.size(), 1u);
  ASSERT_TRUE(std::holds_alternative<intent::ToggleDiagnosis>(dx[0]));
}

TEST(ReviewScreen, ShowsLinesWarningsAndTieSwap) {
  HeadlessUi h;
  ReviewView v;
  v.patient = "JD";
  v.totals = "Timed 38 min · Treatment 38 min · 3 units";
  v.lines = {
      {"97110", "Therapeutic exercise", "13 min", "", "1", "GO", false},
      {"97535", "Self-care and home management training", "13 min", "13 by assistant", "1", "GO CO", false}};
  v.warnings = {"97530: 7 min earned no unit"};
  v.ties = {{"97110, 97530 tie for 1 unit; it went to 97110.", {{"97530", "Give unit to 97530", false}}}};
  v.canSign = true;
  auto draw = [&](Ui& ui, Intents& o) { drawReviewScreen(v, ui, o); };
  h.frame(draw);
  for (const char* text : {"3 units", "GO CO", "13 by assistant", "earned no unit", "tie for 1 unit"})
    EXPECT_TRUE(h.record().shows(text)) << text;
  const auto out = h.tap(draw, "Give unit to 97530");
  ASSERT_EQ(out.size(), 1u);
  ASSERT_TRUE(std::holds_alternative<intent::PreferTie>(out[0]));
  EXPECT_EQ(std::get<intent::PreferTie>(out[0]).code, "97530");
}

TEST(ReviewScreen, ASignedSessionOffersCorrectAndVoidInsteadOfSigning) {
  HeadlessUi h;
  ReviewView v;
  v.patient = "JD";
  v.status = "Signed";
  v.canCorrect = v.canVoid = true;
  auto draw = [&](Ui& ui, Intents& o) { drawReviewScreen(v, ui, o); };
  h.frame(draw);
  EXPECT_TRUE(h.record().find("Sign with PIN").empty());
  auto out = h.tap(draw, "Correct");
  ASSERT_EQ(out.size(), 1u);
  ASSERT_TRUE(std::holds_alternative<intent::TogglePanel>(out[0]));
  EXPECT_EQ(std::get<intent::TogglePanel>(out[0]).panel, ReviewView::Panel::kCorrect);
  out = h.tap(draw, "Void session");
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(std::get<intent::TogglePanel>(out[0]).panel, ReviewView::Panel::kVoid);

  // The correction panel: a reason, then "Reopen for correction" (disabled until a reason is chosen).
  v.panel = ReviewView::Panel::kCorrect;
  v.correctionReasons = {{"Times were wrong", "Times were wrong", false},
                         {"Late entry", "Late entry", false}};
  EXPECT_TRUE(h.tap(draw, "Reopen for correction").empty());
  out = h.tap(draw, "Times were wrong");
  ASSERT_EQ(out.size(), 1u);
  ASSERT_TRUE(std::holds_alternative<intent::CorrectionReason>(out[0]));
  v.canConfirm = true;
  out = h.tap(draw, "Reopen for correction");
  ASSERT_EQ(out.size(), 1u);
  ASSERT_TRUE(std::holds_alternative<intent::Reopen>(out[0]));
}

// Review with segment 2 of two open for a times edit whose end overlaps nothing but is in the future.
ReviewView reviewWithEditOpen() {
  ReviewView v;
  v.patient = "JD";
  v.totals = "Timed 20 min · Treatment 20 min · 1 unit";
  v.canEdit = true;
  v.segments = {{0, "97110", "15:00–15:10", "10 min", "therapist", false},
                {1, "97530", "15:10–15:20", "10 min", "therapist", false}};
  v.edit.index = 1;
  v.edit.code = "97530";
  v.edit.title = "Edit 2 · 97530: 15:10–15:20";
  v.edit.kinds = {
      {"0", "Times", true}, {"1", "Activity", false}, {"2", "Split", false}, {"3", "Delete", false}};
  v.edit.picker = true;
  v.edit.times = "New times 15:10–15:35";
  v.edit.ends = {{"start", "Start", false}, {"end", "End", true}};
  v.edit.reasons = {{"Forgot to stop", "Forgot to stop", true},
                    {"Other correction", "Other correction", false}};
  v.edit.error = "A segment cannot end after the time of the edit.";
  v.edit.canSave = false;
  v.signBlocked = "Save or cancel the edit to sign.";
  return v;
}

TEST(ReviewScreen, ASegmentEditHasAPickerAndSaysWhatIsWrongBeforeSave) {
  for (ImVec2 size : {ImVec2(1280, 800), ImVec2(800, 1280)}) {
    HeadlessUi h(size);
    auto v = reviewWithEditOpen();
    auto draw = [&](Ui& ui, Intents& o) { drawReviewScreen(v, ui, o); };
    h.frame(draw);
    EXPECT_TRUE(h.record().shows("A segment cannot end after the time of the edit.")) << size.x;
    EXPECT_TRUE(h.record().shows("Save or cancel the edit to sign.")) << size.x;
    ASSERT_EQ(h.record().find("Save edit").size(), 1u);
    EXPECT_FALSE(h.record().find("Save edit").front()->enabled) << "Save waits while the times are wrong";
    EXPECT_TRUE(h.record().find("Sign with PIN").empty()) << "Save and Cancel take Sign's place";
    // The numbering is the list's: the second row's button says "Edit 2", and so does the edit's title.
    EXPECT_TRUE(h.record().shows("Edit 2 · 97530: 15:10–15:20")) << size.x;
    // The steps move the chosen time (here the end).
    auto out = h.tap(draw, "-15");
    ASSERT_EQ(out.size(), 1u);
    ASSERT_TRUE(std::holds_alternative<intent::AdjustEdit>(out[0]));
    EXPECT_EQ(std::get<intent::AdjustEdit>(out[0]).end, intent::SegmentEnd::kEnd);
    EXPECT_EQ(std::get<intent::AdjustEdit>(out[0]).delta, std::chrono::minutes(-15));
    out = h.tap(draw, "Start");
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(std::get<intent::ChooseEditEnd>(out[0]).end, intent::SegmentEnd::kStart);
    out = h.tap(draw, "Delete");
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(std::get<intent::ChooseEditKind>(out[0]).kind, intent::EditKind::kDelete);
    // Save and Cancel stay in view in the bottom bar, below the picker, in both orientations.
    const auto* save = h.record().find("Save edit").front();
    const auto* plus = h.record().find("+15").front();
    EXPECT_LT(plus->max.y, save->min.y);
    EXPECT_LE(save->max.y, size.y);
    ASSERT_EQ(h.record().find("Cancel edit").size(), 1u);
  }
}

TEST(ReviewScreen, AddingAMissedSegmentOffersTheActivityPerformerAndTimes) {
  HeadlessUi h;
  auto v = reviewWithEditOpen();
  v.edit = {};
  v.edit.adding = true;
  v.edit.title = "Add a missed segment · 97110: 14:45–15:00";
  v.edit.picker = true;
  v.edit.times = "New times 14:45–15:00";
  v.edit.ends = {{"start", "Start", true}, {"end", "End", false}};
  v.edit.codes = {{"97110", "97110", true}, {"97530", "97530", false}};
  v.edit.performers = {{"therapist", "Therapist", true}, {"assistant", "Assistant", false}};
  v.edit.reasons = {{"Forgot to start", "Forgot to start", false}};
  auto draw = [&](Ui& ui, Intents& o) { drawReviewScreen(v, ui, o); };
  auto out = h.tap(draw, "97530");
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(std::get<intent::EditCode>(out[0]).code, "97530");
  out = h.tap(draw, "Assistant");
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(std::get<intent::EditPerformer>(out[0]).performer, core::Performer::assistant);
  EXPECT_TRUE(h.record().find("Add a missed segment").empty()) << "one addition at a time";
  EXPECT_FALSE(h.record().find("Add segment").front()->enabled) << "a reason first";
}

// Every tappable thing on every screen is at least 9 mm tall (56 px at ~6 px/mm) at the default text size,
// in landscape and in portrait.
TEST(TouchTargets, EveryWidgetOnEveryScreenIsAtLeastNineMillimetresTall) {
  for (ImVec2 size : {ImVec2(1280, 800), ImVec2(800, 1280)}) {
    HeadlessUi h(size);
    std::vector<HeadlessUi::DrawFn> screens;
    const auto lock = sampleLock();
    const auto session = sampleSession();
    NewSessionView ns;
    ns.focus = Field::kMrn;
    ns.payers = {{"medicare", "Medicare Part B", true}, {"commercial", "Commercial", false}};
    ns.disciplines = {{"ot", "OT", true}, {"pt", "PT", false}, {"slp", "SLP", false}};
    ns.diagnoses = {{"M54.50", "Low back pain", false}};
    SettingsView settings;
    settings.textSizes = {{"normal", "Normal", true}};
    settings.canAdminister = true;
    screens.push_back([&](Ui& ui, Intents& o) { drawLockScreen(lock, ui, o); });
    screens.push_back([&](Ui& ui, Intents& o) {
      drawPinScreen(PinView{"Enter PIN", "", 0, "", false}, ui, o);
    });
    screens.push_back([&](Ui& ui, Intents& o) { drawSessionScreen(session, ui, o); });
    screens.push_back([&](Ui& ui, Intents& o) { drawNewSessionScreen(ns, ui, o); });
    screens.push_back([&](Ui& ui, Intents& o) { drawSettingsScreen(settings, ui, o); });
    screens.push_back([&](Ui& ui, Intents& o) { drawSetupScreen(SetupView{}, ui, o); });
    // A signed session's review with the void panel open, and the settings keyboard for the room.
    ReviewView signedReview;
    signedReview.canCorrect = signedReview.canVoid = true;
    signedReview.panel = ReviewView::Panel::kVoid;
    signedReview.correctionReasons = {{"Entered in error", "Entered in error", false},
                                      {"Wrong patient", "Wrong patient", true}};
    signedReview.canConfirm = true;
    screens.push_back([&](Ui& ui, Intents& o) { drawReviewScreen(signedReview, ui, o); });
    // An ended session's review with a segment edit open: the picker, the kinds and the reasons.
    const auto editing = reviewWithEditOpen();
    screens.push_back([&](Ui& ui, Intents& o) { drawReviewScreen(editing, ui, o); });
    SettingsView typingRoom = settings;
    typingRoom.focus = Field::kRoom;
    screens.push_back([&](Ui& ui, Intents& o) { drawSettingsScreen(typingRoom, ui, o); });
    for (const auto& draw : screens) {
      h.frame(draw);
      ASSERT_FALSE(h.record().widgets.empty());
      for (const auto& w : h.record().widgets) {
        EXPECT_GE(w.max.y - w.min.y, 56.0f) << w.labels.front() << " at " << size.x << "x" << size.y;
        EXPECT_GE(w.max.x - w.min.x, 56.0f) << w.labels.front() << " at " << size.x << "x" << size.y;
      }
    }
  }
}

}  // namespace
}  // namespace unitclock::app
