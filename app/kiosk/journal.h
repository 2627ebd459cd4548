// The kiosk's log: one line per event on stderr, which systemd's journal keeps for the kiosk unit
// (`journalctl -u unitclock-kiosk@tty1`). What is logged: the version at start, enrollment, sync errors
// and store errors. Never PHI: no patient MRNs or initials, no PINs, codes or tokens.
#pragma once

#include <string_view>

namespace unitclock::app {

// Writes "unitclock: <line>\n" to stderr in one write, so lines from the UI and the sync threads never mix.
void journal(std::string_view line);

}  // namespace unitclock::app
