// unitclock-cli commands. Adding one: write `int runNAME(const Args&, std::ostream&, std::ostream&)` and add
// one row to kCommands in main.cpp.
#pragma once

#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace unitclock::app {

using Args = std::vector<std::string>;  // the arguments after the command name

// Exit statuses shared by every command.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;  // the command ran and something outside the input went wrong
inline constexpr int kExitUsage = 2;    // bad input: one line on stderr names it

struct Command {
  std::string_view name;
  int (*run)(const Args& args, std::ostream& out, std::ostream& err);
  std::string_view summary;  // one line for `unitclock-cli --help`
};

// `unitclock-cli units ...`: the units calculator (units_command.cpp).
int runUnits(const Args& args, std::ostream& out, std::ostream& err);

// `unitclock-cli sessions list|show|export ...`: read-only inspection of a device store
// (sessions_command.cpp).
int runSessions(const Args& args, std::ostream& out, std::ostream& err);

}  // namespace unitclock::app
