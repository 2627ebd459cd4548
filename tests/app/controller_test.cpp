// The controller against a real device store on a temporary file and a fake clock: what a therapist's
// taps do to the recorded session, the roster and the lock screen.
#include <gtest/gtest.h>

#include <unitclock/core/day.h>
#include <unitclock/core/payer.h>
#include <unitclock/platform/device_store.h>
#include <unitclock/platform/device_store_outbox.h>
#include <unitclock/platform/wire/device_config.h>
#include <unitclock/platform/wire/session_upload.h>
#include <algorithm>
#include <filesystem>

#include "controller.h"
#include "support/temp_dir.h"

namespace unitclock::app {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

using test::TempDir;

core::WallTime at(int hour, int minute) {
  using namespace std::chrono;
  return time_point_cast<milliseconds>(sys_days{2026y / November / 26} + hours(hour) + minutes(minute));
}

ControllerOptions cheap() {
  ControllerOptions o;
  o.pinLimits =
      platform::PinHashLimits{1, 8192};  // fast hashes for tests; verification reads the limits from the hash
  return o;
}

struct Fixture : ::testing::Test {
  void SetUp() override {
    setenv("TZ", "UTC", 1);
    auto s = platform::DeviceStore::open(dir.file("device.db"));
    ASSERT_TRUE(s) << s.error().message;
    store.emplace(std::move(s.value()));
    controller = std::make_unique<Controller>(*store, clock, cheap());
    ASSERT_TRUE(controller->seedDemo());
    ASSERT_TRUE(controller->load());
  }
  void tap(const Intent& intent) {
    controller->noteInput();
    controller->apply(intent);
  }
  void login(const std::string& id, const std::string& pin) {
    tap(intent::ChooseClinician{id});
    tap(intent::KeyText{pin});
    tap(intent::PinSubmit{});
  }
  void newSession(const std::string& mrn, const std::string& initials) {
    tap(intent::NewSession{});
    tap(intent::KeyText{mrn});
    tap(intent::Focus{Field::kInitials});
    tap(intent::KeyText{initials});
    tap(intent::ToggleDiagnosis{"M54.50"});
    tap(intent::StartSession{});
  }
  // Time passes while the therapist keeps tapping now and then (no auto-lock).
  void advance(std::chrono::milliseconds d) {
    clock.advance(d);
    controller->noteInput();
    controller->tick();
  }
  // Time passes with nobody touching the screen.
  void idle(std::chrono::milliseconds d) {
    clock.advance(d);
    controller->tick();
  }

  TempDir dir;
  core::FakeClock clock{at(15, 0)};
  std::optional<platform::DeviceStore> store;
  std::unique_ptr<Controller> controller;
};

TEST_F(Fixture, TheDemoClinicOpensOnTheLockScreenWithItsClinicians) {
  EXPECT_EQ(controller->screen(), Screen::kLock);
  const auto v = controller->lockView();
  EXPECT_EQ(v.clinic, "Riverside Therapy (demo)");
  EXPECT_EQ(v.time, "15:00");
  EXPECT_EQ(v.date, "Thursday 26 November");
  EXPECT_EQ(v.clinicians.size(), 7u);
}

TEST_F(Fixture, TheRightPinOpensHomeAndAWrongOneSaysHowManyTriesAreLeft) {
  login("c-dana", "1234");
  EXPECT_EQ(controller->screen(), Screen::kPin);
  EXPECT_NE(controller->pinView().error.find("4 tries left"), std::string::npos);
  EXPECT_EQ(controller->pinView().enteredDigits, 0) << "a wrong PIN is cleared";
  tap(intent::KeyText{"1111"});
  tap(intent::PinSubmit{});
  EXPECT_EQ(controller->screen(), Screen::kHome);
  EXPECT_EQ(controller->homeView().clinician, "Dana Ortiz");
}

TEST_F(Fixture, FiveWrongPinsLockOutForAGrowingDelayThatSurvivesARestart) {
  for (int i = 0; i < 5; ++i) login("c-sam", "0000");
  EXPECT_NE(controller->pinView().error.find("locked out for 1 min"), std::string::npos);
  // Even the right PIN is refused while locked out.
  tap(intent::KeyText{"2222"});
  tap(intent::PinSubmit{});
  EXPECT_EQ(controller->screen(), Screen::kPin);

  // A restart (new controller over the same store) keeps the lock-out.
  controller = std::make_unique<Controller>(*store, clock, cheap());
  ASSERT_TRUE(controller->load());
  const auto lock = controller->lockView();
  const auto sam =
      std::find_if(lock.clinicians.begin(), lock.clinicians.end(), [](auto& c) { return c.id == "c-sam"; });
  ASSERT_NE(sam, lock.clinicians.end());
  EXPECT_TRUE(sam->lockedOut);

  // After a minute five more wrong PINs lock out for two minutes.
  clock.advance(61s);
  for (int i = 0; i < 5; ++i) login("c-sam", "0000");
  EXPECT_NE(controller->pinView().error.find("locked out for 2 min"), std::string::npos);
  clock.advance(121s);
  login("c-sam", "2222");
  EXPECT_EQ(controller->screen(), Screen::kHome);
}

TEST_F(Fixture, EveryTapIsInTheStoreBeforeTheScreenShowsIt) {
  login("c-dana", "1111");
  newSession("MRN5", "jd");
  ASSERT_EQ(controller->screen(), Screen::kSession);
  const std::string id = controller->sessionView().sessionId;
  tap(intent::StartActivity{"97530"});
  advance(1min);
  tap(intent::StartActivity{"97110"});
  tap(intent::TogglePauseReasons{});
  tap(intent::Pause{"rest"});
  const auto* model = controller->session(id);
  ASSERT_NE(model, nullptr);
  auto stored = store->loadSession(id);
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored.value().events, model->events());
  EXPECT_EQ(stored.value().events.size(), 4u);  // opened, 97530, 97110, paused
}

TEST_F(Fixture, PauseStopsBillingAtTheTapAndTheReasonCanFollow) {
  login("c-dana", "1111");
  newSession("MRN7", "kl");
  const std::string id = controller->sessionView().sessionId;
  tap(intent::StartActivity{"97530"});
  advance(8min);
  tap(intent::Pause{});  // hands busy: no reason yet
  advance(10min);
  auto v = controller->sessionView();
  EXPECT_TRUE(v.paused);
  EXPECT_TRUE(v.pauseChipsOpen) << "the reasons are offered while the pause has none";
  EXPECT_EQ(v.pausedText, "Paused: Reason not given yet");
  EXPECT_NE(v.bar.timed.find("8 min"), std::string::npos) << v.bar.timed << ": the pause is not billed";
  tap(intent::SetPauseReason{"toileting"});
  v = controller->sessionView();
  EXPECT_EQ(v.pausedText, "Paused: Toileting");
  EXPECT_FALSE(v.pauseChipsOpen);
  auto stored = store->loadSession(id);
  ASSERT_TRUE(stored);
  const auto& events = stored.value().events;
  ASSERT_EQ(events.size(), 4u);  // opened, 97530, paused, pause_reason_set
  EXPECT_EQ(events[2].type, core::EventType::paused);
  EXPECT_EQ(events[2].pauseReason, core::PauseReason::not_given);
  EXPECT_EQ(events[3].type, core::EventType::pause_reason_set);
  EXPECT_EQ(events[3].pauseReason, core::PauseReason::toileting);
}

TEST_F(Fixture, EndSessionAsksOnceAndADoubleTapDoesNotEndIt) {
  login("c-dana", "1111");
  newSession("MRN8", "mn");
  tap(intent::StartActivity{"97530"});
  advance(9min);
  tap(intent::EndSession{});
  EXPECT_EQ(controller->screen(), Screen::kSession);
  EXPECT_TRUE(controller->sessionView().confirmEnd);
  EXPECT_FALSE(controller->sessionView().runningName.empty()) << "asking stops nothing";
  tap(intent::KeepGoing{});  // the second tap of a double tap lands on "Keep going"
  const std::string id = controller->sessionView().sessionId;
  EXPECT_FALSE(controller->sessionView().confirmEnd);
  EXPECT_EQ(controller->session(id)->status(), core::SessionStatus::open);
  tap(intent::EndSession{});
  tap(intent::ConfirmEndSession{});
  EXPECT_EQ(controller->screen(), Screen::kReview);
  EXPECT_EQ(controller->session(id)->status(), core::SessionStatus::ended);
}

TEST_F(Fixture, SigningWaitsForADiagnosisThatReviewCanAdd) {
  login("c-dana", "1111");
  tap(intent::NewSession{});
  tap(intent::KeyText{"MRN11"});
  tap(intent::Focus{Field::kInitials});
  tap(intent::KeyText{"ef"});
  tap(intent::StartSession{});  // no diagnosis chosen at the start
  tap(intent::StartActivity{"97110"});
  advance(20min);
  tap(intent::EndSession{});
  tap(intent::ConfirmEndSession{});
  ASSERT_EQ(controller->screen(), Screen::kReview);
  auto v = controller->reviewView();
  EXPECT_FALSE(v.canSign);
  EXPECT_NE(v.signBlocked.find("diagnosis"), std::string::npos) << v.signBlocked;
  ASSERT_FALSE(v.diagnosisChoices.empty());
  tap(intent::Sign{});
  EXPECT_EQ(controller->screen(), Screen::kReview) << "Sign does nothing while it is blocked";
  tap(intent::ToggleReviewDiagnosis{"M54.50"});
  v = controller->reviewView();
  EXPECT_TRUE(v.canSign) << v.signBlocked;
  EXPECT_NE(v.diagnoses.find("M54.50"), std::string::npos);
  // An edit left open blocks signing too.
  tap(intent::StartEdit{0});
  EXPECT_FALSE(controller->reviewView().canSign);
}

TEST_F(Fixture, AClinicianIsInOneOnOneWithOnePatientAtATime) {
  login("c-dana", "1111");
  newSession("MRN9", "ab");
  tap(intent::StartActivity{"97530"});
  tap(intent::GoHome{});
  newSession("MRN10", "cd");
  tap(intent::StartActivity{"97110"});
  auto v = controller->sessionView();
  EXPECT_TRUE(v.runningName.empty()) << "the second one-on-one did not start";
  EXPECT_NE(v.error.find("one-on-one with AB"), std::string::npos) << v.error;
}

TEST_F(Fixture, AutoLockKeepsARunningSessionOnScreenWithItsTimersOneTapAway) {
  login("c-dana", "1111");
  newSession("MRN6", "ab");
  const std::string id = controller->sessionView().sessionId;
  tap(intent::StartActivity{"97530"});
  idle(1min + 59s);
  EXPECT_FALSE(controller->sessionView().locked);
  idle(2s);
  // Found in use: the auto-lock during a running session cost six extra taps for every switch.
  ASSERT_EQ(controller->screen(), Screen::kSession);
  auto v = controller->sessionView();
  EXPECT_TRUE(v.locked);
  EXPECT_NE(v.lockedNote.find("Timers keep running"), std::string::npos) << v.lockedNote;
  EXPECT_NE(v.lockedNote.find("Dana Ortiz's timers still work with one tap"), std::string::npos)
      << v.lockedNote;
  // One tap switches the activity, as Dana's, and is audited as a tap on a locked screen.
  tap(intent::StartActivity{"97110"});
  tap(intent::Pause{});
  tap(intent::SetPauseReason{"rest"});
  tap(intent::Resume{});
  const auto* s = controller->session(id);
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->derive(clock.now()).running->code, "97110");
  for (const auto& e : s->events()) {
    if (e.type != core::EventType::session_opened) {
      EXPECT_EQ(e.clinicianId, "c-dana");
    }
  }
  auto audit = store->auditForSession(id);
  ASSERT_TRUE(audit);
  EXPECT_EQ(std::count_if(audit->begin(), audit->end(),
                          [](const auto& a) { return a.action == "locked_screen_tap"; }),
            4);
  // Everything else waits for the PIN: ending, Home, untimed services.
  tap(intent::EndSession{});
  tap(intent::GoHome{});
  tap(intent::ToggleUntimed{});
  EXPECT_EQ(controller->screen(), Screen::kSession);
  EXPECT_EQ(s->status(), core::SessionStatus::open);
  EXPECT_NE(controller->sessionView().error.find("Tap Unlock"), std::string::npos);
  // Unlock: Dana's PIN, back on the same screen, unlocked.
  tap(intent::Unlock{});
  ASSERT_EQ(controller->screen(), Screen::kPin);
  tap(intent::KeyText{"1111"});
  tap(intent::PinSubmit{});
  EXPECT_EQ(controller->screen(), Screen::kSession);
  EXPECT_FALSE(controller->sessionView().locked);
  tap(intent::GoHome{});
  EXPECT_EQ(controller->screen(), Screen::kHome);
}

TEST_F(Fixture, AClinicThatWantsThePinForEverythingGetsTheLockScreenAndTheTimerRunsOn) {
  login("admin-1", "0000");
  tap(intent::GoSettings{});
  tap(intent::ToggleLockedTaps{});
  EXPECT_FALSE(controller->settingsView().lockedSessionTaps);
  tap(intent::Lock{});
  login("c-dana", "1111");
  newSession("MRN6", "ab");
  tap(intent::StartActivity{"97530"});
  idle(2min + 1s);
  EXPECT_EQ(controller->screen(), Screen::kLock);
  EXPECT_NE(controller->lockView().message.find("Timers keep running"), std::string::npos);
  // Taps meant for the session do nothing while the screen is locked.
  controller->apply(intent::EndSession{});
  controller->apply(intent::StartActivity{"97110"});
  idle(10min);
  const auto lock = controller->lockView();
  ASSERT_EQ(lock.cards.size(), 1u);
  EXPECT_TRUE(lock.cards[0].running);
  EXPECT_EQ(lock.cards[0].elapsed, "12 min timed");
  // Unlocking from the card goes straight back to the session, still running.
  tap(intent::OpenCard{lock.cards[0].sessionId});
  tap(intent::KeyText{"1111"});
  tap(intent::PinSubmit{});
  EXPECT_EQ(controller->screen(), Screen::kSession);
  EXPECT_EQ(controller->sessionView().clock, "12:01");
}

TEST_F(Fixture, TheLiveBarAndTheReviewShowTheEnginesUnits) {
  login("c-dana", "1111");
  newSession("MRN7", "kw");
  const std::string id = controller->sessionView().sessionId;
  tap(intent::StartActivity{"97530"});
  advance(2min);
  tap(intent::StartActivity{"97530"});  // a second tap on the running tile changes nothing
  advance(10min);
  tap(intent::StartActivity{"97110"});
  tap(intent::SetPerformer{core::Performer::assistant});
  advance(1min);
  tap(intent::StartActivity{"97110"});
  advance(12min);
  const auto bar = controller->sessionView().bar;
  EXPECT_EQ(bar.timed, "Timed 25 min");
  EXPECT_NE(bar.units.find("2 units"), std::string::npos) << bar.units;
  EXPECT_EQ(bar.nextUnit, "Next unit in 13 min");  // 38 minutes earn the third
  tap(intent::EndSession{});
  tap(intent::ConfirmEndSession{});
  ASSERT_EQ(controller->screen(), Screen::kReview);
  const auto review = controller->reviewView();
  const auto* model = controller->session(id);
  const auto engine = core::computeUnits(core::sessionInput(model->header(), model->derive()),
                                         core::PayerProfile::medicare());
  ASSERT_TRUE(engine);
  EXPECT_EQ(review.totals,
            "Timed 25 min · Treatment 25 min · " + std::to_string(engine.value().totalUnits) + " units");
  ASSERT_EQ(review.lines.size(), engine.value().codes.size());
  for (std::size_t i = 0; i < review.lines.size(); ++i)
    EXPECT_EQ(review.lines[i].units, std::to_string(engine.value().codes[i].units));
  EXPECT_EQ(review.lines[1].assistant, "13 by assistant");
}

TEST_F(Fixture, TheSessionsMinutesAreOneNumberOnHomeTheLockCardTheLiveBarAndReview) {
  // 4 min 30 s and 3 min 40 s: 8 min 10 s on the clock, but the engine counts whole minutes per code,
  // 4 + 3 = 7, and bills on those. Every screen says 7 (Home once said 8 and Review 7).
  login("c-dana", "1111");
  newSession("MRN7", "kw");
  tap(intent::StartActivity{"97530"});
  advance(4min + 30s);
  tap(intent::StartActivity{"97110"});
  advance(3min + 40s);
  EXPECT_EQ(controller->sessionView().bar.timed, "Timed 7 min");
  for (const auto& t : controller->sessionView().tiles) {
    if (t.code == "97110") {
      EXPECT_EQ(t.minutes, "3 min");
    }
  }
  tap(intent::GoHome{});
  ASSERT_EQ(controller->homeView().sessions.size(), 1u);
  EXPECT_EQ(controller->homeView().sessions[0].minutes, "7 min timed");
  tap(intent::Lock{});
  ASSERT_EQ(controller->lockView().cards.size(), 1u);
  EXPECT_EQ(controller->lockView().cards[0].elapsed, "7 min timed");
  tap(intent::OpenCard{controller->lockView().cards[0].sessionId});
  tap(intent::KeyText{"1111"});
  tap(intent::PinSubmit{});
  ASSERT_EQ(controller->screen(), Screen::kSession);
  tap(intent::StopActivity{});
  tap(intent::EndSession{});
  tap(intent::ConfirmEndSession{});
  EXPECT_EQ(controller->reviewView().totals.rfind("Timed 7 min · Treatment 7 min", 0), 0u)
      << controller->reviewView().totals;
}

TEST_F(Fixture, TheBigClockSaysWhatItCountsAndAPerformerSwitchDoesNotRestartIt) {
  login("c-dana", "1111");
  newSession("MRN7", "kw");
  tap(intent::StartActivity{"97110"});
  advance(2min);
  tap(intent::SetPerformer{core::Performer::assistant});
  advance(1min);
  auto v = controller->sessionView();
  EXPECT_EQ(v.clock, "3:00");  // the activity's time in the session, as its tile shows it
  EXPECT_EQ(v.clockLabel, "on 97110 in this session");
  tap(intent::StartActivity{"97530"});
  advance(1min);
  tap(intent::StartActivity{"97110"});  // back to 97110: its clock continues
  advance(30s);
  v = controller->sessionView();
  EXPECT_EQ(v.clock, "3:30");
  for (const auto& t : v.tiles) {
    if (t.code == "97110") {
      EXPECT_EQ(t.minutes, "3 min");
    }
  }
}

TEST_F(Fixture, AnOtStartsOnlyOtSessionsWhileASupervisorMayStartAnyDiscipline) {
  login("c-dana", "1111");
  tap(intent::NewSession{});
  auto v = controller->newSessionView();
  ASSERT_EQ(v.disciplines.size(), 3u);
  EXPECT_TRUE(v.disciplines[0].enabled);   // OT
  EXPECT_FALSE(v.disciplines[1].enabled);  // PT
  EXPECT_FALSE(v.disciplines[2].enabled);  // SLP
  EXPECT_EQ(v.disciplineNote, "PT and SLP need a supervisor");
  tap(intent::SelectDiscipline{"pt"});  // a physical keyboard or a stale screen can still send it
  v = controller->newSessionView();
  EXPECT_TRUE(v.disciplines[0].selected);
  EXPECT_EQ(v.error, "Only a supervisor can start a PT session.");
  tap(intent::GoHome{});
  tap(intent::Lock{});

  login("c-jordan", "9999");
  tap(intent::NewSession{});
  tap(intent::SelectDiscipline{"pt"});
  tap(intent::KeyText{"MRN9"});
  tap(intent::Focus{Field::kInitials});
  tap(intent::KeyText{"AB"});
  tap(intent::StartSession{});
  ASSERT_EQ(controller->screen(), Screen::kSession);
  EXPECT_EQ(controller->session(controller->sessionView().sessionId)->header().discipline,
            core::Discipline::pt);
}

TEST_F(Fixture, ASecondSessionForAPatientAlreadySeenTodayAsksFirst) {
  login("c-dana", "1111");
  newSession("MRN7", "kw");
  const std::string first = controller->sessionView().sessionId;
  tap(intent::StartActivity{"97110"});
  advance(10min);
  tap(intent::EndSession{});
  tap(intent::ConfirmEndSession{});
  tap(intent::Back{});       // Review → Home, the session ended and waiting to be signed
  newSession("MRN7", "kw");  // taps Start session once
  ASSERT_EQ(controller->screen(), Screen::kNewSession);
  auto v = controller->newSessionView();
  EXPECT_TRUE(v.confirmRepeat);
  EXPECT_EQ(
      v.repeatWarning.rfind("KW already has an OT session today (Ended – review, Dana Ortiz, 15:00)", 0), 0u)
      << v.repeatWarning;
  tap(intent::StartSession{});  // the second tap starts it
  ASSERT_EQ(controller->screen(), Screen::kSession);
  EXPECT_NE(controller->sessionView().sessionId, first);

  // Another patient is not asked about.
  tap(intent::GoHome{});
  newSession("MRN8", "zz");
  EXPECT_EQ(controller->screen(), Screen::kSession);
}

TEST_F(Fixture, AnUntimedServiceTakesTheMinutesEnteredIsListedAndCanBeRemoved) {
  login("c-dana", "1111");
  newSession("MRN7", "kw");
  const std::string id = controller->sessionView().sessionId;
  tap(intent::ToggleUntimed{});
  auto v = controller->sessionView();
  EXPECT_EQ(v.untimedMinutes, 0);  // never a silent default
  // Only codes the catalog allows this session's discipline: no PT evaluation (97161) or SLP fluency
  // evaluation (92521) in an OT session; the OT evaluation is there.
  bool otEvaluation = false;
  for (const auto& c : v.untimedCodes) {
    EXPECT_NE(c.id, "97161");
    EXPECT_NE(c.id, "92521");
    otEvaluation = otEvaluation || c.id == "97165";
  }
  EXPECT_TRUE(otEvaluation);
  tap(intent::AddUntimed{"97165"});
  EXPECT_EQ(controller->sessionView().error, "Set the service's minutes first.");
  EXPECT_TRUE(controller->session(id)->derive(clock.now()).untimed.empty());
  tap(intent::AdjustUntimedMinutes{15min});
  tap(intent::AdjustUntimedMinutes{15min});
  tap(intent::AddUntimed{"97165"});
  v = controller->sessionView();
  ASSERT_EQ(v.untimed.size(), 1u);
  EXPECT_EQ(v.untimed[0].code, "97165");
  EXPECT_NE(v.untimed[0].text.find(" · 30 min"), std::string::npos) << v.untimed[0].text;
  EXPECT_EQ(v.bar.treatment, "Treatment 30 min");
  tap(intent::RemoveUntimed{0});  // added by mistake
  v = controller->sessionView();
  EXPECT_TRUE(v.untimed.empty());
  EXPECT_EQ(v.bar.treatment, "Treatment 0 min");
  // The removal is in the store, like every tap.
  auto stored = store->loadSession(id);
  ASSERT_TRUE(stored);
  ASSERT_FALSE(stored->events.empty());
  EXPECT_EQ(stored->events.back().type, core::EventType::untimed_changed);
  EXPECT_EQ(stored->events.back().minutes, 0min);
}

TEST_F(Fixture, ReviewChangesAnUntimedServicesMinutesWithAReasonAndSignWaitsForTheEdit) {
  login("c-dana", "1111");
  newSession("MRN7", "kw");
  const std::string id = controller->sessionView().sessionId;
  tap(intent::ToggleUntimed{});
  tap(intent::AdjustUntimedMinutes{15min});
  tap(intent::AdjustUntimedMinutes{15min});
  tap(intent::AddUntimed{"97165"});
  tap(intent::EndSession{});
  tap(intent::ConfirmEndSession{});
  ASSERT_EQ(controller->screen(), Screen::kReview);
  auto v = controller->reviewView();
  ASSERT_EQ(v.untimed.size(), 1u);
  tap(intent::StartUntimedEdit{0});
  tap(intent::AdjustUntimedEdit{-5min});
  v = controller->reviewView();
  EXPECT_EQ(v.untimedEdit.minutes, 25);
  EXPECT_FALSE(v.untimedEdit.canSave);  // a reason first
  EXPECT_FALSE(v.canSign);
  EXPECT_EQ(v.signBlocked, "Save or cancel the edit to sign.");
  tap(intent::EditReason{"Wrong minutes"});
  tap(intent::SaveEdit{});
  v = controller->reviewView();
  EXPECT_EQ(v.untimedEdit.index, -1);
  ASSERT_EQ(v.untimed.size(), 1u);
  EXPECT_NE(v.untimed[0].text.find(" · 25 min"), std::string::npos) << v.untimed[0].text;
  EXPECT_TRUE(v.canSign);
  const auto& last = controller->session(id)->events().back();
  EXPECT_EQ(last.type, core::EventType::untimed_changed);
  EXPECT_EQ(last.reason, "Wrong minutes");
  // Removing it at review, the same way.
  tap(intent::StartUntimedEdit{0});
  tap(intent::RemoveUntimedEdit{});
  tap(intent::EditReason{"Added by mistake"});
  tap(intent::SaveEdit{});
  EXPECT_TRUE(controller->reviewView().untimed.empty());
}

TEST_F(Fixture, BackOnThePinPadAfterUnlockReturnsToTheLockedSessionNotTheLockScreen) {
  login("c-dana", "1111");
  newSession("MRN6", "ab");
  tap(intent::StartActivity{"97530"});
  idle(2min + 1s);
  ASSERT_TRUE(controller->sessionView().locked);
  tap(intent::Unlock{});
  ASSERT_EQ(controller->screen(), Screen::kPin);
  tap(intent::Back{});  // changed her mind: the timers stay one tap away
  ASSERT_EQ(controller->screen(), Screen::kSession);
  EXPECT_TRUE(controller->sessionView().locked);
  tap(intent::StartActivity{"97110"});
  EXPECT_EQ(controller->session(controller->sessionView().sessionId)->derive(clock.now()).running->code,
            "97110");
}

TEST_F(Fixture, ADeviceWithoutABillingServerSaysSoWhereTheSyncLineIs) {
  // No SyncLink: the demo clinic on its own. An empty line used to look like "all is well".
  EXPECT_EQ(controller->lockView().sync,
            "Not connected to a billing server: signed sessions stay on this device");
  login("c-jordan", "9999");
  EXPECT_EQ(controller->homeView().sync, controller->lockView().sync);
  tap(intent::GoSupervisor{});
  EXPECT_EQ(controller->supervisorView().sync, controller->lockView().sync);
}

TEST_F(Fixture, SigningNeedsThePinAndPutsTheSessionInTheOutbox) {
  login("c-dana", "1111");
  newSession("MRN8", "rm");
  const std::string id = controller->sessionView().sessionId;
  tap(intent::StartActivity{"97110"});
  advance(1min);
  tap(intent::StartActivity{"97110"});
  advance(9min);
  tap(intent::EndSession{});
  tap(intent::ConfirmEndSession{});
  tap(intent::Sign{});
  ASSERT_EQ(controller->screen(), Screen::kPin);
  tap(intent::KeyText{"9999"});
  tap(intent::PinSubmit{});
  EXPECT_EQ(controller->session(id)->status(), core::SessionStatus::ended) << "a wrong PIN signs nothing";
  tap(intent::KeyText{"1111"});
  tap(intent::PinSubmit{});
  EXPECT_EQ(controller->screen(), Screen::kHome);
  EXPECT_EQ(controller->session(id)->status(), core::SessionStatus::signed_);
  const auto outbox = store->outbox(id);
  ASSERT_TRUE(outbox);
  ASSERT_EQ(outbox.value().size(), 1u);
  EXPECT_EQ(outbox.value()[0].state, platform::OutboxState::pending);
}

// Dana ends and signs a 10-minute session of 97110 for R.M.; returns its id.
std::string signTenMinutes(Fixture& f) {
  f.login("c-dana", "1111");
  f.newSession("MRN8", "rm");
  const std::string id = f.controller->sessionView().sessionId;
  f.tap(intent::StartActivity{"97110"});
  f.advance(1min);
  f.tap(intent::StartActivity{"97110"});
  f.advance(9min);
  f.tap(intent::EndSession{});
  f.tap(intent::ConfirmEndSession{});
  f.tap(intent::Sign{});
  f.tap(intent::KeyText{"1111"});
  f.tap(intent::PinSubmit{});
  return id;
}

TEST_F(Fixture, ACorrectionAfterSigningNeedsAReasonAndIsSignedAgainAsANewRevision) {
  const std::string id = signTenMinutes(*this);
  tap(intent::OpenSession{id});
  ASSERT_EQ(controller->screen(), Screen::kReview);
  auto v = controller->reviewView();
  EXPECT_TRUE(v.canCorrect);
  EXPECT_FALSE(v.canSign);
  EXPECT_FALSE(v.canEdit) << "a signed session is frozen until it is reopened";
  tap(intent::TogglePanel{ReviewView::Panel::kCorrect});
  v = controller->reviewView();
  ASSERT_EQ(v.panel, ReviewView::Panel::kCorrect);
  EXPECT_FALSE(v.canConfirm) << "no reason chosen yet";
  tap(intent::Reopen{});
  EXPECT_EQ(controller->session(id)->status(), core::SessionStatus::signed_) << "no reason, no correction";

  tap(intent::CorrectionReason{"Times were wrong"});
  tap(intent::Reopen{});
  EXPECT_EQ(controller->session(id)->status(), core::SessionStatus::ended);
  EXPECT_EQ(controller->session(id)->revision(), 2);
  EXPECT_TRUE(controller->reviewView().canEdit);
  EXPECT_NE(controller->reviewView().status.find("revision 2"), std::string::npos);

  tap(intent::StartEdit{0});
  for (int i = 0; i < 3; ++i) tap(intent::AdjustEdit{intent::SegmentEnd::kEnd, std::chrono::minutes(-1)});
  tap(intent::EditReason{"Forgot to stop"});
  tap(intent::SaveEdit{});
  tap(intent::Sign{});
  tap(intent::KeyText{"1111"});
  tap(intent::PinSubmit{});
  EXPECT_EQ(controller->screen(), Screen::kHome);
  EXPECT_EQ(controller->session(id)->status(), core::SessionStatus::signed_);
  EXPECT_NE(controller->homeView().message.find("Signed RM (revision 2)"), std::string::npos)
      << controller->homeView().message;

  const auto outbox = store->outbox(id);
  ASSERT_TRUE(outbox);
  ASSERT_EQ(outbox.value().size(), 2u) << "both signed revisions go to the billing office";
  EXPECT_EQ(outbox.value()[1].revision, 2);
  EXPECT_EQ(outbox.value()[1].state, platform::OutboxState::pending);
  const auto stored = store->loadSession(id);
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored.value().row.revision, 2);
  const auto reopened =
      std::find_if(stored.value().events.begin(), stored.value().events.end(),
                   [](const auto& e) { return e.type == core::EventType::session_reopened; });
  ASSERT_NE(reopened, stored.value().events.end());
  EXPECT_EQ(reopened->reason, "Times were wrong");
  EXPECT_EQ(reopened->clinicianId, "c-dana");
}

TEST_F(Fixture, VoidingNeedsAReasonAndThePinAndIsNeverDeleted) {
  const std::string id = signTenMinutes(*this);
  tap(intent::OpenSession{id});
  tap(intent::TogglePanel{ReviewView::Panel::kVoid});
  tap(intent::Void{});
  EXPECT_EQ(controller->screen(), Screen::kReview) << "no reason: no PIN pad";
  tap(intent::CorrectionReason{"Wrong patient"});
  tap(intent::Void{});
  ASSERT_EQ(controller->screen(), Screen::kPin);
  EXPECT_EQ(controller->pinView().title, "Void with your PIN");
  tap(intent::KeyText{"2222"});
  tap(intent::PinSubmit{});
  EXPECT_EQ(controller->session(id)->status(), core::SessionStatus::signed_) << "a wrong PIN voids nothing";
  tap(intent::Back{});
  ASSERT_EQ(controller->screen(), Screen::kReview);
  EXPECT_EQ(controller->reviewView().panel, ReviewView::Panel::kVoid) << "Back keeps the reason";
  tap(intent::Void{});
  tap(intent::KeyText{"1111"});
  tap(intent::PinSubmit{});
  EXPECT_EQ(controller->screen(), Screen::kHome);
  EXPECT_EQ(controller->session(id)->status(), core::SessionStatus::voided);
  EXPECT_EQ(controller->homeView().message, "Voided RM. It will not be billed.");
  const auto stored = store->loadSession(id);
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored.value().row.status, core::SessionStatus::voided);
  EXPECT_EQ(stored.value().events.back().reason, "Wrong patient");
  // The signed revision had been handed to sync, so the void goes too.
  const auto outbox = store->outbox(id);
  ASSERT_TRUE(outbox);
  EXPECT_EQ(outbox.value().back().state, platform::OutboxState::pending);
}

TEST_F(Fixture, HomeSaysWhetherTheSignedSessionUploadedOrWasRejected) {
  const std::string id = signTenMinutes(*this);
  EXPECT_EQ(controller->homeView().message, "Signed RM. Kept on this device (no billing server is set up).");
  // The sync worker (its own connection in the app) reports the server's answer through the store.
  const auto upload = store->outbox(id).value().back();
  ASSERT_TRUE(store->markOutboxRejected(upload.id, "server 422: no diagnosis for 97110"));
  controller->storeChanged();  // as the sync worker's report makes the app do
  advance(1s);
  auto home = controller->homeView();
  ASSERT_EQ(home.sessions.size(), 1u);
  EXPECT_EQ(home.sessions[0].status, "Rejected by the server");
  EXPECT_NE(home.message.find("the server rejected it: server 422: no diagnosis for 97110"),
            std::string::npos)
      << home.message;
  ASSERT_EQ(home.notices.size(), 1u);
  tap(intent::OpenSession{id});
  const auto review = controller->reviewView();
  ASSERT_FALSE(review.warnings.empty());
  EXPECT_EQ(review.warnings.front(),
            "The billing server rejected revision 1: server 422: no diagnosis for 97110. Tap Correct, fix "
            "it, and sign "
            "again.");
  EXPECT_TRUE(review.canCorrect);
  tap(intent::Back{});

  // Accepted on a retry: the worker marks it sent and appends session_synced behind the controller's back.
  ASSERT_TRUE(store->markOutboxSent(upload.id, clock.wallNow()));
  const auto n = static_cast<std::int64_t>(store->loadSession(id).value().events.size()) + 1;
  ASSERT_TRUE(store->appendEvent(id, core::makeEvent(core::EventType::session_synced, n, clock.now(), "")));
  controller->storeChanged();
  advance(1s);
  home = controller->homeView();
  EXPECT_EQ(home.sessions[0].status, "Synced");
  EXPECT_EQ(home.message, "Signed RM and uploaded to the billing server.");
  EXPECT_TRUE(home.notices.empty());

  // A correction after that continues the store's sequence (no conflict with the worker's event).
  tap(intent::OpenSession{id});
  tap(intent::TogglePanel{ReviewView::Panel::kCorrect});
  tap(intent::CorrectionReason{"Late entry"});
  tap(intent::Reopen{});
  EXPECT_EQ(controller->reviewView().message.find("Could not"), std::string::npos)
      << controller->reviewView().message;
  EXPECT_EQ(controller->session(id)->revision(), 2);
}

TEST_F(Fixture, AnAdministratorRenamesTheClinicAndRoomATherapistCannot) {
  login("c-dana", "1111");
  tap(intent::GoSettings{});
  tap(intent::Focus{Field::kRoom});
  EXPECT_EQ(controller->settingsView().focus, Field::kNone) << "only administrators type here";
  tap(intent::SaveClinicRoom{});
  EXPECT_EQ(controller->settings().room, "Room 2 · Kiosk");
  tap(intent::Lock{});

  login("admin-1", "0000");
  tap(intent::GoSettings{});
  EXPECT_FALSE(controller->settingsView().canSaveClinicRoom) << "nothing changed yet";
  tap(intent::Focus{Field::kRoom});
  for (int i = 0; i < 14; ++i) tap(intent::KeyDelete{});
  EXPECT_EQ(controller->settingsView().roomEdit, "");
  EXPECT_FALSE(controller->settingsView().canSaveClinicRoom) << "a room needs a name";
  for (const char* k : {"G", "Y", "M", " ", "3"}) tap(intent::KeyText{k});
  EXPECT_EQ(controller->settingsView().roomEdit, "Gym 3") << "on-screen capitals continue in lower case";
  tap(intent::SaveClinicRoom{});
  EXPECT_EQ(controller->settings().room, "Gym 3");
  EXPECT_EQ(controller->lockView().room, "Gym 3");
  EXPECT_EQ(store->setting("room").value().value_or(""), "Gym 3");
}

TEST_F(Fixture, ASegmentEditNeedsAReasonAndIsKept) {
  login("c-dana", "1111");
  newSession("MRN9", "ts");
  const std::string id = controller->sessionView().sessionId;
  tap(intent::StartActivity{"97110"});
  advance(1min);
  tap(intent::StartActivity{"97110"});
  advance(9min);
  tap(intent::EndSession{});
  tap(intent::ConfirmEndSession{});
  tap(intent::StartEdit{0});
  tap(intent::AdjustEdit{intent::SegmentEnd::kStart, std::chrono::minutes(-1)});
  EXPECT_FALSE(controller->reviewView().edit.canSave);
  tap(intent::EditReason{"Started late"});
  EXPECT_TRUE(controller->reviewView().edit.canSave);
  tap(intent::SaveEdit{});
  const auto review = controller->reviewView();
  EXPECT_EQ(review.edit.index, -1);
  ASSERT_FALSE(review.segments.empty());
  EXPECT_TRUE(review.segments[0].edited);
  EXPECT_EQ(review.segments[0].times, "14:59–15:10");
  const auto& last = controller->session(id)->events().back();
  EXPECT_EQ(last.type, core::EventType::segment_edited);
  EXPECT_EQ(last.reason, "Started late");
}

// 97110 15:00–15:10 and 97530 15:10–15:20, ended at 15:20: the Review screen.
std::string endedTwoSegments(Fixture& f) {
  f.login("c-dana", "1111");
  f.newSession("MRN12", "rk");
  const std::string id = f.controller->sessionView().sessionId;
  f.tap(intent::StartActivity{"97110"});
  f.advance(10min);
  f.tap(intent::StartActivity{"97530"});
  f.advance(10min);
  f.tap(intent::EndSession{});
  f.tap(intent::ConfirmEndSession{});
  EXPECT_EQ(f.controller->screen(), Screen::kReview);
  return id;
}

TEST_F(Fixture, TheReviewTimePickerMovesByFifteenAndSaysWhatIsWrongBeforeSave) {
  const std::string id = endedTwoSegments(*this);
  tap(intent::StartEdit{1});
  auto v = controller->reviewView();
  EXPECT_EQ(v.edit.title, "Edit 2 · 97530: 15:10–15:20");
  EXPECT_EQ(v.signBlocked, "Save or cancel the edit to sign.");
  EXPECT_FALSE(v.canSign);
  tap(intent::EditReason{"Forgot to stop"});
  EXPECT_TRUE(controller->reviewView().edit.canSave);
  // Later than now: refused before Save, in core's words, next to the picker.
  tap(intent::ChooseEditEnd{intent::SegmentEnd::kEnd});
  tap(intent::AdjustEdit{intent::SegmentEnd::kEnd, 15min});
  v = controller->reviewView();
  EXPECT_EQ(v.edit.end, "15:35");
  EXPECT_EQ(v.edit.times, "New times 15:10–15:35");
  EXPECT_EQ(v.edit.error, "A segment cannot end after the time of the edit.");
  EXPECT_FALSE(v.edit.canSave);
  // Before its start.
  tap(intent::AdjustEdit{intent::SegmentEnd::kEnd, -15min});
  tap(intent::AdjustEdit{intent::SegmentEnd::kEnd, -15min});
  v = controller->reviewView();
  EXPECT_EQ(v.edit.error, "A segment must end after it starts.");
  // Into the segment before: named as the list numbers it.
  tap(intent::AdjustEdit{intent::SegmentEnd::kEnd, 15min});
  tap(intent::AdjustEdit{intent::SegmentEnd::kStart, -5min});
  v = controller->reviewView();
  EXPECT_EQ(v.edit.error, "The new times overlap segment 1 (97110); one activity runs at a time.");
  EXPECT_EQ(v.segments[0].index + 1, 1);
  tap(intent::SaveEdit{});  // nothing is recorded while it is wrong
  EXPECT_EQ(controller->session(id)->events().back().type, core::EventType::session_ended);
  tap(intent::AdjustEdit{intent::SegmentEnd::kStart, 5min});
  tap(intent::AdjustEdit{intent::SegmentEnd::kEnd, -5min});
  v = controller->reviewView();
  EXPECT_TRUE(v.edit.error.empty()) << v.edit.error;
  ASSERT_TRUE(v.edit.canSave);
  tap(intent::SaveEdit{});
  v = controller->reviewView();
  EXPECT_EQ(v.segments[1].times, "15:10–15:15") << "forgot to stop by 5 min: two taps, not five";
  EXPECT_TRUE(v.canSign) << v.signBlocked;
}

TEST_F(Fixture, ReviewChangesAnActivityDeletesAddsAndSplitsSegmentsEachWithAReasonInTheAudit) {
  const std::string id = endedTwoSegments(*this);
  const auto last = [&] { return controller->session(id)->events().back(); };
  // The second segment was really the assistant's 97110.
  tap(intent::StartEdit{1});
  tap(intent::ChooseEditKind{intent::EditKind::kActivity});
  auto v = controller->reviewView();
  ASSERT_FALSE(v.edit.codes.empty());
  EXPECT_EQ(v.edit.codes[0].id, "97110") << "the session's own codes first";
  tap(intent::EditCode{"97110"});
  tap(intent::EditPerformer{core::Performer::assistant});
  EXPECT_FALSE(controller->reviewView().edit.canSave) << "a reason first";
  EXPECT_EQ(controller->reviewView().edit.saveHint, "Choose a reason to save.");
  tap(intent::EditReason{"Tapped wrong activity"});
  tap(intent::SaveEdit{});
  EXPECT_EQ(last().type, core::EventType::segment_recoded);
  v = controller->reviewView();
  EXPECT_EQ(v.segments[1].code, "97110");
  EXPECT_EQ(v.segments[1].performer, "assistant");
  // Split the first in two, then delete the second half.
  tap(intent::StartEdit{0});
  tap(intent::ChooseEditKind{intent::EditKind::kSplit});
  v = controller->reviewView();
  EXPECT_TRUE(v.edit.ends.empty());
  EXPECT_EQ(v.edit.times, "Split at 15:05");
  tap(intent::AdjustEdit{intent::SegmentEnd::kSplit, 1min});
  tap(intent::EditReason{"Switched without a tap"});
  tap(intent::SaveEdit{});
  EXPECT_EQ(last().type, core::EventType::segment_split);
  ASSERT_EQ(controller->reviewView().segments.size(), 3u);
  EXPECT_EQ(controller->reviewView().segments[1].times, "15:06–15:10");
  tap(intent::StartEdit{1});
  tap(intent::AdjustEdit{intent::SegmentEnd::kEnd, -1min});  // moved in Times, then Delete chosen
  tap(intent::ChooseEditKind{intent::EditKind::kDelete});
  EXPECT_EQ(controller->reviewView().edit.note,
            "Segment 2 (97110, 15:06–15:10) leaves the claim; the log keeps it with the reason.");
  tap(intent::EditReason{"Tapped by mistake"});
  tap(intent::SaveEdit{});
  EXPECT_EQ(last().type, core::EventType::segment_deleted);
  ASSERT_EQ(controller->reviewView().segments.size(), 2u);
  // A missed segment: offered in the first gap (15:06–15:10 now), with the session's first code.
  tap(intent::StartAddSegment{});
  v = controller->reviewView();
  EXPECT_TRUE(v.edit.adding);
  EXPECT_EQ(v.edit.start, "15:06");
  EXPECT_EQ(v.edit.end, "15:10");
  EXPECT_FALSE(v.canSign);
  tap(intent::EditCode{"97530"});
  tap(intent::EditReason{"Forgot to start"});
  tap(intent::SaveEdit{});
  EXPECT_EQ(last().type, core::EventType::segment_added);
  v = controller->reviewView();
  ASSERT_EQ(v.segments.size(), 3u);
  EXPECT_EQ(v.segments[1].code, "97530");
  EXPECT_EQ(v.segments[1].times, "15:06–15:10");
  EXPECT_TRUE(v.canSign) << v.signBlocked;

  auto audit = store->auditForSession(id);
  ASSERT_TRUE(audit.ok());
  std::vector<std::string> rows;
  for (const auto& a : *audit) rows.push_back(a.action + "|" + a.detail);
  EXPECT_EQ(rows, (std::vector<std::string>{
                      "segment_recoded|Tapped wrong activity", "segment_split|Switched without a tap",
                      "segment_deleted|Tapped by mistake", "segment_added|Forgot to start"}));
  // The Events list numbers segments as Review does (as the list stood at each correction).
  tap(intent::Lock{});
  login("c-jordan", "9999");
  tap(intent::GoSupervisor{});
  tap(intent::ShowEvents{id});
  std::string all;
  for (const auto& line : controller->eventsView().events) all += line + "\n";
  for (const char* line : {"Changed the activity of segment 2 to 97110 Therapeutic exercise (assistant) – "
                           "Tapped wrong activity – Dana Ortiz",
                           "Split segment 1 at 15:06 – Switched without a tap",
                           "Deleted segment 2 – Tapped by mistake", "Added a missed segment 97530"})
    EXPECT_NE(all.find(line), std::string::npos) << line << " in\n" << all;
}

TEST_F(Fixture, ReviewKeepsOneEditOpenAtATime) {
  login("c-dana", "1111");
  newSession("MRN13", "lm");
  tap(intent::StartActivity{"97110"});
  advance(10min);
  tap(intent::ToggleUntimed{});
  tap(intent::AdjustUntimedMinutes{15min});
  tap(intent::AddUntimed{"97165"});
  tap(intent::EndSession{});
  tap(intent::ConfirmEndSession{});
  ASSERT_EQ(controller->screen(), Screen::kReview);
  tap(intent::StartAddSegment{});
  EXPECT_TRUE(controller->reviewView().edit.adding);
  tap(intent::StartUntimedEdit{0});
  auto v = controller->reviewView();
  EXPECT_FALSE(v.edit.adding) << "the untimed change replaces the addition";
  EXPECT_EQ(v.untimedEdit.index, 0);
  tap(intent::StartEdit{0});
  v = controller->reviewView();
  EXPECT_EQ(v.untimedEdit.index, -1);
  EXPECT_EQ(v.edit.index, 0);
  // Another correction of the same segment starts with its own reasons.
  tap(intent::EditReason{"Started late"});
  tap(intent::ChooseEditKind{intent::EditKind::kDelete});
  EXPECT_FALSE(controller->reviewView().edit.canSave);
  tap(intent::CancelEdit{});
  EXPECT_TRUE(controller->reviewView().canSign);
}

TEST_F(Fixture, UnderAPerCodePayerTheHintCountsTheRunningCodesOwnMinutes) {
  login("c-dana", "1111");
  tap(intent::NewSession{});
  tap(intent::KeyText{"MRN13"});
  tap(intent::Focus{Field::kInitials});
  tap(intent::KeyText{"kw"});
  tap(intent::SelectPayer{"commercial"});
  tap(intent::StartSession{});
  tap(intent::StartActivity{"97110"});
  advance(5min);
  EXPECT_EQ(controller->sessionView().bar.nextUnit, "Next unit of 97110 in 3 min");
  advance(4min);
  EXPECT_EQ(controller->sessionView().bar.nextUnit, "Next unit of 97110 in 14 min");
  EXPECT_NE(controller->sessionView().bar.units.find("per code"), std::string::npos);
}

// The configuration a clinic's server sent (as the sync worker keeps it): its own Medicare without
// assistant modifiers, a plan of its own under the per-code rule, its favourites for OT and its own name
// for one code.
wire::DeviceConfig clinicConfig() {
  wire::DeviceConfig c;
  c.clinic = {"north", "North Clinic", "UTC"};
  c.roster.push_back({"c-dana", "Dana Ortiz", core::Role::ot, ""});
  c.payers = wire::parsePayersDocument(nlohmann::json::parse(R"json({"payers": [
    {"name": "medicare", "display_name": "Medicare Part B (our MAC)", "rule": "cms", "assistant_modifiers": false},
    {"name": "regional", "display_name": "Regional plan (HMO)", "rule": "ama", "assistant_modifiers": true,
     "assistant_de_minimis_percent": 0}]})json"))
                 .value();
  auto catalog = wire::catalogDocument(core::Catalog::builtin());
  for (auto& code : catalog["codes"])
    if (code["code"] == "97530") code["short_name"] = "Functional tasks";
  c.catalog = wire::parseCatalogDocument(catalog).value();
  c.favourites = {{core::Discipline::ot, {"97530", "97110"}}};
  return c;
}

TEST_F(Fixture, TheKioskOffersAndBillsTheClinicsOwnPayersCatalogAndFavourites) {
  const auto config = clinicConfig();
  ASSERT_TRUE(store->setSetting(platform::DeviceStoreOutbox::kConfigSetting, wire::toJson(config).dump(),
                                "sync", clock.wallNow()));
  ASSERT_TRUE(controller->load());
  login("c-dana", "1111");
  tap(intent::NewSession{});
  std::vector<std::pair<std::string, std::string>> payers;
  for (const auto& p : controller->newSessionView().payers) payers.emplace_back(p.id, p.label);
  EXPECT_EQ(payers, (std::vector<std::pair<std::string, std::string>>{{"medicare", "Medicare Part B"},
                                                                      {"commercial", "Commercial"},
                                                                      {"regional", "Regional plan"}}));
  tap(intent::KeyText{"MRN21"});
  tap(intent::Focus{Field::kInitials});
  tap(intent::KeyText{"kw"});
  tap(intent::SelectPayer{"regional"});
  tap(intent::ToggleDiagnosis{"M54.50"});
  tap(intent::StartSession{});
  const std::string id = controller->sessionView().sessionId;
  ASSERT_FALSE(id.empty());

  // The clinic's favourites replace the demo clinic's own, under the clinic's names.
  const auto tiles = controller->sessionView().tiles;
  ASSERT_EQ(tiles.size(), 2u);
  EXPECT_EQ(tiles[0].code, "97530");
  EXPECT_EQ(tiles[0].name, "Functional tasks");
  EXPECT_EQ(tiles[1].code, "97110");
  tap(intent::StartActivity{"97110"});
  advance(20min);
  tap(intent::SetPerformer{core::Performer::assistant});
  advance(10min);
  tap(intent::SetPerformer{core::Performer::therapist});
  tap(intent::StartActivity{"97530"});
  advance(15min);
  EXPECT_NE(controller->sessionView().bar.units.find("Regional plan, per code"), std::string::npos)
      << controller->sessionView().bar.units;
  tap(intent::EndSession{});
  tap(intent::ConfirmEndSession{});
  const auto review = controller->reviewView();
  EXPECT_EQ(review.context.rfind("Regional plan", 0), 0u) << review.context;
  ASSERT_EQ(review.lines.size(), 2u);
  EXPECT_EQ(review.lines[0].code, "97110");
  EXPECT_EQ(review.lines[0].modifiers, "GO CO");  // any assistant minute, under this plan
  tap(intent::Sign{});
  tap(intent::KeyText{"1111"});
  tap(intent::PinSubmit{});
  ASSERT_EQ(controller->session(id)->status(), core::SessionStatus::signed_);

  // What the therapist saw and signed is what the device uploads: the lines under the clinic's rules.
  const auto* session = controller->session(id);
  const auto shown = controller->unitsFor(*session);
  ASSERT_TRUE(shown) << shown.error();
  platform::DeviceStoreOutbox outbox(dir.file("device.db"), clock);
  std::string error;
  const auto uploads = outbox.nextUploads(10, error);
  ASSERT_EQ(uploads.size(), 1u) << error;
  const auto body = nlohmann::json::parse(uploads[0].body);
  std::vector<std::string> uploaded, signedLines;
  for (const auto& l : body["lines"])
    uploaded.push_back(l["code"].get<std::string>() + " x" + std::to_string(l["units"].get<int>()) + " " +
                       l["modifiers"].dump());
  for (const auto& l : shown->lines)
    if (l.units > 0)
      signedLines.push_back(l.code + " x" + std::to_string(l.units) + " " +
                            nlohmann::json(l.modifiers).dump());
  std::sort(uploaded.begin(), uploaded.end());
  std::sort(signedLines.begin(), signedLines.end());
  EXPECT_EQ(uploaded, signedLines);
  const auto expected =
      wire::describeSession(session->header(), session->events(), wire::utcDays(), wire::rulesOf(config));
  ASSERT_TRUE(expected) << expected.error();
  EXPECT_EQ(body["lines"], wire::toJson(*expected)["lines"]);
}

TEST_F(Fixture, WithoutAConfigurationTheKioskOffersTheBuiltInPayers) {
  login("c-dana", "1111");
  tap(intent::NewSession{});
  std::vector<std::string> payers;
  for (const auto& p : controller->newSessionView().payers) payers.push_back(p.id);
  EXPECT_EQ(payers, (std::vector<std::string>{"medicare", "commercial"}));
}

TEST_F(Fixture, ATiedUnitCanBeGivenToTheOtherCodeAtReview) {
  login("c-dana", "1111");
  newSession("MRN12", "ab");
  const std::string id = controller->sessionView().sessionId;
  tap(intent::StartActivity{"97530"});
  advance(7min);
  tap(intent::StartActivity{"97110"});
  advance(7min);
  tap(intent::EndSession{});
  tap(intent::ConfirmEndSession{});
  auto review = controller->reviewView();
  ASSERT_EQ(review.ties.size(), 1u) << "14 minutes: one unit, 7 and 7 minutes tie for it";
  ASSERT_EQ(review.ties[0].choices.size(), 1u);
  const std::string other = review.ties[0].choices[0].id;
  auto unitsOf = [&](const std::string& code) {
    for (const auto& l : controller->reviewView().lines)
      if (l.code == code) return l.units;
    return std::string("missing");
  };
  EXPECT_EQ(unitsOf(other), "0");
  tap(intent::PreferTie{other});
  EXPECT_EQ(unitsOf(other), "1") << "the clinician's choice is honoured";
  EXPECT_EQ(controller->session(id)->events().back().type, core::EventType::tie_preference_set);
}

TEST_F(Fixture, AWallClockJumpDuringASessionIsRecordedAndFlaggedNotCounted) {
  login("c-dana", "1111");
  newSession("MRN11", "jd");
  const std::string id = controller->sessionView().sessionId;
  tap(intent::StartActivity{"97110"});
  advance(5min);
  clock.jumpWall(std::chrono::hours(1));  // someone sets the device's clock an hour ahead
  controller->tick();
  const auto* s = controller->session(id);
  EXPECT_EQ(s->events().back().type, core::EventType::clock_jump);
  auto stored = store->loadSession(id);
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored.value().events.back().type, core::EventType::clock_jump) << "the jump is in the store too";
  const auto sum = s->derive(clock.now());
  ASSERT_TRUE(sum.running);
  EXPECT_EQ(std::chrono::duration_cast<std::chrono::minutes>(sum.running->elapsed).count(), 5)
      << "no hour added";
  EXPECT_TRUE(std::any_of(sum.flags.begin(), sum.flags.end(), [](auto& f) { return f.id == "clock-jump"; }));
}

TEST_F(Fixture, TheClockScreenWakesOncePerSecondAndAnIdleLockScreenOncePerMinute) {
  // Lock screen, nothing running: the next change is the next minute on the clock.
  clock.advance(20s);
  auto next = controller->nextChangeIn();
  ASSERT_TRUE(next);
  EXPECT_EQ(*next, 40s + 5ms);
  login("c-dana", "1111");
  newSession("MRN10", "jd");
  tap(intent::StartActivity{"97530"});
  clock.advance(1300ms);
  next = controller->nextChangeIn();
  ASSERT_TRUE(next);
  EXPECT_EQ(*next, 700ms + 5ms);
}

TEST(FirstStart, AnEmptyDeviceAsksForAnAdministratorWhosePinIsStoredHashed) {
  setenv("TZ", "UTC", 1);
  TempDir dir;
  auto s = platform::DeviceStore::open(dir.file("device.db"));
  ASSERT_TRUE(s);
  core::FakeClock clock{at(8, 0)};
  Controller c(s.value(), clock, cheap());
  ASSERT_TRUE(c.load());
  EXPECT_EQ(c.screen(), Screen::kSetup);
  c.apply(intent::KeyText{"Morgan"});
  c.apply(intent::Focus{Field::kPin});
  c.apply(intent::KeyText{"5678"});
  c.apply(intent::Focus{Field::kPinConfirm});
  c.apply(intent::KeyText{"5679"});
  c.apply(intent::SetupSubmit{});
  EXPECT_NE(c.setupView().error.find("differ"), std::string::npos);
  c.apply(intent::KeyText{"5678"});
  c.apply(intent::Focus{Field::kPinConfirm});
  c.apply(intent::KeyText{"5678"});
  c.apply(intent::SetupSubmit{});
  EXPECT_EQ(c.screen(), Screen::kSettings);
  const auto roster = s.value().roster();
  ASSERT_TRUE(roster);
  ASSERT_EQ(roster.value().size(), 1u);
  EXPECT_EQ(roster.value()[0].role, "admin");
  EXPECT_TRUE(platform::verifyPin("5678", roster.value()[0].pinHash));
  EXPECT_EQ(roster.value()[0].pinHash.find("5678"), std::string::npos);
}

}  // namespace
TEST_F(Fixture, ASupervisorReadsASessionsEventsInWords) {
  const std::string id = signTenMinutes(*this);
  tap(intent::Lock{});
  login("c-jordan", "9999");
  tap(intent::GoSupervisor{});
  tap(intent::ShowEvents{id});
  const auto v = controller->eventsView();
  ASSERT_FALSE(v.events.empty());
  std::string all;
  for (const auto& line : v.events) all += line + "\n";
  EXPECT_NE(all.find("Started 97110 Therapeutic exercise (therapist) – Dana Ortiz"), std::string::npos)
      << all;
  EXPECT_NE(all.find("Ended the session"), std::string::npos) << all;
  EXPECT_NE(all.find("Signed – Dana Ortiz"), std::string::npos) << all;
  // Found in use: raw names such as performer_switched on the supervisor's screen.
  for (const char* raw : {"activity_started", "session_ended", "session_signed", "session_opened", "_"})
    EXPECT_EQ(all.find(raw), std::string::npos) << raw << " in\n" << all;
}

TEST_F(Fixture, TheDiagnosisFavouritesAreAJsonListReadOnceAndAFaultyOneFallsBackToTheBuiltInList) {
  ASSERT_TRUE(store->setSetting(
      "diagnosis_favourites",
      R"([{"code": "R13.12", "label": "Dysphagia"}, {"code": "M62.81", "label": "Weakness"}])", "admin-1",
      clock.wallNow()));
  ASSERT_TRUE(controller->load());
  login("c-dana", "1111");
  tap(intent::NewSession{});
  auto v = controller->newSessionView();
  ASSERT_EQ(v.diagnoses.size(), 2u);
  EXPECT_EQ(v.diagnoses[0].id, "R13.12");
  EXPECT_NE(v.diagnoses[0].label.find("Dysphagia"), std::string::npos) << v.diagnoses[0].label;
  // The earlier "CODE=Label;…" form, or anything else that is not the list: the built-in favourites.
  ASSERT_TRUE(store->setSetting("diagnosis_favourites", "R13.12=Dysphagia", "admin-1", clock.wallNow()));
  ASSERT_TRUE(controller->load());
  login("c-dana", "1111");
  tap(intent::NewSession{});
  v = controller->newSessionView();
  ASSERT_FALSE(v.diagnoses.empty());
  EXPECT_EQ(v.diagnoses[0].id, "M54.50");
}

namespace {

// The OT tiles a new session of Dana's shows after the device's setting favourites.ot is set to `value`
// (a restart reads it), in order.
std::vector<std::string> otTilesWith(Fixture& f, const std::string& value, const std::string& mrn) {
  EXPECT_TRUE(f.store->setSetting("favourites.ot", value, "admin-1", f.clock.wallNow()));
  f.controller = std::make_unique<Controller>(*f.store, f.clock, cheap());
  EXPECT_TRUE(f.controller->load());
  f.login("c-dana", "1111");
  f.newSession(mrn, "ab");
  std::vector<std::string> codes;
  for (const auto& t : f.controller->sessionView().tiles) codes.push_back(t.code);
  return codes;
}

using Codes = std::vector<std::string>;

}  // namespace

TEST_F(Fixture, TheDevicesFavouriteActivitiesAreAJsonListReadOnceInTheirOrder) {
  EXPECT_EQ(otTilesWith(*this, R"(["97112", "97530"])", "MRN31"), (Codes{"97112", "97530"}));
  // A code the catalog does not know gets no tile.
  EXPECT_EQ(otTilesWith(*this, R"(["97535", "99999", "97110"])", "MRN32"), (Codes{"97535", "97110"}));
}

TEST_F(Fixture, AFaultyFavouritesSettingShowsTheBuiltInTiles) {
  const Codes builtIn{"97110", "97112", "97140", "97530", "97535", "97129"};
  EXPECT_EQ(otTilesWith(*this, R"(["97112", 97530])", "MRN33"), builtIn);  // a number in the list
  EXPECT_EQ(otTilesWith(*this, R"({"ot": ["97112"]})", "MRN34"), builtIn);
  EXPECT_EQ(otTilesWith(*this, R"(["97112")", "MRN35"), builtIn);  // cut short
  EXPECT_EQ(otTilesWith(*this, "[]", "MRN36"), builtIn);
}

TEST_F(Fixture, FavouritesStoredByAnEarlierVersionAsACommaListStillRead) {
  EXPECT_EQ(otTilesWith(*this, "97535,97112", "MRN37"), (Codes{"97535", "97112"}));
  EXPECT_EQ(otTilesWith(*this, "97140", "MRN38"), (Codes{"97140"}));  // one code, which is also a JSON number
  EXPECT_EQ(otTilesWith(*this, "97530, 97110,", "MRN39"), (Codes{"97530", "97110"}));
}

}  // namespace unitclock::app
