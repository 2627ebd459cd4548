#pragma once
// Wires the kiosk together: store, clock, runner, controller, script. main() only parses and calls this.

#include "options.h"

namespace unitclock::app {

// Returns the process exit status: 0 normal end / script passed, 1 script failed, 2 cannot start.
int runKiosk(const KioskOptions& options);

}  // namespace unitclock::app
