// The National Provider Identifier (45 CFR 162.406): ten digits, the first 1 or 2, the last a Luhn check
// digit computed over the prefix 80840 (the card-issuer prefix for US health) and the first nine digits.
// A US claim names the rendering clinician by NPI; a mistyped one is refused here, not by the payer.
#pragma once

#include <string_view>

namespace unitclock::core {

// True for a well-formed NPI whose check digit is right: isValidNpi("1234567893") (CMS's own example).
bool isValidNpi(std::string_view npi) noexcept;

}  // namespace unitclock::core
