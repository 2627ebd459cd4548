// A session recorded in a real device store file travels through the SyncWorker to a real server.
#include <gtest/gtest.h>

#include <unitclock/core/session.h>
#include <unitclock/platform/device_store.h>
#include <unitclock/platform/device_store_outbox.h>
#include <unitclock/platform/sync_worker.h>
#include <unitclock/platform/wire/device_config.h>
#include <unitclock/platform/wire/session_upload.h>
#include <fstream>

#include "api_client.h"
#include "server_process.h"
#include "upload_fixtures.h"

namespace unitclock::server {
namespace {

using testing::waitFor;

using namespace std::chrono_literals;
using namespace unitclock::core;

// A clock the test moves by hand, safe to read from the worker thread.
class TestClock : public Clock {
 public:
  explicit TestClock(WallTime start) : m_wall(start) {}
  WallTime wallNow() const override {
    std::lock_guard lock(m_mutex);
    return m_wall;
  }
  std::chrono::nanoseconds monotonicNow() const override {
    std::lock_guard lock(m_mutex);
    return m_mono;
  }
  std::string runId() const override { return "run-1"; }
  void advance(std::chrono::milliseconds d) {
    std::lock_guard lock(m_mutex);
    m_wall += d;
    m_mono += d;
  }

 private:
  mutable std::mutex m_mutex;
  WallTime m_wall;
  std::chrono::nanoseconds m_mono{1};
};

// Records a whole session in the store the way the app does: each event checked, stored, then applied.
void recordSession(platform::DeviceStore& store, TestClock& clock, const std::string& id,
                   const std::string& mrn, const std::string& rendering = "ot1",
                   const std::string& correction = "") {
  SessionHeader h;
  h.id = id;
  h.clinicId = "north";
  h.deviceId = "1";
  h.patient = {mrn, "KW"};
  h.payerProfile = "medicare";
  h.discipline = Discipline::ot;
  h.diagnoses = {"M25.511"};
  h.renderingClinicianId = rendering;
  auto session = Session::create(h, clock.now(), "ot1");
  ASSERT_TRUE(session.ok()) << session.error().message;
  ASSERT_TRUE(store.createSession(h, session->events().front()).ok());
  auto add = [&](Event e) {
    ASSERT_TRUE(session->check(e).ok());
    auto r = store.appendEvent(id, e);
    ASSERT_TRUE(r.ok()) << r.error().message;
    ASSERT_TRUE(session->apply(e).ok());
  };
  clock.advance(1min);
  add(activityStarted(session->nextSequence(), clock.now(), "ot1", "97110", Performer::therapist));
  clock.advance(33min);
  add(activityStarted(session->nextSequence(), clock.now(), "ot1", "97140", Performer::therapist));
  clock.advance(7min);
  // Paused at the tap with no reason, the reason given a minute later: the server replays both.
  add(paused(session->nextSequence(), clock.now(), "ot1", PauseReason::not_given));
  clock.advance(1min);
  add(pauseReasonSet(session->nextSequence(), clock.now(), "ot1", PauseReason::waiting));
  clock.advance(1min);
  add(makeEvent(EventType::session_ended, session->nextSequence(), clock.now(), "ot1"));
  clock.advance(1min);
  add(makeEvent(EventType::session_signed, session->nextSequence(), clock.now(), "ot1"));
  if (!correction.empty()) {  // signed again as revision 2: both revisions wait in the outbox
    clock.advance(1min);
    add(withReason(EventType::session_reopened, session->nextSequence(), clock.now(), "ot1", correction));
    add(makeEvent(EventType::session_signed, session->nextSequence(), clock.now(), "ot1"));
  }
}

// Voids a stored session the way the app does (its log restored from the store, the void checked first).
void voidSession(const std::string& storePath, TestClock& clock, const std::string& id,
                 const std::string& reason) {
  auto store = platform::DeviceStore::open(storePath);
  ASSERT_TRUE(store.ok()) << store.error().message;
  auto stored = store->loadSession(id);
  ASSERT_TRUE(stored.ok()) << stored.error().message;
  auto session = Session::restore(stored->row.header, stored->events);
  ASSERT_TRUE(session.ok()) << session.error().message;
  clock.advance(1min);
  auto e = withReason(EventType::session_voided, session->nextSequence(), clock.now(), "ot1", reason);
  ASSERT_TRUE(session->check(e).ok());
  auto r = store->appendEvent(id, e);
  ASSERT_TRUE(r.ok()) << r.error().message;
}

// Sync options for a device enrolled with the clinic's code (an empty token, and a test failure, if not).
platform::SyncOptions enrolledDevice(const testing::ServerProcess& server, const testing::Clinic& clinic) {
  platform::SyncOptions options;
  options.client.baseUrl = server.url();
  options.backoff.initial = 20ms;
  auto enrolled = platform::enrollDevice(options.client, clinic.enrollCode, "room 2 kiosk");
  EXPECT_TRUE(enrolled.ok()) << (enrolled.ok() ? "" : enrolled.error().message);
  if (enrolled) options.client.bearerToken = enrolled->token;
  return options;
}

// A clinic on a fresh server, and the device store file of one of its kiosks (not yet written).
class DeviceSync : public ::testing::Test {
 protected:
  testing::Clinic clinic;
  testing::ServerProcess server{clinic.dataDir};
  std::string storePath = (clinic.dir.path() / "device.db").string();
  TestClock clock{WallTime{std::chrono::sys_days{2026y / 11 / 26} + 14h}};
};

TEST_F(DeviceSync, ASignedSessionInTheDeviceStoreReachesTheServerAndIsMarkedSynced) {
  {
    auto store = platform::DeviceStore::open(storePath);
    ASSERT_TRUE(store.ok()) << store.error().message;
    recordSession(*store, clock, testing::sessionId(1), "MRN1");
    recordSession(*store, clock, testing::sessionId(2), "MRN2");
  }
  platform::SyncOptions options = enrolledDevice(server, clinic);
  ASSERT_FALSE(options.client.bearerToken.empty());
  platform::SyncWorker worker(std::make_unique<platform::DeviceStoreOutbox>(storePath, clock), options);
  worker.start();
  ASSERT_TRUE(waitFor([&] { return worker.state().uploaded == 2 && worker.state().pending == 0; }))
      << worker.state().lastError;
  worker.stop();

  // A past day: a device token reads only today's and yesterday's summary, a supervisor's any day.
  platform::HttpClientOptions so;
  so.baseUrl = server.url();
  so.bearerToken = clinic.supervisorToken;
  auto supervisor = platform::HttpClient::create(so);
  ASSERT_TRUE(supervisor);
  auto answer = supervisor.value().get("/api/v1/days/2026-11-26/summary?clinic=north");
  ASSERT_TRUE(answer && answer.value().status == 200);
  auto summary = nlohmann::json::parse(answer.value().body);
  ASSERT_EQ(summary["patients"].size(), 2u);
  for (const auto& p : summary["patients"]) {
    EXPECT_EQ(p["server_units"], (nlohmann::json{{"97110", 2}, {"97140", 1}}));
    EXPECT_EQ(p["device_units"], p["server_units"]);
  }
  EXPECT_TRUE(summary["flags"].empty()) << summary["flags"].dump();

  auto store = platform::DeviceStore::open(storePath);
  ASSERT_TRUE(store.ok());
  for (int i = 1; i <= 2; ++i) {
    auto entries = store->outbox(testing::sessionId(i));
    ASSERT_TRUE(entries.ok());
    ASSERT_EQ(entries->size(), 1u);
    EXPECT_EQ(entries->front().state, platform::OutboxState::sent);
    auto s = store->loadSession(testing::sessionId(i));
    ASSERT_TRUE(s.ok());
    EXPECT_EQ(s->row.status, SessionStatus::synced);
  }
  // The roster came down with the configuration, PIN hashes included.
  auto roster = store->roster();
  ASSERT_TRUE(roster.ok());
  ASSERT_EQ(roster->size(), 2u);
  EXPECT_EQ(roster->front().id, "ot1");
  EXPECT_EQ(roster->front().role, "ot");  // core's spelling, as the store keeps every role
  EXPECT_EQ(roster->front().pinHash.rfind("$argon2id$", 0), 0u);
  auto etag = store->setting(platform::DeviceStoreOutbox::kConfigEtagSetting);
  ASSERT_TRUE(etag.ok() && etag.value());
  EXPECT_FALSE(etag.value()->empty());
}

TEST_F(DeviceSync, AWholeBatchIsRecordedOnTheDeviceAndARefusedSessionStaysSigned) {
  {
    auto store = platform::DeviceStore::open(storePath);
    ASSERT_TRUE(store.ok()) << store.error().message;
    recordSession(*store, clock, testing::sessionId(1), "MRN1");
    recordSession(*store, clock, testing::sessionId(2), "MRN2");
    // The server refuses this one (a rendering clinician id longer than it accepts).
    recordSession(*store, clock, testing::sessionId(3), "MRN3", std::string(65, 'x'));
    recordSession(*store, clock, testing::sessionId(4), "MRN4");
    recordSession(*store, clock, testing::sessionId(5), "MRN5", "ot1", "end time corrected");
  }
  platform::SyncOptions options = enrolledDevice(server, clinic);
  ASSERT_FALSE(options.client.bearerToken.empty());
  options.batchSize = 50;  // all six outbox entries in one request
  platform::SyncWorker worker(std::make_unique<platform::DeviceStoreOutbox>(storePath, clock), options);
  worker.start();
  ASSERT_TRUE(waitFor([&] { return worker.state().uploaded + worker.state().rejected == 6; }))
      << worker.state().lastError;
  worker.stop();
  EXPECT_EQ(worker.state().uploaded, 5u);
  EXPECT_EQ(worker.state().rejected, 1u);

  auto store = platform::DeviceStore::open(storePath);
  ASSERT_TRUE(store.ok());
  EXPECT_TRUE(store->pendingOutbox(WallTime::max())->empty());
  for (int i : {1, 2, 4, 5}) {
    auto s = store->loadSession(testing::sessionId(i));
    ASSERT_TRUE(s.ok());
    EXPECT_EQ(s->row.status, SessionStatus::synced) << i;
    const std::size_t before = i == 5 ? 9u : 7u;  // revision 2 of session 5: reopened and signed again
    ASSERT_EQ(s->events.size(), before + 1) << i;
    EXPECT_EQ(s->events.back().type, EventType::session_synced) << i;
    EXPECT_EQ(s->events.back().sequence, static_cast<std::int64_t>(before + 1)) << i;
    auto entries = store->outbox(testing::sessionId(i));
    ASSERT_TRUE(entries.ok());
    for (const auto& entry : entries.value()) {
      EXPECT_EQ(entry.state, platform::OutboxState::sent) << i << " revision " << entry.revision;
    }
  }
  EXPECT_EQ(store->outbox(testing::sessionId(5))->size(), 2u) << "both revisions went, only one synced event";
  auto refused = store->loadSession(testing::sessionId(3));
  ASSERT_TRUE(refused.ok());
  EXPECT_EQ(refused->row.status, SessionStatus::signed_);
  EXPECT_EQ(refused->events.size(), 7u);
  auto entry = store->outbox(testing::sessionId(3));
  ASSERT_EQ(entry->size(), 1u);
  EXPECT_EQ(entry->front().state, platform::OutboxState::rejected);
  EXPECT_NE(entry->front().lastError.find("rendering_clinician"), std::string::npos)
      << entry->front().lastError;
}

TEST_F(DeviceSync, ASessionVoidedAfterItWasUploadedIsVoidedOnTheServerToo) {
  {
    auto store = platform::DeviceStore::open(storePath);
    ASSERT_TRUE(store.ok()) << store.error().message;
    recordSession(*store, clock, testing::sessionId(1), "MRN1");
    recordSession(*store, clock, testing::sessionId(2), "MRN2");
  }
  platform::SyncOptions options = enrolledDevice(server, clinic);
  ASSERT_FALSE(options.client.bearerToken.empty());
  {
    platform::SyncWorker worker(std::make_unique<platform::DeviceStoreOutbox>(storePath, clock), options);
    worker.start();
    ASSERT_TRUE(waitFor([&] { return worker.state().uploaded + worker.state().rejected == 2; }))
        << worker.state().lastError;
    worker.stop();
    ASSERT_EQ(worker.state().uploaded, 2u);
  }
  const std::string signedOnServer = "SELECT count(*) FROM sessions WHERE status = 'signed'";
  ASSERT_EQ(testing::queryCount(clinic.dataDir, signedOnServer), 2);

  // Wrong patient: the therapist voids session 1, which the server already bills.
  voidSession(storePath, clock, testing::sessionId(1), "Wrong patient");
  platform::SyncWorker worker(std::make_unique<platform::DeviceStoreOutbox>(storePath, clock), options);
  worker.start();
  ASSERT_TRUE(waitFor([&] { return worker.state().uploaded + worker.state().rejected == 1; }))
      << worker.state().lastError;
  worker.stop();
  EXPECT_EQ(worker.state().rejected, 0u) << worker.state().lastError;

  auto store = platform::DeviceStore::open(storePath);
  ASSERT_TRUE(store.ok());
  auto entries = store->outbox(testing::sessionId(1));
  ASSERT_EQ(entries->size(), 1u);  // the void went as revision 1 again
  EXPECT_EQ(entries->front().state, platform::OutboxState::sent) << entries->front().lastError;
  EXPECT_EQ(store->loadSession(testing::sessionId(1))->row.status, SessionStatus::voided);
  EXPECT_EQ(
      testing::queryCount(clinic.dataDir, "SELECT count(*) FROM sessions WHERE status = 'voided' AND id = '" +
                                              testing::sessionId(1) + "'"),
      1);
  EXPECT_EQ(testing::queryCount(clinic.dataDir, signedOnServer), 1);
  EXPECT_EQ(testing::queryCount(clinic.dataDir, "SELECT count(*) FROM rejections"), 0);
}

TEST_F(DeviceSync, AVoidRecordedWhileTheSignedSessionIsUploadingIsUploadedNext) {
  {
    auto store = platform::DeviceStore::open(storePath);
    ASSERT_TRUE(store.ok()) << store.error().message;
    recordSession(*store, clock, testing::sessionId(1), "MRN1");
  }
  // The worker has read the signed session and is sending it when the therapist voids it.
  platform::DeviceStoreOutbox outbox(storePath, clock);
  std::string error;
  auto inFlight = outbox.nextUploads(50, error);
  ASSERT_EQ(inFlight.size(), 1u) << error;
  EXPECT_NE(inFlight.front().body.find("\"status\":\"signed\""), std::string::npos);
  voidSession(storePath, clock, testing::sessionId(1), "Duplicate session");
  ASSERT_TRUE(outbox.markAllUploaded(inFlight));  // the server took the signed body

  // The void is not lost: its entry is still pending, and what goes next is the void.
  auto next = outbox.nextUploads(50, error);
  ASSERT_EQ(next.size(), 1u) << error;
  EXPECT_EQ(next.front().revision, 1);
  EXPECT_NE(next.front().body.find("\"status\":\"voided\""), std::string::npos) << next.front().body;
  EXPECT_NE(next.front().body.find("Duplicate session"), std::string::npos);

  platform::SyncOptions options = enrolledDevice(server, clinic);
  ASSERT_FALSE(options.client.bearerToken.empty());
  platform::SyncWorker worker(std::make_unique<platform::DeviceStoreOutbox>(storePath, clock), options);
  worker.start();
  ASSERT_TRUE(waitFor([&] { return worker.state().uploaded + worker.state().rejected == 1; }))
      << worker.state().lastError;
  worker.stop();
  EXPECT_EQ(worker.state().rejected, 0u) << worker.state().lastError;
  EXPECT_EQ(testing::queryCount(clinic.dataDir, "SELECT count(*) FROM sessions WHERE status = 'voided'"), 1);
}

// A session under `payer` in which the assistant furnishes part of the exercise, then manual therapy.
void recordAssistedSession(platform::DeviceStore& store, TestClock& clock, const std::string& id,
                           const std::string& mrn, const std::string& payer) {
  SessionHeader h;
  h.id = id;
  h.clinicId = "north";
  h.deviceId = "1";
  h.patient = {mrn, "KW"};
  h.payerProfile = payer;
  h.discipline = Discipline::ot;
  h.diagnoses = {"M25.511"};
  h.renderingClinicianId = "ot1";
  auto session = Session::create(h, clock.now(), "ot1");
  ASSERT_TRUE(session.ok()) << session.error().message;
  ASSERT_TRUE(store.createSession(h, session->events().front()).ok());
  auto add = [&](Event e) {
    ASSERT_TRUE(session->check(e).ok());
    auto r = store.appendEvent(id, e);
    ASSERT_TRUE(r.ok()) << r.error().message;
    ASSERT_TRUE(session->apply(e).ok());
  };
  clock.advance(1min);
  add(activityStarted(session->nextSequence(), clock.now(), "ot1", "97110", Performer::therapist));
  clock.advance(20min);
  add(performerSwitched(session->nextSequence(), clock.now(), "ota1", Performer::assistant));
  clock.advance(10min);
  add(activityStarted(session->nextSequence(), clock.now(), "ot1", "97140", Performer::therapist));
  clock.advance(15min);
  add(makeEvent(EventType::session_ended, session->nextSequence(), clock.now(), "ot1"));
  clock.advance(1min);
  add(makeEvent(EventType::session_signed, session->nextSequence(), clock.now(), "ot1"));
}

std::vector<std::string> linesText(const nlohmann::json& lines) {
  std::vector<std::string> out;
  for (const auto& l : lines) {
    std::string text = l["code"].get<std::string>() + " x" + std::to_string(l["units"].get<int>());
    for (const auto& m : l["modifiers"]) text += " " + m.get<std::string>();
    out.push_back(text);
  }
  std::sort(out.begin(), out.end());
  return out;
}

// Issue 9: a payer profile an admin set on the server (its own Medicare, with no assistant modifiers, and
// a plan of its own under the per-code rule) bills on the device exactly as on the server.
TEST_F(DeviceSync, AClinicsOwnPayerProfilesBillOnTheDeviceAsOnTheServer) {
  const auto payersFile = (clinic.dir.path() / "payers.json").string();
  std::ofstream(payersFile) << R"json({"payers": [
    {"name": "medicare", "display_name": "Medicare Part B (our MAC)", "rule": "cms",
     "assistant_modifiers": false, "substitutions": {"97014": "G0283"}, "drop_bundled_codes": true},
    {"name": "regional", "display_name": "Regional plan", "rule": "ama", "assistant_modifiers": true,
     "assistant_de_minimis_percent": 0, "telehealth_modifier": false}]})json";
  testing::Clinic::must({"config", "set", "--data-dir", clinic.dataDir, "--clinic", "north", "--name",
                         "payers", "--file", payersFile});
  {
    auto store = platform::DeviceStore::open(storePath);
    ASSERT_TRUE(store.ok()) << store.error().message;
    recordAssistedSession(*store, clock, testing::sessionId(1), "MRN1", "medicare");
    recordAssistedSession(*store, clock, testing::sessionId(2), "MRN2", "regional");
  }
  platform::SyncOptions options = enrolledDevice(server, clinic);
  ASSERT_FALSE(options.client.bearerToken.empty());
  platform::SyncWorker worker(std::make_unique<platform::DeviceStoreOutbox>(storePath, clock), options);
  worker.start();
  ASSERT_TRUE(waitFor([&] { return worker.state().uploaded + worker.state().rejected == 2; }))
      << worker.state().lastError;
  worker.stop();
  ASSERT_EQ(worker.state().rejected, 0u) << worker.state().lastError;

  auto supervisor = testing::client(server.url(), clinic.supervisorToken);
  auto summary = testing::json(testing::must(supervisor.get("/api/v1/days/2026-11-26/summary?clinic=north")));
  ASSERT_EQ(summary["patients"].size(), 2u);
  EXPECT_TRUE(summary["flags"].empty()) << summary["flags"].dump();  // no units-differ, no payer-unknown
  auto store = platform::DeviceStore::open(storePath);
  ASSERT_TRUE(store.ok());
  for (const auto& p : summary["patients"]) {
    ASSERT_TRUE(p["recomputed"].get<bool>()) << p.dump();
    const int n = p["mrn"] == "MRN1" ? 1 : 2;
    // What the device uploaded (and the therapist signed) is what the server bills, modifiers included.
    auto stored = testing::json(testing::must(supervisor.get("/api/v1/sessions/" + testing::sessionId(n))));
    const auto deviceLines = linesText(stored["session"]["lines"]);
    EXPECT_EQ(deviceLines, linesText(p["server"]["lines"])) << p.dump();
    // And it is not what the built-in profiles would have billed.
    auto local = store->loadSession(testing::sessionId(n));
    ASSERT_TRUE(local.ok());
    auto builtin =
        wire::describeSession(local->row.header, local->events, wire::utcDays(), wire::BillingRules{});
    ASSERT_TRUE(builtin.ok()) << builtin.error();
    EXPECT_NE(linesText(wire::toJson(*builtin)["lines"]), deviceLines);
  }
  const auto& medicare =
      summary["patients"][0]["mrn"] == "MRN1" ? summary["patients"][0] : summary["patients"][1];
  const auto& regional =
      summary["patients"][0]["mrn"] == "MRN1" ? summary["patients"][1] : summary["patients"][0];
  // The clinic's Medicare: no CO, where the built-in profile would add it for 10 of 30 minutes.
  EXPECT_EQ(linesText(medicare["server"]["lines"]), (std::vector<std::string>{"97110 x2 GO", "97140 x1 GO"}));
  EXPECT_EQ(regional["server"]["rule"], "ama");
  // Per code, and the assistant's unit of exercise carries CO (any assistant minute counts for this plan).
  EXPECT_EQ(linesText(regional["server"]["lines"]),
            (std::vector<std::string>{"97110 x1 GO", "97110 x1 GO CO", "97140 x1 GO"}));
}

// The kiosk's open and ended-but-unsigned sessions reach the server with its syncs (the console lists
// them), and leave the report once signed.
TEST_F(DeviceSync, TheDevicesUnsignedSessionsAreReportedWithItsSyncs) {
  const std::string endedId = testing::sessionId(2);
  {
    auto store = platform::DeviceStore::open(storePath);
    ASSERT_TRUE(store.ok()) << store.error().message;
    recordSession(*store, clock, testing::sessionId(1), "MRN1");  // signed: not reported
    for (int n : {2, 3}) {                                        // 2 ended, 3 still running
      SessionHeader h;
      h.id = testing::sessionId(n);
      h.clinicId = "north";
      h.deviceId = "1";
      h.patient = {"MRN" + std::to_string(n), n == 2 ? "EN" : "OP"};
      h.payerProfile = "medicare";
      h.discipline = Discipline::ot;
      h.diagnoses = {"M25.511"};
      h.renderingClinicianId = "ot1";
      auto session = Session::create(h, clock.now(), "ot1");
      ASSERT_TRUE(session.ok());
      ASSERT_TRUE(store->createSession(h, session->events().front()).ok());
      clock.advance(1min);
      auto started =
          activityStarted(session->nextSequence(), clock.now(), "ot1", "97110", Performer::therapist);
      ASSERT_TRUE(store->appendEvent(h.id, started).ok());
      ASSERT_TRUE(session->apply(started).ok());
      if (n == 2) {
        clock.advance(20min);
        auto ended = makeEvent(EventType::session_ended, session->nextSequence(), clock.now(), "ot1");
        ASSERT_TRUE(store->appendEvent(h.id, ended).ok());
      }
    }
  }
  platform::SyncOptions options = enrolledDevice(server, clinic);
  ASSERT_FALSE(options.client.bearerToken.empty());
  platform::SyncWorker worker(std::make_unique<platform::DeviceStoreOutbox>(storePath, clock), options);
  worker.start();
  const std::string count = "SELECT COUNT(*) FROM device_unsigned";
  ASSERT_TRUE(waitFor([&] { return testing::queryCount(clinic.dataDir, count) == 2; }))
      << worker.state().lastError;
  EXPECT_EQ(testing::queryCount(clinic.dataDir, "SELECT COUNT(*) FROM device_unsigned WHERE session_id = '" +
                                                    endedId +
                                                    "' AND state = 'ended' AND initials = 'EN' "
                                                    "AND date = '2026-11-26' AND clinician_id = 'ot1'"),
            1);
  EXPECT_EQ(testing::queryCount(clinic.dataDir, "SELECT COUNT(*) FROM device_unsigned WHERE state = 'open'"),
            1);

  // The ended one is signed on the kiosk: the next sync uploads it and reports only the running one.
  {
    auto store = platform::DeviceStore::open(storePath);
    ASSERT_TRUE(store.ok());
    auto stored = store->loadSession(endedId);
    ASSERT_TRUE(stored.ok());
    clock.advance(1min);
    auto signedEvent =
        makeEvent(EventType::session_signed, static_cast<int>(stored->events.size()) + 1, clock.now(), "ot1");
    ASSERT_TRUE(store->appendEvent(endedId, signedEvent).ok());
  }
  worker.nudge();
  ASSERT_TRUE(waitFor([&] { return testing::queryCount(clinic.dataDir, count) == 1; }))
      << worker.state().lastError;
  EXPECT_EQ(testing::queryCount(clinic.dataDir, "SELECT COUNT(*) FROM device_unsigned WHERE state = 'open'"),
            1);
  worker.stop();
}

}  // namespace
}  // namespace unitclock::server
