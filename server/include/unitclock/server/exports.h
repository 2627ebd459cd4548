#pragma once
// The billing exports of a day: charge lines of every signed session, as recomputed by the server.
// Zero-unit lines are documented on the session, never exported (billing-rules.md S9).

#include <unitclock/server/summary.h>
#include <string>
#include <string_view>

namespace unitclock::server {

// RFC 4180 CSV with a header row; one row per charge line.
std::string chargesCsv(const DayReport& report);

// HL7 v2.5.1 DFT^P03, one message per patient × discipline: MSH, EVN, PID, PV1, one FT1 per charge line,
// then DG1 per diagnosis. Segments end with '\r'. `messageTime` is the HL7 timestamp (YYYYMMDDHHMMSS).
std::string chargesHl7(const DayReport& report, std::string_view messageTime);

// Escapes HL7's delimiters in data: | ^ ~ \ & become \F\ \S\ \R\ \E\ \T\; line breaks become \X0D\ / \X0A\.
std::string hl7Escape(std::string_view text);
std::string csvField(std::string_view text);

}  // namespace unitclock::server
