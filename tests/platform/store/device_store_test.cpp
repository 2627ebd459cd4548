#include <unitclock/platform/device_store.h>
#include <unitclock/platform/sqlite.h>

#include <gtest/gtest.h>

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>

#include "store_fixtures.h"
#include "support/temp_dir.h"

using namespace unitclock;
using namespace unitclock::platform;
using namespace unitclock::test;
using core::EventType;

namespace {

std::string sessionId(int n) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "00000000-0000-4000-8000-%012d", n);
  return buf;
}

DeviceStore openStore(const std::string& path, StoreMode mode = StoreMode::kReadWrite) {
  auto s = DeviceStore::open(path, {.mode = mode});
  EXPECT_TRUE(s.ok()) << (s.ok() ? "" : s.error().message);
  return std::move(s).value();
}

unsigned modeOf(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return 0xffff;
  return st.st_mode & 0777;
}

// A signed session: 97110 for 33 minutes, 97140 for 7 (the example), then end and sign.
void recordSignedSession(DeviceStore& store, const std::string& id, core::WallTime start) {
  Recorder r(store, header(id), start);
  r.start("97110");
  r.advance(33min);
  r.start("97140");
  r.advance(7min);
  r.simple(EventType::session_ended);
  r.simple(EventType::session_signed);
}

}  // namespace

TEST(DeviceStore, NewStoreIsOwnerOnlyIncludingItsWalFiles) {
  TempDir dir;
  const auto path = dir.file("device.db");
  ::umask(022);  // a typical umask that would otherwise leave the file world-readable
  DeviceStore store = openStore(path);
  recordSignedSession(store, sessionId(1), wallAt(2026, 11, 2, 14, 0));
  EXPECT_EQ(modeOf(path), 0600u);
  EXPECT_EQ(modeOf(path + "-wal"), 0600u);
  EXPECT_EQ(modeOf(path + "-shm"), 0600u);
}

TEST(DeviceStore, ExistingWorldReadableFileIsMadeOwnerOnly) {
  TempDir dir;
  const auto path = dir.file("device.db");
  { DeviceStore store = openStore(path); }
  ::chmod(path.c_str(), 0644);
  DeviceStore store = openStore(path);
  EXPECT_EQ(modeOf(path), 0600u);
}

TEST(DeviceStore, UsesWalFullSyncAndForeignKeys) {
  TempDir dir;
  const auto path = dir.file("device.db");
  DeviceStore store = openStore(path);
  auto db = sqlite::Database::open(path, {.mode = sqlite::OpenMode::kReadOnly});
  ASSERT_TRUE(db.ok());
  EXPECT_EQ(db->queryText("PRAGMA journal_mode").value(), "wal");
  EXPECT_EQ(db->userVersion().value(), kStoreSchemaVersion);
}

TEST(DeviceStore, LoadsEveryEventBackExactlyAsRecorded) {
  TempDir dir;
  DeviceStore store = openStore(dir.file("device.db"));
  const auto id = sessionId(2);
  Recorder r(store, header(id), wallAt(2026, 11, 2, 9, 0));
  r.start("97110");
  r.advance(5min);
  r.record(core::paused(r.next(), r.clock().now(), "c-ot-1", core::PauseReason::toileting));
  r.advance(3min);
  r.simple(EventType::resumed);
  r.advance(4min);
  r.record(core::performerSwitched(r.next(), r.clock().now(), "c-ota-1", core::Performer::assistant));
  r.advance(10min);
  r.record(core::untimedAdded(r.next(), r.clock().now(), "c-ot-1", "97165", 30min, 0min));
  r.record(
      core::withCodes(EventType::diagnoses_set, r.next(), r.clock().now(), "c-ot-1", {"M25.511", "R26.89"}));
  r.simple(EventType::session_ended);
  r.clock().jumpWall(-90s);
  auto jump = r.session().detectClockJump(r.clock().now());
  ASSERT_TRUE(jump.has_value());
  r.record(*jump);

  auto loaded = store.loadSession(id);
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  EXPECT_EQ(loaded->events, r.session().events());
  EXPECT_EQ(loaded->row.header, r.session().header());
  EXPECT_EQ(loaded->row.status, core::SessionStatus::ended);
  EXPECT_EQ(loaded->row.eventCount, static_cast<std::int64_t>(r.session().events().size()));
  auto restored = core::Session::restore(loaded->row.header, loaded->events);
  ASSERT_TRUE(restored.ok()) << restored.error().message;
  EXPECT_EQ(restored->derive().timedTime, r.session().derive().timedTime);
}

TEST(DeviceStore, SegmentCorrectionsAtReviewLoadBackExactlyAndAreAuditedWithTheirReasons) {
  TempDir dir;
  DeviceStore store = openStore(dir.file("device.db"));
  const auto id = sessionId(3);
  Recorder r(store, header(id), wallAt(2026, 11, 2, 9, 0));
  r.start("97110");
  r.advance(20min);
  r.start("97140");
  r.advance(10min);
  r.simple(EventType::session_ended);
  r.advance(2min);
  const auto segs = r.session().derive().segments;
  const auto now = [&] { return r.clock().now(); };
  r.record(core::segmentRecoded(r.next(), now(), "c-ot-1", 1, segs[1].start, segs[1].end, "97530",
                                core::Performer::assistant, "Tapped wrong activity"));
  r.record(core::segmentSplit(r.next(), now(), "c-ot-1", 0, segs[0].start, segs[0].end, segs[0].start + 10min,
                              "Changed activity without a tap"));
  r.record(core::segmentDeleted(r.next(), now(), "c-ot-1", 0, segs[0].start, segs[0].start + 10min,
                                "Tapped by mistake"));
  r.record(core::segmentAdded(r.next(), now(), "c-ot-1", "97112", core::Performer::therapist,
                              core::ActivityMode::one_on_one, segs[0].start - 10min, segs[0].start,
                              "Forgot to start"));

  auto loaded = store.loadSession(id);
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  EXPECT_EQ(loaded->events, r.session().events());
  auto restored = core::Session::restore(loaded->row.header, loaded->events);
  ASSERT_TRUE(restored.ok()) << restored.error().message;
  EXPECT_EQ(restored->derive().segments, r.session().derive().segments);
  auto audit = store.auditForSession(id);
  ASSERT_TRUE(audit.ok());
  std::vector<std::string> rows;
  for (const auto& a : *audit) rows.push_back(a.action + "|" + a.detail);
  EXPECT_EQ(rows, (std::vector<std::string>{
                      "segment_recoded|Tapped wrong activity", "segment_split|Changed activity without a tap",
                      "segment_deleted|Tapped by mistake", "segment_added|Forgot to start"}));
}

TEST(DeviceStore, EventOutOfSequenceIsRefusedAndNothingIsStored) {
  TempDir dir;
  DeviceStore store = openStore(dir.file("device.db"));
  const auto id = sessionId(3);
  Recorder r(store, header(id), wallAt(2026, 11, 2, 9, 0));
  auto skipped = core::activityStarted(5, r.clock().now(), "c-ot-1", "97110", core::Performer::therapist);
  auto res = store.appendEvent(id, skipped);
  ASSERT_FALSE(res.ok());
  EXPECT_EQ(res.error().errc, StoreErrc::conflict);
  auto again = core::makeEvent(EventType::session_opened, 1, r.clock().now(), "c-ot-1");
  EXPECT_EQ(store.appendEvent(id, again).error().errc, StoreErrc::conflict);
  EXPECT_EQ(store.loadSession(id)->events.size(), 1u);
}

TEST(DeviceStore, EventForUnknownSessionIsNotFound) {
  TempDir dir;
  DeviceStore store = openStore(dir.file("device.db"));
  auto e = core::makeEvent(EventType::session_ended, 2, core::Instant{}, "c-ot-1");
  auto res = store.appendEvent(sessionId(99), e);
  ASSERT_FALSE(res.ok());
  EXPECT_EQ(res.error().errc, StoreErrc::not_found);
  EXPECT_EQ(store.loadSession(sessionId(99)).error().errc, StoreErrc::not_found);
}

TEST(DeviceStore, SameSessionTwiceIsAConflict) {
  TempDir dir;
  DeviceStore store = openStore(dir.file("device.db"));
  Recorder r(store, header(sessionId(4)), wallAt(2026, 11, 2, 9, 0));
  auto dup = store.createSession(r.session().header(), r.session().events().front());
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.error().errc, StoreErrc::conflict);
}

TEST(DeviceStore, SigningQueuesTheRevisionForUploadAndAuditsIt) {
  TempDir dir;
  DeviceStore store = openStore(dir.file("device.db"));
  const auto id = sessionId(5);
  recordSignedSession(store, id, wallAt(2026, 11, 2, 9, 0));
  auto box = store.outbox(id);
  ASSERT_TRUE(box.ok());
  ASSERT_EQ(box->size(), 1u);
  EXPECT_EQ(box->front().state, OutboxState::pending);
  EXPECT_EQ(box->front().revision, 1);
  auto audit = store.auditForSession(id);
  ASSERT_TRUE(audit.ok());
  ASSERT_EQ(audit->size(), 1u);
  EXPECT_EQ(audit->front().action, "session_signed");
  EXPECT_EQ(audit->front().clinicianId, "c-ot-1");
}

TEST(DeviceStore, SignatureIsNotStoredWhenItCannotBeQueued) {
  TempDir dir;
  const auto path = dir.file("device.db");
  DeviceStore store = openStore(path);
  const auto id = sessionId(6);
  Recorder r(store, header(id), wallAt(2026, 11, 2, 9, 0));
  r.start("97110");
  r.advance(20min);
  r.simple(EventType::session_ended);
  {
    // Make every outbox insert fail, as a full disk would at that moment.
    auto db = sqlite::Database::open(path, {.mode = sqlite::OpenMode::kReadWrite});
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE(db->exec("CREATE TRIGGER outbox_full BEFORE INSERT ON outbox BEGIN "
                         "SELECT RAISE(ABORT, 'disk full'); END")
                    .ok());
  }
  auto sign = core::makeEvent(EventType::session_signed, r.next(), r.clock().now(), "c-ot-1");
  auto res = store.appendEvent(id, sign);
  ASSERT_FALSE(res.ok());
  auto loaded = store.loadSession(id);
  ASSERT_TRUE(loaded.ok());
  EXPECT_EQ(loaded->row.status, core::SessionStatus::ended)
      << "the signature rolled back with the outbox row";
  EXPECT_EQ(loaded->events.size(), r.session().events().size());
  EXPECT_TRUE(store.outbox(id)->empty());
  EXPECT_TRUE(store.auditForSession(id)->empty());
}

TEST(DeviceStore, CorrectionAfterSigningQueuesTheNextRevision) {
  TempDir dir;
  DeviceStore store = openStore(dir.file("device.db"));
  const auto id = sessionId(7);
  Recorder r(store, header(id), wallAt(2026, 11, 2, 9, 0));
  r.start("97110");
  r.advance(20min);
  r.simple(EventType::session_ended);
  r.simple(EventType::session_signed);
  r.record(core::withReason(EventType::session_reopened, r.next(), r.clock().now(), "c-ot-1", "wrong code"));
  r.simple(EventType::session_signed);
  auto box = store.outbox(id);
  ASSERT_EQ(box->size(), 2u);
  EXPECT_EQ((*box)[0].revision, 1);
  EXPECT_EQ((*box)[1].revision, 2);
  EXPECT_EQ(store.loadSession(id)->row.revision, 2);
  auto audit = store.auditForSession(id);
  ASSERT_EQ(audit->size(), 3u);
  EXPECT_EQ((*audit)[1].action, "session_reopened");
  EXPECT_EQ((*audit)[1].detail, "wrong code");
}

TEST(DeviceStore, VoidingAnUploadedSessionSendsTheVoidButAnUnsignedOneStaysLocal) {
  TempDir dir;
  DeviceStore store = openStore(dir.file("device.db"));
  const auto now = wallAt(2026, 11, 2, 12, 0);
  const auto uploaded = sessionId(13);
  recordSignedSession(store, uploaded, wallAt(2026, 11, 2, 9, 0));
  ASSERT_TRUE(store.markOutboxSent(store.outbox(uploaded)->front().id, now).ok());
  auto loaded = store.loadSession(uploaded);
  auto last = loaded->events.back();
  auto voided = core::withReason(EventType::session_voided, last.sequence + 1, last.instant(), "c-ot-1",
                                 "wrong patient");
  ASSERT_TRUE(store.appendEvent(uploaded, voided).ok());
  auto box = store.outbox(uploaded);
  ASSERT_EQ(box->size(), 1u);
  EXPECT_EQ(box->front().state, OutboxState::pending) << "the void goes to the server as the same revision";
  EXPECT_EQ(store.loadSession(uploaded)->row.status, core::SessionStatus::voided);

  const auto local = sessionId(14);
  Recorder r(store, header(local), wallAt(2026, 11, 2, 10, 0));
  r.start("97110");
  r.record(
      core::withReason(EventType::session_voided, r.next(), r.clock().now(), "c-ot-1", "started by mistake"));
  EXPECT_TRUE(store.outbox(local)->empty()) << "the server never heard of it";
  auto audit = store.auditForSession(local);
  ASSERT_EQ(audit->size(), 1u);
  EXPECT_EQ(audit->front().action, "session_voided");
  EXPECT_EQ(audit->front().detail, "started by mistake");
}

TEST(DeviceStore, OutboxTracksAttemptsBackoffAndRejection) {
  TempDir dir;
  DeviceStore store = openStore(dir.file("device.db"));
  recordSignedSession(store, sessionId(8), wallAt(2026, 11, 2, 9, 0));
  recordSignedSession(store, sessionId(9), wallAt(2026, 11, 2, 10, 0));
  const auto now = wallAt(2026, 11, 2, 12, 0);
  auto pending = store.pendingOutbox(now);
  ASSERT_EQ(pending->size(), 2u);
  const auto first = (*pending)[0].id, second = (*pending)[1].id;

  ASSERT_TRUE(store.markOutboxFailed(first, "connection refused", now + 30s).ok());
  pending = store.pendingOutbox(now);
  ASSERT_EQ(pending->size(), 1u) << "the failed one waits for its retry time";
  EXPECT_EQ(pending->front().id, second);
  pending = store.pendingOutbox(now + 31s);
  ASSERT_EQ(pending->size(), 2u);
  EXPECT_EQ(pending->front().attempts, 1);
  EXPECT_EQ(pending->front().lastError, "connection refused");

  ASSERT_TRUE(store.markOutboxRejected(second, "unknown payer").ok());
  ASSERT_TRUE(store.markOutboxSent(first, now + 40s).ok());
  EXPECT_TRUE(store.pendingOutbox(now + 1h)->empty());
  auto rejected = store.outbox(sessionId(9));
  EXPECT_EQ(rejected->front().state, OutboxState::rejected);
  EXPECT_EQ(rejected->front().lastError, "unknown payer");
  EXPECT_EQ(store.markOutboxSent(12345, now).error().errc, StoreErrc::not_found);
}

namespace {

SentUpload syncedUpload(DeviceStore& store, const std::string& id, std::int64_t sequence, core::WallTime at) {
  auto box = store.outbox(id);
  EXPECT_TRUE(box.ok() && box->size() == 1u);
  return SentUpload{box->front().id, id,
                    core::makeEvent(EventType::session_synced, sequence,
                                    core::Instant{at, "run-1", std::chrono::nanoseconds{0}}, "")};
}

// Sessions first..first+count-1, signed one an hour from 08:00, and the batch that records their upload
// (each with its session_synced event, sequence 6).
std::vector<SentUpload> signedSessionsAndTheirUpload(DeviceStore& store, int first, int count,
                                                     core::WallTime at) {
  std::vector<SentUpload> batch;
  for (int i = first; i < first + count; ++i) {
    recordSignedSession(store, sessionId(i), wallAt(2026, 11, 2, 8 + i - first, 0));
    batch.push_back(syncedUpload(store, sessionId(i), 6, at));
  }
  return batch;
}

// What a store says about one uploaded session: outbox state, status, events.
struct AfterUpload {
  OutboxState state;
  core::SessionStatus status;
  std::size_t events;
};
AfterUpload afterUpload(DeviceStore& store, const std::string& id) {
  auto box = store.outbox(id);
  auto s = store.loadSession(id);
  EXPECT_TRUE(box.ok() && s.ok());
  return {box->front().state, s->row.status, s->events.size()};
}

}  // namespace

TEST(DeviceStore, UploadedBatchIsMarkedSentAndSyncedInOneGo) {
  TempDir dir;
  const auto path = dir.file("device.db");
  const auto at = wallAt(2026, 11, 2, 17, 0);
  {
    DeviceStore store = openStore(path);
    auto batch = signedSessionsAndTheirUpload(store, 20, 4, at);
    // The fourth was corrected on the device meanwhile: its entry is done, its log gets no synced event.
    batch.back().syncedEvent.reset();
    ASSERT_TRUE(store.markOutboxSent(batch, at).ok());
  }
  DeviceStore store = openStore(path);  // what is on disk
  EXPECT_TRUE(store.pendingOutbox(at + 1h)->empty());
  for (int i = 20; i < 23; ++i) {
    auto s = store.loadSession(sessionId(i));
    ASSERT_TRUE(s.ok());
    EXPECT_EQ(s->row.status, core::SessionStatus::synced);
    EXPECT_EQ(s->row.eventCount, 6);
    ASSERT_EQ(s->events.size(), 6u);
    EXPECT_EQ(s->events.back().type, EventType::session_synced);
    EXPECT_EQ(s->events.back().sequence, 6);
    EXPECT_EQ(s->events.back().wall, at);
    auto box = store.outbox(sessionId(i));
    EXPECT_EQ(box->front().state, OutboxState::sent);
    EXPECT_EQ(box->front().sentAt, at);
    EXPECT_EQ(box->front().attempts, 1);
  }
  auto corrected = afterUpload(store, sessionId(23));
  EXPECT_EQ(corrected.state, OutboxState::sent);
  EXPECT_EQ(corrected.status, core::SessionStatus::signed_);
  EXPECT_EQ(corrected.events, 5u);
  EXPECT_TRUE(store.markOutboxSent(std::vector<SentUpload>{}, at).ok()) << "an empty batch is nothing to do";
}

TEST(DeviceStore, AVoidRecordedWhileTheSignedBodyWasUploadingIsNotMarkedSent) {
  TempDir dir;
  const auto path = dir.file("device.db");
  const auto at = wallAt(2026, 11, 2, 17, 0);
  {
    DeviceStore store = openStore(path);
    auto batch = signedSessionsAndTheirUpload(store, 40, 2, at);
    // While the signed bodies were on their way, the therapist voided session 40 (wrong patient): the void
    // queued its entry again. The server's answer is about the signed body, so the void must still go.
    ASSERT_TRUE(store
                    .appendEvent(sessionId(40),
                                 core::withReason(EventType::session_voided, 6,
                                                  core::Instant{at, "run-1", {}}, "c-ot-1", "Wrong patient"))
                    .ok());
    batch[0].syncedEvent.reset();  // a voided session gets no synced event
    ASSERT_TRUE(store.markOutboxSent(batch, at).ok());
  }
  DeviceStore store = openStore(path);
  auto voided = afterUpload(store, sessionId(40));
  EXPECT_EQ(voided.state, OutboxState::pending) << "the void waits to be uploaded";
  EXPECT_EQ(voided.status, core::SessionStatus::voided);
  auto other = afterUpload(store, sessionId(41));
  EXPECT_EQ(other.state, OutboxState::sent);
  EXPECT_EQ(other.status, core::SessionStatus::synced);
  auto pending = store.pendingOutbox(at + 1h);
  ASSERT_EQ(pending->size(), 1u);

  // Once the server has the void itself, the entry is done.
  ASSERT_TRUE(
      store.markOutboxSent({SentUpload{pending->front().id, sessionId(40), std::nullopt, true}}, at).ok());
  EXPECT_EQ(afterUpload(store, sessionId(40)).state, OutboxState::sent);
  EXPECT_TRUE(store.pendingOutbox(at + 1h)->empty());
}

TEST(DeviceStore, UploadedBatchWithOneBadEntryStoresNothing) {
  TempDir dir;
  const auto path = dir.file("device.db");
  const auto at = wallAt(2026, 11, 2, 17, 0);
  {
    DeviceStore store = openStore(path);
    auto batch = signedSessionsAndTheirUpload(store, 30, 3, at);
    // After the batch was read, the therapist reopened the middle session for a correction: its sequence
    // 6 is taken, the batch's synced event for it is a conflict, and not one entry of the batch is stored.
    ASSERT_TRUE(store
                    .appendEvent(sessionId(31), core::withReason(EventType::session_reopened, 6,
                                                                 core::Instant{at, "run-1", {}}, "c-ot-1",
                                                                 "end time corrected"))
                    .ok());
    auto r = store.markOutboxSent(batch, at);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().errc, StoreErrc::conflict);

    // An outbox entry that is not there, after three otherwise good ones: nothing either.
    batch[1].syncedEvent.reset();
    batch.push_back(SentUpload{98765, sessionId(30), std::nullopt});
    r = store.markOutboxSent(batch, at);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().errc, StoreErrc::not_found);
    batch.pop_back();

    // Only session_synced records an upload.
    batch[2].syncedEvent->type = EventType::session_signed;
    r = store.markOutboxSent(batch, at);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().errc, StoreErrc::invalid);
    batch[2].syncedEvent->type = EventType::session_synced;

    DeviceStore disk = openStore(path, StoreMode::kReadOnly);
    EXPECT_EQ(disk.pendingOutbox(at + 1h)->size(), 3u);
    for (int i : {30, 32}) {
      auto a = afterUpload(disk, sessionId(i));
      EXPECT_EQ(a.state, OutboxState::pending) << i;
      EXPECT_EQ(a.status, core::SessionStatus::signed_) << i;
      EXPECT_EQ(a.events, 5u) << i;
    }
    auto reopened = afterUpload(disk, sessionId(31));
    EXPECT_EQ(reopened.state, OutboxState::pending);
    EXPECT_EQ(reopened.status, core::SessionStatus::ended);
    EXPECT_EQ(reopened.events, 6u);
    EXPECT_TRUE(disk.integrityProblems()->empty());

    // The same connection records the corrected batch afterwards.
    ASSERT_TRUE(store.markOutboxSent(batch, at).ok());
  }
  DeviceStore store = openStore(path);
  EXPECT_TRUE(store.pendingOutbox(at + 1h)->empty());
  for (int i : {30, 32}) {
    auto a = afterUpload(store, sessionId(i));
    EXPECT_EQ(a.status, core::SessionStatus::synced);
    EXPECT_EQ(a.events, 6u);
  }
  auto reopened = afterUpload(store, sessionId(31));
  EXPECT_EQ(reopened.state, OutboxState::sent) << "revision 1 is on the server";
  EXPECT_EQ(reopened.status, core::SessionStatus::ended) << "revision 2 is still being corrected";
  EXPECT_EQ(reopened.events, 6u);

  DeviceStore reader = openStore(path, StoreMode::kReadOnly);
  auto refused =
      reader.markOutboxSent(std::vector<SentUpload>{SentUpload{1, sessionId(30), std::nullopt}}, at);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().errc, StoreErrc::read_only_location);
}

TEST(DeviceStore, ListsSessionsByStatusAndOpeningTime) {
  TempDir dir;
  DeviceStore store = openStore(dir.file("device.db"));
  recordSignedSession(store, sessionId(10), wallAt(2026, 11, 2, 9, 0));
  recordSignedSession(store, sessionId(11), wallAt(2026, 11, 3, 9, 0));
  Recorder open(store, header(sessionId(12)), wallAt(2026, 11, 3, 11, 0));
  open.start("97530");

  EXPECT_EQ(store.listSessions()->size(), 3u);
  EXPECT_EQ(store.countSessions().value(), 3);
  auto signedOnes =
      store.listSessions({.status = core::SessionStatus::signed_, .openedFrom = {}, .openedTo = {}});
  ASSERT_EQ(signedOnes->size(), 2u);
  auto nov3 = store.listSessions(
      {.status = {}, .openedFrom = wallAt(2026, 11, 3, 0, 0), .openedTo = wallAt(2026, 11, 4, 0, 0)});
  ASSERT_EQ(nov3->size(), 2u);
  EXPECT_EQ((*nov3)[0].header.id, sessionId(11));
  EXPECT_EQ((*nov3)[1].header.id, sessionId(12));
  EXPECT_EQ((*nov3)[1].status, core::SessionStatus::open);
  EXPECT_EQ((*nov3)[1].header.patient.initials, "JD");
}

TEST(DeviceStore, SessionCrossingLocalMidnightIsOnBothClinicDays) {
  TempDir dir;
  DeviceStore store = openStore(dir.file("device.db"));
  ASSERT_TRUE(
      store.setSetting("clinic_time_zone", "America/Chicago", "admin-1", wallAt(2026, 11, 1, 0, 0)).ok());
  // 23:40 to 00:25 in Chicago (UTC-6).
  Recorder late(store, header(sessionId(15)), wallAt(2026, 11, 3, 5, 40));
  late.start("97110");
  late.advance(45min);
  late.simple(EventType::session_ended);
  recordSignedSession(store, sessionId(16), wallAt(2026, 11, 3, 15, 0));  // 09:00 on Nov 3 in Chicago

  using std::chrono::year, std::chrono::month, std::chrono::day;
  auto nov2 = store.sessionsOnDay(year{2026} / month{11} / day{2});
  ASSERT_TRUE(nov2.ok()) << nov2.error().message;
  ASSERT_EQ(nov2->size(), 1u);
  EXPECT_EQ(nov2->front().header.id, sessionId(15));
  auto nov3 = store.sessionsOnDay(year{2026} / month{11} / day{3});
  ASSERT_EQ(nov3->size(), 2u);
  auto signedNov3 = store.sessionsOnDay(year{2026} / month{11} / day{3}, core::SessionStatus::signed_);
  ASSERT_EQ(signedNov3->size(), 1u);
  EXPECT_EQ(signedNov3->front().header.id, sessionId(16));
  EXPECT_TRUE(store.sessionsOnDay(year{2026} / month{11} / day{4})->empty());
}

TEST(DeviceStore, SettingsChangesAreAudited) {
  TempDir dir;
  DeviceStore store = openStore(dir.file("device.db"));
  EXPECT_EQ(store.clinicTimeZone().value(), "UTC");
  EXPECT_EQ(store.retentionDays().value(), kDefaultRetentionDays);
  const auto at = wallAt(2026, 11, 2, 8, 0);
  ASSERT_TRUE(store.setSetting("clinic_time_zone", "America/Chicago", "admin-1", at).ok());
  ASSERT_TRUE(store.setSetting("retention_days", "14", "admin-1", at).ok());
  EXPECT_EQ(store.clinicTimeZone().value(), "America/Chicago");
  EXPECT_EQ(store.retentionDays().value(), 14);
  auto audit = store.unsyncedAudit();
  ASSERT_EQ(audit->size(), 2u);
  EXPECT_EQ((*audit)[0].action, "setting_changed");
  EXPECT_EQ((*audit)[0].detail, "clinic_time_zone");
  ASSERT_TRUE(store.markAuditSynced((*audit)[0].id, at).ok());
  EXPECT_EQ(store.unsyncedAudit()->size(), 1u);

  // A retention period or a time zone that cannot be used is refused when it is set, and the clinic keeps
  // the one it had: every calendar day and every purge depends on them.
  for (const char* bad : {"two weeks", "0", "", "-3"}) {
    auto r = store.setSetting("retention_days", bad, "admin-1", at);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().errc, StoreErrc::invalid) << bad;
  }
  EXPECT_EQ(store.retentionDays().value(), 14);
  for (const char* bad : {"Mars/Olympus_Mons", "", "../../etc/passwd", "America/Chicago "}) {
    auto r = store.setSetting("clinic_time_zone", bad, "admin-1", at);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().errc, StoreErrc::invalid) << bad;
    EXPECT_NE(r.error().message.find("clinic_time_zone"), std::string::npos) << r.error().message;
  }
  EXPECT_EQ(store.clinicTimeZone().value(), "America/Chicago");
  EXPECT_EQ(store.unsyncedAudit()->size(), 1u) << "refused settings are not audited as changes";
}

TEST(DeviceStore, RosterKeepsPinHashesAsGivenAndRolesInCoresSpelling) {
  TempDir dir;
  DeviceStore store = openStore(dir.file("device.db"));
  Clinician a{"c1", "Alex Kim", "OT", "$argon2id$v=19$m=65536,t=2,p=1$c2FsdA$aGFzaA", true};
  Clinician b{"c2", "Bo Lee", "OTA", "$argon2id$v=19$m=65536,t=2,p=1$eHh4$eXl5", true};
  ASSERT_TRUE(store.upsertClinician(a).ok());
  ASSERT_TRUE(store.upsertClinician(b).ok());
  a.role = "ot";  // read back as core::toString(Role::ot)
  b.role = "ota";
  EXPECT_EQ(store.clinician("c1")->value(), a);
  Clinician unknown{"c3", "Cy", "therapist", "", true};
  EXPECT_EQ(store.upsertClinician(unknown).error().errc, StoreErrc::invalid) << "an unknown role is refused";
  b.active = false;
  ASSERT_TRUE(store.upsertClinician(b).ok());
  EXPECT_EQ(store.clinician("c2")->value(), b);
  EXPECT_EQ(store.roster()->size(), 2u);
  ASSERT_TRUE(store.replaceRoster({a}).ok());
  EXPECT_EQ(store.roster().value(), std::vector<Clinician>{a});
  EXPECT_FALSE(store.clinician("c2")->has_value());
}

TEST(DeviceStore, RetentionPurgesOnlyOldSyncedSessions) {
  TempDir dir;
  DeviceStore store = openStore(dir.file("device.db"));
  const auto old = wallAt(2026, 9, 1, 9, 0);
  const auto recent = wallAt(2026, 10, 30, 9, 0);
  const auto now = wallAt(2026, 11, 2, 9, 0);
  auto sync = [&](const std::string& id) {
    auto box = store.outbox(id);
    ASSERT_EQ(box->size(), 1u);
    ASSERT_TRUE(store.markOutboxSent(box->front().id, now).ok());
    auto loaded = store.loadSession(id);
    auto last = loaded->events.back();
    auto synced = core::makeEvent(EventType::session_synced, last.sequence + 1, last.instant(), "");
    ASSERT_TRUE(store.appendEvent(id, synced).ok());
  };
  recordSignedSession(store, sessionId(20), old);  // old, synced → purged
  sync(sessionId(20));
  recordSignedSession(store, sessionId(21), old);  // old, signed, upload pending → kept
  recordSignedSession(store, sessionId(22), old);  // old, rejected by the server → kept
  store.markOutboxRejected(store.outbox(sessionId(22))->front().id, "bad diagnosis").ok();
  recordSignedSession(store, sessionId(23), recent);  // synced but recent → kept
  sync(sessionId(23));
  Recorder open(store, header(sessionId(24)), old);  // old and never ended → kept
  open.start("97110");

  auto report = store.purgeExpired(now);
  ASSERT_TRUE(report.ok()) << report.error().message;
  EXPECT_EQ(report->sessions, 1);
  EXPECT_EQ(report->events, 6);  // opened, two starts, ended, signed, synced
  EXPECT_EQ(store.loadSession(sessionId(20)).error().errc, StoreErrc::not_found);
  EXPECT_TRUE(store.outbox(sessionId(20))->empty());
  for (int n : {21, 22, 23, 24}) EXPECT_TRUE(store.loadSession(sessionId(n)).ok()) << n;

  ASSERT_TRUE(store.setSetting("retention_days", "1", "admin-1", now).ok());
  EXPECT_EQ(store.purgeExpired(now + std::chrono::days{2})->sessions, 1)
      << "the recent synced one, now expired";
}

TEST(DeviceStore, DataSurvivesReopeningAndMigrationRunsOnce) {
  TempDir dir;
  const auto path = dir.file("device.db");
  {
    DeviceStore store = openStore(path);
    recordSignedSession(store, sessionId(30), wallAt(2026, 11, 2, 9, 0));
  }
  DeviceStore store = openStore(path);
  auto loaded = store.loadSession(sessionId(30));
  ASSERT_TRUE(loaded.ok());
  EXPECT_EQ(loaded->row.status, core::SessionStatus::signed_);
  EXPECT_EQ(loaded->events.size(), 5u);
}

TEST(DeviceStore, StoreWrittenBeforeTheApplicationIdIsAcceptedAndStamped) {
  TempDir dir;
  const auto path = dir.file("device.db");
  {
    DeviceStore store = openStore(path);
    recordSignedSession(store, sessionId(32), wallAt(2026, 11, 2, 9, 0));
  }
  {
    auto db = sqlite::Database::open(path, {.mode = sqlite::OpenMode::kReadWrite});
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE(db->exec("PRAGMA application_id = 0").ok());
  }
  DeviceStore store = openStore(path);
  EXPECT_TRUE(store.loadSession(sessionId(32)).ok());
  auto db = sqlite::Database::open(path, {.mode = sqlite::OpenMode::kReadOnly});
  EXPECT_EQ(db->queryInt64("PRAGMA application_id").value(), 0x55434C4B);
}

TEST(DeviceStore, ReadOnlyStoreSeesCommittedEventsWhileTheAppWrites) {
  TempDir dir;
  const auto path = dir.file("device.db");
  DeviceStore writer = openStore(path);
  const auto id = sessionId(31);
  Recorder r(writer, header(id), wallAt(2026, 11, 2, 9, 0));
  r.start("97110");
  DeviceStore reader = openStore(path, StoreMode::kReadOnly);
  EXPECT_TRUE(reader.readOnly());
  EXPECT_EQ(reader.loadSession(id)->events.size(), 2u);
  r.advance(10min);
  r.simple(EventType::session_ended);
  EXPECT_EQ(reader.loadSession(id)->events.size(), 3u);
  auto write =
      reader.appendEvent(id, core::makeEvent(EventType::session_signed, 4, r.clock().now(), "c-ot-1"));
  ASSERT_FALSE(write.ok());
  EXPECT_EQ(write.error().errc, StoreErrc::read_only_location);
  r.simple(EventType::session_signed);  // the writer is not blocked by the reader
}

// [SECTION] Files the store refuses, left exactly as they were

class DeviceStoreRefuses : public ::testing::Test {
 protected:
  void makeValidStore() {
    DeviceStore store = openStore(m_path);
    recordSignedSession(store, sessionId(40), wallAt(2026, 11, 2, 9, 0));
  }
  void expectRefused(StoreErrc errc, StoreMode mode = StoreMode::kReadWrite) {
    const std::string before = readFile(m_path);
    auto s = DeviceStore::open(m_path, {.mode = mode});
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.error().errc, errc) << s.error().message;
    EXPECT_FALSE(s.error().message.empty());
    EXPECT_NE(s.error().message.find("JD"), 0u);
    EXPECT_EQ(readFile(m_path), before) << "the file must never be modified";
    EXPECT_FALSE(std::filesystem::exists(m_path + "-wal") && std::filesystem::file_size(m_path + "-wal") > 0);
  }
  TempDir m_dir;
  std::string m_path = m_dir.file("device.db");
};

TEST_F(DeviceStoreRefuses, FileWithRandomBytesInItsHeader) {
  makeValidStore();
  {
    std::fstream f(m_path, std::ios::in | std::ios::out | std::ios::binary);
    std::mt19937 rng(42);
    char junk[100];
    for (char& c : junk) c = static_cast<char>(rng());
    f.write(junk, sizeof junk);
  }
  expectRefused(StoreErrc::corrupt);
  expectRefused(StoreErrc::corrupt, StoreMode::kReadOnly);
}

TEST_F(DeviceStoreRefuses, FileThatIsNotADatabaseAtAll) {
  {
    std::ofstream f(m_path);
    f << "therapy notes, not a database\n";
  }
  expectRefused(StoreErrc::corrupt);
}

TEST_F(DeviceStoreRefuses, AnotherProgramsSqliteDatabase) {
  {
    auto db = sqlite::Database::open(m_path);
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE(db->exec("CREATE TABLE recipes(name TEXT); INSERT INTO recipes VALUES ('bread')").ok());
  }
  expectRefused(StoreErrc::corrupt);
  {
    auto db = sqlite::Database::open(m_path);
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE(db->exec("PRAGMA application_id = 1179403647").ok());  // someone else's id
    ASSERT_TRUE(db->setUserVersion(1).ok());
  }
  expectRefused(StoreErrc::corrupt);
}

TEST_F(DeviceStoreRefuses, TruncatedFile) {
  // Enough sessions for many pages, checkpointed into the main file.
  {
    DeviceStore store = openStore(m_path);
    for (int i = 0; i < 60; ++i) recordSignedSession(store, sessionId(100 + i), wallAt(2026, 11, 2, 8, i));
  }
  ASSERT_FALSE(std::filesystem::exists(m_path + "-wal")) << "closing checkpoints the WAL";
  const auto size = std::filesystem::file_size(m_path);
  ASSERT_GT(size, 16384u);
  std::filesystem::resize_file(m_path, size / 2);
  expectRefused(StoreErrc::corrupt);
}

TEST_F(DeviceStoreRefuses, DamagedPagesBehindAValidHeader) {
  {
    DeviceStore store = openStore(m_path);
    for (int i = 0; i < 60; ++i) recordSignedSession(store, sessionId(200 + i), wallAt(2026, 11, 2, 8, i));
  }
  {
    std::fstream f(m_path, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(4096 * 3);
    const std::string junk(4096 * 2, '\x7f');
    f.write(junk.data(), static_cast<std::streamsize>(junk.size()));
  }
  expectRefused(StoreErrc::corrupt);
}

TEST_F(DeviceStoreRefuses, StoreFromANewerVersion) {
  makeValidStore();
  {
    auto db = sqlite::Database::open(m_path, {.mode = sqlite::OpenMode::kReadWrite});
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE(db->setUserVersion(kStoreSchemaVersion + 1).ok());
  }
  expectRefused(StoreErrc::newer_schema);
  expectRefused(StoreErrc::newer_schema, StoreMode::kReadOnly);
}

TEST_F(DeviceStoreRefuses, MissingFileInReadOnlyMode) {
  auto s = DeviceStore::open(m_path, {.mode = StoreMode::kReadOnly});
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().errc, StoreErrc::cannot_open);
  EXPECT_FALSE(std::filesystem::exists(m_path)) << "read-only mode never creates a file";
}

TEST_F(DeviceStoreRefuses, FolderInsteadOfAFile) {
  std::filesystem::create_directory(m_path);
  auto s = DeviceStore::open(m_path);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().errc, StoreErrc::cannot_open);
}

// Runs `body` as an unprivileged user in a child process (root ignores file permissions), and returns
// the StoreErrc it reports as its exit status (0 = opened).
template <class Body>
int asUnprivilegedUser(Body body) {
  pid_t pid = ::fork();
  if (pid == 0) {
    if (::geteuid() == 0 && (::setgid(65534) != 0 || ::setuid(65534) != 0)) ::_exit(100);
    ::_exit(body());
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 101;
}

TEST_F(DeviceStoreRefuses, StoreInAReadOnlyFolder) {
  makeValidStore();
  const std::string before = readFile(m_path);
  // The folder and file belong to the app's user, but the folder is read-only.
  const uid_t user = ::geteuid() == 0 ? 65534 : ::geteuid();
  ASSERT_EQ(::chown(m_path.c_str(), user, user), ::geteuid() == 0 ? 0 : ::chown(m_path.c_str(), user, user));
  ::chown(m_dir.path().c_str(), user, user);
  ::chmod(m_dir.path().c_str(), 0555);
  const std::string fresh = m_dir.file("new.db");
  auto code = [&](const std::string& path) {
    return asUnprivilegedUser([&] {
      auto s = DeviceStore::open(path);
      return s.ok() ? 0 : 10 + static_cast<int>(s.error().errc);
    });
  };
  EXPECT_EQ(code(m_path), 10 + static_cast<int>(StoreErrc::read_only_location));
  EXPECT_EQ(code(fresh), 10 + static_cast<int>(StoreErrc::read_only_location));
  ::chmod(m_dir.path().c_str(), 0755);
  EXPECT_EQ(readFile(m_path), before);
  EXPECT_FALSE(std::filesystem::exists(fresh));
  // Reading still works: inspection from a read-only location is allowed.
  auto ro = asUnprivilegedUser([&] {
    auto s = DeviceStore::open(m_path, {.mode = StoreMode::kReadOnly});
    return s.ok() && s->loadSession(sessionId(40)).ok() ? 0 : 1;
  });
  EXPECT_EQ(ro, 0);
}

TEST_F(DeviceStoreRefuses, ReadOnlyFileInAWritableFolder) {
  makeValidStore();
  const uid_t user = ::geteuid() == 0 ? 65534 : ::geteuid();
  ::chown(m_path.c_str(), user, user);
  ::chown(m_dir.path().c_str(), user, user);
  ::chmod(m_path.c_str(), 0400);
  const std::string before = readFile(m_path);
  int code = asUnprivilegedUser([&] {
    auto s = DeviceStore::open(m_path);
    return s.ok() ? 0 : 10 + static_cast<int>(s.error().errc);
  });
  EXPECT_EQ(code, 10 + static_cast<int>(StoreErrc::read_only_location));
  EXPECT_EQ(readFile(m_path), before);
}

// [SECTION] PIN lock-outs

TEST(DeviceStorePinLockouts, AreKeptPerClinicianWithTheirAuditRowInOneTransaction) {
  TempDir dir;
  DeviceStore store = openStore(dir.file("device.db"));
  EXPECT_TRUE(store.pinLockouts().value().empty());
  const core::WallTime now{std::chrono::milliseconds{1'780'000'000'000}};
  ASSERT_TRUE(store.savePinLockout("c-dana", {3, 0},
                                   AuditEntry{0, now, "c-dana", "login_failed", "", "wrong PIN", {}}));
  ASSERT_TRUE(store.savePinLockout("c-dana", {5, 1'780'000'060'000}, std::nullopt));
  ASSERT_TRUE(store.savePinLockout("c-sam", {1, 0}, std::nullopt));
  auto lockouts = store.pinLockouts();
  ASSERT_TRUE(lockouts);
  EXPECT_EQ(lockouts->at("c-dana"), (PinLockout{5, 1'780'000'060'000}));
  EXPECT_EQ(lockouts->at("c-sam"), (PinLockout{1, 0}));
  auto audit = store.unsyncedAudit();
  ASSERT_TRUE(audit);
  EXPECT_EQ(std::count_if(audit->begin(), audit->end(),
                          [](const AuditEntry& a) { return a.action == "login_failed"; }),
            1);
  EXPECT_FALSE(store.savePinLockout("", {1, 0}, std::nullopt)) << "a lock-out names its clinician";
  EXPECT_FALSE(store.savePinLockout("c-dana", {-1, 0}, std::nullopt)) << "no negative counts";
}

TEST(DeviceStorePinLockouts, AreMovedOutOfTheSettingsOfAnEarlierStore) {
  TempDir dir;
  const std::string path = dir.file("device.db");
  { DeviceStore store = openStore(path); }
  {
    // As an earlier version of the app left it: schema 1, the lock-outs as settings "failures;untilMs".
    auto db = sqlite::Database::open(path, {.mode = sqlite::OpenMode::kReadWrite});
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE(db->exec("DROP TABLE pin_lockouts; "
                         "INSERT INTO settings(key, value) VALUES ('pin_lock.c-dana', '5;1780000060000'), "
                         "('pin_lock.c-sam', '0;0'), ('pin_lockout_note', 'kept');")
                    .ok());
    ASSERT_TRUE(db->setUserVersion(1).ok());
  }
  DeviceStore store = openStore(path);
  auto lockouts = store.pinLockouts();
  ASSERT_TRUE(lockouts);
  EXPECT_EQ(lockouts->at("c-dana"), (PinLockout{5, 1'780'000'060'000}));
  EXPECT_EQ(lockouts->at("c-sam"), (PinLockout{0, 0}));
  EXPECT_FALSE(store.setting("pin_lock.c-dana").value().has_value()) << "the old setting is gone";
  EXPECT_EQ(store.setting("pin_lockout_note").value(), std::optional<std::string>("kept"))
      << "only pin_lock.* settings moved";
}
