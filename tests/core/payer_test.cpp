// Built-in payer profiles and the checks on custom ones; string forms of the small types.
#include <gtest/gtest.h>

#include <unitclock/core/payer.h>
#include <unitclock/core/result.h>

namespace unitclock::core::testing {
namespace {

TEST(PayerProfiles, MedicareFollowsCms) {
  auto p = PayerProfile::medicare();
  EXPECT_EQ(p.name, "medicare");
  EXPECT_EQ(p.rule, UnitRule::cms);
  EXPECT_TRUE(p.assistantModifiers);
  EXPECT_TRUE(p.disciplineModifiers);
  EXPECT_TRUE(p.dropBundledCodes);
  EXPECT_TRUE(p.telehealthModifier);
  ASSERT_EQ(p.substitutions.size(), 1u);
  EXPECT_EQ(p.substitutions[0].from, "97014");
  EXPECT_EQ(p.substitutions[0].to, "G0283");
  EXPECT_TRUE(p.validate().ok());
}

TEST(PayerProfiles, CommercialFollowsAma) {
  auto p = PayerProfile::commercial();
  EXPECT_EQ(p.rule, UnitRule::ama);
  EXPECT_FALSE(p.assistantModifiers);
  EXPECT_TRUE(p.disciplineModifiers);
  EXPECT_TRUE(p.substitutions.empty());
  EXPECT_TRUE(p.validate().ok());
}

TEST(PayerProfiles, LookupByName) {
  EXPECT_EQ(builtinPayer("medicare")->name, "medicare");
  EXPECT_EQ(builtinPayer("commercial")->name, "commercial");
  EXPECT_FALSE(builtinPayer("Medicare").has_value());
  EXPECT_FALSE(builtinPayer("").has_value());
  ASSERT_EQ(builtinPayers().size(), 2u);
  EXPECT_EQ(builtinPayers()[0], PayerProfile::medicare());
}

TEST(PayerProfiles, CustomProfileChecks) {
  auto p = PayerProfile::commercial();
  p.name = "bcbs-nd";
  EXPECT_TRUE(p.validate().ok());
  p.name = "BCBS ND";
  EXPECT_FALSE(p.validate().ok());
  p.name = "";
  EXPECT_FALSE(p.validate().ok());
  p = PayerProfile::commercial();
  p.assistantDeMinimisPercent = 101;
  EXPECT_FALSE(p.validate().ok());
  p = PayerProfile::commercial();
  p.maxTimedUnitsPerVisit = -1;
  EXPECT_FALSE(p.validate().ok());
  p = PayerProfile::commercial();
  p.distinctServiceModifier = "60";
  EXPECT_FALSE(p.validate().ok());
  p.distinctServiceModifier = "XU";
  EXPECT_TRUE(p.validate().ok());
  p.substitutions = {{"97014", "97014"}};
  auto bad = p.validate();
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().find("substitution"), std::string::npos);
}

TEST(Types, NamesRoundTrip) {
  for (auto d : {Discipline::ot, Discipline::pt, Discipline::slp}) EXPECT_EQ(parseDiscipline(toString(d)), d);
  for (auto p : {Performer::therapist, Performer::assistant}) EXPECT_EQ(parsePerformer(toString(p)), p);
  for (auto r : {UnitRule::cms, UnitRule::ama}) EXPECT_EQ(parseUnitRule(toString(r)), r);
  EXPECT_FALSE(parseDiscipline("OT").has_value());
  EXPECT_FALSE(parsePerformer("ota").has_value());
  EXPECT_FALSE(parseUnitRule("").has_value());
}

TEST(Types, Modifiers) {
  EXPECT_EQ(disciplineModifier(Discipline::ot), "GO");
  EXPECT_EQ(disciplineModifier(Discipline::pt), "GP");
  EXPECT_EQ(disciplineModifier(Discipline::slp), "GN");
  EXPECT_EQ(assistantModifier(Discipline::ot), "CO");
  EXPECT_EQ(assistantModifier(Discipline::pt), "CQ");
  EXPECT_FALSE(assistantModifier(Discipline::slp).has_value());
}

Result<int, std::string> half(int n) {
  if (n % 2 != 0) return fail(std::to_string(n) + " is odd");
  return n / 2;
}

Result<void, std::string> even(int n) {
  if (n % 2 != 0) return fail(std::string{"odd"});
  return {};
}

TEST(ResultType, CarriesAValueOrAnError) {
  auto ok = half(8);
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok.value(), 4);
  EXPECT_EQ(*ok, 4);
  auto bad = half(3);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error(), "3 is odd");
  EXPECT_EQ(bad.valueOr(-1), -1);
  EXPECT_TRUE(even(2).ok());
  EXPECT_EQ(even(3).error(), "odd");
  // Value and error of the same type stay distinct.
  Result<std::string, std::string> same = fail(std::string{"error"});
  EXPECT_FALSE(same.ok());
  Result<std::string, std::string> value = std::string{"value"};
  EXPECT_TRUE(value.ok());
}

}  // namespace
}  // namespace unitclock::core::testing
