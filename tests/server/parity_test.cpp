// Device ↔ server parity (issue 9): the billing server bills exactly what the therapist signed on the
// device. Thousands of random sessions are recorded the way the kiosk records them (core::Session checks
// every tap, then the device store makes it durable), uploaded by the device's own SyncWorker from two
// enrolled devices to a real unitclock-server, and then, for every patient-day, the lines core computes on
// the device (patientDayInput over the patient's sessions of that day on both devices, computeUnits with
// the payer profile the kiosk uses: the clinic's, from the configuration the device pulled) are compared
// with the server's lines in the day summary.
//
//   unitclock_parity_tests                                   // 5,000 sessions from the fixed base seed
//   UNITCLOCK_PROPERTY_CASES=20000 unitclock_parity_tests    // at least 20,000 sessions
//   UNITCLOCK_PROPERTY_SEED=123 unitclock_parity_tests       // replays one patient (all their sessions)
//
// A case is one patient: their sessions on one clinic day (some crossing the local midnight into the
// next), on either device, with corrections before and after upload, and voids. Each case draws from its
// own seed (tests/core/property_support.h), so a counterexample's seed replays it alone.
#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <unitclock/core/clock.h>
#include <unitclock/core/day.h>
#include <unitclock/core/engine.h>
#include <unitclock/core/events.h>
#include <unitclock/core/payer.h>
#include <unitclock/core/session.h>
#include <unitclock/platform/catalog_json.h>
#include <unitclock/platform/device_store.h>
#include <unitclock/platform/device_store_outbox.h>
#include <unitclock/platform/sync_worker.h>
#include <unitclock/platform/time_zone.h>
#include <unitclock/platform/wire/device_config.h>

#include "api_client.h"
#include "property_support.h"
#include "server_process.h"

namespace unitclock::server {
namespace {

using namespace std::chrono_literals;
using core::ActivityMode;
using core::Discipline;
using core::EventType;
using core::Performer;
using core::WallTime;
using core::testing::PropertyCases;
using core::testing::PropertyRng;
using std::chrono::minutes;
using std::chrono::seconds;

// [SECTION] The clinic

constexpr std::uint64_t kBaseSeed = 20261126;
constexpr int kDefaultSessions = 5000;
constexpr const char* kZone = "America/Chicago";
constexpr const char* kClinic = "north";

// The clinic's payer profiles, set on the server with `unitclock-server config set --name payers`: its
// Medicare contractor wants XU instead of 59 (a clinic profile replaces the built-in one of the same
// name), and a regional plan with CO/CQ for any assistant minute, no telehealth modifier and a cap.
constexpr const char* kClinicPayers = R"json({"payers": [
  {"name": "medicare", "display_name": "Medicare Part B (our MAC: XU)", "rule": "cms",
   "discipline_modifiers": true, "assistant_modifiers": true, "assistant_de_minimis_percent": 10,
   "substitutions": {"97014": "G0283"}, "drop_bundled_codes": true, "telehealth_modifier": true,
   "distinct_service_modifier": "XU", "max_timed_units_per_visit": 0},
  {"name": "regional", "display_name": "Regional plan", "rule": "cms",
   "discipline_modifiers": true, "assistant_modifiers": true, "assistant_de_minimis_percent": 0,
   "substitutions": {"97014": "G0283"}, "drop_bundled_codes": false, "telehealth_modifier": false,
   "distinct_service_modifier": "59", "max_timed_units_per_visit": 4}
]})json";

// The days sessions start on: the day the clocks fall back (25 hours in Chicago) and three ordinary days.
// Sessions that cross midnight reach the next day; corrections after upload happen between kFirstSync and
// kSecondSync, on 2026-11-29 (an untimed service added then counts on that day).
constexpr std::array<std::chrono::year_month_day, 4> kDays{
    std::chrono::year_month_day{std::chrono::year{2026}, std::chrono::month{11}, std::chrono::day{1}},
    std::chrono::year_month_day{std::chrono::year{2026}, std::chrono::month{11}, std::chrono::day{25}},
    std::chrono::year_month_day{std::chrono::year{2026}, std::chrono::month{11}, std::chrono::day{26}},
    std::chrono::year_month_day{std::chrono::year{2026}, std::chrono::month{11}, std::chrono::day{27}}};
const WallTime kFirstSync{std::chrono::sys_days{std::chrono::year{2026} / 11 / 29} + 15h};   // 09:00 local
const WallTime kSecondSync{std::chrono::sys_days{std::chrono::year{2026} / 11 / 30} + 15h};  // 09:00 local

struct DisciplineData {
  Discipline discipline;
  std::vector<std::string> therapists;
  std::vector<std::string> assistants;   // empty: the therapist taps for the assistant
  std::vector<std::string> timed;        // activity tiles
  std::vector<std::string> untimed;      // untimed services added by hand
  std::vector<std::string> evaluations;  // untimed codes that are sometimes timed on their own tile
};

const std::vector<DisciplineData>& disciplines() {
  static const std::vector<DisciplineData> kData{
      {Discipline::ot,
       {"ot1", "ot2", "ot3"},
       {"ota1", "ota2"},
       {"97110", "97112", "97140", "97530", "97535", "97129", "97533", "97032", "97035", "97760", "96125"},
       {"97165", "97166", "97167", "97168", "97010", "97014", "97018", "92610"},
       {"97165", "97168"}},
      {Discipline::pt,
       {"pt1", "pt2", "pt3"},
       {"pta1", "pta2"},
       {"97110", "97112", "97116", "97140", "97530", "97535", "97032", "97035", "97750", "97760", "97542"},
       {"97161", "97162", "97163", "97164", "97010", "97014", "97012", "97016"},
       {"97163", "97164"}},
      {Discipline::slp,
       {"slp1", "slp2"},
       {},
       {"97129", "97130", "96125", "97533", "97110"},
       {"92521", "92522", "92523", "92524", "92507", "92610", "92526"},
       {"92523", "92610"}},
  };
  return kData;
}

const std::vector<std::string> kDiagnoses{"M25.511", "M62.81", "R26.89", "Z96.651", "G81.94", "I69.351"};
// Activity lengths in minutes: 8 + 8 and 23 + 23 make tied remainders; 7 and 53 sit beside the midpoints.
const std::vector<int> kActivityMinutes{3,  5,  7,  8,  8,  8,  9,  10, 11, 12, 15,
                                        16, 20, 22, 23, 25, 30, 37, 38, 45, 53};
const std::vector<std::string> kCorrectionReasons{"times corrected", "wrong code tapped",
                                                  "untimed service was missing", "tie choice changed"};

template <class T>
const T& pick(PropertyRng& rng, const std::vector<T>& items) {
  return items[static_cast<std::size_t>(rng.below(static_cast<int>(items.size())))];
}

// The payer profile the kiosk computes a session's units with (KioskContext::unitsFor and payerOf in
// app/kiosk/presenters/context.cpp): the profile of that name among the rules of the configuration the
// device pulled from the server (`kiosk`, wire::rulesOf), Medicare's for a name they do not know. This is
// what the therapist sees on the review screen and signs.
core::PayerProfile kioskPayer(const wire::BillingRules& kiosk, const std::string& name) {
  if (const auto* p = kiosk.findPayer(name)) return *p;
  if (const auto* p = kiosk.findPayer("medicare")) return *p;
  return core::PayerProfile::medicare();
}

// The server's profile of that name: the clinic's (kClinicPayers), else the built-in one.
std::optional<core::PayerProfile> clinicPayer(const std::string& name) {
  static const auto kParsed = platform::parsePayersJson(kClinicPayers, "kClinicPayers");
  if (!kParsed) throw std::runtime_error(kParsed.error().message);
  if (const auto* p = platform::findPayer(kParsed.value(), name)) return *p;
  return core::builtinPayer(name);
}

// [SECTION] Clocks and files

// Every reading of these devices belongs to one process run whose monotonic clock reads the wall time,
// so a session's timeline is its events' wall times (core/session.h, time policy).
core::Instant reading(WallTime wall) {
  return {wall, "kiosk", std::chrono::duration_cast<std::chrono::nanoseconds>(wall.time_since_epoch())};
}

// The clock the sync worker stamps session_synced with; read on the worker threads.
class SyncClock final : public core::Clock {
 public:
  explicit SyncClock(WallTime wall) : m_wall(wall) {}
  WallTime wallNow() const override {
    std::lock_guard lock(m_mutex);
    return m_wall;
  }
  std::chrono::nanoseconds monotonicNow() const override { return reading(wallNow()).monotonic; }
  std::string runId() const override { return "kiosk"; }
  void set(WallTime wall) {
    std::lock_guard lock(m_mutex);
    m_wall = wall;
  }

 private:
  mutable std::mutex m_mutex;
  WallTime m_wall;
};

// The device stores commit every event with a flush (synchronous=FULL): 5,000 sessions are more than
// 100,000 flushes, minutes on a disk and a second or two in memory. They are real SQLite files either way,
// so they live in /dev/shm when there is one.
std::filesystem::path scratchRoot() {
  if (std::filesystem::is_directory("/dev/shm") && ::access("/dev/shm", W_OK) == 0) return "/dev/shm";
  return std::filesystem::temp_directory_path();
}

std::string localText(WallTime t) {
  const auto offset = platform::utcOffsetAt(t, kZone);
  const auto local = std::chrono::floor<seconds>(t) + (offset ? offset.value() : seconds{0});
  const auto day = std::chrono::floor<std::chrono::days>(local);
  const std::chrono::year_month_day ymd{day};
  const std::chrono::hh_mm_ss hms{local - day};
  char buf[48];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u %02lld:%02lld:%02lld", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                static_cast<long long>(hms.hours().count()), static_cast<long long>(hms.minutes().count()),
                static_cast<long long>(hms.seconds().count()));
  return buf;
}

std::string localDateOf(WallTime t) {
  auto date = platform::localDate(t, kZone);
  if (!date) throw std::runtime_error(date.error().message);
  return platform::formatIsoDate(date.value());
}

platform::UtcRange dayRange(const std::string& isoDate) {
  auto date = platform::parseIsoDate(isoDate);
  if (!date) throw std::runtime_error("not a date: " + isoDate);
  auto range = platform::localDayRange(*date, kZone);
  if (!range) throw std::runtime_error(range.error().message);
  return range.value();
}

// [SECTION] The kiosks

struct Device {
  std::string label;
  std::string storePath;
  std::int64_t deviceId = 0;
  platform::SyncOptions sync;
  std::optional<platform::DeviceStore> store;  // the app's connection, used to record
  int refusedTaps = 0;                         // events core refused, not recorded
  // The rules the kiosk on this device bills with (KioskContext::rules): those of the configuration its
  // sync worker pulled from the server and keeps in the store.
  wire::BillingRules rules;
};

// One session on one device, recorded the way the kiosk records a tap (KioskContext::record): core
// checks the event, the device store makes it durable, then the model applies it. An event core refuses
// is not recorded (a kiosk shows the refusal instead), and the generator goes on.
class Recorder {
 public:
  Recorder(Device& device, core::Session session) : m_device(device), m_session(std::move(session)) {}

  bool tap(core::Event e) {
    e.sequence = m_session.nextSequence();
    if (!m_session.check(e)) {
      ++m_device.refusedTaps;
      return false;
    }
    auto stored = m_device.store->appendEvent(m_session.header().id, e);
    if (!stored) throw std::runtime_error("device store: " + stored.error().message);
    if (auto applied = m_session.apply(e); !applied) throw std::runtime_error(applied.error().message);
    return true;
  }

  const core::Session& session() const { return m_session; }
  const core::SessionHeader& header() const { return m_session.header(); }
  const Device& device() const { return m_device; }

 private:
  Device& m_device;
  core::Session m_session;
};

struct Patient {
  int caseIndex = 0;
  std::uint64_t seed = 0;
  std::string mrn;
  const DisciplineData* discipline = nullptr;
  std::string payer;
  bool telehealth = false;
  std::string therapist;
  std::string assistant;  // who taps for the assistant
};

// A correction or void made after the session was uploaded: drawn from its own seed when it happens.
struct LaterChange {
  std::string sessionId;
  int device = 0;
  std::uint64_t seed = 0;
};

// A session id that the case's seed fixes (UUID v4 form), so a replayed case has the same ids.
std::string sessionUuid(std::uint64_t seed, int n) {
  char buf[40];
  std::snprintf(
      buf, sizeof buf, "%08llx-%04llx-4%03llx-8%03x-%012llx", static_cast<unsigned long long>(seed >> 32),
      static_cast<unsigned long long>((seed >> 16) & 0xffff), static_cast<unsigned long long>(seed & 0xfff),
      n & 0xfff, static_cast<unsigned long long>(seed & 0xffffffffffffull));
  return buf;
}

// Draws a patient's sessions and records them on the devices: activities with pauses and performer
// switches, group and co-treatment time, untimed services (the assistant's when the performer chip is on
// the assistant), the end, the review (segment corrections, the choice between tied codes, diagnoses),
// signing or a void, and corrections (reopen + sign again) before or after upload.
class PatientGenerator {
 public:
  PatientGenerator(PropertyRng& rng, const Patient& patient, std::vector<Device>& devices)
      : m_rng(rng), m_patient(patient), m_devices(devices) {}

  // Records session number `n` on `device` from `start`; returns the time of its last event.
  WallTime session(int n, int device, WallTime start, std::vector<LaterChange>& later) {
    core::SessionHeader h;
    h.id = sessionUuid(m_patient.seed, n);
    h.clinicId = kClinic;
    h.deviceId = std::to_string(m_devices[static_cast<std::size_t>(device)].deviceId);
    h.patient = {m_patient.mrn, "KW"};
    h.payerProfile = m_patient.payer;
    h.discipline = m_patient.discipline->discipline;
    h.telehealth = m_patient.telehealth;
    const int diagnoses = m_rng.oneIn(20) ? 0 : 1 + m_rng.below(2);
    for (int i = 0; i < diagnoses; ++i) {
      const std::string& d = pick(m_rng, kDiagnoses);
      if (std::find(h.diagnoses.begin(), h.diagnoses.end(), d) == h.diagnoses.end()) h.diagnoses.push_back(d);
    }
    h.renderingClinicianId = m_patient.therapist;
    auto created = core::Session::create(h, reading(start), m_patient.therapist);
    if (!created) throw std::runtime_error("generator: " + created.error().message);
    auto& d = m_devices[static_cast<std::size_t>(device)];
    if (auto r = d.store->createSession(h, created->events().front()); !r)
      throw std::runtime_error("device store: " + r.error().message);
    Recorder r(d, std::move(created).value());

    WallTime t = start + seconds{m_rng.between(10, 90)};
    Performer performer = m_rng.oneIn(5) ? Performer::assistant : Performer::therapist;
    if (m_rng.oneIn(6)) addUntimed(r, t);  // an evaluation first
    int lastMinutes = 0;
    const int activities = 1 + m_rng.below(4);
    for (int a = 0; a < activities; ++a) {
      const bool tile = m_rng.oneIn(12);
      const std::string code =
          tile ? pick(m_rng, m_patient.discipline->evaluations) : pick(m_rng, m_patient.discipline->timed);
      const int modeDraw = m_rng.below(20);
      const ActivityMode mode = modeDraw < 14   ? ActivityMode::one_on_one
                                : modeDraw < 17 ? ActivityMode::co_treatment
                                                : ActivityMode::group;
      const bool sameLength = lastMinutes > 0 && m_rng.oneIn(3);  // 8 + 8: tied remainders
      const int length = sameLength ? lastMinutes : pick(m_rng, kActivityMinutes);
      const int extraSeconds = m_rng.oneIn(3) ? m_rng.below(60) : 0;
      lastMinutes = length;
      const seconds total = minutes{length} + seconds{extraSeconds};
      r.tap(core::activityStarted(0, reading(t), who(performer), code, performer, mode));
      const int inside = m_rng.below(10);
      if (inside == 0 && total > 1min) {
        const seconds before{m_rng.between(30, total.count() - 30)};
        t += before;
        const auto reason = static_cast<core::PauseReason>(m_rng.below(5));
        r.tap(core::paused(0, reading(t), who(performer), reason));
        t += seconds{m_rng.between(30, 600)};
        const bool resume = !m_rng.oneIn(6);  // else the next tap (an activity or the end) ends the pause
        if (resume) {
          r.tap(core::makeEvent(EventType::resumed, 0, reading(t), who(performer)));
          t += total - before;
        }
      } else if (inside == 1 && total > 1min) {
        const seconds before{m_rng.between(30, total.count() - 30)};
        t += before;
        performer = performer == Performer::therapist ? Performer::assistant : Performer::therapist;
        r.tap(core::performerSwitched(0, reading(t), who(performer), performer));
        t += total - before;
      } else {
        t += total;
      }
      const bool stop = m_rng.coin();
      if (stop) r.tap(core::makeEvent(EventType::activity_stopped, 0, reading(t), who(performer)));
      if (m_rng.oneIn(5)) addUntimed(r, t);
      if (stop) t += seconds{m_rng.between(0, 180)};
    }
    if (m_rng.oneIn(5)) addUntimed(r, t);
    t += seconds{m_rng.between(0, 60)};
    r.tap(core::makeEvent(EventType::session_ended, 0, reading(t), m_patient.therapist));

    // Review.
    t += seconds{m_rng.between(30, 120)};
    if (m_rng.oneIn(4)) {
      editSegment(r, t);
      t += 20s;
    }
    chooseTie(r, t);
    if (m_rng.oneIn(10)) setDiagnoses(r, t);
    t += seconds{m_rng.between(30, 90)};
    if (m_rng.oneIn(33)) {  // voided before signing: never uploaded
      r.tap(core::withReason(EventType::session_voided, 0, reading(t), m_patient.therapist, "wrong patient"));
      return t;
    }
    r.tap(core::makeEvent(EventType::session_signed, 0, reading(t), m_patient.therapist));

    const int after = m_rng.below(100);
    if (after < 8) {
      t += minutes{m_rng.between(1, 40)};
      t = correct(r, t, 0);
    } else if (after < 11) {
      t += minutes{m_rng.between(1, 60)};
      r.tap(core::withReason(EventType::session_voided, 0, reading(t), m_patient.therapist,
                             "duplicate session"));
    } else if (after < 23) {
      later.push_back({h.id, device, core::testing::caseSeed(m_patient.seed, 1000 + n)});
    }
    return t;
  }

  // A correction after signing: reopened with a reason, changed, then signed again (or voided). Returns
  // the time of its last event.
  WallTime correct(Recorder& r, WallTime t, int depth) {
    const std::string& reason = pick(m_rng, kCorrectionReasons);
    r.tap(core::withReason(EventType::session_reopened, 0, reading(t), m_patient.therapist, reason));
    const int changes = 1 + m_rng.below(3);
    for (int i = 0; i < changes; ++i) {
      t += seconds{m_rng.between(10, 120)};
      const int kind = m_rng.below(4);
      if (kind == 0) editSegment(r, t);
      if (kind == 1) addUntimed(r, t);
      if (kind == 2) chooseTie(r, t);
      if (kind == 3) setDiagnoses(r, t);
    }
    t += seconds{m_rng.between(10, 120)};
    if (m_rng.oneIn(8)) {
      r.tap(core::withReason(EventType::session_voided, 0, reading(t), m_patient.therapist, "not billable"));
      return t;
    }
    r.tap(core::makeEvent(EventType::session_signed, 0, reading(t), m_patient.therapist));
    if (depth == 0 && m_rng.oneIn(6)) return correct(r, t + minutes{m_rng.between(1, 30)}, depth + 1);
    return t;
  }

  // A change after upload: the session restored from the device store (its log now ends with
  // session_synced), then corrected or voided.
  void later(Recorder& r, WallTime t) {
    if (m_rng.oneIn(4)) {
      r.tap(
          core::withReason(EventType::session_voided, 0, reading(t), m_patient.therapist, "billed in error"));
      return;
    }
    correct(r, t, 0);
  }

 private:
  std::string who(Performer performer) const {
    return performer == Performer::assistant && !m_patient.assistant.empty() ? m_patient.assistant
                                                                             : m_patient.therapist;
  }

  // The kiosk's AddUntimed: the minutes count as the assistant's when the performer chip is on the
  // assistant (app/kiosk/presenters/session.cpp).
  void addUntimed(Recorder& r, WallTime t) {
    const std::string& code = pick(m_rng, m_patient.discipline->untimed);
    const minutes length{5 * (1 + m_rng.below(12))};
    const bool byAssistant = m_rng.oneIn(3);
    r.tap(core::untimedAdded(0, reading(t), who(byAssistant ? Performer::assistant : Performer::therapist),
                             code, length, byAssistant ? length : 0min));
  }

  // A segment's times corrected by up to 4 minutes at either end. Core refuses an overlap or an end after
  // the time of the edit; such an edit is skipped.
  void editSegment(Recorder& r, WallTime t) {
    const auto summary = r.session().derive();
    if (summary.segments.empty()) return;
    const int index = m_rng.below(static_cast<int>(summary.segments.size()));
    const auto& seg = summary.segments[static_cast<std::size_t>(index)];
    const minutes startShift{m_rng.between(-4, 4)};
    const minutes endShift{m_rng.between(-4, 4)};
    r.tap(core::segmentEdited(0, reading(t), m_patient.therapist, index, seg.start, seg.end,
                              seg.start + startShift, seg.end + endShift, "times corrected"));
  }

  // The review screen's choice between tied codes (app/kiosk/presenters/review.cpp): the units the kiosk
  // shows, and mostly the code the engine did not pick.
  void chooseTie(Recorder& r, WallTime t) {
    const auto& rules = r.device().rules;
    const auto summary = r.session().derive(rules.catalog);
    const auto units = core::computeUnits(core::sessionInput(r.header(), summary, rules.catalog),
                                          kioskPayer(rules, r.header().payerProfile), rules.catalog);
    if (units && !units->ties.empty() && !m_rng.oneIn(4)) {
      const auto& tie =
          units->ties[static_cast<std::size_t>(m_rng.below(static_cast<int>(units->ties.size())))];
      std::vector<std::string> notAwarded;
      for (const auto& c : tie.candidates)
        if (std::find(tie.awarded.begin(), tie.awarded.end(), c) == tie.awarded.end())
          notAwarded.push_back(c);
      const bool swap = !notAwarded.empty() && !m_rng.oneIn(3);
      const std::string code = swap ? pick(m_rng, notAwarded) : pick(m_rng, tie.candidates);
      r.tap(core::withCodes(EventType::tie_preference_set, 0, reading(t), m_patient.therapist, {code}));
    } else if (!summary.codes.empty() && m_rng.oneIn(12)) {
      const std::string code =
          summary.codes[static_cast<std::size_t>(m_rng.below(static_cast<int>(summary.codes.size())))].code;
      r.tap(core::withCodes(EventType::tie_preference_set, 0, reading(t), m_patient.therapist, {code}));
    }
  }

  void setDiagnoses(Recorder& r, WallTime t) {
    std::vector<std::string> codes;
    const int count = m_rng.below(3);
    for (int i = 0; i < count; ++i) {
      const std::string& d = pick(m_rng, kDiagnoses);
      if (std::find(codes.begin(), codes.end(), d) == codes.end()) codes.push_back(d);
    }
    r.tap(core::withCodes(EventType::diagnoses_set, 0, reading(t), m_patient.therapist, codes));
  }

  PropertyRng& m_rng;
  const Patient& m_patient;
  std::vector<Device>& m_devices;
};

// Draws patient `index` from `seed` and records all their sessions; returns how many.
int recordPatient(int index, std::uint64_t seed, std::vector<Device>& devices, std::vector<Patient>& patients,
                  std::vector<LaterChange>& later) {
  PropertyRng rng(seed);
  Patient p;
  p.caseIndex = index;
  p.seed = seed;
  char mrn[24];
  std::snprintf(mrn, sizeof mrn, "M%012llx", static_cast<unsigned long long>(seed & 0xffffffffffffull));
  p.mrn = mrn;
  const int disciplineDraw = rng.below(10);
  p.discipline = &disciplines()[disciplineDraw < 5 ? 0 : disciplineDraw < 9 ? 1 : 2];
  const int payerDraw = rng.below(20);
  p.payer = payerDraw < 10 ? "medicare" : payerDraw < 15 ? "commercial" : "regional";
  p.telehealth = rng.oneIn(10);
  p.therapist = pick(rng, p.discipline->therapists);
  p.assistant = p.discipline->assistants.empty() ? std::string() : pick(rng, p.discipline->assistants);
  const int dayDraw = rng.below(10);
  const auto day = kDays[static_cast<std::size_t>(dayDraw == 0 ? 0 : 1 + (dayDraw - 1) / 3)];
  const auto range = platform::localDayRange(day, kZone);
  if (!range) throw std::runtime_error(range.error().message);
  const bool late = rng.oneIn(6);  // the last session starts late and crosses midnight
  const int sessions = 1 + rng.below(4);
  WallTime t = range->start + minutes{rng.between(7 * 60, 17 * 60)};
  PatientGenerator gen(rng, p, devices);
  for (int n = 0; n < sessions; ++n) {
    const int device = rng.below(2);
    if (late && n == sessions - 1) t = std::max(t, range->end - minutes{rng.between(15, 70)});
    t = gen.session(n, device, t, later);
    t += minutes{rng.between(5, 120)};
  }
  patients.push_back(std::move(p));
  return sessions;
}

// [SECTION] Sync

std::size_t pendingIn(const std::string& storePath) {
  auto store = platform::DeviceStore::open(storePath, {platform::StoreMode::kReadOnly, false});
  if (!store) throw std::runtime_error(store.error().message);
  auto pending = store->pendingOutbox(WallTime::max(), 1000000);
  if (!pending) throw std::runtime_error(pending.error().message);
  return pending->size();
}

// Both devices' SyncWorkers at once (DeviceStoreOutbox over each store file, batches of 50) until both
// outboxes are empty; returns the uploads the server accepted.
std::uint64_t syncAll(std::vector<Device>& devices, const SyncClock& clock) {
  std::vector<std::unique_ptr<platform::SyncWorker>> workers;
  for (auto& d : devices) {
    workers.push_back(std::make_unique<platform::SyncWorker>(
        std::make_unique<platform::DeviceStoreOutbox>(d.storePath, clock), d.sync));
    workers.back()->start();
  }
  for (std::size_t i = 0; i < devices.size(); ++i) {
    const bool done = testing::waitFor([&] { return pendingIn(devices[i].storePath) == 0; }, 300s);
    if (!done)
      throw std::runtime_error(devices[i].label +
                               " did not upload its outbox: " + workers[i]->state().lastError);
  }
  std::uint64_t uploaded = 0;
  for (auto& w : workers) {
    w->stop();
    uploaded += w->state().uploaded;
  }
  return uploaded;
}

// [SECTION] Comparing

struct StoredSession {
  core::Session session;
  int device = 0;
  WallTime opened{};
  std::set<std::string> days;  // as the upload places it: its start, each segment part, each untimed service
};

std::set<std::string> daysOf(const core::Session& s) {
  std::set<std::string> days{localDateOf(s.events().front().wall)};
  const auto summary = s.derive();
  for (const auto& seg : summary.segments) {
    for (WallTime from = seg.start; from < seg.end;) {
      const std::string date = localDateOf(from);
      days.insert(date);
      from = dayRange(date).end;
    }
  }
  for (const auto& u : summary.untimed) days.insert(localDateOf(u.at));
  return days;
}

// Charge lines as text, in a fixed order (the order of lines is not what is billed): "97110 x2 GO CO".
struct Billing {
  bool computed = true;
  std::string error;
  std::vector<std::string> lines;
  friend bool operator==(const Billing& a, const Billing& b) {
    return a.computed == b.computed && (!a.computed || a.lines == b.lines);
  }
};

std::string lineText(const std::string& code, int units, const std::vector<std::string>& modifiers) {
  std::string s = code + " x" + std::to_string(units);
  for (const auto& m : modifiers) s += " " + m;
  return s;
}

Billing billingOf(const core::Result<core::UnitsResult, core::EngineError>& units) {
  Billing b;
  if (!units) return {false, units.error().message, {}};
  for (const auto& l : units->lines) b.lines.push_back(lineText(l.code, l.units, l.modifiers));
  std::sort(b.lines.begin(), b.lines.end());
  return b;
}

std::string describe(const Billing& b) {
  if (!b.computed) return "(not computed: " + b.error + ")";
  if (b.lines.empty()) return "(no lines)";
  std::string s;
  for (const auto& l : b.lines) s += (s.empty() ? "" : ", ") + l;
  return s;
}

// What the device computes for a patient-day, and the same with one of the server's known departures, to
// say which one explains a difference.
struct Oracle {
  bool keepTiePreference = true;
  bool keepUntimedAssistantMinutes = true;
  bool clinicPayerProfile = false;
  const wire::BillingRules* kiosk = nullptr;  // the devices' rules (Device::rules)

  Billing operator()(const std::vector<const core::Session*>& sessions, const platform::UtcRange& range,
                     const std::string& payerName) const {
    const auto start = std::chrono::floor<seconds>(range.start);
    const auto end = std::chrono::floor<seconds>(range.end);
    core::EngineInput input;
    if (keepUntimedAssistantMinutes) {
      auto in = core::patientDayInput(sessions, start, end);
      if (!in) return {false, in.error(), {}};
      input = std::move(in).value();
    } else {
      std::vector<core::EngineInput> inputs;
      for (const auto* s : sessions) {
        if (s->status() == core::SessionStatus::voided) continue;
        auto summary = s->derive();
        for (auto& u : summary.untimed) u.assistantMinutes = 0min;
        inputs.push_back(core::dayInput(s->header(), summary, start, end));
      }
      if (inputs.empty()) {
        input.discipline = sessions.front()->header().discipline;
      } else {
        auto merged = core::mergeInputs(inputs);
        if (!merged) return {false, merged.error(), {}};
        input = std::move(merged).value();
      }
    }
    if (!keepTiePreference) input.tiePreference.clear();
    if (!clinicPayerProfile) return billingOf(core::computeUnits(input, kioskPayer(*kiosk, payerName)));
    const auto payer = clinicPayer(payerName);
    if (!payer) return {false, "no payer " + payerName, {}};
    return billingOf(core::computeUnits(input, *payer));
  }
};

// What the server bills for a patient-day: patients[].server.lines of the day summary.
Billing serverBilling(const nlohmann::json* patient) {
  Billing b;
  if (patient == nullptr) return b;  // no signed session: nothing billed
  if (!patient->value("recomputed", false))
    return {false, "flags " + patient->value("flags", nlohmann::json::array()).dump(), {}};
  for (const auto& l : (*patient)["server"]["lines"])
    b.lines.push_back(lineText(l["code"].get<std::string>(), l["units"].get<int>(),
                               l["modifiers"].get<std::vector<std::string>>()));
  std::sort(b.lines.begin(), b.lines.end());
  return b;
}

std::string eventText(const core::Event& e) {
  std::string s = "#" + std::to_string(e.sequence) + "  " + localText(e.wall) + "  " +
                  std::string(core::toString(e.type));
  if (!e.clinicianId.empty()) s += " by " + e.clinicianId;
  if (!e.code.empty()) s += " " + e.code;
  if (e.performer) s += " " + std::string(core::toString(*e.performer));
  if (e.mode) s += " " + std::string(core::toString(*e.mode));
  if (e.pauseReason) s += " (" + std::string(core::toString(*e.pauseReason)) + ")";
  if (e.minutes) s += " " + std::to_string(e.minutes->count()) + " min";
  if (e.assistantMinutes && e.assistantMinutes->count() > 0)
    s += ", " + std::to_string(e.assistantMinutes->count()) + " min by the assistant";
  if (e.type == EventType::diagnoses_set || e.type == EventType::tie_preference_set) {
    s += " [";
    for (std::size_t i = 0; i < e.codes.size(); ++i) s += (i ? " " : "") + e.codes[i];
    s += "]";
  }
  if (e.segmentIndex) {
    s += " segment " + std::to_string(*e.segmentIndex) + " " + localText(*e.oldStart).substr(11) + "-" +
         localText(*e.oldEnd).substr(11) + " -> " + localText(*e.newStart).substr(11) + "-" +
         localText(*e.newEnd).substr(11);
  }
  if (!e.reason.empty()) s += " \"" + e.reason + "\"";
  return s;
}

// How often the recorded logs hold what the generator is meant to produce, so that a change to it (or to
// what core accepts) cannot quietly stop testing one of them.
std::map<std::string, int> coverageOf(const std::map<std::string, std::vector<StoredSession>>& byPatient) {
  std::map<std::string, int> n;
  for (const char* what :
       {"sessions crossing midnight", "sessions of the clinic's own payer", "sessions with a revision",
        "voided sessions", "corrections after upload", "voids after upload", "tie preferences",
        "segment corrections", "pauses", "untimed services by the assistant", "activities by the assistant",
        "performer switches", "group activities", "co-treatment activities", "patient-days on both devices",
        "patient-days of 25 hours (clocks fall back)"})
    n[what] = 0;
  for (const auto& [mrn, list] : byPatient) {
    std::map<std::string, std::set<int>> devicesOfDay;
    for (const auto& s : list) {
      for (const auto& d : s.days) devicesOfDay[d].insert(s.device);
      const auto& events = s.session.events();
      const auto ended = std::find_if(events.begin(), events.end(), [](const core::Event& e) {
        return e.type == EventType::session_ended;
      });
      if (ended != events.end() && localDateOf(ended->wall) != localDateOf(events.front().wall))
        ++n["sessions crossing midnight"];
      if (s.session.header().payerProfile == "regional") ++n["sessions of the clinic's own payer"];
      if (s.session.revision() > 1) ++n["sessions with a revision"];
      if (s.session.status() == core::SessionStatus::voided) ++n["voided sessions"];
      bool synced = false;
      for (const auto& e : s.session.events()) {
        if (e.type == EventType::session_synced) synced = true;
        if (e.type == EventType::session_reopened && synced) ++n["corrections after upload"];
        if (e.type == EventType::session_voided && synced) ++n["voids after upload"];
        if (e.type == EventType::tie_preference_set) ++n["tie preferences"];
        if (e.type == EventType::segment_edited) ++n["segment corrections"];
        if (e.type == EventType::paused) ++n["pauses"];
        if (e.type == EventType::untimed_added && e.assistantMinutes && e.assistantMinutes->count() > 0)
          ++n["untimed services by the assistant"];
        if (e.type == EventType::activity_started && e.performer == Performer::assistant)
          ++n["activities by the assistant"];
        if (e.type == EventType::performer_switched) ++n["performer switches"];
        if (e.mode == ActivityMode::group) ++n["group activities"];
        if (e.mode == ActivityMode::co_treatment) ++n["co-treatment activities"];
      }
    }
    for (const auto& [day, devices] : devicesOfDay) {
      if (devices.size() > 1) ++n["patient-days on both devices"];
      if (day == "2026-11-01") ++n["patient-days of 25 hours (clocks fall back)"];
    }
  }
  return n;
}

// The ways the server has been seen to depart from the device, each an Oracle setting: a difference is
// reported with the ones it comes from, or as unexplained.
constexpr const char* kTieCause = "the server ignores the tie preference";
constexpr const char* kUntimedCause = "the server drops the assistant's minutes of untimed services";
constexpr const char* kPayerCause =
    "the server bills with the clinic's payer profile, the kiosk with another (not the one in the "
    "configuration it pulled)";
constexpr const char* kUnexplained = "unexplained by these";

// The departures that, together, turn the device's lines into the server's, each of them needed; or
// kUnexplained.
std::vector<std::string> causesOf(const std::vector<const core::Session*>& sessions,
                                  const platform::UtcRange& range, const std::string& payer,
                                  const Billing& billed, const wire::BillingRules& kiosk) {
  if (Oracle{false, false, true, &kiosk}(sessions, range, payer) != billed) return {kUnexplained};
  std::vector<std::string> causes;
  if (Oracle{true, false, true, &kiosk}(sessions, range, payer) != billed) causes.push_back(kTieCause);
  if (Oracle{false, true, true, &kiosk}(sessions, range, payer) != billed) causes.push_back(kUntimedCause);
  if (Oracle{false, false, false, &kiosk}(sessions, range, payer) != billed) causes.push_back(kPayerCause);
  return causes;
}

struct Counterexample {
  std::vector<std::string> causes;
  std::size_t events = 0;  // of the patient-day's sessions: the smallest counterexample is shown
  std::string text;
};

}  // namespace

// [SECTION] The property

TEST(Parity, TheServerBillsEveryPatientDayAsTheDevicesComputeIt) {
  const PropertyCases cases(kBaseSeed, kDefaultSessions);
  using Steady = std::chrono::steady_clock;
  const auto began = Steady::now();

  // The clinic: Chicago time, its roster, its payer profiles, two enrollment codes, a supervisor.
  test::TempDir dir{scratchRoot()};
  const std::string dataDir = (dir.path() / "server").string();
  const auto must = [](const std::vector<std::string>& args) { return testing::Clinic::must(args); };
  must({"init", "--data-dir", dataDir});
  must({"clinic", "add", "--data-dir", dataDir, "--id", kClinic, "--name", "North Clinic", "--timezone",
        kZone});
  const std::map<std::string, std::string> roles{
      {"ot", "ot"}, {"ota", "ota"}, {"pt", "pt"}, {"pta", "pta"}, {"slp", "slp"}};
  for (const auto& d : disciplines()) {
    for (const auto& group : {d.therapists, d.assistants}) {
      for (const auto& id : group) {
        const std::string role = id.substr(0, id.find_first_of("0123456789"));
        must({"clinician", "add", "--data-dir", dataDir, "--clinic", kClinic, "--id", id, "--name",
              "Clinician " + id, "--role", roles.at(role)});
      }
    }
  }
  const std::string payersFile = (dir.path() / "payers.json").string();
  std::ofstream(payersFile) << kClinicPayers;
  must({"config", "set", "--data-dir", dataDir, "--clinic", kClinic, "--name", "payers", "--file",
        payersFile});
  const std::string supervisorToken = testing::trim(
      must({"token", "add", "--data-dir", dataDir, "--role", "supervisor", "--clinic", kClinic}));
  // Rate limits are not what this test is about (sync_worker_test covers 429 and Retry-After).
  testing::ServerProcess server(dataDir, {"--rate", "1000000", "--burst", "1000000"});

  std::vector<Device> devices(2);
  devices[0].label = "room 1 kiosk";
  devices[1].label = "gym tablet";
  for (std::size_t i = 0; i < devices.size(); ++i) {
    auto& d = devices[i];
    d.storePath = (dir.path() / ("device-" + std::to_string(i + 1) + ".db")).string();
    d.sync.client.baseUrl = server.url();
    d.sync.backoff.initial = 20ms;
    d.sync.backoff.maximum = 500ms;
    const std::string code =
        testing::trim(must({"device", "enroll-code", "--data-dir", dataDir, "--clinic", kClinic}));
    auto enrolled = platform::enrollDevice(d.sync.client, code, d.label);
    ASSERT_TRUE(enrolled) << enrolled.error().message;
    d.sync.client.bearerToken = enrolled->token;
    d.deviceId = enrolled->deviceId;
    auto store = platform::DeviceStore::open(d.storePath);
    ASSERT_TRUE(store) << store.error().message;
    d.store.emplace(std::move(store).value());
    // What the kiosk stores from the configuration it pulls (and what its sync worker stores again).
    const WallTime installed{std::chrono::sys_days{std::chrono::year{2026} / 10 / 1}};
    ASSERT_TRUE(d.store->setSetting("clinic_time_zone", kZone, "", installed));
    // The configuration the device pulls before its first session, and the rules its kiosk reads from it.
    SyncClock pullClock(installed);
    platform::SyncWorker puller(std::make_unique<platform::DeviceStoreOutbox>(d.storePath, pullClock),
                                d.sync);
    puller.start();
    ASSERT_TRUE(testing::waitFor([&] { return puller.state().configVersion > 0; }, 30s))
        << d.label << " pulled no configuration: " << puller.state().lastError;
    puller.stop();
    auto cached = d.store->setting(platform::DeviceStoreOutbox::kConfigSetting);
    ASSERT_TRUE(cached && cached.value()) << d.label << " keeps no configuration";
    auto config = wire::parseDeviceConfigBody(*cached.value());
    ASSERT_TRUE(config) << config.error().field << ": " << config.error().message;
    d.rules = wire::rulesOf(config.value());
  }
  ASSERT_EQ(devices[0].rules.payers, devices[1].rules.payers);
  const wire::BillingRules& kioskRules = devices[0].rules;
  const auto setUp = Steady::now();

  // Record.
  std::vector<Patient> patients;
  std::vector<LaterChange> later;
  int sessions = 0;
  for (int i = 0; cases.replaying() ? i < 1 : sessions < cases.count(); ++i)
    sessions += recordPatient(i, cases.seed(i), devices, patients, later);
  const auto recorded = Steady::now();

  // Upload, change some sessions afterwards (their logs now end with session_synced), upload again.
  SyncClock syncClock(kFirstSync);
  std::uint64_t uploads = syncAll(devices, syncClock);
  const auto firstSync = Steady::now();
  std::map<std::string, const Patient*> patientByMrn;
  for (const auto& p : patients) patientByMrn[p.mrn] = &p;
  for (const auto& change : later) {
    auto& store = *devices[static_cast<std::size_t>(change.device)].store;
    auto stored = store.loadSession(change.sessionId);
    ASSERT_TRUE(stored) << stored.error().message;
    auto session = core::Session::restore(stored->row.header, stored->events);
    ASSERT_TRUE(session) << session.error().message;
    PropertyRng rng(change.seed);
    const Patient& p = *patientByMrn.at(stored->row.header.patient.mrn);
    PatientGenerator gen(rng, p, devices);
    Recorder r(devices[static_cast<std::size_t>(change.device)], std::move(session).value());
    const WallTime at = std::max(kFirstSync, r.session().events().back().wall) + minutes{rng.between(1, 600)};
    gen.later(r, at);
  }
  syncClock.set(kSecondSync);
  uploads += syncAll(devices, syncClock);
  const auto secondSync = Steady::now();

  // Read back what the devices hold; every outbox entry must have been taken by the server.
  std::map<std::string, std::vector<StoredSession>> byPatient;
  std::vector<std::string> refused;
  for (std::size_t i = 0; i < devices.size(); ++i) {
    auto& store = *devices[i].store;
    auto rows = store.listSessions();
    ASSERT_TRUE(rows) << rows.error().message;
    for (const auto& row : rows.value()) {
      auto stored = store.loadSession(row.header.id);
      ASSERT_TRUE(stored) << stored.error().message;
      auto session = core::Session::restore(stored->row.header, stored->events);
      ASSERT_TRUE(session) << session.error().message;
      const auto status = session->status();
      ASSERT_TRUE(status == core::SessionStatus::synced || status == core::SessionStatus::voided)
          << "session " << row.header.id << " is " << core::toString(status);
      auto outbox = store.outbox(row.header.id);
      ASSERT_TRUE(outbox) << outbox.error().message;
      for (const auto& e : outbox.value()) {
        if (e.state != platform::OutboxState::sent)
          refused.push_back(row.header.id + " revision " + std::to_string(e.revision) + ": " + e.lastError);
      }
      StoredSession s{std::move(session).value(), static_cast<int>(i), {}, {}};
      s.opened = s.session.events().front().wall;
      s.days = daysOf(s.session);
      byPatient[row.header.patient.mrn].push_back(std::move(s));
    }
  }
  for (auto& [mrn, list] : byPatient) {
    std::sort(list.begin(), list.end(), [](const StoredSession& a, const StoredSession& b) {
      return a.opened != b.opened ? a.opened < b.opened : a.session.header().id < b.session.header().id;
    });
  }

  // The server's day summaries.
  std::set<std::string> dates;
  for (const auto& [mrn, list] : byPatient)
    for (const auto& s : list) dates.insert(s.days.begin(), s.days.end());
  auto supervisor = testing::client(server.url(), supervisorToken, 120s);
  std::map<std::pair<std::string, std::string>, nlohmann::json> serverPatients;  // (date, mrn)
  for (const auto& date : dates) {
    auto answer = testing::must(supervisor.get("/api/v1/days/" + date + "/summary?clinic=" + kClinic));
    ASSERT_EQ(answer.status, 200) << answer.body;
    auto summary = testing::json(answer);
    for (auto& p : summary["patients"]) {
      const auto key = std::make_pair(date, p["mrn"].get<std::string>());
      ASSERT_EQ(serverPatients.count(key), 0u) << "two disciplines for one patient on " << date;
      serverPatients[key] = std::move(p);
    }
  }
  const auto summaries = Steady::now();
  const auto coverage = coverageOf(byPatient);

  // Compare every patient-day.
  int patientDays = 0;
  std::vector<Counterexample> found;
  std::set<std::pair<std::string, std::string>> compared;
  for (const auto& [mrn, list] : byPatient) {
    const Patient& p = *patientByMrn.at(mrn);
    std::set<std::string> days;
    for (const auto& s : list) days.insert(s.days.begin(), s.days.end());
    for (const auto& date : days) {
      ++patientDays;
      std::vector<const core::Session*> ofDay;
      for (const auto& s : list)
        if (s.days.count(date)) ofDay.push_back(&s.session);
      const auto range = dayRange(date);
      const Billing device = Oracle{true, true, false, &kioskRules}(ofDay, range, p.payer);
      const auto key = std::make_pair(date, mrn);
      compared.insert(key);
      const auto it = serverPatients.find(key);
      const Billing billed = serverBilling(it == serverPatients.end() ? nullptr : &it->second);
      if (device == billed) continue;

      const auto causes = causesOf(ofDay, range, p.payer, billed, kioskRules);
      std::size_t events = 0;
      for (const auto* s : ofDay) events += s->events().size();

      std::string text =
          "patient " + mrn + " on " + date + " (" + std::string(core::toString(p.discipline->discipline)) +
          ", payer " + p.payer + (p.telehealth ? ", telehealth" : "") + "), case " +
          std::to_string(p.caseIndex) + ", seed " + std::to_string(p.seed) +
          "; replay it with UNITCLOCK_PROPERTY_SEED=" + std::to_string(p.seed) + " unitclock_parity_tests\n";
      text += "  device lines: " + describe(device) + "\n  server lines: " + describe(billed) + "\n";
      for (const auto* s : ofDay) {
        const auto& stored =
            *std::find_if(list.begin(), list.end(), [&](const StoredSession& x) { return &x.session == s; });
        text += "  session " + s->header().id + " on " +
                devices[static_cast<std::size_t>(stored.device)].label + ", revision " +
                std::to_string(s->revision()) + ", " + std::string(core::toString(s->status())) +
                ", rendering " + s->header().renderingClinicianId + " (times in " + kZone + "):\n";
        for (const auto& e : s->events()) text += "    " + eventText(e) + "\n";
      }
      found.push_back({causes, events, text});
    }
  }
  // A patient-day the server bills that no device recorded.
  for (const auto& [key, p] : serverPatients) {
    if (compared.count(key)) continue;
    found.push_back(
        {{"a patient-day only the server has"}, 0, key.first + " " + key.second + ": " + p.dump() + "\n"});
  }
  const auto done = Steady::now();

  const auto secondsBetween = [](Steady::time_point a, Steady::time_point b) {
    return std::chrono::duration<double>(b - a).count();
  };
  const std::string seedText =
      cases.replaying() ? "replaying one patient" : "base seed " + std::to_string(kBaseSeed);
  std::printf(
      "[ parity   ] %d sessions of %zu patients on 2 devices, %zu later changes, %llu uploads, "
      "%d patient-days on %zu dates; %s\n",
      sessions, patients.size(), later.size(), static_cast<unsigned long long>(uploads), patientDays,
      dates.size(), seedText.c_str());
  std::printf(
      "[ timing   ] set-up %.1f s, recording %.1f s, first sync %.1f s, later changes and second "
      "sync %.1f s, summaries %.1f s, comparing %.1f s; total %.1f s\n",
      secondsBetween(began, setUp), secondsBetween(setUp, recorded), secondsBetween(recorded, firstSync),
      secondsBetween(firstSync, secondSync), secondsBetween(secondSync, summaries),
      secondsBetween(summaries, done), secondsBetween(began, done));
  std::string covered;
  for (const auto& [what, count] : coverage)
    covered += (covered.empty() ? "" : ", ") + std::to_string(count) + " " + what;
  std::printf("[ coverage ] %s; %d taps refused by core and skipped\n", covered.c_str(),
              devices[0].refusedTaps + devices[1].refusedTaps);
  if (!cases.replaying() && sessions >= kDefaultSessions) {
    for (const auto& [what, count] : coverage)
      EXPECT_GT(count, 0) << "the generator no longer produces " << what;
  }
  ::testing::Test::RecordProperty("sessions", sessions);
  ::testing::Test::RecordProperty("patient_days", patientDays);

  EXPECT_TRUE(refused.empty()) << refused.size() << " uploads were refused, the first: " << refused.front();
  if (!found.empty()) {
    // Counted by combination of causes; for each cause, its smallest counterexample (fewest events), one
    // where it is the only cause when there is one.
    std::map<std::string, int> counts;
    std::map<std::string, const Counterexample*> smallest;
    const auto rank = [](const Counterexample* x) { return std::make_pair(x->causes.size() > 1, x->events); };
    for (const auto& c : found) {
      std::string combination;
      for (const auto& cause : c.causes) combination += (combination.empty() ? "" : " + ") + cause;
      ++counts[combination];
      for (const auto& cause : c.causes) {
        const Counterexample*& best = smallest[cause];
        if (best == nullptr || rank(&c) < rank(best)) best = &c;
      }
    }
    std::string report =
        std::to_string(found.size()) + " of " + std::to_string(patientDays) +
        " patient-days are billed differently by the server than the devices computed them.\n";
    for (const auto& [combination, n] : counts)
      report += "  " + std::to_string(n) + " x " + combination + "\n";
    for (const auto& [cause, c] : smallest) report += "\nThe smallest where " + cause + ":\n" + c->text;
    ADD_FAILURE() << report;
  }
}

}  // namespace unitclock::server
