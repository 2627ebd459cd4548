// Who may do what on the kiosk: the permission table, independent of the order of the intents.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

#include <unitclock/platform/pin_hash.h>

#include "access.h"
#include "support/temp_dir.h"

namespace unitclock::app {
namespace {

const Caller kNobody{};
const Caller kTherapist{true, core::Role::ot};
const Caller kAssistant{true, core::Role::pta};
const Caller kSupervisor{true, core::Role::supervisor};
const Caller kAdministrator{true, core::Role::admin};
const Caller kUnknownRole{true, std::nullopt};

bool may(const Caller& who, const Intent& what) {
  return permits(accessFor(what), who);
}

TEST(Access, NothingChangesASessionWithoutALoggedInClinician) {
  const Intent sessionChanges[] = {
      intent::StartSession{},
      intent::StartActivity{"97110"},
      intent::StopActivity{},
      intent::Pause{"rest"},
      intent::Resume{},
      intent::SetPerformer{core::Performer::assistant},
      intent::AddUntimed{"97750"},
      intent::EndSession{},
      intent::SaveEdit{},
      intent::PreferTie{"97530"},
      intent::Reopen{},
      intent::Void{},
      intent::Sign{},
  };
  for (const auto& i : sessionChanges) {
    EXPECT_FALSE(may(kNobody, i)) << "intent #" << i.index();
    EXPECT_TRUE(may(kTherapist, i)) << "intent #" << i.index();
    EXPECT_TRUE(may(kAssistant, i)) << "intent #" << i.index();
    EXPECT_TRUE(may(kUnknownRole, i)) << "a role the device does not know is still a clinician";
  }
}

TEST(Access, TypingThePinPadAndChoosingWhoLogsInNeedNobody) {
  for (const Intent& i : std::initializer_list<Intent>{
           intent::KeyText{"1"}, intent::KeyDelete{}, intent::PinDigit{"1"}, intent::PinSubmit{},
           intent::ChooseClinician{"c-dana"}, intent::OpenCard{"s-1"}, intent::SetupSubmit{}, intent::Back{},
           intent::Lock{}, intent::Focus{Field::kMrn}})
    EXPECT_TRUE(may(kNobody, i)) << "intent #" << i.index();
}

TEST(Access, SupervisorsAndAdministratorsSeeEveryClinicianOfTheDay) {
  for (const Intent& i : std::initializer_list<Intent>{intent::GoSupervisor{}, intent::ShowEvents{"s-1"}}) {
    EXPECT_FALSE(may(kTherapist, i));
    EXPECT_FALSE(may(kNobody, i));
    EXPECT_TRUE(may(kSupervisor, i));
    EXPECT_TRUE(may(kAdministrator, i));
  }
}

TEST(Access, OnlyAnAdministratorChangesTheRosterTheClinicAndRoomOrEnrollsTheDevice) {
  for (const Intent& i :
       std::initializer_list<Intent>{intent::AddClinician{}, intent::SelectRole{"OT"},
                                     intent::SaveClinician{}, intent::SaveClinicRoom{}, intent::Enroll{},
                                     intent::Focus{Field::kClinic}, intent::Focus{Field::kRoom}}) {
    EXPECT_FALSE(may(kTherapist, i)) << "intent #" << i.index();
    EXPECT_FALSE(may(kSupervisor, i)) << "intent #" << i.index();
    EXPECT_FALSE(may(kUnknownRole, i)) << "intent #" << i.index();
    EXPECT_TRUE(may(kAdministrator, i)) << "intent #" << i.index();
  }
}

TEST(Access, OnlyAnAdministratorChangesWhatAppliesToEveryoneOnTheDevice) {
  // Found in use: a therapist turned off the seconds and shortened the auto-lock for every clinician.
  for (const Intent& i : std::initializer_list<Intent>{intent::ToggleSeconds{}, intent::ToggleNextUnit{},
                                                       intent::SetTextSize{"large"}, intent::AdjustAutoLock{},
                                                       intent::ToggleKiosk{}}) {
    EXPECT_FALSE(may(kTherapist, i)) << "intent #" << i.index();
    EXPECT_FALSE(may(kSupervisor, i)) << "intent #" << i.index();
    EXPECT_TRUE(may(kAdministrator, i)) << "intent #" << i.index();
  }
}

// [SECTION] PINs and lock-outs, against a real device store

class PinGateTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = platform::DeviceStore::open(m_path);
    ASSERT_TRUE(s) << s.error().message;
    store.emplace(std::move(s).value());
    dana.pinHash = *platform::hashPin("1357", platform::PinHashLimits{1, 8192});
  }
  core::WallTime at(int minute) const { return core::WallTime{std::chrono::minutes{29'000'000 + minute}}; }

  test::TempDir m_dir;
  std::string m_path = m_dir.file("device.db");
  std::optional<platform::DeviceStore> store;
  platform::Clinician dana{"c-dana", "Dana Ortiz", "OT", "", true};
};

TEST_F(PinGateTest, WrongPinsAreCountedAuditedAndLockOutWithADoublingDelay) {
  PinGate gate(*store, LockoutPolicy{3, std::chrono::minutes{1}, std::chrono::minutes{3}});
  ASSERT_TRUE(gate.load());
  EXPECT_TRUE(gate.check(dana, "1357", at(0)).accepted);
  EXPECT_EQ(gate.check(dana, "0000", at(0)).message, "Wrong PIN. 2 tries left before a lock-out.");
  EXPECT_FALSE(gate.check(dana, "0000", at(0)).accepted);
  EXPECT_EQ(gate.check(dana, "0000", at(0)).message,
            "Too many wrong PINs. Dana Ortiz is locked out for 1 min.");
  EXPECT_EQ(gate.minutesLocked(dana.id, at(0)), 1);
  // Locked: even the right PIN is refused, and nothing more is counted.
  EXPECT_FALSE(gate.check(dana, "1357", at(0)).accepted);
  EXPECT_EQ(store->pinLockouts().value().at(dana.id).failures, 3);
  // A minute later: three more wrong ones lock out for 2 min, then 3 (the longest), never more.
  for (int i = 0; i < 3; ++i) (void)gate.check(dana, "0000", at(1));
  EXPECT_EQ(gate.minutesLocked(dana.id, at(1)), 2);
  for (int i = 0; i < 3; ++i) (void)gate.check(dana, "0000", at(3));
  EXPECT_EQ(gate.minutesLocked(dana.id, at(3)), 3);
  // Each wrong PIN has its audit row, written with the count.
  auto audit = store->unsyncedAudit();
  ASSERT_TRUE(audit);
  EXPECT_EQ(
      std::count_if(audit->begin(), audit->end(), [](const auto& a) { return a.action == "login_failed"; }),
      9);
  // The right PIN after the lock-out clears the count, in the store too.
  EXPECT_TRUE(gate.check(dana, "1357", at(6)).accepted);
  EXPECT_EQ(store->pinLockouts().value().at(dana.id), platform::PinLockout{});
}

TEST_F(PinGateTest, ALockOutSurvivesARestartOfTheApp) {
  {
    PinGate gate(*store, LockoutPolicy{2, std::chrono::minutes{5}, std::chrono::minutes{60}});
    (void)gate.check(dana, "0000", at(0));
    (void)gate.check(dana, "0000", at(0));
  }
  PinGate again(*store, LockoutPolicy{2, std::chrono::minutes{5}, std::chrono::minutes{60}});
  ASSERT_TRUE(again.load());
  EXPECT_EQ(again.minutesLocked(dana.id, at(1)), 4);
  EXPECT_NE(again.check(dana, "1357", at(1)).message.find("Try again in 4 min"), std::string::npos);
}

TEST_F(PinGateTest, ALockOutThatCannotBeSavedStillHoldsAndSaysSo) {
  store.reset();
  auto readOnly = platform::DeviceStore::open(m_path, {.mode = platform::StoreMode::kReadOnly});
  ASSERT_TRUE(readOnly) << readOnly.error().message;
  PinGate gate(readOnly.value(), LockoutPolicy{1, std::chrono::minutes{1}, std::chrono::minutes{1}});
  ASSERT_TRUE(gate.load());
  const auto outcome = gate.check(dana, "0000", at(0));
  EXPECT_FALSE(outcome.accepted);
  EXPECT_NE(outcome.message.find("locked out for 1 min"), std::string::npos) << outcome.message;
  EXPECT_NE(outcome.message.find("Could not save it"), std::string::npos) << outcome.message;
  EXPECT_EQ(gate.minutesLocked(dana.id, at(0)), 1) << "held in memory";
}

}  // namespace
}  // namespace unitclock::app
