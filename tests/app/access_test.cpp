// Who may do what on the kiosk: the permission table, independent of the order of the intents.
#include <gtest/gtest.h>

#include "access.h"

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

TEST(Access, AnyoneLoggedInAdjustsTheDisplay) {
  for (const Intent& i :
       std::initializer_list<Intent>{intent::ToggleSeconds{}, intent::ToggleNextUnit{},
                                     intent::SetTextSize{"large"}, intent::AdjustAutoLock{}})
    EXPECT_TRUE(may(kTherapist, i)) << "intent #" << i.index();
}

}  // namespace
}  // namespace unitclock::app
