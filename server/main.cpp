// unitclock-server: the central billing server. Everything is in unitclock_server_lib.
#include <unitclock/server/admin.h>
#include <unitclock/version.h>
#include <cstdio>
#include <string>
#include <vector>

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.size() == 1 && args[0] == "--version") {
    std::printf("unitclock-server %s\n", unitclock::kVersion);
    return 0;
  }
  if (args.size() == 1 && (args[0] == "--help" || args[0] == "-h")) args = {"help"};
  return unitclock::server::runCommandLine(args);
}
