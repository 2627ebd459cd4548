// unitclock-server: the central billing server. Everything is in unitclock_server_lib; the command line
// (commands, options, --help, --version, the configuration file) is server/src/command_line.cpp.
#include <unitclock/server/admin.h>
#include <string>
#include <vector>

int main(int argc, char** argv) {
  return unitclock::server::runCommandLine(std::vector<std::string>(argv + 1, argv + argc));
}
