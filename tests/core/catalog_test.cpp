// The compiled-in code catalog (billing-rules.md §6) and the checks that keep custom catalogs sound.
#include <gtest/gtest.h>

#include <unitclock/core/catalog.h>

namespace unitclock::core::testing {
namespace {

using std::chrono::minutes;

TEST(Catalog, BuiltinIsValidAndNotEmpty) {
  const Catalog& c = Catalog::builtin();
  EXPECT_GE(c.codes().size(), 40u);
  EXPECT_FALSE(c.version().empty());
  // Rebuilding it through the checks gives the same catalog.
  auto again = Catalog::make(c.version(), c.codes(), c.ncciPairs());
  ASSERT_TRUE(again.ok()) << again.error().message;
}

TEST(Catalog, TimedAndUntimedCodesAsPublished) {
  const Catalog& c = Catalog::builtin();
  for (const char* code :
       {"97110", "97112", "97116", "97140", "97530", "97535", "97035", "97032", "97129", "97130"}) {
    ASSERT_NE(c.find(code), nullptr) << code;
    EXPECT_TRUE(c.find(code)->timed) << code;
    EXPECT_EQ(c.find(code)->unitLength, minutes{15}) << code;
    EXPECT_EQ(c.find(code)->midpoint, minutes{8}) << code;
  }
  for (const char* code : {"97165", "97166", "97167", "97168", "97150", "97010", "97014", "G0283", "92526"}) {
    ASSERT_NE(c.find(code), nullptr) << code;
    EXPECT_FALSE(c.find(code)->timed) << code;
  }
}

TEST(Catalog, UnitLengthsOtherThanFifteen) {
  const Catalog& c = Catalog::builtin();
  EXPECT_EQ(c.find("97550")->unitLength, minutes{30});
  EXPECT_EQ(c.find("97550")->midpoint, minutes{16});
  EXPECT_EQ(c.find("96125")->unitLength, minutes{60});
  EXPECT_EQ(c.find("96125")->midpoint, minutes{31});
  EXPECT_EQ(c.find("97545")->unitLength, minutes{120});
  EXPECT_EQ(c.find("97546")->unitLength, minutes{60});
}

TEST(Catalog, FlagsAndAddOnPairs) {
  const Catalog& c = Catalog::builtin();
  EXPECT_TRUE(c.find("97165")->evaluation);
  EXPECT_TRUE(c.find("97168")->reEvaluation);
  EXPECT_TRUE(c.find("97150")->group);
  EXPECT_TRUE(c.find("97010")->medicareBundled);
  EXPECT_TRUE(c.find("97014")->supervisedModality);
  EXPECT_EQ(c.find("97129")->addOnCode, "97130");
  EXPECT_EQ(c.find("97130")->addOnOf, "97129");
  EXPECT_EQ(c.find("97129")->maxUnitsPerDay, 1);
  EXPECT_TRUE(c.find("97165")->allowsDiscipline(Discipline::ot));
  EXPECT_FALSE(c.find("97165")->allowsDiscipline(Discipline::pt));
  EXPECT_TRUE(c.find("97110")->allowsDiscipline(Discipline::slp));
  EXPECT_EQ(c.find("99999"), nullptr);
}

TEST(Catalog, NcciPairsAreFoundInEitherOrder) {
  const Catalog& c = Catalog::builtin();
  const NcciPair* p = c.findPair("97530", "97140");
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->column1, "97140");
  EXPECT_EQ(p->column2, "97530");
  EXPECT_EQ(p->modifierIndicator, 1);
  EXPECT_NE(c.findPair("97168", "97110"), nullptr);
  EXPECT_EQ(c.findPair("97110", "97112"), nullptr);
}

TEST(CatalogMake, RefusesADuplicateCode) {
  CodeInfo a;
  a.code = "97110";
  a.timed = true;
  auto r = Catalog::make("t", {a, a}, {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().item, "97110");
}

TEST(CatalogMake, RefusesAnEmptyCode) {
  EXPECT_FALSE(Catalog::make("t", {CodeInfo{}}, {}).ok());
}

TEST(CatalogMake, RefusesAMidpointOutsideTheUnit) {
  CodeInfo a;
  a.code = "97110";
  a.timed = true;
  a.midpoint = minutes{16};
  EXPECT_FALSE(Catalog::make("t", {a}, {}).ok());
  a.midpoint = minutes{0};
  EXPECT_FALSE(Catalog::make("t", {a}, {}).ok());
  a.midpoint = minutes{8};
  a.unitLength = minutes{0};
  EXPECT_FALSE(Catalog::make("t", {a}, {}).ok());
}

TEST(CatalogMake, RefusesAnAddOnThatDoesNotPointBack) {
  CodeInfo first;
  first.code = "97129";
  first.timed = true;
  first.addOnCode = "97130";
  CodeInfo addOn;
  addOn.code = "97130";
  addOn.timed = true;
  EXPECT_FALSE(Catalog::make("t", {first, addOn}, {}).ok());
  addOn.addOnOf = "97129";
  EXPECT_TRUE(Catalog::make("t", {first, addOn}, {}).ok());
  EXPECT_FALSE(Catalog::make("t", {first}, {}).ok());
}

TEST(CatalogMake, RefusesAnNcciPairNamingAnUnknownCodeOrABadIndicator) {
  CodeInfo a;
  a.code = "97110";
  a.timed = true;
  CodeInfo b;
  b.code = "97140";
  b.timed = true;
  EXPECT_FALSE(Catalog::make("t", {a, b}, {{"97110", "99999", 1, ""}}).ok());
  EXPECT_FALSE(Catalog::make("t", {a, b}, {{"97110", "97140", 2, ""}}).ok());
  EXPECT_FALSE(Catalog::make("t", {a, b}, {{"97110", "97110", 1, ""}}).ok());
  EXPECT_TRUE(Catalog::make("t", {a, b}, {{"97110", "97140", 0, ""}}).ok());
}

}  // namespace
}  // namespace unitclock::core::testing
