// The names the store and the server persist, session ids, and diagnosis shapes.
#include <gtest/gtest.h>

#include <set>

#include "session_test_fixture.h"

namespace unitclock::core::testing {
namespace {

TEST(EventNames, EveryEventTypeHasAUniqueNameThatReadsBack) {
  std::set<std::string_view> names;
  for (int i = 0; i <= static_cast<int>(EventType::segment_split); ++i) {
    const auto type = static_cast<EventType>(i);
    const std::string_view name = toString(type);
    EXPECT_FALSE(name.empty());
    EXPECT_TRUE(names.insert(name).second) << name;
    EXPECT_EQ(parseEventType(name), type);
  }
  EXPECT_EQ(toString(EventType::activity_started), "activity_started");
  EXPECT_EQ(toString(EventType::session_signed), "session_signed");
  EXPECT_EQ(toString(EventType::app_restarted), "app_restarted");
  EXPECT_EQ(toString(EventType::segment_recoded), "segment_recoded");
  EXPECT_EQ(toString(EventType::segment_deleted), "segment_deleted");
  EXPECT_EQ(toString(EventType::segment_added), "segment_added");
  EXPECT_EQ(toString(EventType::segment_split), "segment_split");
  EXPECT_TRUE(isSegmentCorrection(EventType::segment_split));
  EXPECT_FALSE(isSegmentCorrection(EventType::untimed_changed));
  EXPECT_EQ(parseEventType("Activity_Started"), std::nullopt);
  EXPECT_EQ(parseEventType(""), std::nullopt);
}

TEST(EventNames, ModesPauseReasonsAndStatusesReadBack) {
  for (auto m : {ActivityMode::one_on_one, ActivityMode::group, ActivityMode::co_treatment}) {
    EXPECT_EQ(parseActivityMode(toString(m)), m);
  }
  for (auto r : {PauseReason::rest, PauseReason::toileting, PauseReason::waiting, PauseReason::equipment,
                 PauseReason::other}) {
    EXPECT_EQ(parsePauseReason(toString(r)), r);
  }
  for (auto s : {SessionStatus::open, SessionStatus::ended, SessionStatus::signed_, SessionStatus::synced,
                 SessionStatus::voided}) {
    EXPECT_EQ(parseSessionStatus(toString(s)), s);
  }
  EXPECT_EQ(toString(SessionStatus::signed_), "signed");
  EXPECT_EQ(toString(ActivityMode::co_treatment), "co_treatment");
  EXPECT_EQ(parseActivityMode("group therapy"), std::nullopt);
  EXPECT_EQ(parsePauseReason("lunch"), std::nullopt);
  EXPECT_EQ(parseSessionStatus("deleted"), std::nullopt);
  EXPECT_EQ(toString(SessionErrc::kMissingReason), "missing_reason");
}

TEST(EventBuilders, FillTheCommonFieldsFromOneClockReading) {
  const Instant now{at(9, 30), "run-7", 123456789ns};
  const Event e = segmentEdited(4, now, "ot-ann", 2, at(9, 0), at(9, 10), at(9, 1), at(9, 10), "late start");
  EXPECT_EQ(e.sequence, 4);
  EXPECT_EQ(e.type, EventType::segment_edited);
  EXPECT_EQ(e.instant().wall, at(9, 30));
  EXPECT_EQ(e.runId, "run-7");
  EXPECT_EQ(e.monotonic, 123456789ns);
  EXPECT_EQ(e.segmentIndex, 2);
  EXPECT_EQ(e.newStart, at(9, 1));
  EXPECT_EQ(e.reason, "late start");
  EXPECT_FALSE(e.performer.has_value());  // fields of other types stay empty
  EXPECT_TRUE(e.code.empty());
}

TEST(SessionId, IsAVersionFourUuidMadeFromTheGivenBytes) {
  UuidBytes bytes{};
  bytes.fill(0xFF);
  const std::string id = uuidV4(bytes);
  EXPECT_EQ(id, "ffffffff-ffff-4fff-bfff-ffffffffffff");
  EXPECT_TRUE(isUuidV4(id));
  bytes.fill(0x00);
  EXPECT_EQ(uuidV4(bytes), "00000000-0000-4000-8000-000000000000");
  EXPECT_NE(testUuid(1), testUuid(2));  // different random bytes, different ids
}

TEST(SessionId, OnlyVersionFourUuidsAreAccepted) {
  EXPECT_TRUE(isUuidV4("3F2504E0-4F89-41D3-9A0C-0305E82C3301"));
  EXPECT_FALSE(isUuidV4("3f2504e0-4f89-11d3-9a0c-0305e82c3301"));  // version 1
  EXPECT_FALSE(isUuidV4("3f2504e0-4f89-41d3-7a0c-0305e82c3301"));  // wrong variant
  EXPECT_FALSE(isUuidV4("3f2504e04f8941d39a0c0305e82c3301"));
  EXPECT_FALSE(isUuidV4("3f2504e0-4f89-41d3-9a0c-0305e82c330g"));
  EXPECT_FALSE(isUuidV4(""));
}

TEST(Diagnoses, Icd10CodesAreCheckedForShape) {
  for (const char* ok :
       {"M25.511", "R26.89", "Z96.651", "G81.94", "M62.81", "I69.351", "M25511", "R52", "S72.001A"}) {
    EXPECT_TRUE(isIcd10Shape(ok)) << ok;
  }
  for (const char* bad :
       {"", "M2", "m25.511", "25.511", "M25.", "M25.51111", "M25 511", "MM5.1", "M25.5-1"}) {
    EXPECT_FALSE(isIcd10Shape(bad)) << bad;
  }
}

}  // namespace
}  // namespace unitclock::core::testing
