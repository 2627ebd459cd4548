// Role names from the device roster ("OT") and from the server ("ot") mean the same role.
#include <gtest/gtest.h>

#include <unitclock/core/role.h>

namespace unitclock::core {
namespace {

TEST(Role, ParsesNamesInAnyCase) {
  EXPECT_EQ(parseRole("OT"), Role::ot);
  EXPECT_EQ(parseRole("ot"), Role::ot);
  EXPECT_EQ(parseRole("PTA"), Role::pta);
  EXPECT_EQ(parseRole("Supervisor"), Role::supervisor);
  EXPECT_EQ(parseRole("admin"), Role::admin);
  EXPECT_EQ(parseRole("nurse"), std::nullopt);
  EXPECT_EQ(parseRole(""), std::nullopt);
}

TEST(Role, RoundTripsThroughItsName) {
  for (auto r : {Role::ot, Role::ota, Role::pt, Role::pta, Role::slp, Role::supervisor, Role::admin})
    EXPECT_EQ(parseRole(toString(r)), r);
}

TEST(Role, OnlyAdministratorsAdministerAndBothTheyAndSupervisorsSupervise) {
  EXPECT_TRUE(canAdminister(Role::admin));
  EXPECT_FALSE(canAdminister(Role::supervisor));
  EXPECT_TRUE(canSupervise(Role::supervisor));
  EXPECT_TRUE(canSupervise(Role::admin));
  EXPECT_FALSE(canSupervise(Role::ot));
}

TEST(Role, AssistantsTreatUnderTheirTherapistsDiscipline) {
  EXPECT_EQ(usualDiscipline(Role::pta), Discipline::pt);
  EXPECT_EQ(usualDiscipline(Role::ota), Discipline::ot);
  EXPECT_EQ(usualDiscipline(Role::slp), Discipline::slp);
  EXPECT_EQ(usualDiscipline(Role::supervisor), Discipline::ot);
}

TEST(Role, TherapistsAndAssistantsStartOnlyTheirOwnDisciplineAndSupervisorsAny) {
  EXPECT_TRUE(mayStartDiscipline(Role::ot, Discipline::ot));
  EXPECT_FALSE(mayStartDiscipline(Role::ot, Discipline::pt));
  EXPECT_FALSE(mayStartDiscipline(Role::ota, Discipline::slp));
  EXPECT_TRUE(mayStartDiscipline(Role::pta, Discipline::pt));
  EXPECT_FALSE(mayStartDiscipline(Role::slp, Discipline::ot));
  for (auto d : {Discipline::ot, Discipline::pt, Discipline::slp}) {
    EXPECT_TRUE(mayStartDiscipline(Role::supervisor, d));
    EXPECT_TRUE(mayStartDiscipline(Role::admin, d));
  }
}

}  // namespace
}  // namespace unitclock::core
