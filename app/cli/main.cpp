// unitclock-cli: a thin dispatch over the commands in commands.h. CLI11 parses the arguments; each command
// adds its own subcommand, options and help.
#include <array>
#include <exception>
#include <iostream>
#include <string>

#include <unitclock/version.h>
#include <CLI/CLI.hpp>

#include "commands.h"

namespace {

using unitclock::app::Command;
using unitclock::app::kExitFailure;
using unitclock::app::kExitOk;
using unitclock::app::kExitUsage;

// The end of `unitclock-cli --help`, and so of the man page that help2man makes from it.
constexpr const char* kFooter =
    "'unitclock-cli COMMAND --help' describes a command, e.g. 'unitclock-cli sessions list --help'.\n"
    "\n"
    "Exit status:\n"
    "  0   success\n"
    "  1   an unexpected failure while running, e.g. the output could not be written\n"
    "  2   a usage error: bad arguments or bad input, or a device store or catalog that cannot be read;\n"
    "      one line on stderr names it";

// "unitclock-cli sessions list": the command line that leads to `app`.
std::string commandPath(const CLI::App& app) {
  std::string path = app.get_name();
  for (const CLI::App* p = app.get_parent(); p != nullptr; p = p->get_parent())
    path = p->get_name() + " " + path;
  return path;
}

// The innermost command the arguments named, whose help a parse error points to.
const CLI::App& chosenCommand(const CLI::App& cli) {
  const CLI::App* app = &cli;
  while (!app->get_subcommands().empty()) app = app->get_subcommands().front();
  return *app;
}

// A parse error as one line in our words: the command it happened in, what is wrong, where help is.
void printParseError(const CLI::ParseError& e, const CLI::App& cli, std::ostream& err) {
  const CLI::App* where = &chosenCommand(cli);
  std::string message = e.what();
  if (dynamic_cast<const CLI::ExtrasError*>(&e) != nullptr) {
    // Left-over arguments stay with the command that met them: find the outermost one that has some.
    for (const CLI::App* app = &cli;; app = app->get_subcommands().front()) {
      if (app->remaining_size() > 0) {
        where = app;
        break;
      }
      if (app->get_subcommands().empty()) break;
    }
    const auto rest = where->remaining();
    const std::string first = rest.empty() ? std::string{} : rest.front();
    if (first.starts_with('-')) {
      message = "unknown option '" + first + "'";
    } else if (!where->get_subcommands({}).empty()) {
      message = "unknown command '" + first + "'";
    } else {
      message = "unexpected argument '" + first + "'";
    }
  } else if (dynamic_cast<const CLI::ArgumentMismatch*>(&e) != nullptr && message.ends_with(" missing")) {
    // CLI11 says "--payer: 1 required medicare|commercial|NAME missing".
    const std::string name = message.substr(0, message.find(':'));
    const CLI::Option* option = where->get_option_no_throw(name);
    message = name + " needs a value" + (option != nullptr ? " (" + option->get_type_name() + ")" : "");
  }
  err << commandPath(*where) << ": " << message << " (see " << commandPath(*where) << " --help)\n";
}

// Parses the arguments and runs the command they name; returns the exit status.
int parseAndRun(CLI::App& cli, const std::array<Command, 2>& commands, const CLI::App& helpCommand, int argc,
                char** argv) {
  try {
    cli.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    std::cout << cli.help();  // the help of the innermost command given
    return kExitOk;
  } catch (const CLI::CallForVersion& version) {
    std::cout << version.what() << '\n';
    return kExitOk;
  } catch (const CLI::ParseError& e) {
    printParseError(e, cli, std::cerr);
    return kExitUsage;
  }

  const std::string topHelp =
      cli.get_formatter()->make_help(&cli, cli.get_name(), CLI::AppFormatMode::Normal);
  if (helpCommand.parsed()) {
    std::cout << topHelp;
    return kExitOk;
  }
  for (const auto& command : commands) {
    if (!command.app->parsed()) continue;
    try {
      return command.run(std::cout, std::cerr);
    } catch (const std::exception& e) {
      std::cerr << commandPath(*command.app) << ": " << e.what() << '\n';
      return kExitFailure;
    }
  }
  std::cerr << topHelp;  // no command
  return kExitUsage;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App cli{"The Unitclock units calculator and device store tool.", "unitclock-cli"};
  cli.set_help_flag("-h,--help", "print this help and exit");  // before the commands, which inherit it
  cli.set_version_flag("--version", std::string{"unitclock-cli "} + unitclock::kVersion,
                       "print the version and exit");
  cli.require_subcommand(0, 1);  // no command at all is answered with the help on stderr
  cli.footer(kFooter);
  cli.get_formatter()->column_width(28);
  const std::array commands{unitclock::app::addUnitsCommand(cli), unitclock::app::addSessionsCommand(cli)};
  // `unitclock-cli help`, as before --help existed everywhere; hidden from the help it prints.
  const CLI::App* help = cli.add_subcommand("help", "print this help and exit")->group("")->allow_extras();

  const int status = parseAndRun(cli, commands, *help, argc, argv);
  if (!std::cout.flush()) {  // a full disk or a closed pipe: the result did not arrive
    std::cerr << "unitclock-cli: the output could not be written\n";
    return kExitFailure;
  }
  return status;
}
