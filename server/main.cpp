// unitclock-server: the central billing server. Everything is in unitclock_server_lib.
#include <unitclock/server/admin.h>
#include <string>
#include <vector>

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  return unitclock::server::runCommandLine(args);
}
