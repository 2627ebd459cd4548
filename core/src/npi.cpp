#include <unitclock/core/npi.h>

namespace unitclock::core {

bool isValidNpi(std::string_view npi) noexcept {
  if (npi.size() != 10 || (npi[0] != '1' && npi[0] != '2')) return false;
  for (char c : npi)
    if (c < '0' || c > '9') return false;
  // Luhn over "80840" + the ten digits: from the right, every second digit doubled (9 and more less 9).
  // The prefix 80840 always adds 24 (NPI standard, "Check digit calculation").
  int sum = 24;
  for (int i = 0; i < 10; ++i) {
    int d = npi[9 - i] - '0';
    if (i % 2 == 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 == 0;
}

}  // namespace unitclock::core
