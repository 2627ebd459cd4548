// Writes a device store like a busy kiosk's after 30 days: the demo clinic's roster and settings, N signed
// and synced sessions spread over the past days, and one session of today with 97110 still running (for
// the running-clock benchmark). Usage: unitclock_bench_make_store DIR [SESSIONS] [DAYS] [--no-running]
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include <unitclock/core/clock.h>
#include <unitclock/core/session.h>
#include <unitclock/platform/device_store.h>
#include <unitclock/platform/pin_hash.h>
#include <unitclock/platform/system_clock.h>

#include "controller.h"

using namespace std::chrono_literals;
using namespace unitclock;

namespace {

std::string uuid() {
  const auto b = platform::randomBytes(16);
  core::UuidBytes u{};
  std::copy(b.begin(), b.end(), u.begin());
  return core::uuidV4(u);
}

bool append(platform::DeviceStore& store, core::Session& s, core::Event e) {
  e.sequence = s.nextSequence();
  if (!s.check(e)) return false;
  if (!store.appendEvent(s.header().id, e)) return false;
  return static_cast<bool>(s.apply(e));
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s DIR [SESSIONS] [DAYS]\n", argv[0]);
    return 2;
  }
  const std::filesystem::path dir = argv[1];
  const int sessions = argc > 2 ? std::atoi(argv[2]) : 5000;
  const int days = argc > 3 ? std::atoi(argv[3]) : 30;
  std::filesystem::create_directories(dir);
  auto opened = platform::DeviceStore::open((dir / "device.db").string());
  if (!opened) {
    std::fprintf(stderr, "%s\n", opened.error().message.c_str());
    return 1;
  }
  auto& store = opened.value();
  platform::SystemClock real;
  {
    app::Controller seed(store, real);
    if (!seed.seedDemo()) return 1;
  }
  const char* clinicians[] = {"c-dana", "c-sam", "c-priya", "c-marco", "c-alex"};
  const char* codes[][3] = {
      {"97530", "97110", "97535"}, {"97110", "97112", "97140"}, {"97110", "97116", "97530"}};
  const auto today = std::chrono::floor<std::chrono::days>(real.wallNow());
  const int perDay = std::max(1, (sessions + days - 1) / days);
  int made = 0;
  for (int d = days; d >= 1 && made < sessions; --d) {
    for (int i = 0; i < perDay && made < sessions; ++i, ++made) {
      const auto start =
          std::chrono::time_point_cast<std::chrono::milliseconds>(today - std::chrono::days(d)) + 7h +
          std::chrono::minutes(i * 3);
      core::FakeClock clock(start, "bench-" + std::to_string(made));
      core::SessionHeader h;
      h.id = uuid();
      h.clinicId = "demo-clinic";
      h.deviceId = "demo-kiosk-1";
      h.patient = {"MRN" + std::to_string(10000 + made % 700), "PX"};
      h.payerProfile = made % 3 == 0 ? "commercial" : "medicare";
      h.discipline = made % 2 == 0 ? core::Discipline::ot : core::Discipline::pt;
      h.diagnoses = {"M54.50"};
      h.renderingClinicianId = clinicians[made % 5];
      auto s = core::Session::create(h, clock.now(), h.renderingClinicianId);
      if (!s || !store.createSession(h, s.value().events().front())) return 1;
      auto& session = s.value();
      const auto& c = codes[made % 3];
      const std::string who = h.renderingClinicianId;
      bool ok = append(store, session,
                       core::activityStarted(0, clock.now(), who, c[0], core::Performer::therapist));
      clock.advance(12min);
      ok = ok && append(store, session,
                        core::activityStarted(0, clock.now(), who, c[1], core::Performer::therapist));
      clock.advance(8min);
      ok = ok && append(store, session, core::paused(0, clock.now(), who, core::PauseReason::rest));
      clock.advance(2min);
      ok = ok && append(store, session, core::makeEvent(core::EventType::resumed, 0, clock.now(), who));
      clock.advance(7min);
      ok = ok && append(store, session,
                        core::activityStarted(0, clock.now(), who, c[2], core::Performer::assistant));
      clock.advance(11min);
      ok = ok && append(store, session, core::makeEvent(core::EventType::session_ended, 0, clock.now(), who));
      clock.advance(1min);
      ok =
          ok && append(store, session, core::makeEvent(core::EventType::session_signed, 0, clock.now(), who));
      clock.advance(1min);
      ok = ok && append(store, session, core::makeEvent(core::EventType::session_synced, 0, clock.now(), ""));
      if (!ok) {
        std::fprintf(stderr, "could not record session %d\n", made);
        return 1;
      }
    }
  }
  // Today: Dana's session for J.D. with 97110 running since now.
  if (argc > 4 && std::string(argv[4]) == "--no-running") {
    std::printf("%d sessions\n", made);
    return 0;
  }
  core::SessionHeader h;
  h.id = uuid();
  h.clinicId = "demo-clinic";
  h.deviceId = "demo-kiosk-1";
  h.patient = {"MRN2041", "JD"};
  h.payerProfile = "medicare";
  h.diagnoses = {"M54.50"};
  h.renderingClinicianId = "c-dana";
  auto s = core::Session::create(h, real.now(), "c-dana");
  if (!s || !store.createSession(h, s.value().events().front())) return 1;
  if (!append(store, s.value(),
              core::activityStarted(0, real.now(), "c-dana", "97110", core::Performer::therapist)))
    return 1;
  auto count = store.countSessions();
  std::printf("%lld sessions in %s\n", count ? static_cast<long long>(count.value()) : -1LL,
              (dir / "device.db").c_str());
  return 0;
}
