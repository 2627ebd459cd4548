// Server and sync benchmarks against a real unitclock-server process on 127.0.0.1 (docs/bench-server.md).
// Each upload body is built by the device code (wire::describeSession) from a real core Session: three
// activities with a pause, ended and signed, about 2 KB of JSON.
//
// The ingest and day-summary benchmarks run on both stores, side by side: `pg:0` is SQLite (a fresh data
// directory), `pg:1` PostgreSQL (a schema of its own on a throwaway cluster that the benchmark starts with
// tests/support/pg_cluster.sh on first use, durable settings, and stops at exit), with `instances:2` two
// `unitclock-server serve` processes on the same database.
#include <benchmark/benchmark.h>

#include <unitclock/core/session.h>
#include <unitclock/platform/device_store.h>
#include <unitclock/platform/device_store_outbox.h>
#include <unitclock/platform/http_client.h>
#include <unitclock/platform/sync_worker.h>
#include <unitclock/platform/wire/session_upload.h>
#include <unitclock/server/summary.h>
#include <atomic>
#include <cstdlib>
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

// [SECTION] Which store: SQLite, or PostgreSQL on a cluster of the benchmark's own
// server_process.h puts every `--data-dir DIR` of the commands and servers it runs on PostgreSQL (a schema
// per directory) while UNITCLOCK_TEST_SERVER_PG_DIR names a cluster; the benchmark sets it per run.
struct BenchCluster {
  std::string stateDir;
  ~BenchCluster() {
    if (stateDir.empty()) return;
    const std::string cmd =
        std::string("'") + UNITCLOCK_PG_CLUSTER_SCRIPT + "' stop '" + stateDir + "' >/dev/null";
    (void)std::system(cmd.c_str());
    std::filesystem::remove_all(stateDir);
  }
};

// Starts the cluster once (pg_cluster.sh, durable: fsync, synchronous_commit and full_page_writes on, as
// SQLite's synchronous=FULL; UNITCLOCK_BENCH_PG_FSYNC=off keeps the test cluster's settings, all off); its
// watchdog stops it if this process dies first. UNITCLOCK_BENCH_PG_DIR=STATE_DIR uses a running cluster.
const std::string& benchClusterDir() {
  static BenchCluster cluster;
  // A cluster started by hand (pg_cluster.sh start DIR), to look into its logs: used as it is, left running.
  static const char* given = std::getenv("UNITCLOCK_BENCH_PG_DIR");
  static const std::string givenDir = given != nullptr ? given : "";
  if (!givenDir.empty()) return givenDir;
  if (cluster.stateDir.empty()) {
    auto dir = std::filesystem::temp_directory_path() / ("unitclock-bench-pg-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    const char* fsync = std::getenv("UNITCLOCK_BENCH_PG_FSYNC");
    const bool durable = fsync == nullptr || std::string(fsync) != "off";
    const std::string cmd = std::string(durable ? "UNITCLOCK_PG_DURABLE=1 " : "") + "'" +
                            UNITCLOCK_PG_CLUSTER_SCRIPT + "' start '" + dir.string() + "' --stop-with " +
                            std::to_string(::getpid()) + " >&2";
    if (std::system(cmd.c_str()) != 0) throw std::runtime_error("pg_cluster.sh start failed");
    cluster.stateDir = dir.string();
  }
  return cluster.stateDir;
}

// While alive, the servers and commands the benchmark starts use PostgreSQL (`pg` true) or SQLite.
struct UseStore {
  explicit UseStore(bool pg) {
    if (pg) {
      ::setenv("UNITCLOCK_TEST_SERVER_PG_DIR", benchClusterDir().c_str(), 1);
    } else {
      ::unsetenv("UNITCLOCK_TEST_SERVER_PG_DIR");
    }
  }
  ~UseStore() { ::unsetenv("UNITCLOCK_TEST_SERVER_PG_DIR"); }
};

// The bench's 200 clinicians on the clinic's roster (the server refuses sessions of anyone else).
void addRoster(const server::testing::Clinic& clinic) {
  std::string sql = "BEGIN;";
  for (int c = 0; c < kClinicians; ++c)
    sql += "INSERT INTO clinicians(id, clinic_id, name, role) VALUES('c" + std::to_string(c) +
           "', 'north', 'C', 'ot');";
  server::testing::execSql(clinic.dataDir, sql + "COMMIT;");
}

// What a server's /metrics says of its writer: COMMITs (count, seconds) and groups run again.
struct WriterMetrics {
  double commits = 0, commitSeconds = 0, retries = 0;
};
WriterMetrics writerMetrics(const std::string& url, const std::string& supervisorToken) {
  platform::HttpClientOptions o;
  o.baseUrl = url;
  o.bearerToken = supervisorToken;
  auto c = platform::HttpClient::create(o).value();
  auto r = c.get("/metrics");
  WriterMetrics m;
  if (!r || r->status != 200) return m;
  auto value = [&](const std::string& name) {
    auto at = r->body.find("\n" + name + " ");
    return at == std::string::npos ? 0.0 : std::stod(r->body.substr(at + name.size() + 2));
  };
  m.commits = value("unitclock_commit_seconds_count");
  m.commitSeconds = value("unitclock_commit_seconds_sum");
  m.retries = value("unitclock_write_retries_total");
  return m;
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
// On `pg:1`, `instances` servers share the database: device d sends to instance d % instances (`alt:0`),
// or every device sends each request to the next instance in turn (`alt:1`: a device's rows are then
// locked by both instances in turn).
void BM_IngestParallel(benchmark::State& state) {
  const int devices = static_cast<int>(state.range(0));
  const int batch = static_cast<int>(state.range(1));
  const bool pg = state.range(2) != 0;
  const int instances = static_cast<int>(state.range(3));
  const bool alternate = state.range(4) != 0;
  constexpr int kPerDevice = 1500;
  std::vector<std::string> bodies;
  for (int i = 0; i < devices * kPerDevice; ++i) bodies.push_back(uploadBody(i));
  std::uint64_t total = 0;
  WriterMetrics writer;
  UseStore store(pg);
  for (auto _ : state) {
    state.PauseTiming();
    server::testing::Clinic clinic;
    addRoster(clinic);
    std::vector<std::unique_ptr<server::testing::ServerProcess>> servers;
    for (int n = 0; n < instances; ++n) {
      servers.push_back(std::make_unique<server::testing::ServerProcess>(
          clinic.dataDir, std::vector<std::string>{"--rate", "1000000", "--burst", "1000000"}));
    }
    std::vector<std::string> tokens;
    for (int d = 0; d < devices; ++d) tokens.push_back(enroll(servers[0]->url(), clinic));
    std::atomic<int> failures{0};
    state.ResumeTiming();
    std::vector<std::thread> threads;
    for (int d = 0; d < devices; ++d) {
      threads.emplace_back([&, d] {
        std::vector<platform::HttpClient> clients;
        for (int n = 0; n < instances; ++n) {
          platform::HttpClientOptions o;
          o.baseUrl = servers[static_cast<std::size_t>((d + n) % instances)]->url();
          o.bearerToken = tokens[static_cast<std::size_t>(d)];
          clients.push_back(platform::HttpClient::create(o).value());
        }
        int request = 0;
        auto client = [&]() -> platform::HttpClient& {
          return clients[alternate ? static_cast<std::size_t>(request++ % instances) : 0];
        };
        if (batch <= 1) {
          for (int k = 0; k < kPerDevice; ++k) {
            int i = d * kPerDevice + k;
            auto r = client().put("/api/v1/sessions/" + server::testing::sessionId(i, 0x5e55),
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
          auto r = client().post("/api/v1/sessions/batch", body);
          if (!r || r->status != 200 || r->body.find("\"status\":4") != std::string::npos) ++failures;
        }
      });
    }
    for (auto& t : threads) t.join();
    state.PauseTiming();
    if (failures) state.SkipWithError("some uploads failed");
    total += static_cast<std::uint64_t>(devices * kPerDevice);
    for (auto& srv : servers) {
      auto m = writerMetrics(srv->url(), clinic.supervisorToken);
      writer.commits += m.commits;
      writer.commitSeconds += m.commitSeconds;
      writer.retries += m.retries;
    }
    state.ResumeTiming();
  }
  state.counters["sessions_per_s"] =
      benchmark::Counter(static_cast<double>(total), benchmark::Counter::kIsRate);
  // Where the time goes: the writers' COMMITs (count and mean time) and groups run again (PostgreSQL).
  state.counters["commits"] = writer.commits;
  state.counters["commit_ms"] = writer.commits > 0 ? 1000 * writer.commitSeconds / writer.commits : 0;
  state.counters["retries"] = writer.retries;
}
// Args: devices uploading at once, sessions per request (1 = PUT per session, else POST .../batch), store
// (0 SQLite, 1 PostgreSQL), server instances, devices alternating between instances. Each case runs on
// SQLite and PostgreSQL back to back, so the two are measured under the same machine load.
BENCHMARK(BM_IngestParallel)
    ->ArgNames({"devices", "batch", "pg", "instances", "alt"})
    ->Args({1, 1, 0, 1, 0})
    ->Args({1, 1, 1, 1, 0})
    ->Args({4, 1, 0, 1, 0})
    ->Args({4, 1, 1, 1, 0})
    ->Args({4, 1, 1, 2, 0})
    ->Args({8, 1, 0, 1, 0})
    ->Args({8, 1, 1, 1, 0})
    ->Args({8, 1, 1, 2, 0})
    ->Args({1, 50, 0, 1, 0})
    ->Args({1, 50, 1, 1, 0})
    ->Args({4, 50, 0, 1, 0})
    ->Args({4, 50, 1, 1, 0})
    ->Args({4, 50, 1, 2, 0})
    ->Args({4, 50, 1, 2, 1})
    ->Args({8, 50, 0, 1, 0})
    ->Args({8, 50, 1, 1, 0})
    ->Args({8, 50, 1, 2, 0})
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
  UseStore store(state.range(0) != 0);
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
// Arg: store (0 SQLite, 1 PostgreSQL).
BENCHMARK(BM_DaySummary10000_Http)
    ->ArgName("pg")
    ->Arg(0)
    ->Arg(1)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->Iterations(3);

}  // namespace

BENCHMARK_MAIN();
