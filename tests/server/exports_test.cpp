// The billing exports of a day: CSV for spreadsheets and HL7 v2.5.1 DFT^P03 for practice management.
#include <gtest/gtest.h>

#include <unitclock/server/exports.h>
#include <sstream>

#include "upload_fixtures.h"

namespace unitclock::server {
namespace {

using testing::sessionId;
using testing::upload;

DayReport dayWith(std::vector<nlohmann::json> uploads) {
  std::vector<SessionUpload> s;
  for (auto& j : uploads) s.push_back(sessionFromJson(j, j["id"].get<std::string>()).value());
  return computeDay("north", "2026-11-26", s, {{"ot1", "Ana Ortiz"}});
}

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : s) {
    if (c == sep) {
      out.push_back(cur);
      cur.clear();
    } else {
      cur.push_back(c);
    }
  }
  if (!cur.empty()) out.push_back(cur);
  return out;
}

TEST(Hl7Escape, EscapesEveryDelimiter) {
  EXPECT_EQ(hl7Escape("a|b^c~d\\e&f"), "a\\F\\b\\S\\c\\R\\d\\E\\e\\T\\f");
  EXPECT_EQ(hl7Escape("line1\rline2\n"), "line1\\X0D\\line2\\X0A\\");
  EXPECT_EQ(hl7Escape("M25.511"), "M25.511");
}

TEST(CsvField, QuotesWhatASpreadsheetWouldMisread) {
  EXPECT_EQ(csvField("plain"), "plain");
  EXPECT_EQ(csvField("a,b"), "\"a,b\"");
  EXPECT_EQ(csvField("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(csvField("=1+1"), "\"'=1+1\"");
}

TEST(ChargesCsv, HasOneRowPerChargeLineAndNoZeroUnitLines) {
  auto r = dayWith(
      {upload(sessionId(1), "MRN1", {{"97110", "09:00:00", "09:33:00"}, {"97140", "09:33:00", "09:40:00"}}),
       upload(sessionId(2), "MRN2", {{"97530", "10:00:00", "10:05:00"}})});
  auto rows = split(chargesCsv(r), '\n');
  ASSERT_EQ(rows.size(), 3u) << chargesCsv(r);  // header, 97110 x2, 97140 x1; MRN2's 5 minutes earn nothing
  EXPECT_EQ(rows[0].rfind("date,clinic,patient_mrn", 0), 0u);
  EXPECT_NE(rows[1].find(",97110,GO,2,M25.511,ot1,Ana Ortiz,11,"), std::string::npos) << rows[1];
  EXPECT_NE(rows[2].find(",97140,GO,1,"), std::string::npos) << rows[2];
}

TEST(ChargesHl7, IsADftP03MessagePerPatientWithAnFt1PerLine) {
  auto r = dayWith(
      {upload(sessionId(1), "MRN1", {{"97110", "09:00:00", "09:33:00"}, {"97140", "09:33:00", "09:40:00"}})});
  std::string hl7 = chargesHl7(r, "20261126170000");
  EXPECT_EQ(hl7.find('\n'), std::string::npos) << "segments end with carriage returns only";
  auto segments = split(hl7, '\r');
  ASSERT_EQ(segments.size(), 7u) << hl7;
  EXPECT_EQ(
      segments[0],
      "MSH|^~\\&|UNITCLOCK|north|BILLING|north|20261126170000||DFT^P03^DFT_P03|20261126170000-1|P|2.5.1");
  EXPECT_EQ(segments[1], "EVN|P03|20261126170000");
  EXPECT_EQ(segments[2], "PID|1||MRN1^^^north^MR||JD");
  EXPECT_EQ(segments[3].rfind("PV1|1|O|", 0), 0u);
  auto ft1 = split(segments[4], '|');
  EXPECT_EQ(ft1[0], "FT1");
  EXPECT_EQ(ft1[2], "20261126-1-1");
  EXPECT_EQ(ft1[6], "CG");
  EXPECT_EQ(ft1[7], "97110^^CPT");
  EXPECT_EQ(ft1[10], "2");
  EXPECT_EQ(ft1[19], "M25.511^^I10");
  EXPECT_EQ(ft1[20], "ot1^Ana Ortiz");
  EXPECT_EQ(ft1[25], "97110^^CPT");
  EXPECT_EQ(ft1[26], "GO");
  EXPECT_EQ(segments[5].substr(0, 4), "FT1|");
  EXPECT_EQ(segments[6], "DG1|1||M25.511^^I10||||F");
}

TEST(ChargesHl7, EscapesDelimitersInPatientData) {
  auto j = upload(sessionId(1), "MRN|7^8", {{"97110", "09:00:00", "09:33:00"}});
  j["patient"]["initials"] = "A&B";
  auto hl7 = chargesHl7(dayWith({j}), "20261126170000");
  EXPECT_NE(hl7.find("PID|1||MRN\\F\\7\\S\\8^^^north^MR||A\\T\\B\r"), std::string::npos) << hl7;
}

}  // namespace
}  // namespace unitclock::server
