// Server and sync benchmarks against a real unitclock-server process on 127.0.0.1 (docs/bench-server.md).
// Each upload body is built by the device code (wire::describeSession) from a real core Session: three
// activities with a pause, ended and signed, about 2 KB of JSON.
#include <benchmark/benchmark.h>

#include <unitclock/core/session.h>
#include <unitclock/platform/device_store.h>
#include <unitclock/platform/device_store_outbox.h>
#include <unitclock/platform/http_client.h>
#include <unitclock/platform/sync_worker.h>
#include <unitclock/platform/wire/session_upload.h>
#include <unitclock/server/summary.h>
#include <atomic>
#include <deque>
#include <mutex>
#include <thread>

#include "server_process.h"
#include "upload_fixtures.h"

namespace {

using namespace std::chrono_literals;
using namespace unitclock;
using namespace unitclock::core;

constexpr int kClinicians = 200;
constexpr int kPatients = 5000;

// Session `i` of one day: clinician i % 200 works slot i / 200 (10 minutes each, back to back), patient
// i % 5000; 97110 for 5 min, a 1-minute rest, 97140 for 2 min, 97530 for 2 min.
struct Recorded {
  SessionHeader header;
  std::vector<Event> events;
};

Recorded record(int i) {
  SessionHeader h;
  h.id = server::testing::sessionId(i, 0x5e55);
  h.clinicId = "north";
  h.deviceId = "1";
  h.patient = {"MRN" + std::to_string(i % kPatients), "KW"};
  h.payerProfile = "medicare";
  h.discipline = Discipline::ot;
  h.diagnoses = {"M25.511"};
  h.renderingClinicianId = "c" + std::to_string(i % kClinicians);
  auto start =
      WallTime{std::chrono::sys_days{2026y / 11 / 26} + 7h + std::chrono::minutes{10 * (i / kClinicians)}};
  std::chrono::nanoseconds mono{1};
  auto at = [&](std::chrono::seconds s) {
    return Instant{start + s, "run", mono + std::chrono::nanoseconds{s}};
  };
  auto s = Session::create(h, at(0s), h.renderingClinicianId).value();
  auto who = h.renderingClinicianId;
  std::vector<Event> plan{
      activityStarted(2, at(0s), who, "97110", Performer::therapist),
      paused(3, at(300s), who, PauseReason::rest),
      makeEvent(EventType::resumed, 4, at(360s), who),
      activityStarted(5, at(360s), who, "97140", Performer::therapist),
      activityStarted(6, at(480s), who, "97530", Performer::therapist),
      makeEvent(EventType::session_ended, 7, at(600s), who),
      makeEvent(EventType::session_signed, 8, at(610s), who),
  };
  for (auto& e : plan) {
    if (!s.apply(e)) throw std::runtime_error("bench session rejected an event");
  }
  return {h, s.events()};
}

std::string uploadBody(int i) {
  auto r = record(i);
  return wire::toJson(wire::describeSession(r.header, r.events, wire::utcDays(), {}).value()).dump();
}

class QueueOutbox : public platform::SyncOutbox {
 public:
  std::deque<platform::PendingUpload> queue;
  std::mutex m;
  std::optional<platform::PendingUpload> nextUpload(std::string&) override {
    std::lock_guard lock(m);
    if (queue.empty()) return std::nullopt;
    return queue.front();
  }
  std::vector<platform::PendingUpload> nextUploads(std::size_t max, std::string&) override {
    std::lock_guard lock(m);
    return {queue.begin(), queue.begin() + static_cast<std::ptrdiff_t>(std::min(max, queue.size()))};
  }
  std::size_t pendingCount() override {
    std::lock_guard lock(m);
    return queue.size();
  }
  bool markUploaded(const platform::PendingUpload&) override {
    std::lock_guard lock(m);
    queue.pop_front();
    return true;
  }
  bool markRejected(const platform::PendingUpload&, int, const std::string&) override {
    std::lock_guard lock(m);
    queue.pop_front();
    ++rejected;
    return true;
  }
  std::string configEtag() override { return etag; }
  bool saveConfig(const std::string&, const std::string& e) override {
    etag = e;
    return true;
  }
  std::string today() override { return "2026-11-26"; }
  std::string etag;
  int rejected = 0;
};

// The bench's 200 clinicians on the clinic's roster (the server refuses sessions of anyone else).
void addRoster(const server::testing::Clinic& clinic) {
  auto db = platform::sqlite::Database::open(clinic.dataDir + "/unitclock-server.db");
  if (!db) throw std::runtime_error(db.error().message);
  std::string sql = "BEGIN;";
  for (int c = 0; c < kClinicians; ++c)
    sql += "INSERT INTO clinicians(id, clinic_id, name, role) VALUES('c" + std::to_string(c) +
           "', 'north', 'C', 'ot');";
  if (auto r = db->exec(sql + "COMMIT;"); !r) throw std::runtime_error(r.error().message);
}

std::string enroll(const std::string& url, server::testing::Clinic& clinic) {
  platform::HttpClientOptions o;
  o.baseUrl = url;
  return platform::enrollDevice(o, clinic.newEnrollCode(), "bench").value().token;
}

void waitUntilDone(platform::SyncWorker& worker) {
  while (worker.state().pending > 0 || worker.state().uploaded + worker.state().rejected == 0) {
    std::this_thread::sleep_for(2ms);
  }
}

// [SECTION] A backlog of 5,000 sessions, default server limits (rate limit included).
// How busy the disk is right now: one durable commit in a device store (WAL, synchronous=FULL: one flush),
// run before and after the backlogs so their numbers can be read against it.
void BM_DiskFlush_OneDeviceStoreCommit(benchmark::State& state) {
  server::testing::TempDir dir;
  auto store = platform::DeviceStore::open((dir.path() / "device.db").string()).value();
  int i = 0;
  for (auto _ : state) {
    auto r = store.setSetting("bench_flush", std::to_string(++i), "bench",
                              WallTime{std::chrono::sys_days{2026y / 11 / 26}});
    if (!r) state.SkipWithError(r.error().message.c_str());
  }
}
BENCHMARK(BM_DiskFlush_OneDeviceStoreCommit)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(200);

void BM_UploadBacklog5000(benchmark::State& state) {
  constexpr int kBacklog = 5000;
  std::vector<std::string> bodies;
  for (int i = 0; i < kBacklog; ++i) bodies.push_back(uploadBody(i));
  for (auto _ : state) {
    state.PauseTiming();
    server::testing::Clinic clinic;
    addRoster(clinic);
    server::testing::ServerProcess srv(clinic.dataDir);
    auto outbox = std::make_unique<QueueOutbox>();
    for (int i = 0; i < kBacklog; ++i) {
      outbox->queue.push_back(
          {i + 1, server::testing::sessionId(i, 0x5e55), 1, bodies[static_cast<std::size_t>(i)]});
    }
    platform::SyncOptions o;
    o.client.baseUrl = srv.url();
    o.client.bearerToken = enroll(srv.url(), clinic);
    platform::SyncWorker worker(std::move(outbox), o);
    state.ResumeTiming();
    worker.start();
    waitUntilDone(worker);
    state.PauseTiming();
    auto s = worker.state();
    if (s.uploaded != kBacklog) state.SkipWithError(("uploaded " + std::to_string(s.uploaded)).c_str());
    worker.stop();
    state.ResumeTiming();
  }
  state.counters["sessions_per_s"] =
      benchmark::Counter(kBacklog * static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}

// The same backlog read from a real device store (the app's path: bodies built from each stored log).
void BM_UploadBacklog5000FromDeviceStore(benchmark::State& state) {
  constexpr int kBacklog = 5000;
  server::testing::TempDir dir;
  auto storePath = (dir.path() / "device.db").string();
  {
    auto store = platform::DeviceStore::open(storePath).value();
    for (int i = 0; i < kBacklog; ++i) {
      auto r = record(i);
      (void)store.createSession(r.header, r.events.front());
      for (std::size_t k = 1; k < r.events.size(); ++k) (void)store.appendEvent(r.header.id, r.events[k]);
    }
  }
  struct FixedClock : Clock {
    WallTime wallNow() const override { return WallTime{std::chrono::sys_days{2026y / 11 / 26} + 20h}; }
    std::chrono::nanoseconds monotonicNow() const override { return std::chrono::nanoseconds{1}; }
    std::string runId() const override { return "bench-sync"; }
  } clock;
  for (auto _ : state) {
    state.PauseTiming();
    server::testing::Clinic clinic;
    addRoster(clinic);
    server::testing::ServerProcess srv(clinic.dataDir);
    platform::SyncOptions o;
    o.client.baseUrl = srv.url();
    o.client.bearerToken = enroll(srv.url(), clinic);
    platform::SyncWorker worker(std::make_unique<platform::DeviceStoreOutbox>(storePath, clock), o);
    state.ResumeTiming();
    worker.start();
    while (worker.state().uploaded + worker.state().rejected < static_cast<std::uint64_t>(kBacklog)) {
      std::this_thread::sleep_for(2ms);
    }
    state.PauseTiming();
    worker.stop();
    state.ResumeTiming();
  }
  state.counters["sessions_per_s"] =
      benchmark::Counter(kBacklog * static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_UploadBacklog5000FromDeviceStore)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(1);
// Registered after the device-store backlog, so the two run back to back once that one's store is
// written (40,000 events, a flush each): side by side under the same machine load.
BENCHMARK(BM_UploadBacklog5000)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(2);

void BM_DiskFlush_OneDeviceStoreCommitAfter(benchmark::State& state) {
  BM_DiskFlush_OneDeviceStoreCommit(state);
}
BENCHMARK(BM_DiskFlush_OneDeviceStoreCommitAfter)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->Iterations(200);

// [SECTION] Ingest rate: `devices` devices upload at once, rate limit lifted to measure the server.
void BM_IngestParallel(benchmark::State& state) {
  const int devices = static_cast<int>(state.range(0));
  const int batch = static_cast<int>(state.range(1));
  constexpr int kPerDevice = 1500;
  std::vector<std::string> bodies;
  for (int i = 0; i < devices * kPerDevice; ++i) bodies.push_back(uploadBody(i));
  std::uint64_t total = 0;
  for (auto _ : state) {
    state.PauseTiming();
    server::testing::Clinic clinic;
    addRoster(clinic);
    server::testing::ServerProcess srv(clinic.dataDir, {"--rate", "1000000", "--burst", "1000000"});
    std::vector<std::string> tokens;
    for (int d = 0; d < devices; ++d) tokens.push_back(enroll(srv.url(), clinic));
    std::atomic<int> failures{0};
    state.ResumeTiming();
    std::vector<std::thread> threads;
    for (int d = 0; d < devices; ++d) {
      threads.emplace_back([&, d] {
        platform::HttpClientOptions o;
        o.baseUrl = srv.url();
        o.bearerToken = tokens[static_cast<std::size_t>(d)];
        auto c = platform::HttpClient::create(o).value();
        if (batch <= 1) {
          for (int k = 0; k < kPerDevice; ++k) {
            int i = d * kPerDevice + k;
            auto r = c.put("/api/v1/sessions/" + server::testing::sessionId(i, 0x5e55),
                           bodies[static_cast<std::size_t>(i)]);
            if (!r || r->status != 201) ++failures;
          }
          return;
        }
        for (int k = 0; k < kPerDevice; k += batch) {
          std::string body = "{\"sessions\":[";
          for (int b = k; b < std::min(kPerDevice, k + batch); ++b) {
            if (b > k) body += ',';
            body += bodies[static_cast<std::size_t>(d * kPerDevice + b)];
          }
          body += "]}";
          auto r = c.post("/api/v1/sessions/batch", body);
          if (!r || r->status != 200 || r->body.find("\"status\":4") != std::string::npos) ++failures;
        }
      });
    }
    for (auto& t : threads) t.join();
    state.PauseTiming();
    if (failures) state.SkipWithError("some uploads failed");
    total += static_cast<std::uint64_t>(devices * kPerDevice);
    state.ResumeTiming();
  }
  state.counters["sessions_per_s"] =
      benchmark::Counter(static_cast<double>(total), benchmark::Counter::kIsRate);
}
// Args: devices uploading at once, sessions per request (1 = PUT per session, else POST .../batch).
BENCHMARK(BM_IngestParallel)
    ->ArgNames({"devices", "batch"})
    ->Args({1, 1})
    ->Args({4, 1})
    ->Args({8, 1})
    ->Args({1, 50})
    ->Args({4, 50})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->Iterations(1);

// [SECTION] The day summary over 10,000 sessions (200 clinicians, 5,000 patients).
std::vector<wire::SessionUpload> parsedDay() {
  std::vector<wire::SessionUpload> out;
  for (int i = 0; i < 10000; ++i) {
    auto body = uploadBody(i);
    out.push_back(wire::parseSessionUploadBody(body, server::testing::sessionId(i, 0x5e55)).value());
  }
  return out;
}

void BM_DaySummary10000_Compute(benchmark::State& state) {
  auto sessions = parsedDay();
  for (auto _ : state) {
    auto r = server::computeDay("north", "2026-11-26", sessions);
    benchmark::DoNotOptimize(r);
    if (r.patients.size() != static_cast<std::size_t>(kPatients)) state.SkipWithError("wrong patient count");
  }
}
BENCHMARK(BM_DaySummary10000_Compute)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_DaySummary10000_Http(benchmark::State& state) {
  server::testing::Clinic clinic;
  addRoster(clinic);
  server::testing::ServerProcess srv(clinic.dataDir, {"--rate", "1000000", "--burst", "1000000"});
  {
    std::vector<std::thread> threads;
    for (int d = 0; d < 4; ++d) {
      auto token = enroll(srv.url(), clinic);
      threads.emplace_back([&, d, token] {
        platform::HttpClientOptions o;
        o.baseUrl = srv.url();
        o.bearerToken = token;
        auto c = platform::HttpClient::create(o).value();
        std::string body;
        int inBatch = 0;
        for (int i = d; i < 10000; i += 4) {
          body += (inBatch ? "," : "{\"sessions\":[") + uploadBody(i);
          if (++inBatch == 100 || i + 4 >= 10000) {
            (void)c.post("/api/v1/sessions/batch", body + "]}");
            body.clear();
            inBatch = 0;
          }
        }
      });
    }
    for (auto& t : threads) t.join();
  }
  platform::HttpClientOptions o;
  o.baseUrl = srv.url();
  o.bearerToken = clinic.supervisorToken;
  o.timeout = 60s;
  auto c = platform::HttpClient::create(o).value();
  std::size_t bytes = 0;
  for (auto _ : state) {
    auto r = c.get("/api/v1/days/2026-11-26/summary?clinic=north");
    if (!r || r->status != 200) {
      state.SkipWithError("summary failed");
      break;
    }
    bytes = r->body.size();
    auto j = nlohmann::json::parse(r->body);
    if (j["sessions"] != 10000) state.SkipWithError("not 10,000 sessions");
  }
  state.counters["summary_bytes"] = static_cast<double>(bytes);
}
BENCHMARK(BM_DaySummary10000_Http)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(3);

}  // namespace

BENCHMARK_MAIN();
