#pragma once
// Tokens and one-time codes: random, shown once, stored only as SHA-256 hashes (OpenSSL EVP).

#include <cstddef>
#include <string>
#include <string_view>

namespace unitclock::server {

// Lower-case hex SHA-256 of the bytes.
std::string sha256Hex(std::string_view bytes);

// A device or supervisor token: "uct_" + 43 characters of base64url (32 random bytes).
std::string newToken();

// A one-time enrollment code a clinic admin can read out or type: 12 characters of an unambiguous
// alphabet (no 0/O, 1/I/L), grouped "XXXX-XXXX-XXXX". About 59 bits of entropy; codes expire.
std::string newEnrollmentCode();

// Codes are compared ignoring case, spaces and dashes so a typed code still matches.
std::string normalizeEnrollmentCode(std::string_view code);

}  // namespace unitclock::server
