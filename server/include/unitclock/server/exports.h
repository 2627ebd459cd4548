#pragma once
// The billing exports of a day: charge lines of every signed session, as recomputed by the server, in
// three shapes built from one list (exportCharges): CSV for spreadsheets, HL7 v2.5.1 DFT^P03 for
// practice-management systems, FHIR R4 ChargeItem JSON. Zero-unit lines are documented on the session,
// never exported (billing-rules.md S9); held patient-days are left out until a supervisor releases them.
// The HL7 profile, field by field, is in docs/sync-api.md.

#include <unitclock/server/summary.h>
#include <unitclock/server/wire.h>
#include <string>
#include <string_view>
#include <vector>

namespace unitclock::server {

// One exported charge line and its transaction id.
struct Charge {
  std::string id;  // chargeId(): 12 characters, stable across exports
  const PatientDay* patient = nullptr;
  const core::ClaimLine* line = nullptr;
};

// The stable transaction id of a charge (HL7 FT1-2, CSV charge_id, FHIR identifier): what the charge
// *is*, "clinic|date|mrn|discipline|code", plus "|CQ" / "|CO" for the assistant's line of a code (the
// one way a patient-day has two lines of one code), hashed with SHA-256; the first 60 bits in RFC 4648
// base32 (A-Z 2-7), 12 characters. Never positional: another patient's late session or a void does not
// change it, and a charge that disappears never hands its id to a different one.
std::string chargeId(std::string_view clinic, std::string_view date, std::string_view mrn,
                     std::string_view discipline, const core::ClaimLine& line);

// The charges that leave the server: recomputed, not held (or released), units > 0, in patient order.
// Two charges of one day with the same id (a 60-bit hash collision, p ≈ n²/2⁶¹) are a 500, never an
// export that a billing system would merge.
Result<std::vector<Charge>> exportCharges(const DayReport& report);

struct CsvOptions {
  bool byteOrderMark = false;  // UTF-8 BOM first, for spreadsheets that guess the encoding (?bom=1)
};

// RFC 4180 CSV with a header row; one row per charge.
Result<std::string> chargesCsv(const DayReport& report, const CsvOptions& options = {});

struct Hl7Options {
  WireTime now{};                  // the export instant: MSH-7, EVN-2, FT1-5 in the clinic's offset
  std::string processingId = "P";  // MSH-11: P production, T training (serve --hl7-processing-id)
  bool batch = false;              // FHS/BHS … BTS/FTS around the messages, for file drops
};

// HL7 v2.5.1 DFT^P03, one message per patient × discipline: MSH, EVN, PID, PV1, one FT1 per charge,
// then DG1 per diagnosis. Segments end with '\r'. An unknown clinic time zone is an error.
Result<std::string> chargesHl7(const DayReport& report, const Hl7Options& options);

// FHIR R4: a Bundle (type collection) of ChargeItem resources, `billable`, and `entered-in-error` for
// a charge whose sessions were all voided.
Result<std::string> chargesFhir(const DayReport& report, WireTime now);

// HL7 data escaping: | ^ ~ \ & become \F\ \S\ \R\ \E\ \T\; every other control character (CR, LF,
// TAB, …, DEL) becomes \Xhh\. UTF-8 passes through (MSH-18 says UNICODE UTF-8).
std::string hl7Escape(std::string_view text);
// One CSV cell: quoted when needed; a cell a spreadsheet would evaluate (a leading = + - @ TAB or CR)
// gets a leading ' so it stays text.
std::string csvField(std::string_view text);
// An HL7 DTM with the clinic's offset, "20261126111419-0600", for `instant` in `zone`.
Result<std::string> hl7Timestamp(WireTime instant, std::string_view zone);

}  // namespace unitclock::server
