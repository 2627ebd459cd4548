// unitclock-cli: a thin dispatch over the commands in commands.h.
#include <array>
#include <iostream>

#include <unitclock/version.h>

#include "commands.h"

namespace {

using unitclock::app::Command;

// One row per command.
constexpr std::array kCommands{
    Command{"units", unitclock::app::runUnits, "compute CPT units and modifiers from minutes per code"},
    Command{"sessions", unitclock::app::runSessions, "list, show or export the sessions in a device store"},
};

void printHelp(std::ostream& out) {
  out << "usage: unitclock-cli COMMAND [ARGS...]\n\ncommands:\n";
  for (const auto& c : kCommands)
    out << "  " << c.name << std::string(12 - std::min<std::size_t>(c.name.size(), 11), ' ') << c.summary
        << '\n';
  out << "\n'unitclock-cli COMMAND --help' describes a command; 'unitclock-cli --version' prints the "
         "version.\n"
         "\nexit status: 0 success, 1 a runtime error (unreadable store or catalog), 2 a usage error.\n";
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    printHelp(std::cerr);
    return unitclock::app::kExitUsage;
  }
  const std::string_view name = argv[1];
  if (name == "--help" || name == "-h" || name == "help") {
    printHelp(std::cout);
    return unitclock::app::kExitOk;
  }
  if (name == "--version") {
    std::cout << "unitclock-cli " << unitclock::kVersion << '\n';
    return unitclock::app::kExitOk;
  }
  unitclock::app::Args args(argv + 2, argv + argc);
  for (const auto& c : kCommands) {
    if (c.name == name) return c.run(args, std::cout, std::cerr);
  }
  std::cerr << "unitclock-cli: unknown command '" << name << "' (see unitclock-cli --help)\n";
  return unitclock::app::kExitUsage;
}
