// unitclock: the touch-first kiosk app. Everything happens in launch.cpp; this only reads the options.
#include <iostream>
#include <string>
#include <vector>

#include <unitclock/version.h>

#include "launch.h"
#include "options.h"

int main(int argc, char** argv) {
  const std::vector<std::string> args(argv + 1, argv + argc);
  auto options = unitclock::app::parseOptions(args);
  if (!options) {
    std::cerr << "unitclock: " << options.error() << "\n" << unitclock::app::usage();
    return 2;
  }
  if (options.value().help) {
    std::cout << unitclock::app::usage();
    return 0;
  }
  if (options.value().version) {
    std::cout << "unitclock " << unitclock::kVersion << "\n";
    return 0;
  }
  return unitclock::app::runKiosk(options.value());
}
