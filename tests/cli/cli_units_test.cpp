// `unitclock-cli units` as a biller or a script uses it: the real binary, its output and its exit status.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "cli_run.h"

namespace unitclock::testing {
namespace {

using nlohmann::json;

json unitsJson(std::vector<std::string> args) {
  args.insert(args.begin(), {"units", "--json"});
  auto run = runCli(args);
  EXPECT_EQ(run.status, 0) << run.err;
  EXPECT_TRUE(run.err.empty()) << run.err;
  return json::parse(run.out, nullptr, false);
}

std::string linesOf(const json& doc) {
  std::string out;
  for (const auto& line : doc["lines"]) {
    if (!out.empty()) out += ", ";
    out += line["code"].get<std::string>() + "x" + std::to_string(line["units"].get<int>());
    for (const auto& m : line["modifiers"]) out += " " + m.get<std::string>();
  }
  return out;
}

bool hasWarning(const json& doc, const std::string& id) {
  for (const auto& w : doc["warnings"]) {
    if (w["id"] == id) return true;
  }
  return false;
}

// [SECTION] Results

TEST(CliUnits, ThirtyThreeAndSevenGiveTwoAndOneUnitWithGO) {
  auto run = runCli({"units", "--json", "97110=33", "97140=7"});
  ASSERT_EQ(run.status, 0) << run.err;
  EXPECT_EQ(run.err, "");
  EXPECT_EQ(
      run.out,
      "{\"payer\":\"medicare\",\"rule\":\"cms\",\"total_timed_minutes\":40,\"total_treatment_minutes\":40,"
      "\"total_units\":3,\"lines\":[{\"code\":\"97110\",\"units\":2,\"modifiers\":[\"GO\"]},{\"code\":"
      "\"97140\","
      "\"units\":1,\"modifiers\":[\"GO\"]}],\"zero_unit_codes\":[],\"ties\":[],\"warnings\":[]}\n");
}

TEST(CliUnits, ReadableTableByDefault) {
  auto run = runCli({"units", "97110=33", "97140=7"});
  ASSERT_EQ(run.status, 0) << run.err;
  EXPECT_NE(run.out.find("Payer medicare"), std::string::npos);
  EXPECT_NE(run.out.find("97110     2 units  GO"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("97140     1 unit   GO"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("Total units:             3"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("Total timed minutes:     40"), std::string::npos) << run.out;
}

TEST(CliUnits, CommercialPayerUsesTheAmaRule) {
  auto doc = unitsJson({"--payer", "commercial", "97110=33", "97140=7"});
  EXPECT_EQ(doc["payer"], "commercial");
  EXPECT_EQ(doc["rule"], "ama");
  EXPECT_EQ(linesOf(doc), "97110x2 GO");
  EXPECT_EQ(doc["zero_unit_codes"], json::array({"97140"}));
}

TEST(CliUnits, DisciplineAndTelehealthChangeTheModifiers) {
  EXPECT_EQ(linesOf(unitsJson({"--discipline", "pt", "--telehealth", "97110=33"})), "97110x2 GP 95");
  EXPECT_EQ(linesOf(unitsJson({"--discipline=slp", "92507"})), "92507x1 GN");
}

TEST(CliUnits, AssistantMinutesSplitTheLines) {
  auto doc = unitsJson({"97530=14+14"});
  EXPECT_EQ(linesOf(doc), "97530x1 GO, 97530x1 GO CO");
  EXPECT_EQ(doc["total_timed_minutes"], 28);
}

TEST(CliUnits, UntimedCodesWithAndWithoutMinutes) {
  auto doc = unitsJson({"97165", "97110=23", "97150=30"});
  EXPECT_EQ(linesOf(doc), "97110x2 GO, 97165x1 GO, 97150x1 GO");
  EXPECT_EQ(doc["total_timed_minutes"], 23);
  EXPECT_EQ(doc["total_treatment_minutes"], 53);
}

TEST(CliUnits, TiesAreReportedWithTheirCandidates) {
  auto doc = unitsJson({"97112=20", "97110=20"});
  ASSERT_EQ(doc["ties"].size(), 1u);
  EXPECT_EQ(doc["ties"][0]["candidates"], json::array({"97112", "97110"}));
  EXPECT_EQ(doc["ties"][0]["awarded"], json::array({"97112"}));
  EXPECT_EQ(doc["ties"][0]["units"], 1);
  EXPECT_TRUE(hasWarning(doc, "tie"));
}

TEST(CliUnits, ZeroUnitCodesAndWarnings) {
  auto doc = unitsJson({"97110=18", "97140=13", "97116=10", "97035=8"});
  EXPECT_EQ(doc["total_units"], 3);
  EXPECT_EQ(doc["zero_unit_codes"], json::array({"97035"}));
  EXPECT_TRUE(hasWarning(doc, "zero-unit-timed"));
  for (const auto& w : doc["warnings"]) {
    EXPECT_TRUE(w.contains("id"));
    EXPECT_TRUE(w.contains("message"));
    EXPECT_EQ(w.size(), 2u);
  }
}

TEST(CliUnits, MedicareSubstitutesAndBundles) {
  auto doc = unitsJson({"97014=15", "97010=10"});
  EXPECT_EQ(linesOf(doc), "G0283x1 GO");
  EXPECT_EQ(doc["zero_unit_codes"], json::array({"97010"}));
}

TEST(CliUnits, CustomPayerFromTheCatalogJson) {
  auto doc = unitsJson({"--payer", "commercial-cap4", "97110=30", "97112=30", "97140=15"});
  EXPECT_EQ(doc["payer"], "commercial-cap4");
  EXPECT_EQ(doc["total_units"], 5);
  EXPECT_TRUE(hasWarning(doc, "units-cap-exceeded"));
}

TEST(CliUnits, CodesAreCaseInsensitive) {
  EXPECT_EQ(linesOf(unitsJson({"g0283=10"})), "G0283x1 GO");
}

TEST(CliUnits, ExactlyTwentyFourHoursIsAccepted) {
  EXPECT_EQ(unitsJson({"97110=1000+440"})["total_timed_minutes"], 1440);
}

TEST(CliUnits, LeadingZerosAreOrdinaryMinutes) {
  // Spreadsheet exports pad numbers; "0000000015" is fifteen minutes, not "more than 24 hours".
  EXPECT_EQ(linesOf(unitsJson({"97110=0000000015+0000000008"})), "97110x1 GO, 97110x1 GO CO");
}

TEST(CliUnits, CatalogDirectoryOverridesTheInstalledOne) {
  TempDir dir;
  dir.write("codes.json", readText(std::filesystem::path{UNITCLOCK_SOURCE_CATALOG_DIR} / "codes.json"));
  dir.write(
      "payers.json",
      R"({"payers":[{"name":"clinic-xu","rule":"cms","assistant_modifiers":false,"distinct_service_modifier":"XU"}]})");
  auto run =
      runCli({"units", "--json", "--catalog", dir.path().string(), "--payer", "clinic-xu", "97110=0+30"});
  ASSERT_EQ(run.status, 0) << run.err;
  auto doc = json::parse(run.out);
  EXPECT_EQ(doc["payer"], "clinic-xu");
  EXPECT_EQ(linesOf(doc), "97110x2 GO");
  // The built-in medicare is not in that directory.
  auto missing = runCli({"units", "--catalog", dir.path().string(), "97110=30"});
  EXPECT_EQ(missing.status, 2);
  EXPECT_NE(missing.err.find("unknown payer 'medicare'"), std::string::npos) << missing.err;
}

TEST(CliUnits, InstalledBinaryReadsTheCatalogFromShareUnitclock) {
  // The install layout: PREFIX/bin/unitclock-cli and PREFIX/share/unitclock/catalog/*.json.
  TempDir prefix;
  std::filesystem::create_directories(prefix.path() / "bin");
  std::filesystem::create_directories(prefix.path() / "share/unitclock/catalog");
  const auto binary = prefix.path() / "bin/unitclock-cli";
  std::filesystem::copy_file(UNITCLOCK_CLI_PATH, binary);
  const auto catalog = prefix.path() / "share/unitclock/catalog";
  std::filesystem::copy_file(std::filesystem::path{UNITCLOCK_SOURCE_CATALOG_DIR} / "codes.json",
                             catalog / "codes.json");
  std::ofstream(catalog / "payers.json") << R"({"payers":[{"name":"installed-clinic","rule":"ama"}]})";
  auto run =
      runCli({"units", "--json", "--payer", "installed-clinic", "97110=8", "97140=8"}, binary.string());
  ASSERT_EQ(run.status, 0) << run.err;
  EXPECT_EQ(linesOf(json::parse(run.out)), "97110x1 GO, 97140x1 GO");
}

// [SECTION] Help

TEST(CliHelp, TopLevelHelpListsTheUnitsCommand) {
  auto run = runCli({"--help"});
  EXPECT_EQ(run.status, 0);
  EXPECT_NE(run.out.find("units"), std::string::npos);
}

TEST(CliHelp, UnitsHelpShowsTheItemGrammar) {
  auto run = runCli({"units", "--help"});
  EXPECT_EQ(run.status, 0);
  EXPECT_NE(run.out.find("CODE=M+A"), std::string::npos);
  EXPECT_NE(run.out.find("--payer medicare|commercial|NAME"), std::string::npos);
}

TEST(CliHelp, NoCommandOrAnUnknownOneIsAUsageError) {
  EXPECT_EQ(runCli({}).status, 2);
  auto run = runCli({"frobnicate"});
  EXPECT_EQ(run.status, 2);
  EXPECT_NE(run.err.find("frobnicate"), std::string::npos);
}

// [SECTION] Errors: exit 2, nothing on stdout, one stderr line naming the bad item

struct BadInput {
  const char* name;
  std::vector<std::string> args;
  const char* named;  // text the stderr line must contain
};

class CliUnitsError : public ::testing::TestWithParam<BadInput> {};

TEST_P(CliUnitsError, ExitsTwoWithOneLineNamingTheItem) {
  const BadInput& bad = GetParam();
  std::vector<std::string> args{"units"};
  args.insert(args.end(), bad.args.begin(), bad.args.end());
  auto run = runCli(args);
  EXPECT_EQ(run.status, 2);
  EXPECT_EQ(run.out, "");
  EXPECT_EQ(run.stderrLines(), 1) << run.err;
  EXPECT_NE(run.err.find(bad.named), std::string::npos) << run.err;
}

const BadInput kBadInputs[] = {
    {"UnknownCode", {"97110=10", "99999=5"}, "99999=5"},
    {"UnknownUntimedCode", {"ABCDE"}, "ABCDE"},
    {"MinutesNotANumber", {"97110=abc"}, "97110=abc"},
    {"MinutesMissing", {"97110="}, "97110="},
    {"CodeMissing", {"=5"}, "=5"},
    {"AssistantMinutesMissing", {"97110=5+"}, "97110=5+"},
    {"ThreeParts", {"97110=5+3+2"}, "97110=5+3+2"},
    {"CodeWithADash", {"97-110=5"}, "97-110=5"},
    {"FractionalMinutes", {"97110=7.5"}, "97110=7.5"},
    {"NegativeMinutes", {"97110=-5"}, "97110=-5"},
    {"NegativeAssistantMinutes", {"97110=5+-3"}, "97110=5+-3"},
    {"MoreThanADay", {"97110=1441"}, "97110=1441"},
    {"MoreThanADayWithTheAssistant", {"97110=1000+441"}, "97110=1000+441"},
    {"AbsurdlyLong", {"97110=99999999999999"}, "97110=99999999999999"},
    {"CodeGivenTwice", {"97110=5", "97140=3", "97110=6"}, "97110=6"},
    {"UntimedCodeGivenTwice", {"97165", "97165=30"}, "97165=30"},
    {"TimedCodeWithoutMinutes", {"97110"}, "97110"},
    {"UnknownPayer", {"--payer", "acme", "97110=10"}, "acme"},
    {"PayerWithoutName", {"97110=10", "--payer"}, "--payer"},
    {"UnknownDiscipline", {"--discipline", "ota", "97110=10"}, "ota"},
    {"UnknownOption", {"--fast", "97110=10"}, "--fast"},
    {"NoItems", {"--json"}, "no items"},
    {"MissingCatalogDirectory",
     {"--catalog", "/nonexistent/unitclock", "97110=10"},
     "/nonexistent/unitclock"},
};

INSTANTIATE_TEST_SUITE_P(BadItem, CliUnitsError, ::testing::ValuesIn(kBadInputs),
                         [](const ::testing::TestParamInfo<BadInput>& row) {
                           return std::string{row.param.name};
                         });

TEST(CliUnitsCatalogErrors, ABrokenCatalogFileIsNamedAndNothingIsComputed) {
  TempDir dir;
  dir.write("codes.json", "{ not json");
  dir.write("payers.json", readText(std::filesystem::path{UNITCLOCK_SOURCE_CATALOG_DIR} / "payers.json"));
  auto run = runCli({"units", "--catalog", dir.path().string(), "97110=10"});
  EXPECT_EQ(run.status, 2);
  EXPECT_EQ(run.out, "");
  EXPECT_EQ(run.stderrLines(), 1);
  EXPECT_NE(run.err.find("codes.json"), std::string::npos) << run.err;
}

}  // namespace
}  // namespace unitclock::testing
