#include <gtest/gtest.h>

#include <unitclock/server/wire.h>

#include "upload_fixtures.h"

namespace unitclock::server {
namespace {

using testing::sessionId;
using testing::upload;

TEST(SessionUpload, AcceptsAWellFormedSignedSession) {
  auto j = upload(sessionId(1), "MRN1", {{"97110", "14:00:00", "14:07:30"}});
  auto s = sessionFromJson(j, sessionId(1));
  ASSERT_TRUE(s.ok()) << s.error().field << " " << s.error().message;
  EXPECT_EQ(s->segments.size(), 1u);
  EXPECT_EQ(s->segments[0].duration(), std::chrono::milliseconds{450000});
  EXPECT_EQ(s->segments[0].date, "2026-11-26");  // defaults to the service date
  EXPECT_EQ(s->patientMrn, "MRN1");
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
    auto s = sessionFromJson(broken, sessionId(1));
    ASSERT_FALSE(s.ok()) << "expected a rejection naming " << c.field;
    EXPECT_EQ(s.error().status, 400);
    EXPECT_EQ(s.error().field, c.field) << s.error().message;
  }
}

TEST(SessionUpload, RejectsAnIdThatDiffersFromTheUrl) {
  auto s = sessionFromJson(upload(sessionId(1), "MRN1", {}), sessionId(2));
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().field, "id");
}

TEST(SessionUpload, RejectsTextThatIsNotJson) {
  auto s = parseSessionUpload("{\"id\":", sessionId(1));
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().status, 400);
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

}  // namespace
}  // namespace unitclock::server
