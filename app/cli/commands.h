// unitclock-cli commands. Adding one: write `Command addNAME(CLI::App& cli)`, which adds the subcommand with
// its options and help, and call it in main.cpp.
#pragma once

#include <functional>
#include <ostream>

namespace CLI {
class App;
}

namespace unitclock::app {

// Exit statuses shared by every command (the top-level --help, and so the man page, explains them).
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;  // the command ran and something outside the input went wrong
inline constexpr int kExitUsage = 2;    // bad input: one line on stderr names it

// A command as main sees it: its subcommand in the parser, and what to run once the arguments are parsed
// and name it. `run` writes its result to `out`, one line naming a problem to `err`, and returns the exit
// status.
struct Command {
  CLI::App* app = nullptr;
  std::function<int(std::ostream& out, std::ostream& err)> run;
};

// `unitclock-cli units ...`: the units calculator (units_command.cpp).
Command addUnitsCommand(CLI::App& cli);

// `unitclock-cli sessions list|show|export ...`: read-only inspection of a device store
// (sessions_command.cpp).
Command addSessionsCommand(CLI::App& cli);

}  // namespace unitclock::app
