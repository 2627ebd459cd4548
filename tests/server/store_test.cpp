// The store seam (unitclock/server/store.h) through its interface only, on a real store: one suite,
// parameterised by backend: SQLite (a temp data directory) and PostgreSQL (a schema of its own on the
// run's throwaway cluster). Each runs on its pass of the server suite (server_process.h, "Which store").
#include <gtest/gtest.h>

#include <unitclock/server/auth.h>
#include <unitclock/server/devices.h>
#include <unitclock/server/ingest.h>
#include <unitclock/server/rate_limit.h>
#include <unitclock/server/secrets.h>
#include <unitclock/server/store.h>
#include <unitclock/server/summary.h>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>

#include "server_process.h"
#include "support/temp_dir.h"
#include "upload_fixtures.h"

namespace unitclock::server {
namespace {

// A backend under test: a name for the test's label and a factory for a new, empty, initialised store.
struct StoreBackend {
  std::string name;
  std::function<std::unique_ptr<ServerStore>(const std::filesystem::path& scratch)> make;
};

std::unique_ptr<ServerStore> makeSqliteStore(const std::filesystem::path& scratch) {
  const StoreOptions options{scratch / "data"};
  if (auto v = initServerStore(options); !v) throw std::runtime_error(v.error().message);
  auto store = openServerStore(options);
  if (!store) throw std::runtime_error(store.error().message);
  return std::move(store).value();
}

std::unique_ptr<ServerStore> makePostgresStore(const std::filesystem::path& scratch) {
  const StoreOptions options{{}, testing::databaseUrlFor((scratch / "data").string())};
  if (auto v = initServerStore(options); !v) throw std::runtime_error(v.error().message);
  auto store = openServerStore(options);
  if (!store) throw std::runtime_error(store.error().message);
  return std::move(store).value();
}

const StoreBackend kBackends[] = {{"sqlite", makeSqliteStore}, {"postgresql", makePostgresStore}};

class StoreTest : public ::testing::TestWithParam<StoreBackend> {
 protected:
  void SetUp() override {
    // Each backend on its own pass of the suite: PostgreSQL needs the pass's cluster.
    if ((GetParam().name == "postgresql") != testing::onPostgres()) GTEST_SKIP() << "runs on the other pass";
    store = GetParam().make(dir.path());
    auto c = store->connect();
    ASSERT_TRUE(c) << c.error().message;
    db = std::move(c).value();
    ASSERT_TRUE(db->addClinic({"north", "North Clinic", "UTC", 6, "2026-11-01T00:00:00Z"}));
    ASSERT_TRUE(db->addClinic({"west", "West Clinic", "America/Chicago", 8, "2026-11-01T00:00:00Z"}));
  }

  // Runs `fn` in a write transaction and commits.
  template <class Fn>
  void inWrite(Fn fn) {
    auto tx = StoreTransaction::begin(*db, TransactionKind::kWrite);
    ASSERT_TRUE(tx) << tx.error().message;
    fn();
    ASSERT_TRUE(tx->commit());
  }

  std::int64_t enroll(const std::string& label = "room 3") {
    const std::string code = "ABCD-EFGH-" + label;
    EXPECT_TRUE(db->addEnrollmentCode(sha256Hex(normalizeEnrollmentCode(code)), "north",
                                      "2026-11-01T00:00:00Z", "2999-01-01T00:00:00Z"));
    auto e = enrollDevice(*db, code, label);
    EXPECT_TRUE(e) << e.error().message;
    lastToken = e ? e->token : "";
    return e ? e->deviceId : 0;
  }

  test::TempDir dir;
  std::unique_ptr<ServerStore> store;
  std::unique_ptr<StoreConnection> db;
  std::string lastToken;
};

TEST_P(StoreTest, ANewStoreIsHealthyAtThisBuildsSchema) {
  auto v = db->checkHealth();
  ASSERT_TRUE(v) << v.error().message;
  EXPECT_EQ(v.value(), store->schemaVersion());
  EXPECT_TRUE(store->checkIntegrity());
  auto bytes = db->storeBytes();
  ASSERT_TRUE(bytes);
  EXPECT_GT(bytes.value(), 0);
}

TEST_P(StoreTest, ClinicsAreFoundListedAndTheirZoneKept) {
  auto c = db->findClinic("west");
  ASSERT_TRUE(c && c.value());
  EXPECT_EQ(c.value()->timeZone, "America/Chicago");
  EXPECT_EQ(c.value()->minPinDigits, 8);
  auto none = db->findClinic("south");
  ASSERT_TRUE(none);
  EXPECT_FALSE(none.value());
  auto all = db->listClinics();
  ASSERT_TRUE(all);
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ(all->front().id, "north");
  EXPECT_EQ(clinicTimeZone(*db, "west"), "America/Chicago");
  EXPECT_EQ(clinicTimeZone(*db, "south"), "UTC");
}

TEST_P(StoreTest, AnEnrolledDevicesTokenAuthenticatesUntilRevoked) {
  const auto id = enroll();
  auto who = authenticate(*db, "Bearer " + lastToken);
  ASSERT_TRUE(who) << who.error().message;
  EXPECT_EQ(who->role, Role::kDevice);
  EXPECT_EQ(who->deviceId, id);
  EXPECT_EQ(who->clinicId, "north");
  auto again = enrollDevice(*db, "ABCD-EFGH-room 3", "twice");
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().status, 403);
  auto revoked = db->revokeDevice(id, nowUtc());
  ASSERT_TRUE(revoked);
  EXPECT_TRUE(revoked.value());
  EXPECT_FALSE(db->revokeDevice(id, nowUtc()).value());  // already revoked
  auto refused = authenticate(*db, "Bearer " + lastToken);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().status, 403);
}

TEST_P(StoreTest, ASupervisorTokenAuthenticatesWithItsClinicAndIsListed) {
  const auto token = newToken();
  auto id = db->addApiToken(sha256Hex(token), "supervisor", std::string("north"), "front desk", nowUtc());
  ASSERT_TRUE(id) << id.error().message;
  auto who = authenticate(*db, "Bearer " + token);
  ASSERT_TRUE(who);
  EXPECT_EQ(who->role, Role::kSupervisor);
  EXPECT_EQ(who->tokenId, id.value());
  EXPECT_EQ(who->clinicId, "north");
  auto unknown = authenticate(*db, "Bearer nope");
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().status, 401);
  auto listed = db->listApiTokens("north");
  ASSERT_TRUE(listed);
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ(listed->front().label, "front desk");
  EXPECT_TRUE(db->revokeApiToken(id.value(), nowUtc()).value());
  EXPECT_TRUE(db->listApiTokens("")->front().revokedAt);
}

TEST_P(StoreTest, TheRosterKeepsStoredPartsAnUpdateLeavesOut) {
  ASSERT_TRUE(db->addClinician({"ot1", "north", "Olive", "ot", "", "1234567893", "Tree", "Olive", true}));
  ASSERT_TRUE(db->updateClinician({"ot1", "north", "Olive T.", "ot", "", "", "", "", true}));
  ASSERT_TRUE(db->setClinicianPin("ot1", "$argon2id$x"));
  auto c = db->findClinician("ot1");
  ASSERT_TRUE(c && c.value());
  EXPECT_EQ(c.value()->name, "Olive T.");
  EXPECT_EQ(c.value()->npi, "1234567893");
  EXPECT_EQ(c.value()->pinHash, "$argon2id$x");
  EXPECT_TRUE(db->deactivateClinician("ot1").value());
  EXPECT_FALSE(db->deactivateClinician("nobody").value());
  auto roster = db->listClinicians("north");
  ASSERT_TRUE(roster);
  ASSERT_EQ(roster->size(), 1u);
  EXPECT_FALSE(roster->front().active);
}

TEST_P(StoreTest, DocumentsAreReplacedAndTheScheduleIsReadByTime) {
  ASSERT_TRUE(db->setClinicDocument("north", {"payers", "[1]"}));
  ASSERT_TRUE(db->setClinicDocument("north", {"payers", "[2]"}));
  auto docs = db->clinicDocuments("north");
  ASSERT_TRUE(docs);
  ASSERT_EQ(docs->size(), 1u);
  EXPECT_EQ(docs->front().body, "[2]");
  ASSERT_TRUE(
      db->addScheduleEntry({"north", "2026-11-26", "10:00", "MRN2", "B.B.", "medicare", "pt", "pt1"}));
  ASSERT_TRUE(db->addScheduleEntry({"north", "2026-11-26", "09:00", "MRN1", "A.A.", "medicare", "", "ot1"}));
  ASSERT_TRUE(db->addScheduleEntry({"north", "2026-11-27", "08:00", "MRN3", "C.C.", "medicare", "", "ot1"}));
  auto day = db->schedule("north", "2026-11-26");
  ASSERT_TRUE(day);
  ASSERT_EQ(day->size(), 2u);
  EXPECT_EQ(day->at(0).mrn, "MRN1");
  EXPECT_EQ(day->at(1).mrn, "MRN2");
}

TEST_P(StoreTest, ARateBucketIsTakenFromAndRefilled) {
  const RateLimit limit{1.0, 2.0};
  EXPECT_FALSE(db->readRateBucket(7).value());
  EXPECT_TRUE(takeToken(*db, 7, limit, 1000)->allowed);
  EXPECT_TRUE(takeToken(*db, 7, limit, 1000)->allowed);
  auto third = takeToken(*db, 7, limit, 1000);
  ASSERT_TRUE(third);
  EXPECT_FALSE(third->allowed);
  EXPECT_EQ(third->retryAfter.count(), 1);
  EXPECT_TRUE(takeToken(*db, 7, limit, 2000)->allowed);  // a second later: one more
  auto bucket = db->readRateBucket(7);
  ASSERT_TRUE(bucket && bucket.value());
  EXPECT_EQ(bucket.value()->updatedMs, 2000);
}

TEST_P(StoreTest, ADeviceSightingIsWrittenOnlyWhenStaleOrChanged) {
  const auto id = enroll();
  const auto t0 = wire::WireTime{std::chrono::sys_days{std::chrono::year{2026} / 11 / 26}};
  EXPECT_TRUE(recordDeviceSeen(*db, id, {"unitclock/0.1.0", 3}, t0).value());
  EXPECT_FALSE(recordDeviceSeen(*db, id, {"unitclock/0.1.0", 3}, t0 + std::chrono::seconds{10}).value());
  EXPECT_TRUE(recordDeviceSeen(*db, id, {"unitclock/0.1.0", 2}, t0 + std::chrono::seconds{20}).value());
  auto devices = db->listDevices("north");
  ASSERT_TRUE(devices);
  ASSERT_EQ(devices->size(), 1u);
  EXPECT_EQ(devices->front().pendingUploads, 2);
  EXPECT_EQ(devices->front().appVersion, "unitclock/0.1.0");
  EXPECT_TRUE(db->isDeviceOfClinic(id, "north").value());
  EXPECT_FALSE(db->isDeviceOfClinic(id, "south").value());
}

// A stored session as ingest writes it, and the day it is loaded for.
TEST_P(StoreTest, SessionsRevisionsAndDaysRoundTrip) {
  const auto device = enroll();
  const StoredSession s{"00000000-0000-4000-8000-000000000001",
                        "north",
                        device,
                        1,
                        "hash1",
                        "2026-11-26",
                        "signed",
                        "{}",
                        "2026-11-26T15:00:00Z"};
  inWrite([&] {
    ASSERT_TRUE(db->insertSession(s));
    ASSERT_TRUE(db->insertRevision({s.id, 1, "hash1", "", device, "{\"a\":1}", s.receivedAt}));
    ASSERT_TRUE(db->replaceSessionDays("north", s.id, {"2026-11-25", "2026-11-26"}));
  });
  auto found = db->findSession(s.id);
  ASSERT_TRUE(found && found.value());
  EXPECT_EQ(found.value()->bodyHash, "hash1");
  StoredSession revised = s;
  revised.revision = 2;
  revised.bodyHash = "hash2";
  inWrite([&] {
    ASSERT_TRUE(db->updateSession(revised));
    ASSERT_TRUE(db->insertRevision({s.id, 2, "hash2", "late entry", device, "{\"a\":2}", s.receivedAt}));
    ASSERT_TRUE(db->replaceSessionDays("north", s.id, {"2026-11-26"}));
  });
  auto history = db->listRevisions(s.id);
  ASSERT_TRUE(history);
  ASSERT_EQ(history->size(), 2u);
  EXPECT_EQ(history->at(1).reason, "late entry");
  EXPECT_EQ(db->findRevision(s.id, 1).value()->body, "{\"a\":1}");
  EXPECT_FALSE(db->findRevision(s.id, 3).value());
  auto idsOn = [&](const std::string& date) {
    std::vector<std::string> ids;
    auto visited = db->visitDaySessions(
        "north", date, [&](const std::string& id, const std::string&) { ids.push_back(id); });
    EXPECT_TRUE(visited);
    return ids;
  };
  EXPECT_TRUE(idsOn("2026-11-25").empty());
  EXPECT_EQ(idsOn("2026-11-26"), std::vector<std::string>{s.id});
  const auto other = enroll("room 4");
  EXPECT_TRUE(db->setSessionDevice(s.id, "north", other).value());
  EXPECT_FALSE(db->setSessionDevice(s.id, "south", other).value());
  EXPECT_EQ(db->findSession(s.id).value()->deviceId, other);
}

TEST_P(StoreTest, AWriteRolledBackLeavesNothingAndASavepointUndoesOnlyItsPart) {
  {
    auto tx = StoreTransaction::begin(*db, TransactionKind::kWrite);
    ASSERT_TRUE(tx);
    ASSERT_TRUE(db->addClinic({"gone", "Gone", "UTC", 6, nowUtc()}));
  }  // not committed
  EXPECT_FALSE(db->findClinic("gone").value());
  inWrite([&] {
    ASSERT_TRUE(db->savepoint("item"));
    ASSERT_TRUE(db->addClinic({"undone", "Undone", "UTC", 6, nowUtc()}));
    ASSERT_TRUE(db->rollbackToSavepoint("item"));
    ASSERT_TRUE(db->releaseSavepoint("item"));
    ASSERT_TRUE(db->addClinic({"kept", "Kept", "UTC", 6, nowUtc()}));
  });
  EXPECT_FALSE(db->findClinic("undone").value());
  EXPECT_TRUE(db->findClinic("kept").value());
}

TEST_P(StoreTest, RejectionsAreListedNewestFirstAndByDay) {
  const auto device = enroll();
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(
        db->addRejection({0, "north", i < 2 ? "2026-11-26" : "2026-11-27", device, "s" + std::to_string(i),
                          400, "events[0]", "bad", "2026-11-28T10:00:0" + std::to_string(i) + "Z"}));
  }
  auto day = db->dayRejections("north", "2026-11-26");
  ASSERT_TRUE(day);
  ASSERT_EQ(day->size(), 2u);
  EXPECT_EQ(day->front().sessionId, "s0");
  auto latest = db->listRejections({"", "", 2});
  ASSERT_TRUE(latest);
  ASSERT_EQ(latest->size(), 2u);
  EXPECT_EQ(latest->front().sessionId, "s2");
  EXPECT_EQ(latest->front().day, "2026-11-27");
}

TEST_P(StoreTest, AChargeReleaseIsReadBackForItsDay) {
  const auto token = newToken();
  auto tokenId = db->addApiToken(sha256Hex(token), "supervisor", std::nullopt, "", nowUtc());
  ASSERT_TRUE(tokenId);
  auto id = db->addChargeRelease({0, "north", "2026-11-26", "MRN1", "ot", "content", "[\"npi-missing\"]",
                                  "checked", tokenId.value(), nowUtc()});
  ASSERT_TRUE(id) << id.error().message;
  auto releases = db->dayReleases("north", "2026-11-26");
  ASSERT_TRUE(releases);
  ASSERT_EQ(releases->size(), 1u);
  EXPECT_EQ(releases->front().id, id.value());
  EXPECT_EQ(releases->front().releasedBy, tokenId.value());
  EXPECT_TRUE(db->dayReleases("north", "2026-11-27")->empty());
}

// The operations composed as the server composes them: an upload stored through ingest, then the day.
TEST_P(StoreTest, AnUploadIsStoredOnceAndItsDayLoads) {
  ASSERT_TRUE(db->addClinician({"ot1", "north", "Olive", "ot", "", "1234567893", "", "", true}));
  const auto device = enroll();
  const Principal who{Role::kDevice, device, 0, "north"};
  const auto id = testing::sessionId(1);
  const auto body = testing::upload(id, "MRN1", {{"97110", "09:00:00", "09:20:00"}});
  auto upload = wire::parseSessionUpload(body, id);
  ASSERT_TRUE(upload) << upload.error().message;
  auto context = loadReplayContext(*db, "north");
  ASSERT_TRUE(context) << context.error().message;
  auto replayed = replayUpload(context.value(), who, std::move(upload).value());
  ASSERT_TRUE(replayed) << replayed.error().message;
  auto store1 = storeSession(*db, who, *replayed, body, sha256Hex(body.dump()));
  ASSERT_TRUE(store1) << store1.error().message;
  EXPECT_EQ(store1->result, IngestResult::kCreated);
  auto store2 = storeSession(*db, who, *replayed, body, sha256Hex(body.dump()));
  ASSERT_TRUE(store2);
  EXPECT_EQ(store2->result, IngestResult::kUnchanged);
  auto day = loadDay(*db, "north", replayed->serviceDate);
  ASSERT_TRUE(day) << day.error().message;
  EXPECT_EQ(day->sessionCount, 1);
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreTest, ::testing::ValuesIn(kBackends),
                         [](const ::testing::TestParamInfo<StoreBackend>& p) { return p.param.name; });

}  // namespace
}  // namespace unitclock::server
