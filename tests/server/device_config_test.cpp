// The configuration of GET /api/v1/config (platform/wire/device_config.h): what a device reads, what the
// server writes, the rules both bill with, and the server's route and `config set` built on them.
#include <gtest/gtest.h>

#include <unitclock/core/catalog.h>
#include <unitclock/core/payer.h>
#include <unitclock/platform/wire/device_config.h>
#include <fstream>
#include <functional>

#include "api_client.h"
#include "server_process.h"

namespace unitclock::server {
namespace {

using core::Discipline;
using nlohmann::json;

// A clinic whose Medicare contractor wants XU, and a plan of its own.
constexpr const char* kPayers = R"json({"payers": [
  {"name": "medicare", "display_name": "Medicare Part B (our MAC)", "rule": "cms",
   "assistant_modifiers": true, "substitutions": {"97014": "G0283"}, "drop_bundled_codes": true,
   "distinct_service_modifier": "XU"},
  {"name": "regional", "display_name": "Regional plan", "rule": "ama", "assistant_modifiers": true,
   "assistant_de_minimis_percent": 0, "telehealth_modifier": false}]})json";

json configJson() {
  return json::parse(R"({
    "clinic": {"id": "north", "name": "North Clinic", "timezone": "America/Chicago"},
    "device_id": 7, "date": "2026-11-26",
    "roster": [{"id": "ot1", "name": "Ana Ortiz", "role": "ot", "pin_hash": "$argon2id$v=19$m=32768,t=8,p=1$x$y"},
               {"id": "sup", "name": "Sam Lee", "role": "supervisor", "pin_hash": ""}],
    "payers": [], "catalog": null, "favourites": {"pt": ["97110", "97116"]},
    "schedule": [{"time": "09:30", "mrn": "MRN9", "initials": "KW", "payer": "regional",
                  "discipline": "pt", "clinician": "ot1"},
                 {"time": "", "mrn": "MRN10", "initials": "", "payer": "", "discipline": "", "clinician": ""}]})");
}

TEST(DeviceConfig, ReadsWhatTheServerSends) {
  auto j = configJson();
  j["payers"] = json::parse(kPayers);
  auto c = wire::parseDeviceConfig(j);
  ASSERT_TRUE(c) << c.error().field << ": " << c.error().message;
  EXPECT_EQ(c->clinic, (wire::ClinicInfo{"north", "North Clinic", "America/Chicago"}));
  EXPECT_EQ(c->deviceId, 7);
  EXPECT_EQ(c->date, "2026-11-26");
  ASSERT_EQ(c->roster.size(), 2u);
  EXPECT_EQ(c->roster[0].role, core::Role::ot);
  EXPECT_EQ(c->roster[1].role, core::Role::supervisor);
  EXPECT_EQ(c->roster[1].pinHash, "");
  ASSERT_EQ(c->payers.size(), 2u);
  EXPECT_EQ(c->payers[0].distinctServiceModifier, "XU");
  EXPECT_EQ(c->payers[1].rule, core::UnitRule::ama);
  EXPECT_FALSE(c->catalog);
  EXPECT_EQ(c->favourites, (wire::Favourites{{Discipline::pt, {"97110", "97116"}}}));
  ASSERT_EQ(c->schedule.size(), 2u);
  EXPECT_EQ(c->schedule[0].discipline, Discipline::pt);
  EXPECT_EQ(c->schedule[0].payer, "regional");
  EXPECT_FALSE(c->schedule[1].discipline);  // not given
}

TEST(DeviceConfig, WritesWhatItReadsAndReadsWhatItWrites) {
  auto j = configJson();
  j["payers"] = json::parse(kPayers);
  j["catalog"] = wire::catalogDocument(core::Catalog::builtin());
  auto first = wire::parseDeviceConfig(j);
  ASSERT_TRUE(first) << first.error().field << ": " << first.error().message;
  const json written = wire::toJson(*first);
  auto second = wire::parseDeviceConfig(written);
  ASSERT_TRUE(second) << second.error().field << ": " << second.error().message;
  EXPECT_EQ(wire::toJson(*second), written);
  EXPECT_EQ(second->roster, first->roster);
  EXPECT_EQ(second->payers, first->payers);
  EXPECT_EQ(second->schedule, first->schedule);
  EXPECT_EQ(second->favourites, first->favourites);
  ASSERT_TRUE(second->catalog);
  EXPECT_EQ(second->catalog->codes(), core::Catalog::builtin().codes());
  EXPECT_EQ(second->catalog->ncciPairs(), core::Catalog::builtin().ncciPairs());
}

TEST(DeviceConfig, TheEmptyFormsOfEachDocumentMeanTheBuiltInOnes) {
  auto j = configJson();
  j["favourites"] = json::array();  // as servers sent it before favourites had a form
  auto c = wire::parseDeviceConfig(j);
  ASSERT_TRUE(c) << c.error().field << ": " << c.error().message;
  EXPECT_TRUE(c->payers.empty());
  EXPECT_FALSE(c->catalog);
  EXPECT_TRUE(c->favourites.empty());
  const json written = wire::toJson(*c);
  EXPECT_EQ(written["payers"], json::array());
  EXPECT_TRUE(written["catalog"].is_null());
  EXPECT_EQ(written["favourites"], json::object());
}

TEST(DeviceConfig, FieldsItDoesNotKnowAreLeftForNewerDevices) {
  auto j = configJson();
  j["announcements"] = {"staff meeting at 12"};
  j["clinic"]["phone"] = "555-0100";
  EXPECT_TRUE(wire::parseDeviceConfig(j));
}

TEST(DeviceConfig, NamesTheFieldAtFault) {
  struct Case {
    std::function<void(json&)> breakIt;
    std::string field;
  };
  const std::vector<Case> cases{
      {[](json& c) { c.erase("clinic"); }, "clinic"},
      {[](json& c) { c["clinic"].erase("id"); }, "clinic.id"},
      {[](json& c) { c["device_id"] = "seven"; }, "device_id"},
      {[](json& c) { c["date"] = "2026-02-30"; }, "date"},
      {[](json& c) { c.erase("roster"); }, "roster"},  // a missing roster must not empty the device's
      {[](json& c) { c["roster"] = "ot1"; }, "roster"},
      {[](json& c) { c["roster"][1]["role"] = "receptionist"; }, "roster[1].role"},
      {[](json& c) { c["roster"][1]["id"] = "ot1"; }, "roster[1].id"},
      {[](json& c) { c["roster"][0]["name"] = "Ana\nOrtiz"; }, "roster[0].name"},
      {[](json& c) {
         c["payers"] = {{"payers", {{{"name", "acme"}, {"rule", "sometimes"}}}}};
       },
       "payers"},
      {[](json& c) { c["payers"] = "medicare"; }, "payers"},
      {[](json& c) {
         c["catalog"] = {{"version", "x"}, {"codes", 5}};
       },
       "catalog"},
      {[](json& c) {
         c["favourites"] = {{"dance", {"97110"}}};
       },
       "favourites.dance"},
      {[](json& c) {
         c["favourites"] = {{"ot", json::array()}};
       },
       "favourites.ot"},
      {[](json& c) {
         c["favourites"] = {{"ot", {"97110", "97110"}}};
       },
       "favourites.ot[1]"},
      {[](json& c) {
         c["favourites"] = {{"ot", {"97 110"}}};
       },
       "favourites.ot[0]"},
      {[](json& c) { c["schedule"][0]["discipline"] = "dance"; }, "schedule[0].discipline"},
      {[](json& c) { c["schedule"][1].erase("mrn"); }, "schedule[1].mrn"},
      {[](json& c) { c["schedule"][0] = "09:30 MRN9"; }, "schedule[0]"},
  };
  for (const auto& c : cases) {
    auto broken = configJson();
    c.breakIt(broken);
    auto parsed = wire::parseDeviceConfig(broken);
    ASSERT_FALSE(parsed) << "expected a refusal naming " << c.field;
    EXPECT_EQ(parsed.error().field, c.field) << parsed.error().message;
    EXPECT_FALSE(parsed.error().message.empty());
  }
  EXPECT_FALSE(wire::parseDeviceConfigBody("{\"clinic\": "));
  EXPECT_FALSE(wire::parseDeviceConfig(json::array()));
}

TEST(BillingRulesOfAConfig, TheClinicsProfilesReplaceBuiltInsOfTheSameNameAndAddTheirOwn) {
  EXPECT_EQ(wire::rulesOf(wire::DeviceConfig{}).payers, core::builtinPayers());
  wire::DeviceConfig c;
  c.payers = wire::parsePayersDocument(json::parse(kPayers)).value();
  const auto rules = wire::rulesOf(c);
  ASSERT_EQ(rules.payers.size(), 3u);
  EXPECT_EQ(rules.payers[0], c.payers[0]);  // the clinic's medicare, where the built-in one was
  EXPECT_EQ(rules.payers[1], core::PayerProfile::commercial());
  EXPECT_EQ(rules.payers[2], c.payers[1]);
  ASSERT_NE(rules.findPayer("regional"), nullptr);
  EXPECT_EQ(rules.findPayer("medicare")->distinctServiceModifier, "XU");
  EXPECT_EQ(rules.catalog.codes(), core::Catalog::builtin().codes());
}

TEST(BillingRulesOfAConfig, TheClinicsCatalogReplacesTheBuiltInOne) {
  auto doc = wire::catalogDocument(core::Catalog::builtin());
  doc["version"] = "north-2026";
  wire::DeviceConfig c;
  c.catalog = wire::parseCatalogDocument(doc).value();
  EXPECT_EQ(wire::rulesOf(c).catalog.version(), "north-2026");
}

// [SECTION] The server's side

class ServerConfig : public ::testing::Test {
 protected:
  testing::Clinic clinic;
  testing::ServerProcess server{clinic.dataDir};

  std::string file(const std::string& name, const std::string& text) {
    const auto path = (clinic.dir.path() / name).string();
    std::ofstream(path) << text;
    return path;
  }
  testing::CommandResult set(const std::string& name, const std::string& text) {
    return testing::runServer({"config", "set", "--data-dir", clinic.dataDir, "--clinic", "north", "--name",
                               name, "--file", file(name + ".json", text)});
  }
  json pull() {
    auto device = testing::client(server.url(), testing::enroll(server.url(), clinic.newEnrollCode()));
    auto answer = testing::must(device.get("/api/v1/config?date=2026-11-26"));
    EXPECT_EQ(answer.status, 200) << answer.body;
    return testing::json(answer);
  }
};

TEST_F(ServerConfig, TheConfigRouteServesTheDocumentDevicesReadWithTheClinicsRules) {
  ASSERT_EQ(set("payers", kPayers).exitCode, 0);
  ASSERT_EQ(set("favourites", R"({"ot": ["97530", "97110"]})").exitCode, 0);
  testing::Clinic::must({"schedule",   "add",          "--data-dir", clinic.dataDir, "--clinic",
                         "north",      "--date",       "2026-11-26", "--mrn",        "MRN9",
                         "--initials", "KW",           "--time",     "09:30",        "--payer",
                         "regional",   "--discipline", "pt",         "--clinician",  "ot1"});
  const json body = pull();
  auto c = wire::parseDeviceConfig(body);
  ASSERT_TRUE(c) << c.error().field << ": " << c.error().message << "\n" << body.dump();
  EXPECT_EQ(wire::toJson(*c), body) << "the server writes the document with wire::toJson";
  EXPECT_EQ(c->clinic.id, "north");
  EXPECT_EQ(c->roster.size(), 2u);
  EXPECT_EQ(c->favourites.at(Discipline::ot), (std::vector<std::string>{"97530", "97110"}));
  ASSERT_EQ(c->schedule.size(), 1u);
  EXPECT_EQ(c->schedule[0].discipline, Discipline::pt);
  const auto rules = wire::rulesOf(*c);
  ASSERT_NE(rules.findPayer("regional"), nullptr);
  EXPECT_EQ(rules.findPayer("medicare")->distinctServiceModifier, "XU");
}

// The review policy (the console's Settings page) can be set from the command line too; devices never see
// it, and one the server could not read is refused when set.
TEST_F(ServerConfig, TheReviewPolicyIsSetCheckedAndNotServedToDevices) {
  auto bad = set("review", R"({"approved_only": "yes"})");
  EXPECT_EQ(bad.exitCode, 1);
  EXPECT_NE(bad.err.find("approved_only: must be true or false"), std::string::npos) << bad.err;
  EXPECT_EQ(set("review", R"({"export_everything": true})").exitCode, 1);
  ASSERT_EQ(set("review", R"({"approved_only": true})").exitCode, 0);
  EXPECT_EQ(
      testing::queryCount(clinic.dataDir, "SELECT COUNT(*) FROM clinic_documents WHERE name = 'review'"), 1);
  EXPECT_EQ(pull().dump().find("approved_only"), std::string::npos);
}

TEST_F(ServerConfig, ADocumentDevicesCouldNotReadIsRefusedWhenSet) {
  auto bad = set("favourites", R"({"ot": ["97530", "97530"]})");
  EXPECT_EQ(bad.exitCode, 1);
  EXPECT_NE(bad.err.find("favourites.ot[1]"), std::string::npos) << bad.err;
  EXPECT_EQ(set("favourites", R"(["97530"])").exitCode, 1);
  EXPECT_EQ(set("catalog", R"({"version": "x", "codes": 5})").exitCode, 1);
  EXPECT_EQ(set("payers", R"({"payers": [{"name": "acme", "rule": "sometimes"}]})").exitCode, 1);
  auto schedule =
      testing::runServer({"schedule", "add", "--data-dir", clinic.dataDir, "--clinic", "north", "--date",
                          "2026-11-26", "--mrn", "MRN9", "--initials", "KW", "--discipline", "dance"});
  EXPECT_EQ(schedule.exitCode, 2);
  EXPECT_TRUE(wire::parseDeviceConfig(pull())) << "nothing refused was stored";
}

}  // namespace
}  // namespace unitclock::server
