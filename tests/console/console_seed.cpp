// Seeds a real unitclock-server with a day of sessions the way kiosks send them: core events recorded on
// a session, described by the device's own code (tests/server/upload_fixtures.h) and uploaded over HTTP
// with an enrolled device's token. The console's browser tests and its benchmark start from this.
//
//   console_seed URL DEVICE_TOKEN CLINIC DATE demo
//   console_seed URL DEVICE_TOKEN CLINIC DATE large CLINICIANS SESSIONS   (clinicians c-0001 … must exist)
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "api_client.h"
#include "upload_fixtures.h"

using unitclock::server::testing::RecordedSession;
using unitclock::server::testing::SegmentSpec;
using unitclock::server::testing::sessionId;

namespace {

// A clinic's ordinary day, with what a supervisor must look at: an OT in one-on-one with two patients at
// once (both held), an assistant's session, an unsigned session, a correction whose reason a device typed
// as markup ("<script>…"), and a speech session without a diagnosis.
std::vector<RecordedSession> demoDay(const std::string& clinic, const std::string& date) {
  auto make = [&](int n, std::string mrn, std::string initials, std::string discipline, std::string rendering,
                  std::vector<SegmentSpec> segments) {
    RecordedSession s;
    s.id = sessionId(n, 0xc0);
    s.mrn = std::move(mrn);
    s.clinicId = clinic;
    s.date = date;
    s.initials = std::move(initials);
    s.discipline = std::move(discipline);
    s.rendering = std::move(rendering);
    s.segments = std::move(segments);
    return s;
  };
  std::vector<RecordedSession> day;
  day.push_back(
      make(1, "MRN1001", "JD", "ot", "c-dana",
           {{"97110", "08:30:00", "08:52:00", "c-dana"}, {"97530", "08:52:00", "09:14:00", "c-dana"}}));
  day.push_back(make(2, "MRN1005", "TS", "ot", "c-dana", {{"97535", "09:05:00", "09:28:00", "c-dana"}}));
  day.back().payer = "commercial";
  day.push_back(make(3, "MRN1006", "RM", "ot", "c-dana",
                     {{"97110", "10:00:00", "10:12:00", "c-sam", "one_on_one", "assistant"},
                      {"97530", "10:12:00", "10:40:00", "c-sam", "one_on_one", "assistant"}}));
  day.push_back(
      make(4, "MRN1002", "AB", "pt", "c-priya",
           {{"97110", "09:15:00", "09:40:00", "c-priya"}, {"97140", "09:40:00", "10:02:00", "c-priya"}}));
  day.back().payer = "commercial";
  day.push_back(
      make(5, "MRN1004", "MJ", "pt", "c-priya",
           {{"97116", "10:45:00", "11:10:00", "c-priya"}, {"97110", "11:10:00", "11:30:00", "c-priya"}}));
  day.back().revision = 2;
  day.back().correctionReason = "<script>alert('x')</script> gait, not exercise";
  day.push_back(make(6, "MRN1003", "KW", "slp", "c-alex", {{"92507", "10:00:00", "10:40:00", "c-alex"}}));
  day.back().diagnoses.clear();
  day.push_back(make(7, "MRN1007", "LP", "ot", "c-dana", {{"97530", "13:30:00", "14:10:00", "c-dana"}}));
  day.back().status = "ended";  // ended, not yet signed
  day.push_back(make(8, "MRN1008", "GH", "pt", "c-priya", {{"97112", "14:00:00", "14:38:00", "c-priya"}}));
  return day;
}

// A large day: SESSIONS sessions spread over CLINICIANS clinicians, one after another from 06:00, each
// as long as fits (50 per clinician: 13 minutes in two segments, every 14 minutes until 17:40).
std::vector<RecordedSession> largeDay(const std::string& clinic, const std::string& date, int clinicians,
                                      int sessions) {
  static const char* kCodes[] = {"97110", "97530", "97140", "97112", "97116", "97535"};
  std::vector<RecordedSession> day;
  for (int i = 0; i < sessions; ++i) {
    const int c = i % clinicians, slot = i / clinicians;
    char who[16], mrn[16], initials[8];
    std::snprintf(who, sizeof who, "c-%04d", c + 1);
    std::snprintf(mrn, sizeof mrn, "MRN%06d", i + 1);
    std::snprintf(initials, sizeof initials, "%c%c", 'A' + i % 26, 'A' + (i / 26) % 26);
    RecordedSession s;
    s.id = sessionId(i + 1, 0xb0);
    s.mrn = mrn;
    s.clinicId = clinic;
    s.date = date;
    s.initials = initials;
    s.rendering = who;
    const int perClinician = (sessions + clinicians - 1) / clinicians;
    const int every = std::max(2, std::min(42, 12 * 60 / std::max(1, perClinician)));
    const int start = 6 * 60 + slot * every, length = every - 1, first = length / 2 + 1;
    auto hhmm = [](int m) {
      char t[32];
      std::snprintf(t, sizeof t, "%02d:%02d:00", m / 60, m % 60);
      return std::string(t);
    };
    s.segments = {{kCodes[i % 6], hhmm(start), hhmm(start + first), who},
                  {kCodes[(i + 1) % 6], hhmm(start + first), hhmm(start + length), who}};
    day.push_back(std::move(s));
  }
  return day;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 6) {
    std::fprintf(stderr,
                 "usage: console_seed URL DEVICE_TOKEN CLINIC DATE demo|large [CLINICIANS SESSIONS]\n");
    return 2;
  }
  const std::string url = argv[1], token = argv[2], clinic = argv[3], date = argv[4], scenario = argv[5];
  std::vector<RecordedSession> day;
  if (scenario == "demo") {
    day = demoDay(clinic, date);
  } else if (scenario == "large" && argc == 8) {
    day = largeDay(clinic, date, std::atoi(argv[6]), std::atoi(argv[7]));
  } else {
    std::fprintf(stderr, "unknown scenario %s\n", scenario.c_str());
    return 2;
  }
  try {
    auto device = unitclock::server::testing::client(url, token, std::chrono::seconds{120});
    // Batches of 100, as a device's outbox sends a backlog.
    for (std::size_t i = 0; i < day.size(); i += 100) {
      nlohmann::json batch{{"sessions", nlohmann::json::array()}};
      for (std::size_t j = i; j < std::min(day.size(), i + 100); ++j)
        batch["sessions"].push_back(unitclock::server::testing::upload(day[j]));
      auto r = unitclock::server::testing::must(device.post("/api/v1/sessions/batch", batch.dump()));
      if (r.status != 200) {
        std::fprintf(stderr, "batch refused (%d): %s\n", r.status, r.body.c_str());
        return 1;
      }
      for (const auto& one : nlohmann::json::parse(r.body)["results"]) {
        if (one["status"] != 201 && one["status"] != 200) {
          std::fprintf(stderr, "a session was refused: %s\n", one.dump().c_str());
          return 1;
        }
      }
    }
    if (scenario == "demo") {
      // The kiosk's report of what it has not signed: a session still running and one ended unsigned.
      nlohmann::json report{{"sessions",
                             {{{"id", sessionId(20, 0xc0)},
                               {"clinician", "c-dana"},
                               {"date", date},
                               {"state", "open"},
                               {"initials", "MK"},
                               {"started_at", date + "T15:40:00Z"}},
                              {{"id", sessionId(7, 0xc0)},
                               {"clinician", "c-dana"},
                               {"date", date},
                               {"state", "ended"},
                               {"initials", "LP"},
                               {"started_at", date + "T13:30:00Z"}}}}};
      auto r = unitclock::server::testing::must(device.put("/api/v1/device/unsigned", report.dump()));
      if (r.status != 200) {
        std::fprintf(stderr, "the unsigned report was refused (%d): %s\n", r.status, r.body.c_str());
        return 1;
      }
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "console_seed: %s\n", e.what());
    return 1;
  }
  std::printf("%zu sessions uploaded\n", day.size());
  return 0;
}
