// Measures what a therapist and a kiosk feel from the device store:
//  1. tap → durable commit: appendEvent latency (WAL, synchronous=FULL) over many events, p50/p90/p99/max;
//  2. start-up: DeviceStore::open (with its quick_check) on a store holding N sessions (default 5,000,
//     30 days of a busy clinic), plus what the app reads next (today's sessions, the open ones loaded).
// Writes the store under --dir (default: the system temp directory) and removes it afterwards.
#include <unitclock/core/session.h>
#include <unitclock/platform/device_store.h>
#include <unitclock/platform/system_clock.h>

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

using namespace unitclock;
using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

namespace {

double ms(Clock::duration d) {
  return std::chrono::duration<double, std::milli>(d).count();
}

struct Stats {
  double p50, p90, p99, max, mean;
};

Stats stats(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  auto at = [&](double q) { return v[static_cast<std::size_t>(q * static_cast<double>(v.size() - 1))]; };
  double sum = 0;
  for (double x : v) sum += x;
  return {at(0.50), at(0.90), at(0.99), v.back(), sum / static_cast<double>(v.size())};
}

[[noreturn]] void die(const std::string& what) {
  std::fprintf(stderr, "bench_store: %s\n", what.c_str());
  std::exit(1);
}

core::SessionHeader header(int n) {
  core::SessionHeader h;
  h.id = platform::newUuid();
  h.clinicId = "clinic-1";
  h.deviceId = "device-bench";
  h.patient = {"MRN" + std::to_string(100000 + n % 900), "AB"};
  h.payerProfile = n % 3 == 0 ? "commercial" : "medicare";
  h.diagnoses = {"M25.511"};
  h.renderingClinicianId = "c-" + std::to_string(n % 12);
  return h;
}

// A typical session: three activities with a switch to the assistant and a pause, ended, signed.
void recordTypicalSession(platform::DeviceStore& store, int n, core::FakeClock& clock, bool sync) {
  auto s = core::Session::create(header(n), clock.now(), "c-1");
  if (!s) die(s.error().message);
  if (auto r = store.createSession(s->header(), s->events().front()); !r) die(r.error().message);
  auto add = [&](const core::Event& e) {
    if (auto r = store.appendEvent(s->header().id, e); !r) die(r.error().message);
    if (auto r = s->apply(e); !r) die(r.error().message);
  };
  add(core::activityStarted(s->nextSequence(), clock.now(), "c-1", "97110", core::Performer::therapist));
  clock.advance(12min);
  add(core::performerSwitched(s->nextSequence(), clock.now(), "c-1", core::Performer::assistant));
  clock.advance(8min);
  add(core::paused(s->nextSequence(), clock.now(), "c-1", core::PauseReason::rest));
  clock.advance(3min);
  add(core::activityStarted(s->nextSequence(), clock.now(), "c-1", "97530", core::Performer::therapist));
  clock.advance(15min);
  add(core::activityStarted(s->nextSequence(), clock.now(), "c-1", "97140", core::Performer::therapist));
  clock.advance(9min);
  add(core::makeEvent(core::EventType::session_ended, s->nextSequence(), clock.now(), "c-1"));
  add(core::makeEvent(core::EventType::session_signed, s->nextSequence(), clock.now(), "c-1"));
  if (sync) {
    auto box = store.outbox(s->header().id);
    if (!box || box->empty()) die("no outbox entry");
    if (auto r = store.markOutboxSent(box->front().id, clock.wallNow()); !r) die(r.error().message);
    add(core::makeEvent(core::EventType::session_synced, s->nextSequence(), clock.now(), ""));
  }
}

}  // namespace

int main(int argc, char** argv) {
  int events = 2000;
  int sessions = 5000;
  std::filesystem::path dir = std::filesystem::temp_directory_path();
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i];
    if (a == "--events") events = std::atoi(argv[i + 1]);
    if (a == "--sessions") sessions = std::atoi(argv[i + 1]);
    if (a == "--dir") dir = argv[i + 1];
  }
  const auto base = dir / ("unitclock-bench-" + std::to_string(::getpid()));
  std::filesystem::create_directories(base);

  // [1] tap → durable commit
  {
    const auto path = (base / "latency.db").string();
    auto store = platform::DeviceStore::open(path);
    if (!store) die(store.error().message);
    platform::SystemClock clock;
    auto s = core::Session::create(header(0), clock.now(), "c-1");
    if (!s) die(s.error().message);
    if (auto r = store->createSession(s->header(), s->events().front()); !r) die(r.error().message);
    std::vector<double> samples;
    samples.reserve(static_cast<std::size_t>(events));
    for (int i = 0; i < events; ++i) {
      core::Event e =
          i == 0 ? core::activityStarted(s->nextSequence(), clock.now(), "c-1", "97110",
                                         core::Performer::therapist)
                 : core::performerSwitched(s->nextSequence(), clock.now(), "c-1",
                                           i % 2 ? core::Performer::assistant : core::Performer::therapist);
      auto t0 = Clock::now();
      auto seq = store->appendEvent(s->header().id, e);
      auto t1 = Clock::now();
      if (!seq) die(seq.error().message);
      (void)s->apply(e);
      samples.push_back(ms(t1 - t0));
    }
    auto st = stats(samples);
    std::printf("tap_to_commit events=%d p50_ms=%.3f p90_ms=%.3f p99_ms=%.3f max_ms=%.3f mean_ms=%.3f\n",
                events, st.p50, st.p90, st.p99, st.max, st.mean);
  }

  // [2] opening a store of N sessions
  {
    const auto path = (base / "month.db").string();
    auto t0 = Clock::now();
    {
      auto store = platform::DeviceStore::open(path);
      if (!store) die(store.error().message);
      const auto firstDay = core::WallTime{std::chrono::sys_days{std::chrono::year{2026} / 10 / 1}};
      const int perDay = std::max(1, sessions / 30);
      for (int n = 0; n < sessions; ++n) {
        // 30 clinic days; each day's sessions start 3 minutes apart from 07:00 (several are open at once,
        // as on a kiosk shared by a team).
        const int day = n / perDay;
        core::FakeClock clock(firstDay + std::chrono::days{day} + 7h +
                              std::chrono::minutes{3 * (n % perDay)});
        // The last day's sessions are not uploaded yet; everything before is synced.
        recordTypicalSession(store.value(), n, clock, day < (sessions - 1) / perDay);
      }
    }
    auto built = Clock::now() - t0;
    const auto bytes = std::filesystem::file_size(path);
    std::printf("fixture sessions=%d events=%d file_mb=%.1f build_s=%.1f\n", sessions, sessions * 8,
                static_cast<double>(bytes) / 1e6, ms(built) / 1000.0);

    std::vector<double> openMs, openNoCheckMs, startupMs;
    for (int rep = 0; rep < 15; ++rep) {
      auto a = Clock::now();
      auto store = platform::DeviceStore::open(path);
      auto b = Clock::now();
      if (!store) die(store.error().message);
      // What the app reads before its first frame: the open and unsigned sessions, loaded in full.
      auto open =
          store->listSessions({.status = core::SessionStatus::signed_, .openedFrom = {}, .openedTo = {}});
      if (!open) die(open.error().message);
      for (const auto& row : open.value()) {
        auto loaded = store->loadSession(row.header.id);
        if (!loaded) die(loaded.error().message);
        auto restored = core::Session::restore(loaded->row.header, loaded->events);
        if (!restored) die(restored.error().message);
      }
      auto c = Clock::now();
      openMs.push_back(ms(b - a));
      startupMs.push_back(ms(c - a));
      auto d = Clock::now();
      auto unchecked = platform::DeviceStore::open(
          path, {.mode = platform::StoreMode::kReadWrite, .checkIntegrity = false, .busyTimeout = 5000ms});
      auto e = Clock::now();
      if (!unchecked) die(unchecked.error().message);
      openNoCheckMs.push_back(ms(e - d));
    }
    auto o = stats(openMs), n = stats(openNoCheckMs), s = stats(startupMs);
    std::printf("open_with_quick_check sessions=%d p50_ms=%.2f max_ms=%.2f\n", sessions, o.p50, o.max);
    std::printf("open_without_check sessions=%d p50_ms=%.2f max_ms=%.2f\n", sessions, n.p50, n.max);
    std::printf("open_and_load_unsynced sessions=%d p50_ms=%.2f max_ms=%.2f\n", sessions, s.p50, s.max);

    auto store = platform::DeviceStore::open(path);
    auto p0 = Clock::now();
    auto purged =
        store->purgeExpired(core::WallTime{std::chrono::sys_days{std::chrono::year{2026} / 11 / 15}});
    auto p1 = Clock::now();
    if (!purged) die(purged.error().message);
    std::printf("purge_expired sessions_removed=%d ms=%.1f\n", purged->sessions, ms(p1 - p0));
  }
  std::filesystem::remove_all(base);
  return 0;
}
