#include "journal.h"

#include <unistd.h>

#include <string>

namespace unitclock::app {

void journal(std::string_view line) {
  std::string out = "unitclock: ";
  out.reserve(out.size() + line.size() + 1);
  for (char c : line) out.push_back(c == '\n' || c == '\r' ? ' ' : c);  // one event, one line
  out.push_back('\n');
  const char* p = out.data();
  std::size_t left = out.size();
  while (left > 0) {
    const ssize_t n = ::write(STDERR_FILENO, p, left);
    if (n <= 0) return;  // stderr closed: nothing else to tell
    p += n;
    left -= static_cast<std::size_t>(n);
  }
}

}  // namespace unitclock::app
