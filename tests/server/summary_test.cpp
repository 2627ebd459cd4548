// The server's recomputation of a day, on sessions already parsed (no HTTP here; api_test covers that).
#include <gtest/gtest.h>

#include <unitclock/server/summary.h>
#include <algorithm>

#include "upload_fixtures.h"

namespace unitclock::server {
namespace {

using testing::SegmentSpec;
using testing::sessionId;
using testing::upload;

wire::SessionUpload parsed(const nlohmann::json& j) {
  auto s = wire::parseSessionUpload(j, j["id"].get<std::string>());
  EXPECT_TRUE(s.ok()) << (s.ok() ? "" : s.error().field + ": " + s.error().message);
  return s.value();
}

bool hasFlag(const std::vector<DayFlag>& flags, const std::string& id) {
  return std::any_of(flags.begin(), flags.end(), [&](const DayFlag& f) { return f.id == id; });
}

TEST(DayRecomputation, TwoSevenMinuteSessionsOfOneCodeOnOneDayMakeOneUnit) {
  std::vector<wire::SessionUpload> s{
      parsed(upload(sessionId(1), "MRN1", {{"97110", "09:00:00", "09:07:00"}})),
      parsed(upload(sessionId(2), "MRN1", {{"97110", "15:00:00", "15:07:00"}}))};
  auto r = computeDay("north", "2026-11-26", s);
  ASSERT_EQ(r.patients.size(), 1u);
  const auto& p = r.patients[0];
  ASSERT_TRUE(p.recomputed);
  EXPECT_EQ(p.result.totalTimed, std::chrono::minutes{14});
  ASSERT_EQ(p.result.lines.size(), 1u);
  EXPECT_EQ(p.result.lines[0].code, "97110");
  EXPECT_EQ(p.result.lines[0].units, 1);
  EXPECT_EQ(p.result.lines[0].modifiers, std::vector<std::string>{"GO"});
  // Each device alone saw 7 minutes and billed nothing: device and server disagree.
  EXPECT_TRUE(hasFlag(p.flags, "units-differ"));
}

TEST(DayRecomputation, AgreesWithDevicesThatBilledTheSameUnits) {
  std::vector<wire::SessionUpload> s{
      parsed(upload(sessionId(1), "MRN1", {{"97110", "09:00:00", "09:33:00"}}, "2026-11-26", 2))};
  auto r = computeDay("north", "2026-11-26", s);
  ASSERT_EQ(r.patients.size(), 1u);
  EXPECT_EQ(r.patients[0].serverLines.at({"97110", {"GO"}}), 2);
  EXPECT_FALSE(hasFlag(r.flags, "units-differ"));
}

TEST(DayRecomputation, KeepsPatientsAndDisciplinesApart) {
  auto pt = upload(sessionId(3), "MRN1", {{"97110", "11:00:00", "11:07:00"}});
  pt["discipline"] = "pt";
  std::vector<wire::SessionUpload> s{
      parsed(upload(sessionId(1), "MRN1", {{"97110", "09:00:00", "09:07:00"}})),
      parsed(upload(sessionId(2), "MRN2", {{"97110", "10:00:00", "10:07:00"}})), parsed(pt)};
  auto r = computeDay("north", "2026-11-26", s);
  ASSERT_EQ(r.patients.size(), 3u);
  for (const auto& p : r.patients) EXPECT_EQ(p.result.totalUnits, 0) << p.mrn << " " << p.discipline;
}

TEST(DayRecomputation, FlagsAClinicianInOneOnOneWithTwoPatientsAtOnce) {
  std::vector<wire::SessionUpload> s{
      parsed(upload(sessionId(1), "MRN1", {{"97110", "09:00:00", "09:30:00"}})),
      parsed(upload(sessionId(2), "MRN2", {{"97140", "09:20:00", "09:45:00"}}))};
  auto r = computeDay("north", "2026-11-26", s);
  EXPECT_TRUE(hasFlag(r.flags, "one-on-one-overlap"));
  auto c = std::find_if(r.clinicians.begin(), r.clinicians.end(), [](auto& x) { return x.id == "ot1"; });
  ASSERT_NE(c, r.clinicians.end());
  EXPECT_TRUE(hasFlag(c->flags, "one-on-one-overlap"));
  // 09:00-09:45 on the clock, not 55 minutes.
  EXPECT_EQ(c->clock, std::chrono::minutes{45});
}

TEST(DayRecomputation, DoesNotFlagBackToBackPatientsOrGroupTime) {
  std::vector<wire::SessionUpload> s{
      parsed(upload(sessionId(1), "MRN1", {{"97110", "09:00:00", "09:30:00"}})),
      parsed(upload(sessionId(2), "MRN2", {{"97140", "09:30:00", "09:45:00"}})),
      parsed(upload(sessionId(3), "MRN3", {SegmentSpec{"97150", "10:00:00", "10:30:00", "ot1", "group"}})),
      parsed(upload(sessionId(4), "MRN4", {SegmentSpec{"97150", "10:00:00", "10:30:00", "ot1", "group"}}))};
  auto r = computeDay("north", "2026-11-26", s);
  EXPECT_FALSE(hasFlag(r.flags, "one-on-one-overlap"));
  EXPECT_FALSE(hasFlag(r.flags, "units-exceed-time"));
}

TEST(DayRecomputation, FlagsUnitsBeyondWhatTheClockAllows) {
  // Two patients seen 30 minutes each, in the same half hour: 4 units from 30 minutes of clock time.
  std::vector<wire::SessionUpload> s{
      parsed(upload(sessionId(1), "MRN1", {{"97110", "09:00:00", "09:30:00"}})),
      parsed(upload(sessionId(2), "MRN2", {{"97110", "09:00:00", "09:30:00"}}))};
  auto r = computeDay("north", "2026-11-26", s);
  EXPECT_TRUE(hasFlag(r.flags, "units-exceed-time"));
}

TEST(DayRecomputation, ListsUnsignedAndVoidedSessionsAndBillsNeither) {
  auto ended = upload(sessionId(1), "MRN1", {{"97110", "09:00:00", "09:30:00"}});
  ended["status"] = "ended";
  auto voided = upload(sessionId(2), "MRN2", {{"97110", "10:00:00", "10:30:00"}});
  voided["status"] = "voided";
  auto r = computeDay("north", "2026-11-26", {parsed(ended), parsed(voided)});
  ASSERT_EQ(r.unsignedSessions.size(), 1u);
  EXPECT_EQ(r.unsignedSessions[0].id, sessionId(1));
  ASSERT_EQ(r.voidedSessions.size(), 1u);
  EXPECT_TRUE(hasFlag(r.flags, "unsigned"));
  for (const auto& p : r.patients) EXPECT_FALSE(p.recomputed);
}

TEST(DayRecomputation, CountsOnlyTheMinutesOfTheDayAsked) {
  // One activity across midnight (a UTC clinic): the device cuts it into a part for each day.
  auto j = upload(sessionId(1), "MRN1", {{"97110", "2026-11-26T23:50:00Z", "2026-11-27T00:10:00Z"}});
  ASSERT_EQ(j["segments"].size(), 2u);
  EXPECT_EQ(j["segments"][1]["date"], "2026-11-27");
  auto first = computeDay("north", "2026-11-26", {parsed(j)});
  auto second = computeDay("north", "2026-11-27", {parsed(j)});
  EXPECT_EQ(first.patients.at(0).result.totalTimed, std::chrono::minutes{10});
  EXPECT_EQ(second.patients.at(0).result.totalTimed, std::chrono::minutes{10});
  EXPECT_EQ(first.patients.at(0).result.totalUnits, 1);
}

TEST(DayRecomputation, FlagsAPayerTheServerDoesNotKnow) {
  auto j = upload(sessionId(1), "MRN1", {{"97110", "09:00:00", "09:30:00"}});
  j["payer"] = "acme-health";
  auto r = computeDay("north", "2026-11-26", {parsed(j)});
  EXPECT_TRUE(hasFlag(r.flags, "payer-unknown"));
  EXPECT_FALSE(r.patients.at(0).recomputed);
}

TEST(DayHolds, HoldThePatientDaysOfAClinicianWhoseUnitsExceedTheClock) {
  // Two patients seen 30 minutes each in the same half hour; a third patient by someone else goes out.
  std::vector<wire::SessionUpload> s{
      parsed(upload(sessionId(1), "MRN1", {{"97110", "09:00:00", "09:30:00"}})),
      parsed(upload(sessionId(2), "MRN2", {{"97110", "09:00:00", "09:30:00"}})),
      parsed(upload(sessionId(3), "MRN3", {SegmentSpec{"97110", "09:00:00", "09:30:00", "pt9"}}))};
  auto r = computeDay("north", "2026-11-26", s);
  ASSERT_EQ(r.patients.size(), 3u);
  EXPECT_TRUE(r.patients[0].held());
  EXPECT_TRUE(r.patients[1].held());
  EXPECT_FALSE(r.patients[2].held());
  const auto& holds = r.patients[0].holdFlags;
  EXPECT_NE(std::find(holds.begin(), holds.end(), "units-exceed-time"), holds.end());
  auto j = toJson(r);
  EXPECT_EQ(j["held"].size(), 2u);
  EXPECT_EQ(j["patients"][2]["held"], false);
}

TEST(DayHolds, HoldAPatientDayTheEngineRefused) {
  auto r = computeDay("north", "2026-11-26",
                      {parsed(upload(sessionId(1), "MRN1", {{"99999", "09:00:00", "09:30:00"}}))});
  ASSERT_EQ(r.patients.size(), 1u);
  EXPECT_EQ(r.patients[0].holdFlags, std::vector<std::string>{"engine-error"});
}

TEST(DayHolds, TheContentHashChangesWithANewRevisionButNotWithAnotherPatient) {
  auto one = upload(sessionId(1), "MRN1", {{"97110", "09:00:00", "09:30:00"}});
  auto before = computeDay("north", "2026-11-26", {parsed(one)}).patients.at(0).contentHash;
  auto other = upload(sessionId(2), "MRN2", {{"97110", "11:00:00", "11:30:00"}});
  EXPECT_EQ(computeDay("north", "2026-11-26", {parsed(one), parsed(other)}).patients.at(0).contentHash,
            before);
  one["revision"] = 2;
  one["reason"] = "end time corrected";
  EXPECT_NE(computeDay("north", "2026-11-26", {parsed(one)}).patients.at(0).contentHash, before);
}

TEST(DaySummaryJson, ShowsPerClinicianAndPerPatientFigures) {
  auto r = computeDay("north", "2026-11-26",
                      {parsed(upload(sessionId(1), "MRN1", {{"97110", "09:00:00", "09:38:00"}}))},
                      {{"ot1", "Ana Ortiz"}});
  auto j = toJson(r);
  EXPECT_EQ(j["totals"]["units"], 3);
  EXPECT_EQ(j["clinicians"][0]["name"], "Ana Ortiz");
  EXPECT_EQ(j["clinicians"][0]["units"], 3);
  EXPECT_EQ(j["clinicians"][0]["clock_minutes"], 38);
  EXPECT_EQ(j["patients"][0]["server"]["lines"][0]["units"], 3);
}

// Issue 10: the one-on-one overlap check is a sweep. Two sessions of 12,000 nested segments each (more
// than an upload may hold, built here directly) took 19.6 s pairwise.
TEST(DayRecomputation, OverlapCheckOfTwoHugeSessionsIsASweep) {
  auto make = [](int n, const std::string& mrn) {
    wire::SessionUpload s = parsed(upload(sessionId(n), mrn, {{"97110", "08:00:00", "08:10:00"}}));
    s.status = core::SessionStatus::ended;  // not billed: only the clinician section runs
    const auto base = s.segments[0];
    s.segments.clear();
    for (int i = 0; i < 12000; ++i) {
      auto seg = base;
      seg.start = base.start + std::chrono::seconds{i};
      seg.end = seg.start + std::chrono::hours{6};
      s.segments.push_back(seg);
    }
    return s;
  };
  std::vector<wire::SessionUpload> sessions{make(1, "MRN1"), make(2, "MRN2")};
  const auto t0 = std::chrono::steady_clock::now();
  auto r = computeDay("north", "2026-11-26", sessions);
  const auto took = std::chrono::steady_clock::now() - t0;
  EXPECT_LT(took, std::chrono::seconds{2});
  EXPECT_EQ(std::count_if(r.flags.begin(), r.flags.end(),
                          [](const DayFlag& f) { return f.id == "one-on-one-overlap"; }),
            1);
}

TEST(DayRecomputation, OverlapIsFoundBehindALongSegmentOfTheSameSession) {
  // Session 1 has many short segments and then a long one; session 2 (another patient) starts late inside
  // the long one.
  std::vector<SegmentSpec> first;
  for (int m = 0; m < 30; ++m) {
    char a[16], b[16];
    std::snprintf(a, sizeof a, "08:%02d:00", m);
    std::snprintf(b, sizeof b, "08:%02d:30", m);
    first.push_back({"97110", a, b});
  }
  first.push_back({"97110", "08:30:00", "12:00:00"});
  std::vector<wire::SessionUpload> s{
      parsed(upload(sessionId(1), "MRN1", first)),
      parsed(upload(sessionId(2), "MRN2", {{"97530", "11:00:00", "11:20:00"}})),
      parsed(upload(sessionId(3), "MRN3", {{"97530", "12:00:00", "12:20:00"}}))};
  auto r = computeDay("north", "2026-11-26", s);
  std::vector<std::vector<std::string>> pairs;
  for (const auto& f : r.flags)
    if (f.id == "one-on-one-overlap") pairs.push_back(f.sessions);
  ASSERT_EQ(pairs.size(), 1u);
  EXPECT_EQ(pairs[0], (std::vector<std::string>{sessionId(1), sessionId(2)}));
}

}  // namespace
}  // namespace unitclock::server
