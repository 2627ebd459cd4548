// API v1 against a real unitclock-server process on 127.0.0.1, with real libcurl requests.
#include <gtest/gtest.h>

#include <fstream>
#include <map>

#include <unitclock/platform/http_client.h>
#include <unitclock/platform/sqlite.h>
#include <unitclock/platform/time_zone.h>
#include <unitclock/platform/wire/day_summary.h>
#include <unitclock/server/sqlite_store.h>

#include "api_client.h"
#include "hl7_oracle.h"
#include "server_process.h"
#include "upload_fixtures.h"

namespace unitclock::server {
namespace {

using platform::HttpClient;
using platform::HttpResponse;
using testing::Clinic;
using testing::ServerProcess;
using testing::sessionId;
using testing::upload;

using testing::client;
using testing::json;
using testing::must;

std::string enroll(const std::string& url, const std::string& code) {
  return testing::enroll(url, code, "room 3 kiosk");
}

class Api : public ::testing::Test {
 protected:
  Clinic clinic;
  std::unique_ptr<ServerProcess> server;
  std::string deviceToken;

  void SetUp() override {
    server = std::make_unique<ServerProcess>(clinic.dataDir);
    deviceToken = enroll(server->url(), clinic.enrollCode);
  }
  HttpClient device() { return client(server->url(), deviceToken); }
  HttpClient supervisor() { return client(server->url(), clinic.supervisorToken); }
  HttpResponse put(const nlohmann::json& body) {
    auto c = device();
    return must(c.put("/api/v1/sessions/" + body["id"].get<std::string>(), body.dump()));
  }
};

TEST_F(Api, EnrollmentCodeWorksOnceAndOnlyItsHashIsStored) {
  auto again = client(server->url());
  auto r = must(again.post("/api/v1/enroll", nlohmann::json{{"code", clinic.enrollCode}}.dump()));
  EXPECT_EQ(r.status, 403);
  EXPECT_NE(json(r)["message"].get<std::string>().find("already used"), std::string::npos);
  auto wrong = must(again.post("/api/v1/enroll", R"({"code":"AAAA-BBBB-CCCC"})"));
  EXPECT_EQ(wrong.status, 403);
  auto missing = must(again.post("/api/v1/enroll", R"({"label":"x"})"));
  EXPECT_EQ(missing.status, 400);
  EXPECT_EQ(json(missing)["field"], "code");
  // A code typed in lower case without dashes still works.
  std::string code = clinic.newEnrollCode();
  std::string typed;
  for (char c : code)
    if (c != '-') typed.push_back(static_cast<char>(std::tolower(c)));
  auto ok = must(again.post("/api/v1/enroll", nlohmann::json{{"code", typed}}.dump()));
  EXPECT_EQ(ok.status, 201) << ok.body;
  // Neither tokens nor codes are stored in the clear.
  EXPECT_EQ(testing::queryCount(clinic.dataDir,
                                "SELECT count(*) FROM devices WHERE token_hash = '" + deviceToken + "'"),
            0);
  EXPECT_EQ(testing::queryCount(clinic.dataDir, "SELECT count(*) FROM devices WHERE length(token_hash) = 64"),
            2);
}

TEST_F(Api, ConfigCarriesTheRosterWithPinHashesAndAnswers304WhenUnchanged) {
  auto c = device();
  auto r = must(c.get("/api/v1/config?date=2026-11-26"));
  ASSERT_EQ(r.status, 200) << r.body;
  auto etag = r.header("etag");
  ASSERT_TRUE(etag);
  auto j = json(r);
  EXPECT_EQ(j["clinic"]["id"], "north");
  ASSERT_EQ(j["roster"].size(), 2u);
  EXPECT_EQ(j["roster"][0]["id"], "ot1");
  EXPECT_EQ(j["roster"][0]["pin_hash"].get<std::string>().rfind("$argon2id$", 0), 0u);
  EXPECT_TRUE(j["schedule"].empty());

  auto again = must(c.get("/api/v1/config?date=2026-11-26", {{"If-None-Match", *etag}}));
  EXPECT_EQ(again.status, 304);
  EXPECT_TRUE(again.body.empty());

  Clinic::must({"schedule", "add", "--data-dir", clinic.dataDir, "--clinic", "north", "--date", "2026-11-26",
                "--mrn", "MRN9", "--initials", "KW", "--time", "09:30", "--payer", "medicare", "--clinician",
                "ot1"});
  auto changed = must(c.get("/api/v1/config?date=2026-11-26", {{"If-None-Match", *etag}}));
  EXPECT_EQ(changed.status, 200);
  EXPECT_NE(changed.header("etag"), etag);
  EXPECT_EQ(json(changed)["schedule"][0]["mrn"], "MRN9");
  // Another day has another schedule.
  EXPECT_TRUE(json(must(c.get("/api/v1/config?date=2026-11-27")))["schedule"].empty());
}

TEST_F(Api, ReuploadingTheSameSessionChangesNothing) {
  auto body = upload(sessionId(1), "MRN1", {{"97110", "09:00:00", "09:20:00"}});
  auto first = put(body);
  EXPECT_EQ(first.status, 201) << first.body;
  EXPECT_EQ(json(first)["result"], "created");
  for (int i = 0; i < 3; ++i) {
    auto again = put(body);
    EXPECT_EQ(again.status, 200);
    EXPECT_EQ(json(again)["result"], "unchanged");
  }
  EXPECT_EQ(testing::queryCount(clinic.dataDir, "SELECT count(*) FROM sessions"), 1);
  EXPECT_EQ(testing::queryCount(clinic.dataDir, "SELECT count(*) FROM session_revisions"), 1);
}

TEST_F(Api, ACorrectionIsANewRevisionWithAReason) {
  testing::RecordedSession session{sessionId(1), "MRN1", {{"97110", "09:00:00", "09:20:00"}}};
  auto v1 = upload(session);
  ASSERT_EQ(put(v1).status, 201);

  auto changedSameRevision = upload(sessionId(1), "MRN1", {{"97110", "09:00:00", "09:25:00"}});
  auto conflict = put(changedSameRevision);
  EXPECT_EQ(conflict.status, 409);
  EXPECT_EQ(json(conflict)["field"], "revision");

  auto corrected = session;
  corrected.revision = 2;
  corrected.correctionReason = "end time corrected: treatment ran until 09:25";
  corrected.corrections = {{0, "09:00:00", "09:25:00"}};
  auto v2 = upload(corrected);
  auto noReason = v2;
  noReason.erase("reason");
  EXPECT_EQ(json(put(noReason))["field"], "reason");

  auto revised = put(v2);
  EXPECT_EQ(revised.status, 201) << revised.body;
  EXPECT_EQ(json(revised)["result"], "revised");
  EXPECT_EQ(put(v2).status, 200);  // repeating the correction changes nothing
  EXPECT_EQ(put(v1).status, 200);  // a late retry of revision 1 is recognised, not a conflict

  auto oldButDifferent = v1;
  oldButDifferent["telehealth"] = true;
  EXPECT_EQ(put(oldButDifferent).status, 409);

  auto s = supervisor();
  auto detail = must(s.get("/api/v1/sessions/" + sessionId(1)));
  ASSERT_EQ(detail.status, 200) << detail.body;
  auto j = json(detail);
  EXPECT_EQ(j["revision"], 2);
  ASSERT_EQ(j["revisions"].size(), 2u);
  EXPECT_EQ(j["revisions"][1]["reason"], "end time corrected: treatment ran until 09:25");
  EXPECT_EQ(j["session"]["segments"][0]["end"], "2026-11-26T09:25:00.000Z");
  EXPECT_EQ(j["session"]["events"][0]["type"], "session_opened");
}

// A therapist voids a session the server already has: the device sends the same revision again with the
// status voided, the signed log followed by the device's synced mark and the void, and no lines.
nlohmann::json voidOf(testing::RecordedSession session, const std::string& reason) {
  session.status = "voided";
  session.voidReason = reason;
  return upload(session);
}

TEST_F(Api, AVoidOfAnUploadedSessionTakesItOutOfTheDaysCharges) {
  testing::RecordedSession session{sessionId(1), "MRN1", {{"97110", "09:00:00", "09:20:00"}}};
  auto v1 = upload(session);
  ASSERT_EQ(put(v1).status, 201);
  auto other = upload(sessionId(2), "MRN2", {{"97530", "10:00:00", "10:09:00"}});
  ASSERT_EQ(put(other).status, 201);

  // Only a void is accepted under the stored revision: a void that also changes what was billed is a
  // conflict; a log that adds anything after signing or a void without a reason is one core refuses; and
  // nothing changes.
  auto longer = session;
  longer.segments[0].end = "09:25:00";
  auto changedToo = voidOf(longer, "Wrong patient");
  auto extraEvent = voidOf(session, "Wrong patient");
  auto& events = extraEvent["events"];
  events.push_back(events[1]);
  events.back()["sequence"] = events.size();
  auto noReason = voidOf(session, "Wrong patient");
  noReason["events"].back().erase("reason");
  EXPECT_EQ(put(changedToo).status, 409);
  EXPECT_EQ(json(put(extraEvent))["field"], "events[" + std::to_string(events.size() - 1) + "]");
  EXPECT_EQ(json(put(noReason))["field"], "events[" + std::to_string(noReason["events"].size() - 1) + "]");
  EXPECT_EQ(testing::queryCount(clinic.dataDir, "SELECT count(*) FROM sessions WHERE status = 'signed'"), 2);

  auto voided = voidOf(session, "Wrong patient");
  auto accepted = put(voided);
  EXPECT_EQ(accepted.status, 201) << accepted.body;
  EXPECT_EQ(json(accepted)["result"], "voided");
  EXPECT_EQ(json(accepted)["revision"], 1);
  EXPECT_EQ(json(put(voided))["result"], "unchanged");  // a retry of the void
  auto lateSigned = put(v1);                            // a late retry of what was signed
  EXPECT_EQ(lateSigned.status, 200) << lateSigned.body;
  EXPECT_EQ(json(lateSigned)["result"], "unchanged");

  auto s = supervisor();
  auto detail = json(must(s.get("/api/v1/sessions/" + sessionId(1))));
  EXPECT_EQ(detail["status"], "voided");
  EXPECT_EQ(detail["revisions"].size(), 1u);
  // The signed log is kept, the void follows it.
  ASSERT_EQ(detail["session"]["events"].size(), v1["events"].size() + 2);
  EXPECT_EQ(detail["session"]["events"].back()["reason"], "Wrong patient");

  auto summary = json(must(s.get("/api/v1/days/2026-11-26/summary?clinic=north")));
  EXPECT_NE(summary["voided"].dump().find(sessionId(1)), std::string::npos) << summary.dump();
  EXPECT_EQ(summary["totals"]["units"], 1) << summary.dump();  // MRN2's 97530 only
  EXPECT_EQ(summary["rejected"].size(), 3u) << "the three refused attempts only";
  auto csv = must(s.get("/api/v1/days/2026-11-26/charges.csv?clinic=north")).body;
  EXPECT_EQ(csv.find("97110"), std::string::npos) << csv;
  EXPECT_NE(csv.find("97530"), std::string::npos) << csv;
  auto hl7 = must(s.get("/api/v1/days/2026-11-26/charges.hl7?clinic=north")).body;
  EXPECT_EQ(hl7.find("97110"), std::string::npos) << hl7;
  EXPECT_NE(hl7.find("97530"), std::string::npos) << hl7;
  EXPECT_TRUE(testing::readWithPythonHl7(hl7).parsed) << hl7;
}

// A supervisor looking at a day sees the refused uploads of that day's sessions, however many days later
// they arrive (a kiosk that was offline for a week): a refusal is listed under the clinic-local day of the
// session it concerns, and only a body with nothing readable under the clinic-local day it arrived.
TEST_F(Api, ARefusedUploadIsListedUnderItsSessionsDayHoweverLateItArrives) {
  // A clinic in Chicago, where 03:30 UTC on the 21st is still the evening of the 20th.
  Clinic::must({"clinic", "add", "--data-dir", clinic.dataDir, "--id", "lake", "--name", "Lake Clinic",
                "--timezone", "America/Chicago"});
  Clinic::must({"clinician", "add", "--data-dir", clinic.dataDir, "--clinic", "lake", "--id", "lake-ot1",
                "--name", "Ana Ortiz", "--role", "ot"});
  const std::string lakeToken =
      enroll(server->url(), testing::trim(Clinic::must({"device", "enroll-code", "--data-dir", clinic.dataDir,
                                                        "--clinic", "lake"})));
  const std::string lakeSupervisor = testing::trim(Clinic::must(
      {"token", "add", "--data-dir", clinic.dataDir, "--role", "supervisor", "--clinic", "lake"}));
  auto lake = client(server->url(), lakeToken);

  // 1. A session of 2026-11-02 refused for its status: listed under 2026-11-02.
  auto bad = upload(sessionId(1), "MRN1", {{"97110", "15:00:00", "15:20:00"}}, "2026-11-02");
  bad["status"] = "finished";
  ASSERT_EQ(must(lake.put("/api/v1/sessions/" + sessionId(1), bad.dump())).status, 400);
  // 2. No service_date: the day of its first segment in the clinic's zone (the evening of 2026-11-20).
  auto noDate = upload(sessionId(2), "MRN2", {{"97110", "03:30:00", "03:45:00"}}, "2026-11-21");
  noDate.erase("service_date");
  noDate["segments"][0].erase("date");
  ASSERT_EQ(must(lake.put("/api/v1/sessions/" + sessionId(2), noDate.dump())).status, 400);
  // 3. The same refusal inside a batch.
  auto batchBad = upload(sessionId(3), "MRN3", {{"97110", "15:00:00", "15:20:00"}}, "2026-11-02");
  batchBad["discipline"] = "dance";
  auto batch = must(lake.post("/api/v1/sessions/batch", nlohmann::json{{"sessions", {batchBad}}}.dump()));
  ASSERT_EQ(batch.status, 200) << batch.body;
  EXPECT_EQ(json(batch)["results"][0]["status"], 400);
  // 4. A body with nothing readable: the clinic-local day on which it arrived, taken around the request
  // from the clock the server also reads (either side of a midnight that passes during the request).
  const auto lakeToday = [] {
    auto now = std::chrono::floor<std::chrono::milliseconds>(std::chrono::system_clock::now());
    return platform::formatIsoDate(platform::localDate(now, "America/Chicago").value());
  };
  const std::string before = lakeToday();
  ASSERT_EQ(must(lake.put("/api/v1/sessions/" + sessionId(4), "{not json")).status, 400);
  const std::string after = lakeToday();

  auto s = client(server->url(), lakeSupervisor);
  const auto refused = [&](const std::string& day) {
    auto r = must(s.get("/api/v1/days/" + day + "/summary"));
    EXPECT_EQ(r.status, 200) << r.body;
    const auto summary = json(r);
    std::vector<std::string> ids;
    for (const auto& x : summary["rejected"]) ids.push_back(x["session_id"]);
    return ids;
  };
  EXPECT_EQ(refused("2026-11-02"), (std::vector<std::string>{sessionId(1), sessionId(3)}));
  EXPECT_EQ(refused("2026-11-20"), (std::vector<std::string>{sessionId(2)}));
  EXPECT_TRUE(refused("2026-11-21").empty());
  auto arrivedDay = refused(before);
  if (arrivedDay.empty() && after != before) arrivedDay = refused(after);
  EXPECT_EQ(arrivedDay, (std::vector<std::string>{sessionId(4)}));
  // The other clinic's supervisor sees none of them.
  auto north = supervisor();
  EXPECT_TRUE(json(must(north.get("/api/v1/days/2026-11-02/summary?clinic=north")))["rejected"].empty());
}

// A server upgraded from schema version 1 keeps the refusals it already recorded, listed under the UTC day
// they arrived (all that version 1 knew of them).
TEST(ServerSchema, RefusalsRecordedBeforeTheDayRuleStayUnderTheDayTheyArrived) {
  UNITCLOCK_SQLITE_ONLY("rewinds the SQLite file to schema 1");
  Clinic clinic;
  {
    auto db = platform::sqlite::Database::open(clinic.dataDir + "/unitclock-server.db");
    ASSERT_TRUE(db);
    ASSERT_TRUE(db->exec(
        "DROP TABLE device_unsigned; DROP TABLE day_decisions; DROP TABLE audit_log; DROP TABLE "
        "console_sessions; DROP TABLE "
        "console_users; "
        "DROP TABLE charge_releases; ALTER TABLE clinicians DROP COLUMN npi; "
        "ALTER TABLE clinicians DROP COLUMN family_name; ALTER TABLE clinicians DROP COLUMN given_name; "
        "ALTER TABLE clinics DROP COLUMN min_pin_digits; "
        "ALTER TABLE devices DROP COLUMN last_seen_at; ALTER TABLE devices DROP COLUMN app_version; "
        "ALTER TABLE devices DROP COLUMN pending_uploads; "
        "DROP INDEX rejections_by_session_day; ALTER TABLE rejections DROP COLUMN day; "
        "INSERT INTO rejections(clinic_id, device_id, session_id, status, field, message, "
        "received_at, received_date) VALUES('north', 1, 's', 400, 'status', 'bad', "
        "'2026-11-03T02:00:00Z', '2026-11-03'); PRAGMA user_version = 1;"));
  }
  ServerProcess server(clinic.dataDir);  // opening the data directory migrates it
  EXPECT_EQ(testing::queryCount(clinic.dataDir, "PRAGMA user_version"), schemaVersion());
  auto s = client(server.url(), clinic.supervisorToken);
  auto r = must(s.get("/api/v1/days/2026-11-03/summary?clinic=north"));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(json(r)["rejected"].size(), 1u) << r.body;
}

TEST_F(Api, TheDayIsRecomputedAcrossDevices) {
  auto secondDevice = enroll(server->url(), clinic.newEnrollCode());
  ASSERT_EQ(put(upload(sessionId(1), "MRN1", {{"97110", "09:00:00", "09:07:00"}})).status, 201);
  auto other = client(server->url(), secondDevice);
  auto body = upload(sessionId(2), "MRN1", {{"97110", "15:00:00", "15:07:00"}});
  ASSERT_EQ(must(other.put("/api/v1/sessions/" + sessionId(2), body.dump())).status, 201);

  auto s = supervisor();
  auto r = must(s.get("/api/v1/days/2026-11-26/summary?clinic=north"));
  ASSERT_EQ(r.status, 200) << r.body;
  auto j = json(r);
  EXPECT_EQ(j["sessions"], 2);
  ASSERT_EQ(j["patients"].size(), 1u);
  EXPECT_EQ(j["patients"][0]["server"]["lines"][0]["code"], "97110");
  EXPECT_EQ(j["patients"][0]["server"]["lines"][0]["units"], 1);
  EXPECT_EQ(j["clinicians"][0]["id"], "ot1");
  EXPECT_EQ(j["clinicians"][0]["units"], 1);

  auto csv = must(s.get("/api/v1/days/2026-11-26/charges.csv?clinic=north"));
  EXPECT_EQ(csv.status, 200);
  EXPECT_NE(csv.body.find(",97110,GO,1,"), std::string::npos) << csv.body;
  auto hl7 = must(s.get("/api/v1/days/2026-11-26/charges.hl7?clinic=north"));
  EXPECT_EQ(hl7.status, 200);
  EXPECT_NE(hl7.body.find("FT1|1|"), std::string::npos) << hl7.body;
  EXPECT_NE(hl7.body.find("|97110^^C4|||1|"), std::string::npos) << hl7.body;
  auto read = testing::readWithPythonHl7(hl7.body, {"1:FT1.F7.R1.C3", "1:FT1.F20.R1.C1", "1:FT1.F20.R1.C13"});
  ASSERT_TRUE(read.parsed) << read.error;
  EXPECT_EQ(read["1:FT1.F7.R1.C3"], "C4");
  EXPECT_EQ(read["1:FT1.F20.R1.C1"], "1234567893");
  EXPECT_EQ(read["1:FT1.F20.R1.C13"], "NPI");
  // Without an NPI on the roster (a roster from before NPIs): the clinic's id in XCN-1, PRN in XCN-13, and
  // a summary flag. (`clinician add` without --npi keeps a stored NPI, so the test clears it in the file.)
  testing::execSql(clinic.dataDir, "UPDATE clinicians SET npi = '' WHERE id = 'ot1'");
  read = testing::readWithPythonHl7(must(s.get("/api/v1/days/2026-11-26/charges.hl7?clinic=north")).body,
                                    {"1:FT1.F20.R1.C1", "1:FT1.F20.R1.C13"});
  EXPECT_EQ(read["1:FT1.F20.R1.C1"], "ot1");
  EXPECT_EQ(read["1:FT1.F20.R1.C13"], "PRN");
  auto flags = json(must(s.get("/api/v1/days/2026-11-26/summary?clinic=north")))["flags"].dump();
  EXPECT_NE(flags.find("npi-missing"), std::string::npos) << flags;

  // A device never gets the exports (its summary of today and yesterday: hardening_test.cpp).
  auto d = device();
  EXPECT_EQ(must(d.get("/api/v1/days/2026-11-26/charges.csv")).status, 403);
}

TEST_F(Api, TokensAreCheckedOnEveryRequest) {
  auto anonymous = client(server->url());
  EXPECT_EQ(must(anonymous.get("/api/v1/config")).status, 401);
  EXPECT_EQ(must(anonymous.get("/api/v1/days/2026-11-26/summary?clinic=north")).status, 401);
  auto wrong = client(server->url(), "uct_not-a-real-token");
  EXPECT_EQ(must(wrong.get("/api/v1/config")).status, 401);
  // A supervisor token is not a device token, and the other way round.
  auto s = supervisor();
  EXPECT_EQ(must(s.put("/api/v1/sessions/" + sessionId(1), upload(sessionId(1), "MRN1", {}).dump())).status,
            403);
  auto d = device();
  EXPECT_EQ(must(d.get("/api/v1/sessions/" + sessionId(1))).status, 403);
  // A clinic-scoped supervisor token sees only its clinic.
  Clinic::must({"clinic", "add", "--data-dir", clinic.dataDir, "--id", "south", "--name", "South Clinic"});
  auto southToken = testing::trim(Clinic::must(
      {"token", "add", "--data-dir", clinic.dataDir, "--role", "supervisor", "--clinic", "south"}));
  auto south = client(server->url(), southToken);
  EXPECT_EQ(must(south.get("/api/v1/days/2026-11-26/summary?clinic=north")).status, 403);
  EXPECT_EQ(must(south.get("/api/v1/days/2026-11-26/summary")).status, 200);
}

TEST_F(Api, ARevokedDeviceIsRefused) {
  EXPECT_EQ(must(device().get("/api/v1/config")).status, 200);
  Clinic::must({"device", "revoke", "--data-dir", clinic.dataDir, "--id", "1"});
  auto r = must(device().get("/api/v1/config"));
  EXPECT_EQ(r.status, 403);
  auto supervisorId = testing::queryCount(clinic.dataDir, "SELECT id FROM api_tokens LIMIT 1");
  Clinic::must({"token", "revoke", "--data-dir", clinic.dataDir, "--id", std::to_string(supervisorId)});
  EXPECT_EQ(must(supervisor().get("/api/v1/days/2026-11-26/summary?clinic=north")).status, 403);
}

TEST_F(Api, AMalformedUploadIsRefusedNamingTheFieldAndStoresNothing) {
  auto body = upload(sessionId(1), "MRN1", {{"97110", "09:00:00", "09:20:00"}});
  body["segments"][0]["end"] = "nine twenty";
  auto r = put(body);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(json(r)["field"], "segments[0].end");
  auto c = device();
  auto notJson = must(c.put("/api/v1/sessions/" + sessionId(1), "{\"id\": "));
  EXPECT_EQ(notJson.status, 400);
  EXPECT_EQ(testing::queryCount(clinic.dataDir, "SELECT count(*) FROM sessions"), 0);
  EXPECT_EQ(testing::queryCount(clinic.dataDir, "SELECT count(*) FROM session_revisions"), 0);
  EXPECT_EQ(testing::queryCount(clinic.dataDir, "SELECT count(*) FROM session_days"), 0);
  // The refusals are listed for the supervisor, by session id and reason only: the readable one under its
  // session's day, the body that is not JSON under the day it arrived (the clinic keeps UTC).
  auto j = json(must(supervisor().get("/api/v1/days/2026-11-26/summary?clinic=north")));
  ASSERT_EQ(j["rejected"].size(), 1u) << j.dump();
  EXPECT_EQ(j["rejected"][0]["field"], "segments[0].end");
  EXPECT_EQ(j["rejected"][0]["session_id"], sessionId(1));
  EXPECT_EQ(testing::queryCount(clinic.dataDir,
                                "SELECT count(*) FROM rejections WHERE day = substr(received_at, 1, 10) AND "
                                "message = 'the body is not valid JSON'"),
            1);
}

TEST_F(Api, ABodyOverTheLimitGets413) {
  server.reset();
  server = std::make_unique<ServerProcess>(clinic.dataDir, std::vector<std::string>{"--max-body", "2000"});
  auto body = upload(sessionId(1), "MRN1", {{"97110", "09:00:00", "09:20:00"}});
  for (int i = 0; i < 100; ++i) body["events"].push_back({{"sequence", i + 2}, {"type", "paused"}});
  auto r = put(body);
  EXPECT_EQ(r.status, 413);
  EXPECT_EQ(testing::queryCount(clinic.dataDir, "SELECT count(*) FROM sessions"), 0);
}

TEST_F(Api, ADeviceThatSendsTooFastGets429WithRetryAfter) {
  server.reset();
  server = std::make_unique<ServerProcess>(clinic.dataDir,
                                           std::vector<std::string>{"--rate", "0.05", "--burst", "3"});
  auto c = device();
  int ok = 0, limited = 0;
  std::optional<std::string> retryAfter;
  for (int i = 0; i < 6; ++i) {
    auto r = must(c.get("/api/v1/config"));
    if (r.status == 200) ++ok;
    if (r.status == 429) {
      ++limited;
      retryAfter = r.header("retry-after");
    }
  }
  EXPECT_EQ(ok, 3);
  EXPECT_EQ(limited, 3);
  ASSERT_TRUE(retryAfter);
  EXPECT_GE(std::stoi(*retryAfter), 1);
  // The bucket is in the database: a restarted server still remembers it.
  server.reset();
  server = std::make_unique<ServerProcess>(clinic.dataDir,
                                           std::vector<std::string>{"--rate", "0.05", "--burst", "3"});
  auto after = client(server->url(), deviceToken);
  EXPECT_EQ(must(after.get("/api/v1/config")).status, 429);
}

TEST_F(Api, LogsCarryIdsAndStatusButNoPatientData) {
  ASSERT_EQ(put(upload(sessionId(1), "PATIENT-MRN-4711", {{"97110", "09:00:00", "09:20:00"}})).status, 201);
  auto s = supervisor();
  must(s.get("/api/v1/days/2026-11-26/summary?clinic=north"));
  must(s.get("/api/v1/days/2026-11-26/charges.csv?clinic=north"));
  server->stop(SIGTERM);
  auto log = server->log();
  EXPECT_NE(log.find("PUT /api/v1/sessions/" + sessionId(1) + " 201 device-1"), std::string::npos) << log;
  EXPECT_EQ(log.find("PATIENT-MRN-4711"), std::string::npos) << log;
  EXPECT_EQ(log.find("JD"), std::string::npos) << log;
  EXPECT_EQ(log.find(deviceToken), std::string::npos);
}

TEST_F(Api, ABatchStoresEachSessionOnItsOwnInOneRequest) {
  auto good = upload(sessionId(1), "MRN1", {{"97110", "09:00:00", "09:20:00"}});
  auto bad = upload(sessionId(2), "MRN2", {{"97110", "09:00:00", "09:20:00"}});
  bad["discipline"] = "dance";
  auto third = upload(sessionId(3), "MRN3", {{"97110", "10:00:00", "10:20:00"}});
  nlohmann::json batch{{"sessions", {good, bad, third, good}}};
  auto c = device();
  auto r = must(c.post("/api/v1/sessions/batch", batch.dump()));
  ASSERT_EQ(r.status, 200) << r.body;
  auto results = json(r)["results"];
  ASSERT_EQ(results.size(), 4u);
  EXPECT_EQ(results[0]["status"], 201);
  EXPECT_EQ(results[1]["status"], 400);
  EXPECT_EQ(results[1]["field"], "discipline");
  EXPECT_EQ(results[2]["status"], 201);
  EXPECT_EQ(results[3]["status"], 200);  // the same session again in one batch: unchanged
  EXPECT_EQ(results[3]["result"], "unchanged");
  EXPECT_EQ(testing::queryCount(clinic.dataDir, "SELECT count(*) FROM sessions"), 2);
  // A single PUT of the same content afterwards is a repeat, not a conflict.
  EXPECT_EQ(put(third).status, 200);
  auto empty = must(c.post("/api/v1/sessions/batch", R"({"sessions":[]})"));
  EXPECT_EQ(empty.status, 400);
  EXPECT_EQ(json(empty)["field"], "sessions");
}

TEST_F(Api, ABatchCountsEverySessionAgainstTheRateLimit) {
  server.reset();
  server = std::make_unique<ServerProcess>(clinic.dataDir,
                                           std::vector<std::string>{"--rate", "0.05", "--burst", "5"});
  nlohmann::json batch{{"sessions", nlohmann::json::array()}};
  for (int i = 1; i <= 4; ++i) batch["sessions"].push_back(upload(sessionId(i), "MRN1", {}));
  auto c = device();
  EXPECT_EQ(must(c.post("/api/v1/sessions/batch", batch.dump())).status, 200);
  auto limited = must(c.post("/api/v1/sessions/batch", batch.dump()));
  EXPECT_EQ(limited.status, 429);
  EXPECT_TRUE(limited.header("retry-after"));
}

TEST_F(Api, AClinicsOwnPayerProfileIsUsedForTheDay) {
  auto file = (clinic.dir.path() / "payers.json").string();
  std::ofstream(file) << R"({"payers":[{"name":"acme","display_name":"Acme Health","rule":"ama",
    "discipline_modifiers":true,"assistant_modifiers":false,"assistant_de_minimis_percent":10,"substitutions":{},
    "drop_bundled_codes":false,"telehealth_modifier":true,"distinct_service_modifier":"59",
    "max_timed_units_per_visit":0}]})";
  Clinic::must({"config", "set", "--data-dir", clinic.dataDir, "--clinic", "north", "--name", "payers",
                "--file", file});
  // 97110 and 97140 for 8 minutes each: AMA bills each code on its own (1 + 1), CMS would pool 16 minutes
  // (1).
  auto body =
      upload(sessionId(1), "MRN1", {{"97110", "09:00:00", "09:08:00"}, {"97140", "09:08:00", "09:16:00"}});
  body["payer"] = "acme";
  ASSERT_EQ(put(body).status, 201);
  auto j = json(must(supervisor().get("/api/v1/days/2026-11-26/summary?clinic=north")));
  EXPECT_EQ(j["patients"][0]["server"]["rule"], "ama");
  EXPECT_EQ(j["patients"][0]["server"]["total_units"], 2);
  EXPECT_EQ(json(must(device().get("/api/v1/config")))["payers"]["payers"][0]["name"], "acme");

  std::ofstream(file) << R"({"payers":[{"name":"Bad Name!","rule":"sometimes"}]})";
  auto refused = testing::runServer({"config", "set", "--data-dir", clinic.dataDir, "--clinic", "north",
                                     "--name", "payers", "--file", file});
  EXPECT_EQ(refused.exitCode, 1);
  EXPECT_FALSE(refused.err.empty());
}

TEST_F(Api, UnknownEndpointsAndBadDatesAreClearErrors) {
  auto s = supervisor();
  EXPECT_EQ(must(s.get("/api/v1/nothing-here")).status, 404);
  auto r = must(s.get("/api/v1/days/2026-02-30/summary?clinic=north"));
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(json(r)["field"], "date");
  EXPECT_EQ(must(s.get("/api/v1/days/2026-11-26/summary")).status, 400);  // which clinic?
}

TEST(ServerCommands, ServeATrainingServerWhoseHl7SaysSo) {
  Clinic clinic;
  auto bad = testing::runServer({"serve", "--data-dir", clinic.dataDir, "--hl7-processing-id", "D"});
  EXPECT_EQ(bad.exitCode, 2) << bad.err;
  ServerProcess server(clinic.dataDir, {"--hl7-processing-id", "T"});
  auto device = client(server.url(), enroll(server.url(), clinic.enrollCode));
  auto body = upload(sessionId(1), "MRN1", {{"97110", "09:00:00", "09:33:00"}});
  ASSERT_EQ(must(device.put("/api/v1/sessions/" + sessionId(1), body.dump())).status, 201);
  auto s = client(server.url(), clinic.supervisorToken);
  auto read = testing::readWithPythonHl7(must(s.get("/api/v1/days/2026-11-26/charges.hl7?clinic=north")).body,
                                         {"1:MSH.F11", "1:MSH.F7"});
  ASSERT_TRUE(read.parsed) << read.error;
  EXPECT_EQ(read["1:MSH.F11"], "T");
  EXPECT_EQ(read["1:MSH.F7"].substr(14), "+0000") << "the test clinic's zone is UTC";
}

TEST(ServerCommands, RefuseToServeAMissingDataDirectory) {
  testing::TempDir dir;
  auto r = testing::runServer(
      {"serve", "--data-dir", (dir.path() / "nothing").string(), "--listen", "127.0.0.1:0"});
  EXPECT_EQ(r.exitCode, 1);
  EXPECT_NE(r.err.find("unitclock-server init"), std::string::npos) << r.err;
}

TEST(ServerCommands, RefuseACorruptDatabaseAndLeaveItAlone) {
  UNITCLOCK_SQLITE_ONLY("damages the database file");
  testing::TempDir dir;
  auto data = dir.path() / "data";
  ASSERT_EQ(testing::runServer({"init", "--data-dir", data.string()}).exitCode, 0);
  {
    std::FILE* f = std::fopen((data / "unitclock-server.db").c_str(), "r+b");
    ASSERT_NE(f, nullptr);
    std::fseek(f, 0, SEEK_SET);
    std::fputs("this is not a database file at all", f);
    std::fclose(f);
  }
  auto before = std::filesystem::file_size(data / "unitclock-server.db");
  auto r = testing::runServer({"serve", "--data-dir", data.string(), "--listen", "127.0.0.1:0"});
  EXPECT_EQ(r.exitCode, 1);
  EXPECT_FALSE(r.err.empty());
  EXPECT_EQ(std::filesystem::file_size(data / "unitclock-server.db"), before);
}

TEST(ServerCommands, RefuseADatabaseFromANewerServerAndLeaveItAlone) {
  UNITCLOCK_SQLITE_ONLY("sets PRAGMA user_version; PostgresStore.* covers a newer schema");
  testing::TempDir dir;
  auto data = dir.path() / "data";
  ASSERT_EQ(testing::runServer({"init", "--data-dir", data.string()}).exitCode, 0);
  {
    auto db = platform::sqlite::Database::open((data / "unitclock-server.db").string());
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE(db->setUserVersion(99).ok());
  }
  auto r = testing::runServer({"serve", "--data-dir", data.string(), "--listen", "127.0.0.1:0"});
  EXPECT_EQ(r.exitCode, 1);
  EXPECT_NE(r.err.find("newer"), std::string::npos) << r.err;
  auto db = platform::sqlite::Database::open((data / "unitclock-server.db").string());
  EXPECT_EQ(db->userVersion().value(), 99);
  EXPECT_EQ(testing::runServer({"init", "--data-dir", data.string()}).exitCode, 1);
}

TEST(ServerCommands, KeepTheDataDirectoryPrivateToItsOwner) {
  UNITCLOCK_SQLITE_ONLY("the data directory's permissions");
  testing::TempDir dir;
  auto data = dir.path() / "data";
  ASSERT_EQ(testing::runServer({"init", "--data-dir", data.string()}).exitCode, 0);
  using std::filesystem::perms;
  auto dirPerms = std::filesystem::status(data).permissions();
  EXPECT_EQ(dirPerms & (perms::group_all | perms::others_all), perms::none);
  auto dbPerms = std::filesystem::status(data / "unitclock-server.db").permissions();
  EXPECT_EQ(dbPerms & (perms::group_all | perms::others_all), perms::none);
}

TEST(ServerCommands, ExplainUsageMistakes) {
  EXPECT_EQ(testing::runServer({}).exitCode, 2);
  EXPECT_EQ(testing::runServer({"clinic", "add", "--data-dir", "/tmp/x"}).exitCode, 2);
  auto r = testing::runServer({"token", "add", "--data-dir", "/tmp/x", "--role", "admin"});
  EXPECT_EQ(r.exitCode, 2);
  EXPECT_NE(r.err.find("--role must be supervisor"), std::string::npos);
  EXPECT_EQ(testing::runServer({"fly", "--data-dir", "/tmp/x"}).exitCode, 2);
}

// [SECTION] Billing exports: held charges, releases, NPIs, FHIR.

TEST_F(Api, AHeldPatientDayLeavesOnlyAfterASupervisorReleasesItWithAReason) {
  Clinic::must({"clinician", "add", "--data-dir", clinic.dataDir, "--clinic", "north", "--id", "ot1",
                "--name", "Ana Ortiz", "--role", "ot", "--npi", "1234567893", "--family-name", "Ortiz",
                "--given-name", "Ana"});
  // ot1 in one-on-one with two patients at once: both patient-days are held.
  ASSERT_EQ(put(upload(sessionId(1), "MRN1", {{"97110", "15:00:00", "15:30:00"}})).status, 201);
  ASSERT_EQ(put(upload(sessionId(2), "MRN2", {{"97140", "15:10:00", "15:40:00"}})).status, 201);
  auto s = supervisor();
  auto summary = json(must(s.get("/api/v1/days/2026-11-26/summary?clinic=north")));
  ASSERT_EQ(summary["held"].size(), 2u) << summary.dump();
  EXPECT_NE(summary["held"][0]["flags"].dump().find("one-on-one-overlap"), std::string::npos);
  EXPECT_EQ(summary["flags"].dump().find("npi-missing"), std::string::npos);
  auto csv = must(s.get("/api/v1/days/2026-11-26/charges.csv?clinic=north")).body;
  EXPECT_EQ(csv.find("MRN1"), std::string::npos) << csv;
  auto hl7 = must(s.get("/api/v1/days/2026-11-26/charges.hl7?clinic=north")).body;
  EXPECT_EQ(hl7, "");

  const std::string release = R"({"clinic":"north","patient_mrn":"MRN1","discipline":"ot",)"
                              R"("reason":"co-treatment with the assistant, documented"})";
  EXPECT_EQ(must(device().post("/api/v1/days/2026-11-26/release", release)).status, 403);
  EXPECT_EQ(must(s.post("/api/v1/days/2026-11-26/release", R"({"clinic":"north","patient_mrn":"MRN1",)"
                                                           R"("discipline":"ot","reason":""})"))
                .status,
            400);
  EXPECT_EQ(must(s.post("/api/v1/days/2026-11-26/release", R"({"clinic":"north","patient_mrn":"MRN8",)"
                                                           R"("discipline":"ot","reason":"x"})"))
                .status,
            404);
  auto r = must(s.post("/api/v1/days/2026-11-26/release", release));
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(json(r)["released_by"].get<std::string>().rfind("token-", 0), 0u);
  EXPECT_EQ(must(s.post("/api/v1/days/2026-11-26/release", release)).status, 200) << "released already";
  EXPECT_EQ(testing::queryCount(clinic.dataDir, "SELECT COUNT(*) FROM charge_releases"), 1);

  summary = json(must(s.get("/api/v1/days/2026-11-26/summary?clinic=north")));
  EXPECT_EQ(summary["held"].size(), 1u) << summary.dump();
  ASSERT_EQ(summary["released"].size(), 1u) << summary.dump();
  EXPECT_EQ(summary["released"][0]["reason"], "co-treatment with the assistant, documented");
  hl7 = must(s.get("/api/v1/days/2026-11-26/charges.hl7?clinic=north&batch=1")).body;
  auto read =
      testing::readWithPythonHl7(hl7, {"1:PID.F3.R1.C1", "1:FT1.F2", "1:FT1.F20.R1.C1", "1:FT1.F20.R1.C13"});
  ASSERT_TRUE(read.parsed) << read.error;
  EXPECT_EQ(read.messages, 1);
  EXPECT_EQ(read["1:PID.F3.R1.C1"], "MRN1");
  EXPECT_EQ(read["1:FT1.F20.R1.C1"], "1234567893");
  EXPECT_EQ(read["1:FT1.F20.R1.C13"], "NPI");
  auto fhir = json(must(s.get("/api/v1/days/2026-11-26/charges.json?clinic=north")));
  ASSERT_EQ(fhir["entry"].size(), 1u) << fhir.dump();
  EXPECT_EQ(fhir["entry"][0]["resource"]["identifier"][0]["value"], read["1:FT1.F2"]);

  // A new revision changes the patient-day: it is held again until released again.
  testing::RecordedSession corrected{sessionId(1), "MRN1", {{"97110", "15:00:00", "15:30:00"}}};
  corrected.revision = 2;
  corrected.correctionReason = "end time corrected";
  corrected.corrections = {{0, "15:00:00", "15:35:00"}};
  auto revised = put(upload(corrected));
  ASSERT_EQ(revised.status, 201) << revised.body;
  summary = json(must(s.get("/api/v1/days/2026-11-26/summary?clinic=north")));
  EXPECT_EQ(summary["held"].size(), 2u) << summary.dump();
  EXPECT_EQ(must(s.get("/api/v1/days/2026-11-26/charges.csv?clinic=north")).body.find("MRN1"),
            std::string::npos);
}

// FT1-2 of each message's first charge, by MRN, as python3-hl7 reads the day's export.
std::map<std::string, std::string> transactionIdsByMrn(HttpClient& s) {
  auto hl7 = must(s.get("/api/v1/days/2026-11-26/charges.hl7?clinic=north")).body;
  std::vector<std::string> keys;
  for (int m = 1; m <= 5; ++m)
    for (const char* f : {":PID.F3.R1.C1", ":FT1.F2"}) keys.push_back(std::to_string(m) + f);
  auto read = testing::readWithPythonHl7(hl7, keys);
  EXPECT_TRUE(read.parsed) << read.error;
  std::map<std::string, std::string> ids;
  for (int m = 1; m <= read.messages; ++m)
    ids[read[std::to_string(m) + ":PID.F3.R1.C1"]] = read[std::to_string(m) + ":FT1.F2"];
  return ids;
}

TEST_F(Api, AChargeKeepsItsTransactionIdWhenALateSessionAndAVoidArrive) {
  testing::RecordedSession b{sessionId(2), "MRN5", {{"97110", "10:00:00", "10:30:00"}}};
  ASSERT_EQ(put(upload(sessionId(1), "MRN3", {{"97110", "09:00:00", "09:30:00"}})).status, 201);
  ASSERT_EQ(put(upload(b)).status, 201);
  ASSERT_EQ(put(upload(sessionId(3), "MRN7", {{"97110", "11:00:00", "11:30:00"}})).status, 201);
  auto s = supervisor();
  auto first = transactionIdsByMrn(s);
  ASSERT_EQ(first.size(), 3u);
  EXPECT_EQ(transactionIdsByMrn(s), first) << "a re-export gives the same ids";

  // A late session of a patient with a lower MRN, then MRN5's session voided.
  ASSERT_EQ(put(upload(sessionId(4), "MRN1", {{"97110", "12:00:00", "12:30:00"}})).status, 201);
  auto afterLate = transactionIdsByMrn(s);
  ASSERT_EQ(afterLate.size(), 4u);
  ASSERT_EQ(put(voidOf(b, "Wrong patient")).status, 201);
  auto afterVoid = transactionIdsByMrn(s);
  ASSERT_EQ(afterVoid.size(), 3u);
  for (const char* mrn : {"MRN3", "MRN7"}) {
    EXPECT_EQ(afterLate.at(mrn), first.at(mrn)) << mrn;
    EXPECT_EQ(afterVoid.at(mrn), first.at(mrn)) << mrn;
  }
  EXPECT_EQ(afterVoid.at("MRN1"), afterLate.at("MRN1"));
  for (const auto& [mrn, id] : afterVoid)
    EXPECT_NE(id, first.at("MRN5")) << "the voided charge's id is not reused";
  // The FHIR export marks the voided charge entered-in-error under its old id.
  auto fhir = json(must(s.get("/api/v1/days/2026-11-26/charges.json?clinic=north")));
  bool marked = false;
  for (const auto& e : fhir["entry"])
    if (e["resource"]["identifier"][0]["value"] == first.at("MRN5"))
      marked = e["resource"]["status"] == "entered-in-error";
  EXPECT_TRUE(marked) << fhir.dump();
}

TEST_F(Api, TheCsvExportCanStartWithAByteOrderMarkForSpreadsheets) {
  ASSERT_EQ(put(upload(sessionId(1), "MRN1", {{"97110", "09:00:00", "09:33:00"}})).status, 201);
  auto s = supervisor();
  EXPECT_EQ(must(s.get("/api/v1/days/2026-11-26/charges.csv?clinic=north")).body.rfind("charge_id,", 0), 0u);
  EXPECT_EQ(must(s.get("/api/v1/days/2026-11-26/charges.csv?clinic=north&bom=1"))
                .body.rfind("\xEF\xBB\xBF"
                            "charge_id,",
                            0),
            0u);
}

TEST(AdminCommands, ClinicianAddChecksTheNpi) {
  Clinic clinic;
  auto bad = testing::runServer({"clinician", "add", "--data-dir", clinic.dataDir, "--clinic", "north",
                                 "--id", "pt1", "--name", "Pat Doe", "--role", "pt", "--npi", "1234567890"});
  EXPECT_EQ(bad.exitCode, 2) << bad.err;
  EXPECT_NE(bad.err.find("check digit"), std::string::npos) << bad.err;
  auto good = testing::runServer({"clinician", "add", "--data-dir", clinic.dataDir, "--clinic", "north",
                                  "--id", "pt1", "--name", "Pat Doe", "--role", "pt", "--npi", "1234567893",
                                  "--family-name", "Doe", "--given-name", "Pat"});
  EXPECT_EQ(good.exitCode, 0) << good.err;
  EXPECT_EQ(testing::queryCount(clinic.dataDir,
                                "SELECT COUNT(*) FROM clinicians WHERE id = 'pt1' AND npi = '1234567893'"),
            1);
}

// [SECTION] One contract: the server bills what the therapist signed, and derives it from the log.

namespace contract {

nlohmann::json dayLines(HttpClient& s) {
  auto summary = json(must(s.get("/api/v1/days/2026-11-26/summary?clinic=north")));
  EXPECT_EQ(summary["patients"].size(), 1u) << summary.dump();
  return summary["patients"][0];
}

}  // namespace contract

TEST_F(Api, ATieGivenToTheSecondCodeIsBilledToItOnTheServerToo) {
  // 97530 8 min and 97110 8 min: one unit between them; the therapist gives it to 97110 at review.
  testing::RecordedSession tie{
      sessionId(1), "MRN1", {{"97530", "09:00:00", "09:08:00"}, {"97110", "09:08:00", "09:16:00"}}};
  tie.tiePreference = {"97110"};
  auto body = upload(tie);
  ASSERT_EQ(body["lines"].size(), 1u) << body.dump();
  EXPECT_EQ(body["lines"][0]["code"], "97110");
  ASSERT_EQ(put(body).status, 201);
  auto s = supervisor();
  auto patient = contract::dayLines(s);
  ASSERT_EQ(patient["server"]["lines"].size(), 1u) << patient.dump();
  EXPECT_EQ(patient["server"]["lines"][0]["code"], "97110");
  EXPECT_EQ(patient["flags"].dump().find("units-differ"), std::string::npos) << patient.dump();
  // The summary a kiosk reads is the wire's document, read back to the same JSON.
  auto raw = json(must(s.get("/api/v1/days/2026-11-26/summary?clinic=north")));
  auto typed = wire::parseDaySummary(raw);
  ASSERT_TRUE(typed.ok()) << typed.error().field << " " << typed.error().message;
  EXPECT_EQ(typed->patients.at(0).server->lines.at(0).code, "97110");
  EXPECT_EQ(wire::toJson(typed.value()), raw);
  const auto csv = must(s.get("/api/v1/days/2026-11-26/charges.csv?clinic=north")).body;
  EXPECT_NE(csv.find("97110"), std::string::npos) << csv;
  EXPECT_EQ(csv.find("97530"), std::string::npos) << csv;
  auto hl7 = testing::readWithPythonHl7(must(s.get("/api/v1/days/2026-11-26/charges.hl7?clinic=north")).body,
                                        {"1:FT1.F7.R1.C1"});
  ASSERT_TRUE(hl7.parsed) << hl7.error;
  EXPECT_EQ(hl7["1:FT1.F7.R1.C1"], "97110");
}

TEST_F(Api, SegmentsCorrectedAtReviewAreReplayedAndBilledOnTheServerToo) {
  // 97110 09:00–09:20 and 97140 09:20–09:30 as tapped. At review: the first ten minutes were really 97530
  // (split, then changed), 97140 was tapped by mistake (deleted), and 97110 ran five minutes past 09:20
  // without a timer (added). Then 97530 10 min and 97110 15 min: 1 unit each.
  testing::RecordedSession rec{
      sessionId(1), "MRN1", {{"97110", "09:00:00", "09:20:00"}, {"97140", "09:20:00", "09:30:00"}}};
  rec.status = "ended";
  auto events = testing::eventsOf(rec);
  auto session = core::Session::restore(testing::headerOf(rec), events);
  ASSERT_TRUE(session.ok()) << session.error().message;
  const core::Instant later{testing::at(rec, "10:00:00"), "run-1", std::chrono::hours{2}};
  const auto t = [&](const char* hms) { return testing::at(rec, hms); };
  const auto add = [&](core::Event e) {
    e.sequence = session->nextSequence();
    auto ok = session->apply(e);
    ASSERT_TRUE(ok.ok()) << ok.error().message;
  };
  add(core::segmentSplit(0, later, "ot1", 0, t("09:00:00"), t("09:20:00"), t("09:10:00"),
                         "Changed activity without a tap"));
  add(core::segmentRecoded(0, later, "ot1", 0, t("09:00:00"), t("09:10:00"), "97530",
                           core::Performer::therapist, "Tapped wrong activity"));
  add(core::segmentDeleted(0, later, "ot1", 2, t("09:20:00"), t("09:30:00"), "Tapped by mistake"));
  add(core::segmentAdded(0, later, "ot1", "97110", core::Performer::therapist, core::ActivityMode::one_on_one,
                         t("09:20:00"), t("09:25:00"), "Forgot to start"));
  add(core::makeEvent(core::EventType::session_signed, 0, later, "ot1"));
  auto described = wire::describeSession(testing::headerOf(rec), session->events(), wire::utcDays(), {});
  ASSERT_TRUE(described.ok()) << described.error();
  auto body = wire::toJson(described.value());
  auto stored = put(body);
  ASSERT_EQ(stored.status, 201) << stored.body;

  auto s = supervisor();
  auto patient = contract::dayLines(s);
  std::map<std::string, int> units;
  for (const auto& l : patient["server"]["lines"])
    units[l["code"].get<std::string>()] += l["units"].get<int>();
  EXPECT_EQ(units, (std::map<std::string, int>{{"97110", 1}, {"97530", 1}})) << patient.dump();
  EXPECT_EQ(patient["flags"].dump().find("units-differ"), std::string::npos) << patient.dump();
}

TEST_F(Api, AnUntimedServiceAnAssistantFurnishedIsBilledWithCoOnTheServerToo) {
  // An evaluation-day reassessment furnished by the assistant: the device signs 97168 GO CO.
  testing::RecordedSession s1{sessionId(1), "MRN1", {{"97110", "09:00:00", "09:20:00"}}};
  s1.untimed = {{"97168", 30, 30, "09:20:00", "ota1"}};
  auto body = upload(s1);
  bool coOnDevice = false;
  for (const auto& l : body["lines"])
    if (l["code"] == "97168") coOnDevice = l["modifiers"].dump().find("CO") != std::string::npos;
  ASSERT_TRUE(coOnDevice) << body.dump();
  ASSERT_EQ(put(body).status, 201);
  auto s = supervisor();
  auto patient = contract::dayLines(s);
  bool coOnServer = false;
  for (const auto& l : patient["server"]["lines"])
    if (l["code"] == "97168") coOnServer = l["modifiers"].dump().find("CO") != std::string::npos;
  EXPECT_TRUE(coOnServer) << patient.dump();
  EXPECT_EQ(patient["flags"].dump().find("units-differ"), std::string::npos) << patient.dump();
  const auto csv = must(s.get("/api/v1/days/2026-11-26/charges.csv?clinic=north")).body;
  EXPECT_NE(csv.find("CO"), std::string::npos) << csv;
}

TEST_F(Api, SegmentsTheLogDoesNotGiveAreRefusedAndNothingIsStored) {
  // Two overlapping 8-hour segments for 8 clock hours: 64 units if the server believed them.
  auto body = upload(sessionId(1), "MRN1", {{"97110", "08:00:00", "16:00:00"}});
  body["segments"].push_back(body["segments"][0]);
  body["segments"][1]["code"] = "97530";
  auto r = put(body);
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(json(r)["field"], "segments");
  // A segment longer than the log says.
  auto longer = upload(sessionId(1), "MRN1", {{"97110", "08:00:00", "08:20:00"}});
  longer["segments"][0]["end"] = "2026-11-26T16:00:00.000Z";
  auto r2 = put(longer);
  EXPECT_EQ(r2.status, 400) << r2.body;
  EXPECT_EQ(json(r2)["field"], "segments[0]");
  // An untimed service the log does not hold, or with the assistant's minutes removed.
  auto extra = upload(sessionId(1), "MRN1", {{"97110", "08:00:00", "08:20:00"}});
  extra["untimed"] = nlohmann::json::array({{{"code", "97168"}, {"minutes", 60}}});
  EXPECT_EQ(json(put(extra))["field"], "untimed");
  // A log core refuses: an activity started in a signed session.
  auto late = upload(sessionId(1), "MRN1", {{"97110", "08:00:00", "08:20:00"}});
  auto started = late["events"][1];
  started["sequence"] = late["events"].size() + 1;
  late["events"].push_back(started);
  auto r3 = put(late);
  EXPECT_EQ(r3.status, 400);
  EXPECT_EQ(json(r3)["field"], "events[" + std::to_string(late["events"].size() - 1) + "]");
  EXPECT_NE(json(r3)["message"].get<std::string>().find("activity_started"), std::string::npos) << r3.body;
  EXPECT_EQ(testing::queryCount(clinic.dataDir, "SELECT count(*) FROM sessions"), 0);
  EXPECT_EQ(testing::queryCount(clinic.dataDir, "SELECT count(*) FROM session_revisions"), 0);
}

TEST_F(Api, AClinicianWhoIsOnNoRosterIsNotBilled) {
  testing::RecordedSession stranger{sessionId(1), "MRN1", {{"97110", "09:00:00", "09:20:00", "ot9"}}};
  stranger.rendering = "ot9";
  auto r = put(upload(stranger));
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(json(r)["field"], "rendering_clinician");
  // A contributor who is on no roster, in an otherwise known session.
  testing::RecordedSession helper{
      sessionId(2), "MRN1", {{"97110", "09:00:00", "09:20:00"}, {"97530", "09:20:00", "09:30:00", "ot9"}}};
  auto r2 = put(upload(helper));
  EXPECT_EQ(r2.status, 400) << r2.body;
  EXPECT_EQ(json(r2)["field"], "clinicians[1]");
  EXPECT_EQ(testing::queryCount(clinic.dataDir, "SELECT count(*) FROM sessions"), 0);
}

TEST_F(Api, ASessionIdIsOneSpellingInLowerCase) {
  auto body = upload(sessionId(0xabc), "MRN1", {{"97110", "09:00:00", "09:20:00"}});
  std::string upper = body["id"];
  for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  body["id"] = upper;
  auto r = put(body);
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(json(r)["field"], "id");
  EXPECT_EQ(testing::queryCount(clinic.dataDir, "SELECT count(*) FROM sessions"), 0);
}

TEST_F(Api, ALogWhoseClockRunsCarryItCenturiesAheadIsRefusedAtOnce) {
  // A device's clock runs placed back to back can put a running activity's end centuries later; the
  // server would otherwise cut it at every midnight in between.
  testing::RecordedSession s{sessionId(1), "MRN1", {{"97110", "09:00:00", "09:10:00"}}};
  s.status = "open";
  auto body = upload(s);
  auto& events = body["events"];
  const auto at = events.back()["at"];
  events.push_back({{"sequence", events.size() + 1},
                    {"type", "activity_started"},
                    {"at", at},
                    {"clinician", "ot1"},
                    {"code", "97110"},
                    {"performer", "therapist"},
                    {"mode", "one_on_one"},
                    {"run", "rX"},
                    {"monotonic_ns", 0}});
  events.push_back({{"sequence", events.size() + 1},
                    {"type", "tie_preference_set"},
                    {"at", at},
                    {"clinician", "ot1"},
                    {"run", "rX"},
                    {"monotonic_ns", 9223372036854775807LL}});
  auto r = put(body);
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(json(r)["field"], "events");
  EXPECT_NE(json(r)["message"].get<std::string>().find("spans more than 31 days"), std::string::npos)
      << r.body;
}

TEST_F(Api, ACorrectionContinuesTheSignedLogAndKeepsItsPatient) {
  testing::RecordedSession first{sessionId(1), "MRN1", {{"97110", "09:00:00", "09:20:00"}}};
  ASSERT_EQ(put(upload(first)).status, 201);
  auto otherPatient = first;
  otherPatient.mrn = "MRN2";
  otherPatient.revision = 2;
  auto r = put(upload(otherPatient));
  EXPECT_EQ(r.status, 409) << r.body;
  EXPECT_EQ(json(r)["field"], "patient");
  auto rewritten = first;
  rewritten.segments = {{"97110", "08:00:00", "09:20:00"}};  // a new history, not a continuation
  rewritten.revision = 2;
  auto r2 = put(upload(rewritten));
  EXPECT_EQ(r2.status, 409) << r2.body;
  EXPECT_EQ(json(r2)["field"], "events");
  EXPECT_EQ(testing::queryCount(clinic.dataDir, "SELECT revision FROM sessions"), 1);
}

TEST_F(Api, ASignedSessionTheClinicsRulesCannotBillIsRefused) {
  // A code the clinic's catalog does not know would hold every session of the patient's day.
  auto r = put(upload(sessionId(1), "MRN1", {{"ZZZ99", "09:00:00", "09:20:00"}}));
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(json(r)["field"], "lines");
  EXPECT_EQ(testing::queryCount(clinic.dataDir, "SELECT count(*) FROM sessions"), 0);
}

TEST_F(Api, OnlyTheDeviceThatUploadedASessionRevisesOrVoidsIt) {
  testing::RecordedSession mine{sessionId(1), "MRN1", {{"97110", "09:00:00", "09:20:00"}}};
  ASSERT_EQ(put(upload(mine)).status, 201);
  auto other = client(server->url(), enroll(server->url(), clinic.newEnrollCode()));
  auto corrected = mine;
  corrected.revision = 2;
  corrected.corrections = {{0, "09:00:00", "09:40:00"}};
  auto v2 = upload(corrected);
  auto stolen = must(other.put("/api/v1/sessions/" + sessionId(1), v2.dump()));
  EXPECT_EQ(stolen.status, 403) << stolen.body;
  EXPECT_EQ(json(stolen)["field"], "id");
  auto voided = mine;
  voided.status = "voided";
  EXPECT_EQ(must(other.put("/api/v1/sessions/" + sessionId(1), upload(voided).dump())).status, 403);
  EXPECT_EQ(testing::queryCount(clinic.dataDir, "SELECT revision FROM sessions"), 1);

  // A revision that skips numbers would freeze the session: refused.
  auto far = mine;
  far.revision = 5;
  auto jump = put(upload(far));
  EXPECT_EQ(jump.status, 409) << jump.body;
  EXPECT_EQ(json(jump)["field"], "revision");

  // An admin moves the session to the new tablet: from then on, it revises it and the old one cannot.
  Clinic::must({"session", "transfer", "--data-dir", clinic.dataDir, "--clinic", "north", "--session",
                sessionId(1), "--to-device", "2"});
  auto moved = must(other.put("/api/v1/sessions/" + sessionId(1), v2.dump()));
  EXPECT_EQ(moved.status, 201) << moved.body;
  EXPECT_EQ(put(upload(voided)).status, 403);
  EXPECT_EQ(testing::runServer({"session", "transfer", "--data-dir", clinic.dataDir, "--clinic", "north",
                                "--session", sessionId(9), "--to-device", "2"})
                .exitCode,
            1);
}

}  // namespace
}  // namespace unitclock::server
