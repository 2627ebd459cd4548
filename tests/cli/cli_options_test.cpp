// How unitclock-cli answers --help, --version and mistakes in its options, as a user at a terminal meets
// them: the real binary, its output and its exit status.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <regex>

#include "cli_run.h"

namespace unitclock::testing {
namespace {

// [SECTION] Help

struct HelpCase {
  const char* name;
  std::vector<std::string> args;
  std::vector<std::string> names;  // options and commands the help must name
};

class CliCommandHelp : public ::testing::TestWithParam<HelpCase> {};

TEST_P(CliCommandHelp, GoesToStdoutExitsZeroAndNamesTheOptions) {
  const HelpCase& c = GetParam();
  auto run = runCli(c.args);
  EXPECT_EQ(run.status, 0) << run.err;
  EXPECT_EQ(run.err, "");
  EXPECT_NE(run.out.find("Usage: unitclock-cli"), std::string::npos) << run.out;
  for (const auto& name : c.names)
    EXPECT_NE(run.out.find(name), std::string::npos) << name << "\n" << run.out;
}

const HelpCase kHelpCases[] = {
    {"TopLevel", {"--help"}, {"--help", "--version", "units", "sessions"}},
    {"TopLevelShort", {"-h"}, {"--version", "units", "sessions"}},
    {"Units",
     {"units", "--help"},
     {"unitclock-cli units", "--payer", "--discipline ot|pt|slp", "--telehealth", "--json", "--catalog DIR",
      "ITEM"}},
    {"UnitsAfterAnItem", {"units", "97110=33", "-h"}, {"unitclock-cli units", "--payer"}},
    {"Sessions", {"sessions", "--help"}, {"unitclock-cli sessions", "list", "show", "export"}},
    {"SessionsList",
     {"sessions", "list", "--help"},
     {"unitclock-cli sessions list", "--db PATH", "--json", "--date YYYY-MM-DD", "--status STATUS"}},
    {"SessionsShow",
     {"sessions", "show", "--help"},
     {"unitclock-cli sessions show", "--db PATH", "--json", "--date YYYY-MM-DD", "SESSION_ID"}},
    {"SessionsExport",
     {"sessions", "export", "--help"},
     {"unitclock-cli sessions export", "--db PATH", "--json", "--date YYYY-MM-DD", "--status STATUS",
      "total_units"}},
};

INSTANTIATE_TEST_SUITE_P(EveryCommand, CliCommandHelp, ::testing::ValuesIn(kHelpCases),
                         [](const ::testing::TestParamInfo<HelpCase>& row) {
                           return std::string{row.param.name};
                         });

TEST(CliHelp, TopLevelHelpEndsWithTheExitStatuses) {
  // help2man makes the man page from this text, so this is also what `man unitclock-cli` says.
  auto run = runCli({"--help"});
  ASSERT_EQ(run.status, 0);
  const auto section = run.out.rfind("\nExit status:\n");
  ASSERT_NE(section, std::string::npos) << run.out;
  const std::string statuses = run.out.substr(section);
  EXPECT_NE(statuses.find("\n  0   success"), std::string::npos) << statuses;
  EXPECT_NE(statuses.find("\n  1   "), std::string::npos) << statuses;
  EXPECT_NE(statuses.find("\n  2   a usage error"), std::string::npos) << statuses;
}

TEST(CliHelp, ShowHelpDoesNotOfferAStatusFilter) {
  auto run = runCli({"sessions", "show", "--help"});
  EXPECT_EQ(run.out.find("--status"), std::string::npos) << run.out;
}

// [SECTION] Version

TEST(CliVersion, PrintsTheProgramNameAndItsVersionAndExitsZero) {
  auto run = runCli({"--version"});
  EXPECT_EQ(run.status, 0);
  EXPECT_EQ(run.err, "");
  EXPECT_TRUE(std::regex_match(run.out, std::regex{"unitclock-cli [0-9]+\\.[0-9]+\\.[0-9]+\n"})) << run.out;
}

// [SECTION] Usage errors: exit 2, nothing on stdout, one stderr line naming the problem and where help is

struct UsageCase {
  const char* name;
  std::vector<std::string> args;
  const char* named;  // text the stderr line must contain
  const char* help;   // the --help it points to
};

class CliUsageError : public ::testing::TestWithParam<UsageCase> {};

TEST_P(CliUsageError, ExitsTwoWithOneLineNamingItAndPointingToHelp) {
  const UsageCase& c = GetParam();
  auto run = runCli(c.args);
  EXPECT_EQ(run.status, 2);
  EXPECT_EQ(run.out, "");
  EXPECT_EQ(run.stderrLines(), 1) << run.err;
  EXPECT_NE(run.err.find(c.named), std::string::npos) << run.err;
  EXPECT_NE(run.err.find(std::string{"see "} + c.help), std::string::npos) << run.err;
}

const UsageCase kUsageCases[] = {
    {"UnknownTopLevelOption", {"--fast"}, "unknown option '--fast'", "unitclock-cli --help"},
    {"UnknownCommand", {"frobnicate"}, "unknown command 'frobnicate'", "unitclock-cli --help"},
    {"UnknownUnitsOption",
     {"units", "--fast", "97110=10"},
     "unknown option '--fast'",
     "unitclock-cli units --help"},
    {"UnknownSessionsAction",
     {"sessions", "remove"},
     "unknown command 'remove'",
     "unitclock-cli sessions --help"},
    {"UnknownListOption",
     {"sessions", "list", "--db", "x.db", "--frobnicate"},
     "unknown option '--frobnicate'",
     "unitclock-cli sessions list --help"},
    {"StatusIsNotAShowOption",
     {"sessions", "show", "--db", "x.db", "--status", "open", "id"},
     "unknown option '--status'",
     "unitclock-cli sessions show --help"},
    {"VersionIsNotAUnitsOption",
     {"units", "--version"},
     "unknown option '--version'",
     "unitclock-cli units --help"},
    {"PayerWithoutItsValue",
     {"units", "97110=10", "--payer"},
     "--payer needs a value",
     "unitclock-cli units --help"},
    {"CatalogWithoutItsValue",
     {"units", "97110=10", "--catalog"},
     "--catalog needs a value",
     "unitclock-cli units --help"},
    {"DbWithoutItsValue",
     {"sessions", "list", "--db"},
     "--db needs a value",
     "unitclock-cli sessions list --help"},
    {"DateWithoutItsValue",
     {"sessions", "export", "--db", "x.db", "--date"},
     "--date needs a value",
     "unitclock-cli sessions export --help"},
    {"DbMissing",
     {"sessions", "export", "--json"},
     "--db is required",
     "unitclock-cli sessions export --help"},
    {"SessionIdMissing",
     {"sessions", "show", "--db", "x.db"},
     "SESSION_ID is required",
     "unitclock-cli sessions show --help"},
    {"TwoActions",
     {"sessions", "list", "export", "--db", "x.db"},
     "unexpected argument 'export'",
     "unitclock-cli sessions list --help"},
};

INSTANTIATE_TEST_SUITE_P(Options, CliUsageError, ::testing::ValuesIn(kUsageCases),
                         [](const ::testing::TestParamInfo<UsageCase>& row) {
                           return std::string{row.param.name};
                         });

// [SECTION] Runtime errors: exit 1

TEST(CliExitStatus, OutputThatCannotBeWrittenExitsOne) {
  if (!std::filesystem::exists("/dev/full")) GTEST_SKIP() << "no /dev/full here";
  for (const char* args : {"units 97110=33", "--help", "--version"}) {
    const int raw =
        std::system((shellQuote(UNITCLOCK_CLI_PATH) + " " + args + " >/dev/full 2>/dev/null").c_str());
    ASSERT_TRUE(WIFEXITED(raw)) << args;
    EXPECT_EQ(WEXITSTATUS(raw), 1) << args;
  }
}

}  // namespace
}  // namespace unitclock::testing
