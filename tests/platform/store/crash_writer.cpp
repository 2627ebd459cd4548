// The crash test's child: records events into a device store as fast as it can, as the app would on a
// stream of taps, and prints "ack SESSION SEQ" after each appendEvent has returned (that is, after the
// event is durable). The test kills it with SIGKILL at a random moment and then checks that every
// acknowledged event is in the store.
//
//   crash_writer DB new|continue
//     new       starts a new session and records into it
//     continue  restores the most recent open session from the store and keeps recording into it
#include <unitclock/core/session.h>
#include <unitclock/platform/device_store.h>
#include <unitclock/platform/system_clock.h>

#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <string>

using namespace unitclock;

namespace {

void say(const std::string& line) {
  std::string out = line + "\n";
  // One write(2) per line, no stdio buffer: what the parent reads was really acknowledged.
  const char* p = out.data();
  std::size_t left = out.size();
  while (left > 0) {
    ssize_t n = ::write(STDOUT_FILENO, p, left);
    if (n <= 0) return;
    p += n;
    left -= static_cast<std::size_t>(n);
  }
}

int fail(const std::string& what) {
  std::fprintf(stderr, "crash_writer: %s\n", what.c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) return fail("usage: crash_writer DB new|continue");
  const std::string path = argv[1];
  const bool resume = std::strcmp(argv[2], "continue") == 0;
  platform::SystemClock clock;
  auto store = platform::DeviceStore::open(path);
  if (!store) return fail(store.error().message);

  std::optional<core::Session> session;
  if (resume) {
    auto open = store->listSessions({.status = core::SessionStatus::open, .openedFrom = {}, .openedTo = {}});
    if (!open) return fail(open.error().message);
    if (!open->empty()) {
      auto loaded = store->loadSession(open->back().header.id);
      if (!loaded) return fail(loaded.error().message);
      auto restored = core::Session::restore(loaded->row.header, loaded->events);
      if (!restored) return fail("restore: " + restored.error().message);
      session.emplace(std::move(restored).value());
    }
  }
  if (!session) {
    core::SessionHeader h;
    h.id = platform::newUuid();
    h.clinicId = "clinic-1";
    h.deviceId = "device-crash";
    h.patient = {"MRN-CRASH", "CT"};
    h.payerProfile = "medicare";
    h.diagnoses = {"M25.511"};
    h.renderingClinicianId = "c-ot-1";
    auto created = core::Session::create(h, clock.now(), "c-ot-1");
    if (!created) return fail("create: " + created.error().message);
    session.emplace(std::move(created).value());
    if (auto r = store->createSession(session->header(), session->events().front()); !r) {
      return fail(r.error().message);
    }
    say("ack " + h.id + " 1");
  }
  const std::string id = session->header().id;
  say("session " + id);

  // Taps: start an activity, then switch performers back and forth, changing activity now and then.
  const char* codes[] = {"97110", "97530", "97140", "97535"};
  for (std::uint64_t i = 0;; ++i) {
    core::Event e;
    if (!session->derive(clock.now()).running || i % 7 == 0) {
      e = core::activityStarted(session->nextSequence(), clock.now(), "c-ot-1", codes[i % 4],
                                core::Performer::therapist);
    } else {
      auto p = i % 2 == 0 ? core::Performer::therapist : core::Performer::assistant;
      e = core::performerSwitched(session->nextSequence(), clock.now(), "c-ot-1", p);
    }
    if (auto ok = session->check(e); !ok) {
      // Switching to the performer already running is refused by the model: start an activity instead.
      e = core::activityStarted(session->nextSequence(), clock.now(), "c-ot-1", codes[i % 4],
                                core::Performer::therapist);
      if (auto again = session->check(e); !again) return fail("check: " + again.error().message);
    }
    auto seq = store->appendEvent(id, e);
    if (!seq) return fail(seq.error().message);
    say("ack " + id + " " + std::to_string(seq.value()));
    (void)session->apply(e);
  }
}
