// The JSON catalog a clinic ships (assets/catalog) as platform/data reads it: it agrees with the
// compiled-in default, round-trips, and a bad file is refused with an error that names the problem.
#include <gtest/gtest.h>

#include <unitclock/platform/catalog_json.h>

#include "cli_run.h"

namespace unitclock::testing {
namespace {

using platform::DataError;

const std::filesystem::path kAssets{UNITCLOCK_SOURCE_CATALOG_DIR};

TEST(CatalogJson, ShippedCodesAgreeWithTheCompiledInCatalog) {
  auto loaded = platform::loadCatalogFile(kAssets / "codes.json");
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  const core::Catalog& builtin = core::Catalog::builtin();
  EXPECT_EQ(loaded.value().version(), builtin.version());
  ASSERT_EQ(loaded.value().codes().size(), builtin.codes().size());
  for (std::size_t i = 0; i < builtin.codes().size(); ++i) {
    EXPECT_EQ(loaded.value().codes()[i], builtin.codes()[i]) << builtin.codes()[i].code;
  }
  EXPECT_EQ(loaded.value().ncciPairs(), builtin.ncciPairs());
}

TEST(CatalogJson, ShippedPayersIncludeTheBuiltInProfilesUnchanged) {
  auto loaded = platform::loadPayersFile(kAssets / "payers.json");
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  for (const auto& builtin : core::builtinPayers()) {
    const core::PayerProfile* p = platform::findPayer(loaded.value(), builtin.name);
    ASSERT_NE(p, nullptr) << builtin.name;
    EXPECT_EQ(*p, builtin) << builtin.name;
  }
  EXPECT_NE(platform::findPayer(loaded.value(), "commercial-cap4"), nullptr);
}

TEST(CatalogJson, WritingAndReadingGivesTheSameCatalogAndPayers) {
  auto catalog = platform::parseCatalogJson(platform::catalogToJson(core::Catalog::builtin()));
  ASSERT_TRUE(catalog.ok()) << catalog.error().message;
  EXPECT_EQ(catalog.value().codes(), core::Catalog::builtin().codes());
  auto payers = platform::parsePayersJson(platform::payersToJson(core::builtinPayers()));
  ASSERT_TRUE(payers.ok()) << payers.error().message;
  EXPECT_EQ(payers.value(), core::builtinPayers());
}

TEST(CatalogJson, TheShippedFilesAreExactlyWhatTheWriterProduces) {
  // Keeps the asset file and the compiled-in data from drifting apart in formatting or content.
  EXPECT_EQ(readText(kAssets / "codes.json"), platform::catalogToJson(core::Catalog::builtin()));
}

TEST(CatalogJson, ADirectoryLoadsBothFiles) {
  auto data = platform::loadCatalogDirectory(kAssets);
  ASSERT_TRUE(data.ok()) << data.error().message;
  EXPECT_EQ(data.value().directory, kAssets);
  EXPECT_NE(data.value().catalog.find("97110"), nullptr);
}

DataError catalogError(const std::string& text) {
  auto r = platform::parseCatalogJson(text, "codes.json");
  EXPECT_FALSE(r.ok());
  return r.ok() ? DataError{} : r.error();
}

DataError payersError(const std::string& text) {
  auto r = platform::parsePayersJson(text, "payers.json");
  EXPECT_FALSE(r.ok());
  return r.ok() ? DataError{} : r.error();
}

TEST(CatalogJsonErrors, MissingFileAndMissingDirectory) {
  EXPECT_EQ(platform::loadCatalogFile("/nonexistent/codes.json").error().kind, DataError::Kind::kNotFound);
  EXPECT_EQ(platform::loadCatalogDirectory("/nonexistent").error().kind, DataError::Kind::kNotFound);
}

TEST(CatalogJsonErrors, NotJson) {
  EXPECT_EQ(catalogError("{ \"version\": ").kind, DataError::Kind::kBadJson);
  EXPECT_EQ(catalogError("[1, 2]").kind, DataError::Kind::kBadJson);
  EXPECT_EQ(payersError("").kind, DataError::Kind::kBadJson);
}

TEST(CatalogJsonErrors, MissingOrMistypedFieldsNameTheCode) {
  auto e = catalogError(R"({"version":"1","codes":[{"code":"97110","short_name":"x"}]})");
  EXPECT_EQ(e.kind, DataError::Kind::kBadField);
  EXPECT_NE(e.message.find("97110"), std::string::npos) << e.message;
  EXPECT_NE(e.message.find("timed"), std::string::npos) << e.message;
  e = catalogError(R"({"version":"1","codes":[{"code":"97110","short_name":"x","timed":"yes"}]})");
  EXPECT_EQ(e.kind, DataError::Kind::kBadField);
  e = catalogError(
      R"({"version":"1","codes":[{"code":"97110","short_name":"x","timed":true,"unit_minutes":-15}]})");
  EXPECT_EQ(e.kind, DataError::Kind::kBadField);
  e = catalogError(
      R"({"version":"1","codes":[{"code":"97110","short_name":"x","timed":true,"disciplines":["ota"]}]})");
  EXPECT_EQ(e.kind, DataError::Kind::kBadField);
  e = catalogError(R"({"version":"1","codes":{}})");
  EXPECT_EQ(e.kind, DataError::Kind::kBadField);
  e = catalogError(R"({"codes":[]})");
  EXPECT_NE(e.message.find("version"), std::string::npos);
}

TEST(CatalogJsonErrors, UnknownFieldsAreRefusedSoTyposAreCaught) {
  auto e = catalogError(R"({"version":"1","codes":[{"code":"97110","short_name":"x","timd":true}]})");
  EXPECT_EQ(e.kind, DataError::Kind::kBadField);
  EXPECT_NE(e.message.find("timd"), std::string::npos);
  EXPECT_EQ(payersError(R"({"payers":[{"name":"a","rule":"cms","cap":4}]})").kind,
            DataError::Kind::kBadField);
}

TEST(CatalogJsonErrors, InconsistentCatalogs) {
  auto e = catalogError(
      R"({"version":"1","codes":[{"code":"97110","short_name":"x","timed":true},{"code":"97110","short_name":"y","timed":true}]})");
  EXPECT_EQ(e.kind, DataError::Kind::kInvalid);
  EXPECT_NE(e.message.find("97110"), std::string::npos);
  e = catalogError(
      R"({"version":"1","codes":[{"code":"97110","short_name":"x","timed":true}],"ncci_pairs":[{"column1":"97110","column2":"97530","modifier_indicator":1}]})");
  EXPECT_EQ(e.kind, DataError::Kind::kInvalid);
}

TEST(CatalogJsonErrors, BadPayers) {
  EXPECT_EQ(payersError(R"({"payers":[{"name":"a","rule":"midpoint"}]})").kind, DataError::Kind::kBadField);
  EXPECT_EQ(payersError(R"({"payers":[{"name":"A B","rule":"cms"}]})").kind, DataError::Kind::kInvalid);
  EXPECT_EQ(payersError(R"({"payers":[{"name":"a","rule":"cms"},{"name":"a","rule":"ama"}]})").kind,
            DataError::Kind::kInvalid);
  EXPECT_EQ(payersError(R"({"payers":[{"name":"a","rule":"cms","substitutions":{"97014":5}}]})").kind,
            DataError::Kind::kBadField);
  EXPECT_EQ(payersError(R"({"payers":{}})").kind, DataError::Kind::kBadField);
}

TEST(CatalogJsonErrors, APayerSubstitutingAnUnknownCodeIsRefusedWithTheDirectory) {
  TempDir dir;
  dir.write("codes.json", readText(kAssets / "codes.json"));
  dir.write("payers.json", R"({"payers":[{"name":"a","rule":"cms","substitutions":{"97014":"G9999"}}]})");
  auto r = platform::loadCatalogDirectory(dir.path());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, DataError::Kind::kInvalid);
  EXPECT_NE(r.error().message.find("G9999"), std::string::npos);
}

TEST(CatalogJson, CustomPayerDefaultsAreThoseOfAPlainProfile) {
  auto r = platform::parsePayersJson(R"({"payers":[{"name":"plain","rule":"ama"}]})");
  ASSERT_TRUE(r.ok());
  const auto& p = r.value().front();
  EXPECT_EQ(p.rule, core::UnitRule::ama);
  EXPECT_TRUE(p.disciplineModifiers);
  EXPECT_FALSE(p.assistantModifiers);
  EXPECT_EQ(p.maxTimedUnitsPerVisit, 0);
}

}  // namespace
}  // namespace unitclock::testing
