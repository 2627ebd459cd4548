#pragma once
// Session uploads as a device would send them (docs/sync-api.md), for the server tests.

#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>

namespace unitclock::server::testing {

// A session id with a readable counter: 00000000-0000-4000-8000-00000000000N.
inline std::string sessionId(int n, int prefix = 0) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%08x-0000-4000-8000-%012x", prefix, n);
  return buf;
}

struct SegmentSpec {
  std::string code;
  std::string start;  // "14:00:00"
  std::string end;
  std::string clinician = "ot1";
  std::string mode = "one_on_one";
  std::string performer = "therapist";
};

inline nlohmann::json upload(const std::string& id, const std::string& mrn,
                             const std::vector<SegmentSpec>& segments, const std::string& date = "2026-11-26",
                             int deviceUnits = -1) {
  nlohmann::json segs = nlohmann::json::array();
  for (const auto& s : segments) {
    segs.push_back({{"code", s.code},
                    {"performer", s.performer},
                    {"clinician", s.clinician},
                    {"mode", s.mode},
                    {"start", date + "T" + s.start + "Z"},
                    {"end", date + "T" + s.end + "Z"}});
  }
  nlohmann::json lines = nlohmann::json::array();
  if (deviceUnits > 0 && !segments.empty()) {
    lines.push_back({{"code", segments.front().code}, {"units", deviceUnits}, {"modifiers", {"GO"}}});
  }
  return {{"id", id},
          {"revision", 1},
          {"rules_version", "2026.11-1"},
          {"status", "signed"},
          {"service_date", date},
          {"patient", {{"mrn", mrn}, {"initials", "JD"}}},
          {"payer", "medicare"},
          {"discipline", "ot"},
          {"place_of_service", "11"},
          {"telehealth", false},
          {"diagnoses", {"M25.511"}},
          {"rendering_clinician", "ot1"},
          {"clinicians", {"ot1"}},
          {"events", nlohmann::json::array({{{"sequence", 1}, {"type", "session_opened"}}})},
          {"segments", segs},
          {"untimed", nlohmann::json::array()},
          {"lines", lines}};
}

}  // namespace unitclock::server::testing
