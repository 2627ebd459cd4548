#pragma once
// The command line of unitclock-server: `serve` and the admin subcommands (docs/server.md).

#include <string>
#include <vector>

namespace unitclock::server {

// Runs one command line (without the program name): options from the command line, then the
// environment, then the configuration file. Returns the process exit status: 0 success, 1 a failure at
// run time (message on stderr), 2 a usage error.
int runCommandLine(const std::vector<std::string>& args);

}  // namespace unitclock::server
