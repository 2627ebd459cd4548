// The billing exports of a day: CSV for spreadsheets, HL7 v2.5.1 DFT^P03 for practice management (read
// back by Debian's python3-hl7, which no one here wrote), FHIR R4 ChargeItem JSON.
#include <gtest/gtest.h>

#include <unitclock/server/exports.h>
#include <set>
#include <sstream>

#include "hl7_oracle.h"
#include "upload_fixtures.h"

namespace unitclock::server {
namespace {

using testing::readWithPythonHl7;
using testing::SegmentSpec;
using testing::sessionId;
using testing::upload;

// 2026-11-26 17:14:19 UTC: 11:14:19 in Chicago (CST, UTC-6).
const WireTime kExportedAt = parseUtcTimestamp("2026-11-26T17:14:19Z").value();

DayReport dayWith(std::vector<nlohmann::json> uploads, std::string zone = "America/Chicago") {
  std::vector<wire::SessionUpload> s;
  for (auto& j : uploads) s.push_back(wire::parseSessionUpload(j, j["id"].get<std::string>()).value());
  auto r = computeDay("north", "2026-11-26", s, {{"ot1", "Ana Ortiz"}});
  r.timeZone = std::move(zone);
  r.roster["ot1"] = RosterEntry{"Ana Ortiz", "1234567893", "Ortiz", "Ana"};
  return r;
}

std::string hl7Of(const DayReport& r, Hl7Options o = {}) {
  o.now = kExportedAt;
  auto h = chargesHl7(r, o);
  EXPECT_TRUE(h.ok()) << (h.ok() ? "" : h.error().message);
  return h.ok() ? h.value() : "";
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

// The FT1-2 of each patient's (first) charge in an export, by "MRN code", read by python3-hl7.
std::map<std::string, std::string> transactionIds(const std::string& hl7) {
  std::vector<std::string> keys;
  for (int m = 1; m <= 6; ++m) {
    for (const char* f : {":PID.F3.R1.C1", ":FT1.F7.R1.C1", ":FT1.F2"}) keys.push_back(std::to_string(m) + f);
  }
  auto r = readWithPythonHl7(hl7, keys);
  EXPECT_TRUE(r.parsed) << r.error;
  std::map<std::string, std::string> ids;
  for (int m = 1; m <= r.messages; ++m) {
    std::string p = std::to_string(m) + ":";
    ids[r[p + "PID.F3.R1.C1"] + " " + r[p + "FT1.F7.R1.C1"]] = r[p + "FT1.F2"];
  }
  return ids;
}

TEST(Hl7Escape, EscapesEveryDelimiterAndEveryControlCharacter) {
  EXPECT_EQ(hl7Escape("a|b^c~d\\e&f"), "a\\F\\b\\S\\c\\R\\d\\E\\e\\T\\f");
  EXPECT_EQ(hl7Escape("line1\rline2\n"), "line1\\X0D\\line2\\X0A\\");
  EXPECT_EQ(hl7Escape("a\tb\x01\x1b\x7f"), "a\\X09\\b\\X01\\\\X1B\\\\X7F\\");
  EXPECT_EQ(hl7Escape("M25.511"), "M25.511");
  EXPECT_EQ(hl7Escape("Ren\xc3\xa9"), "Ren\xc3\xa9") << "UTF-8 passes (MSH-18 UNICODE UTF-8)";
}

TEST(CsvField, QuotesWhatASpreadsheetWouldMisread) {
  EXPECT_EQ(csvField("plain"), "plain");
  EXPECT_EQ(csvField("a,b"), "\"a,b\"");
  EXPECT_EQ(csvField("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(csvField("=1+1"), "\"'=1+1\"");
  EXPECT_EQ(csvField("\t=1+1"), "\"'\t=1+1\"");
  EXPECT_EQ(csvField("\r=1+1"), "\"'\r=1+1\"");
  EXPECT_EQ(csvField("a\tb"), "\"a\tb\"");
}

TEST(ChargeId, IsTwelveBase32CharactersOfWhatTheChargeIs) {
  core::ClaimLine line{"97110", 2, {"GO"}};
  auto id = chargeId("north", "2026-11-26", "MRN1", "ot", line);
  EXPECT_EQ(id.size(), 12u);
  EXPECT_EQ(id.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"), std::string::npos) << id;
  // Pinned: billing systems hold these ids; a change of the derivation would re-key every charge.
  EXPECT_EQ(id, "KUE6OFWMDNNM");
  core::ClaimLine moreUnits{"97110", 3, {"GO", "KX"}};
  EXPECT_EQ(chargeId("north", "2026-11-26", "MRN1", "ot", moreUnits), id) << "units and KX do not change it";
  std::set<std::string> ids{id,
                            chargeId("north", "2026-11-26", "MRN2", "ot", line),
                            chargeId("north", "2026-11-27", "MRN1", "ot", line),
                            chargeId("south", "2026-11-26", "MRN1", "ot", line),
                            chargeId("north", "2026-11-26", "MRN1", "pt", line),
                            chargeId("north", "2026-11-26", "MRN1", "ot", {"97140", 2, {"GO"}}),
                            chargeId("north", "2026-11-26", "MRN1", "ot", {"97110", 1, {"GO", "CO"}})};
  EXPECT_EQ(ids.size(), 7u);
}

TEST(ChargesCsv, HasOneRowPerChargeLineWithItsIdAndNpiAndNoZeroUnitLines) {
  auto r = dayWith(
      {upload(sessionId(1), "MRN1", {{"97110", "09:00:00", "09:33:00"}, {"97140", "09:33:00", "09:40:00"}}),
       upload(sessionId(2), "MRN2", {{"97530", "10:00:00", "10:05:00"}})});
  auto csv = chargesCsv(r).value();
  auto rows = split(csv, '\n');
  ASSERT_EQ(rows.size(), 3u) << csv;  // header, 97110 x2, 97140 x1; MRN2's 5 minutes earn nothing
  EXPECT_EQ(rows[0].rfind("charge_id,date,clinic,patient_mrn", 0), 0u);
  EXPECT_NE(rows[0].find(",rendering_clinician_name,rendering_clinician_npi,"), std::string::npos);
  EXPECT_EQ(rows[1].rfind(chargeId("north", "2026-11-26", "MRN1", "ot", {"97110", 2, {"GO"}}) + ",", 0), 0u);
  EXPECT_NE(rows[1].find(",97110,GO,2,M25.511,ot1,Ana Ortiz,1234567893,11,"), std::string::npos) << rows[1];
  EXPECT_NE(rows[2].find(",97140,GO,1,"), std::string::npos) << rows[2];
  EXPECT_EQ(csv.rfind("\xEF\xBB\xBF", 0), std::string::npos);
  EXPECT_EQ(chargesCsv(r, CsvOptions{true})
                .value()
                .rfind("\xEF\xBB\xBF"
                       "charge_id,",
                       0),
            0u);
}

TEST(ChargesHl7, PutsEveryFieldOfTheProfileInItsPlaceForAnIndependentParser) {
  auto r = dayWith(
      {upload(sessionId(1), "MRN1", {{"97110", "15:00:00", "15:33:00"}, {"97140", "15:33:00", "15:40:00"}})});
  std::string hl7 = hl7Of(r);
  EXPECT_EQ(hl7.find('\n'), std::string::npos) << "segments end with carriage returns only";
  auto segments = split(hl7, '\r');
  ASSERT_EQ(segments.size(), 7u) << hl7;
  EXPECT_EQ(segments[0],
            "MSH|^~\\&|UNITCLOCK|north|BILLING|north|20261126111419-0600||DFT^P03^DFT_P03|20261126111419-1|P|"
            "2.5.1||||||UNICODE UTF-8");

  const std::string id1 = chargeId("north", "2026-11-26", "MRN1", "ot", {"97110", 2, {"GO"}});
  const std::string id2 = chargeId("north", "2026-11-26", "MRN1", "ot", {"97140", 1, {"GO"}});
  auto p = readWithPythonHl7(
      hl7, {"1:MSH.F3",           "1:MSH.F7",           "1:MSH.F9.R1.C1",   "1:MSH.F9.R1.C2",
            "1:MSH.F9.R1.C3",     "1:MSH.F10",          "1:MSH.F11",        "1:MSH.F12",
            "1:MSH.F18",          "1:EVN.F1",           "1:EVN.F2",         "1:PID.F3.R1.C1",
            "1:PID.F3.R1.C4",     "1:PID.F3.R1.C5",     "1:PV1.F2",         "1:PV1.F3.R1.C9",
            "1:PV1.F7.R1.C1",     "1:PV1.F7.R1.C13",    "1:FT1.F1",         "1:FT1.F2",
            "1:FT1.F4",           "1:FT1.F5",           "1:FT1.F6",         "1:FT1.F7.R1.C1",
            "1:FT1.F7.R1.C3",     "1:FT1.F10",          "1:FT1.F19.R1.C1",  "1:FT1.F19.R1.C3",
            "1:FT1.F20.R1.C1",    "1:FT1.F20.R1.C2",    "1:FT1.F20.R1.C3",  "1:FT1.F20.R1.C9.S1",
            "1:FT1.F20.R1.C9.S2", "1:FT1.F20.R1.C9.S3", "1:FT1.F20.R1.C10", "1:FT1.F20.R1.C13",
            "1:FT1.F25.R1.C1",    "1:FT1.F25.R1.C3",    "1:FT1.F26",        "1:FT12.F1",
            "1:FT12.F2",          "1:FT12.F10",         "1:DG1.F1",         "1:DG1.F3.R1.C1",
            "1:DG1.F3.R1.C3",     "1:DG1.F6",           "1:DG1.F7",         "1:DG1.F15"});
  ASSERT_TRUE(p.parsed) << p.error;
  EXPECT_EQ(p.messages, 1);
  EXPECT_EQ(p["1:MSH.F3"], "UNITCLOCK");
  EXPECT_EQ(p["1:MSH.F7"], "20261126111419-0600");  // the clinic's local time, with its offset
  EXPECT_EQ(p["1:MSH.F9.R1.C1"], "DFT");
  EXPECT_EQ(p["1:MSH.F9.R1.C2"], "P03");
  EXPECT_EQ(p["1:MSH.F9.R1.C3"], "DFT_P03");
  EXPECT_EQ(p["1:MSH.F10"], "20261126111419-1");
  EXPECT_EQ(p["1:MSH.F11"], "P");
  EXPECT_EQ(p["1:MSH.F12"], "2.5.1");
  EXPECT_EQ(p["1:MSH.F18"], "UNICODE UTF-8");
  EXPECT_EQ(p["1:EVN.F1"], "P03");
  EXPECT_EQ(p["1:EVN.F2"], "20261126111419-0600");
  EXPECT_EQ(p["1:PID.F3.R1.C1"], "MRN1");
  EXPECT_EQ(p["1:PID.F3.R1.C4"], "north");
  EXPECT_EQ(p["1:PID.F3.R1.C5"], "MR");
  EXPECT_EQ(p["1:PV1.F2"], "O");
  EXPECT_EQ(p["1:PV1.F3.R1.C9"], "11");
  EXPECT_EQ(p["1:PV1.F7.R1.C1"], "1234567893");
  EXPECT_EQ(p["1:PV1.F7.R1.C13"], "NPI");
  EXPECT_EQ(p["1:FT1.F1"], "1");
  EXPECT_EQ(p["1:FT1.F2"], id1);
  EXPECT_LE(p["1:FT1.F2"].size(), 12u);  // ST(12)
  EXPECT_EQ(p["1:FT1.F4"], "20261126-0600");
  EXPECT_EQ(p["1:FT1.F5"], "20261126111419-0600");
  EXPECT_EQ(p["1:FT1.F6"], "CG");
  EXPECT_EQ(p["1:FT1.F7.R1.C1"], "97110");
  EXPECT_EQ(p["1:FT1.F7.R1.C3"], "C4");
  EXPECT_EQ(p["1:FT1.F10"], "2");
  EXPECT_EQ(p["1:FT1.F19.R1.C1"], "M25.511");
  EXPECT_EQ(p["1:FT1.F19.R1.C3"], "I10");
  EXPECT_EQ(p["1:FT1.F20.R1.C1"], "1234567893");
  EXPECT_EQ(p["1:FT1.F20.R1.C2"], "Ortiz");
  EXPECT_EQ(p["1:FT1.F20.R1.C3"], "Ana");
  EXPECT_EQ(p["1:FT1.F20.R1.C9.S1"], "CMS");  // assigning authority (HD): NPPES's OID
  EXPECT_EQ(p["1:FT1.F20.R1.C9.S2"], "2.16.840.1.113883.4.6");
  EXPECT_EQ(p["1:FT1.F20.R1.C9.S3"], "ISO");
  EXPECT_EQ(p["1:FT1.F20.R1.C10"], "L");
  EXPECT_EQ(p["1:FT1.F20.R1.C13"], "NPI");
  EXPECT_EQ(p["1:FT1.F25.R1.C1"], "97110");
  EXPECT_EQ(p["1:FT1.F25.R1.C3"], "C4");
  EXPECT_EQ(p["1:FT1.F26"], "GO");
  EXPECT_EQ(p["1:FT12.F1"], "2");
  EXPECT_EQ(p["1:FT12.F2"], id2);
  EXPECT_EQ(p["1:FT12.F10"], "1");
  EXPECT_EQ(p["1:DG1.F1"], "1");
  EXPECT_EQ(p["1:DG1.F3.R1.C1"], "M25.511");
  EXPECT_EQ(p["1:DG1.F3.R1.C3"], "I10");
  EXPECT_EQ(p["1:DG1.F6"], "F");  // diagnosis type: final
  EXPECT_EQ(p["1:DG1.F7"], "");
  EXPECT_EQ(p["1:DG1.F15"], "1");  // priority: primary
}

TEST(ChargesHl7, NamesAClinicianWithoutNpiByTheClinicsIdAndSaysSo) {
  auto r = dayWith({upload(sessionId(1), "MRN1", {{"97110", "15:00:00", "15:33:00"}})});
  r.roster["ot1"] = RosterEntry{"Ana María Ortiz", "", "", ""};
  auto p = readWithPythonHl7(hl7Of(r), {"1:FT1.F20.R1.C1", "1:FT1.F20.R1.C2", "1:FT1.F20.R1.C3",
                                        "1:FT1.F20.R1.C9", "1:FT1.F20.R1.C13"});
  ASSERT_TRUE(p.parsed) << p.error;
  EXPECT_EQ(p["1:FT1.F20.R1.C1"], "ot1");
  EXPECT_EQ(p["1:FT1.F20.R1.C2"], "Ortiz");
  EXPECT_EQ(p["1:FT1.F20.R1.C3"], "Ana María");
  EXPECT_EQ(p["1:FT1.F20.R1.C9"], "north");
  EXPECT_EQ(p["1:FT1.F20.R1.C13"], "PRN");
}

TEST(ChargesHl7, CodesHcpcsLevelTwoAsHcpcsAndCptAsC4) {
  // Unattended electrical stimulation: Medicare bills it as G0283 (billing-rules.md).
  auto r = dayWith({upload(sessionId(1), "MRN1", {{"97014", "15:00:00", "15:20:00"}})});
  auto hl7 = hl7Of(r);
  auto p = readWithPythonHl7(hl7, {"1:FT1.F7.R1.C1", "1:FT1.F7.R1.C3", "1:FT1.F25.R1.C3"});
  ASSERT_TRUE(p.parsed) << p.error;
  EXPECT_EQ(p["1:FT1.F7.R1.C1"], "G0283") << hl7;
  EXPECT_EQ(p["1:FT1.F7.R1.C3"], "HCPCS");
  EXPECT_EQ(p["1:FT1.F25.R1.C3"], "HCPCS");
}

TEST(ChargesHl7, CarriesTheOffsetInForceAndTheProcessingIdAsked) {
  auto r = dayWith({upload(sessionId(1), "MRN1", {{"97110", "15:00:00", "15:33:00"}})}, "Asia/Kolkata");
  auto p = readWithPythonHl7(hl7Of(r, Hl7Options{{}, "T", false}), {"1:MSH.F7", "1:MSH.F11", "1:FT1.F4"});
  ASSERT_TRUE(p.parsed) << p.error;
  EXPECT_EQ(p["1:MSH.F7"], "20261126224419+0530");
  EXPECT_EQ(p["1:MSH.F11"], "T");
  EXPECT_EQ(p["1:FT1.F4"], "20261126+0530");
  r.timeZone = "Mars/Olympus";
  EXPECT_FALSE(chargesHl7(r, Hl7Options{kExportedAt}).ok()) << "an unknown zone is an error, not UTC";
}

TEST(ChargesHl7, EscapesDelimitersAndControlCharactersInPatientData) {
  // An MRN may hold any printable character; initials are letters (core refuses others), and their
  // escaping is Hl7Escape's.
  auto j = upload(sessionId(1), "MRN|7^&8", {{"97110", "15:00:00", "15:33:00"}});
  auto hl7 = hl7Of(dayWith({j}));
  EXPECT_NE(hl7.find("PID|1||MRN\\F\\7\\S\\\\T\\8^^^north^MR||JD\r"), std::string::npos) << hl7;
  auto p = readWithPythonHl7(hl7, {"1:PID.F3.R1.C1", "1:PID.F3.R1.C4", "1:FT1.F2"});
  ASSERT_TRUE(p.parsed) << p.error;
  EXPECT_EQ(p["1:PID.F3.R1.C1"], "MRN|7^&8");
  EXPECT_EQ(p["1:PID.F3.R1.C4"], "north");
  EXPECT_EQ(p["1:FT1.F2"].size(), 12u);
}

TEST(ChargesHl7, WrapsTheMessagesInABatchForFileDrops) {
  auto r = dayWith({upload(sessionId(1), "MRN1", {{"97110", "15:00:00", "15:33:00"}}),
                    upload(sessionId(2), "MRN2", {{"97110", "16:00:00", "16:33:00"}})});
  auto hl7 = hl7Of(r, Hl7Options{{}, "P", true});
  auto p = readWithPythonHl7(hl7, {"1:PID.F3.R1.C1", "2:PID.F3.R1.C1"});
  ASSERT_TRUE(p.parsed) << p.error;
  EXPECT_EQ(p.messages, 2);
  EXPECT_EQ(p["1:PID.F3.R1.C1"], "MRN1");
  EXPECT_EQ(p["2:PID.F3.R1.C1"], "MRN2");
  EXPECT_EQ(p.batch["FHS.F3"], "UNITCLOCK");
  EXPECT_EQ(p.batch["FHS.F7"], "20261126111419-0600");
  EXPECT_EQ(p.batch["BHS.F3"], "UNITCLOCK");
  EXPECT_EQ(p.batch["BTS.F1"], "2");
  EXPECT_EQ(p.batch["FTS.F1"], "1");
}

TEST(ChargesHl7, KeepsEveryTransactionIdWhenALateSessionOrAVoidArrives) {
  auto a = upload(sessionId(1), "MRN5", {{"97110", "15:00:00", "15:33:00"}});
  auto b = upload(sessionId(2), "MRN7", {{"97140", "16:00:00", "16:25:00"}});
  auto c = upload(sessionId(3), "MRN9", {{"97530", "17:00:00", "17:40:00"}});
  auto before = transactionIds(hl7Of(dayWith({a, b, c})));
  ASSERT_EQ(before.size(), 3u);
  // A late session for a lower MRN, then MRN7's session voided.
  auto late = upload(sessionId(4), "MRN1", {{"97110", "14:00:00", "14:33:00"}});
  auto afterLate = transactionIds(hl7Of(dayWith({a, b, c, late})));
  auto voided = b;
  voided["status"] = "voided";
  auto afterVoid = transactionIds(hl7Of(dayWith({a, voided, c, late})));
  for (const auto& key : {"MRN5 97110", "MRN7 97140", "MRN9 97530"})
    EXPECT_EQ(afterLate.at(key), before.at(key)) << key;
  EXPECT_EQ(afterVoid.count("MRN7 97140"), 0u);
  EXPECT_EQ(afterVoid.at("MRN5 97110"), before.at("MRN5 97110"));
  EXPECT_EQ(afterVoid.at("MRN9 97530"), before.at("MRN9 97530"));
  EXPECT_EQ(afterVoid.at("MRN1 97110"), afterLate.at("MRN1 97110"));
  std::set<std::string> distinct;
  for (const auto& [k, v] : afterLate) distinct.insert(v);
  EXPECT_EQ(distinct.size(), afterLate.size());
}

TEST(Exports, LeaveAHeldPatientDayOutUntilItIsReleased) {
  // ot1 in one-on-one with MRN1 and MRN2 at once: both patient-days are held; MRN3 goes out.
  auto r = dayWith({upload(sessionId(1), "MRN1", {{"97110", "15:00:00", "15:30:00"}}),
                    upload(sessionId(2), "MRN2", {{"97140", "15:10:00", "15:40:00"}}),
                    upload(sessionId(3), "MRN3", {SegmentSpec{"97110", "18:00:00", "18:30:00", "pt9"}})});
  ASSERT_TRUE(r.patients.at(0).held());
  const auto& holds = r.patients.at(0).holdFlags;
  EXPECT_NE(std::find(holds.begin(), holds.end(), "one-on-one-overlap"), holds.end());
  ASSERT_FALSE(r.patients.at(2).held());
  auto csv = chargesCsv(r).value();
  EXPECT_EQ(csv.find("MRN1"), std::string::npos) << csv;
  EXPECT_EQ(csv.find("MRN2"), std::string::npos) << csv;
  EXPECT_NE(csv.find("MRN3"), std::string::npos) << csv;
  auto p = readWithPythonHl7(hl7Of(r), {"1:PID.F3.R1.C1"});
  ASSERT_TRUE(p.parsed) << p.error;
  EXPECT_EQ(p.messages, 1);
  EXPECT_EQ(p["1:PID.F3.R1.C1"], "MRN3");
  auto fhir = nlohmann::json::parse(chargesFhir(r, kExportedAt).value());
  EXPECT_EQ(fhir["entry"].size(), 1u);

  r.patients[0].release = ChargeRelease{1, 2, "2026-11-26T18:00:00Z", "co-treatment documented", {}};
  EXPECT_NE(chargesCsv(r).value().find("MRN1"), std::string::npos);
  EXPECT_EQ(chargesCsv(r).value().find("MRN2"), std::string::npos);
}

TEST(ChargesFhir, IsABundleOfChargeItemsWithTheHl7TransactionIds) {
  auto j = upload(sessionId(2), "MRN2", {{"97140", "16:00:00", "16:25:00"}});
  j["status"] = "voided";
  auto r = dayWith({upload(sessionId(1), "MRN1", {{"97110", "15:00:00", "15:33:00"}}), j});
  auto doc = nlohmann::json::parse(chargesFhir(r, kExportedAt).value());
  EXPECT_EQ(doc["resourceType"], "Bundle");
  EXPECT_EQ(doc["type"], "collection");
  ASSERT_EQ(doc["entry"].size(), 2u) << doc.dump(2);
  const auto& item = doc["entry"][0]["resource"];
  EXPECT_EQ(item["resourceType"], "ChargeItem");
  EXPECT_EQ(item["status"], "billable");
  EXPECT_EQ(item["identifier"][0]["value"],
            chargeId("north", "2026-11-26", "MRN1", "ot", {"97110", 2, {"GO"}}));
  EXPECT_EQ(item["code"]["coding"][0]["system"], "http://www.ama-assn.org/go/cpt");
  EXPECT_EQ(item["code"]["coding"][0]["code"], "97110");
  EXPECT_EQ(item["subject"]["identifier"]["value"], "MRN1");
  EXPECT_EQ(item["occurrenceDateTime"], "2026-11-26");
  EXPECT_EQ(item["performer"][0]["actor"]["identifier"]["system"], "http://hl7.org/fhir/sid/us-npi");
  EXPECT_EQ(item["performer"][0]["actor"]["identifier"]["value"], "1234567893");
  EXPECT_EQ(item["quantity"]["value"], 2);
  EXPECT_EQ(item["reason"][0]["coding"][0]["system"], "http://hl7.org/fhir/sid/icd-10-cm");
  EXPECT_EQ(item["reason"][0]["coding"][0]["code"], "M25.511");
  const auto& voided = doc["entry"][1]["resource"];
  EXPECT_EQ(voided["status"], "entered-in-error");
  EXPECT_EQ(voided["code"]["coding"][0]["code"], "97140");
  EXPECT_EQ(voided["identifier"][0]["value"],
            chargeId("north", "2026-11-26", "MRN2", "ot", {"97140", 2, {"GO"}}));
}

}  // namespace
}  // namespace unitclock::server
