#include <gtest/gtest.h>

#include <unitclock/platform/wire/answers.h>
#include <unitclock/platform/wire/day_summary.h>
#include <unitclock/server/wire.h>
#include <functional>

#include "upload_fixtures.h"

namespace unitclock::server {
namespace {

using testing::sessionId;
using testing::upload;

TEST(SessionUpload, AcceptsAWellFormedSignedSession) {
  auto j = upload(sessionId(1), "MRN1", {{"97110", "14:00:00", "14:07:30"}});
  auto s = wire::parseSessionUpload(j, sessionId(1));
  ASSERT_TRUE(s.ok()) << s.error().field << " " << s.error().message;
  EXPECT_EQ(s->segments.size(), 1u);
  EXPECT_EQ(s->segments[0].duration(), std::chrono::milliseconds{450000});
  EXPECT_EQ(s->segments[0].date, "2026-11-26");  // defaults to the service date
  EXPECT_EQ(s->patient.mrn, "MRN1");
}

TEST(SessionUpload, NamesTheFieldAtFault) {
  auto j = upload(sessionId(1), "MRN1", {{"97110", "14:00:00", "14:07:00"}});
  struct Case {
    std::function<void(nlohmann::json&)> breakIt;
    std::string field;
  };
  std::vector<Case> cases{
      {[](auto& b) { b.erase("revision"); }, "revision"},
      {[](auto& b) { b["revision"] = "one"; }, "revision"},
      {[](auto& b) { b["revision"] = 2; }, "reason"},
      {[](auto& b) { b["discipline"] = "dance"; }, "discipline"},
      {[](auto& b) { b["patient"].erase("mrn"); }, "patient.mrn"},
      {[](auto& b) { b["segments"][0]["start"] = "yesterday"; }, "segments[0].start"},
      {[](auto& b) { b["segments"][0]["end"] = "2026-11-26T13:00:00Z"; }, "segments[0].end"},
      {[](auto& b) { b["segments"][0]["mode"] = "solo"; }, "segments[0].mode"},
      {[](auto& b) { b["segments"] = "none"; }, "segments"},
      {[](auto& b) {
         b["lines"] = nlohmann::json::array({{{"code", "97110"}, {"units", -1}}});
       },
       "lines[0].units"},
      {[](auto& b) {
         b["diagnoses"] = {"A", "B", "C", "D", "E"};
       },
       "diagnoses"},
      {[](auto& b) { b["service_date"] = "2026-02-30"; }, "service_date"},
      {[](auto& b) { b["status"] = "maybe"; }, "status"},
  };
  for (const auto& c : cases) {
    auto broken = j;
    c.breakIt(broken);
    auto s = wire::parseSessionUpload(broken, sessionId(1));
    ASSERT_FALSE(s.ok()) << "expected a rejection naming " << c.field;
    EXPECT_EQ(s.error().field, c.field) << s.error().message;
  }
}

TEST(SessionUpload, RejectsAnIdThatDiffersFromTheUrl) {
  auto s = wire::parseSessionUpload(upload(sessionId(1), "MRN1", {}), sessionId(2));
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().field, "id");
}

TEST(SessionUpload, RejectsTextThatIsNotJson) {
  auto s = wire::parseSessionUploadBody("{\"id\":", sessionId(1));
  ASSERT_FALSE(s.ok());
}

TEST(UtcTimestamp, ParsesMillisecondsAndRoundTrips) {
  auto t = parseUtcTimestamp("2026-11-26T23:59:59.250Z");
  ASSERT_TRUE(t);
  EXPECT_EQ(formatUtcTimestamp(*t), "2026-11-26T23:59:59.250Z");
  EXPECT_EQ(formatUtcTimestamp(*parseUtcTimestamp("2026-01-02T03:04:05Z")), "2026-01-02T03:04:05Z");
  EXPECT_FALSE(parseUtcTimestamp("2026-11-26 14:00:00"));
  EXPECT_FALSE(parseUtcTimestamp("2026-11-26T14:00:00+01:00"));
  EXPECT_FALSE(parseUtcTimestamp("2026-11-26T25:00:00Z"));
}

// [SECTION] Hostile bodies (issue 10): none may crash, stall or slip through.

std::string nested(std::size_t depth) {
  return std::string(depth, '[') + std::string(depth, ']');
}

TEST(HostileUpload, ABodyNestedDeeperThanTheLimitIsRefusedWithoutRecursion) {
  const std::string deep = nested(100000);
  auto r = parseJsonBody(deep);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("nests deeper"), std::string::npos);
  // As `events` of an otherwise well-formed upload.
  auto j = upload(sessionId(1), "MRN1", {{"97110", "14:00:00", "14:07:00"}});
  std::string body = j.dump();
  body.insert(body.find("\"events\":[") + 10, deep + ",");
  auto s = wire::parseSessionUploadBody(body, sessionId(1));
  ASSERT_FALSE(s.ok());
  EXPECT_TRUE(parseJsonBody(nested(wire::Limits::kMaxJsonDepth)).ok());
  EXPECT_FALSE(parseJsonBody(nested(wire::Limits::kMaxJsonDepth + 1)).ok());
}

TEST(HostileUpload, BracketsInsideStringsDoNotCountAsNesting) {
  EXPECT_EQ(wire::jsonNestingDepth(R"({"a":"[[[[{{{{\"]]]","b":[1]})"), 2u);
}

TEST(HostileUpload, SegmentsEventsAndLinesPerSessionAreBounded) {
  auto j = upload(sessionId(1), "MRN1", {{"97110", "14:00:00", "14:07:00"}});
  auto many = [](std::size_t n, const nlohmann::json& item) {
    nlohmann::json a = nlohmann::json::array();
    for (std::size_t i = 0; i < n; ++i) a.push_back(item);
    return a;
  };
  for (const auto& [key, limit] :
       std::vector<std::pair<std::string, std::size_t>>{{"segments", wire::Limits::kMaxSegments},
                                                        {"events", wire::Limits::kMaxEvents},
                                                        {"lines", wire::Limits::kMaxLines},
                                                        {"untimed", wire::Limits::kMaxUntimed}}) {
    auto b = j;
    const nlohmann::json item = key == "events"     ? nlohmann::json::array({j["events"][0]})[0]
                                : key == "segments" ? j["segments"][0]
                                : key == "lines"    ? nlohmann::json{{"code", "97110"}, {"units", 1}}
                                                    : nlohmann::json{{"code", "97750"}, {"minutes", 5}};
    b[key] = many(limit, item);
    EXPECT_TRUE(wire::parseSessionUpload(b, sessionId(1)).ok()) << key;
    b[key] = many(limit + 1, item);
    auto s = wire::parseSessionUpload(b, sessionId(1));
    ASSERT_FALSE(s.ok()) << key;
    EXPECT_EQ(s.error().field, key);
  }
}

TEST(HostileUpload, ControlCharactersInIdsMrnAndInitialsAreRefused) {
  auto j = upload(sessionId(1), "MRN1", {{"97110", "14:00:00", "14:07:00"}});
  std::vector<std::pair<std::function<void(nlohmann::json&)>, std::string>> cases{
      {[](auto& b) { b["patient"]["mrn"] = "MRN1\x0b"; }, "patient.mrn"},
      {[](auto& b) {
         b["patient"]["mrn"] =
             "MRN\x1c"
             "1";
       },
       "patient.mrn"},
      {[](auto& b) { b["patient"]["initials"] = "J\nD"; }, "patient.initials"},
      {[](auto& b) { b["rendering_clinician"] = "ot1\r"; }, "rendering_clinician"},
      {[](auto& b) { b["clinicians"] = {"ot1\x1b[31m"}; }, "clinicians[0]"},
      {[](auto& b) { b["segments"][0]["clinician"] = "ot\t1"; }, "segments[0].clinician"},
      {[](auto& b) { b["payer"] = "medicare\x7f"; }, "payer"},
      {[](auto& b) { b["diagnoses"] = {"M25|511"}; }, "diagnoses[0]"},
  };
  for (const auto& [breakIt, field] : cases) {
    auto b = j;
    breakIt(b);
    auto s = wire::parseSessionUpload(b, sessionId(1));
    ASSERT_FALSE(s.ok()) << field;
    EXPECT_EQ(s.error().field, field);
  }
  auto withReason = j;
  withReason["revision"] = 2;
  withReason["reason"] = "Wrong code.\nCorrected after review.";
  EXPECT_TRUE(wire::parseSessionUpload(withReason, sessionId(1)).ok());
}

TEST(HostileUpload, NegativeOrSignedClockFieldsAreNotTimestamps) {
  EXPECT_FALSE(parseUtcTimestamp("2026-11-26T-1:-1:-1Z"));
  EXPECT_FALSE(parseUtcTimestamp("2026-11-26T+1:00:00Z"));
  EXPECT_FALSE(parseUtcTimestamp("2026-11-26T14:03:00.-5Z"));
  EXPECT_FALSE(isCalendarDate("2026-+1-26"));
  EXPECT_TRUE(parseUtcTimestamp("2026-11-26T14:03:00Z"));
}

TEST(HostileUpload, InitialsAreCountedInCharactersNotBytes) {
  auto j = upload(sessionId(1), "MRN1", {{"97110", "14:00:00", "14:07:00"}});
  j["patient"]["initials"] = "ÅÖÜ-ÉÑ";  // 6 characters, 11 bytes
  EXPECT_TRUE(wire::parseSessionUpload(j, sessionId(1)).ok());
  j["patient"]["initials"] = "ÅÖÜÉÑÅÖÜÉ";  // 9 characters
  EXPECT_FALSE(wire::parseSessionUpload(j, sessionId(1)).ok());
}

TEST(HostileUpload, KeysTheFormatDoesNotHaveAreRefusedNotStored) {
  auto j = upload(sessionId(1), "MRN1", {{"97110", "14:00:00", "14:07:00"}});
  std::vector<std::pair<std::function<void(nlohmann::json&)>, std::string>> cases{
      {[](auto& b) { b["notes"] = "pt has HIV"; }, "notes"},
      {[](auto& b) { b["patient"]["dob"] = "1950-01-01"; }, "patient.dob"},
      {[](auto& b) { b["segments"][0]["memo"] = "x"; }, "segments[0].memo"},
  };
  for (const auto& [breakIt, field] : cases) {
    auto b = j;
    breakIt(b);
    auto s = wire::parseSessionUpload(b, sessionId(1));
    ASSERT_FALSE(s.ok()) << field;
    EXPECT_EQ(s.error().field, field);
  }
}

}  // namespace
}  // namespace unitclock::server

namespace unitclock::server {
namespace {

TEST(WireAnswers, ABatchAnswerIsReadBackAsWritten) {
  wire::BatchAnswer a;
  a.results.push_back({testing::sessionId(1), 201, 2, wire::UploadResult::revised, {}, {}});
  a.results.push_back({"", 400, 0, std::nullopt, "sessions[1].id", "must be a session UUID in lower case"});
  auto back = wire::parseBatchAnswer(wire::toJson(a));
  ASSERT_TRUE(back.ok());
  ASSERT_EQ(back->results.size(), 2u);
  EXPECT_EQ(back->results[0].result, wire::UploadResult::revised);
  EXPECT_EQ(back->results[0].revision, 2);
  EXPECT_FALSE(back->results[1].accepted());
  EXPECT_EQ(back->results[1].field, "sessions[1].id");
  auto unknown = wire::toJson(a);
  unknown["results"][0]["result"] = "merged";
  ASSERT_FALSE(wire::parseBatchAnswer(unknown).ok());
  EXPECT_EQ(wire::parseBatchAnswer(unknown).error().field, "results[0].result");
}

TEST(WireDaySummary, AFieldOfTheWrongKindIsNamed) {
  auto j = nlohmann::json::parse(R"({"clinic": "north", "date": "2026-11-26", "sessions": 1,
      "clinicians": [{"id": "ot1", "units": "three"}], "patients": []})");
  auto d = wire::parseDaySummary(j);
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.error().field, "clinicians[0].units");
  j["clinicians"][0]["units"] = 3;
  j["patients"] = nlohmann::json::array({{{"mrn", "MRN1"}, {"discipline", "dance"}}});
  EXPECT_EQ(wire::parseDaySummary(j).error().field, "patients[0].discipline");
}

}  // namespace
}  // namespace unitclock::server

namespace unitclock::server {
namespace {

TEST(WireEvents, AnEventWithoutItsClockRunIsItsOwnRun) {
  // Logs stored before events carried `run`: each event is placed by its wall time.
  auto e = platform::eventFromJson(nlohmann::json::parse(
      R"({"sequence": 3, "type": "activity_stopped", "at": "2026-11-26T14:03:00.000Z", "clinician": "ot1"})"));
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->runId, "legacy-3");
}

TEST(WireEvents, EverySegmentCorrectionRoundTripsThroughJson) {
  const core::Instant now{*platform::parseWallTime("2026-11-26T15:00:00.000Z"), "run-1",
                          std::chrono::nanoseconds{3'600'000'000'000}};
  const auto t = [](const char* text) { return *platform::parseWallTime(text); };
  const std::vector<core::Event> events{
      core::segmentRecoded(7, now, "ot1", 1, t("2026-11-26T14:20:00.000Z"), t("2026-11-26T14:30:00.000Z"),
                           "97530", core::Performer::assistant, "Tapped wrong activity"),
      core::segmentDeleted(8, now, "ot1", 0, t("2026-11-26T14:00:00.000Z"), t("2026-11-26T14:20:00.000Z"),
                           "Tapped by mistake"),
      core::segmentAdded(9, now, "ot1", "97112", core::Performer::therapist, core::ActivityMode::co_treatment,
                         t("2026-11-26T13:50:00.000Z"), t("2026-11-26T14:00:00.000Z"), "Forgot to start"),
      core::segmentSplit(10, now, "ot1", 0, t("2026-11-26T13:50:00.000Z"), t("2026-11-26T14:00:00.000Z"),
                         t("2026-11-26T13:55:00.000Z"), "Changed activity without a tap"),
  };
  for (const auto& e : events) {
    const auto back = platform::eventFromJson(platform::eventJson<nlohmann::json>(e));
    ASSERT_TRUE(back.ok()) << core::toString(e.type) << ": " << back.error().message;
    EXPECT_EQ(back.value(), e) << core::toString(e.type);
  }
}

TEST(HostileUpload, MoreSegmentEditsThanASessionMayHoldAreRefusedBeforeAnyReplay) {
  auto j = upload(testing::sessionId(1), "MRN1", {{"97110", "14:00:00", "14:30:00"}});
  auto& events = j["events"];
  const auto edit = nlohmann::json{{"type", "segment_edited"},
                                   {"at", "2026-11-26T15:00:00.000Z"},
                                   {"clinician", "ot1"},
                                   {"run", "run-1"},
                                   {"monotonic_ns", 0},
                                   {"segment_index", 0},
                                   {"old_start", "2026-11-26T14:00:00.000Z"},
                                   {"old_end", "2026-11-26T14:30:00.000Z"},
                                   {"new_start", "2026-11-26T14:00:00.000Z"},
                                   {"new_end", "2026-11-26T14:30:00.000Z"},
                                   {"reason", "Other correction"}};
  const std::size_t first = events.size();
  for (std::size_t i = 0; i <= wire::Limits::kMaxSegmentEdits; ++i) {
    auto e = edit;
    e["sequence"] = first + i + 1;
    events.push_back(e);
  }
  auto r = wire::parseSessionUpload(j, testing::sessionId(1));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().field, "events[" + std::to_string(first + wire::Limits::kMaxSegmentEdits) + "]");
}

}  // namespace
}  // namespace unitclock::server
